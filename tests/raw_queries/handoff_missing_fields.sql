-- Which completeness fields the relay baton most often lacks: of the hand-offs sent in the
-- window, per kind (and for all kinds together, kind null) and per field, how many lack it.
-- Ranked within each kind, most often missing first.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: kind, field, handoffs, missing, missing_share, rank
-- tables: handoffs, accounts
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1))::TIMESTAMP AS window_start,
           (date_trunc('month', $as_of::DATE) + INTERVAL 1 MONTH)::TIMESTAMP AS period_end
),
kinds AS (
    SELECT * FROM (VALUES (1, 'strategy_to_sales'), (2, 'sales_to_operations'), (3, 'operations_to_sales'),
                          (4, NULL)) k(kind_position, kind)
),
fields AS (
    SELECT * FROM (VALUES (1, 'objectives'), (2, 'stakeholders'), (3, 'commitments'), (4, 'risks'))
        f(field_position, field)
),
batons AS (
    SELECT h.kind, h.has_objectives, h.has_stakeholders, h.has_commitments, h.has_risks
    FROM handoffs h
    CROSS JOIN bounds b
    LEFT JOIN accounts a ON a.account_id = h.account_id
    WHERE h.sent_at >= b.window_start AND h.sent_at < b.period_end
      AND ($market_id IS NULL OR coalesce(a.market_id, h.market_id) = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR h.from_team_id = $team_id OR h.to_team_id = $team_id)
),
gaps AS (
    SELECT b.kind, f.field,
           CASE f.field
               WHEN 'objectives' THEN NOT b.has_objectives
               WHEN 'stakeholders' THEN NOT b.has_stakeholders
               WHEN 'commitments' THEN NOT b.has_commitments
               ELSE NOT b.has_risks
           END AS is_missing
    FROM batons b CROSS JOIN fields f
),
counted AS (
    SELECT kind, field, grouping(kind) AS all_kinds, count(*) AS handoffs, count(*) FILTER (is_missing) AS missing
    FROM gaps
    GROUP BY GROUPING SETS ((kind, field), (field))
),
cells AS (
    SELECT k.kind_position, k.kind, f.field_position, f.field,
           coalesce(c.handoffs, 0)::BIGINT AS handoffs,
           coalesce(c.missing, 0)::BIGINT AS missing
    FROM kinds k CROSS JOIN fields f
    LEFT JOIN counted c
      ON c.field = f.field
     AND ((k.kind IS NULL AND c.all_kinds = 1) OR (k.kind IS NOT NULL AND c.all_kinds = 0 AND c.kind = k.kind))
)
SELECT kind, field, handoffs, missing,
       (missing / nullif(handoffs, 0))::DOUBLE AS missing_share,
       row_number() OVER (PARTITION BY kind_position ORDER BY missing DESC, field_position)::INTEGER AS rank
FROM cells
ORDER BY kind_position, rank
