-- Step 14: bookings targets, monthly from 2023-01 to 2027-10: each sales team's new-business
-- quota and the company's (team_id null, the sum of the teams'). History: 110 % of the team's
-- trailing six months of new bookings; the plan after the as-of month: 110 % of its last twelve
-- months' average, growing 1.5 % a month. Open pipeline (new and expansion deals) then covers
-- the next quarter's target a sensible 1-4 times.
CREATE TABLE s_booked AS
SELECT month_index(o.closed_on) AS m, r.team_id, sum(o.amount) AS booked
FROM opportunities o JOIN reps r USING (rep_id)
WHERE o.status = 'won' AND o.kind = 'new'
GROUP BY ALL;

INSERT INTO targets
WITH grid AS (
    SELECT t.team_id, m.range AS m, coalesce(b.booked, 0) AS booked
    FROM (SELECT team_id FROM teams WHERE function = 'sales') t
    CROSS JOIN range(58) m
    LEFT JOIN s_booked b ON b.team_id = t.team_id AND b.m = m.range
), recent AS (
    SELECT team_id, avg(booked) AS monthly FROM grid WHERE m BETWEEN 34 AND 45 GROUP BY team_id
), plan AS (
    SELECT g.team_id, g.m,
        round(CASE WHEN g.m <= 45
                   THEN 1.10 * avg(g.booked) OVER (PARTITION BY g.team_id ORDER BY g.m
                                                   ROWS BETWEEN 5 PRECEDING AND CURRENT ROW)
                   ELSE 1.10 * r.monthly * pow(1.015, g.m - 45) END / 100) * 100 AS target
    FROM grid g JOIN recent r USING (team_id)
)
SELECT month_start(m), team_id, target FROM plan
UNION ALL
SELECT month_start(m), NULL, sum(target) FROM plan GROUP BY m;
