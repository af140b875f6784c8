-- Revenue movements behind a figure: every movement booked in the window.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: kind VARCHAR = null
-- param: booked_by VARCHAR = null
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, account_id, account, segment, market, kind, mrr_change, booked_by, rep, opportunity_id
-- tables: revenue_movements, accounts, reps, markets
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1))::DATE AS window_start,
           date_trunc('month', $as_of::DATE)::DATE AS last_month
)
SELECT m.month, m.account_id, a.name AS account, a.segment, coalesce(k.name, a.market_id) AS market,
       m.kind, m.mrr_change::DOUBLE AS mrr_change, m.booked_by, coalesce(mr.name, m.rep_id) AS rep,
       m.opportunity_id
FROM revenue_movements m
CROSS JOIN bounds b
JOIN accounts a ON a.account_id = m.account_id
LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
LEFT JOIN reps mr ON mr.rep_id = m.rep_id
LEFT JOIN markets k ON k.market_id = a.market_id
WHERE m.month >= b.window_start AND m.month <= b.last_month
  AND ($kind IS NULL OR m.kind = $kind)
  AND ($booked_by IS NULL OR m.booked_by = $booked_by)
  AND ($market_id IS NULL OR a.market_id = $market_id)
  AND ($segment IS NULL OR a.segment = $segment)
  AND ($region IS NULL OR a.region = $region)
  AND ($team_id IS NULL OR r.team_id = $team_id)
ORDER BY m.month DESC, abs(m.mrr_change) DESC, m.account_id
