"""Monthly revenue movements derived from a plain transactions export (docs/import.md).

A transactions file has one row a payment, invoice or credit: `account_id`, `date`, `amount`.
It is read as subscription revenue:

1. An account's revenue in a month (its MRR for that month) is the sum of its amounts dated in
   that month, rounded to cents; a month whose sum is negative (credits beyond charges) counts
   as 0.
2. Months run from the account's first month with revenue to the as-of month; a month without
   transactions is a month with 0 revenue.
3. Each month is compared with the month before (MRR before the first month is 0):
   from 0 to more than 0 is `new` the first time and `reactivation` after that; from more than
   0 to 0 is `churn` (minus the whole previous MRR); up is `expansion`, down is `contraction`,
   both by the difference; no change, no movement.

So a one-off sale is a customer for one month: `new` in its month, `churn` the month after
(unless that is after the as-of month). Transactions after the as-of month are not counted.
Every derived movement is booked by `sales`, with no rep and no deal.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

BOOKED_BY = "sales"
COLUMNS = ("account_id", "month", "kind", "mrr_change", "booked_by", "rep_id", "opportunity_id")


def monthly_revenue(transactions: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """account_id, month, mrr: every month from an account's first revenue to `as_of`."""
    monthly = (
        transactions.lazy()
        .with_columns(pl.col("date").dt.month_start().alias("month"))
        .filter(pl.col("month") <= as_of)
        .group_by("account_id", "month")
        .agg(pl.col("amount").sum().round(2).alias("total"))
        .with_columns(pl.max_horizontal(pl.col("total"), pl.lit(0.0)).alias("mrr"))
        .select("account_id", "month", "mrr")
    )
    first = monthly.filter(pl.col("mrr") > 0).group_by("account_id").agg(pl.col("month").min().alias("first"))
    grid = (
        first.with_columns(pl.date_ranges(pl.col("first"), pl.lit(as_of), interval="1mo").alias("month"))
        .explode("month")
        .select("account_id", "month")
    )
    return (
        grid.join(monthly, on=["account_id", "month"], how="left")
        .with_columns(pl.col("mrr").fill_null(0.0))
        .sort("account_id", "month")
        .collect()
    )


def derive_movements(transactions: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """revenue_movements rows (in the table's column order) from typed transactions."""
    series = monthly_revenue(transactions, as_of)
    previous = pl.col("mrr").shift(1, fill_value=0.0).over("account_id")
    had_revenue = (pl.col("mrr") > 0).cast(pl.Int32).cum_sum().over("account_id")
    movements = series.with_columns(previous.alias("before"), had_revenue.alias("months_with_revenue")).with_columns(
        pl.when((pl.col("before") == 0) & (pl.col("mrr") > 0) & (pl.col("months_with_revenue") == 1))
        .then(pl.lit("new"))
        .when((pl.col("before") == 0) & (pl.col("mrr") > 0))
        .then(pl.lit("reactivation"))
        .when((pl.col("before") > 0) & (pl.col("mrr") == 0))
        .then(pl.lit("churn"))
        .when(pl.col("mrr") > pl.col("before"))
        .then(pl.lit("expansion"))
        .when(pl.col("mrr") < pl.col("before"))
        .then(pl.lit("contraction"))
        .alias("kind"),
        (pl.col("mrr") - pl.col("before")).round(2).alias("mrr_change"),
    )
    return (
        movements.filter(pl.col("kind").is_not_null() & (pl.col("mrr_change") != 0))
        .with_columns(
            pl.lit(BOOKED_BY).alias("booked_by"),
            pl.lit(None, dtype=pl.String).alias("rep_id"),
            pl.lit(None, dtype=pl.String).alias("opportunity_id"),
        )
        .select(COLUMNS)
    )
