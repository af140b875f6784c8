-- One row per hand-off, sorted by when it was sent, with what its filters read (the account's
-- market, or the hand-off's own; the account's segment and region; the sending and receiving
-- teams), the months it was sent and accepted, its latency in days, its four fields, whether it
-- was complete, late (not accepted within 30 days) and already 30 days old at the end of the
-- month it was sent (`old_same`) or of the next one (`old_next`); two months later it always is.
CREATE TABLE rollup_handoffs AS
SELECT h.kind,
       coalesce(a.market_id, h.market_id) AS market_id,
       a.segment, a.region,
       h.from_team_id, h.to_team_id,
       h.sent_at,
       date_trunc('month', h.sent_at)::DATE AS sent_month,
       date_trunc('month', h.accepted_at)::DATE AS accepted_month,
       epoch(h.accepted_at - h.sent_at) / 86400.0 AS latency_days,
       h.has_objectives, h.has_stakeholders, h.has_commitments, h.has_risks,
       h.has_objectives AND h.has_stakeholders AND h.has_commitments AND h.has_risks AS is_complete,
       h.accepted_at IS NULL OR h.accepted_at > h.sent_at + INTERVAL 30 DAY AS late,
       h.sent_at + INTERVAL 30 DAY <= date_trunc('month', h.sent_at) + INTERVAL 1 MONTH AS old_same,
       h.sent_at + INTERVAL 30 DAY <= date_trunc('month', h.sent_at) + INTERVAL 2 MONTH AS old_next
FROM handoffs h
LEFT JOIN accounts a ON a.account_id = h.account_id
ORDER BY h.sent_at, h.handoff_id
