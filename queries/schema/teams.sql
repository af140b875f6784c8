-- table: teams
CREATE TABLE teams (
    team_id  VARCHAR PRIMARY KEY,
    name     VARCHAR NOT NULL,
    function VARCHAR NOT NULL CHECK (function IN ('strategy', 'sales', 'operations'))
);
