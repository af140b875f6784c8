-- Share of new-business deals closed in the window whose value case answered each of the
-- customer's four questions.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: question, label, closed, answered, share
-- tables: accounts, reps, opportunities
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
deals AS (
    SELECT o.*
    FROM opportunities o
    JOIN accounts a USING (account_id)
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    WHERE o.kind = 'new' AND o.status IN ('won', 'lost')
      AND o.closed_on >= (SELECT month - to_months($window - 1) FROM last_month)
      AND o.closed_on < (SELECT month + INTERVAL 1 MONTH FROM last_month)
      AND ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
counts AS (
    SELECT count(*) AS closed,
           count(*) FILTER (answers_value) AS value,
           count(*) FILTER (answers_why_me) AS why_me,
           count(*) FILTER (answers_why_now) AS why_now,
           count(*) FILTER (answers_alternative) AS alternative
    FROM deals
),
questions AS (
    SELECT * FROM (VALUES
        (1, 'value', 'What did you bring me?'),
        (2, 'why_me', 'Why me?'),
        (3, 'why_now', 'Why now?'),
        (4, 'alternative', 'What is the alternative?')
    ) q(position, question, label)
)
SELECT q.question,
       q.label,
       c.closed::BIGINT AS closed,
       (CASE q.question WHEN 'value' THEN c.value WHEN 'why_me' THEN c.why_me
                        WHEN 'why_now' THEN c.why_now ELSE c.alternative END)::BIGINT AS answered,
       (answered / nullif(c.closed, 0))::DOUBLE AS share
FROM questions q CROSS JOIN counts c
ORDER BY q.position
