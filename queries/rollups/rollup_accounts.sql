-- Accounts (prospects and customers) per month they entered the data and account cell (market,
-- segment, region, owner's team), and how many of them were referred by another account.
CREATE TABLE rollup_accounts AS
SELECT date_trunc('month', a.created_on)::DATE AS created_month,
       a.market_id, a.segment, a.region, r.team_id,
       count(*) AS accounts,
       count(*) FILTER (a.referred_by IS NOT NULL) AS referred
FROM accounts a
LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
GROUP BY ALL
ORDER BY created_month, a.market_id, a.segment, a.region, r.team_id
