-- The customer's four questions: per number answered (0-4), new-business deals closed in
-- the window and their win rate, and the 12-month retention of the latest full-year cohort
-- (new deals won in months A-23 .. A-12).
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: answered, closed, won, lost, win_rate, cohort_won, cohort_retained, retention_12m
-- tables: accounts, reps, opportunities, revenue_movements
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
deals AS (
    SELECT o.account_id, o.status, o.closed_on,
           answers_value::INTEGER + answers_why_me::INTEGER
             + answers_why_now::INTEGER + answers_alternative::INTEGER AS answered
    FROM opportunities o
    JOIN accounts a USING (account_id)
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    WHERE o.kind = 'new' AND o.status IN ('won', 'lost')
      AND ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
in_window AS (
    SELECT answered,
           count(*) AS closed,
           count(*) FILTER (status = 'won') AS won,
           count(*) FILTER (status = 'lost') AS lost
    FROM deals
    WHERE closed_on >= (SELECT month - to_months($window - 1) FROM last_month)
      AND closed_on < (SELECT month + INTERVAL 1 MONTH FROM last_month)
    GROUP BY answered
),
cohort AS (
    SELECT d.account_id, d.answered,
           (date_trunc('month', d.closed_on) + INTERVAL 12 MONTH)::DATE AS check_month
    FROM deals d
    WHERE d.status = 'won'
      AND d.closed_on >= (SELECT month - to_months(23) FROM last_month)
      AND d.closed_on < (SELECT month - to_months(11) FROM last_month)
),
cohort_mrr AS (
    SELECT c.answered, c.account_id,
           coalesce(sum(m.mrr_change), 0) AS mrr_at_check
    FROM cohort c
    LEFT JOIN revenue_movements m ON m.account_id = c.account_id AND m.month <= c.check_month
    GROUP BY c.answered, c.account_id, c.check_month
),
retention AS (
    SELECT answered, count(*) AS cohort_won, count(*) FILTER (round(mrr_at_check, 2) > 0) AS cohort_retained
    FROM cohort_mrr GROUP BY answered
),
levels AS (SELECT unnest(range(0, 5)) AS answered)
SELECT levels.answered::INTEGER AS answered,
       coalesce(closed, 0)::BIGINT AS closed,
       coalesce(won, 0)::BIGINT AS won,
       coalesce(lost, 0)::BIGINT AS lost,
       (won / nullif(won + lost, 0))::DOUBLE AS win_rate,
       coalesce(cohort_won, 0)::BIGINT AS cohort_won,
       coalesce(cohort_retained, 0)::BIGINT AS cohort_retained,
       (cohort_retained / nullif(cohort_won, 0))::DOUBLE AS retention_12m
FROM levels
LEFT JOIN in_window USING (answered)
LEFT JOIN retention USING (answered)
ORDER BY answered
