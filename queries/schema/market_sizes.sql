-- table: market_sizes
-- Market size by quarter: actuals up to the as-of date, forecasts after it.
CREATE TABLE market_sizes (
    market_id   VARCHAR NOT NULL,
    period      DATE    NOT NULL,
    tam         DOUBLE  NOT NULL CHECK (tam >= 0),
    sam         DOUBLE  NOT NULL CHECK (sam >= 0 AND sam <= tam),
    is_forecast BOOLEAN NOT NULL,
    PRIMARY KEY (market_id, period)
);
