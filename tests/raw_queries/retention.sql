-- NRR, GRR and logo churn over the trailing twelve months ending with each month.
-- The start cohort is the accounts active at the end of the month twelve months earlier.
-- param: as_of DATE = latest
-- param: months INTEGER = 1
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, start_customers, start_mrr, expansion, contraction, churn, end_mrr, lost_customers, nrr, grr, logo_churn
-- tables: accounts, reps, revenue_movements
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months($months - 1), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
periods AS (
    SELECT month, (month - to_months(12))::DATE AS start_month FROM months
),
accts AS (
    SELECT a.account_id
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
account_months AS (
    SELECT m.account_id, m.month,
           sum(m.mrr_change) AS change,
           coalesce(sum(m.mrr_change) FILTER (m.kind IN ('expansion', 'reactivation')), 0) AS expansion,
           coalesce(-sum(m.mrr_change) FILTER (m.kind = 'contraction'), 0) AS contraction,
           coalesce(-sum(m.mrr_change) FILTER (m.kind = 'churn'), 0) AS churn
    FROM revenue_movements m SEMI JOIN accts USING (account_id)
    WHERE m.month <= (SELECT month FROM last_month)
    GROUP BY m.account_id, m.month
),
-- each account's MRR from a month until the month before its next movement
balances AS (
    SELECT account_id, month AS valid_from,
           lead(month) OVER (PARTITION BY account_id ORDER BY month) AS valid_until,
           sum(change) OVER (PARTITION BY account_id ORDER BY month) AS balance
    FROM account_months
),
start_cohort AS (
    SELECT p.month, b.account_id, b.balance AS start_mrr
    FROM periods p
    JOIN balances b
      ON b.valid_from <= p.start_month
     AND (b.valid_until IS NULL OR b.valid_until > p.start_month)
    WHERE round(b.balance, 2) > 0
),
cohort_moves AS (
    SELECT s.month, s.account_id, s.start_mrr,
           coalesce(sum(am.expansion), 0) AS expansion,
           coalesce(sum(am.contraction), 0) AS contraction,
           coalesce(sum(am.churn), 0) AS churn,
           s.start_mrr + coalesce(sum(am.change), 0) AS end_mrr
    FROM start_cohort s
    LEFT JOIN account_months am
      ON am.account_id = s.account_id
     AND am.month > (s.month - to_months(12))::DATE
     AND am.month <= s.month
    GROUP BY s.month, s.account_id, s.start_mrr
),
per_month AS (
    SELECT month,
           count(*) AS start_customers,
           sum(start_mrr) AS start_mrr,
           sum(expansion) AS expansion,
           sum(contraction) AS contraction,
           sum(churn) AS churn,
           sum(end_mrr) AS end_mrr,
           count(*) FILTER (round(end_mrr, 2) <= 0) AS lost_customers
    FROM cohort_moves GROUP BY month
)
SELECT months.month,
       coalesce(start_customers, 0)::BIGINT AS start_customers,
       coalesce(start_mrr, 0)::DOUBLE AS start_mrr,
       coalesce(expansion, 0)::DOUBLE AS expansion,
       coalesce(contraction, 0)::DOUBLE AS contraction,
       coalesce(churn, 0)::DOUBLE AS churn,
       coalesce(end_mrr, 0)::DOUBLE AS end_mrr,
       coalesce(lost_customers, 0)::BIGINT AS lost_customers,
       ((start_mrr + expansion - contraction - churn) / nullif(start_mrr, 0))::DOUBLE AS nrr,
       ((start_mrr - contraction - churn) / nullif(start_mrr, 0))::DOUBLE AS grr,
       (lost_customers / nullif(start_customers, 0))::DOUBLE AS logo_churn
FROM months LEFT JOIN per_month USING (month)
ORDER BY months.month
