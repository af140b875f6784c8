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
-- the segments of the accounts under the filters (rollup_accounts) and the movements of the
-- window's months per account cell (rollup_revenue)
segments AS (
    SELECT DISTINCT segment FROM rollup_accounts
    WHERE ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
),
sums AS (
    SELECT segment,
           coalesce(sum(new_mrr_sales), 0) AS new_mrr_sales,
           coalesce(sum(expansion_mrr_operations), 0) AS expansion_mrr_operations
    FROM rollup_revenue
    WHERE month >= (SELECT month - to_months($window - 1) FROM last_month)
      AND month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY segment
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
