"""The revenue an import counts, and the as-of month it leads to: from a transactions export
(duplicates, unpaid lines and lines out of time set aside, currencies converted, service periods
spread, movements derived) or from revenue movements (duplicates and movements out of time set
aside, then checked as a ledger)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from navigator.data import as_of as as_of_rules
from navigator.data.errors import UsageError
from navigator.data.ingest import currencies, transactions
from navigator.data.ingest.checks import ROW_HASH, Checked
from navigator.data.ingest.ledger import check_ledger
from navigator.data.ingest.problems import ImportProblems, Problems
from navigator.data.ingest.set_aside import SetAside, drop_duplicates, drop_out_of_time, drop_unpaid
from navigator.data.ingest.specs import table_specs


@dataclass
class Revenue:
    movements: pl.DataFrame  # revenue_movements, typed, with the helper columns
    lines: pl.DataFrame | None  # the transactions table to store (None: movements were imported)
    as_of: dt.date | None
    dated: pl.DataFrame  # account_id, date, [name]: each account's revenue rows, for derived accounts
    aside: SetAside = field(default_factory=SetAside)
    notes: list[str] = field(default_factory=list)
    currency: str | None = None


@dataclass(frozen=True)
class RevenueOptions:
    as_of: dt.date | None = None  # --as-of
    meta_as_of: dt.date | None = None  # an imported meta's as_of
    today: dt.date = dt.date(1970, 1, 1)  # the import day (rows dated after it are set aside)
    keep_duplicates: bool = False
    rates: currencies.Rates | None = None
    currency: str | None = None


def _duplicate_columns(frame: pl.DataFrame, table: str) -> list[str]:
    """A row's identity: the hash of the file's row (every column) and navigator's columns."""
    return (
        [ROW_HASH, *table_specs()[table].columns] if ROW_HASH in frame.columns else list(table_specs()[table].columns)
    )


def _decide(
    options: RevenueOptions, counts: dict[dt.date, int], what: str, slivers: bool, last: dt.date | None
) -> tuple[dt.date | None, list[str]]:
    """--as-of (up to `last`, the last month with revenue), an imported meta's, or the data's."""
    if options.as_of is not None:
        as_of_rules.check_explicit(options.as_of, last)
        return options.as_of, []
    if options.meta_as_of is not None:
        return options.meta_as_of, []
    if not slivers:
        return max(counts) if counts else None, []
    found = as_of_rules.latest_full_month(counts, what)
    return found.month, found.notes


def from_transactions(checked: Checked, options: RevenueOptions) -> Revenue:
    problems = Problems()
    aside = SetAside()
    notes: list[str] = []
    lines = checked.frame
    if not options.keep_duplicates:
        lines = drop_duplicates(lines, _duplicate_columns(lines, "transactions"), aside)
    lines, statuses = drop_unpaid(lines, aside)
    notes.extend(statuses)
    lines = drop_out_of_time(lines, "date", options.today, aside)
    lines, book, converted = currencies.convert(lines, options.currency, options.rates, problems)
    notes.extend(converted)
    lines = transactions.with_periods(lines, problems)
    if problems:
        raise ImportProblems(problems)
    notes.extend(_unspread_plans(lines))
    spread = lines.filter(pl.col("months") > 1)
    if spread.height:
        notes.append(
            f"{spread.height:,} line{'s' if spread.height != 1 else ''} paying for several months spread over "
            f"their months (amount / months in each: an annual plan pays a twelfth a month)"
        )
    counts = as_of_rules.rows_per_month(lines["date"])
    covered = lines.select((pl.col("start").dt.offset_by(pl.format("{}mo", pl.col("months") - 1))).max()).item()
    last = max([*counts, covered]) if counts else None  # a service period can run past its invoice's month
    month, as_of_notes = _decide(options, counts, "transactions", True, last)
    notes.extend(as_of_notes)
    if month is None:
        raise UsageError("the transactions hold no month to report on: give --as-of YYYY-MM")
    later = lines.filter(pl.col("date") >= as_of_rules.add_months(month, 1)).height
    if later:
        notes.append(
            f"{later:,} transaction{'s' if later != 1 else ''} after {month:%Y-%m} (the as-of month) kept but not "
            "counted; --as-of moves it"
        )
    movements = transactions.derive_movements(lines, month)
    dated = lines.select("account_id", "date", "name")
    return Revenue(movements, transactions.stored(lines), month, dated, aside, notes, book)


def _unspread_plans(lines: pl.DataFrame) -> list[str]:
    """A note when accounts look billed once a year or a quarter but no period says so: each of their
    invoices would count in one month and the account churn until the next."""
    bare = lines.filter(pl.col("interval").is_null() & pl.col("period_end").is_null() & (pl.col("amount") > 0))
    # three invoices or more, of about the same amount, a year (or a quarter) apart each time
    gaps = (
        bare.group_by("account_id", (pl.col("date").dt.year() * 12 + pl.col("date").dt.month()).alias("m"))
        .agg(pl.col("amount").sum())
        .sort("account_id", "m")
        .group_by("account_id")
        .agg(
            pl.col("m").diff().drop_nulls().alias("gaps"),
            (pl.col("amount").max() / pl.col("amount").min()).alias("spread"),
        )
        .filter((pl.col("gaps").list.len() >= 2) & (pl.col("spread") <= 1.25))
    )
    yearly = gaps.filter(pl.col("gaps").list.eval(pl.element().is_between(11, 13)).list.all()).height
    quarterly = gaps.filter(pl.col("gaps").list.eval(pl.element() == 3).list.all()).height
    if not yearly and not quarterly:
        return []
    parts = [
        f"{how} ({n:,} account{'s' * (n != 1)})"
        for n, how in ((yearly, "once a year"), (quarterly, "once a quarter"))
        if n
    ]
    return [
        f"billed about {' and '.join(parts)} with no period given: each invoice counts in its own month and the "
        "account churns until the next; give an interval column (annual, quarterly) or the service period "
        "(docs/import.md, Transactions)"
    ]


def from_movements(checked: Checked, options: RevenueOptions) -> Revenue:
    problems = Problems()
    aside = SetAside()
    frame = checked.frame
    if not options.keep_duplicates:
        frame = drop_duplicates(frame, _duplicate_columns(frame, "revenue_movements"), aside)
    frame = drop_out_of_time(frame, "month", options.today, aside)
    frame, notes = check_ledger(frame, problems)
    if problems:
        raise ImportProblems(problems)
    counts = as_of_rules.rows_per_month(frame["month"])
    month, as_of_notes = _decide(options, counts, "movements", False, max(counts) if counts else None)
    dated = frame.select("account_id", pl.col("month").alias("date"))
    return Revenue(frame, None, month, dated, aside, notes + as_of_notes)
