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
promises AS (
    SELECT c.due_on, c.status, c.resolved_on
    FROM commitments c
    JOIN accounts a ON a.account_id = c.account_id
    LEFT JOIN opportunities o ON o.opportunity_id = c.opportunity_id
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
as_known AS (
    SELECT w.month, p.due_on, w.period_end,
           CASE WHEN p.resolved_on IS NOT NULL AND p.resolved_on < w.period_end THEN p.status ELSE 'open' END
               AS status_then
    FROM windows w
    JOIN promises p ON p.due_on >= w.window_start AND p.due_on < w.period_end
),
per_month AS (
    SELECT month,
           count(*) AS due,
           count(*) FILTER (status_then = 'kept') AS kept,
           count(*) FILTER (status_then = 'broken') AS broken,
           count(*) FILTER (status_then = 'open') AS open,
           count(*) FILTER (status_then = 'open' AND due_on < period_end - INTERVAL 1 DAY) AS overdue
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
