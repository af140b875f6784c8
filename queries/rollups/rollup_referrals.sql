-- One row per referred account (accounts.referred_by set) with its cell (market, segment, region,
-- owner's team), when it was created, the month of its first revenue (first positive movement)
-- and that month's positive movements (its new MRR), and the close of its first new-business deal
-- won. Sorted by creation.
CREATE TABLE rollup_referrals AS
WITH
referred AS (
    SELECT a.account_id, a.market_id, a.segment, a.region, r.team_id, a.created_on
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE a.referred_by IS NOT NULL
),
first_revenue AS (
    SELECT m.account_id, min(m.month) AS first_month
    FROM revenue_movements m SEMI JOIN referred USING (account_id)
    WHERE m.mrr_change > 0
    GROUP BY m.account_id
),
new_mrr AS (
    SELECT f.account_id, sum(m.mrr_change) AS new_mrr
    FROM first_revenue f
    JOIN revenue_movements m ON m.account_id = f.account_id AND m.month = f.first_month AND m.mrr_change > 0
    GROUP BY f.account_id
),
first_won AS (
    SELECT o.account_id, min(o.closed_on) AS first_won_on
    FROM opportunities o SEMI JOIN referred USING (account_id)
    WHERE o.kind = 'new' AND o.status = 'won'
    GROUP BY o.account_id
)
SELECT r.account_id, r.market_id, r.segment, r.region, r.team_id, r.created_on,
       f.first_month, n.new_mrr, w.first_won_on
FROM referred r
LEFT JOIN first_revenue f USING (account_id)
LEFT JOIN new_mrr n USING (account_id)
LEFT JOIN first_won w USING (account_id)
ORDER BY r.created_on, r.account_id
