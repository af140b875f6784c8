-- The months the revenue history spans: one row. After `last_month` no balance changes, so the
-- monthly summary tables stop there (or 13 months later, for the trailing-twelve-month figures)
-- and the queries read the last row for any later month.
CREATE TABLE rollup_bounds AS
SELECT min(month) AS first_month, max(month) AS last_month
FROM revenue_movements
