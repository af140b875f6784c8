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
    SELECT month, (month - to_months($window - 1))::DATE AS window_start,
           (month + INTERVAL 1 MONTH)::DATE AS window_end
    FROM months
),
deals AS (
    SELECT o.status, o.closed_on, o.amount, date_diff('day', o.created_on, o.closed_on) AS cycle_days
    FROM opportunities o
    JOIN accounts a USING (account_id)
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    WHERE o.kind = 'new' AND o.status IN ('won', 'lost')
      AND ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
per_month AS (
    SELECT w.month,
           count(*) FILTER (d.status = 'won') AS won,
           count(*) FILTER (d.status = 'lost') AS lost,
           median(d.cycle_days::DOUBLE) FILTER (d.status = 'won') AS cycle_median_days,
           avg(d.cycle_days) FILTER (d.status = 'won') AS cycle_mean_days,
           sum(d.amount) FILTER (d.status = 'won') AS won_amount
    FROM windows w
    JOIN deals d ON d.closed_on >= w.window_start AND d.closed_on < w.window_end
    GROUP BY w.month
)
SELECT months.month,
       coalesce(won, 0)::BIGINT AS won,
       coalesce(lost, 0)::BIGINT AS lost,
       (won / nullif(won + lost, 0))::DOUBLE AS win_rate,
       cycle_median_days::DOUBLE AS cycle_median_days,
       cycle_mean_days::DOUBLE AS cycle_mean_days,
       coalesce(won_amount, 0)::DOUBLE AS won_amount
FROM months LEFT JOIN per_month USING (month)
ORDER BY months.month
