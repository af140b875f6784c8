"""Validation of incoming tables with Polars, before anything is written.

Each table's columns, types, required (NOT NULL) columns, keys and allowed values come from
the DDL in `queries/schema/` (enumerations are read from its `CHECK (x IN (...))` clauses);
the other CHECKs (signs, ranges, the first day of a month, rules across columns) and the
references of docs/schema.md are written out below, one rule per CHECK, and a test proves
that every CHECK of the DDL has its rule. DuckDB enforces the same CHECKs when the rows are
loaded, so a rule missing here could not let bad data in; it would only make the message
worse.

Values arrive as text (CSV) or typed (Parquet, JSON); `parse_column` turns them into the
column's type and marks what does not parse. Every problem names the file, the 1-based data
row (the header line is not counted), the column, the value and what was expected.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import duckdb
import polars as pl

from navigator.data.schema import ALL_TABLES, SCHEMA_VERSION, table_ddl

# Problems shown to the user; the rest are counted ("and N more").
SHOW_AT_MOST = 50
# Examples kept per check (enough to fill the list whatever the order).
KEEP_PER_CHECK = SHOW_AT_MOST

# A plain transactions export (one row a payment or invoice) that the importer turns into
# monthly revenue movements; it is not a table of the database.
TRANSACTIONS = "transactions"

POLARS_TYPES: dict[str, Any] = {
    "VARCHAR": pl.String,
    "DATE": pl.Date,
    "TIMESTAMP": pl.Datetime("us"),
    "DOUBLE": pl.Float64,
    "INTEGER": pl.Int32,
    "BOOLEAN": pl.Boolean,
}

# Columns that hold a month (its first day); `2026-10` is accepted there as `2026-10-01`.
MONTH_COLUMNS = {("revenue_movements", "month"), ("targets", "month")}


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, as one line."""

    file: str
    row: int | None = None  # 1-based data row (header not counted); None: the whole file or column
    column: str | None = None
    value: str | None = None  # already shown (quoted); None when there is no value to show
    expected: str = ""
    line: int | None = None  # a physical line of a text file (encoding and CSV shape problems)
    order: tuple[int, int] = (0, 0)  # (file number, row) for sorting

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.value is not None:
            parts.append(f"value {self.value}")
        parts.append(self.expected)
        return ": ".join(parts)


def show_value(value: Any) -> str:
    """A value as the user typed it, quoted and cut short."""
    if value is None:
        return "(empty)"
    if isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        text = str(int(value))
    else:
        text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)


@dataclass
class Problems:
    """Problems found so far: every one counted, a bounded number kept to show."""

    kept: list[Problem] = field(default_factory=list)
    total: int = 0

    def add(self, problem: Problem) -> None:
        self.total += 1
        self.kept.append(problem)

    def add_many(self, count: int, examples: Iterable[Problem]) -> None:
        self.total += count
        self.kept.extend(examples)

    def __bool__(self) -> bool:
        return self.total > 0

    def shown(self) -> list[Problem]:
        return sorted(self.kept, key=lambda p: (p.order, p.column or ""))[:SHOW_AT_MOST]

    def lines(self) -> list[str]:
        shown = self.shown()
        lines = [str(problem) for problem in shown]
        if self.total > len(shown):
            more = self.total - len(shown)
            lines.append(f"... and {more:,} more problem{'s' if more != 1 else ''}")
        return lines


# --- what each table must look like ----------------------------------------------------------------


@dataclass(frozen=True)
class Rule:
    """A CHECK that spans a value's sign or range or several columns. `ok` is true where the row passes;
    rows where a column involved is empty or did not parse are skipped (reported elsewhere)."""

    covers: str  # the CHECK expression as DuckDB prints it (a test matches them)
    columns: tuple[str, ...]
    ok: Callable[[], pl.Expr]
    expected: str | Callable[[dict[str, Any]], str]


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


def _sign_by_kind(row: dict[str, Any]) -> str:
    if row.get("kind") in ("contraction", "churn"):
        return f"expected mrr_change < 0 for kind {row['kind']!r} (it lowers MRR)"
    return f"expected mrr_change > 0 for kind {row.get('kind')!r} (it adds MRR; never 0)"


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
        types={"account_id": "VARCHAR", "date": "DATE", "amount": "DOUBLE"},
        required=frozenset({"account_id", "date", "amount"}),
        keys=(),
        enums={},
        rules=(),
        references=tuple(Reference(*ref) for ref in REFERENCES[TRANSACTIONS]),
    )
    return specs


def uncovered_checks() -> list[tuple[str, str]]:
    """CHECKs of the DDL that neither an enumeration nor a rule covers (a test wants none)."""
    missing = []
    for table, constraints in ddl_constraints().items():
        covered = {rule.covers for rule in RULES.get(table, ())}
        for kind, expression, _ in constraints:
            if kind == "CHECK" and expression and not _ENUM.match(expression) and expression not in covered:
                missing.append((table, expression))
    return missing


# --- turning raw values into typed ones ------------------------------------------------------------

_TRUE = ("true", "t", "yes", "y", "1")
_FALSE = ("false", "f", "no", "n", "0")
_NOT_A_NUMBER = ("nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity")
_DATETIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S%.f",
    "%Y-%m-%dT%H:%M:%S%.f",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M",
)
EXPECTED_TYPE = {
    "VARCHAR": "expected text",
    "DATE": "expected a date as YYYY-MM-DD",
    "TIMESTAMP": "expected a date and time as YYYY-MM-DD HH:MM[:SS]",
    "DOUBLE": "expected a number such as 1234.5 (no thousands separators, currency signs or units)",
    "INTEGER": "expected a whole number",
    "BOOLEAN": "expected true or false",
}
TOO_BIG = "expected a number that fits in a DOUBLE (at most about ±1.8e308)"


@dataclass
class Parsed:
    values: pl.Series  # in the column's type; null where empty or unparseable
    bad: pl.Series  # True where a value was given but did not parse
    expected: pl.Series | None = None  # per-row message where it differs from the type's


def parse_column(raw: pl.Series, duck_type: str, *, month: bool = False) -> Parsed:
    """Raw values (text from a CSV, or typed from Parquet/JSON) in the column's type."""
    target = POLARS_TYPES[duck_type]
    given = raw.is_not_null()
    dtype = raw.dtype
    expected = None
    if dtype == pl.Null:
        values = pl.Series(raw.name, [None] * len(raw), dtype=target)
    elif duck_type == "VARCHAR":
        values = raw if dtype == pl.String else raw.cast(pl.String)
    elif dtype == pl.String:
        values, expected = _parse_text(raw, duck_type, month)
    elif duck_type == "DOUBLE" and dtype.is_numeric():
        number = raw.cast(pl.Float64, strict=False)
        values = pl.select(pl.when(number.is_finite()).then(number).otherwise(None)).to_series()
        expected = pl.select(
            pl.when(number.is_infinite()).then(pl.lit(TOO_BIG)).otherwise(pl.lit(EXPECTED_TYPE["DOUBLE"]))
        ).to_series()
    elif duck_type == "INTEGER" and dtype.is_numeric():
        as_float = raw.cast(pl.Float64, strict=False)
        whole = as_float.is_finite() & (as_float == as_float.floor()) & as_float.is_between(-(2**31), 2**31 - 1)
        values = pl.select(pl.when(whole).then(raw.cast(pl.Int64, strict=False)).otherwise(None)).to_series()
        values = values.cast(pl.Int32)
    elif duck_type == "BOOLEAN" and dtype == pl.Boolean:
        values = raw
    elif duck_type == "BOOLEAN" and dtype.is_integer():
        values = pl.select(
            pl.when(raw == 1).then(True).when(raw == 0).then(False).otherwise(None).cast(pl.Boolean)
        ).to_series()
    elif duck_type == "DATE" and dtype == pl.Date:
        values = raw
    elif duck_type == "DATE" and isinstance(dtype, pl.Datetime):
        naive = raw.dt.replace_time_zone(None) if dtype.time_zone else raw
        midnight = naive.dt.time() == dt.time(0)
        values = pl.select(pl.when(midnight).then(naive.dt.date()).otherwise(None)).to_series()
        expected = pl.Series([EXPECTED_TYPE["DATE"] + " (without a time of day)"] * len(raw))
    elif duck_type == "TIMESTAMP" and isinstance(dtype, pl.Datetime):
        values = raw.dt.convert_time_zone("UTC").dt.replace_time_zone(None) if dtype.time_zone else raw
        values = values.cast(pl.Datetime("us"))
    elif duck_type == "TIMESTAMP" and dtype == pl.Date:
        values = raw.cast(pl.Datetime("us"))
    else:
        # anything else (a number where a date belongs, a nested value...): judge its text
        try:
            as_text = raw.cast(pl.String)
        except pl.exceptions.PolarsError:
            as_text = pl.Series(raw.name, [None if v is None else str(v) for v in raw.to_list()], dtype=pl.String)
        values, expected = _parse_text(as_text, duck_type, month)
    values = values.rename(raw.name).cast(target)
    bad = given & values.is_null()
    return Parsed(values, bad, expected)


def _parse_text(raw: pl.Series, duck_type: str, month: bool) -> tuple[pl.Series, pl.Series | None]:
    text = raw.str.strip_chars()
    expected = None
    if duck_type == "DOUBLE":
        number = text.cast(pl.Float64, strict=False)
        lowered = text.str.to_lowercase()
        infinite = number.is_infinite() & ~lowered.is_in(_NOT_A_NUMBER)
        values = pl.select(pl.when(number.is_finite()).then(number).otherwise(None)).to_series()
        expected = pl.select(
            pl.when(infinite).then(pl.lit(TOO_BIG)).otherwise(pl.lit(EXPECTED_TYPE["DOUBLE"]))
        ).to_series()
    elif duck_type == "INTEGER":
        number = text.cast(pl.Int64, strict=False)
        values = pl.select(pl.when(number.is_between(-(2**31), 2**31 - 1)).then(number).otherwise(None)).to_series()
    elif duck_type == "BOOLEAN":
        lowered = text.str.to_lowercase()
        values = pl.select(
            pl.when(lowered.is_in(_TRUE)).then(True).when(lowered.is_in(_FALSE)).then(False).otherwise(None)
        ).to_series()
    elif duck_type == "DATE":
        values = _parse_dates(text, month)
        if month:
            expected = pl.Series(["expected a month as YYYY-MM-01 or YYYY-MM"] * len(raw))
    elif duck_type == "TIMESTAMP":
        values = _parse_datetimes(text)
    else:  # pragma: no cover - VARCHAR never comes here
        values = text
    return values, expected


def _parse_dates(text: pl.Series, month: bool) -> pl.Series:
    date = text.str.to_date("%Y-%m-%d", strict=False)
    # a date-time exported at midnight is still a date
    stamp = _parse_datetimes(text)
    at_midnight = pl.select(pl.when(stamp.dt.time() == dt.time(0)).then(stamp.dt.date())).to_series()
    values = date.fill_null(at_midnight)
    if month:
        only_month = (text + "-01").str.to_date("%Y-%m-%d", strict=False)
        values = values.fill_null(pl.select(pl.when(text.str.len_chars() <= 7).then(only_month)).to_series())
    return values


def _parse_datetimes(text: pl.Series) -> pl.Series:
    values = pl.Series(text.name, [None] * len(text), dtype=pl.Datetime("us"))
    for fmt in _DATETIME_FORMATS:
        values = values.fill_null(text.str.to_datetime(fmt, strict=False, time_unit="us"))
    date_only = text.str.to_date("%Y-%m-%d", strict=False).cast(pl.Datetime("us"))
    return values.fill_null(pl.select(pl.when(text.str.len_chars() <= 10).then(date_only)).to_series())


# --- checking a table ---------------------------------------------------------------------------------

ROW = "__row"
FILE = "__file"
NUMBER = "__number"  # the file's place among the inputs, to list problems in input order


def bad_column(column: str) -> str:
    return f"__bad__{column}"


@dataclass
class Part:
    """One file's rows for a table: navigator's column names, raw values, and where they came from."""

    file: str  # as shown to the user
    number: int  # the file's place among the inputs (for sorting problems)
    frame: pl.DataFrame  # navigator's columns (raw values) in any order
    absent: frozenset[str] = frozenset()  # required columns the file lacks (reported already)


def _report(
    problems: Problems,
    failing: pl.DataFrame,
    column: str | None,
    expected: str | Callable[[dict[str, Any]], str],
    value: Callable[[dict[str, Any]], str | None],
) -> None:
    """Add one problem per failing row (the first few kept, all counted)."""
    if failing.is_empty():
        return
    examples = []
    for row in failing.sort(NUMBER, ROW).head(KEEP_PER_CHECK).iter_rows(named=True):
        text = expected(row) if callable(expected) else expected
        order = (row[NUMBER], row[ROW])
        examples.append(Problem(row[FILE], row[ROW], column, value(row), text, order=order))
    problems.add_many(failing.height, examples)


def check_table(spec: TableSpec, parts: list[Part], problems: Problems) -> pl.DataFrame:
    """Typed rows of every part (navigator's columns plus __file and __row), problems added on the way."""
    typed_parts = []
    for part in parts:
        frame = part.frame
        columns: dict[str, pl.Series] = {}
        for column, duck_type in spec.types.items():
            if column not in frame.columns:
                columns[column] = pl.Series(column, [None] * frame.height, dtype=POLARS_TYPES[duck_type])
                # a missing required column is reported once, not once a row
                columns[bad_column(column)] = pl.Series(bad_column(column), [column in part.absent] * frame.height)
                continue
            raw = frame[column]
            parsed = parse_column(raw, duck_type, month=(spec.name, column) in MONTH_COLUMNS)
            columns[column] = parsed.values
            columns[bad_column(column)] = parsed.bad
            if parsed.bad.any():
                failing = pl.DataFrame(
                    {
                        ROW: pl.int_range(1, frame.height + 1, eager=True),
                        FILE: [part.file] * frame.height,
                        NUMBER: [part.number] * frame.height,
                        "raw": raw.cast(pl.String, strict=False) if raw.dtype != pl.String else raw,
                        "expected": parsed.expected
                        if parsed.expected is not None
                        else pl.Series([EXPECTED_TYPE[duck_type]] * frame.height),
                    }
                ).filter(parsed.bad)
                _report(problems, failing, column, lambda r: r["expected"], lambda r: show_value(r["raw"]))
        typed = pl.DataFrame(columns).with_columns(
            pl.int_range(1, frame.height + 1).alias(ROW),
            pl.lit(part.file).alias(FILE),
            pl.lit(part.number).alias(NUMBER),
        )
        typed_parts.append(typed)
    table = pl.concat(typed_parts, how="vertical") if typed_parts else pl.DataFrame()

    for column in spec.columns:
        if column in spec.required:
            failing = table.filter(pl.col(column).is_null() & ~pl.col(bad_column(column)))
            _report(problems, failing, column, "missing value: expected a value (required)", lambda r: None)
        if column in spec.enums:
            allowed = spec.enums[column]
            failing = table.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(allowed))
            _report(
                problems,
                failing,
                column,
                "expected one of " + ", ".join(allowed),
                lambda r, c=column: show_value(r[c]),
            )
    for rule in spec.rules:
        skip = pl.lit(False)
        for column in rule.columns:
            skip = skip | pl.col(bad_column(column))
        # a rule on one column says nothing about an empty value (that is the required check's job)
        if len(rule.columns) == 1:
            skip = skip | pl.col(rule.columns[0]).is_null()
        else:
            skip = skip | pl.any_horizontal([pl.col(c).is_null() & pl.lit(c in spec.required) for c in rule.columns])
        failing = table.filter(~skip & ~rule.ok().fill_null(True))
        shown_column = ", ".join(rule.columns)
        _report(
            problems,
            failing,
            shown_column,
            rule.expected,
            lambda r, cols=rule.columns: (
                ", ".join(show_value(r[c]) for c in cols) if len(cols) > 1 else show_value(r[cols[0]])
            ),
        )
    for key in spec.keys:
        present = pl.all_horizontal([pl.col(c).is_not_null() for c in key])
        ranked = table.with_columns(
            pl.int_range(pl.len()).over(key).alias("__nth"),
            pl.col(ROW).first().over(key).alias("__first_row"),
            pl.col(FILE).first().over(key).alias("__first_file"),
        )
        failing = ranked.filter(present & (pl.col("__nth") > 0))
        what = " and ".join(key)
        _report(
            problems,
            failing,
            ", ".join(key),
            lambda r, what=what: (
                f"expected each {what} once (a duplicate of row {r['__first_row']}"
                + ("" if r["__first_file"] == r[FILE] else f" of {r['__first_file']}")
                + ")"
            ),
            lambda r, key=key: ", ".join(show_value(r[c]) for c in key),
        )
    return table


def check_references(
    spec: TableSpec,
    table: pl.DataFrame,
    keys: dict[tuple[str, str], pl.Series | None],
    where: dict[str, str],
    problems: Problems,
) -> None:
    """Each reference of `table` resolves in the combined data (keys[(table, key)]: None = table absent)."""
    for ref in spec.references:
        known = keys.get((ref.table, ref.key))
        if known is None or ref.column not in table.columns:
            continue
        failing = table.filter(
            pl.col(ref.column).is_not_null()
            & ~pl.col(ref.column).is_in(known.implode())
            & ~pl.col(bad_column(ref.column))
        )
        _report(
            problems,
            failing,
            ref.column,
            f"expected an existing {ref.table}.{ref.key} (looked in {where.get(ref.table, ref.table)})",
            lambda r, c=ref.column: show_value(r[c]),
        )


def strip_helpers(table: pl.DataFrame, spec: TableSpec) -> pl.DataFrame:
    return table.select(list(spec.columns))


def check_meta(table: pl.DataFrame, problems: Problems) -> None:
    """The importer writes `schema_version` and `as_of`: an incoming meta must agree with them."""
    wrong_version = table.filter((pl.col("key") == "schema_version") & (pl.col("value") != SCHEMA_VERSION))
    _report(
        problems,
        wrong_version,
        "value",
        f"expected schema_version {SCHEMA_VERSION} (this navigator reads schema version {SCHEMA_VERSION})",
        lambda r: show_value(r["value"]),
    )
    as_of = table.filter(pl.col("key") == "as_of")
    months = parse_column(as_of["value"], "DATE", month=True).values if as_of.height else None
    if months is not None:
        bad = as_of.filter(months.is_null() | (months.dt.day() != 1))
        _report(
            problems,
            bad,
            "value",
            "expected the as-of month as YYYY-MM-01 or YYYY-MM",
            lambda r: show_value(r["value"]),
        )
