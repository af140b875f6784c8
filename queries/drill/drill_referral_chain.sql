-- One referral chain of the next-customer lineage: an account and everyone it brought, directly
-- or down the line (accounts.referred_by), as known at the end of the as-of month, with depth
-- below the account, MRR then and status. Without an account_id: every chain of the lineage
-- (from each root: an account that referred someone and was not referred from within the
-- filters). Filters cut chains as in referral_lineage.
-- param: as_of DATE = latest
-- param: account_id VARCHAR = null
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: account_id, name, depth, referred_by, referrer, created_on, market, segment, first_revenue, mrr, status
-- tables: accounts, reps, markets, revenue_movements
WITH RECURSIVE
bounds AS (
    SELECT date_trunc('month', $as_of::DATE)::DATE AS last_month,
           (date_trunc('month', $as_of::DATE) + INTERVAL 1 MONTH)::DATE AS period_end
),
accts AS (
    SELECT a.account_id, a.name, a.referred_by, a.created_on, a.market_id, a.segment
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
      AND a.created_on < (SELECT period_end FROM bounds)
),
starts AS (
    SELECT s.account_id FROM accts s
    WHERE s.account_id = $account_id
       OR ($account_id IS NULL
           AND NOT EXISTS (SELECT 1 FROM accts p WHERE p.account_id = s.referred_by)
           AND EXISTS (SELECT 1 FROM accts c WHERE c.referred_by = s.account_id))
),
chain(account_id, depth, path) AS (
    SELECT account_id, 0, [account_id] FROM starts
    UNION ALL
    SELECT a.account_id, c.depth + 1, list_append(c.path, a.account_id)
    FROM chain c JOIN accts a ON a.referred_by = c.account_id
    WHERE NOT list_contains(c.path, a.account_id)
),
revenue AS (
    SELECT m.account_id, min(m.month) FILTER (m.mrr_change > 0) AS first_revenue,
           round(sum(m.mrr_change), 2) AS mrr
    FROM revenue_movements m SEMI JOIN chain USING (account_id)
    WHERE m.month <= (SELECT last_month FROM bounds)
    GROUP BY m.account_id
)
SELECT c.account_id, a.name, c.depth::INTEGER AS depth, a.referred_by, p.name AS referrer, a.created_on,
       coalesce(k.name, a.market_id) AS market, a.segment, v.first_revenue,
       coalesce(v.mrr, 0)::DOUBLE AS mrr,
       CASE WHEN coalesce(v.mrr, 0) > 0 THEN 'active'
            WHEN v.first_revenue IS NOT NULL THEN 'churned'
            ELSE 'prospect' END AS status
FROM chain c
JOIN accts a USING (account_id)
LEFT JOIN accounts p ON p.account_id = a.referred_by
LEFT JOIN markets k ON k.market_id = a.market_id
LEFT JOIN revenue v USING (account_id)
ORDER BY c.path
