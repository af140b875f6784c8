-- Year-over-year retention by account (docs/metrics.md, "NRR and GRR") for each month A (12 months
-- after the first month of revenue .. 12 after the last; a later month has the last row's figures,
-- as nothing moves any more) per account cell (market, segment, region, owner's team): the start
-- set (accounts active at the end of A - 12) with its MRR then, and how that MRR stands at the end
-- of A, account by account: churn (not active at A: its whole start MRR), contraction (active,
-- below its start MRR), expansion (above it) or reactivation (above it after being inactive at the
-- end of a month in A - 11 .. A), each the account's net difference, and how many start accounts
-- are lost (not active at A). So start_mrr + expansion + reactivation - contraction - churn is the
-- start set's MRR at the end of A, and start_mrr - contraction - churn = sum(min(MRR at A, start)).
--
-- Built from balance spans: an account's balance row p holds over [p.month, p.valid_until), so
-- pairing the row p that holds at A - 12 (active) with the row q that holds at A, the months A
-- where both hold are an interval. Pairs whose MRR did not change (to the cent) add nothing.
CREATE TABLE rollup_retention AS
WITH
bounds AS (
    SELECT first_month, last_month, (last_month + INTERVAL 12 MONTH)::DATE AS cap FROM rollup_bounds
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
-- each balance row with its end (exclusive; the last row holds past the cap), its MRR (0 when not
-- active) and how many rows up to it left the account inactive
spans AS (
    SELECT r.account_id, r.cell, r.month, r.active,
           coalesce(r.valid_until, (b.cap + INTERVAL 1 MONTH)::DATE) AS valid_until,
           CASE WHEN r.active THEN r.balance ELSE 0 END AS mrr,
           sum((NOT r.active)::INTEGER) OVER (PARTITION BY r.account_id ORDER BY r.month) AS inactive_rows
    FROM rollup_account_months r CROSS JOIN bounds b
),
pairs AS (
    SELECT p.cell,
           greatest((p.month + INTERVAL 12 MONTH)::DATE, q.month) AS first_m,
           least((p.valid_until + INTERVAL 12 MONTH)::DATE, q.valid_until) AS end_m,
           p.mrr AS start_mrr,
           q.mrr AS end_mrr,
           q.inactive_rows > p.inactive_rows AS lapsed
    FROM spans p
    JOIN spans q
      ON q.account_id = p.account_id
     AND q.month >= p.month
     AND q.month < (p.valid_until + INTERVAL 12 MONTH)::DATE
     AND q.valid_until > (p.month + INTERVAL 12 MONTH)::DATE
    WHERE p.active AND round(q.mrr - p.mrr, 2) <> 0
),
flow_spans AS (
    SELECT cell, first_m, (end_m - INTERVAL 1 MONTH)::DATE AS last_m,
           sum(end_mrr - start_mrr) FILTER (end_mrr > start_mrr AND NOT lapsed) AS expansion,
           sum(end_mrr - start_mrr) FILTER (end_mrr > start_mrr AND lapsed) AS reactivation,
           sum(start_mrr - end_mrr) FILTER (end_mrr < start_mrr AND end_mrr > 0) AS contraction,
           sum(start_mrr) FILTER (end_mrr = 0) AS churn,
           count(*) FILTER (end_mrr = 0) AS lost
    FROM pairs
    WHERE first_m < end_m
    GROUP BY ALL
),
flows AS (
    SELECT month, cell,
           sum(expansion) AS expansion, sum(reactivation) AS reactivation,
           sum(contraction) AS contraction, sum(churn) AS churn, sum(lost) AS lost
    FROM (
        SELECT cell, expansion, reactivation, contraction, churn, lost,
               unnest(generate_series(first_m, last_m, INTERVAL 1 MONTH))::DATE AS month
        FROM flow_spans
    )
    GROUP BY ALL
)
SELECT s.month, s.market_id, s.segment, s.region, s.team_id,
       s.start_customers,
       s.start_mrr,
       coalesce(f.expansion, 0) AS expansion,
       coalesce(f.reactivation, 0) AS reactivation,
       coalesce(f.contraction, 0) AS contraction,
       coalesce(f.churn, 0) AS churn,
       s.start_mrr + coalesce(f.expansion, 0) + coalesce(f.reactivation, 0)
         - coalesce(f.contraction, 0) - coalesce(f.churn, 0) AS end_mrr,
       coalesce(f.lost, 0)::BIGINT AS lost_customers
FROM starts s
LEFT JOIN flows f ON f.month = s.month AND f.cell = s.cell
ORDER BY s.month, s.cell
