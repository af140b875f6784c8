"""What is wrong with the input, grouped for people: one line per (file, column, reason) with how
many rows it concerns and the first three of them, at most `SHOW_AT_MOST` lines, then "and N more".

A check that fails on 69,659 rows of one column for one reason is one line, not 69,659.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import polars as pl

from navigator.data.errors import NavigatorError

# Lines shown to the user; the rest are counted ("and N more").
SHOW_AT_MOST = 20
# Rows named on a line (with their values) when a reason concerns several.
EXAMPLES = 3

# Helper columns every checked frame carries: the 1-based data row, the file as shown and the
# file's place among the inputs (to list problems in input order).
ROW = "__row"
FILE = "__file"
NUMBER = "__number"


def show_value(value: Any) -> str:
    """A value as the user typed it, quoted and cut short."""
    if value is None:
        return "(empty)"
    if isinstance(value, dt.datetime):
        text = value.isoformat(sep=" ")
    elif isinstance(value, dt.date):
        text = value.isoformat()
    elif isinstance(value, float) and value.is_integer() and abs(value) < 1e16:
        text = str(int(value))
    else:
        text = str(value)
    if len(text) > 60:
        text = text[:57] + "..."
    return repr(text)


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input: a row (or line) of a file, or a whole file or column."""

    file: str
    row: int | None = None  # 1-based data row (header not counted); None: the whole file or column
    column: str | None = None
    value: str | None = None  # already shown (quoted); None when there is no value to show
    expected: str = ""  # the reason, the same for every row of a group
    line: int | None = None  # a physical line of a text file (encoding and CSV shape problems)
    order: tuple[int, int] = (0, 0)  # (file number, row) for sorting
    detail: str | None = None  # what differs from row to row ("a duplicate of row 1")

    @property
    def key(self) -> tuple[str, str | None, str]:
        return (self.file, self.column, self.expected)

    def __str__(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(f"line {self.line}")
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.column is not None:
            parts.append(f"column {self.column}")
        if self.value is not None:
            parts.append(f"value {self.value}")
        parts.append(self.expected + (f" ({self.detail})" if self.detail else ""))
        return ": ".join(parts)

    def example(self) -> str:
        """How the problem is named on a grouped line: `row 3 'Huge'`, `line 7`."""
        where = f"row {self.row}" if self.row is not None else f"line {self.line}" if self.line is not None else ""
        text = " ".join(part for part in (where, self.value) if part)
        return text + (f" ({self.detail})" if self.detail else "")


@dataclass
class _Group:
    count: int = 0
    examples: list[Problem] = field(default_factory=list)


@dataclass
class Problems:
    """Problems found so far, grouped by (file, column, reason): every one counted, a few kept."""

    groups: dict[tuple[str, str | None, str], _Group] = field(default_factory=dict)
    total: int = 0

    def add(self, problem: Problem) -> None:
        self.add_many(1, [problem])

    def add_many(self, count: int, examples: list[Problem]) -> None:
        """`count` problems of which `examples` are some (every example's group counts it)."""
        self.total += count
        if not examples:
            return
        counted = 0
        for problem in examples:
            group = self.groups.setdefault(problem.key, _Group())
            group.examples.append(problem)
            group.count += 1
            counted += 1
        # rows beyond the examples belong to the first example's group (callers pass one group)
        self.groups[examples[0].key].count += count - counted

    def __bool__(self) -> bool:
        return self.total > 0

    def lines(self) -> list[str]:
        ordered = sorted(self.groups.values(), key=lambda g: min((p.order, p.column or "") for p in g.examples))
        lines = [_line(group) for group in ordered[:SHOW_AT_MOST]]
        if len(ordered) > SHOW_AT_MOST:
            rest = ordered[SHOW_AT_MOST:]
            rows = sum(group.count for group in rest)
            lines.append(
                f"... and {rows:,} more problem{'s' * (rows != 1)}, in {len(rest):,} more group"
                f"{'s' * (len(rest) != 1)} of file, column and reason"
            )
        return lines


def _line(group: _Group) -> str:
    examples = sorted(group.examples, key=lambda p: (p.order, p.line or 0))
    if group.count == 1:
        return str(examples[0])
    first = examples[0]
    parts = [first.file]
    if first.column is not None:
        parts.append(f"column {first.column}")
    shown = "; ".join(p.example() for p in examples[:EXAMPLES])
    unit = "rows" if first.row is not None else "lines" if first.line is not None else "values"
    more = "; ..." if group.count > EXAMPLES else ""
    parts.append(f"{first.expected}: {group.count:,} {unit} ({shown}{more})")
    return ": ".join(parts)


class ImportProblems(NavigatorError):
    """The input is not valid; nothing was written. The message lists the problems, a line each."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        count = problems.total
        header = (
            f"{count:,} problem{'s' if count != 1 else ''} in the input; nothing was written "
            "(row N = the N-th data row of the file, counted from 1 without the header line)"
        )
        super().__init__("\n".join([header, *("  " + line for line in problems.lines())]))


def report(
    problems: Problems,
    failing: pl.DataFrame,
    column: str | None,
    expected: str | pl.Expr,
    value: Callable[[dict[str, Any]], str | None],
    detail: Callable[[dict[str, Any]], str | None] | None = None,
) -> None:
    """Add the failing rows (with ROW, FILE and NUMBER) as problems: counted by file and reason (a
    text, or an expression giving each row's), the first EXAMPLES of each named."""
    if failing.is_empty():
        return
    reason = expected if isinstance(expected, pl.Expr) else pl.lit(expected)
    marked = failing.with_columns(reason.alias("__expected"))
    counts = marked.group_by(FILE, "__expected").agg(pl.len().alias("__count"), pl.col(NUMBER).min())
    for group in counts.sort(NUMBER).iter_rows(named=True):
        rows = (
            marked.filter((pl.col(FILE) == group[FILE]) & (pl.col("__expected") == group["__expected"]))
            .sort(NUMBER, ROW)
            .head(EXAMPLES)
        )
        examples = [
            Problem(
                row[FILE],
                row[ROW],
                column,
                value(row),
                row["__expected"],
                order=(row[NUMBER], row[ROW]),
                detail=detail(row) if detail else None,
            )
            for row in rows.iter_rows(named=True)
        ]
        problems.add_many(group["__count"], examples)
