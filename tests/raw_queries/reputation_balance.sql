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
accts AS (
    SELECT a.account_id, a.referred_by, a.created_on
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
events AS (
    SELECT e.* FROM reputation_events e SEMI JOIN accts USING (account_id)
),
-- accrued, depreciated and balance of the five event kinds
event_sheet AS (
    SELECT e.kind,
           count(*) FILTER (e.occurred_on >= b.window_start AND e.occurred_on < b.period_end) AS accrued,
           count(*) FILTER (e.depreciated_on >= b.window_start AND e.depreciated_on < b.period_end)
               AS depreciated,
           count(*) FILTER (e.occurred_on < b.period_end
                            AND (e.depreciated_on IS NULL OR e.depreciated_on >= b.period_end)) AS balance
    FROM events e CROSS JOIN bounds b
    GROUP BY e.kind
),
-- references: deals they point at, with the earliest reference made on or before the close
-- (or, for a deal still open, before the end of the as-of month)
referenced AS (
    SELECT o.opportunity_id, o.amount, o.status, o.closed_on, o.created_on, min(e.occurred_on) AS first_reference
    FROM events e
    JOIN opportunities o ON o.opportunity_id = e.opportunity_id
    CROSS JOIN bounds b
    WHERE e.kind = 'reference'
      AND e.occurred_on < b.period_end
      AND (o.closed_on IS NULL OR o.closed_on >= b.period_end OR e.occurred_on <= o.closed_on)
    GROUP BY ALL
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
-- referrals: the referred accounts known at the end of the as-of month
referred AS (
    SELECT a.account_id, a.created_on
    FROM accts a CROSS JOIN bounds b
    WHERE a.referred_by IS NOT NULL AND a.created_on < b.period_end
),
first_revenue AS (
    SELECT m.account_id, min(m.month) AS first_month
    FROM revenue_movements m SEMI JOIN referred USING (account_id)
    WHERE m.mrr_change > 0
    GROUP BY m.account_id
),
first_won AS (
    SELECT o.account_id, min(o.closed_on) AS first_won_on
    FROM opportunities o SEMI JOIN referred USING (account_id)
    WHERE o.kind = 'new' AND o.status = 'won' AND o.closed_on < (SELECT period_end FROM bounds)
    GROUP BY o.account_id
),
realized_referrals AS (
    SELECT f.account_id, r.created_on, w.first_won_on, sum(m.mrr_change) AS new_mrr
    FROM first_revenue f
    JOIN referred r USING (account_id)
    JOIN revenue_movements m ON m.account_id = f.account_id AND m.month = f.first_month AND m.mrr_change > 0
    LEFT JOIN first_won w ON w.account_id = f.account_id
    CROSS JOIN bounds b
    WHERE f.first_month >= b.window_start AND f.first_month <= b.last_month
    GROUP BY f.account_id, r.created_on, w.first_won_on
),
referral_pipeline AS (
    SELECT coalesce(sum(o.amount), 0) AS pipeline
    FROM opportunities o
    JOIN referred r USING (account_id)
    CROSS JOIN bounds b
    WHERE o.created_on < b.period_end AND (o.closed_on IS NULL OR o.closed_on >= b.period_end)
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
