-- The accounts of a revenue cohort (the month of their first positive movement), with their
-- MRR at the end of the cohort month and at the end of the as-of month, and whether they are
-- still active then. A null cohort gives every cohort up to the as-of month.
-- param: as_of DATE = latest
-- param: cohort DATE = null
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: account_id, name, cohort, market, segment, region, team, cohort_mrr, mrr, status
-- tables: accounts, reps, teams, markets, revenue_movements
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
accts AS (
    SELECT a.account_id, a.name, coalesce(k.name, a.market_id) AS market, a.segment, a.region,
           coalesce(t.name, r.team_id) AS team
    FROM accounts a
    LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    LEFT JOIN teams t ON t.team_id = r.team_id
    LEFT JOIN markets k ON k.market_id = a.market_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
moves AS (
    SELECT m.account_id, m.month, m.mrr_change
    FROM revenue_movements m SEMI JOIN accts USING (account_id)
    WHERE m.month <= (SELECT month FROM last_month)
),
cohorts AS (
    SELECT account_id, min(month) FILTER (mrr_change > 0) AS cohort
    FROM moves GROUP BY account_id
),
picked AS (
    SELECT c.account_id, c.cohort,
           sum(m.mrr_change) FILTER (m.month <= c.cohort) AS cohort_mrr,
           sum(m.mrr_change) AS mrr
    FROM cohorts c JOIN moves m USING (account_id)
    WHERE c.cohort IS NOT NULL
      AND ($cohort IS NULL OR c.cohort = date_trunc('month', $cohort::DATE)::DATE)
    GROUP BY c.account_id, c.cohort
)
SELECT p.account_id, a.name, p.cohort, a.market, a.segment, a.region, a.team,
       round(p.cohort_mrr, 2)::DOUBLE AS cohort_mrr,
       round(p.mrr, 2)::DOUBLE AS mrr,
       CASE WHEN round(p.mrr, 2) > 0 THEN 'active' ELSE 'churned' END AS status
FROM picked p JOIN accts a USING (account_id)
ORDER BY p.cohort DESC, mrr DESC, p.account_id
