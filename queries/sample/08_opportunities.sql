-- Step 8: opportunities: every account's first new-business deal, and the expansions.
INSERT INTO opportunities
SELECT d.opportunity_id, d.account_id, d.rep_id, 'new', d.sourced_by, d.created_on,
       d.qualified_on, d.proposal_on, d.expected_close_on, d.closed_on, d.status,
       d.amount, d.discount_pct, d.effort_hours,
       d.answers_value, d.answers_why_me, d.answers_why_now, d.answers_alternative,
       alt.alternative
FROM s_deal d
LEFT JOIN s_alt alt
       ON alt.market_id = d.market_id AND d.u_lost_to >= alt.lo AND d.u_lost_to < alt.hi
UNION ALL
SELECT opportunity_id, account_id, rep_id, 'expansion', sourced_by, created_on,
       qualified_on, proposal_on, expected_close_on, closed_on, status,
       amount, discount_pct, effort_hours,
       answers_value, answers_why_me, answers_why_now, answers_alternative,
       NULL
FROM s_exp
ORDER BY 1;  -- key order: the primary-key index builds twice as fast
