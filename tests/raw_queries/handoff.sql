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
batons AS (
    SELECT h.*,
           h.has_objectives AND h.has_stakeholders AND h.has_commitments AND h.has_risks AS is_complete
    FROM handoffs h
    LEFT JOIN accounts a ON a.account_id = h.account_id
    WHERE ($market_id IS NULL OR coalesce(a.market_id, h.market_id) = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR h.from_team_id = $team_id OR h.to_team_id = $team_id)
),
per_month AS (
    SELECT w.month, b.kind,
           count(*) AS handoffs,
           count(*) FILTER (b.accepted_at < w.period_end) AS accepted,
           quantile_cont(epoch(b.accepted_at - b.sent_at) / 86400.0, 0.5)
               FILTER (b.accepted_at < w.period_end) AS latency_median_days,
           quantile_cont(epoch(b.accepted_at - b.sent_at) / 86400.0, 0.9)
               FILTER (b.accepted_at < w.period_end) AS latency_p90_days,
           count(*) FILTER (b.is_complete) AS complete,
           count(*) FILTER (b.sent_at + INTERVAL 30 DAY <= w.period_end) AS eligible,
           count(*) FILTER (
               b.sent_at + INTERVAL 30 DAY <= w.period_end
               AND (b.accepted_at IS NULL OR b.accepted_at > b.sent_at + INTERVAL 30 DAY)
           ) AS dropped
    FROM windows w
    JOIN batons b ON b.sent_at >= w.window_start AND b.sent_at < w.period_end
    GROUP BY w.month, b.kind
)
SELECT m.month, k.kind,
       coalesce(p.handoffs, 0)::BIGINT AS handoffs,
       coalesce(p.accepted, 0)::BIGINT AS accepted,
       p.latency_median_days::DOUBLE AS latency_median_days,
       p.latency_p90_days::DOUBLE AS latency_p90_days,
       coalesce(p.complete, 0)::BIGINT AS complete,
       (p.complete / nullif(p.handoffs, 0))::DOUBLE AS completeness,
       coalesce(p.eligible, 0)::BIGINT AS eligible,
       coalesce(p.dropped, 0)::BIGINT AS dropped,
       (p.dropped / nullif(p.eligible, 0))::DOUBLE AS dropped_rate
FROM months m CROSS JOIN kinds k
LEFT JOIN per_month p ON p.month = m.month AND p.kind = k.kind
ORDER BY m.month, k.position
