-- Step 3: the first new-business opportunity of every account (staging).
-- How many of the four questions the value case answers (Northstar skips them) and the sales
-- cycle are hash draws; the win is systematic sampling per number of questions answered,
-- segment and team, in close order (see 00_setup.sql), so the four-questions ladder and each
-- team's share of the wins show in any quarter, for any seed; so is the discount-led close
-- (per team), whose share rises through the last twelve months.
CREATE TABLE s_deal AS
WITH a AS (
    SELECT s.i, s.account_id, s.rep_id, s.team_id, s.market_id, s.horizon, s.segment, s.is_referred,
        s.created_on, s.f,
        CASE s.team_id
            WHEN 'T-NOR' THEN [0.22, 0.52, 0.78, 0.92]
            WHEN 'T-HAR' THEN [0.03, 0.10, 0.28, 0.58]
            ELSE [0.05, 0.15, 0.38, 0.68]
        END AS k_cut,
        rnd($seed, s.i, 'answered') AS u_k,
        rnd($seed, s.i, 'cycle') AS u_cycle,
        -- the cycle (days from created to close) and how it splits into stages
        CASE s.segment WHEN 'Enterprise' THEN [60, 165] WHEN 'Mid-market' THEN [35, 100] ELSE [17, 58] END AS cycle_span,
        0.15 + 0.15 * rnd($seed, s.i, 'stage_q') AS share_q,
        0.30 + 0.20 * rnd($seed, s.i, 'stage_p') AS share_p
    FROM s_acc s
), k AS (
    SELECT *,
        least(4, CAST(u_k >= k_cut[1] AS INTEGER) + CAST(u_k >= k_cut[2] AS INTEGER)
                 + CAST(u_k >= k_cut[3] AS INTEGER) + CAST(u_k >= k_cut[4] AS INTEGER)
                 + CAST(is_referred AND rnd($seed, i, 'k_ref') < 0.5 AS INTEGER)) AS k,
        cycle_span[1] + CAST(floor(u_cycle * cycle_span[2]) AS INTEGER) AS cycle
    FROM a
), timed AS (
    SELECT *,
        CAST(created_on + cycle AS DATE) AS planned_close,
        CAST(created_on + CAST(floor(cycle * share_q) AS INTEGER) AS DATE) AS q_on,
        CAST(created_on + CAST(floor(cycle * (share_q + share_p)) AS INTEGER) AS DATE) AS p_on
    FROM k
), chances AS (
    SELECT *,
        hash(k, segment, team_id) AS win_group,
        ppm([0.12, 0.28, 0.45, 0.62, 0.78][k + 1]
            + CASE WHEN team_id = 'T-NOR' THEN 0.06 ELSE 0.0 END
            + CASE WHEN is_referred THEN 0.04 ELSE 0.0 END) AS p_win
    FROM timed
), win_sums AS (
    -- on a narrow projection: the window sorts less
    SELECT i, win_group, p_win,
           sum(p_win) OVER (PARTITION BY win_group ORDER BY day_key(planned_close, i)
                            ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS c_win
    FROM chances
), outcome AS (
    SELECT t.*,
        CASE WHEN t.planned_close > DATE '2026-10-31' THEN 'open'
             WHEN hit(w.c_win, w.p_win, draw_offset($seed, w.win_group, 'win')) THEN 'won'
             ELSE 'lost' END AS status
    FROM timed t JOIN win_sums w USING (i)
), dl_sums AS (
    -- discount-led closes: systematic sampling per team and outcome, in close order, so the
    -- share among won deals climbs quarter by quarter through the last twelve months
    SELECT i, team_id, status, p_dl,
           sum(p_dl) OVER (PARTITION BY team_id, status ORDER BY day_key(planned_close, i)
                           ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS c_dl
    FROM (SELECT i, team_id, status, planned_close,
                 ppm(CASE team_id WHEN 'T-NOR' THEN 0.40 WHEN 'T-HAR' THEN 0.04 WHEN 'T-MER' THEN 0.09 ELSE 0.11 END
                     + 0.32 * clamp01((month_index(planned_close) - 33) / 12.0)) AS p_dl
          FROM outcome)
), discounted AS (
    SELECT o.*, hit(s.c_dl, s.p_dl, draw_offset($seed, s.team_id || s.status, 'discount')) AS discount_led
    FROM outcome o JOIN dl_sums s USING (i)
), d AS (
    SELECT *,
        round(CASE WHEN discount_led THEN 0.20 + 0.25 * rnd($seed, i, 'disc')
                   WHEN rnd($seed, i, 'disc0') < 0.35 THEN 0.0
                   ELSE 0.02 + 0.16 * rnd($seed, i, 'disc') END, 3) AS discount_pct,
        rnd($seed, i, 'lost_stage') AS u_stage,
        rnd($seed, i, 'e_v') + 0.30 AS e_v,
        rnd($seed, i, 'e_m') + 0.15 AS e_m,
        rnd($seed, i, 'e_n') + 0.10 AS e_n,
        rnd($seed, i, 'e_a') AS e_a
    FROM discounted
)
SELECT
    i, account_id, printf('O%07d', i + 1) AS opportunity_id, rep_id, team_id, market_id, horizon,
    segment, is_referred, created_on, k, status, discount_pct, f,
    -- an annual contract value net of discount, a multiple of 120 so MRR is a whole number
    greatest(120.0, round(
        CASE segment WHEN 'Enterprise' THEN 80000 WHEN 'Mid-market' THEN 25000 ELSE 5000 END
        * (0.7 + 0.6 * rnd($seed, i, 'price'))
        * CASE WHEN team_id = 'T-NOR' THEN 1.4 ELSE 1.0 END
        * CASE horizon WHEN 'H1' THEN 1.0 WHEN 'H2' THEN 1.1 ELSE 0.9 END
        * (1 - discount_pct) / 120) * 120) AS amount,
    CASE WHEN status = 'lost' AND u_stage < 0.25 THEN NULL
         WHEN q_on > DATE '2026-10-31' THEN NULL ELSE q_on END AS qualified_on,
    CASE WHEN status = 'lost' AND u_stage < 0.55 THEN NULL
         WHEN p_on > DATE '2026-10-31' THEN NULL ELSE p_on END AS proposal_on,
    CASE WHEN status = 'open' THEN least(planned_close, CAST(DATE '2027-03-01' + rint($seed, i, 'exp_close', 31) AS DATE))
         ELSE CAST(planned_close - rint($seed, i, 'slip', 8) AS DATE) END AS expected_close_on,
    CASE WHEN status = 'open' THEN NULL ELSE planned_close END AS closed_on,
    CASE WHEN rnd($seed, i, 'sourced') < CASE horizon WHEN 'H1' THEN 0.05 WHEN 'H2' THEN 0.25 ELSE 0.20 END
         THEN 'strategy' ELSE 'sales' END AS sourced_by,
    round(CASE segment WHEN 'Enterprise' THEN 160 WHEN 'Mid-market' THEN 60 ELSE 16 END
          * (0.5 + rnd($seed, i, 'effort')) * (1 + 0.15 * k), 1) AS effort_hours,
    -- which questions are answered: the k "easiest" of a noisy ordering (value first, alternative last)
    ((e_v < e_m)::INTEGER + (e_v < e_n)::INTEGER + (e_v < e_a)::INTEGER) < k AS answers_value,
    ((e_m < e_v)::INTEGER + (e_m < e_n)::INTEGER + (e_m < e_a)::INTEGER) < k AS answers_why_me,
    ((e_n < e_v)::INTEGER + (e_n < e_m)::INTEGER + (e_n < e_a)::INTEGER) < k AS answers_why_now,
    ((e_a < e_v)::INTEGER + (e_a < e_m)::INTEGER + (e_a < e_n)::INTEGER) < k AS answers_alternative,
    CASE WHEN status = 'lost' THEN rnd($seed, i, 'lost_to') END AS u_lost_to
FROM d;
