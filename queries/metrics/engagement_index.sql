-- Extraction vs engagement index for the company, each team and each rep: what happened to
-- the customers of new deals won in months A-23 .. A-12 in their first year, scored -3..+3
-- per deal (retained +1 / churned -1, expanded +1, referred +1, early complaint -1, broken
-- promise -1) and averaged, with a 95% interval. Bookings = won amount in that cohort.
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
-- rollup_won_deals: each new deal won with what its first year brought (fixed once the year is
-- over) and the earliest resolution of a broken commitment, broken as known at the end of A when
-- that came before the end of A
scored AS (
    SELECT team_id, rep_id, amount,
           retained_12m AS retained,
           expanded_12m AS expanded,
           referred_12m AS referred,
           complained_90d AS complained,
           coalesce(broken_on < (SELECT period_end FROM bounds), false) AS broke_promise,
           (CASE WHEN retained_12m THEN 1 ELSE -1 END)
             + expanded_12m::INTEGER
             + referred_12m::INTEGER
             - complained_90d::INTEGER
             - coalesce(broken_on < (SELECT period_end FROM bounds), false)::INTEGER AS score
    FROM rollup_won_deals
    WHERE closed_on >= (SELECT cohort_start FROM bounds)
      AND closed_on < (SELECT cohort_end FROM bounds)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
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
