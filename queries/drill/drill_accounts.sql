-- Accounts behind a figure, with their MRR at the end of the as-of month and status then
-- (active customer, churned, or prospect that never had revenue).
-- param: as_of DATE = latest
-- param: status VARCHAR = null
-- param: horizon VARCHAR = null
-- param: referred BOOLEAN = null
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: account_id, name, market, horizon, segment, region, team, acquisition_source, referred_by, first_revenue, mrr, status
-- tables: accounts, reps, teams, markets, revenue_movements
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
balances AS (
    SELECT account_id,
           sum(mrr_change) AS mrr,
           min(month) FILTER (mrr_change > 0) AS first_revenue
    FROM revenue_movements
    WHERE month <= (SELECT month FROM last_month)
    GROUP BY account_id
),
rows AS (
    SELECT a.account_id, a.name, coalesce(k.name, a.market_id) AS market, k.horizon, a.segment, a.region,
           coalesce(t.name, r.team_id) AS team, a.acquisition_source, a.referred_by,
           b.first_revenue, round(coalesce(b.mrr, 0), 2) AS mrr,
           CASE WHEN round(coalesce(b.mrr, 0), 2) > 0 THEN 'active'
                WHEN b.first_revenue IS NOT NULL THEN 'churned'
                ELSE 'prospect' END AS status
    FROM accounts a
    LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    LEFT JOIN teams t ON t.team_id = r.team_id
    LEFT JOIN markets k ON k.market_id = a.market_id
    LEFT JOIN balances b ON b.account_id = a.account_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
      AND a.created_on < (SELECT month + INTERVAL 1 MONTH FROM last_month)
)
SELECT account_id, name, market, horizon, segment, region, team, acquisition_source, referred_by,
       first_revenue, mrr::DOUBLE AS mrr, status
FROM rows
WHERE ($status IS NULL OR status = $status)
  AND ($horizon IS NULL OR horizon = $horizon)
  AND ($referred IS NULL OR (referred_by IS NOT NULL) = $referred)
ORDER BY mrr DESC, account_id
