-- Pipeline coverage at the end of each month: open pipeline expected to close in the
-- next `window` months / the bookings target for those months.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: months INTEGER = 1
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, open_deals, open_pipeline, target, coverage
-- tables: accounts, reps, opportunities, targets
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months($months - 1), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
horizons AS (
    SELECT month,
           (month + INTERVAL 1 MONTH)::DATE AS period_start,
           (month + to_months($window + 1))::DATE AS period_end
    FROM months
),
-- rollup_pipeline: deals per month created, closed and expected to close, and deal cell
deals AS (
    SELECT created_month, closed_month, expected_month, sum(deals) AS deals, sum(amount) AS amount
    FROM rollup_pipeline
    WHERE created_month <= (SELECT month FROM last_month)
      AND (closed_month IS NULL OR closed_month >= (SELECT min(period_start) FROM horizons))
      AND expected_month >= (SELECT min(period_start) FROM horizons)
      AND expected_month < (SELECT max(period_end) FROM horizons)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY ALL
),
pipeline AS (
    SELECT h.month, sum(d.deals) AS open_deals, sum(d.amount) AS open_pipeline
    FROM horizons h
    JOIN deals d
      ON d.created_month < h.period_start
     AND (d.closed_month IS NULL OR d.closed_month >= h.period_start)
     AND d.expected_month >= h.period_start
     AND d.expected_month < h.period_end
    GROUP BY h.month
),
target AS (
    SELECT h.month, sum(t.bookings_target) AS target
    FROM horizons h
    JOIN targets t ON t.month >= h.period_start AND t.month < h.period_end
    WHERE t.team_id IS NOT DISTINCT FROM $team_id
    GROUP BY h.month
)
SELECT months.month,
       coalesce(open_deals, 0)::BIGINT AS open_deals,
       coalesce(open_pipeline, 0)::DOUBLE AS open_pipeline,
       target::DOUBLE AS target,
       (coalesce(open_pipeline, 0) / nullif(target, 0))::DOUBLE AS coverage
FROM months
LEFT JOIN pipeline USING (month)
LEFT JOIN target USING (month)
ORDER BY months.month
