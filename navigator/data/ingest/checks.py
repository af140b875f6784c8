"""Checking incoming tables with Polars, before anything is written: every value parsed to its
column's type, required values, allowed values (matched ignoring case, spaces and hyphens:
`mid market` is `Mid-market`), the DDL's other CHECKs, unique keys and references. Every problem
names the file, the 1-based data row (the header line is not counted), the column, the value and
what was expected; navigator.data.ingest.problems groups them for the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from navigator.data.ingest.problems import FILE, NUMBER, ROW, Problem, Problems, report, show_value
from navigator.data.ingest.specs import MONTH_COLUMNS, TRANSACTIONS, TableSpec
from navigator.data.ingest.values import EXPECTED_TYPE, POLARS_TYPES, ParseOptions, fold, parse_column
from navigator.data.schema import SCHEMA_VERSION

# Date columns where a time of day is dropped (billing and CRM exports stamp them), not refused.
ANY_TIME = {
    (TRANSACTIONS, "date"),
    (TRANSACTIONS, "period_start"),
    (TRANSACTIONS, "period_end"),
    ("accounts", "created_on"),
}


# A hash of the row as the file has it, every column included (duplicates are rows equal in all).
ROW_HASH = "__row_hash"


def bad_column(column: str) -> str:
    return f"__bad__{column}"


@dataclass
class Part:
    """One file's rows for a table: navigator's column names, raw values, and where they came from."""

    file: str  # as shown to the user
    number: int  # the file's place among the inputs (for sorting problems)
    frame: pl.DataFrame  # navigator's columns (raw values) in any order
    absent: frozenset[str] = frozenset()  # required columns the file lacks (reported already)
    defaulted: frozenset[str] = frozenset()  # columns the importer fills with documented defaults
    row_hash: pl.Series | None = None  # a hash of each row of the file as read (every column)


@dataclass
class Checked:
    """A table's typed rows (navigator's columns plus __file, __row and __number), how its values
    were read, and the currency written with each amount (transactions)."""

    frame: pl.DataFrame
    notes: list[str] = field(default_factory=list)
    defaulted: frozenset[str] = frozenset()


def check_table(spec: TableSpec, parts: list[Part], problems: Problems, options: ParseOptions) -> Checked:
    """Typed rows of every part, problems added on the way."""
    typed_parts = []
    notes: list[str] = []
    defaulted = frozenset().union(*(part.defaulted for part in parts)) if parts else frozenset()
    for part in parts:
        frame = part.frame
        columns: dict[str, pl.Series] = {}
        for column, duck_type in spec.types.items():
            if column not in frame.columns:
                columns[column] = pl.repeat(None, frame.height, dtype=POLARS_TYPES[duck_type], eager=True).alias(column)
                # a missing required column is reported once, not once a row; a defaulted one is
                # filled after the checks
                skipped = column in part.absent or column in part.defaulted
                columns[bad_column(column)] = pl.repeat(skipped, frame.height, eager=True).alias(bad_column(column))
                continue
            raw = frame[column]
            parsed = parse_column(
                raw,
                duck_type,
                month=(spec.name, column) in MONTH_COLUMNS,
                any_time=(spec.name, column) in ANY_TIME,
                options=options,
            )
            columns[column] = parsed.values
            columns[bad_column(column)] = parsed.bad
            if parsed.currencies is not None and spec.name == TRANSACTIONS and column == "amount":
                columns["__written_currency"] = parsed.currencies
            notes.extend(f"{part.file}: column {column}: {note}" for note in parsed.notes)
            if parsed.column_problem:
                problems.add(
                    Problem(
                        part.file,
                        column=column,
                        value=parsed.column_example,
                        expected=parsed.column_problem,
                        order=(part.number, 0),
                    )
                )
            listed = parsed.bad if parsed.silent is None else parsed.bad & ~parsed.silent
            if listed.any():
                failing = _rows(part, frame.height).with_columns(
                    (raw.cast(pl.String, strict=False) if raw.dtype != pl.String else raw).alias("raw"),
                    (
                        parsed.expected
                        if parsed.expected is not None
                        else pl.repeat(EXPECTED_TYPE[duck_type], frame.height, eager=True)
                    ).alias("expected"),
                )
                report(problems, failing.filter(listed), column, pl.col("expected"), lambda r: show_value(r["raw"]))
        if part.row_hash is not None:
            columns[ROW_HASH] = part.row_hash
        typed = pl.DataFrame(columns).with_columns(
            pl.int_range(1, frame.height + 1).alias(ROW),
            pl.lit(part.file, dtype=pl.Categorical).alias(FILE),  # one string a file, not a row
            pl.lit(part.number).alias(NUMBER),
        )
        typed_parts.append(typed)
    table = pl.concat(typed_parts, how="diagonal_relaxed") if typed_parts else pl.DataFrame()

    for column in spec.columns:
        if column in spec.required:
            failing = table.filter(pl.col(column).is_null() & ~pl.col(bad_column(column)))
            report(problems, failing, column, "missing value: expected a value (required)", lambda r: None)
        if column in spec.enums:
            table = _canonical(table, column, spec.enums[column])
            allowed = spec.enums[column]
            failing = table.filter(pl.col(column).is_not_null() & ~pl.col(column).is_in(allowed))
            report(
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
            skip = skip | pl.any_horizontal(
                [pl.col(c).is_null() & pl.lit(c in spec.required or spec.name == TRANSACTIONS) for c in rule.columns]
            )
        failing = table.filter(~skip & ~rule.ok().fill_null(True))
        report(
            problems,
            failing,
            ", ".join(rule.columns),
            rule.expected() if callable(rule.expected) else rule.expected,
            lambda r, cols=rule.columns: (
                ", ".join(show_value(r[c]) for c in cols) if len(cols) > 1 else show_value(r[cols[0]])
            ),
        )
    for key in spec.keys:
        _check_key(table, key, problems)
    return Checked(table, notes, defaulted)


def _rows(part: Part, height: int) -> pl.DataFrame:
    return pl.DataFrame(
        {
            ROW: pl.int_range(1, height + 1, eager=True),
            FILE: [part.file] * height,
            NUMBER: [part.number] * height,
        }
    )


def _canonical(table: pl.DataFrame, column: str, allowed: tuple[str, ...]) -> pl.DataFrame:
    """An allowed value written another way (`mid market`, `ENTERPRISE`) as the DDL spells it."""
    spelled = {fold(value): value for value in allowed}
    folded = pl.col(column).str.to_lowercase().str.replace_all(r"[^\p{L}\p{N}]", "")
    canonical = folded.replace_strict(spelled, default=None, return_dtype=pl.String)
    return table.with_columns(pl.coalesce(canonical, pl.col(column)).alias(column))


def _check_key(table: pl.DataFrame, key: tuple[str, ...], problems: Problems) -> None:
    present = pl.all_horizontal([pl.col(c).is_not_null() for c in key])
    ranked = table.with_columns(
        pl.int_range(pl.len()).over(key).alias("__nth"),
        pl.col(ROW).first().over(key).alias("__first_row"),
        pl.col(FILE).first().over(key).alias("__first_file"),
    )
    failing = ranked.filter(present & (pl.col("__nth") > 0))
    what = " and ".join(key)
    report(
        problems,
        failing,
        ", ".join(key),
        f"expected each {what} once",
        lambda r, key=key: ", ".join(show_value(r[c]) for c in key),
        lambda r: (
            f"a duplicate of row {r['__first_row']}"
            + ("" if r["__first_file"] == r[FILE] else f" of {r['__first_file']}")
        ),
    )


def check_references(
    spec: TableSpec,
    checked: Checked,
    keys: dict[tuple[str, str], pl.Series | None],
    where: dict[str, str],
    problems: Problems,
) -> None:
    """Each reference resolves in the combined data (keys[(table, key)]: None = table absent); a value
    the importer fills with a documented default ('unknown') is not a reference to check."""
    table = checked.frame
    for ref in spec.references:
        known = keys.get((ref.table, ref.key))
        if known is None or ref.column not in table.columns:
            continue
        failing = table.filter(
            pl.col(ref.column).is_not_null()
            & ~pl.col(ref.column).is_in(known.implode())
            & ~pl.col(bad_column(ref.column))
        )
        report(
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
    report(
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
        report(
            problems,
            bad,
            "value",
            "expected the as-of month as YYYY-MM-01 or YYYY-MM",
            lambda r: show_value(r["value"]),
        )
