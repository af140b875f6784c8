"""From orders to one row a customer, in the convention of the lifetimes package (and of the papers).

- A **purchase day** is a day on which a customer's orders net to 0 or more. Orders of the
  same day are one purchase: BG/NBD counts purchase occasions, and a basket split into several
  order lines or invoices is one occasion. A free order (amount 0) is a purchase; a day of
  returns or credits only (netting below 0) is not.
- **frequency** = purchase days - 1: the repeat purchases (the first purchase is the customer's
  birth, not a repeat).
- **recency** = the customer's age at the last purchase day (first to last purchase day), 0 for
  a customer with no repeat purchase.
- **T** = the customer's age at the cut-off (first purchase day to the cut-off, which counts as
  observed: orders dated on it are in).
- **monetary_value** = the mean value of the repeat purchase days (the first purchase left
  out, as Gamma-Gamma assumes); null for a customer with no repeat purchase.

Time is in **weeks** (days / 7, not rounded): the unit of the papers, so fitted parameters read
like the published ones (alpha in weeks); days would only scale alpha by 7. This is lifetimes'
`summary_data_from_transaction_data(..., freq="D", freq_multiplier=7)`.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

DAYS_PER_WEEK = 7.0
WEEKS_PER_MONTH = 365.25 / 12 / DAYS_PER_WEEK

SUMMARY_COLUMNS = ("first_purchase", "frequency", "recency", "T", "monetary_value")


def customer_summary(
    orders: pl.DataFrame | pl.LazyFrame,
    *,
    cut_off: dt.date,
    customer: str = "account_id",
    date: str = "date",
    amount: str = "amount",
) -> pl.DataFrame:
    """One row a customer who bought on or before `cut_off`: the customer column, then
    first_purchase, frequency, recency, T, monetary_value (weeks; sorted by customer).

    Orders after `cut_off` are left out; rows with a null customer, date or amount are ignored.
    `date` may be a Date or a Datetime (the day counts).
    """
    days = _purchase_days(orders, customer, date, amount).filter(pl.col("day") <= cut_off)
    return _summarise(days, customer, cut_off).collect()


def calibration_and_holdout(
    orders: pl.DataFrame | pl.LazyFrame,
    *,
    calibration_end: dt.date,
    observation_end: dt.date,
    customer: str = "account_id",
    date: str = "date",
    amount: str = "amount",
) -> pl.DataFrame:
    """The summary at `calibration_end` of the customers who bought by then, with what they did
    after it up to `observation_end`: frequency_holdout (purchase days in the holdout),
    revenue_holdout (their value) and duration_holdout (the holdout's length in weeks).
    Customers whose first purchase falls in the holdout are not in it: the model forecasts the
    customers it was fitted on."""
    if observation_end <= calibration_end:
        raise ValueError(f"observation_end {observation_end} must come after calibration_end {calibration_end}")
    days = _purchase_days(orders, customer, date, amount).filter(pl.col("day") <= observation_end)
    return _split(days, customer, calibration_end, observation_end)


def split_history(
    orders: pl.DataFrame | pl.LazyFrame,
    *,
    observation_end: dt.date,
    calibration_share: float,
    customer: str = "account_id",
    date: str = "date",
    amount: str = "amount",
) -> tuple[dt.date, pl.DataFrame] | None:
    """`calibration_and_holdout` split at `calibration_share` of the history, which runs from the
    first purchase day in the orders (a credit or a row with nulls before it does not count) to
    `observation_end`: (calibration_end, the frame). None when the history spans under 2 days."""
    if not 0 < calibration_share < 1:
        raise ValueError("calibration_share must lie strictly between 0 and 1")
    # the purchase days once, for both the start of the history and the split
    days = _purchase_days(orders, customer, date, amount).filter(pl.col("day") <= observation_end).collect()
    first: dt.date | None = days["day"].min()  # type: ignore[assignment]
    if first is None or (observation_end - first).days < 2:
        return None
    calibration_end = first + dt.timedelta(days=round((observation_end - first).days * calibration_share))
    return calibration_end, _split(days.lazy(), customer, calibration_end, observation_end)


def _purchase_days(orders: pl.DataFrame | pl.LazyFrame, customer: str, date: str, amount: str) -> pl.LazyFrame:
    """customer, day, value: one row a purchase day (orders of a day summed; net >= 0 only)."""
    return (
        orders.lazy()
        .select(pl.col(customer), pl.col(date).cast(pl.Date).alias("day"), pl.col(amount).cast(pl.Float64))
        .drop_nulls()
        .group_by(customer, "day")
        .agg(pl.col(amount).sum().alias("value"))
        .filter(pl.col("value") >= 0)
    )


def _summarise(days: pl.LazyFrame, customer: str, cut_off: dt.date) -> pl.LazyFrame:
    per_customer = days.group_by(customer).agg(
        pl.col("day").min().alias("first_purchase"),
        pl.col("day").max().alias("last_purchase"),
        pl.len().alias("purchase_days"),
        pl.col("value").sum().alias("total_value"),
        pl.col("value").sort_by("day").first().alias("first_value"),
    )
    frequency = pl.col("purchase_days").cast(pl.Int64) - 1
    return per_customer.select(
        pl.col(customer),
        pl.col("first_purchase"),
        frequency.alias("frequency"),
        ((pl.col("last_purchase") - pl.col("first_purchase")).dt.total_days() / DAYS_PER_WEEK).alias("recency"),
        ((pl.lit(cut_off) - pl.col("first_purchase")).dt.total_days() / DAYS_PER_WEEK).alias("T"),
        pl.when(frequency > 0)
        .then((pl.col("total_value") - pl.col("first_value")) / frequency)
        .otherwise(None)
        .alias("monetary_value"),
    ).sort(customer)


def _split(days: pl.LazyFrame, customer: str, calibration_end: dt.date, observation_end: dt.date) -> pl.DataFrame:
    calibration = _summarise(days.filter(pl.col("day") <= calibration_end), customer, calibration_end)
    holdout = (
        days.filter(pl.col("day") > calibration_end)
        .group_by(customer)
        .agg(pl.len().cast(pl.Int64).alias("frequency_holdout"), pl.col("value").sum().alias("revenue_holdout"))
    )
    duration = (observation_end - calibration_end).days / DAYS_PER_WEEK
    return (
        calibration.join(holdout, on=customer, how="left")
        .with_columns(
            pl.col("frequency_holdout").fill_null(0),
            pl.col("revenue_holdout").fill_null(0.0),
            pl.lit(duration).alias("duration_holdout"),
        )
        .sort(customer)
        .collect()
    )
