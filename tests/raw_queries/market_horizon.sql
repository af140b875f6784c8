-- Market horizon, one row per market: size now (latest actual quarter on or before the as-of
-- month) and tomorrow (the last forecast quarter), our share of SAM (ARR = 12 x MRR at the end of
-- the as-of month), penetration (active customers / accounts known by then), MRR growth over 12
-- months, new-business win rate in the window, and steps from the core (false shares_* flags).
-- Market sizes are whole-market figures: segment, region and team filters narrow our side only.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: horizon, market_id, market, steps, shares_customers, shares_channels, shares_capabilities, size_period, tam_now, sam_now, forecast_period, tam_forecast, sam_forecast, sam_multiple, mrr, arr, sam_share, customers, accounts, penetration, mrr_year_ago, growth, won, lost, win_rate
-- tables: markets, market_sizes, accounts, reps, revenue_movements, opportunities
WITH
last_month AS (SELECT date_trunc('month', $as_of::DATE)::DATE AS month),
bounds AS (
    SELECT month,
           (month + INTERVAL 1 MONTH)::DATE AS period_end,
           (month - to_months($window - 1))::DATE AS window_start,
           (month - to_months(12))::DATE AS year_ago
    FROM last_month
),
mkts AS (
    SELECT * FROM markets WHERE ($market_id IS NULL OR market_id = $market_id)
),
-- accounts of those markets under the segment and region filters
accts AS (
    SELECT a.account_id, a.market_id, a.created_on, r.team_id AS owner_team_id
    FROM accounts a
    JOIN mkts USING (market_id)
    LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
),
-- account metrics follow the owner's team
owned AS (
    SELECT * FROM accts WHERE ($team_id IS NULL OR owner_team_id = $team_id)
),
balances AS (
    SELECT m.account_id,
           sum(m.mrr_change) FILTER (m.month <= b.month) AS mrr_now,
           sum(m.mrr_change) FILTER (m.month <= b.year_ago) AS mrr_year_ago
    FROM revenue_movements m SEMI JOIN owned USING (account_id)
    CROSS JOIN bounds b
    WHERE m.month <= b.month
    GROUP BY m.account_id
),
revenue AS (
    SELECT o.market_id,
           sum(b.mrr_now) FILTER (round(b.mrr_now, 2) > 0) AS mrr,
           count(*) FILTER (round(b.mrr_now, 2) > 0) AS customers,
           sum(b.mrr_year_ago) FILTER (round(b.mrr_year_ago, 2) > 0) AS mrr_year_ago
    FROM owned o JOIN balances b USING (account_id)
    GROUP BY o.market_id
),
known AS (
    SELECT o.market_id, count(*) AS accounts
    FROM owned o CROSS JOIN bounds b
    WHERE o.created_on < b.period_end
    GROUP BY o.market_id
),
-- deal metrics follow the deal rep's team
deals AS (
    SELECT a.market_id,
           count(*) FILTER (o.status = 'won') AS won,
           count(*) FILTER (o.status = 'lost') AS lost
    FROM opportunities o
    JOIN accts a USING (account_id)
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    CROSS JOIN bounds b
    WHERE o.kind = 'new' AND o.status IN ('won', 'lost')
      AND o.closed_on >= b.window_start AND o.closed_on < b.period_end
      AND ($team_id IS NULL OR r.team_id = $team_id)
    GROUP BY a.market_id
),
size_now AS (
    SELECT s.market_id, s.period, s.tam, s.sam
    FROM market_sizes s CROSS JOIN last_month l
    WHERE NOT s.is_forecast AND s.period <= l.month
    QUALIFY row_number() OVER (PARTITION BY s.market_id ORDER BY s.period DESC) = 1
),
size_forecast AS (
    SELECT s.market_id, s.period, s.tam, s.sam
    FROM market_sizes s
    WHERE s.is_forecast
    QUALIFY row_number() OVER (PARTITION BY s.market_id ORDER BY s.period DESC) = 1
),
joined AS (
    SELECT k.horizon, k.market_id, k.name AS market,
           ((NOT k.shares_customers)::INTEGER + (NOT k.shares_channels)::INTEGER
               + (NOT k.shares_capabilities)::INTEGER) AS steps,
           k.shares_customers, k.shares_channels, k.shares_capabilities,
           n.period AS size_period, n.tam AS tam_now, n.sam AS sam_now,
           f.period AS forecast_period, f.tam AS tam_forecast, f.sam AS sam_forecast,
           coalesce(r.mrr, 0) AS mrr,
           coalesce(r.customers, 0) AS customers,
           coalesce(a.accounts, 0) AS accounts,
           coalesce(r.mrr_year_ago, 0) AS mrr_year_ago,
           coalesce(d.won, 0) AS won,
           coalesce(d.lost, 0) AS lost
    FROM mkts k
    LEFT JOIN size_now n USING (market_id)
    LEFT JOIN size_forecast f USING (market_id)
    LEFT JOIN revenue r USING (market_id)
    LEFT JOIN known a USING (market_id)
    LEFT JOIN deals d USING (market_id)
)
SELECT horizon, market_id, market,
       steps::INTEGER AS steps,
       shares_customers, shares_channels, shares_capabilities,
       size_period,
       tam_now::DOUBLE AS tam_now,
       sam_now::DOUBLE AS sam_now,
       forecast_period,
       tam_forecast::DOUBLE AS tam_forecast,
       sam_forecast::DOUBLE AS sam_forecast,
       (sam_forecast / nullif(sam_now, 0))::DOUBLE AS sam_multiple,
       mrr::DOUBLE AS mrr,
       (12 * mrr)::DOUBLE AS arr,
       (12 * mrr / nullif(sam_now, 0))::DOUBLE AS sam_share,
       customers::BIGINT AS customers,
       accounts::BIGINT AS accounts,
       (customers / nullif(accounts, 0))::DOUBLE AS penetration,
       mrr_year_ago::DOUBLE AS mrr_year_ago,
       (mrr / nullif(mrr_year_ago, 0) - 1)::DOUBLE AS growth,
       won::BIGINT AS won,
       lost::BIGINT AS lost,
       (won / nullif(won + lost, 0))::DOUBLE AS win_rate
FROM joined
ORDER BY horizon, sam_now DESC NULLS LAST, market_id
