-- Promises kept: commitments due in the window, with their status as of the end of each
-- month (resolved later = still open then).
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: months INTEGER = 1
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, due, kept, broken, open, overdue, kept_rate
-- tables: accounts, reps, opportunities, commitments
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months($months - 1), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
windows AS (
    SELECT month, (month - to_months($window - 1))::DATE AS window_start,
           (month + INTERVAL 1 MONTH)::DATE AS period_end
    FROM months
),
-- rollup_promises: commitments per month due and resolved, status and deal cell
promises AS (
    SELECT due_month, resolved_month, status, due_before_last_day, sum(promises) AS n
    FROM rollup_promises
    WHERE due_month >= (SELECT min(window_start) FROM windows)
      AND due_month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY ALL
),
-- as known at the end of the month: resolved later = still open then; overdue = due before the
-- month's last day
as_known AS (
    SELECT w.month, p.n,
           CASE WHEN p.resolved_month <= w.month THEN p.status ELSE 'open' END AS status_then,
           p.due_month < w.month OR p.due_before_last_day AS due_before_last_day
    FROM windows w
    JOIN promises p ON p.due_month >= w.window_start AND p.due_month <= w.month
),
per_month AS (
    SELECT month,
           sum(n) AS due,
           coalesce(sum(n) FILTER (status_then = 'kept'), 0) AS kept,
           coalesce(sum(n) FILTER (status_then = 'broken'), 0) AS broken,
           coalesce(sum(n) FILTER (status_then = 'open'), 0) AS open,
           coalesce(sum(n) FILTER (status_then = 'open' AND due_before_last_day), 0) AS overdue
    FROM as_known GROUP BY month
)
SELECT months.month,
       coalesce(due, 0)::BIGINT AS due,
       coalesce(kept, 0)::BIGINT AS kept,
       coalesce(broken, 0)::BIGINT AS broken,
       coalesce(open, 0)::BIGINT AS open,
       coalesce(overdue, 0)::BIGINT AS overdue,
       (kept / nullif(kept + broken, 0))::DOUBLE AS kept_rate
FROM months LEFT JOIN per_month USING (month)
ORDER BY months.month
