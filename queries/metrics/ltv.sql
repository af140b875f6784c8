-- LTV = ARPA / monthly customer churn rate, per segment and for all segments (segment null).
-- The churn rate is pooled over the trailing twelve months: customers lost in them (each account
-- once: active at the end of one of the months A-12 .. A-1 and not at the end of A) / the customers
-- active at the start of each month, summed. Revenue LTV, no margin.
-- param: as_of DATE = latest
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: segment, customers, mrr, arpa, churned_customers, customer_months, monthly_churn_rate, ltv, note
-- tables: accounts, reps, revenue_movements
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months(11), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
-- rollup_active has a row per month up to the last revenue month; later months have its figures
last_stored AS (SELECT last_month AS month FROM rollup_bounds),
-- customers active at the start of each month = active at the end of the month before
exposure AS (
    SELECT a.segment, sum(a.customers) AS customer_months
    FROM months m
    JOIN rollup_active a ON a.month = least((m.month - INTERVAL 1 MONTH)::DATE, (SELECT month FROM last_stored))
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR a.team_id = $team_id)
    GROUP BY GROUPING SETS ((a.segment), ())
),
-- rollup_lost_customers: customers lost in the 12 months ending with A, each once (active at the
-- end of one of the months A-12 .. A-1, not active at the end of A)
churned AS (
    SELECT segment, sum(customers) AS churned_customers
    FROM rollup_lost_customers
    WHERE first_month <= (SELECT month FROM last_month) AND last_month >= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY GROUPING SETS ((segment), ())
),
current_base AS (
    SELECT segment, sum(customers) AS customers, sum(mrr) AS mrr
    FROM rollup_active
    WHERE month = least((SELECT month FROM last_month), (SELECT month FROM last_stored))
      AND customers > 0
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY GROUPING SETS ((segment), ())
),
segments AS (
    SELECT DISTINCT segment FROM rollup_accounts
    WHERE ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    UNION ALL SELECT NULL
),
joined AS (
    SELECT s.segment,
           coalesce(c.customers, 0) AS customers,
           coalesce(c.mrr, 0) AS mrr,
           c.mrr / nullif(c.customers, 0) AS arpa,
           coalesce(ch.churned_customers, 0) AS churned_customers,
           coalesce(e.customer_months, 0) AS customer_months,
           coalesce(ch.churned_customers, 0) / nullif(e.customer_months, 0) AS monthly_churn_rate
    FROM segments s
    LEFT JOIN current_base c ON c.segment IS NOT DISTINCT FROM s.segment
    LEFT JOIN churned ch ON ch.segment IS NOT DISTINCT FROM s.segment
    LEFT JOIN exposure e ON e.segment IS NOT DISTINCT FROM s.segment
)
SELECT segment,
       customers::BIGINT AS customers,
       mrr::DOUBLE AS mrr,
       arpa::DOUBLE AS arpa,
       churned_customers::BIGINT AS churned_customers,
       customer_months::BIGINT AS customer_months,
       monthly_churn_rate::DOUBLE AS monthly_churn_rate,
       CASE WHEN churned_customers >= 5 AND customers > 0 THEN arpa / monthly_churn_rate END::DOUBLE AS ltv,
       CASE
           WHEN customers = 0 THEN 'no active customers'
           WHEN churned_customers = 0 THEN 'no customer lost in 12 months: LTV unbounded'
           WHEN churned_customers < 5 THEN 'base too small: fewer than 5 customers lost in 12 months'
       END AS note
FROM joined
ORDER BY segment NULLS FIRST
