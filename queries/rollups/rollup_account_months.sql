-- One row per account and month in which its revenue moved (accounts without a row in `accounts`
-- are left out, as every metric leaves them out): the month's net change and the movements of
-- each kind, the MRR after the month (running sum, as docs/metrics.md defines it) until the month
-- before `valid_until` (the next month that moved; null = to this day), whether that makes the
-- account active (round(MRR, 2) > 0) and whether it was active before. `cohort` is the month of
-- the account's first positive movement. The cell (market, segment, region, team of the owner)
-- is what the account metrics filter on; `cell` numbers the cells (within one build only, for the
-- other summary tables to group and join on).
CREATE TABLE rollup_account_months AS
WITH
accts AS (
    SELECT a.account_id, a.market_id, a.segment, a.region, r.team_id
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
),
cell_ids AS (
    SELECT market_id, segment, region, team_id,
           row_number() OVER (ORDER BY market_id, segment, region, team_id) AS cell
    FROM (SELECT DISTINCT market_id, segment, region, team_id FROM accts)
),
cells AS (
    SELECT a.*, i.cell
    FROM accts a
    JOIN cell_ids i
      ON i.market_id IS NOT DISTINCT FROM a.market_id AND i.segment IS NOT DISTINCT FROM a.segment
     AND i.region IS NOT DISTINCT FROM a.region AND i.team_id IS NOT DISTINCT FROM a.team_id
),
moves AS (
    SELECT m.account_id, m.month,
           sum(m.mrr_change) AS change,
           sum(m.mrr_change) FILTER (m.kind = 'new') AS new_mrr,
           sum(m.mrr_change) FILTER (m.kind = 'expansion') AS expansion_mrr,
           -sum(m.mrr_change) FILTER (m.kind = 'contraction') AS contraction_mrr,
           -sum(m.mrr_change) FILTER (m.kind = 'churn') AS churn_mrr,
           sum(m.mrr_change) FILTER (m.kind = 'reactivation') AS reactivation_mrr,
           sum(m.mrr_change) FILTER (m.kind = 'new' AND m.booked_by = 'sales') AS new_mrr_sales,
           sum(m.mrr_change) FILTER (m.kind = 'new' AND m.booked_by = 'operations') AS new_mrr_operations,
           sum(m.mrr_change) FILTER (m.kind = 'expansion' AND m.booked_by = 'sales') AS expansion_mrr_sales,
           sum(m.mrr_change) FILTER (m.kind = 'expansion' AND m.booked_by = 'operations')
               AS expansion_mrr_operations,
           bool_or(m.mrr_change > 0) AS has_positive
    FROM revenue_movements m
    GROUP BY m.account_id, m.month
),
-- one sort for every window: the running balance, the one before, the next month that moved, and
-- the first month with a positive movement
balances AS (
    SELECT *,
           sum(change) OVER w AS balance,
           sum(change) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING) AS previous_balance,
           lead(month) OVER w AS valid_until,
           min(month) FILTER (has_positive) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING)
               AS cohort
    FROM moves
    WINDOW w AS (PARTITION BY account_id ORDER BY month)
)
SELECT b.account_id, c.market_id, c.segment, c.region, c.team_id, c.cell,
       b.month, b.valid_until, b.cohort,
       b.change, b.balance,
       round(b.balance, 2) > 0 AS active,
       coalesce(round(b.previous_balance, 2) > 0, false) AS was_active,
       b.new_mrr, b.expansion_mrr, b.contraction_mrr, b.churn_mrr, b.reactivation_mrr,
       b.new_mrr_sales, b.new_mrr_operations, b.expansion_mrr_sales, b.expansion_mrr_operations
FROM balances b
JOIN cells c USING (account_id)
