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
accts AS (
    SELECT a.account_id
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
mv AS (
    SELECT m.*
    FROM revenue_movements m SEMI JOIN accts USING (account_id)
    WHERE m.month <= (SELECT month FROM last_month)
),
-- each account's MRR after each month it moved, and whether that made it (in)active
balances AS (
    SELECT account_id, month,
           sum(sum(mrr_change)) OVER (PARTITION BY account_id ORDER BY month) AS balance
    FROM mv GROUP BY account_id, month
),
steps AS (
    SELECT month,
           (round(balance, 2) > 0)::INTEGER
             - coalesce(round(lag(balance) OVER (PARTITION BY account_id ORDER BY month), 2) > 0, false)::INTEGER
             AS customer_step
    FROM balances
),
monthly AS (
    SELECT month,
           sum(mrr_change) AS mrr_step,
           sum(mrr_change) FILTER (kind = 'new') AS new_mrr,
           sum(mrr_change) FILTER (kind = 'expansion') AS expansion_mrr,
           -sum(mrr_change) FILTER (kind = 'contraction') AS contraction_mrr,
           -sum(mrr_change) FILTER (kind = 'churn') AS churn_mrr,
           sum(mrr_change) FILTER (kind = 'reactivation') AS reactivation_mrr,
           sum(mrr_change) FILTER (kind = 'new' AND booked_by = 'sales') AS new_mrr_sales,
           sum(mrr_change) FILTER (kind = 'new' AND booked_by = 'operations') AS new_mrr_operations,
           sum(mrr_change) FILTER (kind = 'expansion' AND booked_by = 'sales') AS expansion_mrr_sales,
           sum(mrr_change) FILTER (kind = 'expansion' AND booked_by = 'operations') AS expansion_mrr_operations
    FROM mv GROUP BY month
),
customer_steps AS (SELECT month, sum(customer_step) AS customer_step FROM steps GROUP BY month),
running AS (
    SELECT months.month,
           (SELECT coalesce(sum(mrr_step), 0) FROM monthly WHERE monthly.month <= months.month) AS mrr,
           (SELECT coalesce(sum(customer_step), 0) FROM customer_steps c WHERE c.month <= months.month) AS customers
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
