-- Cohort retention: share of each monthly cohort's customers, and of its starting MRR,
-- still there k months after its first revenue. Cohort = month of first positive movement.
-- param: as_of DATE = latest
-- param: months INTEGER = 24
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: cohort, months_since, cohort_customers, active_customers, customer_retention, cohort_start_mrr, mrr, mrr_retention
-- tables: accounts, reps, revenue_movements
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
accts AS (
    SELECT a.account_id
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
account_months AS (
    SELECT m.account_id, m.month, sum(m.mrr_change) AS change
    FROM revenue_movements m SEMI JOIN accts USING (account_id)
    WHERE m.month <= (SELECT month FROM last_month)
    GROUP BY m.account_id, m.month
),
balances AS (
    SELECT account_id, month AS valid_from,
           coalesce(lead(month) OVER (PARTITION BY account_id ORDER BY month), DATE '9999-01-01') AS valid_until,
           sum(change) OVER (PARTITION BY account_id ORDER BY month) AS balance
    FROM account_months
),
-- the month of the first positive movement (not of the first positive net change: an
-- account that signs and cancels in the same month still belongs to that month's cohort)
cohorts AS (
    SELECT m.account_id, min(m.month) AS cohort
    FROM revenue_movements m SEMI JOIN accts USING (account_id)
    WHERE m.mrr_change > 0 AND m.month <= (SELECT month FROM last_month)
    GROUP BY m.account_id
),
kept_cohorts AS (
    SELECT account_id, cohort FROM cohorts
    WHERE cohort > (SELECT month - to_months($months) FROM last_month)
),
grid AS (
    SELECT DISTINCT cohort,
           unnest(generate_series(cohort, (SELECT month FROM last_month), INTERVAL 1 MONTH))::DATE AS month
    FROM kept_cohorts
),
cells AS (
    SELECT g.cohort, g.month, k.account_id, coalesce(b.balance, 0) AS mrr
    FROM grid g
    JOIN kept_cohorts k ON k.cohort = g.cohort
    LEFT JOIN balances b
      ON b.account_id = k.account_id AND b.valid_from <= g.month AND b.valid_until > g.month
),
per_cell AS (
    SELECT cohort, month,
           count(*) AS cohort_customers,
           count(*) FILTER (round(mrr, 2) > 0) AS active_customers,
           sum(mrr) AS mrr
    FROM cells GROUP BY cohort, month
)
SELECT c.cohort,
       date_diff('month', c.cohort, c.month)::INTEGER AS months_since,
       c.cohort_customers::BIGINT AS cohort_customers,
       c.active_customers::BIGINT AS active_customers,
       (c.active_customers / c.cohort_customers)::DOUBLE AS customer_retention,
       s.mrr::DOUBLE AS cohort_start_mrr,
       c.mrr::DOUBLE AS mrr,
       (c.mrr / nullif(s.mrr, 0))::DOUBLE AS mrr_retention
FROM per_cell c JOIN per_cell s ON s.cohort = c.cohort AND s.month = c.cohort
ORDER BY c.cohort, months_since
