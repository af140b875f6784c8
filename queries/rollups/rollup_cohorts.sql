-- Cohort cells: per cohort (the month of an account's first positive movement), month (cohort ..
-- last month of revenue; later months have the last month's figures) and account cell (market,
-- segment, region, owner's team): the cohort's size, its accounts active at the end of the month
-- and their MRR then (every balance, as cohort_retention sums it). Running sums of each account's
-- steps: the change in active customers and in MRR in the months it moved.
CREATE TABLE rollup_cohorts AS
WITH
steps AS (
    SELECT cohort, greatest(month, cohort) AS month, cell,
           sum(active::INTEGER - was_active::INTEGER) AS customer_step,
           sum(change) AS mrr_step
    FROM rollup_account_months
    WHERE cohort IS NOT NULL
    GROUP BY ALL
),
sizes AS (
    SELECT cohort, cell,
           any_value(market_id) AS market_id, any_value(segment) AS segment,
           any_value(region) AS region, any_value(team_id) AS team_id,
           count(*) FILTER (month = cohort) AS cohort_customers
    FROM rollup_account_months
    WHERE cohort IS NOT NULL
    GROUP BY cohort, cell
),
grid AS (
    SELECT s.*, unnest(generate_series(s.cohort, b.last_month, INTERVAL 1 MONTH))::DATE AS month
    FROM sizes s CROSS JOIN rollup_bounds b
)
SELECT g.cohort, g.month, g.market_id, g.segment, g.region, g.team_id,
       g.cohort_customers::BIGINT AS cohort_customers,
       (sum(coalesce(st.customer_step, 0)) OVER w)::BIGINT AS active_customers,
       sum(coalesce(st.mrr_step, 0)) OVER w AS mrr
FROM grid g
LEFT JOIN steps st ON st.cohort = g.cohort AND st.month = g.month AND st.cell = g.cell
WINDOW w AS (PARTITION BY g.cohort, g.cell ORDER BY g.month)
ORDER BY g.cohort, g.month, g.cell
