"""Amounts in several currencies, turned into the book's currency with the rates the user gives
(`--rates FILE`, never fetched from a network). One currency per book is the default: a
transactions file whose amounts come in one currency (or none said) needs no rates; several
currencies without rates are an error that names them.

A row's currency is its `currency` column, else the code or sign written with its amount
(`EUR 12.50`, `$12`). A rates file is a CSV with `currency` and `rate` (what one unit is worth in
the book's currency) and optionally `month` (`YYYY-MM`) for a rate per month; a month without its
own rate takes the currency's rate without a month.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

from navigator.data.errors import UsageError
from navigator.data.ingest.problems import Problem, Problems, report, show_value
from navigator.data.ingest.values import parse_amounts, parse_dates


@dataclass(frozen=True)
class Rates:
    path: str
    frame: pl.DataFrame  # currency (upper case), month (Date or null), rate


def load_rates(path: Path) -> Rates:
    shown = str(path)
    if not path.is_file():
        raise UsageError(f"no such rates file: {shown}")
    try:
        raw = pl.read_csv(path, infer_schema=False, encoding="utf8")
    except (pl.exceptions.PolarsError, UnicodeDecodeError) as exc:
        raise UsageError(f"{shown}: cannot be read as CSV ({str(exc).splitlines()[0]})") from None
    columns = {name.strip().lower(): name for name in raw.columns}
    if "currency" not in columns or "rate" not in columns:
        raise UsageError(f"{shown}: expected the columns currency and rate (and optionally month)")
    currency = raw[columns["currency"]].str.strip_chars().str.to_uppercase()
    rate = parse_amounts(raw[columns["rate"]].str.strip_chars()).values
    month = (
        parse_dates(raw[columns["month"]].str.strip_chars(), month=True).values.dt.month_start()
        if "month" in columns
        else pl.repeat(None, raw.height, dtype=pl.Date, eager=True)
    )
    for index, (code, value) in enumerate(zip(currency, rate, strict=True), start=1):
        if not code or value is None or value <= 0:
            raise UsageError(f"{shown}: row {index}: expected a currency and a rate > 0")
    frame = pl.DataFrame({"currency": currency, "month": month, "rate": rate})
    return Rates(shown, frame)


def book_currency(given: str | None, rates: Rates | None, seen: list[str]) -> str | None:
    """The book's currency: --currency, else the rates file's currency worth 1, else the one seen."""
    if given:
        return given.strip().upper()
    if rates is not None:
        ones = rates.frame.filter(pl.col("rate") == 1)["currency"].unique().to_list()
        if len(ones) == 1:
            return str(ones[0])
        raise UsageError(f"{rates.path}: say which currency the book is in: --currency CODE")
    return seen[0] if len(seen) == 1 else None


def convert(
    frame: pl.DataFrame, given: str | None, rates: Rates | None, problems: Problems
) -> tuple[pl.DataFrame, str | None, list[str]]:
    """Transactions with `amount` in the book's currency, `original_amount` and `currency` as given;
    the book's currency; notes. Problems when currencies mix without rates, or a rate is missing."""
    written = frame["__written_currency"] if "__written_currency" in frame.columns else None
    stated = frame["currency"].str.strip_chars().str.to_uppercase()
    currency = stated if written is None else pl.select(pl.coalesce(stated, written)).to_series()
    frame = frame.with_columns(currency.alias("currency"))
    counts = (
        frame.filter(pl.col("currency").is_not_null())
        .group_by("currency")
        .len()
        .sort(["len", "currency"], descending=[True, False])
    )
    seen = counts["currency"].to_list()
    book = book_currency(given, rates, seen)
    if rates is None and (len(seen) > 1 or (book is not None and seen and seen != [book])):
        listed = ", ".join(
            f"{row['currency']} {row['len']:,} row{'s' * (row['len'] != 1)}"
            for row in counts.head(6).iter_rows(named=True)
        )
        first = frame.filter(pl.col("currency").is_not_null()).row(0, named=True)
        problems.add(
            Problem(
                first["__file"],
                column="currency",
                value=None,
                expected=f"amounts in {len(seen)} currencies ({listed}): expected one currency per book; give "
                "--rates FILE (currency,rate: one unit's value in the book's currency) and --currency CODE",
                order=(first["__number"], 0),
            )
        )
        return frame, book, []
    if rates is None or not seen:
        return frame.with_columns(pl.lit(None, dtype=pl.Float64).alias("original_amount")), book, []
    table = rates.frame
    monthly = table.filter(pl.col("month").is_not_null()).rename({"rate": "__monthly"})
    flat = table.filter(pl.col("month").is_null()).select("currency", pl.col("rate").alias("__flat"))
    joined = (
        frame.with_columns(pl.col("date").dt.month_start().alias("__month"))
        .join(monthly, left_on=["currency", "__month"], right_on=["currency", "month"], how="left")
        .join(flat, on="currency", how="left")
        .with_columns(
            pl.when(pl.col("currency").is_null() | (pl.col("currency") == book))
            .then(pl.lit(1.0))
            .otherwise(pl.coalesce("__monthly", "__flat"))
            .alias("__rate")
        )
    )
    missing = joined.filter(pl.col("__rate").is_null())
    report(
        problems,
        missing,
        "currency",
        pl.format(
            "expected a rate for {} in {} (in {})",
            pl.col("currency"),
            pl.col("__month").dt.strftime("%Y-%m"),
            pl.lit(rates.path),
        ),
        lambda r: show_value(r["currency"]),
    )
    converted = joined.with_columns(
        pl.when(pl.col("__rate") != 1).then(pl.col("amount")).alias("original_amount"),
        (pl.col("amount") * pl.col("__rate")).alias("amount"),
    ).drop("__month", "__monthly", "__flat", "__rate")
    others = [c for c in seen if c != book]
    notes = [f"amounts in {', '.join(others)} converted to {book} with the rates of {rates.path}"] if others else []
    return converted, book, notes
