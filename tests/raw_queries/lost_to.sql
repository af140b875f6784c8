-- What lost new-business deals in the window chose instead: a named alternative or the
-- status quo ('unknown' when the CRM did not record it).
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: lost_to, kind, deals, amount, share
-- tables: accounts, reps, opportunities, market_alternatives
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
lost AS (
    SELECT o.amount, a.market_id, coalesce(o.lost_to, 'unknown') AS lost_to
    FROM opportunities o
    JOIN accounts a USING (account_id)
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    WHERE o.kind = 'new' AND o.status = 'lost'
      AND o.closed_on >= (SELECT month - to_months($window - 1) FROM last_month)
      AND o.closed_on < (SELECT month + INTERVAL 1 MONTH FROM last_month)
      AND ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
kinds AS (SELECT alternative, any_value(kind) AS kind FROM market_alternatives GROUP BY alternative)
SELECT l.lost_to,
       CASE WHEN l.lost_to = 'unknown' THEN 'unknown'
            WHEN l.lost_to = 'status quo' THEN 'status_quo'
            ELSE coalesce(any_value(k.kind), 'competitor')
       END AS kind,
       count(*)::BIGINT AS deals,
       sum(l.amount)::DOUBLE AS amount,
       (count(*) / sum(count(*)) OVER ())::DOUBLE AS share
FROM lost l LEFT JOIN kinds k ON k.alternative = l.lost_to
GROUP BY l.lost_to
ORDER BY deals DESC, l.lost_to
