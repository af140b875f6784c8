-- table: commitments
-- Promises made to a customer at close, and whether operations kept them.
CREATE TABLE commitments (
    commitment_id  VARCHAR PRIMARY KEY,
    opportunity_id VARCHAR NOT NULL,
    account_id     VARCHAR NOT NULL,
    promise        VARCHAR NOT NULL,
    due_on         DATE    NOT NULL,
    status         VARCHAR NOT NULL CHECK (status IN ('open', 'kept', 'broken')),
    resolved_on    DATE,
    CHECK ((status = 'open') = (resolved_on IS NULL))
);
