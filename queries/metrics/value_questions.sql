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
-- rollup_deals: closed deals per close month and deal cell, with how many answered each question
counts AS (
    SELECT coalesce(sum(deals), 0) AS closed,
           coalesce(sum(answers_value), 0) AS value,
           coalesce(sum(answers_why_me), 0) AS why_me,
           coalesce(sum(answers_why_now), 0) AS why_now,
           coalesce(sum(answers_alternative), 0) AS alternative
    FROM rollup_deals
    WHERE kind = 'new'
      AND close_month >= (SELECT month - to_months($window - 1) FROM last_month)
      AND close_month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
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
