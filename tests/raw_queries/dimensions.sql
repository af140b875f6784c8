-- What the filters can choose from: markets, segments, regions, teams and the months with
-- revenue (newest first). `value` is what a filter binds; `label` is what people read.
-- returns: dimension, value, label, position
-- tables: accounts, markets, teams, reps, revenue_movements
WITH options AS (
    SELECT 'market_id' AS dimension, market_id AS value, name || ' (' || horizon || ')' AS label,
           CASE horizon WHEN 'H1' THEN 1 WHEN 'H2' THEN 2 ELSE 3 END AS position
    FROM markets
    UNION ALL
    SELECT DISTINCT 'market_id', a.market_id, a.market_id, 9
    FROM accounts a ANTI JOIN markets m USING (market_id)
    UNION ALL
    SELECT DISTINCT 'segment', segment, segment,
           CASE segment WHEN 'Enterprise' THEN 1 WHEN 'Mid-market' THEN 2 WHEN 'SMB' THEN 3 ELSE 9 END
    FROM accounts
    UNION ALL
    SELECT DISTINCT 'region', region, region, 0 FROM accounts
    UNION ALL
    SELECT 'team_id', t.team_id, t.name || ' (' || t.function || ')',
           CASE t.function WHEN 'sales' THEN 1 WHEN 'operations' THEN 2 ELSE 3 END
    FROM teams t WHERE EXISTS (SELECT 1 FROM reps r WHERE r.team_id = t.team_id)
    UNION ALL
    SELECT 'month', strftime(m, '%Y-%m'), strftime(m, '%Y-%m'), 0
    FROM (
        SELECT unnest(generate_series(min(month), max(month), INTERVAL 1 MONTH))::DATE AS m
        FROM revenue_movements
        HAVING count(*) > 0
    )
)
SELECT dimension, value, label, position
FROM options
ORDER BY dimension, CASE WHEN dimension = 'month' THEN NULL ELSE position END, label,
         value DESC
