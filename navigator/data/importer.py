"""`navigator import`: validate export files with Polars, then build the new database beside the
old one and swap it in atomically (docs/import.md). The steps live in `navigator.data.ingest`:

1. **Plan** (`plan`): which table each file fills.
2. **Validate, writing nothing** (`incoming`, `columns`, `values`, `checks`): every file read,
   its columns matched, its values parsed and checked, references resolved; any problem ends the
   import with the grouped list (`ImportProblems`).
3. **Revenue** (`revenue`, `transactions`, `ledger`, `set_aside`, `currencies`, `as_of`): the rows
   set aside (duplicates, unpaid, out of time), currencies converted, service periods spread,
   movements derived or checked as a ledger, and the as-of month from the data.
4. **Accounts** (`accounts`): made from the revenue when none are given; missing columns defaulted.
5. **Build beside, then swap** (`swap`): the new file written beside the old one and renamed over
   it; an interruption before the rename leaves the old file untouched.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import signal
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import polars as pl

from navigator.data.errors import DataSourceError, NavigatorError
from navigator.data.ingest import accounts as derived_accounts
from navigator.data.ingest import revenue
from navigator.data.ingest.checks import strip_helpers
from navigator.data.ingest.columns import describe_defaults
from navigator.data.ingest.currencies import load_rates
from navigator.data.ingest.incoming import DERIVED, Incoming, validate
from navigator.data.ingest.mapping import load_mapping
from navigator.data.ingest.old_file import OldFile, inspect_old
from navigator.data.ingest.plan import plan_inputs
from navigator.data.ingest.problems import ImportProblems
from navigator.data.ingest.set_aside import SetAside
from navigator.data.ingest.specs import TRANSACTIONS, table_specs
from navigator.data.ingest.swap import (
    PAUSE_ENV,
    ImportInterrupted,
    Progress,
    build,
    clean_stale,
    interruptible,
)
from navigator.data.ingest.values import ParseOptions
from navigator.data.queries import parse_month_or_date
from navigator.data.schema import ALL_TABLES, REQUIRED_TABLES, SCHEMA_VERSION

GENERATOR = "navigator import"


@dataclass
class ImportResult:
    target: Path
    loaded: dict[str, int]  # table -> rows written
    sources: dict[str, list[str]]  # table -> files it came from
    kept: list[str]  # tables copied from the old file
    as_of: dt.date | None
    transactions: int | None = None  # transactions read, when revenue was derived from them
    notes: list[str] = field(default_factory=list)  # how the data was read (stderr)
    summary: list[str] = field(default_factory=list)  # what the import did with it (stdout)
    set_aside: list[str] = field(default_factory=list)  # the rows set aside, grouped (stderr)
    set_aside_count: int = 0


@dataclass(frozen=True)
class ImportOptions:
    """How the files are read (the options of `navigator import`)."""

    table: str | None = None
    mapping_path: Path | None = None
    as_of: dt.date | None = None
    date_format: str | None = None
    decimal_comma: bool = False
    rates_path: Path | None = None
    currency: str | None = None
    keep_duplicates: bool = False


def run_import(
    target: Path,
    paths: list[Path],
    options: ImportOptions | None = None,
    *,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
    today: dt.date | None = None,
    **given: object,
) -> ImportResult:
    """Validate `paths` and write them into `target` (see the module docstring). Options as an
    ImportOptions, or by name (`as_of=...`, `table=...`)."""
    options = options or ImportOptions(**given)  # type: ignore[arg-type]
    report = progress or (lambda fraction, label: None)
    target = Path(target).expanduser()
    mapping = load_mapping(options.mapping_path)
    rates = load_rates(options.rates_path) if options.rates_path is not None else None
    parse = ParseOptions(options.date_format, options.decimal_comma)
    inputs, notes = plan_inputs([Path(p).expanduser() for p in paths], options.table, mapping, options.mapping_path)
    with interruptible() as guard:
        try:
            old = inspect_old(target)
            clean_stale(target)
            incoming = validate(inputs, mapping, old, parse, report)
            meta_as_of = _as_of_from_meta(incoming)
            revenue_options = revenue.RevenueOptions(
                as_of=options.as_of,
                meta_as_of=meta_as_of,
                today=today or dt.date.today(),
                keep_duplicates=options.keep_duplicates,
                rates=rates,
                currency=options.currency,
            )
            found = _revenue(incoming, revenue_options)
            month = found.as_of if found is not None else options.as_of or meta_as_of or _old_as_of(old)
            summary = incoming.notes + (found.notes if found is not None else [])
            tables = _tables(incoming, found, old, summary)
            meta = _meta(incoming, old, found, month, now)
            incoming.tables.clear()  # the checked frames are not needed any more: less memory while building
            drop = frozenset({TRANSACTIONS}) if found is not None and found.lines is None else frozenset()
            if found is not None:
                found.movements = found.dated = found.lines = None  # type: ignore[assignment]
            if drop and old is not None and TRANSACTIONS in old.navigator_tables:
                summary.append(
                    "the previous file's transactions are left out: revenue_movements no longer come from them"
                )
            loaded = {name: tables[name].height for name in ALL_TABLES if name in tables}
            kept = build(target, old, tables, meta, report, guard, drop)
        except BaseException as exc:
            if guard.received and not guard.swapped and not isinstance(exc, NavigatorError):
                raise ImportInterrupted(guard.received[0], target) from None
            raise
    if guard.received:
        name = signal.Signals(guard.received[0]).name
        notes.append(f"{name} arrived after the new file was in place: the import is complete")
    sources = dict(incoming.sources)
    if TRANSACTIONS in sources:
        sources["revenue_movements"] = sources[TRANSACTIONS]
    aside = found.aside if found is not None else SetAside()
    if aside.total:
        why = ", ".join(f"{count:,} {reason}" for reason, count in aside.reasons().items())
        summary.append(f"{aside.total:,} row{'s' if aside.total != 1 else ''} set aside, not counted: {why}")
    return ImportResult(
        target=target,
        loaded=loaded,
        sources={name: sources.get(name, []) for name in loaded},
        kept=kept,
        as_of=month,
        transactions=loaded.get(TRANSACTIONS),
        notes=notes,
        summary=summary,
        set_aside=aside.lines(),
        set_aside_count=aside.total,
    )


def _revenue(incoming: Incoming, options: revenue.RevenueOptions) -> revenue.Revenue | None:
    if TRANSACTIONS in incoming.tables:
        return revenue.from_transactions(incoming.tables[TRANSACTIONS], options)
    if "revenue_movements" in incoming.tables:
        return revenue.from_movements(incoming.tables["revenue_movements"], options)
    return None


def _tables(
    incoming: Incoming, found: revenue.Revenue | None, old: OldFile | None, summary: list[str]
) -> dict[str, pl.DataFrame]:
    """The tables to write, in the schema's columns."""
    specs = table_specs()
    tables = {
        name: strip_helpers(checked.frame, specs[name])
        for name, checked in incoming.tables.items()
        if name not in (TRANSACTIONS, "revenue_movements", "accounts")
    }
    if found is not None:
        tables["revenue_movements"] = strip_helpers(found.movements, specs["revenue_movements"])
        if found.lines is not None:
            tables[TRANSACTIONS] = found.lines
    if incoming.derive_accounts:
        assert found is not None
        made = derived_accounts.derive_accounts(found.dated, "date")
        tables["accounts"] = made.select(specs["accounts"].columns)
        summary.append(
            f"accounts: {made.height:,} made from the account ids of the revenue (no accounts file): "
            + describe_defaults(set(derived_accounts.ACCOUNT_DEFAULTS))
        )
    elif "accounts" in incoming.tables:
        checked = incoming.tables["accounts"]
        frame = checked.frame
        if checked.defaulted:
            dated = found.dated if found is not None else _old_revenue_dates(old)
            known = derived_accounts.first_revenue(dated, "date")
            earliest = dated["date"].min() if dated.height else None
            frame = derived_accounts.fill_defaults(frame, set(checked.defaulted), known, earliest)  # type: ignore[arg-type]
        tables["accounts"] = strip_helpers(frame, specs["accounts"])
    return tables


def _old_revenue_dates(old: OldFile | None) -> pl.DataFrame:
    """account_id, date: the first month of each account's revenue in the file being replaced."""
    empty = pl.DataFrame(schema={"account_id": pl.String, "date": pl.Date})
    if old is None or "revenue_movements" not in old.navigator_tables:
        return empty
    conn = old.connect()
    try:
        return conn.execute(
            "SELECT account_id, min(month) AS date FROM main.revenue_movements GROUP BY account_id"
        ).pl()
    except duckdb.Error:
        return empty
    finally:
        conn.close()


def _as_of_from_meta(incoming: Incoming) -> dt.date | None:
    if "meta" not in incoming.tables:
        return None
    frame = incoming.tables["meta"].frame
    rows = frame.filter(pl.col("key") == "as_of")["value"].to_list()
    return parse_month_or_date(rows[0]).replace(day=1) if rows else None


def _old_as_of(old: OldFile | None) -> dt.date | None:
    """Without revenue imported: the old file's as-of month, or the latest month of its revenue."""
    if old is None:
        return None
    if "as_of" in old.meta:
        with contextlib.suppress(ValueError):
            return parse_month_or_date(old.meta["as_of"]).replace(day=1)
    if "revenue_movements" in old.navigator_tables:
        conn = old.connect()
        try:
            row = conn.execute("SELECT max(month) FROM main.revenue_movements").fetchone()
        finally:
            conn.close()
        return row[0] if row else None
    return None


def _meta(
    incoming: Incoming, old: OldFile | None, found: revenue.Revenue | None, as_of: dt.date | None,
    now: dt.datetime | None,
) -> dict[str, str]:  # fmt: skip
    values: dict[str, str] = {}
    if "meta" in incoming.tables:
        frame = incoming.tables["meta"].frame
        values.update(dict(zip(frame["key"].to_list(), frame["value"].to_list(), strict=True)))
    previous = old.meta if old is not None else {}
    if found is None:  # the revenue is kept: so are the facts about it
        for key in ("rows_set_aside", "rows_set_aside_why", "currency", "revenue_derived_from"):
            if key in previous:
                values.setdefault(key, previous[key])
    else:
        if found.aside.total:
            values["rows_set_aside"] = str(found.aside.total)
            values["rows_set_aside_why"] = "; ".join(f"{n} {why}" for why, n in found.aside.reasons().items())
        if found.currency:
            values["currency"] = found.currency
        if found.lines is not None:
            values["revenue_derived_from"] = TRANSACTIONS
    if incoming.derive_accounts:
        values[DERIVED] = "revenue"
    elif "accounts" not in incoming.tables and DERIVED in previous:
        values[DERIVED] = previous[DERIVED]
    values["schema_version"] = SCHEMA_VERSION
    if as_of is not None:
        values["as_of"] = as_of.isoformat()
    else:
        values.pop("as_of", None)
    values["generator"] = GENERATOR
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    values["imported_at"] = stamp.isoformat().replace("+00:00", "Z")
    return values


def refresh(target: Path, progress: Progress | None = None) -> float:
    """Rebuild the summary tables of a navigator database (after it was changed by other means than
    `navigator import`), with the same guarantees as an import: a new file is written beside the old
    one and renamed over it, so a failure or an interruption leaves the old file as it was, and
    dashboards that have it open keep reading it. Returns the seconds it took."""
    report = progress or (lambda fraction, label: None)
    target = Path(target).expanduser()
    if not target.exists():
        raise DataSourceError(f"no such file: {target}")
    started = time.perf_counter()
    with interruptible() as guard:
        try:
            old = inspect_old(target)
            assert old is not None
            missing = [name for name in REQUIRED_TABLES if name not in old.navigator_tables]
            if missing:
                raise DataSourceError(
                    f"{target} is not a navigator database: it has no {' and no '.join(missing)} table"
                )
            clean_stale(target)
            build(target, old, {}, None, report, guard)
        except BaseException as exc:
            if guard.received and not guard.swapped and not isinstance(exc, NavigatorError):
                raise ImportInterrupted(guard.received[0], target, "refresh") from None
            raise
    return time.perf_counter() - started


__all__ = ["PAUSE_ENV", "ImportOptions", "ImportProblems", "ImportResult", "interruptible", "refresh", "run_import"]
