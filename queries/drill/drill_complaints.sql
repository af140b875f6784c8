-- Complaints in the first 90 days after close, traced back to the deal, its rep and team:
-- new deals won in the early-complaint cohort (the window shifted back three months).
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: account, opportunity_id, rep, team, closed_on, complained_on, days_after_close, severity, discount_pct, answered
-- tables: service_events, opportunities, accounts, reps, teams
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1 + 3))::DATE AS cohort_start,
           (date_trunc('month', $as_of::DATE) - to_months(2))::DATE AS cohort_end
)
SELECT a.name AS account, o.opportunity_id, coalesce(r.name, o.rep_id) AS rep, coalesce(t.name, r.team_id) AS team,
       o.closed_on, e.occurred_on AS complained_on,
       date_diff('day', o.closed_on, e.occurred_on)::INTEGER AS days_after_close, e.severity,
       o.discount_pct::DOUBLE AS discount_pct,
       (answers_value::INTEGER + answers_why_me::INTEGER + answers_why_now::INTEGER
           + answers_alternative::INTEGER)::INTEGER AS answered
FROM opportunities o
CROSS JOIN bounds b
JOIN accounts a ON a.account_id = o.account_id
JOIN service_events e
  ON e.account_id = o.account_id AND e.kind = 'complaint'
 AND e.occurred_on >= o.closed_on AND e.occurred_on <= o.closed_on + INTERVAL 90 DAY
LEFT JOIN reps r ON r.rep_id = o.rep_id
LEFT JOIN teams t ON t.team_id = r.team_id
WHERE o.kind = 'new' AND o.status = 'won'
  AND o.closed_on >= b.cohort_start AND o.closed_on < b.cohort_end
  AND ($market_id IS NULL OR a.market_id = $market_id)
  AND ($segment IS NULL OR a.segment = $segment)
  AND ($region IS NULL OR a.region = $region)
  AND ($team_id IS NULL OR r.team_id = $team_id)
ORDER BY e.occurred_on DESC, account
