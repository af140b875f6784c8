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
-- rollup_deals: closed deals per close month, what a lost one went to, and deal cell
lost AS (
    SELECT coalesce(lost_to, 'unknown') AS lost_to, sum(deals) AS deals, sum(amount) AS amount
    FROM rollup_deals
    WHERE kind = 'new' AND status = 'lost'
      AND close_month >= (SELECT month - to_months($window - 1) FROM last_month)
      AND close_month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY ALL
),
-- the total by an aggregate, not `sum() OVER ()` (duckdb#25713: intermittent internal error)
total AS (SELECT sum(deals) AS deals FROM lost),
kinds AS (SELECT alternative, any_value(kind) AS kind FROM market_alternatives GROUP BY alternative)
SELECT l.lost_to,
       CASE WHEN l.lost_to = 'unknown' THEN 'unknown'
            WHEN l.lost_to = 'status quo' THEN 'status_quo'
            ELSE coalesce(k.kind, 'competitor')
       END AS kind,
       l.deals::BIGINT AS deals,
       l.amount::DOUBLE AS amount,
       (l.deals / t.deals)::DOUBLE AS share
FROM lost l
CROSS JOIN total t
LEFT JOIN kinds k ON k.alternative = l.lost_to
ORDER BY deals DESC, l.lost_to
