-- table: reps
-- People who own accounts and deals: sellers, and operations staff who sell expansion.
CREATE TABLE reps (
    rep_id   VARCHAR PRIMARY KEY,
    name     VARCHAR NOT NULL,
    team_id  VARCHAR NOT NULL,
    hired_on DATE    NOT NULL
);
