-- table: revenue_movements
-- Monthly recurring revenue changes per account; the running sum is the account's MRR.
CREATE TABLE revenue_movements (
    account_id     VARCHAR NOT NULL,
    month          DATE    NOT NULL,
    kind           VARCHAR NOT NULL
        CHECK (kind IN ('new', 'expansion', 'contraction', 'churn', 'reactivation')),
    mrr_change     DOUBLE  NOT NULL,
    booked_by      VARCHAR NOT NULL CHECK (booked_by IN ('sales', 'operations')),
    rep_id         VARCHAR,
    opportunity_id VARCHAR,
    CHECK (day(month) = 1),
    CHECK (CASE WHEN kind IN ('contraction', 'churn') THEN mrr_change < 0 ELSE mrr_change > 0 END)
);
