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
accts AS (
    SELECT a.account_id, a.market_id, a.segment, a.region, r.team_id AS owner_team_id, k.horizon
    FROM accounts a
    JOIN markets k USING (market_id)
    LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
),
revenue AS (
    SELECT a.horizon, sum(b.mrr) AS revenue
    FROM (
        SELECT m.account_id, sum(m.mrr_change) AS mrr
        FROM revenue_movements m
        WHERE m.month < (SELECT period_end FROM period)
        GROUP BY m.account_id
    ) b
    JOIN accts a USING (account_id)
    WHERE round(b.mrr, 2) > 0 AND ($team_id IS NULL OR a.owner_team_id = $team_id)
    GROUP BY a.horizon
),
deals AS (
    SELECT a.horizon, o.created_on, o.closed_on, o.amount, o.effort_hours
    FROM opportunities o
    JOIN accts a USING (account_id)
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    WHERE ($team_id IS NULL OR r.team_id = $team_id)
),
pipeline AS (
    SELECT horizon, sum(amount) AS pipeline
    FROM deals, period
    WHERE created_on < period_end AND (closed_on IS NULL OR closed_on >= period_end)
    GROUP BY horizon
),
effort AS (
    SELECT horizon, sum(effort_hours) AS effort_hours
    FROM deals, period
    WHERE created_on >= window_start AND created_on < period_end
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
)
SELECT horizon,
       revenue::DOUBLE AS revenue,
       (revenue / nullif(sum(revenue) OVER (), 0))::DOUBLE AS revenue_share,
       pipeline::DOUBLE AS pipeline,
       (pipeline / nullif(sum(pipeline) OVER (), 0))::DOUBLE AS pipeline_share,
       effort_hours::DOUBLE AS effort_hours,
       (effort_hours / nullif(sum(effort_hours) OVER (), 0))::DOUBLE AS effort_share
FROM joined
ORDER BY horizon
