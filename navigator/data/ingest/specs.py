"""What each importable table must look like: columns, types, required columns, keys, allowed
values and the DDL's other CHECKs, and the references of docs/schema.md.

Types, required (NOT NULL) columns, keys and enumerations come from the DDL in `queries/schema/`
(enumerations are read from its `CHECK (x IN (...))` clauses); the other CHECKs (signs, ranges,
the first day of a month, rules across columns) are written out below, one rule per CHECK, and a
test proves that every CHECK of the DDL has its rule. DuckDB enforces the same CHECKs when the rows
are loaded, so a rule missing here could not let bad data in; it would only make the message worse.

`transactions` is read in an import form of its own (an export's order or invoice lines, with an
optional service period, currency, id and status), which the importer turns into the stored
`transactions` table and into revenue movements.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache

import duckdb
import polars as pl

from navigator.data.schema import ALL_TABLES, table_ddl

# A plain transactions export (one row a payment, order or invoice line).
TRANSACTIONS = "transactions"

# Columns that hold a month (its first day); `2026-10` is accepted there as `2026-10-01`.
MONTH_COLUMNS = {("revenue_movements", "month"), ("targets", "month")}


@dataclass(frozen=True)
class Rule:
    """A CHECK that spans a value's sign or range or several columns. `ok` is true where the row passes;
    rows where a column involved is empty or did not parse are skipped (reported elsewhere)."""

    covers: str  # the CHECK expression as DuckDB prints it (a test matches them)
    columns: tuple[str, ...]
    ok: Callable[[], pl.Expr]
    expected: str | Callable[[], pl.Expr]  # the reason, or an expression giving each row's


@dataclass(frozen=True)
class Reference:
    column: str
    table: str
    key: str


@dataclass(frozen=True)
class TableSpec:
    name: str
    types: dict[str, str]  # column -> DuckDB type, in the table's order
    required: frozenset[str]
    keys: tuple[tuple[str, ...], ...]  # each must be unique (primary keys and documented ids)
    enums: dict[str, tuple[str, ...]]
    rules: tuple[Rule, ...]
    references: tuple[Reference, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return tuple(self.types)


def _c(name: str) -> pl.Expr:
    return pl.col(name)


def _first_of_month(column: str) -> Rule:
    return Rule(
        '("day"("month") = 1)',
        (column,),
        lambda: _c(column).dt.day() == 1,
        "expected the first day of a month (2026-10-01, or just 2026-10)",
    )


def _at_least_zero(column: str) -> Rule:
    return Rule(f"({column} >= 0)", (column,), lambda: _c(column) >= 0, "expected a number ≥ 0")


def _sign_by_kind() -> pl.Expr:
    return (
        pl.when(_c("kind").is_in(["contraction", "churn"]))
        .then(pl.format("expected mrr_change < 0 for kind '{}' (it lowers MRR)", _c("kind")))
        .otherwise(pl.format("expected mrr_change > 0 for kind '{}' (it adds MRR; never 0)", _c("kind")))
    )


# The CHECKs other than `x IN (...)`, table by table.
RULES: dict[str, tuple[Rule, ...]] = {
    "commitments": (
        Rule(
            "((status = 'open') = (resolved_on IS NULL))",
            ("status", "resolved_on"),
            lambda: (_c("status") == "open") == _c("resolved_on").is_null(),
            "expected resolved_on empty exactly when status is 'open'",
        ),
    ),
    "handoffs": (
        Rule(
            "((accepted_at IS NULL) OR (accepted_at >= sent_at))",
            ("accepted_at", "sent_at"),
            lambda: _c("accepted_at").is_null() | (_c("accepted_at") >= _c("sent_at")),
            "expected accepted_at on or after sent_at",
        ),
    ),
    "market_sizes": (
        _at_least_zero("tam"),
        Rule(
            "((sam >= 0) AND (sam <= tam))",
            ("sam", "tam"),
            lambda: (_c("sam") >= 0) & (_c("sam") <= _c("tam")),
            "expected 0 ≤ sam ≤ tam",
        ),
    ),
    "nps_responses": (
        Rule(
            "(score BETWEEN 0 AND 10)",
            ("score",),
            lambda: _c("score").is_between(0, 10),
            "expected a whole number from 0 to 10",
        ),
        Rule(
            "((responded_on IS NULL) = (score IS NULL))",
            ("responded_on", "score"),
            lambda: _c("responded_on").is_null() == _c("score").is_null(),
            "expected score empty exactly when responded_on is empty",
        ),
    ),
    "opportunities": (
        _at_least_zero("amount"),
        _at_least_zero("effort_hours"),
        Rule(
            "((discount_pct >= 0) AND (discount_pct < 1))",
            ("discount_pct",),
            lambda: (_c("discount_pct") >= 0) & (_c("discount_pct") < 1),
            "expected a fraction from 0 up to but not including 1 (0.15 for 15%)",
        ),
        Rule(
            "((status = 'open') = (closed_on IS NULL))",
            ("status", "closed_on"),
            lambda: (_c("status") == "open") == _c("closed_on").is_null(),
            "expected closed_on empty exactly when status is 'open'",
        ),
        Rule(
            "((lost_to IS NULL) OR (status = 'lost'))",
            ("lost_to", "status"),
            lambda: _c("lost_to").is_null() | (_c("status") == "lost"),
            "expected lost_to only on a lost deal (status 'lost')",
        ),
    ),
    "reputation_events": (
        Rule(
            "(rating BETWEEN 1 AND 5)",
            ("rating",),
            lambda: _c("rating").is_between(1, 5),
            "expected a whole number from 1 to 5",
        ),
        Rule(
            "((depreciated_on IS NULL) OR (depreciated_on >= occurred_on))",
            ("depreciated_on", "occurred_on"),
            lambda: _c("depreciated_on").is_null() | (_c("depreciated_on") >= _c("occurred_on")),
            "expected depreciated_on on or after occurred_on",
        ),
    ),
    "revenue_movements": (
        _first_of_month("month"),
        Rule(
            "CASE  WHEN ((kind IN ('contraction', 'churn'))) THEN ((mrr_change < 0)) ELSE (mrr_change > 0) END",
            ("kind", "mrr_change"),
            lambda: (
                pl.when(_c("kind").is_in(["contraction", "churn"]))
                .then(_c("mrr_change") < 0)
                .otherwise(_c("mrr_change") > 0)
            ),
            _sign_by_kind,
        ),
    ),
    "targets": (_first_of_month("month"), _at_least_zero("bookings_target")),
}

# Identifiers the DDL does not declare as keys but docs/schema.md says are unique.
EXTRA_KEYS: dict[str, tuple[tuple[str, ...], ...]] = {
    "service_events": (("event_id",),),
    "nps_responses": (("response_id",),),
    "reputation_events": (("event_id",),),
    "targets": (("month", "team_id"),),
}

# References that must resolve (docs/schema.md, the "Keys" line of each table), when the
# referenced table is in the data (incoming, or kept from the file being replaced).
REFERENCES: dict[str, tuple[tuple[str, str, str], ...]] = {
    "accounts": (
        ("market_id", "markets", "market_id"),
        ("owner_rep_id", "reps", "rep_id"),
        ("referred_by", "accounts", "account_id"),
    ),
    "market_sizes": (("market_id", "markets", "market_id"),),
    "market_alternatives": (("market_id", "markets", "market_id"),),
    "reps": (("team_id", "teams", "team_id"),),
    "opportunities": (("account_id", "accounts", "account_id"), ("rep_id", "reps", "rep_id")),
    "handoffs": (
        ("market_id", "markets", "market_id"),
        ("account_id", "accounts", "account_id"),
        ("opportunity_id", "opportunities", "opportunity_id"),
        ("from_team_id", "teams", "team_id"),
        ("to_team_id", "teams", "team_id"),
    ),
    "commitments": (
        ("opportunity_id", "opportunities", "opportunity_id"),
        ("account_id", "accounts", "account_id"),
    ),
    "revenue_movements": (
        ("account_id", "accounts", "account_id"),
        ("rep_id", "reps", "rep_id"),
        ("opportunity_id", "opportunities", "opportunity_id"),
    ),
    "service_events": (
        ("account_id", "accounts", "account_id"),
        ("opportunity_id", "opportunities", "opportunity_id"),
    ),
    "nps_responses": (("account_id", "accounts", "account_id"),),
    "reputation_events": (
        ("account_id", "accounts", "account_id"),
        ("opportunity_id", "opportunities", "opportunity_id"),
    ),
    "targets": (("team_id", "teams", "team_id"),),
    TRANSACTIONS: (("account_id", "accounts", "account_id"),),
}

# A transactions export as it may come (docs/import.md, "Transactions"): the customer, the date and
# the amount, and optionally the service period (dates, or an interval such as quarterly), the
# currency, an id, a status and the customer's name.
TRANSACTION_COLUMNS: dict[str, str] = {
    "account_id": "VARCHAR",
    "date": "DATE",
    "amount": "DOUBLE",
    "period_start": "DATE",
    "period_end": "DATE",
    "interval": "VARCHAR",
    "interval_count": "INTEGER",
    "currency": "VARCHAR",
    "transaction_id": "VARCHAR",
    "status": "VARCHAR",
    "name": "VARCHAR",
}
TRANSACTION_RULES = (
    Rule(
        "(period_end >= period_start)",
        ("period_start", "period_end"),
        lambda: _c("period_end") >= _c("period_start"),
        "expected period_end on or after period_start",
    ),
    Rule(
        "(interval_count >= 1)",
        ("interval_count",),
        lambda: _c("interval_count") >= 1,
        "expected a whole number of intervals ≥ 1",
    ),
)

_ENUM = re.compile(r'^\("?(\w+)"? IN \((.*)\)\)$')


@cache
def ddl_constraints() -> dict[str, list[tuple[str, str | None, tuple[str, ...]]]]:
    """(constraint type, expression, columns) of each table's PRIMARY KEY and CHECK constraints."""
    conn = duckdb.connect()
    try:
        for ddl in table_ddl().values():
            conn.execute(ddl)
        rows = conn.execute(
            "SELECT table_name, constraint_type, expression, constraint_column_names FROM duckdb_constraints() "
            "WHERE constraint_type IN ('PRIMARY KEY', 'UNIQUE', 'CHECK') ORDER BY ALL"
        ).fetchall()
        nullable = conn.execute("SELECT table_name, column_name, is_nullable FROM duckdb_columns()").fetchall()
    finally:
        conn.close()
    found: dict[str, list[tuple[str, str | None, tuple[str, ...]]]] = {}
    for table, kind, expression, columns in rows:
        found.setdefault(table, []).append((kind, expression, tuple(columns)))
    for table, column, is_nullable in nullable:
        if not is_nullable:
            found.setdefault(table, []).append(("NOT NULL", None, (column,)))
    return found


@cache
def table_specs() -> dict[str, TableSpec]:
    """What each importable table (the schema's, plus `transactions`) must look like."""
    from navigator.data.source import expected_types

    specs: dict[str, TableSpec] = {}
    types = expected_types()
    constraints = ddl_constraints()
    for table in ALL_TABLES:
        keys: list[tuple[str, ...]] = []
        enums: dict[str, tuple[str, ...]] = {}
        required: set[str] = set()
        for kind, expression, columns in constraints.get(table, []):
            if kind in ("PRIMARY KEY", "UNIQUE"):
                keys.append(columns)
                required.update(columns)
            elif kind == "NOT NULL":
                required.update(columns)
            elif kind == "CHECK" and expression and (match := _ENUM.match(expression)):
                enums[match.group(1)] = tuple(re.findall(r"'((?:[^']|'')*)'", match.group(2)))
        keys.extend(EXTRA_KEYS.get(table, ()))
        specs[table] = TableSpec(
            name=table,
            types=dict(types[table]),
            required=frozenset(required),
            keys=tuple(keys),
            enums=enums,
            rules=RULES.get(table, ()),
            references=tuple(Reference(*ref) for ref in REFERENCES.get(table, ())),
        )
    specs[TRANSACTIONS] = TableSpec(
        name=TRANSACTIONS,
        types=dict(TRANSACTION_COLUMNS),
        required=frozenset({"account_id", "date", "amount"}),
        keys=(),
        enums={},
        rules=TRANSACTION_RULES,
        references=tuple(Reference(*ref) for ref in REFERENCES[TRANSACTIONS]),
    )
    return specs


def uncovered_checks() -> list[tuple[str, str]]:
    """CHECKs of the DDL that neither an enumeration nor a rule covers (a test wants none)."""
    missing = []
    for table, constraints in ddl_constraints().items():
        if table == TRANSACTIONS:  # navigator writes the stored form itself, from the import form
            continue
        covered = {rule.covers for rule in RULES.get(table, ())}
        for kind, expression, _ in constraints:
            if kind == "CHECK" and expression and not _ENUM.match(expression) and expression not in covered:
                missing.append((table, expression))
    return missing
