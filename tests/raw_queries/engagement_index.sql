-- Extraction vs engagement index for the company, each team and each rep: what happened to
-- the customers of new deals won in months A-23 .. A-12 in their first year, scored -3..+3
-- per deal (retained +1 / churned -1, expanded: more MRR at the end of the year than at its start
-- +1, referred +1, early complaint -1, broken promise -1) and averaged, with a 95% interval. Bookings = won amount in that cohort.
-- param: as_of DATE = latest
-- param: min_customers INTEGER = 5
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: level, team_id, team, rep_id, rep, customers, bookings, retained_share, expanded_share, referred_share, complained_share, broken_share, engagement_index, se, ci_low, ci_high, verdict, rank, note
-- tables: accounts, reps, teams, opportunities, revenue_movements, service_events, commitments
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
bounds AS (
    SELECT (month - to_months(23))::DATE AS cohort_start,
           (month - to_months(11))::DATE AS cohort_end,
           (month + INTERVAL 1 MONTH)::DATE AS period_end
    FROM last_month
),
cohort AS (
    SELECT o.opportunity_id, o.account_id, o.rep_id, r.team_id, o.amount, o.closed_on,
           date_trunc('month', o.closed_on)::DATE AS close_month
    FROM opportunities o
    JOIN accounts a USING (account_id)
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    WHERE o.kind = 'new' AND o.status = 'won'
      AND o.closed_on >= (SELECT cohort_start FROM bounds)
      AND o.closed_on < (SELECT cohort_end FROM bounds)
      AND ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
retained AS (
    SELECT c.opportunity_id, round(coalesce(sum(m.mrr_change), 0), 2) > 0 AS retained
    FROM cohort c
    LEFT JOIN revenue_movements m
      ON m.account_id = c.account_id AND m.month <= c.close_month + INTERVAL 12 MONTH
    GROUP BY c.opportunity_id
),
-- the account's MRR at the end of each month of the year, close month (k = 0) to the twelfth after
year_months AS (
    SELECT c.opportunity_id, k,
           (SELECT coalesce(sum(m.mrr_change), 0) FROM revenue_movements m
             WHERE m.account_id = c.account_id AND m.month <= c.close_month + to_months(k)) AS balance
    FROM cohort c CROSS JOIN range(0, 13) t(k)
),
-- expanded: active at the end of the twelfth month with more MRR than at the end of the first month
-- of the year in which it was active
expanded AS (
    SELECT opportunity_id
    FROM year_months
    WHERE round(balance, 2) > 0
    GROUP BY opportunity_id
    HAVING bool_or(k = 12)
       AND round(arg_max(balance, k) - arg_min(balance, k), 2) > 0
),
referred AS (
    SELECT DISTINCT c.opportunity_id
    FROM cohort c
    JOIN accounts x
      ON x.referred_by = c.account_id
     AND x.created_on > c.closed_on AND x.created_on <= c.closed_on + INTERVAL 365 DAY
),
complained AS (
    SELECT DISTINCT c.opportunity_id
    FROM cohort c
    JOIN service_events e
      ON e.account_id = c.account_id AND e.kind = 'complaint'
     AND e.occurred_on >= c.closed_on AND e.occurred_on <= c.closed_on + INTERVAL 90 DAY
),
broken AS (
    SELECT DISTINCT c.opportunity_id
    FROM cohort c
    JOIN commitments k
      ON k.opportunity_id = c.opportunity_id AND k.status = 'broken'
     AND k.resolved_on < (SELECT period_end FROM bounds)
),
scored AS (
    SELECT c.*,
           r.retained,
           x.opportunity_id IS NOT NULL AS expanded,
           f.opportunity_id IS NOT NULL AS referred,
           p.opportunity_id IS NOT NULL AS complained,
           b.opportunity_id IS NOT NULL AS broke_promise,
           (CASE WHEN r.retained THEN 1 ELSE -1 END)
             + (x.opportunity_id IS NOT NULL)::INTEGER
             + (f.opportunity_id IS NOT NULL)::INTEGER
             - (p.opportunity_id IS NOT NULL)::INTEGER
             - (b.opportunity_id IS NOT NULL)::INTEGER AS score
    FROM cohort c
    JOIN retained r USING (opportunity_id)
    LEFT JOIN expanded x USING (opportunity_id)
    LEFT JOIN referred f USING (opportunity_id)
    LEFT JOIN complained p USING (opportunity_id)
    LEFT JOIN broken b USING (opportunity_id)
),
grouped AS (
    SELECT CASE WHEN grouping(team_id) = 1 THEN 'company'
                WHEN grouping(rep_id) = 1 THEN 'team'
                ELSE 'rep' END AS level,
           team_id, rep_id,
           count(*) AS customers,
           sum(amount) AS bookings,
           avg(retained::INTEGER) AS retained_share,
           avg(expanded::INTEGER) AS expanded_share,
           avg(referred::INTEGER) AS referred_share,
           avg(complained::INTEGER) AS complained_share,
           avg(broke_promise::INTEGER) AS broken_share,
           avg(score) AS mean_score,
           stddev_samp(score) / sqrt(count(*)) AS se
    FROM scored
    GROUP BY GROUPING SETS ((), (team_id), (team_id, rep_id))
),
judged AS (
    SELECT g.*,
           CASE WHEN customers >= $min_customers THEN mean_score END AS engagement_index,
           CASE WHEN customers >= $min_customers THEN mean_score - 1.96 * se END AS ci_low,
           CASE WHEN customers >= $min_customers THEN mean_score + 1.96 * se END AS ci_high
    FROM grouped g
)
SELECT j.level,
       j.team_id,
       t.name AS team,
       j.rep_id,
       r.name AS rep,
       j.customers::BIGINT AS customers,
       coalesce(j.bookings, 0)::DOUBLE AS bookings,
       j.retained_share::DOUBLE AS retained_share,
       j.expanded_share::DOUBLE AS expanded_share,
       j.referred_share::DOUBLE AS referred_share,
       j.complained_share::DOUBLE AS complained_share,
       j.broken_share::DOUBLE AS broken_share,
       j.engagement_index::DOUBLE AS engagement_index,
       j.se::DOUBLE AS se,
       j.ci_low::DOUBLE AS ci_low,
       j.ci_high::DOUBLE AS ci_high,
       CASE
           WHEN j.engagement_index IS NULL THEN NULL
           WHEN j.ci_low > 0 THEN 'engagement'
           WHEN j.ci_high < 0 THEN 'extraction'
           ELSE 'unclear'
       END AS verdict,
       (rank() OVER (PARTITION BY j.level ORDER BY j.engagement_index DESC NULLS LAST))::INTEGER AS rank,
       CASE WHEN j.customers < $min_customers
            THEN 'too few customers (' || j.customers || ' < ' || $min_customers || ')' END AS note
FROM judged j
LEFT JOIN teams t ON t.team_id = j.team_id
LEFT JOIN reps r ON r.rep_id = j.rep_id
ORDER BY CASE j.level WHEN 'company' THEN 0 WHEN 'team' THEN 1 ELSE 2 END, rank, j.team_id, j.rep_id
