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
-- rollup_cohorts has a row per cohort and month up to the last revenue month; later months have
-- the same figures (nothing moves any more)
last_stored AS (SELECT last_month AS month FROM rollup_bounds),
per_cell AS (
    SELECT cohort, month,
           sum(cohort_customers) AS cohort_customers,
           sum(active_customers) AS active_customers,
           sum(mrr) AS mrr
    FROM rollup_cohorts
    WHERE cohort <= (SELECT month FROM last_month)
      AND cohort > (SELECT month - to_months($months) FROM last_month)
      AND month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY cohort, month
),
grid AS (
    SELECT DISTINCT cohort,
           unnest(generate_series(cohort, (SELECT month FROM last_month), INTERVAL 1 MONTH))::DATE AS month
    FROM per_cell
),
cells AS (
    SELECT g.cohort, g.month, c.cohort_customers, c.active_customers, c.mrr
    FROM grid g
    JOIN per_cell c ON c.cohort = g.cohort AND c.month = least(g.month, (SELECT month FROM last_stored))
)
SELECT c.cohort,
       date_diff('month', c.cohort, c.month)::INTEGER AS months_since,
       c.cohort_customers::BIGINT AS cohort_customers,
       c.active_customers::BIGINT AS active_customers,
       (c.active_customers / c.cohort_customers)::DOUBLE AS customer_retention,
       s.mrr::DOUBLE AS cohort_start_mrr,
       c.mrr::DOUBLE AS mrr,
       (c.mrr / nullif(s.mrr, 0))::DOUBLE AS mrr_retention
FROM cells c JOIN cells s ON s.cohort = c.cohort AND s.month = c.cohort
ORDER BY c.cohort, months_since
