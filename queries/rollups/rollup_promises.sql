-- Commitments per month due, month resolved (null while open), status, whether they fell due
-- before the last day of their month (overdue by the end of it when still open), and deal cell
-- (the account's market, segment and region, the team of the rep who made the deal). A promise
-- resolved after month m was still open at the end of m.
CREATE TABLE rollup_promises AS
SELECT date_trunc('month', c.due_on)::DATE AS due_month,
       date_trunc('month', c.resolved_on)::DATE AS resolved_month,
       c.status,
       c.due_on < date_trunc('month', c.due_on) + INTERVAL 1 MONTH - INTERVAL 1 DAY AS due_before_last_day,
       a.market_id, a.segment, a.region, r.team_id,
       count(*) AS promises
FROM commitments c
JOIN accounts a ON a.account_id = c.account_id
LEFT JOIN opportunities o ON o.opportunity_id = c.opportunity_id
LEFT JOIN reps r ON r.rep_id = o.rep_id
GROUP BY ALL
ORDER BY due_month, resolved_month, c.status, due_before_last_day, a.market_id, a.segment, a.region, r.team_id
