-- Step 11: what operations saw after the sale.
-- Per customer: onboarding milestones from the kick-off (hand-off accepted), the first value
-- milestone (time to value 25-85 days; Northstar's later and rarer), tickets through the
-- customer's life, an early complaint (within 90 days) when step 4 drew one, and later
-- complaints only after day 90. Ids: each customer owns a block of 100 numbers (slots 0-2
-- onboarding, 3 value, 4 early complaint, then tickets and later complaints), so no sort of the
-- big table is needed.
CREATE TABLE s_life AS
SELECT c.*,
    date_diff('day', c.closed_on, c.active_until) AS life_days,
    CAST(least(80, floor(date_diff('day', c.closed_on, c.active_until) / 30.0
               * CASE c.team_id WHEN 'T-NOR' THEN 1.0 ELSE 0.7 END
               * 2 * rnd($seed, c.i, 'n_tickets'))) AS BIGINT) AS n_tickets,
    CAST(least(14, floor(greatest(0, date_diff('day', c.closed_on, c.active_until) - 91) / 30.0
               * CASE c.team_id WHEN 'T-NOR' THEN 0.05 ELSE 0.015 END
               + rnd($seed, c.i, 'n_complaints'))) AS BIGINT) AS n_complaints
FROM s_cust c;

-- the tickets, one row each, materialised narrow: the insert below then scans many row groups
-- in parallel instead of expanding a few hundred thousand customers on a couple of threads
CREATE TABLE s_ticket AS
SELECT i, account_id, closed_on, life_days, unnest(range(n_tickets)) AS j
FROM s_life
WHERE n_tickets > 0;

INSERT INTO service_events
WITH onboarding AS (
    SELECT l.i, l.account_id, l.opportunity_id, l.active_until, r.slot,
           CAST(l.accepted_at AS DATE)
             + CASE r.slot WHEN 0 THEN 0
                           WHEN 1 THEN 7 + rint($seed, l.i, 'ob1', 15)
                           ELSE 7 + rint($seed, l.i, 'ob1', 15) + 14 + rint($seed, l.i, 'ob2', 27) END AS occurred_on
    FROM s_life l CROSS JOIN (SELECT range AS slot FROM range(3)) r
    WHERE l.accepted_at IS NOT NULL
), events AS (
    SELECT i, account_id, opportunity_id, 'onboarding_milestone' AS kind, CAST(occurred_on AS DATE) AS occurred_on,
           NULL AS severity, slot
    FROM onboarding
    WHERE occurred_on <= active_until
    UNION ALL
    SELECT i, account_id, opportunity_id, 'value_milestone',
           CAST(closed_on + CASE team_id WHEN 'T-NOR' THEN 45 + rint($seed, i, 'ttv', 106)
                                         ELSE 25 + rint($seed, i, 'ttv', 61) END AS DATE),
           NULL, 3
    FROM s_life
    WHERE rnd($seed, i, 'reaches_value') < CASE team_id WHEN 'T-NOR' THEN 0.70 ELSE 0.93 END
      AND closed_on + CASE team_id WHEN 'T-NOR' THEN 45 + rint($seed, i, 'ttv', 106)
                                   ELSE 25 + rint($seed, i, 'ttv', 61) END <= active_until
    UNION ALL
    SELECT i, account_id, opportunity_id, 'complaint',
           CAST(closed_on + 3 + rint($seed, i, 'ec_day', 80) AS DATE),
           CASE WHEN rnd($seed, i, 'ec_sev') < CASE team_id WHEN 'T-NOR' THEN 0.25 ELSE 0.45 END THEN 'medium'
                WHEN rnd($seed, i, 'ec_sev') < CASE team_id WHEN 'T-NOR' THEN 0.75 ELSE 0.85 END THEN 'high'
                ELSE 'critical' END,
           4
    FROM s_life
    WHERE early_complaint AND closed_on + 3 + rint($seed, i, 'ec_day', 80) <= DATE '2026-10-31'
    UNION ALL
    -- one hash per ticket: its low bits pick the day, its high bits the severity
    SELECT i, account_id, NULL, 'ticket',
           CAST(closed_on + CAST(h % CAST(life_days + 1 AS UBIGINT) AS INTEGER) AS DATE),
           CASE WHEN h // 4294967296 % 100 < 50 THEN 'low'
                WHEN h // 4294967296 % 100 < 85 THEN 'medium'
                WHEN h // 4294967296 % 100 < 97 THEN 'high'
                ELSE 'critical' END,
           5 + j
    FROM (SELECT i, account_id, closed_on, life_days, j, hash(hash($seed, i, j, 'ticket')) AS h FROM s_ticket)
    UNION ALL
    SELECT i, account_id, NULL, 'complaint',
           CAST(closed_on + 91 + CAST(floor(rnd2($seed, i, j, 'lc_day') * (life_days - 91)) AS INTEGER) AS DATE),
           CASE WHEN rnd2($seed, i, j, 'lc_sev') < 0.30 THEN 'low'
                WHEN rnd2($seed, i, j, 'lc_sev') < 0.75 THEN 'medium'
                WHEN rnd2($seed, i, j, 'lc_sev') < 0.95 THEN 'high'
                ELSE 'critical' END,
           5 + n_tickets + j
    FROM (SELECT i, account_id, closed_on, life_days, n_tickets, n_complaints, unnest(range(n_complaints)) AS j
          FROM s_life WHERE n_complaints > 0 AND life_days > 91)
)
SELECT printf('S%09d', 100 * i + slot + 1), account_id, opportunity_id, kind, occurred_on, severity
FROM events;
