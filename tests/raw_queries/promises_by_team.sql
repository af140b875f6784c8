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
as_known AS (
    SELECT r.team_id, c.due_on, b.period_end,
           CASE WHEN c.resolved_on IS NOT NULL AND c.resolved_on < b.period_end THEN c.status ELSE 'open' END
               AS status_then
    FROM commitments c
    CROSS JOIN bounds b
    JOIN accounts a ON a.account_id = c.account_id
    LEFT JOIN opportunities o ON o.opportunity_id = c.opportunity_id
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    WHERE c.due_on >= b.window_start AND c.due_on < b.period_end
      AND ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
per_team AS (
    SELECT team_id,
           count(*) AS due,
           count(*) FILTER (status_then = 'kept') AS kept,
           count(*) FILTER (status_then = 'broken') AS broken,
           count(*) FILTER (status_then = 'open') AS open,
           count(*) FILTER (status_then = 'open' AND due_on < period_end - INTERVAL 1 DAY) AS overdue
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
