-- One row per new-business deal won (on an account in `accounts`), sorted by close date, with its
-- deal cell (the account's market, segment and region, the deal's rep and that rep's team), its
-- amount, questions answered and sales cycle, and what its first year brought, which no later
-- data changes once the year is over: the account active at the end of the twelfth month after
-- the close month, with more MRR then than its first year started with (expanded), an account it
-- referred created within 365 days, a complaint within 90 days of close (and how many), the first
-- value milestone on or after the close, and the earliest resolution of a commitment of the deal that was broken (the
-- metrics count it as broken only when that date is before the end of their month).
CREATE TABLE rollup_won_deals AS
WITH
won AS (
    SELECT o.opportunity_id, o.account_id, o.rep_id, r.team_id, a.market_id, a.segment, a.region,
           o.amount, o.discount_pct, o.created_on, o.closed_on,
           date_trunc('month', o.closed_on)::DATE AS close_month,
           o.answers_value::INTEGER + o.answers_why_me::INTEGER
             + o.answers_why_now::INTEGER + o.answers_alternative::INTEGER AS answered,
           date_diff('day', o.created_on, o.closed_on) AS cycle_days
    FROM opportunities o
    JOIN accounts a USING (account_id)
    LEFT JOIN reps r ON r.rep_id = o.rep_id
    WHERE o.kind = 'new' AND o.status = 'won'
),
checked AS (
    SELECT w.opportunity_id, coalesce(b.balance, 0) AS mrr_12m
    FROM won w
    ASOF LEFT JOIN rollup_account_months b
      ON b.account_id = w.account_id AND b.month <= (w.close_month + INTERVAL 12 MONTH)::DATE
),
-- the MRR the first year started from: at the end of the close month if the account was active
-- then, else at the end of the first month of the year it was (the first balance row of the
-- account holding at or after the close month and by the twelfth month after it, that is active)
started AS (
    SELECT w.opportunity_id, arg_min(m.balance, m.month) AS start_mrr
    FROM won w
    JOIN rollup_account_months m
      ON m.account_id = w.account_id AND m.active
     AND (m.valid_until IS NULL OR m.valid_until > w.close_month)
     AND m.month <= w.close_month + INTERVAL 12 MONTH
    GROUP BY w.opportunity_id
),
referred AS (
    SELECT DISTINCT w.opportunity_id
    FROM won w
    JOIN accounts x
      ON x.referred_by = w.account_id
     AND x.created_on > w.closed_on AND x.created_on <= w.closed_on + INTERVAL 365 DAY
),
complaints AS (
    SELECT w.opportunity_id, count(*) AS complaints
    FROM won w
    JOIN service_events e
      ON e.account_id = w.account_id AND e.kind = 'complaint'
     AND e.occurred_on >= w.closed_on AND e.occurred_on <= w.closed_on + INTERVAL 90 DAY
    GROUP BY w.opportunity_id
),
first_value AS (
    SELECT w.opportunity_id, min(e.occurred_on) AS first_value_on
    FROM won w
    JOIN service_events e
      ON e.account_id = w.account_id AND e.kind = 'value_milestone' AND e.occurred_on >= w.closed_on
    GROUP BY w.opportunity_id
),
broken AS (
    SELECT k.opportunity_id, min(k.resolved_on) AS broken_on
    FROM commitments k
    WHERE k.status = 'broken' AND k.resolved_on IS NOT NULL
    GROUP BY k.opportunity_id
)
SELECT w.opportunity_id, w.account_id, w.rep_id, w.team_id, w.market_id, w.segment, w.region,
       w.amount, w.discount_pct, w.created_on, w.closed_on, w.close_month, w.answered, w.cycle_days,
       round(c.mrr_12m, 2) > 0 AS retained_12m,
       -- expanded: active at the end of the twelfth month with more MRR than the year started with
       coalesce(round(c.mrr_12m, 2) > 0 AND round(c.mrr_12m - x.start_mrr, 2) > 0, false) AS expanded_12m,
       f.opportunity_id IS NOT NULL AS referred_12m,
       coalesce(p.complaints, 0) AS complaints_90d,
       p.opportunity_id IS NOT NULL AS complained_90d,
       v.first_value_on,
       date_trunc('month', v.first_value_on)::DATE AS value_month,
       date_diff('day', w.closed_on, v.first_value_on) AS ttv_days,
       b.broken_on,
       date_trunc('month', b.broken_on)::DATE AS broken_month
FROM won w
JOIN checked c USING (opportunity_id)
LEFT JOIN started x USING (opportunity_id)
LEFT JOIN referred f USING (opportunity_id)
LEFT JOIN complaints p USING (opportunity_id)
LEFT JOIN first_value v USING (opportunity_id)
LEFT JOIN broken b USING (opportunity_id)
ORDER BY w.closed_on, w.opportunity_id
