-- Step 12: NPS surveys: every customer about once a quarter from two months after close while
-- active; 40-55 % answer within two weeks. Northstar's customers and those about to churn score
-- lower; Harbor's higher.
CREATE TABLE s_survey AS
SELECT i, account_id, team_id, is_churned, churn_m, first_on,
       CASE WHEN first_on <= active_until
            THEN CAST(least(16, date_diff('day', first_on, active_until) // 91 + 1) AS BIGINT) ELSE 0 END AS n_surveys
FROM (SELECT *, CAST(closed_on + 60 + rint($seed, i, 'nps_first', 30) AS DATE) AS first_on FROM s_cust);

-- one row per survey, materialised narrow so that the insert runs on all threads
CREATE TABLE s_survey_sent AS
SELECT i, account_id, team_id, is_churned, churn_m, first_on, unnest(range(n_surveys)) AS j
FROM s_survey
WHERE n_surveys > 0;

INSERT INTO nps_responses
WITH sent AS (
    SELECT i, account_id, team_id, is_churned, churn_m, j,
           CAST(first_on + 91 * CAST(j AS INTEGER) + rint2($seed, i, j, 'nps_jitter', 7) AS DATE) AS surveyed_on
    FROM s_survey_sent
), answered AS (
    SELECT *,
        rnd2($seed, i, j, 'nps_answers') < CASE team_id WHEN 'T-NOR' THEN 0.42 WHEN 'T-HAR' THEN 0.56 ELSE 0.48 END AS answers,
        CAST(surveyed_on + rint2($seed, i, j, 'nps_delay', 14) AS DATE) AS responded_on0,
        -- promoter / detractor chances
        CASE WHEN is_churned AND surveyed_on >= month_start(churn_m) - 150 THEN [0.10, 0.60]
             WHEN team_id = 'T-NOR' THEN [0.28, 0.38]
             WHEN team_id = 'T-HAR' THEN [0.62, 0.08]
             ELSE [0.50, 0.16] END AS pd,
        rnd2($seed, i, j, 'nps_cat') AS u_cat,
        rnd2($seed, i, j, 'nps_score') AS u_score
    FROM sent
    WHERE surveyed_on <= DATE '2026-10-31'
), scored AS (
    SELECT *,
        answers AND responded_on0 <= DATE '2026-10-31' AS responded,
        CASE WHEN u_cat < pd[1] THEN 9 + CAST(u_score < 0.45 AS INTEGER)
             WHEN u_cat < 1 - pd[2] THEN 7 + CAST(u_score < 0.55 AS INTEGER)
             ELSE 6 - CAST(floor(u_score * u_score * 7) AS INTEGER) END AS score0
    FROM answered
)
-- ids: a block of 16 numbers per customer (at most 16 quarterly surveys fit in the history)
SELECT printf('N%09d', 16 * i + j + 1), account_id, surveyed_on,
       CASE WHEN responded THEN responded_on0 END,
       CASE WHEN responded THEN score0 END
FROM scored;
