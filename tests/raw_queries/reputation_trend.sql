-- Reputation assets month by month: per kind (the five event kinds and referrals), the assets
-- accrued (created) in each single month, depreciated in it, and the balance at its end, for
-- the `months` months ending with the as-of month. Referrals (accounts.referred_by, dated by
-- the referred account's created_on) do not depreciate: their depreciated is null.
-- Filters apply to the account that carries the asset, as in reputation_balance.
-- param: as_of DATE = latest
-- param: months INTEGER = 24
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, kind, accrued, depreciated, balance
-- tables: reputation_events, accounts, reps
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months($months - 1), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
accts AS (
    SELECT a.account_id, a.referred_by, a.created_on
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
-- one row per asset: when it was created and when it stopped being usable
assets AS (
    SELECT e.kind, e.occurred_on AS created_on, e.depreciated_on
    FROM reputation_events e SEMI JOIN accts USING (account_id)
    UNION ALL
    SELECT 'referral', created_on, NULL
    FROM accts WHERE referred_by IS NOT NULL
),
kinds AS (
    SELECT * FROM (VALUES
        (1, 'reference'), (2, 'case_study'), (3, 'testimonial'), (4, 'review'), (5, 'award'), (6, 'referral')
    ) k(position, kind)
),
-- accruals (+1) and depreciations (-1) bucketed by month, all history up to the as-of month
moves AS (
    SELECT kind, date_trunc('month', created_on)::DATE AS month, 1 AS accrued, 0 AS depreciated FROM assets
    UNION ALL
    SELECT kind, date_trunc('month', depreciated_on)::DATE, 0, 1 FROM assets WHERE depreciated_on IS NOT NULL
),
buckets AS (
    SELECT kind, month, sum(accrued) AS accrued, sum(depreciated) AS depreciated
    FROM moves
    WHERE month <= (SELECT month FROM last_month)
    GROUP BY kind, month
),
counted AS (
    SELECT m.month, k.position, k.kind,
           coalesce(sum(b.accrued) FILTER (b.month = m.month), 0) AS accrued,
           coalesce(sum(b.depreciated) FILTER (b.month = m.month), 0) AS depreciated,
           coalesce(sum(b.accrued - b.depreciated), 0) AS balance
    FROM months m
    CROSS JOIN kinds k
    LEFT JOIN buckets b ON b.kind = k.kind AND b.month <= m.month
    GROUP BY m.month, k.position, k.kind
)
SELECT month,
       kind,
       accrued::BIGINT AS accrued,
       CASE WHEN kind = 'referral' THEN NULL ELSE depreciated END::BIGINT AS depreciated,
       balance::BIGINT AS balance
FROM counted
ORDER BY month, position
