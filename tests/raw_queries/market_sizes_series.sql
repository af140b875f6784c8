-- Market size by quarter, actuals apart from forecasts: `kind` = 'actual' for actual quarters on
-- or before the as-of month, 'forecast' for forecast quarters (actual quarters after the as-of
-- month were not known then and are left out). For actual quarters, our ARR (12 x MRR of active
-- accounts at the end of the quarter's last month, or of the as-of month when that comes first)
-- and its share of SAM; null for forecasts. Segment, region and team filters narrow our ARR only.
-- param: as_of DATE = latest
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: horizon, market_id, market, period, kind, tam, sam, arr, sam_share
-- tables: markets, market_sizes, accounts, reps, revenue_movements
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
sizes AS (
    SELECT k.horizon, k.market_id, k.name AS market, s.period, s.tam, s.sam,
           CASE WHEN s.is_forecast THEN 'forecast' ELSE 'actual' END AS kind,
           CASE WHEN NOT s.is_forecast THEN least((s.period + INTERVAL 2 MONTH)::DATE, l.month) END AS measured_at
    FROM market_sizes s
    JOIN markets k USING (market_id)
    CROSS JOIN last_month l
    WHERE ($market_id IS NULL OR s.market_id = $market_id)
      AND (s.is_forecast OR s.period <= l.month)
),
accts AS (
    SELECT a.account_id, a.market_id
    FROM accounts a
    LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
ends AS (
    SELECT DISTINCT measured_at FROM sizes WHERE measured_at IS NOT NULL
),
-- each account's MRR at the end of each measuring month
balances AS (
    SELECT a.market_id, e.measured_at, sum(m.mrr_change) AS mrr
    FROM revenue_movements m
    JOIN accts a USING (account_id)
    JOIN ends e ON m.month <= e.measured_at
    GROUP BY a.market_id, e.measured_at, m.account_id
),
ours AS (
    SELECT market_id, measured_at, sum(mrr) AS mrr
    FROM balances
    WHERE round(mrr, 2) > 0
    GROUP BY market_id, measured_at
)
SELECT s.horizon, s.market_id, s.market, s.period, s.kind,
       s.tam::DOUBLE AS tam,
       s.sam::DOUBLE AS sam,
       CASE WHEN s.kind = 'actual' THEN 12 * coalesce(o.mrr, 0) END::DOUBLE AS arr,
       CASE WHEN s.kind = 'actual' THEN 12 * coalesce(o.mrr, 0) / nullif(s.sam, 0) END::DOUBLE AS sam_share
FROM sizes s
LEFT JOIN ours o ON o.market_id = s.market_id AND o.measured_at = s.measured_at
ORDER BY s.horizon, s.market_id, s.period
