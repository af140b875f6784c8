-- The trailing-twelve-month retention components of docs/metrics.md for each month m (12 months
-- after the first month of revenue .. 13 after the last; a later month has the last row's figures)
-- per account cell (market, segment, region, owner's team): the start cohort (accounts active at
-- the end of m - 12) with its MRR then, its expansion (with reactivation), contraction and churn in
-- months m - 11 .. m, its MRR at the end of m and how many of it are not active then. Built from
-- spans: a movement counts for the months m whose start the account was active at, an account is
-- lost in the months it is inactive twelve months after being active.
CREATE TABLE rollup_retention AS
WITH
bounds AS (
    SELECT first_month, last_month, (last_month + INTERVAL 13 MONTH)::DATE AS cap FROM rollup_bounds
),
months AS (
    SELECT unnest(generate_series(first_month + INTERVAL 12 MONTH, cap, INTERVAL 1 MONTH))::DATE AS month,
           last_month
    FROM bounds
),
starts AS (
    SELECT m.month, a.cell, a.market_id, a.segment, a.region, a.team_id,
           a.customers AS start_customers, a.mrr AS start_mrr
    FROM months m
    JOIN rollup_active a ON a.month = least((m.month - INTERVAL 12 MONTH)::DATE, m.last_month)
),
-- movement month t of an account active over [p.month, p.valid_until): it counts for the months
-- m = s + 12 with s in [t - 12, t - 1] and s in that active period
flow_spans AS (
    SELECT t.cell,
           (greatest(t.month - INTERVAL 12 MONTH, p.month) + INTERVAL 12 MONTH)::DATE AS first_m,
           (p.valid_until + INTERVAL 11 MONTH)::DATE AS last_m,
           sum(t.t12_expansion) AS expansion, sum(t.t12_contraction) AS contraction,
           sum(t.t12_churn) AS churn, sum(t.change) AS change
    FROM rollup_account_months t
    JOIN rollup_account_months p
      ON p.account_id = t.account_id AND p.active AND p.month < t.month
     AND p.valid_until > t.month - INTERVAL 12 MONTH
    GROUP BY ALL
),
flows AS (
    SELECT month, cell, sum(expansion) AS expansion, sum(contraction) AS contraction, sum(churn) AS churn,
           sum(change) AS change
    FROM (
        SELECT cell, expansion, contraction, churn, change,
               unnest(generate_series(first_m, last_m, INTERVAL 1 MONTH))::DATE AS month
        FROM flow_spans
    )
    GROUP BY ALL
),
-- active over [p.month, p.valid_until), then inactive over [j.month, j.valid_until): lost in the
-- months m of the second span whose m - 12 lies in the first
lost_spans AS (
    SELECT cell, first_m, last_m, count(*) AS lost
    FROM (
        SELECT p.cell,
               greatest(j.month, (p.month + INTERVAL 12 MONTH)::DATE) AS first_m,
               least(coalesce((j.valid_until - INTERVAL 1 MONTH)::DATE, b.cap),
                     (p.valid_until + INTERVAL 11 MONTH)::DATE) AS last_m
        FROM rollup_account_months p
        JOIN rollup_account_months j ON j.account_id = p.account_id AND NOT j.active AND j.month > p.month
        CROSS JOIN bounds b
        WHERE p.active
    )
    WHERE first_m <= last_m
    GROUP BY ALL
),
lost AS (
    SELECT month, cell, sum(lost) AS lost
    FROM (SELECT cell, lost, unnest(generate_series(first_m, last_m, INTERVAL 1 MONTH))::DATE AS month FROM lost_spans)
    GROUP BY ALL
)
SELECT s.month, s.market_id, s.segment, s.region, s.team_id,
       s.start_customers,
       s.start_mrr,
       coalesce(f.expansion, 0) AS expansion,
       coalesce(f.contraction, 0) AS contraction,
       coalesce(f.churn, 0) AS churn,
       s.start_mrr + coalesce(f.change, 0) AS end_mrr,
       coalesce(l.lost, 0)::BIGINT AS lost_customers
FROM starts s
LEFT JOIN flows f ON f.month = s.month AND f.cell = s.cell
LEFT JOIN lost l ON l.month = s.month AND l.cell = s.cell
ORDER BY s.month, s.cell
