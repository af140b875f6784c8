-- table: market_alternatives
-- What a customer in a market can choose instead of us.
CREATE TABLE market_alternatives (
    market_id   VARCHAR NOT NULL,
    alternative VARCHAR NOT NULL,
    kind        VARCHAR NOT NULL CHECK (kind IN ('competitor', 'status_quo', 'in_house')),
    PRIMARY KEY (market_id, alternative)
);
