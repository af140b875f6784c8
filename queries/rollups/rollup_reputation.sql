-- Reputation assets per month, kind and cell of the account that carries them (market, segment,
-- region, owner's team): how many were created (accrued) and how many stopped being usable
-- (depreciated) in the month. Referrals (kind 'referral') are the referred accounts, dated by
-- their creation; they never depreciate. Running sums give the balance at a month's end.
CREATE TABLE rollup_reputation AS
WITH
cells AS (
    SELECT a.account_id, a.market_id, a.segment, a.region, r.team_id, a.referred_by, a.created_on
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
),
moves AS (
    SELECT e.kind, date_trunc('month', e.occurred_on)::DATE AS month, c.market_id, c.segment, c.region, c.team_id,
           1 AS accrued, 0 AS depreciated
    FROM reputation_events e JOIN cells c USING (account_id)
    UNION ALL
    SELECT e.kind, date_trunc('month', e.depreciated_on)::DATE, c.market_id, c.segment, c.region, c.team_id, 0, 1
    FROM reputation_events e JOIN cells c USING (account_id)
    WHERE e.depreciated_on IS NOT NULL
    UNION ALL
    SELECT 'referral', date_trunc('month', c.created_on)::DATE, c.market_id, c.segment, c.region, c.team_id, 1, 0
    FROM cells c
    WHERE c.referred_by IS NOT NULL
)
SELECT month, kind, market_id, segment, region, team_id,
       sum(accrued)::BIGINT AS accrued,
       sum(depreciated)::BIGINT AS depreciated
FROM moves
GROUP BY ALL
ORDER BY month, kind, market_id, segment, region, team_id
