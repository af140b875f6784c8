-- table: accounts
-- Every company we ever sold to or tried to: prospects and customers alike. 'unknown' is the
-- default an import gives a segment or source that the data does not say (docs/import.md).
CREATE TABLE accounts (
    account_id         VARCHAR PRIMARY KEY,
    name               VARCHAR NOT NULL,
    market_id          VARCHAR NOT NULL,
    segment            VARCHAR NOT NULL CHECK (segment IN ('Enterprise', 'Mid-market', 'SMB', 'unknown')),
    region             VARCHAR NOT NULL,
    acquisition_source VARCHAR NOT NULL
        CHECK (acquisition_source IN ('outbound', 'inbound', 'referral', 'partner', 'event', 'unknown')),
    referred_by        VARCHAR,
    owner_rep_id       VARCHAR NOT NULL,
    created_on         DATE    NOT NULL
);
