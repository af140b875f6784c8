-- Reputation assets created in the window (references, case studies, testimonials,
-- reviews, awards) and whether they have been depreciated since.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: kind VARCHAR = null
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: event_id, account, kind, occurred_on, opportunity_id, rating, depreciated_on
-- tables: reputation_events, accounts, reps
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1))::DATE AS window_start,
           (date_trunc('month', $as_of::DATE) + INTERVAL 1 MONTH)::DATE AS period_end
)
SELECT e.event_id, a.name AS account, e.kind, e.occurred_on, e.opportunity_id, e.rating,
       CASE WHEN e.depreciated_on < b.period_end THEN e.depreciated_on END AS depreciated_on
FROM reputation_events e
CROSS JOIN bounds b
JOIN accounts a ON a.account_id = e.account_id
LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
WHERE e.occurred_on >= b.window_start AND e.occurred_on < b.period_end
  AND ($kind IS NULL OR e.kind = $kind)
  AND ($market_id IS NULL OR a.market_id = $market_id)
  AND ($segment IS NULL OR a.segment = $segment)
  AND ($region IS NULL OR a.region = $region)
  AND ($team_id IS NULL OR r.team_id = $team_id)
ORDER BY e.occurred_on DESC, e.event_id
