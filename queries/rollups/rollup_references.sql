-- References that name a deal, with the cell of the account that gave them (market, segment,
-- region, owner's team) and the deal they point at (its close, status, amount, creation), sorted
-- by when they were made.
CREATE TABLE rollup_references AS
SELECT e.occurred_on, e.opportunity_id,
       a.market_id, a.segment, a.region, r.team_id,
       o.amount, o.status, o.closed_on, o.created_on
FROM reputation_events e
JOIN accounts a ON a.account_id = e.account_id
LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
JOIN opportunities o ON o.opportunity_id = e.opportunity_id
WHERE e.kind = 'reference'
ORDER BY e.occurred_on, e.opportunity_id
