-- Promises kept vs broken per team: commitments due in the window, with their status at the
-- end of the as-of month (resolved later = still open then), grouped by the team of the rep
-- who made the deal. The rows add up to promises_kept. Ranked by kept rate, lowest first
-- (teams with nothing kept or broken yet last); teams with no promise due have no row.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: team_id, team, due, kept, broken, open, overdue, kept_rate, rank
-- tables: accounts, reps, teams, opportunities, commitments
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1))::DATE AS window_start,
           (date_trunc('month', $as_of::DATE) + INTERVAL 1 MONTH)::DATE AS period_end
),
-- rollup_promises: commitments per month due and resolved, status and deal cell; as known at the
-- end of A (resolved later = still open then; overdue = due before A's last day)
as_known AS (
    SELECT p.team_id, p.promises AS n,
           CASE WHEN p.resolved_month < b.period_end THEN p.status ELSE 'open' END AS status_then,
           p.due_month < (b.period_end - INTERVAL 1 MONTH) OR p.due_before_last_day AS due_before_last_day
    FROM rollup_promises p
    CROSS JOIN bounds b
    WHERE p.due_month >= b.window_start AND p.due_month < b.period_end
      AND ($market_id IS NULL OR p.market_id = $market_id)
      AND ($segment IS NULL OR p.segment = $segment)
      AND ($region IS NULL OR p.region = $region)
      AND ($team_id IS NULL OR p.team_id = $team_id)
),
per_team AS (
    SELECT team_id,
           sum(n) AS due,
           coalesce(sum(n) FILTER (status_then = 'kept'), 0) AS kept,
           coalesce(sum(n) FILTER (status_then = 'broken'), 0) AS broken,
           coalesce(sum(n) FILTER (status_then = 'open'), 0) AS open,
           coalesce(sum(n) FILTER (status_then = 'open' AND due_before_last_day), 0) AS overdue
    FROM as_known GROUP BY team_id
)
SELECT p.team_id, coalesce(t.name, p.team_id) AS team,
       p.due::BIGINT AS due, p.kept::BIGINT AS kept, p.broken::BIGINT AS broken, p.open::BIGINT AS open,
       p.overdue::BIGINT AS overdue,
       (p.kept / nullif(p.kept + p.broken, 0))::DOUBLE AS kept_rate,
       row_number() OVER (
           ORDER BY p.kept / nullif(p.kept + p.broken, 0) NULLS LAST, p.broken DESC, p.due DESC,
                    coalesce(t.name, p.team_id)
       )::INTEGER AS rank
FROM per_team p
LEFT JOIN teams t ON t.team_id = p.team_id
ORDER BY rank
