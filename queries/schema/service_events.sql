-- table: service_events
-- What operations saw after the sale: onboarding and value milestones, tickets, complaints.
CREATE TABLE service_events (
    event_id       VARCHAR NOT NULL,
    account_id     VARCHAR NOT NULL,
    opportunity_id VARCHAR,
    kind           VARCHAR NOT NULL
        CHECK (kind IN ('onboarding_milestone', 'value_milestone', 'ticket', 'complaint')),
    occurred_on    DATE    NOT NULL,
    severity       VARCHAR CHECK (severity IN ('low', 'medium', 'high', 'critical'))
);
