-- Step 4: what happens to every won new deal (staging): churn, comeback, early complaint,
-- broken promise, the sales -> operations hand-off.
-- First-year churn is systematic sampling per number of questions answered, in close order,
-- so twelve-month retention climbs with the answers in every cohort; the early complaint and
-- the broken promise too, per team (whose share of the wins step 3 keeps steady), so the
-- complaint rate rises quarter by quarter from late 2025 on. Churn after the first year is a
-- geometric draw floor(ln(u) / ln(1 - h)).
CREATE TABLE s_cust AS
WITH won AS (
    SELECT i, account_id, opportunity_id, rep_id, team_id, market_id, horizon, segment, is_referred,
           created_on, closed_on, k, amount, discount_pct,
           month_index(closed_on) AS cm,
           CAST(amount / 12 AS BIGINT) AS mrr0,
           ppm(CASE team_id WHEN 'T-NOR' THEN 0.40 WHEN 'T-HAR' THEN 0.02 WHEN 'T-MER' THEN 0.09 ELSE 0.10 END
               + [0.30, 0.20, 0.12, 0.06, 0.0][k + 1]
               + CASE segment WHEN 'SMB' THEN 0.04 WHEN 'Enterprise' THEN -0.03 ELSE 0.0 END) AS p_c12,
           ppm(CASE team_id WHEN 'T-NOR' THEN 0.45 WHEN 'T-HAR' THEN 0.04 WHEN 'T-MER' THEN 0.12 ELSE 0.13 END
               + 0.32 * clamp01((month_index(closed_on) - 31) / 12.0)) AS p_ec,
           ppm(CASE team_id WHEN 'T-NOR' THEN 0.55 WHEN 'T-HAR' THEN 0.03 WHEN 'T-MER' THEN 0.13 ELSE 0.14 END) AS p_br,
           CASE team_id WHEN 'T-NOR' THEN 0.016 WHEN 'T-HAR' THEN 0.004 WHEN 'T-MER' THEN 0.006 ELSE 0.006 END
               + CASE segment WHEN 'SMB' THEN 0.002 ELSE 0.0 END AS hazard
    FROM s_deal
    WHERE status = 'won'
), sums AS (
    -- on narrow projections: the windows sort less
    SELECT c.i, c.c_c12, e.c_ec, e.c_br
    FROM (SELECT i, sum(p_c12) OVER (PARTITION BY k ORDER BY day_key(closed_on, i)
                                     ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS c_c12
          FROM won) c
    JOIN (SELECT i, sum(p_ec) OVER w AS c_ec, sum(p_br) OVER w AS c_br
          FROM won
          WINDOW w AS (PARTITION BY team_id ORDER BY day_key(closed_on, i)
                       ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)) e USING (i)
), drawn AS (
    SELECT w.* EXCLUDE (p_c12, p_ec, p_br),
           hit(s.c_c12, w.p_c12, draw_offset($seed, w.k, 'churn')) AS churn_first_year,
           hit(s.c_ec, w.p_ec, draw_offset($seed, w.team_id, 'complaint')) AS early_complaint,
           hit(s.c_br, w.p_br, draw_offset($seed, w.team_id, 'broken')) AS broken
    FROM won w JOIN sums s USING (i)
), churned AS (
    SELECT *,
        -- months from the close month to the churn month
        CASE WHEN churn_first_year
             THEN 1 + least(11, CAST(floor(pow(rnd($seed, i, 'c_early'), 1.4) * 12) AS BIGINT))
             ELSE 13 + CAST(least(600, floor(ln(1 - rnd($seed, i, 'c_late')) / ln(1 - hazard))) AS BIGINT)
        END AS churn_after
    FROM drawn
), comeback AS (
    SELECT *,
        cm + churn_after AS churn_m,
        cm + churn_after <= 45 AS is_churned,
        cm + greatest(churn_after + 2 + rint($seed, i, 'react_after', 9), 13) AS react_m0,
        rnd($seed, i, 'react') < CASE team_id WHEN 'T-NOR' THEN 0.05 ELSE 0.12 END AS wants_back
    FROM churned
), handoff AS (
    SELECT *,
        CASE WHEN is_churned AND wants_back AND react_m0 <= 45 THEN react_m0 END AS react_m,
        CAST(round(mrr0 * (0.5 + 0.5 * rnd($seed, i, 'react_mrr')) / 10) * 10 AS BIGINT) AS react_mrr,
        CASE WHEN is_churned THEN least(CAST(month_start(cm + churn_after) + 14 AS DATE), DATE '2026-10-31')
             ELSE DATE '2026-10-31' END AS active_until,
        rnd($seed, i, 'ho_sent') < CASE team_id WHEN 'T-NOR' THEN 0.96 ELSE 0.995 END AS handed_over,
        CAST(closed_on AS TIMESTAMP) + to_hours(9 + rint($seed, i, 'ho_hour', 9)) + to_minutes(rint($seed, i, 'ho_min', 60)) AS sent_at,
        rnd($seed, i, 'ho_never') < CASE team_id WHEN 'T-NOR' THEN 0.12 ELSE 0.02 END AS never_accepted,
        CASE team_id WHEN 'T-NOR' THEN 4 + rint($seed, i, 'ho_lat', 22)
                     WHEN 'T-HAR' THEN 1 + rint($seed, i, 'ho_lat', 5)
                     ELSE 2 + rint($seed, i, 'ho_lat', 9) END AS latency_days,
        rnd($seed, i, 'ho_obj') < CASE team_id WHEN 'T-NOR' THEN 0.85 ELSE 0.98 END AS has_objectives,
        rnd($seed, i, 'ho_stk') < CASE team_id WHEN 'T-NOR' THEN 0.80 ELSE 0.97 END AS has_stakeholders,
        rnd($seed, i, 'ho_com') < CASE team_id WHEN 'T-NOR' THEN 0.55 ELSE 0.95 END AS has_commitments,
        rnd($seed, i, 'ho_rsk') < CASE team_id WHEN 'T-NOR' THEN 0.45 ELSE 0.93 END AS has_risks
    FROM comeback
)
SELECT * EXCLUDE (react_m0, wants_back),
    CASE WHEN handed_over AND NOT never_accepted
              AND sent_at + to_days(latency_days) + to_hours(rint($seed, i, 'ho_acc_h', 8)) < TIMESTAMP '2026-11-01'
         THEN sent_at + to_days(latency_days) + to_hours(rint($seed, i, 'ho_acc_h', 8)) END AS accepted_at
FROM handoff;
