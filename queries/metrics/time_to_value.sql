-- Time to value: days from the close of new deals won in the window to the account's first
-- value milestone on or after the close (known by the end of each month).
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: months INTEGER = 1
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, won, reached_value, reached_rate, ttv_median_days, ttv_mean_days
-- tables: accounts, reps, opportunities, service_events
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months($months - 1), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
windows AS (
    SELECT month, (month - to_months($window - 1))::DATE AS window_start,
           (month + INTERVAL 1 MONTH)::DATE AS period_end
    FROM months
),
-- rollup_won_deals: each new deal won with its first value milestone on or after the close;
-- known at the end of a month when that milestone came before the month ended. Counted here per
-- close month, month of that milestone and days to it.
won AS (
    SELECT close_month, value_month, ttv_days, count(*) AS n
    FROM rollup_won_deals
    WHERE close_month >= (SELECT min(window_start) FROM windows)
      AND close_month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY ALL
),
per_deal AS (
    SELECT w.month, d.n,
           CASE WHEN d.value_month <= w.month THEN d.ttv_days END AS ttv_days
    FROM windows w
    JOIN won d ON d.close_month >= w.window_start AND d.close_month <= w.month
),
histogram AS (
    SELECT month, ttv_days::DOUBLE AS v, sum(n) AS n FROM per_deal WHERE ttv_days IS NOT NULL GROUP BY ALL
),
ranked AS (
    SELECT month, v, n,
           sum(n) OVER (PARTITION BY month ORDER BY v) - n AS below,
           (sum(n) OVER (PARTITION BY month) - 1)::DOUBLE * 0.5 AS pos
    FROM histogram
),
medians AS (
    SELECT month,
           any_value(v) FILTER (below <= floor(pos) AND floor(pos) < below + n) AS lo,
           any_value(v) FILTER (below <= ceil(pos) AND ceil(pos) < below + n) AS hi,
           any_value(pos - floor(pos)) AS frac
    FROM ranked
    GROUP BY month
),
per_month AS (
    SELECT p.month,
           sum(p.n) AS won,
           coalesce(sum(p.n) FILTER (p.ttv_days IS NOT NULL), 0) AS reached_value,
           any_value(m.lo + m.frac * (m.hi - m.lo)) AS ttv_median_days,
           sum(p.n * p.ttv_days) / sum(p.n) FILTER (p.ttv_days IS NOT NULL) AS ttv_mean_days
    FROM per_deal p LEFT JOIN medians m USING (month)
    GROUP BY p.month
)
SELECT months.month,
       coalesce(won, 0)::BIGINT AS won,
       coalesce(reached_value, 0)::BIGINT AS reached_value,
       (reached_value / nullif(won, 0))::DOUBLE AS reached_rate,
       ttv_median_days::DOUBLE AS ttv_median_days,
       ttv_mean_days::DOUBLE AS ttv_mean_days
FROM months LEFT JOIN per_month USING (month)
ORDER BY months.month
