-- NRR, GRR and logo churn by account, year over year, for each month A, read from the raw
-- movements: the start set is the accounts active at the end of A - 12; each account's MRR at the
-- end of A (0 when not active) against its MRR then. NRR and GRR are computed directly as
-- sum(end) / sum(start) and sum(min(end, start)) / sum(start); the bridge columns classify each
-- account's net change.
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
accts AS (
    SELECT a.account_id
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
-- the MRR of every account at the end of every month it could matter in (0 when not active)
month_ends AS (
    SELECT DISTINCT unnest(generate_series(month - to_months(12), month, INTERVAL 1 MONTH))::DATE AS month
    FROM months
),
mrr_at AS (
    SELECT e.month, a.account_id,
           coalesce(sum(m.mrr_change), 0) AS balance
    FROM month_ends e
    CROSS JOIN accts a
    LEFT JOIN revenue_movements m ON m.account_id = a.account_id AND m.month <= e.month
    GROUP BY e.month, a.account_id
),
active_mrr AS (
    SELECT month, account_id, CASE WHEN round(balance, 2) > 0 THEN balance ELSE 0 END AS mrr
    FROM mrr_at
),
per_account AS (
    SELECT m.month, s.account_id, s.mrr AS start_mrr, e.mrr AS end_mrr,
           -- inactive at the end of some month after the start, up to A
           EXISTS (
               SELECT 1 FROM active_mrr x
               WHERE x.account_id = s.account_id AND x.mrr = 0
                 AND x.month > s.month AND x.month <= m.month
           ) AS lapsed
    FROM months m
    JOIN active_mrr s ON s.month = (m.month - to_months(12))::DATE AND s.mrr > 0
    JOIN active_mrr e ON e.month = m.month AND e.account_id = s.account_id
),
per_month AS (
    SELECT month,
           count(*) AS start_customers,
           sum(start_mrr) AS start_mrr,
           sum(end_mrr) AS end_mrr,
           sum(least(end_mrr, start_mrr)) AS kept_mrr,
           sum(end_mrr - start_mrr) FILTER (round(end_mrr - start_mrr, 2) > 0 AND NOT lapsed) AS expansion,
           sum(end_mrr - start_mrr) FILTER (round(end_mrr - start_mrr, 2) > 0 AND lapsed) AS reactivation,
           sum(start_mrr - end_mrr) FILTER (round(end_mrr - start_mrr, 2) < 0 AND end_mrr > 0) AS contraction,
           sum(start_mrr) FILTER (end_mrr = 0) AS churn,
           count(*) FILTER (end_mrr = 0) AS lost_customers
    FROM per_account GROUP BY month
)
SELECT months.month,
       coalesce(start_customers, 0)::BIGINT AS start_customers,
       coalesce(start_mrr, 0)::DOUBLE AS start_mrr,
       coalesce(expansion, 0)::DOUBLE AS expansion,
       coalesce(reactivation, 0)::DOUBLE AS reactivation,
       coalesce(contraction, 0)::DOUBLE AS contraction,
       coalesce(churn, 0)::DOUBLE AS churn,
       coalesce(end_mrr, 0)::DOUBLE AS end_mrr,
       coalesce(lost_customers, 0)::BIGINT AS lost_customers,
       (end_mrr / nullif(start_mrr, 0))::DOUBLE AS nrr,
       (kept_mrr / nullif(start_mrr, 0))::DOUBLE AS grr,
       (lost_customers / nullif(start_customers, 0))::DOUBLE AS logo_churn
FROM months LEFT JOIN per_month USING (month)
ORDER BY months.month
