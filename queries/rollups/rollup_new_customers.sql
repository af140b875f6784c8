-- New customers per month of first revenue (first positive movement) and account cell (market,
-- segment, region, owner's team): how many, how many were referred (accounts.referred_by set), and
-- the MRR of the referred ones' first positive movement.
CREATE TABLE rollup_new_customers AS
WITH first_revenue AS (
    SELECT m.account_id, min(m.month) AS first_month, arg_min(m.mrr_change, m.month) AS first_mrr
    FROM revenue_movements m
    WHERE m.mrr_change > 0
    GROUP BY m.account_id
)
SELECT f.first_month, a.market_id, a.segment, a.region, r.team_id,
       count(*) AS new_customers,
       count(*) FILTER (a.referred_by IS NOT NULL) AS referred,
       sum(f.first_mrr) FILTER (a.referred_by IS NOT NULL) AS referred_new_mrr
FROM first_revenue f
JOIN accounts a USING (account_id)
LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
GROUP BY ALL
ORDER BY f.first_month, a.market_id, a.segment, a.region, r.team_id
