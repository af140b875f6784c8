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
-- rollup_deals: closed deals per close month and deal cell, with the discount-led ones
won AS (
    SELECT close_month, sum(deals) AS won_new, sum(discount_led) AS discount_led
    FROM rollup_deals
    WHERE kind = 'new' AND status = 'won'
      AND close_month >= (SELECT min(window_start) FROM windows)
      AND close_month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR market_id = $market_id)
      AND ($segment IS NULL OR segment = $segment)
      AND ($region IS NULL OR region = $region)
      AND ($team_id IS NULL OR team_id = $team_id)
    GROUP BY close_month
),
closes AS (
    SELECT w.month, sum(d.won_new) AS won_new, sum(d.discount_led) AS discount_led
    FROM windows w
    JOIN won d ON d.close_month >= w.window_start AND d.close_month < w.period_end
    GROUP BY w.month
),
-- rollup_pipeline: deals per month created and closed, deal cell; H2 and H3 by the account's market
open_deals AS (
    SELECT p.created_month, p.closed_month, sum(p.amount) AS amount
    FROM rollup_pipeline p
    JOIN markets k ON k.market_id = p.market_id
    WHERE k.horizon IN ('H2', 'H3')
      AND p.created_month <= (SELECT month FROM last_month)
      AND ($market_id IS NULL OR p.market_id = $market_id)
      AND ($segment IS NULL OR p.segment = $segment)
      AND ($region IS NULL OR p.region = $region)
      AND ($team_id IS NULL OR p.team_id = $team_id)
    GROUP BY ALL
),
pipeline AS (
    SELECT w.month, sum(d.amount) AS pipeline_h2_h3
    FROM windows w
    JOIN open_deals d
      ON d.created_month < w.period_end
     AND (d.closed_month IS NULL OR d.closed_month >= w.period_end)
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
