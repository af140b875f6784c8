-- table: transactions
-- The order, invoice or payment lines an import derived revenue_movements from, one row a line, as
-- counted: amounts in the book's currency, the service period the line pays for and the months it
-- is spread over (docs/import.md, "Transactions"). Rows the import set aside are not here.
CREATE TABLE transactions (
    account_id      VARCHAR NOT NULL,
    date            DATE    NOT NULL,
    amount          DOUBLE  NOT NULL,
    period_start    DATE,
    period_end      DATE,
    months          INTEGER NOT NULL CHECK (months >= 1),
    currency        VARCHAR,
    original_amount DOUBLE,
    transaction_id  VARCHAR,
    CHECK (period_end IS NULL OR period_start IS NULL OR period_end >= period_start)
);
