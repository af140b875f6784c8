-- Step 9: the relay baton.
-- sales -> operations: every won new deal at its close (Northstar slower, more often dropped,
-- less complete); strategy -> sales: a market thesis a quarter; operations -> sales: up-sale
-- leads, most of which became an expansion deal.
-- Ids are computed from the row's source (account, expansion slot, quarter), not by sorting.
INSERT INTO handoffs
WITH batons AS (
    SELECT 'strategy_to_sales' AS kind, q.market_id, NULL AS account_id, NULL AS opportunity_id,
           'T-STR' AS from_team_id,
           pick(['T-NOR', 'T-HAR', 'T-MER', 'T-COM'], rnd2($seed, q.market_id, q.quarter, 'th_team')) AS to_team_id,
           CAST(month_start(3 * q.quarter) AS TIMESTAMP)
               + to_days(3 + rint2($seed, q.market_id, q.quarter, 'th_day', 40))
               + to_hours(9 + rint2($seed, q.market_id, q.quarter, 'th_hour', 8)) AS sent_at,
           CASE WHEN rnd2($seed, q.market_id, q.quarter, 'th_acc') < 0.88
                THEN CAST(month_start(3 * q.quarter) AS TIMESTAMP)
                     + to_days(3 + rint2($seed, q.market_id, q.quarter, 'th_day', 40)
                               + 1 + rint2($seed, q.market_id, q.quarter, 'th_lat', 20))
                     + to_hours(11 + rint2($seed, q.market_id, q.quarter, 'th_hour', 8)) END AS accepted_at0,
           rnd2($seed, q.market_id, q.quarter, 'th_obj') < 0.95 AS has_objectives,
           rnd2($seed, q.market_id, q.quarter, 'th_stk') < 0.70 AS has_stakeholders,
           rnd2($seed, q.market_id, q.quarter, 'th_com') < 0.80 AS has_commitments,
           rnd2($seed, q.market_id, q.quarter, 'th_rsk') < 0.75 AS has_risks,
           11 * $n_accounts + 8 * q.quarter + list_position(['RET', 'LOG', 'HCN', 'UTL', 'PUB', 'EDU', 'AGR'], q.market_id) AS id_no
    FROM (
        SELECT m.market_id, m.horizon, r.range AS quarter
        FROM markets m CROSS JOIN range(16) r
    ) q
    -- every quarter has a thesis on Healthcare networks (tomorrow's market), most on the others
    WHERE rnd2($seed, q.market_id, q.quarter, 'thesis')
          < CASE WHEN q.market_id = 'HCN' THEN 1.0 WHEN q.horizon = 'H1' THEN 0.35 WHEN q.horizon = 'H2' THEN 0.85 ELSE 0.70 END
    UNION ALL
    SELECT 'sales_to_operations', market_id, account_id, opportunity_id, team_id, 'T-OPS', sent_at,
           accepted_at, has_objectives, has_stakeholders, has_commitments, has_risks,
           i + 1
    FROM s_cust
    WHERE handed_over
    UNION ALL
    SELECT 'operations_to_sales', market_id, account_id, opportunity_id, 'T-OPS', owner_team_id,
           greatest(CAST(won_on AS TIMESTAMP) + to_hours(20),
                    CAST(created_on AS TIMESTAMP) - to_days(1 + rint($seed, x, 'lead_days', 10))
                        + to_hours(9 + rint($seed, x, 'lead_hour', 8))),
           CAST(created_on AS TIMESTAMP) + to_hours(10 + rint($seed, x, 'lead_acc_h', 7)),
           rnd($seed, x, 'lead_obj') < 0.9, rnd($seed, x, 'lead_stk') < 0.85,
           rnd($seed, x, 'lead_com') < 0.6, rnd($seed, x, 'lead_rsk') < 0.7,
           $n_accounts + x + 1
    FROM s_exp
    WHERE via_handoff
    UNION ALL
    -- leads that never became a deal
    SELECT 'operations_to_sales', c.market_id, c.account_id, NULL, 'T-OPS', c.team_id,
           CAST(month_start(c.cm + 2 + rint2($seed, c.i, r.slot, 'nl_after', 30)) AS TIMESTAMP)
               + to_days(rint2($seed, c.i, r.slot, 'nl_day', 27)) + to_hours(9 + rint2($seed, c.i, r.slot, 'nl_hour', 8)),
           CASE WHEN rnd2($seed, c.i, r.slot, 'nl_acc') < 0.5
                THEN CAST(month_start(c.cm + 2 + rint2($seed, c.i, r.slot, 'nl_after', 30)) AS TIMESTAMP)
                     + to_days(rint2($seed, c.i, r.slot, 'nl_day', 27) + 1 + rint2($seed, c.i, r.slot, 'nl_lat', 14))
                     + to_hours(11 + rint2($seed, c.i, r.slot, 'nl_hour', 8)) END,
           rnd2($seed, c.i, r.slot, 'nl_obj') < 0.8, rnd2($seed, c.i, r.slot, 'nl_stk') < 0.7,
           rnd2($seed, c.i, r.slot, 'nl_com') < 0.5, rnd2($seed, c.i, r.slot, 'nl_rsk') < 0.6,
           9 * $n_accounts + 2 * c.i + r.slot + 1
    FROM s_cust c CROSS JOIN (SELECT range AS slot FROM range(2)) r
    WHERE rnd2($seed, c.i, r.slot, 'no_lead') < CASE c.segment WHEN 'Enterprise' THEN 0.25 ELSE 0.08 END
      AND c.cm + 2 + rint2($seed, c.i, r.slot, 'nl_after', 30) < least(c.churn_m, 46)
)
SELECT printf('H%08d', id_no) AS handoff_id,
       kind, market_id, account_id, opportunity_id, from_team_id, to_team_id, sent_at,
       CASE WHEN accepted_at0 < TIMESTAMP '2026-11-01' THEN greatest(accepted_at0, sent_at) END AS accepted_at,
       has_objectives, has_stakeholders, has_commitments, has_risks
FROM batons
WHERE sent_at < TIMESTAMP '2026-11-01'
ORDER BY handoff_id;
