-- Three horizons: revenue (MRR at the end of the month), open pipeline and effort (hours on
-- deals created in the window) split across H1 core, H2 emerging and H3 options.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: horizon, revenue, revenue_share, pipeline, pipeline_share, effort_hours, effort_share
-- tables: accounts, reps, markets, opportunities, revenue_movements
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
period AS (
    SELECT (month - to_months($window - 1))::DATE AS window_start,
           (month + INTERVAL 1 MONTH)::DATE AS period_end
    FROM last_month
),
-- revenue: active customers' MRR at the end of the month (rollup_active; after the last month of
-- revenue, its figures), account cells, the owner's team
revenue AS (
    SELECT k.horizon, sum(a.mrr) AS revenue
    FROM rollup_active a
    JOIN markets k USING (market_id)
    WHERE a.month = least((SELECT month FROM last_month), (SELECT last_month FROM rollup_bounds))
      AND ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR a.team_id = $team_id)
    GROUP BY k.horizon
),
-- pipeline and effort: rollup_pipeline, deal cells, the team of the deal's rep
deals AS (
    SELECT k.horizon, d.created_month, d.closed_month, d.amount, d.effort_hours
    FROM rollup_pipeline d
    JOIN markets k USING (market_id)
    WHERE d.created_month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR d.market_id = $market_id)
      AND ($segment IS NULL OR d.segment = $segment)
      AND ($region IS NULL OR d.region = $region)
      AND ($team_id IS NULL OR d.team_id = $team_id)
),
pipeline AS (
    SELECT horizon, sum(amount) AS pipeline
    FROM deals, period
    WHERE created_month < period_end AND (closed_month IS NULL OR closed_month >= period_end)
    GROUP BY horizon
),
effort AS (
    SELECT horizon, sum(effort_hours) AS effort_hours
    FROM deals, period
    WHERE created_month >= window_start AND created_month < period_end
    GROUP BY horizon
),
horizons AS (SELECT * FROM (VALUES ('H1'), ('H2'), ('H3')) h(horizon)),
joined AS (
    SELECT h.horizon,
           coalesce(r.revenue, 0) AS revenue,
           coalesce(p.pipeline, 0) AS pipeline,
           coalesce(e.effort_hours, 0) AS effort_hours
    FROM horizons h
    LEFT JOIN revenue r USING (horizon)
    LEFT JOIN pipeline p USING (horizon)
    LEFT JOIN effort e USING (horizon)
),
-- the totals by an aggregate, not `sum() OVER ()`: DuckDB 1.5.5's parallel window over a few rows
-- intermittently fails with an internal error that invalidates the database (duckdb#25713)
totals AS (
    SELECT sum(revenue) AS revenue, sum(pipeline) AS pipeline, sum(effort_hours) AS effort_hours FROM joined
)
SELECT j.horizon,
       j.revenue::DOUBLE AS revenue,
       (j.revenue / nullif(t.revenue, 0))::DOUBLE AS revenue_share,
       j.pipeline::DOUBLE AS pipeline,
       (j.pipeline / nullif(t.pipeline, 0))::DOUBLE AS pipeline_share,
       j.effort_hours::DOUBLE AS effort_hours,
       (j.effort_hours / nullif(t.effort_hours, 0))::DOUBLE AS effort_share
FROM joined j CROSS JOIN totals t
ORDER BY j.horizon
