-- Hand-offs sent in the window that lack a completeness field (objectives, stakeholders,
-- commitments or risks; all four when field is null), with their latency and whether the
-- baton was dropped, as known at the end of the as-of month.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: field VARCHAR = null
-- param: kind VARCHAR = null
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: handoff_id, kind, account, market, from_team, to_team, sent_at, accepted_at, latency_days, missing, dropped
-- tables: handoffs, accounts, teams, markets
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1))::TIMESTAMP AS window_start,
           (date_trunc('month', $as_of::DATE) + INTERVAL 1 MONTH)::TIMESTAMP AS period_end
),
rows AS (
    SELECT h.handoff_id, h.kind, a.name AS account,
           coalesce(k.name, coalesce(a.market_id, h.market_id)) AS market,
           coalesce(ft.name, h.from_team_id) AS from_team, coalesce(tt.name, h.to_team_id) AS to_team,
           h.sent_at,
           CASE WHEN h.accepted_at < b.period_end THEN h.accepted_at END AS accepted_at,
           CASE WHEN h.accepted_at < b.period_end THEN epoch(h.accepted_at - h.sent_at) / 86400.0 END::DOUBLE
               AS latency_days,
           concat_ws(', ',
               CASE WHEN NOT h.has_objectives THEN 'objectives' END,
               CASE WHEN NOT h.has_stakeholders THEN 'stakeholders' END,
               CASE WHEN NOT h.has_commitments THEN 'commitments' END,
               CASE WHEN NOT h.has_risks THEN 'risks' END) AS missing,
           CASE WHEN h.sent_at + INTERVAL 30 DAY > b.period_end THEN NULL
                ELSE h.accepted_at IS NULL OR h.accepted_at > h.sent_at + INTERVAL 30 DAY END AS dropped,
           CASE $field
               WHEN 'objectives' THEN NOT h.has_objectives
               WHEN 'stakeholders' THEN NOT h.has_stakeholders
               WHEN 'commitments' THEN NOT h.has_commitments
               WHEN 'risks' THEN NOT h.has_risks
           END AS lacks_field
    FROM handoffs h
    CROSS JOIN bounds b
    LEFT JOIN accounts a ON a.account_id = h.account_id
    LEFT JOIN markets k ON k.market_id = coalesce(a.market_id, h.market_id)
    LEFT JOIN teams ft ON ft.team_id = h.from_team_id
    LEFT JOIN teams tt ON tt.team_id = h.to_team_id
    WHERE h.sent_at >= b.window_start AND h.sent_at < b.period_end
      AND NOT (h.has_objectives AND h.has_stakeholders AND h.has_commitments AND h.has_risks)
      AND ($kind IS NULL OR h.kind = $kind)
      AND ($market_id IS NULL OR coalesce(a.market_id, h.market_id) = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR h.from_team_id = $team_id OR h.to_team_id = $team_id)
)
SELECT handoff_id, kind, account, market, from_team, to_team, sent_at, accepted_at, latency_days, missing, dropped
FROM rows
WHERE $field IS NULL OR lacks_field
ORDER BY sent_at DESC, handoff_id
