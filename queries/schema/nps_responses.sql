-- table: nps_responses
-- One row per NPS survey sent; score is null when the customer did not answer.
CREATE TABLE nps_responses (
    response_id  VARCHAR NOT NULL,
    account_id   VARCHAR NOT NULL,
    surveyed_on  DATE    NOT NULL,
    responded_on DATE,
    score        INTEGER CHECK (score BETWEEN 0 AND 10),
    CHECK ((responded_on IS NULL) = (score IS NULL))
);
