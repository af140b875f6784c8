-- Early-complaint rate: of new deals won in the window shifted back three months (so each
-- has had its first 90 days), the share whose account complained within 90 days of close.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: months INTEGER = 1
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, cohort_start, cohort_end, new_customers, complained, early_complaint_rate
-- tables: accounts, reps, opportunities, service_events
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months($months - 1), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
windows AS (
    SELECT month,
           (month - to_months($window - 1 + 3))::DATE AS cohort_start,
           (month - to_months(2))::DATE AS cohort_end_exclusive
    FROM months
),
-- rollup_won_deals: each new deal won, with whether its account complained within 90 days of
-- close; counted here per close month
won AS (
    SELECT close_month, count(*) AS new_customers, count(*) FILTER (complained_90d) AS complained
    FROM rollup_won_deals
    WHERE close_month >= (SELECT min(cohort_start) FROM windows)
      AND close_month < (SELECT max(cohort_end_exclusive) FROM windows)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY close_month
),
per_month AS (
    SELECT w.month, sum(d.new_customers) AS new_customers, sum(d.complained) AS complained
    FROM windows w
    JOIN won d ON d.close_month >= w.cohort_start AND d.close_month < w.cohort_end_exclusive
    GROUP BY w.month
)
SELECT w.month,
       w.cohort_start,
       (w.cohort_end_exclusive - INTERVAL 1 DAY)::DATE AS cohort_end,
       coalesce(new_customers, 0)::BIGINT AS new_customers,
       coalesce(complained, 0)::BIGINT AS complained,
       (complained / nullif(new_customers, 0))::DOUBLE AS early_complaint_rate
FROM windows w LEFT JOIN per_month USING (month)
ORDER BY w.month
