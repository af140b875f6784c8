-- Complaints in the first 90 days after close, traced back to the team and the rep of the
-- deal. The cohort is the one of early_complaints: new deals won in the window shifted back
-- three months (so each has had its first 90 days). Per team and per rep (the deal's rep and
-- that rep's team): new customers (n), those whose account complained within 90 days of
-- close, the rate, and the most common severity of those complaints (ties go to the more
-- severe). Ranked within each level by rate, highest first; teams and reps without a new
-- customer in the cohort have no row.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: level, team_id, team, rep_id, rep, new_customers, complained, complaint_rate, top_severity, rank
-- tables: accounts, reps, teams, opportunities, service_events
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1 + 3))::DATE AS cohort_start,
           (date_trunc('month', $as_of::DATE) - to_months(2))::DATE AS cohort_end_exclusive
),
-- rollup_won_deals: each new deal won, with whether its account complained within 90 days
deals AS (
    SELECT d.opportunity_id, d.rep_id, d.team_id, d.complained_90d AS complained
    FROM rollup_won_deals d CROSS JOIN bounds b
    WHERE d.closed_on >= b.cohort_start AND d.closed_on < b.cohort_end_exclusive
      AND ($market_id IS NULL OR d.market_id = $market_id)
      AND ($segment IS NULL OR d.segment = $segment)
      AND ($region IS NULL OR d.region = $region)
      AND ($team_id IS NULL OR d.team_id = $team_id)
),
groups AS (
    SELECT CASE WHEN grouping(rep_id) = 1 THEN 'team' ELSE 'rep' END AS level, team_id, rep_id,
           count(*) AS new_customers, count(*) FILTER (complained) AS complained
    FROM deals
    GROUP BY GROUPING SETS ((team_id), (team_id, rep_id))
),
-- rollup_complaint_hits: those complaints per close month, deal cell, rep and severity
severities AS (
    SELECT CASE WHEN grouping(h.rep_id) = 1 THEN 'team' ELSE 'rep' END AS level, h.team_id, h.rep_id,
           h.severity, sum(h.events) AS events
    FROM rollup_complaint_hits h CROSS JOIN bounds b
    WHERE h.severity IS NOT NULL
      AND h.close_month >= b.cohort_start AND h.close_month < b.cohort_end_exclusive
      AND ($market_id IS NULL OR h.market_id = $market_id)
      AND ($segment IS NULL OR h.segment = $segment)
      AND ($region IS NULL OR h.region = $region)
      AND ($team_id IS NULL OR h.team_id = $team_id)
    GROUP BY GROUPING SETS ((h.team_id, h.severity), (h.team_id, h.rep_id, h.severity))
),
ranked_severities AS (
    SELECT level, team_id, rep_id, severity,
           row_number() OVER (
               PARTITION BY level, team_id, rep_id
               ORDER BY events DESC,
                        CASE severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2 ELSE 1 END DESC
           ) AS position
    FROM severities
),
top_severity AS (
    SELECT level, team_id, rep_id, severity AS top_severity FROM ranked_severities WHERE position = 1
)
SELECT g.level, g.team_id, coalesce(t.name, g.team_id) AS team, g.rep_id,
       CASE WHEN g.level = 'rep' THEN coalesce(r.name, g.rep_id) END AS rep,
       g.new_customers::BIGINT AS new_customers, g.complained::BIGINT AS complained,
       (g.complained / nullif(g.new_customers, 0))::DOUBLE AS complaint_rate,
       s.top_severity,
       row_number() OVER (
           PARTITION BY g.level
           ORDER BY g.complained / nullif(g.new_customers, 0) DESC NULLS LAST, g.complained DESC,
                    g.new_customers DESC, coalesce(t.name, g.team_id), coalesce(r.name, g.rep_id)
       )::INTEGER AS rank
FROM groups g
LEFT JOIN top_severity s
  ON s.level = g.level AND s.team_id IS NOT DISTINCT FROM g.team_id AND s.rep_id IS NOT DISTINCT FROM g.rep_id
LEFT JOIN teams t ON t.team_id = g.team_id
LEFT JOIN reps r ON r.rep_id = g.rep_id
ORDER BY CASE g.level WHEN 'team' THEN 1 ELSE 2 END, rank
