-- table: reputation_events
-- Reputation assets a customer created: references, case studies, testimonials, reviews, awards.
CREATE TABLE reputation_events (
    event_id       VARCHAR NOT NULL,
    account_id     VARCHAR NOT NULL,
    kind           VARCHAR NOT NULL
        CHECK (kind IN ('reference', 'case_study', 'testimonial', 'review', 'award')),
    occurred_on    DATE    NOT NULL,
    opportunity_id VARCHAR,
    rating         INTEGER CHECK (rating BETWEEN 1 AND 5),
    depreciated_on DATE,
    CHECK (depreciated_on IS NULL OR depreciated_on >= occurred_on)
);
