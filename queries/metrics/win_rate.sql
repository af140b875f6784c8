-- Win rate and sales cycle of new-business deals closed in the window ending with each month.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: months INTEGER = 1
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, won, lost, win_rate, cycle_median_days, cycle_mean_days, won_amount
-- tables: accounts, reps, opportunities
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months($months - 1), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
windows AS (
    SELECT month, (month - to_months($window - 1))::DATE AS window_start
    FROM months
),
-- rollup_deals: closed deals per close month and deal cell
closed AS (
    SELECT close_month,
           coalesce(sum(deals) FILTER (status = 'won'), 0) AS won,
           coalesce(sum(deals) FILTER (status = 'lost'), 0) AS lost,
           sum(cycle_days) FILTER (status = 'won') AS cycle_days,
           sum(amount) FILTER (status = 'won') AS won_amount
    FROM rollup_deals
    WHERE kind = 'new'
      AND close_month >= (SELECT min(window_start) FROM windows)
      AND close_month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY close_month
),
per_month AS (
    SELECT w.month,
           sum(c.won) AS won,
           sum(c.lost) AS lost,
           sum(c.cycle_days) / nullif(sum(c.won), 0) AS cycle_mean_days,
           sum(c.won_amount) AS won_amount
    FROM windows w
    JOIN closed c ON c.close_month >= w.window_start AND c.close_month <= w.month
    GROUP BY w.month
),
-- the median sales cycle from the won deals' cycle lengths counted per close month
-- (rollup_won_deals), interpolated as median() does
cycles AS (
    SELECT close_month, cycle_days::DOUBLE AS v, count(*) AS n
    FROM rollup_won_deals
    WHERE close_month >= (SELECT min(window_start) FROM windows)
      AND close_month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY ALL
),
histogram AS (
    SELECT w.month, c.v, sum(c.n) AS n
    FROM windows w
    JOIN cycles c ON c.close_month >= w.window_start AND c.close_month <= w.month
    GROUP BY ALL
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
)
SELECT months.month,
       coalesce(won, 0)::BIGINT AS won,
       coalesce(lost, 0)::BIGINT AS lost,
       (won / nullif(won + lost, 0))::DOUBLE AS win_rate,
       (lo + frac * (hi - lo))::DOUBLE AS cycle_median_days,
       cycle_mean_days::DOUBLE AS cycle_mean_days,
       coalesce(won_amount, 0)::DOUBLE AS won_amount
FROM months
LEFT JOIN per_month USING (month)
LEFT JOIN medians USING (month)
ORDER BY months.month
