"""Accounts when the data brings none, or brings them without some columns (docs/import.md,
"Accounts are optional"): every account the revenue names gets a row, and a column the data does
not give takes its documented default: the name is the account id (or the customer name a
transactions file gives), the date it was created is the date of its first revenue (for an account
without revenue, the first date of the revenue data), the market, segment, region, owner and
source are 'unknown' (an account made from the revenue was referred by no one)."""

from __future__ import annotations

import datetime as dt

import polars as pl

from navigator.data.ingest.columns import ACCOUNT_DEFAULTS, UNKNOWN

DERIVED_KEY = "accounts_derived_from"


def first_revenue(revenue: pl.DataFrame, date_column: str) -> pl.DataFrame:
    """account_id, first (the date of its first revenue row), name (a customer name, if given)."""
    names = [pl.col("name").drop_nulls().first().alias("name")] if "name" in revenue.columns else []
    return revenue.group_by("account_id").agg(pl.col(date_column).min().alias("first"), *names)


def derive_accounts(revenue: pl.DataFrame, date_column: str) -> pl.DataFrame:
    """One accounts row per account id of the revenue, with the defaults."""
    known = first_revenue(revenue, date_column).sort("account_id")
    blank = pl.DataFrame({"account_id": known["account_id"], "referred_by": [None] * known.height},
                         schema={"account_id": pl.String, "referred_by": pl.String})  # fmt: skip
    return fill_defaults(blank, set(ACCOUNT_DEFAULTS), known, known["first"].min())


def fill_defaults(
    accounts: pl.DataFrame, columns: set[str], known: pl.DataFrame, earliest: dt.date | None
) -> pl.DataFrame:
    """`accounts` with the empty values of the `columns` some of its files lack filled: from `known`
    (first revenue, name) or the constants of ACCOUNT_DEFAULTS."""
    extra = known.select(
        "account_id",
        pl.col("first").alias("__first"),
        (pl.col("name") if "name" in known.columns else pl.lit(None, dtype=pl.String)).alias("__name"),
    )
    frame = accounts.join(extra, on="account_id", how="left")
    fills = []
    for column in sorted(columns):
        given = pl.col(column) if column in frame.columns else pl.lit(None)
        if column == "name":
            fills.append(pl.coalesce(given, "__name", "account_id").alias("name"))
        elif column == "created_on":
            fills.append(pl.coalesce(given, "__first", pl.lit(earliest, dtype=pl.Date)).alias("created_on"))
        else:
            assert ACCOUNT_DEFAULTS[column] == UNKNOWN
            fills.append(pl.coalesce(given.cast(pl.String), pl.lit(UNKNOWN)).alias(column))
    return frame.with_columns(fills).drop("__first", "__name")
