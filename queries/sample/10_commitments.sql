-- Step 10: the promise ledger: 1-3 promises per won new deal, due 30-120 days after close.
-- A deal drawn as "broken" (balanced per rep in step 4) breaks its first promise, sometimes more.
INSERT INTO commitments
WITH promised AS (
    SELECT c.i, c.account_id, c.opportunity_id, c.closed_on, c.broken, c.team_id, r.slot,
           CAST(c.closed_on + 30 + rint2($seed, c.i, r.slot, 'due', 91) AS DATE) AS due_on,
           rnd2($seed, c.i, r.slot, 'cm_open') < 0.03 AS stays_open
    FROM s_cust c CROSS JOIN (SELECT range AS slot FROM range(3)) r
    -- Northstar promises 1-3 (2 on average), the others 1-3 (1.6 on average)
    WHERE r.slot < CASE WHEN c.team_id = 'T-NOR' THEN 1 + rint($seed, c.i, 'n_commit', 3)
                        ELSE 1 + CAST(rnd($seed, c.i, 'n_commit') >= 0.55 AS INTEGER)
                               + CAST(rnd($seed, c.i, 'n_commit') >= 0.90 AS INTEGER) END
), judged AS (
    SELECT *,
        broken AND (slot = 0 OR rnd2($seed, i, slot, 'cm_more') < 0.4) AS is_broken
    FROM promised
), resolved AS (
    SELECT *,
        CASE WHEN is_broken THEN CAST(due_on + 1 + rint2($seed, i, slot, 'cm_late', 30) AS DATE)
             WHEN stays_open THEN NULL
             ELSE CAST(greatest(closed_on + 1, due_on - rint2($seed, i, slot, 'cm_early', 25)) AS DATE)
        END AS resolved0
    FROM judged
)
SELECT printf('C%08d', i * 3 + slot + 1),
       opportunity_id, account_id,
       (['SSO by go-live', 'Data migration in 30 days', 'Dedicated success manager',
             'Custom dashboard for the board', 'ERP integration by Q-end', '99.9 % uptime SLA',
             'On-site training for 20 users', 'Weekly status calls during onboarding',
             'Arabic and Hebrew UI', 'Price freeze for two years', 'API access for the data team',
             'Go-live before peak season'])[1 + (rint($seed, i, 'promise', 12) + slot * 5) % 12],
       due_on,
       CASE WHEN resolved0 IS NULL OR resolved0 > DATE '2026-10-31' THEN 'open'
            WHEN is_broken THEN 'broken' ELSE 'kept' END,
       CASE WHEN resolved0 > DATE '2026-10-31' THEN NULL ELSE resolved0 END
FROM resolved
ORDER BY 1;  -- key order: the primary-key index builds twice as fast
