-- NPS of invitations sent in the window ending with each month, with its standard error,
-- 95% interval (clipped to -100..100) and response rate. Below `min_responses` answers
-- the point value is withheld and only the interval is given.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: months INTEGER = 1
-- param: min_responses INTEGER = 30
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, invitations, responses, response_rate, promoters, passives, detractors, nps, nps_se, nps_ci_low, nps_ci_high, note
-- tables: accounts, reps, nps_responses
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
months AS (
    SELECT unnest(generate_series(month - to_months($months - 1), month, INTERVAL 1 MONTH))::DATE AS month
    FROM last_month
),
windows AS (
    SELECT month, (month - to_months($window - 1))::DATE AS window_start,
           (month + INTERVAL 1 MONTH)::DATE AS period_end
    FROM months
),
-- rollup_nps: invitations and answers per month sent and account cell
answers AS (
    SELECT survey_month,
           sum(invitations) AS invitations,
           sum(responses) AS responses,
           sum(promoters) AS promoters,
           sum(passives) AS passives,
           sum(detractors) AS detractors
    FROM rollup_nps
    WHERE survey_month >= (SELECT min(window_start) FROM windows)
      AND survey_month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY survey_month
),
per_month AS (
    SELECT w.month,
           sum(s.invitations) AS invitations,
           sum(s.responses) AS responses,
           sum(s.promoters) AS promoters,
           sum(s.passives) AS passives,
           sum(s.detractors) AS detractors
    FROM windows w
    JOIN answers s ON s.survey_month >= w.window_start AND s.survey_month <= w.month
    GROUP BY w.month
),
shares AS (
    SELECT months.month,
           coalesce(invitations, 0) AS invitations,
           coalesce(responses, 0) AS responses,
           coalesce(promoters, 0) AS promoters,
           coalesce(passives, 0) AS passives,
           coalesce(detractors, 0) AS detractors,
           promoters / nullif(responses, 0) AS p_plus,
           detractors / nullif(responses, 0) AS p_minus
    FROM months LEFT JOIN per_month USING (month)
),
scored AS (
    SELECT *,
           100 * (p_plus - p_minus) AS raw_nps,
           100 * sqrt(greatest(p_plus + p_minus - (p_plus - p_minus) ^ 2, 0) / nullif(responses, 0)) AS se
    FROM shares
)
SELECT month,
       invitations::BIGINT AS invitations,
       responses::BIGINT AS responses,
       (responses / nullif(invitations, 0))::DOUBLE AS response_rate,
       promoters::BIGINT AS promoters,
       passives::BIGINT AS passives,
       detractors::BIGINT AS detractors,
       CASE WHEN responses >= $min_responses THEN raw_nps END::DOUBLE AS nps,
       se::DOUBLE AS nps_se,
       -- greatest/least skip nulls, so guard the empty case explicitly
       CASE WHEN responses > 0 THEN greatest(raw_nps - 1.96 * se, -100) END::DOUBLE AS nps_ci_low,
       CASE WHEN responses > 0 THEN least(raw_nps + 1.96 * se, 100) END::DOUBLE AS nps_ci_high,
       CASE
           WHEN responses = 0 THEN 'no responses'
           WHEN responses < $min_responses
               THEN 'too few responses (' || responses || ' < ' || $min_responses || '): interval only'
       END AS note
FROM scored
ORDER BY month
