"""Monthly revenue movements derived from order, invoice or payment lines (docs/import.md,
"Transactions").

1. **Spread over the service period.** A line that pays for a period (a service start and end, or
   an interval such as quarterly or annual) counts `amount / n` in each of its `n` months, from the
   month the period starts: an annual plan billed up front pays amount / 12 a month, so a customer
   billed once a year or a quarter is not a customer who churns in between. A line without a
   period counts in the month of its date.
2. **Monthly revenue.** An account's MRR for a month is the sum of what its lines put there,
   rounded to cents; a month whose sum is negative (credits beyond charges) counts as 0.
3. **A $0 invoice inside a running subscription keeps the customer.** A month whose only lines
   are $0 (a free month, a pause), between the account's paid months, carries the MRR of the month
   before: the customer is still one. $0 lines with no paid month after them (up to the as-of
   month) are a downgrade to a free plan: MRR 0, a churn. A $0 line before any revenue (a free
   trial) makes no customer; a month with no line at all is a month without revenue.
4. **Months run** from an account's first month with revenue to the as-of month.
5. **Differences become movements**: from 0 to more is `new` the first time and `reactivation`
   after that; from more to 0 is `churn` (the whole previous MRR); up is `expansion`, down is
   `contraction`; no change, no movement. Every derived movement is booked by `sales`, with no
   rep and no deal. Lines after the as-of month are kept in `transactions` but not counted.
"""

from __future__ import annotations

import datetime as dt
import re

import polars as pl

from navigator.data.ingest.problems import Problems, report, show_value

BOOKED_BY = "sales"
COLUMNS = ("account_id", "month", "kind", "mrr_change", "booked_by", "rep_id", "opportunity_id")
STORED = ("account_id", "date", "amount", "period_start", "period_end", "months", "currency", "original_amount",
          "transaction_id")  # fmt: skip
DAYS_A_MONTH = 365.25 / 12

# An interval's length in months (0: no spreading, the line counts in its own month).
_UNITS = {
    "month": 1, "monthly": 1, "mo": 1, "m": 1, "quarter": 3, "quarterly": 3, "q": 3,
    "halfyear": 6, "halfyearly": 6, "semiannual": 6, "semiannually": 6, "biannual": 6, "semester": 6,
    "year": 12, "yearly": 12, "annual": 12, "annually": 12, "y": 12, "yr": 12, "biennial": 24,
    "week": 0, "weekly": 0, "day": 0, "daily": 0, "onetime": 0, "once": 0, "oneoff": 0, "none": 0,
}  # fmt: skip
_COUNTED = re.compile(r"^(\d+)\s*(month|months|mo|year|years|yr|week|weeks|day|days|quarter|quarters)$")


def interval_months(text: str | None) -> int | None:
    """Months of an interval written as `quarterly`, `annual`, `3 months`, `1 year` ...; None if unknown."""
    if text is None:
        return 1
    lowered = text.strip().lower()
    folded = re.sub(r"[^a-z]", "", lowered)
    if folded in _UNITS:
        return _UNITS[folded]
    match = _COUNTED.match(lowered)
    if match:
        count, unit = int(match.group(1)), match.group(2).rstrip("s")
        return count * {"month": 1, "mo": 1, "year": 12, "yr": 12, "quarter": 3}.get(unit, 0)
    return None


def with_periods(frame: pl.DataFrame, problems: Problems) -> pl.DataFrame:
    """Each line's service period: `start` (its first month), `months` (n >= 1) and, for the stored
    table, `period_start` and `period_end` (the last day, inclusive) when a period was given."""
    intervals = frame["interval"].unique().to_list() if "interval" in frame.columns else []
    known = {value: interval_months(value) for value in intervals}
    unknown = [value for value, months in known.items() if months is None]
    if unknown:
        report(
            problems,
            frame.filter(pl.col("interval").is_in(unknown)),
            "interval",
            "expected an interval such as month, quarter, year, annual or 3 months (or leave it empty)",
            lambda r: show_value(r["interval"]),
        )
    unit = pl.col("interval").replace_strict({k: v for k, v in known.items() if v is not None}, default=1,
                                            return_dtype=pl.Int32)  # fmt: skip
    by_interval = unit * pl.col("interval_count").fill_null(1)
    days = (pl.col("period_end") - pl.col("period_start")).dt.total_days()
    by_dates = (days / DAYS_A_MONTH).round(0).cast(pl.Int32)
    until_end = ((pl.col("period_end") - pl.col("date")).dt.total_days() / DAYS_A_MONTH).round(0).cast(pl.Int32)
    months = (
        pl.when(pl.col("period_start").is_not_null() & pl.col("period_end").is_not_null())
        .then(by_dates)
        .when(pl.col("interval").is_not_null())
        .then(by_interval)
        .when(pl.col("period_end").is_not_null())
        .then(until_end)
        .otherwise(1)
    )
    start = pl.coalesce("period_start", "date")
    return frame.with_columns(
        pl.max_horizontal(months, pl.lit(1)).cast(pl.Int32).alias("months"),
        start.dt.month_start().alias("start"),
    ).with_columns(
        pl.when(pl.col("interval").is_not_null() & pl.col("period_end").is_null() & (by_interval > 0))
        .then(start.dt.offset_by(pl.format("{}mo", pl.col("months"))) - pl.duration(days=1))
        .otherwise(pl.col("period_end"))
        .alias("period_end"),
        pl.when(pl.col("interval").is_not_null() | pl.col("period_end").is_not_null())
        .then(start)
        .otherwise(pl.col("period_start"))
        .alias("period_start"),
    )


def stored(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of the `transactions` table."""
    return frame.select([pl.col(c) if c in frame.columns else pl.lit(None).alias(c) for c in STORED]).with_columns(
        pl.col("months").cast(pl.Int32)
    )


def monthly_revenue(lines: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """account_id, month, mrr: every month from an account's first revenue to `as_of`."""
    shares = (
        lines.lazy()
        .select("account_id", "start", "months", "amount")
        .with_columns(pl.int_ranges(0, pl.col("months")).alias("k"))
        .explode("k")
        .with_columns(
            pl.col("start").dt.offset_by(pl.format("{}mo", pl.col("k"))).alias("month"),
            (pl.col("amount") / pl.col("months")).alias("share"),
        )
        .filter(pl.col("month") <= as_of)
    )
    monthly = (
        shares.group_by("account_id", "month")
        .agg(pl.col("share").sum().round(2).alias("total"), (pl.col("share") == 0).all().alias("only_zero"))
        .with_columns(pl.max_horizontal(pl.col("total"), pl.lit(0.0)).alias("mrr"))
    )
    first = monthly.filter(pl.col("mrr") > 0).group_by("account_id").agg(pl.col("month").min().alias("first"))
    grid = (
        first.with_columns(pl.date_ranges(pl.col("first"), pl.lit(as_of), interval="1mo").alias("month"))
        .explode("month")
        .select("account_id", "month")
    )
    paid = pl.col("mrr").fill_null(0.0) > 0
    # a paid month after this one (before or in the as-of month): a $0 month between is a pause
    paid_later = paid.reverse().cum_max().reverse().shift(-1, fill_value=False)
    return (
        grid.join(monthly, on=["account_id", "month"], how="left")
        .sort("account_id", "month")
        .with_columns(paid_later.over("account_id").alias("paid_later"))
        .with_columns(
            # a month of $0 lines only, with a paid month after it, keeps the MRR of the month before
            # (forward: several in a row); $0 lines with none after are a free plan: 0
            pl.when(pl.col("only_zero").fill_null(False) & pl.col("paid_later"))
            .then(None)
            .otherwise(pl.col("mrr").fill_null(0.0))
            .forward_fill()
            .over("account_id")
            .fill_null(0.0)
            .alias("mrr")
        )
        .select("account_id", "month", "mrr")
        .collect()
    )


def derive_movements(lines: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """revenue_movements rows (in the table's column order) from lines with their periods."""
    series = monthly_revenue(lines, as_of)
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
