-- Referral rate: new customers in the window (first positive revenue in it) that were
-- referred by another account / all new customers in the window.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: months INTEGER = 1
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, new_customers, referred, referral_rate, referred_new_mrr
-- tables: accounts, reps, revenue_movements
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months($months - 1), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
windows AS (
    SELECT month, (month - to_months($window - 1))::DATE AS window_start FROM months
),
-- rollup_new_customers: new customers per month of first revenue and account cell
first_revenue AS (
    SELECT first_month,
           sum(new_customers) AS new_customers,
           sum(referred) AS referred,
           sum(referred_new_mrr) AS referred_new_mrr
    FROM rollup_new_customers
    WHERE first_month >= (SELECT min(window_start) FROM windows)
      AND first_month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY first_month
),
per_month AS (
    SELECT w.month,
           sum(f.new_customers) AS new_customers,
           sum(f.referred) AS referred,
           sum(f.referred_new_mrr) AS referred_new_mrr
    FROM windows w
    JOIN first_revenue f ON f.first_month >= w.window_start AND f.first_month <= w.month
    GROUP BY w.month
)
SELECT months.month,
       coalesce(new_customers, 0)::BIGINT AS new_customers,
       coalesce(referred, 0)::BIGINT AS referred,
       (referred / nullif(new_customers, 0))::DOUBLE AS referral_rate,
       coalesce(referred_new_mrr, 0)::DOUBLE AS referred_new_mrr
FROM months LEFT JOIN per_month USING (month)
ORDER BY months.month
