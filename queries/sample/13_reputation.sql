-- Step 13: reputation assets. Engaged customers (Harbor's above all) give references, case
-- studies and testimonials; everyone may leave a review (Northstar's customers rate lower).
-- A reference points at a later deal it supported: the first deal of an account created at least
-- 30 days after the reference (accounts are numbered in creation order, and step 2's creation
-- curve inverts in closed form, so no join is needed); a customer asked for a reference again
-- and again sees its first one depreciated.
CREATE TABLE s_rep_events AS
WITH slots AS (
    SELECT c.i, c.account_id, c.market_id, c.team_id, c.closed_on, c.active_until, c.churn_first_year, r.slot
    FROM s_cust c CROSS JOIN (SELECT range AS slot FROM range(7)) r
    WHERE rnd2($seed, c.i, r.slot, 'rep_occurs')
          < CASE c.team_id WHEN 'T-HAR' THEN 1.0 WHEN 'T-NOR' THEN 0.15 ELSE 0.55 END
            * CASE
                WHEN r.slot < 3 THEN 0.40 * CASE c.segment WHEN 'SMB' THEN 0.5 ELSE 1.0 END
                WHEN r.slot = 3 THEN 0.22 * CASE c.segment WHEN 'SMB' THEN 0.3 ELSE 1.0 END
                WHEN r.slot = 4 THEN 0.30
                WHEN r.slot = 5 THEN 0.35 / CASE c.team_id WHEN 'T-HAR' THEN 1.0 WHEN 'T-NOR' THEN 0.15 ELSE 0.55 END
                ELSE 0.012 END
), drawn AS (
    SELECT *,
        CASE WHEN slot < 3 THEN 'reference' WHEN slot = 3 THEN 'case_study' WHEN slot = 4 THEN 'testimonial'
             WHEN slot = 5 THEN 'review' ELSE 'award' END AS kind,
        CAST(closed_on + CASE
            WHEN slot < 3 THEN 120 + rint2($seed, i, slot, 'rep_day', 600)
            WHEN slot = 5 THEN 30 + rint2($seed, i, slot, 'rep_day', 700)
            ELSE 150 + rint2($seed, i, slot, 'rep_day', 500) END AS DATE) AS occurred_on
    FROM slots
)
SELECT *,
    CASE WHEN kind = 'review' THEN
        CASE WHEN team_id = 'T-NOR' OR churn_first_year THEN 1 + CAST(floor(pow(rnd2($seed, i, slot, 'rating'), 1.3) * 4) AS INTEGER)
             ELSE 3 + CAST(floor(pow(rnd2($seed, i, slot, 'rating'), 0.6) * 3) AS INTEGER) END
    END AS rating,
    -- the first account created on or after occurred_on + 30 days (inverse of step 2's curve)
    CAST(ceil($n_accounts * (pow(2.5, (date_diff('day', DATE '2023-01-01', occurred_on) + 30) / 1400.0) - 1) / 1.5) AS BIGINT)
        + rint2($seed, i, slot, 'supported', 20) AS supported_i
FROM drawn
WHERE occurred_on <= CASE WHEN kind = 'review' THEN least(active_until + 30, DATE '2026-10-31') ELSE active_until END;

INSERT INTO reputation_events
WITH referenced AS (
    SELECT *, CASE WHEN supported_i < $n_accounts THEN printf('O%07d', supported_i + 1) END AS supported
    FROM s_rep_events
    WHERE kind = 'reference'
), depreciation AS (
    SELECT *,
        count(*) OVER (PARTITION BY i) AS n_refs,
        max(occurred_on) OVER (PARTITION BY i) AS last_ref_on,
        min(occurred_on) OVER (PARTITION BY i) AS first_ref_on
    FROM referenced
)
SELECT printf('V%08d', i * 7 + slot + 1), account_id, 'reference', occurred_on,
       CASE WHEN rnd2($seed, i, slot, 'ref_used') < 0.85 THEN supported END, NULL,
       CASE WHEN n_refs >= 2 AND occurred_on = first_ref_on AND last_ref_on > first_ref_on THEN last_ref_on END
FROM depreciation
UNION ALL
SELECT printf('V%08d', i * 7 + slot + 1), account_id, kind, occurred_on, NULL, rating, NULL
FROM s_rep_events
WHERE kind <> 'reference';
