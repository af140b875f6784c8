-- Deals behind a figure: closed in the window (won or lost), or open at the end of the
-- as-of month when status = 'open'.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: kind VARCHAR = null
-- param: status VARCHAR = null
-- param: answered INTEGER = null
-- param: lost_to VARCHAR = null
-- param: rep_id VARCHAR = null
-- param: horizon VARCHAR = null
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: opportunity_id, account, market, horizon, segment, team, rep, kind, status, created_on, closed_on, expected_close_on, amount, discount_pct, answered, lost_to, cycle_days
-- tables: opportunities, accounts, reps, teams, markets
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1))::DATE AS window_start,
           (date_trunc('month', $as_of::DATE) + INTERVAL 1 MONTH)::DATE AS period_end
),
rows AS (
    SELECT o.opportunity_id, a.name AS account, coalesce(k.name, a.market_id) AS market, k.horizon,
           a.segment, coalesce(t.name, r.team_id) AS team, coalesce(r.name, o.rep_id) AS rep, o.rep_id,
           o.kind,
           CASE WHEN o.closed_on IS NULL OR o.closed_on >= b.period_end THEN 'open' ELSE o.status END AS status,
           o.created_on, o.closed_on, o.expected_close_on, o.amount, o.discount_pct,
           answers_value::INTEGER + answers_why_me::INTEGER + answers_why_now::INTEGER
               + answers_alternative::INTEGER AS answered,
           o.lost_to,
           CASE WHEN o.status = 'won' THEN date_diff('day', o.created_on, o.closed_on) END AS cycle_days,
           b.window_start, b.period_end
    FROM opportunities o
    CROSS JOIN bounds b
    JOIN accounts a ON a.account_id = o.account_id
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    LEFT JOIN teams t ON t.team_id = r.team_id
    LEFT JOIN markets k ON k.market_id = a.market_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
      AND o.created_on < b.period_end
)
SELECT opportunity_id, account, market, horizon, segment, team, rep, kind, status, created_on, closed_on,
       expected_close_on, amount::DOUBLE AS amount, discount_pct::DOUBLE AS discount_pct,
       answered::INTEGER AS answered, lost_to, cycle_days::INTEGER AS cycle_days
FROM rows
WHERE ($kind IS NULL OR kind = $kind)
  AND ($status IS NULL OR status = $status)
  AND (status = 'open' OR closed_on >= window_start)
  AND ($answered IS NULL OR answered = $answered)
  AND ($lost_to IS NULL OR lost_to = $lost_to)
  AND ($rep_id IS NULL OR rep_id = $rep_id)
  AND ($horizon IS NULL OR horizon = $horizon)
ORDER BY closed_on DESC NULLS FIRST, amount DESC, opportunity_id
