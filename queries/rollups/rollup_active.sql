-- Active customers and their MRR at the end of each month (first .. last month of the revenue
-- history) per account cell (market, segment, region, owner's team). A month after the last one
-- has the last month's figures (nothing moves after it). Built from each account's balance
-- periods, so MRR is a sum of active balances, as the metrics compute it. (`cell`: see
-- rollup_account_months.)
CREATE TABLE rollup_active AS
WITH
periods AS (
    SELECT p.cell,
           any_value(p.market_id) AS market_id, any_value(p.segment) AS segment,
           any_value(p.region) AS region, any_value(p.team_id) AS team_id,
           p.month AS valid_from,
           coalesce(p.valid_until, (b.last_month + INTERVAL 1 MONTH)::DATE) AS valid_until,
           count(*) AS customers,
           sum(p.balance) AS mrr
    FROM rollup_account_months p CROSS JOIN rollup_bounds b
    WHERE p.active
    GROUP BY p.cell, p.month, coalesce(p.valid_until, (b.last_month + INTERVAL 1 MONTH)::DATE)
),
months AS (
    SELECT cell, market_id, segment, region, team_id, customers, mrr,
           unnest(generate_series(valid_from, valid_until - INTERVAL 1 MONTH, INTERVAL 1 MONTH))::DATE AS month
    FROM periods
)
SELECT month, cell,
       any_value(market_id) AS market_id, any_value(segment) AS segment,
       any_value(region) AS region, any_value(team_id) AS team_id,
       sum(customers)::BIGINT AS customers,
       sum(mrr) AS mrr
FROM months
GROUP BY month, cell
ORDER BY month, cell
