-- NRR, GRR and logo churn by account, year over year, for each month A: the start set is the
-- accounts active at the end of A - 12 (new customers since are left out); each counts with its MRR
-- at the end of A (0 when not active). NRR = their MRR at A / their MRR at A - 12; GRR = the sum of
-- min(MRR at A, MRR at A - 12) / their MRR at A - 12; logo churn = start accounts not active at A /
-- start accounts. The bridge adds up: start_mrr + expansion + reactivation - contraction - churn =
-- end_mrr (each account's net change, by what it was: see docs/metrics.md).
-- param: as_of DATE = latest
-- param: months INTEGER = 1
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, start_customers, start_mrr, expansion, reactivation, contraction, churn, end_mrr, lost_customers, nrr, grr, logo_churn
-- tables: accounts, reps, revenue_movements
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months($months - 1), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
-- rollup_retention has a row per month up to 12 months after the last revenue month; later
-- months have the same figures (nothing moves any more)
cap AS (SELECT (last_month + INTERVAL 12 MONTH)::DATE AS month FROM rollup_bounds),
wanted AS (SELECT month, least(month, (SELECT month FROM cap)) AS stored_month FROM months),
per_month AS (
    SELECT month AS stored_month,
           sum(start_customers) AS start_customers,
           sum(start_mrr) AS start_mrr,
           sum(expansion) AS expansion,
           sum(reactivation) AS reactivation,
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
       coalesce(reactivation, 0)::DOUBLE AS reactivation,
       coalesce(contraction, 0)::DOUBLE AS contraction,
       coalesce(churn, 0)::DOUBLE AS churn,
       coalesce(end_mrr, 0)::DOUBLE AS end_mrr,
       coalesce(lost_customers, 0)::BIGINT AS lost_customers,
       -- (DuckDB's greatest and least skip nulls: an empty start set stays null through the CASE)
       CASE WHEN start_mrr > 0 THEN greatest(end_mrr, 0) / start_mrr END::DOUBLE AS nrr,
       -- sum(min(end, start)) = start - contraction - churn; kept within [0, 1] against the last
       -- bit of a double (a GRR of -0.0000001 % or 100.0000001 % would be an impossible number)
       CASE WHEN start_mrr > 0 THEN least(greatest((start_mrr - contraction - churn) / start_mrr, 0), 1) END::DOUBLE
           AS grr,
       (lost_customers / nullif(start_customers, 0))::DOUBLE AS logo_churn
FROM wanted LEFT JOIN per_month USING (stored_month)
ORDER BY wanted.month
