-- The early-complaint cohort deal by deal: new deals won in the window shifted back three
-- months, with whether the account complained within 90 days of close, how often, when
-- first and how badly; for one rep (rep_id) or team (the team_id filter) when given.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: rep_id VARCHAR = null
-- param: complained BOOLEAN = null
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: opportunity_id, account, segment, rep, team, closed_on, amount, discount_pct, answered, complained, complaints, first_complaint_on, worst_severity
-- tables: opportunities, accounts, reps, teams, service_events
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1 + 3))::DATE AS cohort_start,
           (date_trunc('month', $as_of::DATE) - to_months(2))::DATE AS cohort_end_exclusive
),
won AS (
    SELECT o.*, a.name AS account, a.segment, coalesce(r.name, o.rep_id) AS rep,
           coalesce(t.name, r.team_id) AS team
    FROM opportunities o
    CROSS JOIN bounds b
    JOIN accounts a ON a.account_id = o.account_id
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    LEFT JOIN teams t ON t.team_id = r.team_id
    WHERE o.kind = 'new' AND o.status = 'won'
      AND o.closed_on >= b.cohort_start AND o.closed_on < b.cohort_end_exclusive
      AND ($rep_id IS NULL OR o.rep_id = $rep_id)
      AND ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
hits AS (
    SELECT d.opportunity_id, count(*) AS complaints, min(e.occurred_on) AS first_complaint_on,
           arg_max(e.severity, CASE e.severity WHEN 'critical' THEN 4 WHEN 'high' THEN 3 WHEN 'medium' THEN 2
                                               WHEN 'low' THEN 1 END) AS worst_severity
    FROM won d
    JOIN service_events e
      ON e.account_id = d.account_id AND e.kind = 'complaint'
     AND e.occurred_on >= d.closed_on AND e.occurred_on <= d.closed_on + INTERVAL 90 DAY
    GROUP BY d.opportunity_id
),
rows AS (
    SELECT d.opportunity_id, d.account, d.segment, d.rep, d.team, d.closed_on, d.amount::DOUBLE AS amount,
           d.discount_pct::DOUBLE AS discount_pct,
           (d.answers_value::INTEGER + d.answers_why_me::INTEGER + d.answers_why_now::INTEGER
               + d.answers_alternative::INTEGER)::INTEGER AS answered,
           h.opportunity_id IS NOT NULL AS complained,
           coalesce(h.complaints, 0)::BIGINT AS complaints,
           h.first_complaint_on, h.worst_severity
    FROM won d LEFT JOIN hits h USING (opportunity_id)
)
SELECT * FROM rows
WHERE ($complained IS NULL OR complained = $complained)
ORDER BY complained DESC, complaints DESC, closed_on DESC, opportunity_id
