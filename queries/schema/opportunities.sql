-- table: opportunities
-- Deals: new business and expansion, with their stage path and value case.
CREATE TABLE opportunities (
    opportunity_id      VARCHAR PRIMARY KEY,
    account_id          VARCHAR NOT NULL,
    rep_id              VARCHAR NOT NULL,
    kind                VARCHAR NOT NULL CHECK (kind IN ('new', 'expansion')),
    sourced_by          VARCHAR NOT NULL CHECK (sourced_by IN ('strategy', 'sales', 'operations')),
    created_on          DATE    NOT NULL,
    qualified_on        DATE,
    proposal_on         DATE,
    expected_close_on   DATE    NOT NULL,
    closed_on           DATE,
    status              VARCHAR NOT NULL CHECK (status IN ('open', 'won', 'lost')),
    amount              DOUBLE  NOT NULL CHECK (amount >= 0),
    discount_pct        DOUBLE  NOT NULL CHECK (discount_pct >= 0 AND discount_pct < 1),
    effort_hours        DOUBLE  NOT NULL CHECK (effort_hours >= 0),
    answers_value       BOOLEAN NOT NULL,
    answers_why_me      BOOLEAN NOT NULL,
    answers_why_now     BOOLEAN NOT NULL,
    answers_alternative BOOLEAN NOT NULL,
    lost_to             VARCHAR,
    CHECK ((status = 'open') = (closed_on IS NULL)),
    CHECK (lost_to IS NULL OR status = 'lost')
);
