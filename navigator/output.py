"""Reports and query results as text: Rich tables, Markdown, JSON and CSV."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from navigator.format import NA, format_change, format_month, format_value, plain

if TYPE_CHECKING:
    import polars as pl
    from rich.table import Table

    from navigator.data.report import Report


def report_rich_table(report: Report) -> Table:
    from rich.table import Table

    table = Table(
        title=f"navigator · {report.source}",
        caption=(
            f"period {report.period_label(report.as_of)} vs {report.period_label(report.previous_as_of)}"
            f" · filters: {report.filters.describe()} · n/a = undefined, see note"
        ),
        show_lines=False,
    )
    table.add_column("Metric")
    table.add_column(report.period_label(report.as_of), justify="right")
    table.add_column(report.period_label(report.previous_as_of), justify="right")
    table.add_column("Change", justify="right")
    table.add_column("Note", overflow="fold")
    for metric in report.metrics:
        spec = metric.spec
        table.add_row(
            spec.label,
            format_value(metric.value, spec.unit),
            format_value(metric.previous, spec.unit),
            format_change(metric.value, metric.previous, spec.unit, spec.higher_is_better),
            metric.note or "",
        )
    return table


def report_json(report: Report) -> str:
    document = {
        "source": report.source,
        "as_of": format_month(report.as_of),
        "previous": format_month(report.previous_as_of),
        "window_months": report.window_months,
        "filters": report.filters.as_params(),
        "metrics": {
            metric.spec.key: {
                "value": _json_number(metric.value),
                "previous": _json_number(metric.previous),
                "note": metric.note,
            }
            for metric in report.metrics
        },
    }
    return json.dumps(document, indent=2, ensure_ascii=False)


def _json_number(value: Any) -> Any:
    """Round floats so repeated runs and platforms print the same digits."""
    if isinstance(value, float):
        return round(value, 6)
    return value


def frame_rich_table(frame: pl.DataFrame, title: str | None = None) -> Table:
    from rich.table import Table

    table = Table(title=title)
    for name, dtype in frame.schema.items():
        table.add_column(name, justify="right" if dtype.is_numeric() else "left")
    for row in frame.iter_rows():
        table.add_row(*(_cell(value) for value in row))
    return table


def _cell(value: Any) -> str:
    if value is None:
        return NA
    if isinstance(value, float):
        return f"{value:,.4f}".rstrip("0").rstrip(".") if abs(value) < 1e6 else f"{value:,.0f}"
    return str(plain(value))


def frame_json(frame: pl.DataFrame) -> str:
    rows = [{key: plain(value) for key, value in row.items()} for row in frame.iter_rows(named=True)]
    return json.dumps(rows, indent=2, ensure_ascii=False, default=str)


def frame_csv(frame: pl.DataFrame) -> str:
    return frame.write_csv()
