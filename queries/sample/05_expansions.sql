-- Step 5: expansion opportunities (staging). Up to eight chances per customer, each at a month
-- drawn over four years; Enterprise expands most, Harbor's customers more, Northstar's less.
-- Operations sources most of them and sells many itself (a T-OPS rep); the rest go to the
-- account's sales rep through an operations -> sales hand-off.
CREATE TABLE s_exp AS
WITH slots AS (
    SELECT c.*, c.closed_on AS won_on, unnest(range(8)) AS slot FROM s_cust c
), placed AS (
    SELECT *,
        i * 8 + slot AS x,
        cm + 1 + rint2($seed, i, slot, 'x_after', 48) AS x_m,
        rnd2($seed, i, slot, 'x_occurs') < least(0.95,
            CASE segment WHEN 'Enterprise' THEN 0.95 WHEN 'Mid-market' THEN 0.19 ELSE 0.06 END
            * CASE team_id WHEN 'T-NOR' THEN 0.35 WHEN 'T-HAR' THEN 1.5 WHEN 'T-MER' THEN 0.85 ELSE 0.80 END) AS occurs
    FROM slots
), kept AS (
    SELECT *,
        CAST(month_start(x_m) + rint2($seed, i, slot, 'x_day', 27) AS DATE) AS x_created,
        14 + rint2($seed, i, slot, 'x_cycle', 46) AS x_cycle
    FROM placed
    WHERE occurs AND (NOT is_churned OR x_m < churn_m) AND x_m <= 45
), timed AS (
    SELECT *,
        CAST(x_created + x_cycle AS DATE) AS x_close,
        rnd2($seed, i, slot, 'x_sourced') < CASE segment WHEN 'Enterprise' THEN 0.90 ELSE 0.80 END AS ops_sourced,
        rnd2($seed, i, slot, 'x_direct') < CASE segment WHEN 'Enterprise' THEN 0.92 ELSE 0.55 END AS ops_direct,
        rint2($seed, i, slot, 'x_k', 5) AS x_k0
    FROM kept
    WHERE x_created <= DATE '2026-10-31'
), ops_pick AS (
    SELECT t.*, rint2($seed, t.i, t.slot, 'x_ops_rep', s.team_size) AS ops_idx
    FROM timed t CROSS JOIN (SELECT max(team_size) AS team_size FROM s_rep WHERE team_id = 'T-OPS') s
), staffed AS (
    SELECT t.*,
        CASE WHEN t.ops_sourced AND t.ops_direct THEN o.rep_id ELSE t.rep_id END AS x_rep_id,
        CASE WHEN t.ops_sourced AND t.ops_direct THEN 'T-OPS' ELSE t.team_id END AS x_team_id
    FROM ops_pick t
    JOIN (SELECT idx, rep_id FROM s_rep WHERE team_id = 'T-OPS') o ON o.idx = t.ops_idx
)
SELECT
    i, x, account_id, won_on, market_id, segment, team_id AS owner_team_id, rep_id AS owner_rep_id,
    printf('O%07d', $n_accounts + x + 1) AS opportunity_id,
    x_rep_id AS rep_id, x_team_id AS rep_team_id,
    CASE WHEN ops_sourced THEN 'operations' ELSE 'sales' END AS sourced_by,
    ops_sourced AND NOT ops_direct AS via_handoff,
    x_created AS created_on,
    CASE WHEN CAST(x_created + x_cycle // 4 AS DATE) <= DATE '2026-10-31' THEN CAST(x_created + x_cycle // 4 AS DATE) END AS qualified_on,
    CASE WHEN CAST(x_created + (x_cycle * 3) // 5 AS DATE) <= DATE '2026-10-31' THEN CAST(x_created + (x_cycle * 3) // 5 AS DATE) END AS proposal_on,
    x_close AS expected_close_on,
    CASE WHEN x_close > DATE '2026-10-31' THEN NULL ELSE x_close END AS closed_on,
    CASE WHEN x_close > DATE '2026-10-31' THEN 'open'
         WHEN is_churned AND month_index(x_close) >= churn_m THEN 'lost'
         WHEN rnd2($seed, i, slot, 'x_win') < 0.78 THEN 'won'
         ELSE 'lost' END AS status,
    greatest(120.0, round(mrr0 * 12
        * CASE segment WHEN 'Enterprise' THEN 0.32 + 0.40 * rnd2($seed, i, slot, 'x_size')
                       WHEN 'Mid-market' THEN 0.12 + 0.18 * rnd2($seed, i, slot, 'x_size')
                       ELSE 0.10 + 0.15 * rnd2($seed, i, slot, 'x_size') END / 120) * 120) AS amount,
    round(CASE WHEN rnd2($seed, i, slot, 'x_disc0') < 0.6 THEN 0.0 ELSE 0.10 * rnd2($seed, i, slot, 'x_disc') END, 3) AS discount_pct,
    round(CASE segment WHEN 'Enterprise' THEN 40 WHEN 'Mid-market' THEN 16 ELSE 5 END
          * (0.5 + rnd2($seed, i, slot, 'x_effort')), 1) AS effort_hours,
    x_k0 >= 1 AS answers_value,
    x_k0 >= 2 AS answers_why_me,
    x_k0 >= 3 AS answers_why_now,
    x_k0 >= 4 AS answers_alternative
FROM staffed;
