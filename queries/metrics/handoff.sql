-- The relay baton, per kind of hand-off sent in the window ending with each month, as known
-- at the end of that month: latency (days from sent to accepted; for sales -> operations,
-- from close to onboarding kick-off), completeness, and dropped batons (not accepted
-- within 30 days).
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: months INTEGER = 1
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, kind, handoffs, accepted, latency_median_days, latency_p90_days, complete, completeness, eligible, dropped, dropped_rate
-- tables: handoffs, accounts, markets
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months($months - 1), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
windows AS (
    SELECT month, (month - to_months($window - 1))::DATE AS window_start,
           (month + INTERVAL 1 MONTH)::TIMESTAMP AS period_end
    FROM months
),
kinds AS (
    SELECT * FROM (VALUES (1, 'strategy_to_sales'), (2, 'sales_to_operations'), (3, 'operations_to_sales'))
        k(position, kind)
),
-- rollup_handoffs: one row per hand-off with its filter columns, sorted by when it was sent;
-- counted here per month sent, kind, month accepted and latency
batons AS (
    SELECT sent_month, kind, accepted_month, latency_days,
           count(*) AS n,
           count(*) FILTER (is_complete) AS complete,
           count(*) FILTER (old_same) AS old_same,
           count(*) FILTER (old_next) AS old_next,
           count(*) FILTER (late) AS late,
           count(*) FILTER (late AND old_same) AS late_old_same,
           count(*) FILTER (late AND old_next) AS late_old_next
    FROM rollup_handoffs
    WHERE sent_month >= (SELECT min(window_start) FROM windows)
      AND sent_month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR from_team_id = $team_id OR to_team_id = $team_id)
    GROUP BY ALL
),
-- as known at the end of each month: accepted by then; 30 days old by then (always, when sent
-- two months or more before it)
per_month AS (
    SELECT w.month, b.kind,
           sum(b.n) AS handoffs,
           sum(b.n) FILTER (b.accepted_month <= w.month) AS accepted,
           sum(b.complete) AS complete,
           sum(CASE WHEN b.sent_month = w.month THEN b.old_same
                    WHEN b.sent_month = w.month - INTERVAL 1 MONTH THEN b.old_next
                    ELSE b.n END) AS eligible,
           sum(CASE WHEN b.sent_month = w.month THEN b.late_old_same
                    WHEN b.sent_month = w.month - INTERVAL 1 MONTH THEN b.late_old_next
                    ELSE b.late END) AS dropped
    FROM windows w
    JOIN batons b ON b.sent_month >= w.window_start AND b.sent_month <= w.month
    GROUP BY w.month, b.kind
),
-- latency percentiles of the hand-offs accepted by the end of the month, interpolated as
-- quantile_cont does
histogram AS (
    SELECT w.month, b.kind, b.latency_days AS v, sum(b.n) AS n
    FROM windows w
    JOIN batons b
      ON b.sent_month >= w.window_start AND b.sent_month <= w.month AND b.accepted_month <= w.month
    GROUP BY ALL
),
ranked AS (
    SELECT month, kind, v, n,
           sum(n) OVER (PARTITION BY month, kind ORDER BY v) - n AS below,
           (sum(n) OVER (PARTITION BY month, kind) - 1)::DOUBLE AS last_rank
    FROM histogram
),
latencies AS (
    SELECT month, kind,
           any_value(v) FILTER (below <= floor(last_rank * 0.5) AND floor(last_rank * 0.5) < below + n) AS p50_lo,
           any_value(v) FILTER (below <= ceil(last_rank * 0.5) AND ceil(last_rank * 0.5) < below + n) AS p50_hi,
           any_value(last_rank * 0.5 - floor(last_rank * 0.5)) AS p50_frac,
           any_value(v) FILTER (below <= floor(last_rank * 0.9) AND floor(last_rank * 0.9) < below + n) AS p90_lo,
           any_value(v) FILTER (below <= ceil(last_rank * 0.9) AND ceil(last_rank * 0.9) < below + n) AS p90_hi,
           any_value(last_rank * 0.9 - floor(last_rank * 0.9)) AS p90_frac
    FROM ranked
    GROUP BY month, kind
)
SELECT m.month, k.kind,
       coalesce(p.handoffs, 0)::BIGINT AS handoffs,
       coalesce(p.accepted, 0)::BIGINT AS accepted,
       (l.p50_lo + l.p50_frac * (l.p50_hi - l.p50_lo))::DOUBLE AS latency_median_days,
       (l.p90_lo + l.p90_frac * (l.p90_hi - l.p90_lo))::DOUBLE AS latency_p90_days,
       coalesce(p.complete, 0)::BIGINT AS complete,
       (p.complete / nullif(p.handoffs, 0))::DOUBLE AS completeness,
       coalesce(p.eligible, 0)::BIGINT AS eligible,
       coalesce(p.dropped, 0)::BIGINT AS dropped,
       (p.dropped / nullif(p.eligible, 0))::DOUBLE AS dropped_rate
FROM months m CROSS JOIN kinds k
LEFT JOIN per_month p ON p.month = m.month AND p.kind = k.kind
LEFT JOIN latencies l ON l.month = m.month AND l.kind = k.kind
ORDER BY m.month, k.position
