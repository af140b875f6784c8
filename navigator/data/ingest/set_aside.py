"""Rows an import sets aside instead of counting, each named in a warning and counted in the summary
(docs/import.md, "Rows set aside"):

- **duplicates**: a row identical to an earlier one in every column (`--keep-duplicates` keeps them);
- **dated after the import day**: money that has not happened yet cannot be revenue;
- **far beyond the rest**: the latest rows, when a gap of at least `GAP_MONTHS` months without any
  row separates them from the rest and they are at most 1 % of the rows (so a file of fewer than
  100 rows has none): a date mistyped as 2025 for 2024 must not move the as-of month;
- **not paid** (transactions with a status): void, failed, cancelled, refunded, lost, draft ... lines.

The rows kept are the ones whose figures navigator shows; the set-aside ones are listed, with
their file and row, by the problem-grouping of navigator.data.ingest.problems.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import polars as pl

from navigator.data.as_of import GAP_MONTHS, TAIL_SHARE, tail_start
from navigator.data.ingest.problems import FILE, NUMBER, ROW, Problems, report, show_value

# Words of a status that say the money did not come (matched inside the status, any case).
NOT_PAID = ("void", "fail", "cancel", "draft", "delet", "refund", "declin", "reject", "abandon", "uncollect", "lost")


@dataclass
class SetAside:
    """The rows set aside so far, grouped by (file, column, reason) like problems."""

    rows: Problems = field(default_factory=Problems)

    @property
    def total(self) -> int:
        return self.rows.total

    def lines(self) -> list[str]:
        return self.rows.lines()

    def reasons(self) -> dict[str, int]:
        """How many rows for each reason (the text before the first colon of the group's reason)."""
        counts: dict[str, int] = {}
        for (_, _, reason), group in self.rows.groups.items():
            short = reason.split(":")[0]
            counts[short] = counts.get(short, 0) + group.count
        return counts


def drop_duplicates(frame: pl.DataFrame, columns: list[str], aside: SetAside) -> pl.DataFrame:
    """The frame without rows that repeat an earlier row in every one of `columns`."""
    if frame.is_empty():
        return frame
    # rows sharing a hash of those columns are the candidates; their values decide
    key = frame.select(pl.struct(columns).hash().alias("k"))["k"]
    candidate = key.is_duplicated()
    if not candidate.any():
        return frame
    suspects = frame.filter(candidate).with_columns(
        pl.int_range(pl.len()).over(columns, order_by=[NUMBER, ROW]).alias("__nth"),
        pl.col(ROW).sort_by(NUMBER, ROW).first().over(columns).alias("__first_row"),
        pl.col(FILE).sort_by(NUMBER, ROW).first().over(columns).alias("__first_file"),
    )
    repeated = suspects.filter(pl.col("__nth") > 0)
    report(
        aside.rows,
        repeated,
        None,
        "a duplicate: the same values in every column as an earlier row (--keep-duplicates keeps them)",
        lambda r: None,
        lambda r: (
            f"repeats row {r['__first_row']}" + ("" if r["__first_file"] == r[FILE] else f" of {r['__first_file']}")
        ),
    )
    drop = repeated.select(NUMBER, ROW)
    return frame.join(drop, on=[NUMBER, ROW], how="anti", maintain_order="left")


def drop_unpaid(frame: pl.DataFrame, aside: SetAside) -> tuple[pl.DataFrame, list[str]]:
    """Transactions whose status says the money did not come; a note of the statuses counted."""
    if "status" not in frame.columns or frame["status"].is_null().all():
        return frame, []
    lowered = pl.col("status").str.to_lowercase()
    unpaid = pl.any_horizontal([lowered.str.contains(word, literal=True) for word in NOT_PAID]).fill_null(False)
    report(
        aside.rows,
        frame.filter(unpaid),
        "status",
        pl.format("not paid: status '{}'", pl.col("status")),
        lambda r: None,
    )
    kept = frame.filter(~unpaid)
    counted = kept.group_by("status").len().sort("len", descending=True)
    shown = ", ".join(f"{row['status'] or '(empty)'} {row['len']:,}" for row in counted.head(8).iter_rows(named=True))
    more = f" and {counted.height - 8} more" if counted.height > 8 else ""
    return kept, [f"statuses counted: {shown}{more}"] if counted.height else []


def drop_out_of_time(frame: pl.DataFrame, column: str, today: dt.date, aside: SetAside) -> pl.DataFrame:
    """Rows dated after `today` (the import day), then a late tail far beyond the rest."""
    if frame.is_empty():
        return frame
    future = frame.filter(pl.col(column) > today)
    report(
        aside.rows,
        future,
        column,
        f"dated after the import day ({today.isoformat()})",
        lambda r: show_value(r[column]),
    )
    kept = frame.filter(~(pl.col(column) > today).fill_null(False))
    budget = int(TAIL_SHARE * frame.height)  # so with fewer than 100 rows, no tail is small enough
    while True:
        cut = late_tail_start(kept[column], budget)
        if cut is None:
            return kept
        tail = kept.filter(pl.col(column) >= cut)
        budget -= tail.height
        rest_latest = kept.filter(pl.col(column) < cut)[column].max()
        report(
            aside.rows,
            tail,
            column,
            f"far beyond the rest: {GAP_MONTHS} or more months without any row after the latest other date",
            lambda r: show_value(r[column]),
            lambda r, latest=rest_latest: f"the latest other date is {latest}",
        )
        kept = kept.filter(pl.col(column) < cut)


def late_tail_start(dates: pl.Series, budget: int) -> dt.date | None:
    """The first month of a late tail of `dates` (see `tail_start`), or None."""
    months = pl.DataFrame({"d": dates.drop_nulls()}).group_by(pl.col("d").dt.month_start().alias("m")).len().sort("m")
    return tail_start(months["m"].to_list(), months["len"].to_list(), budget)
