"""Early warnings: leading signals that the ship drifts (docs/metrics.md, "Overview").

One definition for the overview panel and the board pack: which figures, which
way is bad, and how far a figure must move to count as a warning.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import polars as pl

    from navigator.data.report import Report


@dataclass(frozen=True)
class Signal:
    key: str
    label: str
    unit: str
    higher_is_bad: bool
    threshold: float  # ratios: absolute (0.01 = 1 pp); money: share of the previous value
    definition: str  # the metric key (or board-pack definition key) that defines it


SIGNALS: tuple[Signal, ...] = (
    Signal("early_complaints", "Complaints in the first 90 days", "ratio", True, 0.01, "early_complaint_rate"),
    Signal("discount_led", "Discount-led closes (≥ 20% off)", "ratio", True, 0.01, "discount_led"),
    Signal("pipeline_h2_h3", "Open pipeline in H2 + H3 markets", "money", False, 0.05, "pipeline_h2_h3"),
    Signal("dropped", "Dropped hand-offs", "ratio", True, 0.01, "handoff_dropped_rate"),
    Signal("promises", "Promises kept", "ratio", False, 0.01, "promises_kept_rate"),
)
SIGNAL_BY_KEY = {signal.key: signal for signal in SIGNALS}
STATUS_TEXT = {"warning": "⚠ warning", "improving": "✓ improving", "steady": "steady", None: "n/a"}


def warning_status(signal: Signal, value: float | None, previous: float | None) -> str | None:
    """'warning', 'improving' or 'steady'; None when either figure is undefined."""
    if value is None or previous is None:
        return None
    change = value - previous
    if signal.unit == "money":
        if previous == 0:
            return "steady"
        change = change / abs(previous)
    bad = change if signal.higher_is_bad else -change
    if bad >= signal.threshold:
        return "warning"
    if bad <= -signal.threshold:
        return "improving"
    return "steady"


def signal_figures(
    report: Report, early_warnings: pl.DataFrame, month: dt.date, before: dt.date
) -> list[tuple[Signal, Any, Any]]:
    """(signal, now, before) for each signal, from the headline report and `early_warnings` rows."""
    rows = {row["month"]: row for row in early_warnings.iter_rows(named=True)}
    now, then = rows.get(month, {}), rows.get(before, {})

    def metric(key: str) -> tuple[Any, Any]:
        value = report.get(key)
        return value.value, value.previous

    figures = {
        "early_complaints": metric("early_complaint_rate"),
        "discount_led": (now.get("discount_led_share"), then.get("discount_led_share")),
        "pipeline_h2_h3": (now.get("pipeline_h2_h3"), then.get("pipeline_h2_h3")),
        "dropped": metric("handoff_dropped_rate"),
        "promises": metric("promises_kept_rate"),
    }
    return [(signal, *figures[signal.key]) for signal in SIGNALS]
