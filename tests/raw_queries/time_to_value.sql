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
won AS (
    SELECT o.opportunity_id, o.account_id, o.closed_on
    FROM opportunities o
    JOIN accounts a USING (account_id)
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    WHERE o.kind = 'new' AND o.status = 'won'
      AND ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
milestones AS (
    SELECT e.account_id, e.occurred_on
    FROM service_events e SEMI JOIN won USING (account_id)
    WHERE e.kind = 'value_milestone'
),
per_deal AS (
    SELECT w.month, d.opportunity_id,
           min(date_diff('day', d.closed_on, v.occurred_on)) AS ttv_days
    FROM windows w
    JOIN won d ON d.closed_on >= w.window_start AND d.closed_on < w.period_end
    LEFT JOIN milestones v
      ON v.account_id = d.account_id AND v.occurred_on >= d.closed_on AND v.occurred_on < w.period_end
    GROUP BY w.month, d.opportunity_id
),
per_month AS (
    SELECT month,
           count(*) AS won,
           count(ttv_days) AS reached_value,
           median(ttv_days::DOUBLE) AS ttv_median_days,
           avg(ttv_days) AS ttv_mean_days
    FROM per_deal GROUP BY month
)
SELECT months.month,
       coalesce(won, 0)::BIGINT AS won,
       coalesce(reached_value, 0)::BIGINT AS reached_value,
       (reached_value / nullif(won, 0))::DOUBLE AS reached_rate,
       ttv_median_days::DOUBLE AS ttv_median_days,
       ttv_mean_days::DOUBLE AS ttv_mean_days
FROM months LEFT JOIN per_month USING (month)
ORDER BY months.month
