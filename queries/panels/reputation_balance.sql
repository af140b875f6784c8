-- The balance sheet of reputation assets, one row per kind (reference, case_study,
-- testimonial, review, award, and referrals from accounts.referred_by): accrued (created in
-- the window), depreciated (depreciated_on in the window), balance (created and not
-- depreciated by the end of the as-of month) and realized: for references the new deals won in
-- the window that a reference (made on or before the close) supported, their won amount, the
-- open pipeline references support and the lag reference -> close; for referrals the referred
-- accounts whose first revenue is in the window, their new MRR, the open pipeline of referred
-- accounts and the lag referral (account created) -> first won deal. Filters apply to the
-- account that carries the asset: the asset's creator, or the referred account.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: kind, accrued, depreciated, balance, realized_count, realized_won, realized_mrr, realized_pipeline, lag_median_days, lag_mean_days
-- tables: reputation_events, accounts, reps, opportunities, revenue_movements
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1))::DATE AS window_start,
           date_trunc('month', $as_of::DATE)::DATE AS last_month,
           (date_trunc('month', $as_of::DATE) + INTERVAL 1 MONTH)::DATE AS period_end
),
-- accrued, depreciated and balance of the five event kinds: rollup_reputation, per month, kind and
-- cell of the account that carries the asset
event_sheet AS (
    SELECT e.kind,
           sum(e.accrued) FILTER (e.month >= b.window_start) AS accrued,
           sum(e.depreciated) FILTER (e.month >= b.window_start) AS depreciated,
           sum(e.accrued) - sum(e.depreciated) AS balance
    FROM rollup_reputation e CROSS JOIN bounds b
    WHERE e.kind <> 'referral' AND e.month <= b.last_month
      AND ($market_id IS NULL OR e.market_id = $market_id)
      AND ($segment IS NULL OR e.segment = $segment)
      AND ($region IS NULL OR e.region = $region)
      AND ($team_id IS NULL OR e.team_id = $team_id)
    GROUP BY e.kind
),
-- references: deals they point at (rollup_references), with the earliest reference made on or
-- before the close (or, for a deal still open, before the end of the as-of month)
referenced AS (
    SELECT e.opportunity_id, e.amount, e.status, e.closed_on, e.created_on, min(e.occurred_on) AS first_reference
    FROM rollup_references e
    CROSS JOIN bounds b
    WHERE e.occurred_on < b.period_end
      AND (e.closed_on IS NULL OR e.closed_on >= b.period_end OR e.occurred_on <= e.closed_on)
      AND ($market_id IS NULL OR e.market_id = $market_id)
      AND ($segment IS NULL OR e.segment = $segment)
      AND ($region IS NULL OR e.region = $region)
      AND ($team_id IS NULL OR e.team_id = $team_id)
    GROUP BY e.opportunity_id, e.amount, e.status, e.closed_on, e.created_on
),
reference_realized AS (
    SELECT 'reference' AS kind,
           count(*) FILTER (r.status = 'won' AND r.closed_on >= b.window_start AND r.closed_on < b.period_end)
               AS realized_count,
           coalesce(sum(r.amount) FILTER (r.status = 'won' AND r.closed_on >= b.window_start
                                          AND r.closed_on < b.period_end), 0) AS realized_won,
           NULL::DOUBLE AS realized_mrr,
           coalesce(sum(r.amount) FILTER (r.created_on < b.period_end
                                          AND (r.closed_on IS NULL OR r.closed_on >= b.period_end)), 0)
               AS realized_pipeline,
           median(date_diff('day', r.first_reference, r.closed_on))
               FILTER (r.status = 'won' AND r.closed_on >= b.window_start AND r.closed_on < b.period_end)
               AS lag_median_days,
           avg(date_diff('day', r.first_reference, r.closed_on))
               FILTER (r.status = 'won' AND r.closed_on >= b.window_start AND r.closed_on < b.period_end)
               AS lag_mean_days
    FROM referenced r CROSS JOIN bounds b
),
-- referrals: the referred accounts known at the end of the as-of month (rollup_referrals: each
-- with its first revenue month, that month's new MRR and its first new deal won)
referred AS (
    SELECT r.account_id, r.created_on, r.first_month, r.new_mrr,
           CASE WHEN r.first_won_on < b.period_end THEN r.first_won_on END AS first_won_on
    FROM rollup_referrals r CROSS JOIN bounds b
    WHERE r.created_on < b.period_end
      AND ($market_id IS NULL OR r.market_id = $market_id)
      AND ($segment IS NULL OR r.segment = $segment)
      AND ($region IS NULL OR r.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
realized_referrals AS (
    SELECT r.account_id, r.created_on, r.first_won_on, r.new_mrr
    FROM referred r CROSS JOIN bounds b
    WHERE r.first_month >= b.window_start AND r.first_month <= b.last_month
),
-- rollup_referral_pipeline: the deals of referred accounts per month the account was created and
-- the deal created and closed
referral_pipeline AS (
    SELECT coalesce(sum(p.amount), 0) AS pipeline
    FROM rollup_referral_pipeline p
    CROSS JOIN bounds b
    WHERE p.referred_month < b.period_end
      AND p.created_month < b.period_end AND (p.closed_month IS NULL OR p.closed_month >= b.period_end)
      AND ($market_id IS NULL OR p.market_id = $market_id)
      AND ($segment IS NULL OR p.segment = $segment)
      AND ($region IS NULL OR p.region = $region)
      AND ($team_id IS NULL OR p.team_id = $team_id)
),
referral_row AS (
    SELECT 'referral' AS kind,
           (SELECT count(*) FROM referred r, bounds b WHERE r.created_on >= b.window_start) AS accrued,
           NULL::BIGINT AS depreciated,
           (SELECT count(*) FROM referred) AS balance,
           (SELECT count(*) FROM realized_referrals) AS realized_count,
           NULL::DOUBLE AS realized_won,
           (SELECT coalesce(sum(new_mrr), 0) FROM realized_referrals) AS realized_mrr,
           (SELECT pipeline FROM referral_pipeline) AS realized_pipeline,
           (SELECT median(date_diff('day', created_on, first_won_on)) FROM realized_referrals) AS lag_median_days,
           (SELECT avg(date_diff('day', created_on, first_won_on)) FROM realized_referrals) AS lag_mean_days
),
kinds AS (
    SELECT * FROM (VALUES
        (1, 'reference'), (2, 'case_study'), (3, 'testimonial'), (4, 'review'), (5, 'award')
    ) k(position, kind)
),
sheet AS (
    SELECT k.position, k.kind,
           coalesce(s.accrued, 0) AS accrued,
           coalesce(s.depreciated, 0) AS depreciated,
           coalesce(s.balance, 0) AS balance,
           x.realized_count, x.realized_won, x.realized_mrr, x.realized_pipeline,
           x.lag_median_days, x.lag_mean_days
    FROM kinds k
    LEFT JOIN event_sheet s USING (kind)
    LEFT JOIN reference_realized x USING (kind)
    UNION ALL
    SELECT 6, kind, accrued, depreciated, balance, realized_count, realized_won, realized_mrr,
           realized_pipeline, lag_median_days, lag_mean_days
    FROM referral_row
)
SELECT kind,
       accrued::BIGINT AS accrued,
       depreciated::BIGINT AS depreciated,
       balance::BIGINT AS balance,
       realized_count::BIGINT AS realized_count,
       realized_won::DOUBLE AS realized_won,
       realized_mrr::DOUBLE AS realized_mrr,
       realized_pipeline::DOUBLE AS realized_pipeline,
       lag_median_days::DOUBLE AS lag_median_days,
       lag_mean_days::DOUBLE AS lag_mean_days
FROM sheet
ORDER BY position
