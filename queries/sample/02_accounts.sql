-- Step 2: accounts (staging). One row per company we ever tried to sell to.
-- created_on follows a growing company: the monthly intake grows 2.5x from 2023-01 to 2026-10;
-- account i gets the i-th stratified quantile, so every month gets its expected share exactly.
-- Market, segment and "referred" come from Weyl sequences (i * irrational, mod 1, with
-- irrationals independent over the rationals): over any run of consecutive accounts their mix
-- matches the weights, for every seed and at every scale. The owner team and rep are plain
-- hash draws: quasi-periodic team labels would alias with the systematic win draws of step 3.
-- (The index is materialised first: range() is a single-threaded source, a table scan is not.)
CREATE TABLE s_index AS SELECT range AS i FROM range($n_accounts);

CREATE TABLE s_acc AS
WITH base AS (
    SELECT i, ln(1 + 1.5 * ((i + rnd($seed, i, 'acc_t')) / $n_accounts)) / ln(2.5) AS f
    FROM s_index
), drawn AS (
    SELECT i, f,
        CAST(DATE '2023-01-01' + CAST(least(1399, floor(f * 1400)) AS INTEGER) AS DATE) AS created_on,
        weyl(i, 0.6180339887498949, $seed, 'market') AS u_market,       -- (sqrt 5 - 1) / 2
        weyl(i, 0.4142135623730951, $seed, 'segment') AS u_segment,     -- sqrt 2
        rnd($seed, i, 'team') AS u_team,
        weyl(i, 0.6457513110645906, $seed, 'referred') AS u_referred,   -- sqrt 7
        -- market weights drift: the core shrinks in share, HCN grows, PUB takes off
        0.30 - 0.12 * f AS w_ret, 0.25 - 0.09 * f AS w_log, 0.11 + 0.09 * f AS w_hcn,
        0.10 + 0.03 * f AS w_utl, 0.005 + 0.15 * f * f * f AS w_pub, 0.08 AS w_edu, 0.06 AS w_agr
    FROM base
), placed AS (
    SELECT i, f, created_on, u_referred,
        CASE
            WHEN u_market * t < w_ret THEN 'RET'
            WHEN u_market * t < w_ret + w_log THEN 'LOG'
            WHEN u_market * t < w_ret + w_log + w_hcn THEN 'HCN'
            WHEN u_market * t < w_ret + w_log + w_hcn + w_utl THEN 'UTL'
            WHEN u_market * t < w_ret + w_log + w_hcn + w_utl + w_pub THEN 'PUB'
            WHEN u_market * t < w_ret + w_log + w_hcn + w_utl + w_pub + w_edu THEN 'EDU'
            ELSE 'AGR'
        END AS market_id,
        -- Enterprise intake falls from 20 % to 1 % by late 2025: the segment lives on its installed base
        CASE
            WHEN u_segment < greatest(0.01, 0.20 - 0.22 * f) THEN 'Enterprise'
            WHEN u_segment < 0.52 - 0.13 * f THEN 'Mid-market'
            ELSE 'SMB'
        END AS segment,
        CASE
            WHEN u_team < 0.42 THEN 'T-NOR'
            WHEN u_team < 0.61 THEN 'T-HAR'
            WHEN u_team < 0.80 THEN 'T-MER'
            ELSE 'T-COM'
        END AS team_id
    FROM (SELECT *, w_ret + w_log + w_hcn + w_utl + w_pub + w_edu + w_agr AS t FROM drawn)
), flagged AS (
    -- referred accounts: most of Public sector, few elsewhere
    SELECT * EXCLUDE (u_referred),
        u_referred < CASE WHEN created_on < DATE '2023-06-01' THEN 0.0
                          WHEN market_id = 'PUB' THEN 0.85
                          ELSE 0.02 + 0.03 * f END AS is_referred
    FROM placed
), team_sizes AS (
    SELECT DISTINCT team_id, team_size FROM s_rep
), sized AS (
    SELECT a.*,
           rint($seed, a.i, 'rep', ts.team_size) AS rep_idx
    FROM flagged a JOIN team_sizes ts ON ts.team_id = a.team_id
), owned AS (
    SELECT a.* EXCLUDE (rep_idx), r.rep_id
    FROM sized a JOIN s_rep r ON r.team_id = a.team_id AND r.idx = a.rep_idx
)
SELECT i,
    printf('A%06d', i + 1) AS account_id,
    market_id,
    CASE market_id WHEN 'RET' THEN 'H1' WHEN 'LOG' THEN 'H1' WHEN 'HCN' THEN 'H2' WHEN 'UTL' THEN 'H2' ELSE 'H3' END AS horizon,
    segment,
    CASE
        WHEN rnd($seed, i, 'region') < 0.40 THEN 'EMEA'
        WHEN rnd($seed, i, 'region') < 0.70 THEN 'North America'
        WHEN rnd($seed, i, 'region') < 0.90 THEN 'APAC'
        ELSE 'LATAM'
    END AS region,
    CASE
        WHEN rnd($seed, i, 'source') < 0.45 THEN 'outbound'
        WHEN rnd($seed, i, 'source') < 0.75 THEN 'inbound'
        WHEN rnd($seed, i, 'source') < 0.90 THEN 'partner'
        ELSE 'event'
    END AS organic_source,
    is_referred, team_id, rep_id, created_on, f
FROM owned;
