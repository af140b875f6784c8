-- MRR, active customers and the month's revenue movements, one row per month.
-- Movements are the single month's (not the window's); contraction and churn are magnitudes.
-- param: as_of DATE = latest
-- param: months INTEGER = 1
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, mrr, customers, new_mrr, expansion_mrr, contraction_mrr, churn_mrr, reactivation_mrr, new_mrr_sales, new_mrr_operations, expansion_mrr_sales, expansion_mrr_operations
-- tables: accounts, reps, revenue_movements
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months($months - 1), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
-- rollup_revenue: the movements of each month per account cell; running sums give MRR and customers
monthly AS (
    SELECT month,
           sum(mrr_step) AS mrr_step,
           sum(customer_step) AS customer_step,
           sum(new_mrr) AS new_mrr,
           sum(expansion_mrr) AS expansion_mrr,
           sum(contraction_mrr) AS contraction_mrr,
           sum(churn_mrr) AS churn_mrr,
           sum(reactivation_mrr) AS reactivation_mrr,
           sum(new_mrr_sales) AS new_mrr_sales,
           sum(new_mrr_operations) AS new_mrr_operations,
           sum(expansion_mrr_sales) AS expansion_mrr_sales,
           sum(expansion_mrr_operations) AS expansion_mrr_operations
    FROM rollup_revenue
    WHERE month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY month
),
running AS (
    SELECT months.month,
           (SELECT coalesce(sum(mrr_step), 0) FROM monthly WHERE monthly.month <= months.month) AS mrr,
           (SELECT coalesce(sum(customer_step), 0) FROM monthly WHERE monthly.month <= months.month) AS customers
    FROM months
)
SELECT running.month,
       round(running.mrr, 2)::DOUBLE AS mrr,
       running.customers::BIGINT AS customers,
       coalesce(new_mrr, 0)::DOUBLE AS new_mrr,
       coalesce(expansion_mrr, 0)::DOUBLE AS expansion_mrr,
       coalesce(contraction_mrr, 0)::DOUBLE AS contraction_mrr,
       coalesce(churn_mrr, 0)::DOUBLE AS churn_mrr,
       coalesce(reactivation_mrr, 0)::DOUBLE AS reactivation_mrr,
       coalesce(new_mrr_sales, 0)::DOUBLE AS new_mrr_sales,
       coalesce(new_mrr_operations, 0)::DOUBLE AS new_mrr_operations,
       coalesce(expansion_mrr_sales, 0)::DOUBLE AS expansion_mrr_sales,
       coalesce(expansion_mrr_operations, 0)::DOUBLE AS expansion_mrr_operations
FROM running LEFT JOIN monthly USING (month)
ORDER BY running.month
