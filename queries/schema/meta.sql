-- table: meta
-- Key/value facts about the data file itself: schema version, the as-of month,
-- how it was produced (generator, seed, scale).
CREATE TABLE meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);
