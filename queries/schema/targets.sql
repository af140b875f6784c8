-- table: targets
-- Bookings targets per month, for the whole company (team_id null) or one team.
CREATE TABLE targets (
    month           DATE   NOT NULL,
    team_id         VARCHAR,
    bookings_target DOUBLE NOT NULL CHECK (bookings_target >= 0),
    CHECK (day(month) = 1)
);
