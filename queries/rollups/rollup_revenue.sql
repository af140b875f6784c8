-- Revenue movements per month and account cell (market, segment, region, owner's team): the net
-- change of MRR, the change in active customers and in active customers' MRR, each kind of
-- movement (split by who booked it). Every column adds up over
-- cells; running sums over months give MRR and customers at each month's end.
CREATE TABLE rollup_revenue AS
SELECT month, market_id, segment, region, team_id,
       sum(change) AS mrr_step,
       sum(active::INTEGER - was_active::INTEGER)::BIGINT AS customer_step,
       sum(new_mrr) AS new_mrr,
       sum(expansion_mrr) AS expansion_mrr,
       sum(contraction_mrr) AS contraction_mrr,
       sum(churn_mrr) AS churn_mrr,
       sum(reactivation_mrr) AS reactivation_mrr,
       sum(new_mrr_sales) AS new_mrr_sales,
       sum(new_mrr_operations) AS new_mrr_operations,
       sum(expansion_mrr_sales) AS expansion_mrr_sales,
       sum(expansion_mrr_operations) AS expansion_mrr_operations
FROM rollup_account_months
GROUP BY ALL
ORDER BY month, market_id, segment, region, team_id
