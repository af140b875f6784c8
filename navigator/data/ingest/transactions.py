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


def plus_months(month: pl.Expr, count: pl.Expr) -> pl.Expr:
    """The first day of the month `count` months after `month` (a first day), by arithmetic."""
    index = month.dt.year() * 12 + month.dt.month() - 1 + count
    return pl.date(index // 12, index % 12 + 1, 1)


def stored(frame: pl.DataFrame) -> pl.DataFrame:
    """The rows of the `transactions` table."""
    return frame.select([pl.col(c) if c in frame.columns else pl.lit(None).alias(c) for c in STORED]).with_columns(
        pl.col("months").cast(pl.Int32)
    )


def monthly_revenue(lines: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """account_id, month, mrr, contiguous (the row before is the same account's month before) and
    first_paid (its first month with revenue): the months with lines, from an account's first
    revenue to `as_of`, sorted. A month between two listed ones that is not listed has no line: its
    MRR is 0. (Sorted rows and shifts rather than windows per account: an order log has hundreds of
    thousands of accounts.)"""
    shares = (
        lines.lazy()
        .select("account_id", "start", "months", "amount")
        .with_columns(pl.int_ranges(0, pl.col("months")).alias("k"))
        .explode("k")
        .with_columns(
            plus_months(pl.col("start"), pl.col("k")).alias("month"),
            (pl.col("amount") / pl.col("months")).alias("share"),
        )
        .filter(pl.col("month") <= as_of)
    )
    monthly = (
        shares.group_by("account_id", "month")
        .agg(pl.col("share").sum().round(2).alias("total"), (pl.col("share") == 0).all().alias("only_zero"))
        .with_columns(pl.max_horizontal(pl.col("total"), pl.lit(0.0)).alias("mrr"))
    )
    paid = (
        monthly.filter(pl.col("mrr") > 0)
        .group_by("account_id")
        .agg(pl.col("month").min().alias("first"), pl.col("month").max().alias("last"))
    )
    same = pl.col("account_id") == pl.col("account_id").shift(1)
    contiguous = same & (plus_months(pl.col("month").shift(1), pl.lit(1)) == pl.col("month"))
    return (
        monthly.join(paid, on="account_id", how="inner")
        .filter(pl.col("month") >= pl.col("first"))  # from the first paid month on
        .sort("account_id", "month")
        .with_columns(contiguous.fill_null(False).alias("contiguous"))
        .with_columns(
            # a month of $0 lines only, before a later paid month, keeps the MRR of the month before
            # (forward: several in a row; only from a contiguous month of the same account); $0 lines
            # with no paid month after them are a free plan: 0
            pl.when(pl.col("only_zero") & (pl.col("month") < pl.col("last")) & pl.col("contiguous"))
            .then(None)
            .otherwise(pl.col("mrr"))
            .forward_fill()
            .alias("mrr"),
            (pl.col("month") == pl.col("first")).alias("first_paid"),
        )
        .select("account_id", "month", "mrr", "contiguous", "first_paid")
        .collect()
    )


def _kind(before: pl.Expr, after: pl.Expr, first_paid: pl.Expr) -> pl.Expr:
    return (
        pl.when((before == 0) & (after > 0) & first_paid)
        .then(pl.lit("new"))
        .when((before == 0) & (after > 0))
        .then(pl.lit("reactivation"))
        .when((before > 0) & (after == 0))
        .then(pl.lit("churn"))
        .when(after > before)
        .then(pl.lit("expansion"))
        .when(after < before)
        .then(pl.lit("contraction"))
    )


def derive_movements(lines: pl.DataFrame, as_of: dt.date) -> pl.DataFrame:
    """revenue_movements rows (in the table's column order) from lines with their periods: at each
    month with lines, the change from the month before (0 after a month without lines), and a churn
    in the month after a month with lines that the next month has none (up to the as-of month)."""
    series = monthly_revenue(lines, as_of)
    before = pl.when(pl.col("contiguous")).then(pl.col("mrr").shift(1)).otherwise(0.0)
    at_lines = series.with_columns(before.alias("before")).select(
        "account_id",
        "month",
        _kind(pl.col("before"), pl.col("mrr"), pl.col("first_paid")).alias("kind"),
        (pl.col("mrr") - pl.col("before")).round(2).alias("mrr_change"),
    )
    following = plus_months(pl.col("month"), pl.lit(1))
    continues = (pl.col("account_id").shift(-1) == pl.col("account_id")) & (pl.col("month").shift(-1) == following)
    gaps = series.filter((pl.col("mrr") > 0) & (following <= as_of) & ~continues.fill_null(False)).select(
        "account_id", following.alias("month"), pl.lit("churn").alias("kind"), (-pl.col("mrr")).alias("mrr_change")
    )
    return (
        pl.concat([at_lines, gaps])
        .filter(pl.col("kind").is_not_null() & (pl.col("mrr_change") != 0))
        .sort("account_id", "month")
        .with_columns(
            pl.lit(BOOKED_BY).alias("booked_by"),
            pl.lit(None, dtype=pl.String).alias("rep_id"),
            pl.lit(None, dtype=pl.String).alias("opportunity_id"),
        )
        .select(COLUMNS)
    )
