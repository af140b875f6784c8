-- table: handoffs
-- The relay baton between strategy, sales and operations.
CREATE TABLE handoffs (
    handoff_id       VARCHAR PRIMARY KEY,
    kind             VARCHAR NOT NULL
        CHECK (kind IN ('strategy_to_sales', 'sales_to_operations', 'operations_to_sales')),
    market_id        VARCHAR,
    account_id       VARCHAR,
    opportunity_id   VARCHAR,
    from_team_id     VARCHAR NOT NULL,
    to_team_id       VARCHAR NOT NULL,
    sent_at          TIMESTAMP NOT NULL,
    accepted_at      TIMESTAMP,
    has_objectives   BOOLEAN NOT NULL,
    has_stakeholders BOOLEAN NOT NULL,
    has_commitments  BOOLEAN NOT NULL,
    has_risks        BOOLEAN NOT NULL,
    CHECK (accepted_at IS NULL OR accepted_at >= sent_at)
);
