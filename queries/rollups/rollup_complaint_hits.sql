-- Complaints within 90 days of the close of a new-business deal won (day 90 included), per close
-- month, deal cell (the account's market, segment and region, the deal's rep and that rep's team)
-- and severity: how many (deal, complaint) pairs. For the most common severity per team and rep.
CREATE TABLE rollup_complaint_hits AS
SELECT w.close_month, w.market_id, w.segment, w.region, w.team_id, w.rep_id, e.severity,
       count(*) AS events
FROM rollup_won_deals w
JOIN service_events e
  ON e.account_id = w.account_id AND e.kind = 'complaint'
 AND e.occurred_on >= w.closed_on AND e.occurred_on <= w.closed_on + INTERVAL 90 DAY
GROUP BY ALL
ORDER BY w.close_month, w.market_id, w.segment, w.region, w.team_id, w.rep_id, e.severity
