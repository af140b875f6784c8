-- Promises due in the window and what became of them, as known at the end of the as-of month.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: status VARCHAR = null
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: commitment_id, account, opportunity_id, rep, team, promise, due_on, status, resolved_on
-- tables: commitments, opportunities, accounts, reps, teams
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1))::DATE AS window_start,
           (date_trunc('month', $as_of::DATE) + INTERVAL 1 MONTH)::DATE AS period_end
),
rows AS (
    SELECT c.commitment_id, a.name AS account, c.opportunity_id, coalesce(r.name, o.rep_id) AS rep,
           coalesce(t.name, r.team_id) AS team, c.promise, c.due_on,
           CASE WHEN c.resolved_on IS NOT NULL AND c.resolved_on < b.period_end THEN c.status ELSE 'open' END
               AS status,
           CASE WHEN c.resolved_on < b.period_end THEN c.resolved_on END AS resolved_on
    FROM commitments c
    CROSS JOIN bounds b
    JOIN accounts a ON a.account_id = c.account_id
    LEFT JOIN opportunities o ON o.opportunity_id = c.opportunity_id
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    LEFT JOIN teams t ON t.team_id = r.team_id
    WHERE c.due_on >= b.window_start AND c.due_on < b.period_end
      AND ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
)
SELECT * FROM rows
WHERE ($status IS NULL OR status = $status)
ORDER BY due_on DESC, commitment_id
