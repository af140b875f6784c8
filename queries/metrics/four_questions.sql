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
-- rollup_deals: closed deals per close month, questions answered and deal cell
in_window AS (
    SELECT answered,
           sum(deals) AS closed,
           coalesce(sum(deals) FILTER (status = 'won'), 0) AS won,
           coalesce(sum(deals) FILTER (status = 'lost'), 0) AS lost
    FROM rollup_deals
    WHERE kind = 'new'
      AND close_month >= (SELECT month - to_months($window - 1) FROM last_month)
      AND close_month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY answered
),
-- rollup_won_deals: each new deal won and whether its account was active twelve months after the
-- close month; an account counts once per number answered and close month
cohort_mrr AS (
    SELECT answered, account_id, close_month, bool_or(retained_12m) AS retained
    FROM rollup_won_deals
    WHERE closed_on >= (SELECT month - to_months(23) FROM last_month)
      AND closed_on < (SELECT month - to_months(11) FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY answered, account_id, close_month
),
retention AS (
    SELECT answered, count(*) AS cohort_won, count(*) FILTER (retained) AS cohort_retained
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
