-- The accounts of the referral forest: every account that was referred (accounts.referred_by set)
-- or referred someone, with its name, referrer, creation and cell (market, segment, region,
-- owner's team). An account in neither role is in no referral chain.
CREATE TABLE rollup_referral_nodes AS
SELECT a.account_id, a.name, a.referred_by, a.created_on, a.market_id, a.segment, a.region, r.team_id
FROM accounts a
LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
WHERE a.referred_by IS NOT NULL
   OR a.account_id IN (SELECT referred_by FROM accounts WHERE referred_by IS NOT NULL)
ORDER BY a.account_id
