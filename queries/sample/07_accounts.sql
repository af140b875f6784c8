-- Step 7: accounts, with who referred whom.
-- A referred account's referrer is drawn among the accounts that had already become customers
-- (won their first deal) before it was created, weighted towards engaged teams' customers and
-- those that stayed; most of the time from the same market, so Public sector grows through
-- chains of Public-sector referrals; otherwise from a market drawn at random. Weighted choice
-- among the customers before a date = two ASOF joins on the running weight of each market.
CREATE TABLE s_cand AS
SELECT market_id, account_id, closed_on,
       sum(w) OVER (PARTITION BY market_id ORDER BY day_key(closed_on, i)
                    ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW) AS cumw
FROM (
    SELECT market_id, account_id, closed_on, i,
           round(CASE team_id WHEN 'T-HAR' THEN 30 WHEN 'T-MER' THEN 9 WHEN 'T-COM' THEN 9 ELSE 2 END
                 * CASE WHEN churn_first_year THEN 0.2 ELSE 1.0 END + 1) AS w
    FROM s_cust
);

-- each market's total weight as of the end of each close day
CREATE TABLE s_cand_day AS
SELECT market_id, closed_on, max(cumw) AS cumw FROM s_cand GROUP BY market_id, closed_on;

CREATE TABLE s_referral AS
WITH asked AS (
    SELECT a.i, a.account_id, a.market_id, a.created_on,
           pick(['RET', 'LOG', 'HCN', 'UTL', 'PUB', 'EDU', 'AGR'], rnd($seed, a.i, 'ref_market')) AS other_market,
           rnd($seed, a.i, 'ref_same') < CASE a.market_id WHEN 'PUB' THEN 0.80 ELSE 0.65 END AS same_market,
           rnd($seed, a.i, 'ref_pick') AS u_pick
    FROM s_acc a
    WHERE a.is_referred
), own AS (
    SELECT q.*, d.cumw AS w_own
    FROM asked q ASOF LEFT JOIN s_cand_day d ON d.market_id = q.market_id AND q.created_on > d.closed_on
), other AS (
    SELECT q.*, d.cumw AS w_other
    FROM own q ASOF LEFT JOIN s_cand_day d ON d.market_id = q.other_market AND q.created_on > d.closed_on
), chosen AS (
    SELECT i, account_id,
           CASE WHEN (same_market OR w_other IS NULL) AND w_own IS NOT NULL THEN market_id ELSE other_market END AS part,
           floor(u_pick * CASE WHEN (same_market OR w_other IS NULL) AND w_own IS NOT NULL THEN w_own ELSE w_other END) AS target
    FROM other
    WHERE w_own IS NOT NULL OR w_other IS NOT NULL
)
SELECT q.account_id, c.account_id AS referred_by
FROM chosen q ASOF JOIN s_cand c ON c.market_id = q.part AND q.target < c.cumw;

-- Names in four scripts (40 % Latin, 20 % accented Latin, 20 % Hebrew, 20 % Arabic): 640
-- base names, each block of 640 consecutive accounts uses every one once (in an order set by the
-- seed: c = (a * i + b) mod 640 with a prime to 640), and blocks after the first add a number,
-- so names are unique without a sort.
INSERT INTO accounts
WITH shuffle AS (
    SELECT 2 * rint($seed, 'names', 'a', 320) + 1 AS a0, rint($seed, 'names', 'b', 640) AS b
), named AS (
    SELECT a.*,
        CAST((CASE WHEN s.a0 % 5 = 0 THEN s.a0 + 2 ELSE s.a0 END * (a.i % 640) + s.b) % 640 AS INTEGER) AS c,
        a.i // 640 AS block
    FROM s_acc a CROSS JOIN shuffle s
)
SELECT a.account_id,
       CASE
           WHEN c < 256 THEN
               (['Northwind', 'Bluepeak', 'Granite', 'Silverline', 'Oakridge', 'Brightwater',
                 'Ironbridge', 'Redfern', 'Clearfield', 'Summit', 'Harborview', 'Westgate',
                 'Kingsley', 'Fairmont', 'Stonebrook', 'Evergreen'])[1 + c % 16]
               || ' ' ||
               (['Retail', 'Logistics', 'Holdings', 'Group', 'Partners', 'Systems', 'Networks',
                 'Industries', 'Foods', 'Freight', 'Health', 'Energy', 'Learning', 'Farms', 'Civic',
                 'Labs'])[1 + c // 16]
           WHEN c < 384 THEN
               trim((['Société Lumière', 'Müller & Söhne', 'São Bento', 'Café Olé', 'Åkerlund',
                      'Øresund', 'Łódź Trans', 'Čapek', 'Grünwald', 'Ibáñez', 'Gonçalves', 'Éclat',
                      'Frères Dupré', 'Peña Alta', 'Zürcher', 'Østergaard'])[1 + c % 16]
               || ' ' ||
               (['', 'Varejo', 'Logística', 'Groupe', 'Handel', 'Santé', 'Énergie', 'Distribución'])[1 + (c - 256) // 16])
           WHEN c < 512 THEN
               (['אורן', 'גלבוע', 'כרמל', 'ארז', 'תמר', 'שקד', 'נגב', 'גליל', 'ירדן', 'חרמון',
                 'אלון', 'רימון', 'דקל', 'ברק', 'אופק', 'שחר'])[1 + c % 16]
               || ' ' ||
               (['תעשיות', 'לוגיסטיקה', 'רשתות', 'מערכות', 'אחזקות', 'שירותים', 'טכנולוגיות',
                 'בריאות'])[1 + (c - 384) // 16]
           ELSE
               (['مجموعة', 'شركة', 'مؤسسة', 'مستشفيات', 'أسواق', 'شبكة', 'مصانع', 'دار'])[1 + (c - 512) // 16]
               || ' ' ||
               (['الفجر', 'النور', 'الأمل', 'الرواد', 'الخليج', 'الشروق', 'النخيل', 'الريان',
                 'السلام', 'الهدى', 'البركة', 'الواحة', 'القمة', 'الأفق', 'الياسمين', 'المنارة'])[1 + c % 16]
       END || CASE WHEN block = 0 THEN '' ELSE ' ' || CAST(block + 1 AS VARCHAR) END,
       a.market_id, a.segment, a.region,
       CASE WHEN r.referred_by IS NOT NULL THEN 'referral' ELSE a.organic_source END,
       r.referred_by, a.rep_id, a.created_on
FROM named a LEFT JOIN s_referral r USING (account_id)
ORDER BY a.account_id;  -- key order: the primary-key index builds twice as fast
