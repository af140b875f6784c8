-- table: markets
-- One row per market the company serves or watches, placed on the Three Horizons.
CREATE TABLE markets (
    market_id           VARCHAR PRIMARY KEY,
    name                VARCHAR NOT NULL,
    horizon             VARCHAR NOT NULL CHECK (horizon IN ('H1', 'H2', 'H3')),
    shares_customers    BOOLEAN NOT NULL,
    shares_channels     BOOLEAN NOT NULL,
    shares_capabilities BOOLEAN NOT NULL
);
