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
accts AS (
    SELECT a.account_id, a.segment
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
account_months AS (
    SELECT m.account_id, m.month, sum(m.mrr_change) AS change
    FROM revenue_movements m SEMI JOIN accts USING (account_id)
    WHERE m.month <= (SELECT month FROM last_month)
    GROUP BY m.account_id, m.month
),
balances AS (
    SELECT account_id, month AS valid_from,
           coalesce(lead(month) OVER (PARTITION BY account_id ORDER BY month), DATE '9999-01-01') AS valid_until,
           sum(change) OVER (PARTITION BY account_id ORDER BY month) AS balance
    FROM account_months
),
-- customers active at the start of each month = active at the end of the month before
exposure AS (
    SELECT a.segment, count(*) AS customer_months
    FROM months m
    JOIN balances b
      ON b.valid_from <= (m.month - INTERVAL 1 MONTH) AND b.valid_until > (m.month - INTERVAL 1 MONTH)
    JOIN accts a USING (account_id)
    WHERE round(b.balance, 2) > 0
    GROUP BY GROUPING SETS ((a.segment), ())
),
-- accounts active at the end of one of the months A-12 .. A-1 (the start of one of the twelve
-- months) that are not active at the end of A
was_customer AS (
    SELECT DISTINCT b.account_id
    FROM months m
    JOIN balances b
      ON b.valid_from <= (m.month - INTERVAL 1 MONTH) AND b.valid_until > (m.month - INTERVAL 1 MONTH)
    WHERE round(b.balance, 2) > 0
),
still_customer AS (
    SELECT b.account_id
    FROM balances b
    WHERE b.valid_from <= (SELECT month FROM last_month)
      AND b.valid_until > (SELECT month FROM last_month)
      AND round(b.balance, 2) > 0
),
churned AS (
    SELECT a.segment, count(*) AS churned_customers
    FROM was_customer w JOIN accts a USING (account_id)
    WHERE w.account_id NOT IN (SELECT account_id FROM still_customer)
    GROUP BY GROUPING SETS ((a.segment), ())
),
current_base AS (
    SELECT a.segment, count(*) AS customers, sum(b.balance) AS mrr
    FROM balances b JOIN accts a USING (account_id)
    WHERE b.valid_from <= (SELECT month FROM last_month)
      AND b.valid_until > (SELECT month FROM last_month)
      AND round(b.balance, 2) > 0
    GROUP BY GROUPING SETS ((a.segment), ())
),
segments AS (
    SELECT DISTINCT segment FROM accts
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
