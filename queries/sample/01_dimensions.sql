-- Step 1: fixed dimensions: markets, alternatives, teams, reps and quarterly market sizes.

INSERT INTO markets VALUES
    ('RET', 'Retail chains',       'H1', true,  true,  true),
    ('LOG', 'Logistics',           'H1', true,  true,  true),
    ('HCN', 'Healthcare networks', 'H2', true,  false, true),
    ('UTL', 'Energy utilities',    'H2', false, true,  true),
    ('PUB', 'Public sector',       'H3', false, true,  false),
    ('EDU', 'Education',           'H3', false, false, true),
    ('AGR', 'Agritech',            'H3', false, false, false);

INSERT INTO market_alternatives VALUES
    ('RET', 'ShelfWise',             'competitor'),
    ('RET', 'Kassa Cloud',           'competitor'),
    ('RET', 'Vendrix',               'competitor'),
    ('RET', 'in-house BI team',      'in_house'),
    ('RET', 'status quo',            'status_quo'),
    ('LOG', 'RouteIQ',               'competitor'),
    ('LOG', 'Fleetmatic',            'competitor'),
    ('LOG', 'in-house TMS',          'in_house'),
    ('LOG', 'status quo',            'status_quo'),
    ('HCN', 'Médica Analytics',      'competitor'),
    ('HCN', 'CareGrid',              'competitor'),
    ('HCN', 'status quo',            'status_quo'),
    ('UTL', 'GridSense',             'competitor'),
    ('UTL', 'Voltaic Suite',         'competitor'),
    ('UTL', 'in-house grid analytics', 'in_house'),
    ('UTL', 'status quo',            'status_quo'),
    ('PUB', 'CivicStack',            'competitor'),
    ('PUB', 'GovLedger',             'competitor'),
    ('PUB', 'status quo',            'status_quo'),
    ('EDU', 'Campusly',              'competitor'),
    ('EDU', 'Learnlytics',           'competitor'),
    ('EDU', 'Aula Pro',              'competitor'),
    ('EDU', 'status quo',            'status_quo'),
    ('AGR', 'AgriPulse',             'competitor'),
    ('AGR', 'FieldMind',             'competitor'),
    ('AGR', 'in-house agronomy',     'in_house'),
    ('AGR', 'status quo',            'status_quo');

-- How a lost deal's choice is drawn: the status quo 35 %, in-house 10 %, competitors share the rest.
CREATE TABLE s_alt AS
WITH weighted AS (
    SELECT market_id, alternative,
           CASE kind WHEN 'status_quo' THEN 0.35 WHEN 'in_house' THEN 0.10
                ELSE 0.55 / count(*) FILTER (WHERE kind = 'competitor') OVER (PARTITION BY market_id) END AS w
    FROM market_alternatives
), normalised AS (
    SELECT market_id, alternative, w / sum(w) OVER (PARTITION BY market_id) AS w FROM weighted
)
SELECT market_id, alternative,
       coalesce(sum(w) OVER (PARTITION BY market_id ORDER BY alternative
                             ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0.0) AS lo,
       CASE WHEN row_number() OVER (PARTITION BY market_id ORDER BY alternative DESC) = 1 THEN 1.0
            ELSE sum(w) OVER (PARTITION BY market_id ORDER BY alternative
                              ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) END AS hi
FROM normalised;

INSERT INTO teams VALUES
    ('T-STR', 'Strategy Office',     'strategy'),
    ('T-NOR', 'Northstar',           'sales'),
    ('T-HAR', 'Harbor',              'sales'),
    ('T-MER', 'Meridian',            'sales'),
    ('T-COM', 'Compass',             'sales'),
    ('T-OPS', 'Customer Operations', 'operations');

-- Reps: 5-6 a team at demo size, growing slowly with scale ($rep_factor).
CREATE TABLE s_rep AS
WITH sizes AS (
    SELECT * FROM (VALUES (1, 'T-NOR', 6), (2, 'T-HAR', 5), (3, 'T-MER', 5), (4, 'T-COM', 6), (5, 'T-OPS', 6))
        AS v(team_order, team_id, base)
), counted AS (
    SELECT team_order, team_id, CAST(greatest(base, round(base * $rep_factor)) AS BIGINT) AS team_size
    FROM sizes
), expanded AS (
    SELECT team_order, team_id, team_size, unnest(range(team_size)) AS idx FROM counted
), numbered AS (
    SELECT *, row_number() OVER (ORDER BY team_order, idx) AS rn FROM expanded
), named AS (
    SELECT *,
        CASE
            WHEN rnd($seed, rn, 'rep_script') < 0.40 THEN
                pick(['Alex', 'Jordan', 'Morgan', 'Taylor', 'Casey', 'Riley', 'Jamie', 'Quinn',
                      'Avery', 'Emma', 'Liam', 'Olivia', 'Noah', 'Mia', 'Ethan', 'Grace'], rnd($seed, rn, 'rep_first'))
                || ' ' ||
                pick(['Bennett', 'Carter', 'Hughes', 'Foster', 'Reed', 'Hayes', 'Brooks', 'Palmer',
                      'Ellis', 'Grant', 'Shaw', 'Walsh'], rnd($seed, rn, 'rep_last'))
            WHEN rnd($seed, rn, 'rep_script') < 0.65 THEN
                pick(['José', 'Zoë', 'Søren', 'François', 'Małgorzata', 'Renée', 'Björn', 'Inés',
                      'Jürgen', 'Çağla', 'Núria', 'Anaïs'], rnd($seed, rn, 'rep_first'))
                || ' ' ||
                pick(['Núñez', 'Brontë', 'Østergaard', 'Lefèvre', 'Wójcik', 'Müller', 'Gonçalves',
                      'Ibáñez', 'Åberg', 'Dvořák', 'Šimić', 'Yılmaz'], rnd($seed, rn, 'rep_last'))
            WHEN rnd($seed, rn, 'rep_script') < 0.82 THEN
                pick(['דנה', 'יואב', 'נועה', 'איתי', 'מיכל', 'עומר', 'שירה', 'אורי', 'תמר', 'רון',
                      'יעל', 'גיא'], rnd($seed, rn, 'rep_first'))
                || ' ' ||
                pick(['לוי', 'כהן', 'מזרחי', 'פרץ', 'ביטון', 'אברהם', 'פרידמן', 'שפירא', 'גולן', 'ברק',
                      'אשכנזי', 'דהן'], rnd($seed, rn, 'rep_last'))
            ELSE
                pick(['ليلى', 'عمر', 'يوسف', 'مريم', 'سارة', 'خالد', 'نور', 'أحمد', 'رنا', 'سامي',
                      'هدى', 'كريم'], rnd($seed, rn, 'rep_first'))
                || ' ' ||
                pick(['حداد', 'الخطيب', 'منصور', 'العلي', 'ناصر', 'سليمان', 'الحسن', 'عيسى', 'جابر',
                      'الشامي', 'قاسم', 'يونس'], rnd($seed, rn, 'rep_last'))
        END AS name_base
    FROM numbered
)
SELECT printf('R%03d', rn) AS rep_id,
       team_id, idx, team_size,
       CASE WHEN row_number() OVER (PARTITION BY name_base ORDER BY rn) = 1 THEN name_base
            ELSE name_base || ' ' || row_number() OVER (PARTITION BY name_base ORDER BY rn) END AS name,
       CAST(DATE '2017-01-01' + rint($seed, rn, 'hired', 2100) AS DATE) AS hired_on
FROM named;

INSERT INTO reps SELECT rep_id, name, team_id, hired_on FROM s_rep;

-- Market sizes by quarter, 2023-01 ... 2028-10; forecasts from the as-of quarter on.
-- Healthcare networks (H2) grows ~33 % a year: smaller than Retail today, larger than any
-- H1 market by the end of the forecast.
INSERT INTO market_sizes
WITH params AS (
    SELECT * FROM (VALUES
        ('RET', 5.2e9, 0.02, 0.45),
        ('LOG', 3.6e9, 0.03, 0.40),
        ('HCN', 1.5e9, 0.33, 0.35),
        ('UTL', 2.2e9, 0.12, 0.30),
        ('PUB', 2.8e9, 0.06, 0.25),
        ('EDU', 1.1e9, 0.08, 0.30),
        ('AGR', 0.6e9, 0.18, 0.20)
    ) AS v(market_id, base, growth, sam_share)
), quarters AS (
    SELECT range AS q FROM range(24)
), sized AS (
    SELECT market_id, month_start(3 * q) AS period, sam_share,
           round(base * pow(1 + growth, q / 4.0) * (0.98 + 0.04 * rnd2($seed, market_id, q, 'tam'))) AS tam,
           rnd2($seed, market_id, q, 'sam') AS u_sam
    FROM params CROSS JOIN quarters
)
SELECT market_id, period, tam,
       round(tam * sam_share * (0.95 + 0.10 * u_sam)) AS sam,
       period >= DATE '2026-10-01' AS is_forecast
FROM sized;
