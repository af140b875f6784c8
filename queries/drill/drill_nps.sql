-- NPS invitations sent in the window and their answers.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: category VARCHAR = null
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: response_id, account, segment, team, surveyed_on, responded_on, score, category
-- tables: nps_responses, accounts, reps, teams
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1))::DATE AS window_start,
           (date_trunc('month', $as_of::DATE) + INTERVAL 1 MONTH)::DATE AS period_end
),
rows AS (
    SELECT n.response_id, a.name AS account, a.segment, coalesce(t.name, r.team_id) AS team,
           n.surveyed_on, n.responded_on, n.score,
           CASE WHEN n.score IS NULL THEN 'no answer' WHEN n.score >= 9 THEN 'promoter'
                WHEN n.score >= 7 THEN 'passive' ELSE 'detractor' END AS category
    FROM nps_responses n
    CROSS JOIN bounds b
    JOIN accounts a ON a.account_id = n.account_id
    LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    LEFT JOIN teams t ON t.team_id = r.team_id
    WHERE n.surveyed_on >= b.window_start AND n.surveyed_on < b.period_end
      AND ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
)
SELECT * FROM rows
WHERE ($category IS NULL OR category = $category)
ORDER BY surveyed_on DESC, response_id
