"""The data's as-of month: from the data, never from the clock, and not moved by one bad row or by
invoices issued in advance (docs/import.md, "The as-of month").

**At import** (written into `meta.as_of`):

In order: `--as-of`; the `as_of` of an imported `meta`; the latest month of the imported revenue
(after the rows set aside: dated after the import day, or far beyond the rest) unless that month
is a **sliver**: it holds fewer than half the rows of a usual month (the median of the
`BASELINE_MONTHS` months before it, empty ones counting 0, when at least three of them have rows),
as when invoices for next month go out before this one ends; then the month before it (at most
`MAX_SLIVERS` months are passed over). Without revenue imported: the old file's as-of month, or
the latest month of the revenue it keeps.

**At open**, for a file without `meta.as_of` (one another tool wrote): the latest month of
`revenue_movements`, passing over a late tail far beyond the rest (`tail_start`, the rule the
import sets such rows aside by). The wall clock never decides: the same file gives the same month.
"""

from __future__ import annotations

import datetime as dt
import statistics
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from navigator.data.errors import UsageError

if TYPE_CHECKING:
    import polars as pl

# A late tail: months after a gap of at least GAP_MONTHS months without any row, holding at most
# TAIL_SHARE of the rows.
GAP_MONTHS = 3
TAIL_SHARE = 0.01
SLIVER_SHARE = 0.5
BASELINE_MONTHS = 6
MAX_SLIVERS = 2


@dataclass
class AsOf:
    month: dt.date | None
    notes: list[str] = field(default_factory=list)


def month_index(month: dt.date) -> int:
    return month.year * 12 + month.month - 1


def add_months(month: dt.date, count: int) -> dt.date:
    index = month_index(month) + count
    return dt.date(index // 12, index % 12 + 1, 1)


def rows_per_month(dates: pl.Series) -> dict[dt.date, int]:
    import polars as pl

    months = pl.DataFrame({"d": dates.drop_nulls()}).group_by(pl.col("d").dt.month_start().alias("m")).len()
    return dict(zip(months["m"].to_list(), months["len"].to_list(), strict=True))


def latest_full_month(counts: dict[dt.date, int], what: str = "rows") -> AsOf:
    """The latest month with rows that is not a sliver of a usual month (see the module docstring)."""
    if not counts:
        return AsOf(None)
    months = sorted(counts)
    latest = months[-1]
    notes = []
    for _ in range(MAX_SLIVERS):
        before = [counts.get(add_months(latest, -k), 0) for k in range(1, BASELINE_MONTHS + 1)]
        if sum(1 for n in before if n) < 3:
            break
        usual = statistics.median(before)
        if counts[latest] >= SLIVER_SHARE * usual:
            break
        earlier = [m for m in months if m < latest]
        if not earlier:
            break
        notes.append(
            f"{latest:%Y-%m} holds {counts[latest]:,} {what} against {usual:,.0f} in a usual month (the median of "
            f"the {BASELINE_MONTHS} before it): too few to be the as-of month (invoices issued in advance?); "
            f"--as-of {latest:%Y-%m} makes it one"
        )
        latest = earlier[-1]
    return AsOf(latest, notes)


def tail_start(months: list[dt.date], counts: list[int], budget: int) -> dt.date | None:
    """The first month of a late tail that a gap of GAP_MONTHS empty months or more separates from
    the rest, if it holds at most `budget` rows (and is not everything); else None. `months` sorted,
    `counts` the rows in each."""
    if len(months) < 2:
        return None
    index = [month_index(m) for m in months]
    for i in range(len(index) - 1, 0, -1):
        if index[i] - index[i - 1] > GAP_MONTHS:
            return months[i] if 0 < sum(counts[i:]) <= budget else None
    return None


def latest_of_file(counts: dict[dt.date, int]) -> dt.date | None:
    """The as-of month of a file without one recorded: its latest month of revenue movements, unless
    that is a late tail far beyond the rest (then the latest month before the tail)."""
    if not counts:
        return None
    months = sorted(counts)
    cut = tail_start(months, [counts[m] for m in months], int(TAIL_SHARE * sum(counts.values())))
    kept = [m for m in months if cut is None or m < cut]
    return kept[-1]


def check_explicit(month: dt.date, last: dt.date | None) -> None:
    """--as-of may not name a month after the data's last one (no figure could be right there)."""
    if last is not None and month > last:
        raise UsageError(
            f"--as-of {month:%Y-%m} is after the last month of the revenue ({last:%Y-%m}): give a month up to it"
        )
