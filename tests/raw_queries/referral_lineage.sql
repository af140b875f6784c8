-- The next-customer lineage: which customer referred which (accounts.referred_by), as known at
-- the end of the as-of month. One row per account in a referral chain, with its MRR at the end
-- of the as-of month and the MRR its whole chain carries (itself + all its descendants).
-- Roots are accounts that referred someone and were not referred themselves (under a filter:
-- whose referrer is outside the filter, so a chain is cut where it leaves the filter). Chains
-- are ranked by the root's chain MRR; only the `top` chains are returned, `chains` counts all.
-- param: as_of DATE = latest
-- param: top INTEGER = 10
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: chain_rank, chains, root_id, account_id, parent_id, depth, name, created_on, mrr, chain_mrr, chain_accounts
-- tables: accounts, reps, revenue_movements
WITH RECURSIVE
bounds AS (
    SELECT date_trunc('month', $as_of::DATE)::DATE AS last_month,
           (date_trunc('month', $as_of::DATE) + INTERVAL 1 MONTH)::DATE AS period_end
),
accts AS (
    SELECT a.account_id, a.name, a.referred_by, a.created_on
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
      AND a.created_on < (SELECT period_end FROM bounds)
),
-- the parent is the referrer when the referrer is in view too
nodes AS (
    SELECT c.account_id, c.name, c.created_on, p.account_id AS parent_id
    FROM accts c LEFT JOIN accts p ON p.account_id = c.referred_by
),
roots AS (
    SELECT n.account_id FROM nodes n
    WHERE n.parent_id IS NULL AND EXISTS (SELECT 1 FROM nodes k WHERE k.parent_id = n.account_id)
),
-- walking down from the roots: every account has one parent, so this always ends
tree(root_id, account_id, depth, path) AS (
    SELECT account_id, account_id, 0, [account_id] FROM roots
    UNION ALL
    SELECT t.root_id, n.account_id, t.depth + 1, list_append(t.path, n.account_id)
    FROM tree t JOIN nodes n ON n.parent_id = t.account_id
),
mrr AS (
    SELECT m.account_id, round(sum(m.mrr_change), 2) AS mrr
    FROM revenue_movements m SEMI JOIN tree USING (account_id)
    WHERE m.month <= (SELECT last_month FROM bounds)
    GROUP BY m.account_id
),
valued AS (
    SELECT t.*, coalesce(m.mrr, 0) AS mrr FROM tree t LEFT JOIN mrr m USING (account_id)
),
-- each account's chain: itself and everyone below it (its id is on their path)
chain AS (
    SELECT ancestor AS account_id, sum(mrr) AS chain_mrr, count(*) AS chain_accounts
    FROM (SELECT unnest(path) AS ancestor, mrr FROM valued)
    GROUP BY ancestor
),
ranked AS (
    SELECT r.account_id AS root_id,
           row_number() OVER (ORDER BY c.chain_mrr DESC, n.name, r.account_id) AS chain_rank,
           count(*) OVER () AS chains
    FROM roots r JOIN chain c USING (account_id) JOIN nodes n USING (account_id)
)
SELECT k.chain_rank::INTEGER AS chain_rank,
       k.chains::BIGINT AS chains,
       v.root_id,
       v.account_id,
       n.parent_id,
       v.depth::INTEGER AS depth,
       n.name,
       n.created_on,
       v.mrr::DOUBLE AS mrr,
       c.chain_mrr::DOUBLE AS chain_mrr,
       c.chain_accounts::BIGINT AS chain_accounts
FROM valued v
JOIN ranked k USING (root_id)
JOIN nodes n USING (account_id)
JOIN chain c USING (account_id)
WHERE k.chain_rank <= $top
ORDER BY k.chain_rank, v.depth, c.chain_mrr DESC, n.name, v.account_id
