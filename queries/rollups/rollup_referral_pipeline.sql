-- The deals of referred accounts by month the account was created, month the deal was created
-- and closed (null while open) and the referred account's cell (market, segment, region,
-- owner's team): how many and their amount.
CREATE TABLE rollup_referral_pipeline AS
SELECT date_trunc('month', a.created_on)::DATE AS referred_month,
       date_trunc('month', o.created_on)::DATE AS created_month,
       date_trunc('month', o.closed_on)::DATE AS closed_month,
       a.market_id, a.segment, a.region, r.team_id,
       count(*) AS deals,
       sum(o.amount) AS amount
FROM opportunities o
JOIN accounts a ON a.account_id = o.account_id
LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
WHERE a.referred_by IS NOT NULL
GROUP BY ALL
ORDER BY referred_month, created_month, closed_month, a.market_id, a.segment, a.region, r.team_id
