-- New-business deals closed in the window (won or lost) and their value case: which of the
-- customer's four questions it answered, how many, and what a lost customer chose instead.
-- question: only deals whose value case answered it (value, why_me, why_now, alternative);
-- answered: only deals answering that many (0-4); lost_to 'unknown': lost with nothing recorded.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: question VARCHAR = null
-- param: answered INTEGER = null
-- param: status VARCHAR = null
-- param: lost_to VARCHAR = null
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: opportunity_id, account, team, rep, status, closed_on, amount, answers_value, answers_why_me, answers_why_now, answers_alternative, answered, lost_to
-- tables: opportunities, accounts, reps, teams
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1))::DATE AS window_start,
           (date_trunc('month', $as_of::DATE) + INTERVAL 1 MONTH)::DATE AS period_end
),
rows AS (
    SELECT o.opportunity_id, a.name AS account, coalesce(t.name, r.team_id) AS team,
           coalesce(r.name, o.rep_id) AS rep, o.status, o.closed_on, o.amount,
           o.answers_value, o.answers_why_me, o.answers_why_now, o.answers_alternative,
           o.answers_value::INTEGER + o.answers_why_me::INTEGER + o.answers_why_now::INTEGER
               + o.answers_alternative::INTEGER AS answered,
           CASE WHEN o.status = 'lost' THEN coalesce(o.lost_to, 'unknown') END AS lost_to
    FROM opportunities o
    CROSS JOIN bounds b
    JOIN accounts a ON a.account_id = o.account_id
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    LEFT JOIN teams t ON t.team_id = r.team_id
    WHERE o.kind = 'new' AND o.status IN ('won', 'lost')
      AND o.closed_on >= b.window_start AND o.closed_on < b.period_end
      AND ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
)
SELECT opportunity_id, account, team, rep, status, closed_on, amount::DOUBLE AS amount,
       answers_value, answers_why_me, answers_why_now, answers_alternative,
       answered::INTEGER AS answered, lost_to
FROM rows
WHERE ($question IS NULL
       OR ($question = 'value' AND answers_value) OR ($question = 'why_me' AND answers_why_me)
       OR ($question = 'why_now' AND answers_why_now) OR ($question = 'alternative' AND answers_alternative))
  AND ($answered IS NULL OR answered = $answered)
  AND ($status IS NULL OR status = $status)
  AND ($lost_to IS NULL OR lost_to = $lost_to)
ORDER BY closed_on DESC, amount DESC, opportunity_id
