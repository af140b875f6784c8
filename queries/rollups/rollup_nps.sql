-- NPS invitations per month sent and account cell (market, segment, region, owner's team): how
-- many were sent, answered, and how many answers were promoters (9-10), passives (7-8) and
-- detractors (0-6).
CREATE TABLE rollup_nps AS
SELECT date_trunc('month', n.surveyed_on)::DATE AS survey_month,
       a.market_id, a.segment, a.region, r.team_id,
       count(*) AS invitations,
       count(n.score) AS responses,
       count(*) FILTER (n.score >= 9) AS promoters,
       count(*) FILTER (n.score BETWEEN 7 AND 8) AS passives,
       count(*) FILTER (n.score <= 6) AS detractors
FROM nps_responses n
JOIN accounts a USING (account_id)
LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
GROUP BY ALL
ORDER BY survey_month, a.market_id, a.segment, a.region, r.team_id
