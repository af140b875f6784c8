-- Step 6: revenue movements. MRR values are whole numbers, so running sums are exact and an
-- account that churns goes back to exactly 0 (never below).
CREATE TABLE s_mov AS
SELECT account_id, month_start(cm) AS month, 'new' AS kind, CAST(mrr0 AS DOUBLE) AS mrr_change,
       'sales' AS booked_by, rep_id, opportunity_id
FROM s_cust
UNION ALL
SELECT account_id, date_trunc('month', closed_on)::DATE, 'expansion', amount / 12,
       CASE WHEN rep_team_id = 'T-OPS' THEN 'operations' ELSE 'sales' END, rep_id, opportunity_id
FROM s_exp
WHERE status = 'won'
UNION ALL
-- contractions: up to two, each 10-30 % of the first MRR, before any churn
SELECT account_id, month_start(cm + after), 'contraction',
       -greatest(10, round(mrr0 * (0.10 + 0.20 * rnd2($seed, i, slot, 'ct_size')) / 10) * 10),
       'operations', NULL, NULL
FROM (
    SELECT c.*, 2 + rint2($seed, c.i, r.slot, 'ct_after', 34) AS after, r.slot
    FROM s_cust c CROSS JOIN (SELECT range AS slot FROM range(2)) r
    WHERE rnd2($seed, c.i, r.slot, 'ct_occurs') < CASE c.team_id WHEN 'T-NOR' THEN 0.30 ELSE 0.12 END
)
WHERE after < churn_after AND cm + after <= 45;

INSERT INTO revenue_movements
SELECT * FROM s_mov
UNION ALL
-- churn: the whole MRR the account still had
SELECT m.account_id, month_start(c.churn_m), 'churn', -sum(m.mrr_change), 'operations', NULL, NULL
FROM s_cust c JOIN s_mov m ON m.account_id = c.account_id AND m.month < month_start(c.churn_m)
WHERE c.is_churned
GROUP BY m.account_id, c.churn_m
UNION ALL
SELECT account_id, month_start(react_m), 'reactivation', CAST(react_mrr AS DOUBLE), 'sales', rep_id, NULL
FROM s_cust
WHERE react_m IS NOT NULL;
