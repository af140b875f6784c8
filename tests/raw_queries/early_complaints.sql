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
complaints AS (
    SELECT e.account_id, e.occurred_on
    FROM service_events e SEMI JOIN won USING (account_id)
    WHERE e.kind = 'complaint'
),
per_deal AS (
    SELECT w.month, d.opportunity_id,
           bool_or(c.account_id IS NOT NULL) AS complained
    FROM windows w
    JOIN won d ON d.closed_on >= w.cohort_start AND d.closed_on < w.cohort_end_exclusive
    LEFT JOIN complaints c
      ON c.account_id = d.account_id
     AND c.occurred_on >= d.closed_on
     AND c.occurred_on <= d.closed_on + INTERVAL 90 DAY
    GROUP BY w.month, d.opportunity_id
),
per_month AS (
    SELECT month, count(*) AS new_customers, count(*) FILTER (complained) AS complained
    FROM per_deal GROUP BY month
)
SELECT w.month,
       w.cohort_start,
       (w.cohort_end_exclusive - INTERVAL 1 DAY)::DATE AS cohort_end,
       coalesce(new_customers, 0)::BIGINT AS new_customers,
       coalesce(complained, 0)::BIGINT AS complained,
       (complained / nullif(new_customers, 0))::DOUBLE AS early_complaint_rate
FROM windows w LEFT JOIN per_month USING (month)
ORDER BY w.month
