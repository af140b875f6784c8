-- Customers lost, each once, for LTV's churn rate (docs/metrics.md, "LTV"): an account is lost in
-- the twelve months ending with month A when it was active at the end of one of the months A - 12
-- .. A - 1 and is not active at the end of A; that is, its last churn (a month that left it
-- inactive after it was active) lies in A - 11 .. A and it has not come back by the end of A. One
-- row per churn and account cell (market, segment, region, owner's team) span: the months A
-- (first_month .. last_month, inclusive) in which the churns of that month count, with how many.
-- An account that churns, returns and churns again within the year is lost once, in the months
-- after its last churn.
CREATE TABLE rollup_lost_customers AS
WITH
churns AS (
    SELECT account_id, cell, market_id, segment, region, team_id, month, active, was_active,
           -- the next month the account is active again (null: not yet)
           min(month) FILTER (active) OVER (
               PARTITION BY account_id ORDER BY month ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING
           ) AS back_on
    FROM rollup_account_months
)
SELECT any_value(market_id) AS market_id, any_value(segment) AS segment,
       any_value(region) AS region, any_value(team_id) AS team_id,
       month AS first_month,
       least((month + INTERVAL 11 MONTH)::DATE, coalesce((back_on - INTERVAL 1 MONTH)::DATE, DATE '9999-12-01'))
           AS last_month,
       count(*)::BIGINT AS customers
FROM churns
WHERE was_active AND NOT active
GROUP BY cell, first_month, last_month
ORDER BY first_month, last_month
