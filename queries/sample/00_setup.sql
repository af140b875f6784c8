-- Step 0: helpers for the sample generator (temporary macros, gone when the connection closes).
-- Every pseudo-random number comes from DuckDB's hash of (seed, entity key, salt), so a run
-- gives the same data whatever the thread scheduling; random() and setseed() are never used.

-- The hash of several values combines their hashes in a way that keeps the high bits of
-- hash(s, k, 'a') and hash(s, k, 'b') almost equal (correlation ~0.99), so the combined hash
-- is hashed once more: the integer hash mixes every bit, and draws with different salts are
-- independent.

-- A uniform number in [0, 1).
CREATE OR REPLACE TEMP MACRO rnd(s, k, salt) AS hash(hash(s, k, salt)) / 18446744073709551616.0;
CREATE OR REPLACE TEMP MACRO rnd2(s, k1, k2, salt) AS hash(hash(s, k1, k2, salt)) / 18446744073709551616.0;

-- An integer in [0, n).
CREATE OR REPLACE TEMP MACRO rint(s, k, salt, n) AS CAST(hash(hash(s, k, salt)) % CAST(n AS UBIGINT) AS INTEGER);
CREATE OR REPLACE TEMP MACRO rint2(s, k1, k2, salt, n) AS CAST(hash(hash(s, k1, k2, salt)) % CAST(n AS UBIGINT) AS INTEGER);

-- Months as integers: 0 = 2023-01, 45 = 2026-10 (the as-of month).
CREATE OR REPLACE TEMP MACRO month_start(m) AS CAST(DATE '2023-01-01' + to_months(CAST(m AS INTEGER)) AS DATE);
CREATE OR REPLACE TEMP MACRO month_index(d) AS date_diff('month', DATE '2023-01-01', d);

CREATE OR REPLACE TEMP MACRO clamp01(x) AS greatest(0.0, least(1.0, x));

-- One element of a list, chosen by a uniform number u in [0, 1).
CREATE OR REPLACE TEMP MACRO pick(options, u) AS options[1 + CAST(floor(u * len(options)) AS INTEGER)];

-- Balanced draws. Plain hash draws are independent coin flips: in a small group (a team's
-- deals closed in one quarter at demo size) the share of an outcome wanders by several
-- points, enough to break a story that must hold for every seed. Two tools keep it steady:
--
-- 1. Weyl sequences for account intake (market, segment, "referred"): frac(i * alpha + offset)
--    with one irrational alpha per attribute (square roots of distinct primes, independent over
--    the rationals; the offset comes from the seed). Over any run of consecutive accounts each
--    mix matches its weights within a few accounts, at every scale.
CREATE OR REPLACE TEMP MACRO weyl(i, alpha, s, name) AS (CAST(i AS DOUBLE) * alpha + rnd(s, 'weyl', name)) % 1;

-- 2. Systematic sampling for the outcomes the story reads in a single quarter or cohort (win,
--    first-year churn, early complaint, discount-led close): in a group ordered by time, with c
--    the running sum of the rows' probabilities in parts per million (whole numbers in a
--    DOUBLE: exact, whatever the order of summation) and off a per-group offset in [0, 1e6),
--    a row is a hit when floor((c + off) / 1e6) > floor((c - p + off) / 1e6); any run of
--    consecutive rows of a group then gets within one hit of its expected count. The labels
--    read against these outcomes (team, rep, questions answered) are hash draws: quasi-periodic
--    Weyl labels would alias with the periodic picks of systematic sampling.
CREATE OR REPLACE TEMP MACRO ppm(p) AS round(clamp01(p) * 1000000);
CREATE OR REPLACE TEMP MACRO hit(c, p, off) AS floor((c + off) / 1000000) > floor((c - p + off) / 1000000);
CREATE OR REPLACE TEMP MACRO draw_offset(s, g, salt) AS CAST(hash(hash(s, g, salt)) % 1000000 AS DOUBLE);
-- a sortable whole number: the day of d, then the account index i (ties broken, order total)
CREATE OR REPLACE TEMP MACRO day_key(d, i) AS date_diff('day', DATE '2023-01-01', d) * CAST(100000000 AS BIGINT) + i;
