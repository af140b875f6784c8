-- Deals a reference supported: deals a reference event points at (made on or before the close),
-- won in the window or open at the end of the as-of month, with the earliest reference and the
-- lag in days from it to the close. Filters apply to the account that gave the reference.
-- param: as_of DATE = latest
-- param: window INTEGER = 3
-- param: status VARCHAR = null
-- param: market_id VARCHAR = null
-- param: segment VARCHAR = null
-- param: region VARCHAR = null
-- param: team_id VARCHAR = null
-- returns: opportunity_id, account, kind, rep, status, created_on, closed_on, amount, references, reference_from, first_reference, lag_days
-- tables: reputation_events, opportunities, accounts, reps
WITH
bounds AS (
    SELECT (date_trunc('month', $as_of::DATE) - to_months($window - 1))::DATE AS window_start,
           (date_trunc('month', $as_of::DATE) + INTERVAL 1 MONTH)::DATE AS period_end
),
givers AS (
    SELECT a.account_id, a.name
    FROM accounts a LEFT JOIN reps r ON r.rep_id = a.owner_rep_id
    WHERE ($market_id IS NULL OR a.market_id = $market_id)
      AND ($segment IS NULL OR a.segment = $segment)
      AND ($region IS NULL OR a.region = $region)
      AND ($team_id IS NULL OR r.team_id = $team_id)
),
supported AS (
    SELECT o.opportunity_id, o.account_id, o.kind, o.rep_id, o.created_on, o.closed_on, o.amount,
           CASE WHEN o.closed_on IS NULL OR o.closed_on >= b.period_end THEN 'open' ELSE o.status END AS status,
           count(*) AS references,
           string_agg(DISTINCT g.name, ', ' ORDER BY g.name) AS reference_from,
           min(e.occurred_on) AS first_reference
    FROM reputation_events e
    JOIN givers g ON g.account_id = e.account_id
    JOIN opportunities o ON o.opportunity_id = e.opportunity_id
    CROSS JOIN bounds b
    WHERE e.kind = 'reference'
      AND e.occurred_on < b.period_end
      AND (o.closed_on IS NULL OR o.closed_on >= b.period_end OR e.occurred_on <= o.closed_on)
    GROUP BY ALL
)
SELECT s.opportunity_id, a.name AS account, s.kind, coalesce(r.name, s.rep_id) AS rep, s.status,
       s.created_on, CASE WHEN s.status <> 'open' THEN s.closed_on END AS closed_on,
       s.amount::DOUBLE AS amount, s.references::BIGINT AS references, s.reference_from, s.first_reference,
       CASE WHEN s.status = 'won' THEN date_diff('day', s.first_reference, s.closed_on) END::INTEGER AS lag_days
FROM supported s
CROSS JOIN bounds b
JOIN accounts a ON a.account_id = s.account_id
LEFT JOIN reps r ON r.rep_id = s.rep_id
WHERE ((s.status = 'won' AND s.closed_on >= b.window_start) OR (s.status = 'open' AND s.created_on < b.period_end))
  AND ($status IS NULL OR s.status = $status)
ORDER BY s.status DESC, s.closed_on DESC NULLS LAST, s.amount DESC, s.opportunity_id
