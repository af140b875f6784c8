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
accts AS (
    SELECT a.account_id, a.referred_by
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
first_revenue AS (
    SELECT m.account_id, min(m.month) AS first_month,
           arg_min(m.mrr_change, m.month) AS first_mrr
    FROM revenue_movements m SEMI JOIN accts USING (account_id)
    WHERE m.mrr_change > 0
    GROUP BY m.account_id
),
per_month AS (
    SELECT w.month,
           count(*) AS new_customers,
           count(*) FILTER (a.referred_by IS NOT NULL) AS referred,
           sum(f.first_mrr) FILTER (a.referred_by IS NOT NULL) AS referred_new_mrr
    FROM windows w
    JOIN first_revenue f ON f.first_month >= w.window_start AND f.first_month <= w.month
    JOIN accts a USING (account_id)
    GROUP BY w.month
)
SELECT months.month,
       coalesce(new_customers, 0)::BIGINT AS new_customers,
       coalesce(referred, 0)::BIGINT AS referred,
       (referred / nullif(new_customers, 0))::DOUBLE AS referral_rate,
       coalesce(referred_new_mrr, 0)::DOUBLE AS referred_new_mrr
FROM months LEFT JOIN per_month USING (month)
ORDER BY months.month
