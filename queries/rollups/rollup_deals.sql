-- Closed deals (won or lost) per close month, kind, status, number of the four questions answered
-- (0-4), what a lost deal went to, and deal cell (the account's market, segment and region, the
-- team of the deal's rep): how many, their amount, how many closed with a discount of 20% or
-- more, how many answered each question, and the days from creation to close, summed.
CREATE TABLE rollup_deals AS
SELECT date_trunc('month', o.closed_on)::DATE AS close_month,
       o.kind, o.status,
       o.answers_value::INTEGER + o.answers_why_me::INTEGER
         + o.answers_why_now::INTEGER + o.answers_alternative::INTEGER AS answered,
       o.lost_to,
       a.market_id, a.segment, a.region, r.team_id,
       count(*) AS deals,
       sum(o.amount) AS amount,
       count(*) FILTER (o.discount_pct >= 0.2) AS discount_led,
       count(*) FILTER (o.answers_value) AS answers_value,
       count(*) FILTER (o.answers_why_me) AS answers_why_me,
       count(*) FILTER (o.answers_why_now) AS answers_why_now,
       count(*) FILTER (o.answers_alternative) AS answers_alternative,
       sum(date_diff('day', o.created_on, o.closed_on))::BIGINT AS cycle_days
FROM opportunities o
JOIN accounts a USING (account_id)
LEFT JOIN reps r ON r.rep_id = o.rep_id
WHERE o.status IN ('won', 'lost')
GROUP BY ALL
ORDER BY close_month, o.kind, o.status, answered, o.lost_to, a.market_id, a.segment, a.region, r.team_id
