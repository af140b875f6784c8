-- NRR, GRR and logo churn over the trailing twelve months ending with each month.
-- The start cohort is the accounts active at the end of the month twelve months earlier.
-- param: as_of DATE = latest
-- param: months INTEGER = 1
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, start_customers, start_mrr, expansion, contraction, churn, end_mrr, lost_customers, nrr, grr, logo_churn
-- tables: accounts, reps, revenue_movements
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months($months - 1), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
-- rollup_retention has a row per month up to 13 months after the last revenue month; later
-- months have the same figures (nothing moves any more)
cap AS (SELECT (last_month + INTERVAL 13 MONTH)::DATE AS month FROM rollup_bounds),
wanted AS (SELECT month, least(month, (SELECT month FROM cap)) AS stored_month FROM months),
per_month AS (
    SELECT month AS stored_month,
           sum(start_customers) AS start_customers,
           sum(start_mrr) AS start_mrr,
           sum(expansion) AS expansion,
           sum(contraction) AS contraction,
           sum(churn) AS churn,
           sum(end_mrr) AS end_mrr,
           sum(lost_customers) AS lost_customers
    FROM rollup_retention
    WHERE month IN (SELECT stored_month FROM wanted)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY month
)
SELECT wanted.month,
       coalesce(start_customers, 0)::BIGINT AS start_customers,
       coalesce(start_mrr, 0)::DOUBLE AS start_mrr,
       coalesce(expansion, 0)::DOUBLE AS expansion,
       coalesce(contraction, 0)::DOUBLE AS contraction,
       coalesce(churn, 0)::DOUBLE AS churn,
       coalesce(end_mrr, 0)::DOUBLE AS end_mrr,
       coalesce(lost_customers, 0)::BIGINT AS lost_customers,
       ((start_mrr + expansion - contraction - churn) / nullif(start_mrr, 0))::DOUBLE AS nrr,
       ((start_mrr - contraction - churn) / nullif(start_mrr, 0))::DOUBLE AS grr,
       (lost_customers / nullif(start_customers, 0))::DOUBLE AS logo_churn
FROM wanted LEFT JOIN per_month USING (stored_month)
ORDER BY wanted.month
