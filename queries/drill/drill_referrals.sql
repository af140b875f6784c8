-- Referred accounts (accounts.referred_by set) behind a reputation figure, with who referred
-- them, their first revenue, new MRR, MRR and open pipeline at the end of the as-of month.
-- basis 'created': referred accounts created in the window (referrals accrued);
-- 'first_revenue': those whose first revenue is in the window (referrals realized);
-- null: every referred account known at the end of the as-of month (the balance).
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: basis VARCHAR = null
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: account_id, name, referred_by, referrer, created_on, first_revenue, new_mrr, mrr, open_pipeline, first_won_on, lag_days, status
-- tables: accounts, reps, revenue_movements, opportunities
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1))::DATE AS window_start,
           date_trunc('month', $as_of::DATE)::DATE AS last_month,
           (date_trunc('month', $as_of::DATE) + INTERVAL 1 MONTH)::DATE AS period_end
),
referred AS (
    SELECT a.account_id, a.name, a.referred_by, a.created_on
    FROM accounts a
    LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE a.referred_by IS NOT NULL
      AND a.created_on < (SELECT period_end FROM bounds)
      AND ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
revenue AS (
    SELECT m.account_id, min(m.month) FILTER (m.mrr_change > 0) AS first_revenue,
           round(sum(m.mrr_change), 2) AS mrr
    FROM revenue_movements m SEMI JOIN referred USING (account_id)
    WHERE m.month <= (SELECT last_month FROM bounds)
    GROUP BY m.account_id
),
first_month AS (
    SELECT v.account_id, sum(m.mrr_change) AS new_mrr
    FROM revenue v
    JOIN revenue_movements m ON m.account_id = v.account_id AND m.month = v.first_revenue AND m.mrr_change > 0
    GROUP BY v.account_id
),
deals AS (
    SELECT o.account_id,
           min(o.closed_on) FILTER (o.kind = 'new' AND o.status = 'won' AND o.closed_on < b.period_end)
               AS first_won_on,
           coalesce(sum(o.amount) FILTER (o.created_on < b.period_end
                                          AND (o.closed_on IS NULL OR o.closed_on >= b.period_end)), 0)
               AS open_pipeline
    FROM opportunities o SEMI JOIN referred USING (account_id)
    CROSS JOIN bounds b
    GROUP BY o.account_id
),
rows AS (
    SELECT r.account_id, r.name, r.referred_by, p.name AS referrer, r.created_on, v.first_revenue,
           f.new_mrr, coalesce(v.mrr, 0) AS mrr, coalesce(d.open_pipeline, 0) AS open_pipeline,
           d.first_won_on, date_diff('day', r.created_on, d.first_won_on) AS lag_days,
           CASE WHEN coalesce(v.mrr, 0) > 0 THEN 'active'
                WHEN v.first_revenue IS NOT NULL THEN 'churned'
                ELSE 'prospect' END AS status
    FROM referred r
    LEFT JOIN accounts p ON p.account_id = r.referred_by
    LEFT JOIN revenue v ON v.account_id = r.account_id
    LEFT JOIN first_month f ON f.account_id = r.account_id
    LEFT JOIN deals d ON d.account_id = r.account_id
)
SELECT account_id, name, referred_by, referrer, created_on, first_revenue,
       new_mrr::DOUBLE AS new_mrr, mrr::DOUBLE AS mrr, open_pipeline::DOUBLE AS open_pipeline,
       first_won_on, lag_days::INTEGER AS lag_days, status
FROM rows CROSS JOIN bounds b
WHERE $basis IS NULL
   OR ($basis = 'created' AND created_on >= b.window_start)
   OR ($basis = 'first_revenue' AND first_revenue >= b.window_start AND first_revenue <= b.last_month)
ORDER BY created_on DESC, account_id
