-- Who sells more in each segment over the window: sales (new MRR booked by sales) or
-- operations (expansion MRR booked by operations).
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: segment, new_mrr_sales, expansion_mrr_operations, leader
-- tables: accounts, reps, revenue_movements
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
accts AS (
    SELECT a.account_id, a.segment
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
moves AS (
    SELECT a.segment, m.kind, m.booked_by, m.mrr_change
    FROM revenue_movements m JOIN accts a USING (account_id)
    WHERE m.month >= (SELECT month - to_months($window - 1) FROM last_month)
      AND m.month <= (SELECT month FROM last_month)
),
segments AS (SELECT DISTINCT segment FROM accts),
sums AS (
    SELECT segment,
           coalesce(sum(mrr_change) FILTER (kind = 'new' AND booked_by = 'sales'), 0) AS new_mrr_sales,
           coalesce(sum(mrr_change) FILTER (kind = 'expansion' AND booked_by = 'operations'), 0)
               AS expansion_mrr_operations
    FROM moves GROUP BY segment
)
SELECT s.segment,
       coalesce(new_mrr_sales, 0)::DOUBLE AS new_mrr_sales,
       coalesce(expansion_mrr_operations, 0)::DOUBLE AS expansion_mrr_operations,
       CASE
           WHEN coalesce(new_mrr_sales, 0) = 0 AND coalesce(expansion_mrr_operations, 0) = 0 THEN NULL
           WHEN expansion_mrr_operations > new_mrr_sales THEN 'operations'
           WHEN expansion_mrr_operations < new_mrr_sales THEN 'sales'
           ELSE 'tie'
       END AS leader
FROM segments s LEFT JOIN sums USING (segment)
ORDER BY s.segment
