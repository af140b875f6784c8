-- Leading signals that the ship drifts, per month: the share of new deals won in the window
-- with a discount of 20% or more (discount-led closes), and the open pipeline in emerging
-- (H2) and adjacent (H3) markets at the end of the month.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: months INTEGER = 1
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: month, won_new, discount_led, discount_led_share, pipeline_h2_h3
-- tables: opportunities, accounts, reps, markets
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
deals AS (
    SELECT o.kind, o.status, o.created_on, o.closed_on, o.amount, o.discount_pct, k.horizon
    FROM opportunities o
    JOIN accounts a USING (account_id)
    LEFT JOIN markets k ON k.market_id = a.market_id
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
closes AS (
    SELECT w.month,
           count(*) AS won_new,
           count(*) FILTER (d.discount_pct >= 0.2) AS discount_led
    FROM windows w
    JOIN deals d
      ON d.kind = 'new' AND d.status = 'won'
     AND d.closed_on >= w.window_start AND d.closed_on < w.period_end
    GROUP BY w.month
),
pipeline AS (
    SELECT w.month, sum(d.amount) AS pipeline_h2_h3
    FROM windows w
    JOIN deals d
      ON d.horizon IN ('H2', 'H3')
     AND d.created_on < w.period_end
     AND (d.closed_on IS NULL OR d.closed_on >= w.period_end)
    GROUP BY w.month
)
SELECT months.month,
       coalesce(won_new, 0)::BIGINT AS won_new,
       coalesce(discount_led, 0)::BIGINT AS discount_led,
       (discount_led / nullif(won_new, 0))::DOUBLE AS discount_led_share,
       coalesce(pipeline_h2_h3, 0)::DOUBLE AS pipeline_h2_h3
FROM months
LEFT JOIN closes USING (month)
LEFT JOIN pipeline USING (month)
ORDER BY months.month
