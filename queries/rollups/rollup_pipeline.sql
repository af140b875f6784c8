-- Every deal (new and expansion) by month created, month closed (null while open), month of its
-- expected close and deal cell (the account's market, segment and region, the team of the deal's
-- rep): how many, their amount and their effort hours. A deal is open at the end of month m
-- when created_month <= m and (closed_month is null or closed_month > m).
CREATE TABLE rollup_pipeline AS
SELECT date_trunc('month', o.created_on)::DATE AS created_month,
       date_trunc('month', o.closed_on)::DATE AS closed_month,
       date_trunc('month', o.expected_close_on)::DATE AS expected_month,
       a.market_id, a.segment, a.region, r.team_id,
       count(*) AS deals,
       sum(o.amount) AS amount,
       sum(o.effort_hours) AS effort_hours
FROM opportunities o
JOIN accounts a USING (account_id)
LEFT JOIN reps r ON r.rep_id = o.rep_id
GROUP BY ALL
ORDER BY created_month, closed_month, expected_month, a.market_id, a.segment, a.region, r.team_id
