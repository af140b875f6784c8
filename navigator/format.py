"""How figures read as text: one place for the CLI, the board pack and the dashboard.

No colour here: direction is carried by arrows and words, so figures stay readable
with NO_COLOR and on a projector.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

NA = "n/a"


def format_value(value: float | int | None, unit: str) -> str:
    """A figure as people read it: 0.932 ratio -> '93.2%', 1234567 money -> '1.23M'."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return NA
    if unit == "ratio":
        return f"{value * 100:.1f}%"
    if unit == "money":
        return compact_number(value)
    if unit == "count":
        return f"{int(value):,}"
    if unit == "days":
        return f"{value:.1f} d"
    if unit == "points":
        return f"{value:+.0f}"
    if unit == "index":
        return f"{value:+.2f}"
    return f"{value:,.2f}"


def compact_number(value: float) -> str:
    """1234 -> '1,234'; 1234567 -> '1.23M'; keeps the sign."""
    sign = "-" if value < 0 else ""
    size = abs(value)
    for threshold, divisor, suffix in ((1e9, 1e9, "B"), (1e6, 1e6, "M"), (1e4, 1e3, "k")):
        if size >= threshold:
            scaled = size / divisor
            digits = 2 if scaled < 10 else 1 if scaled < 100 else 0
            return f"{sign}{scaled:.{digits}f}{suffix}"
    return f"{sign}{size:,.0f}"


def format_change(
    value: float | int | None,
    previous: float | int | None,
    unit: str,
    higher_is_better: bool | None = True,
) -> str:
    """The change since the previous period with an arrow and, where it has one, a verdict word.

    Ratios change in percentage points ('+1.2 pp'); other figures in their own unit.
    """
    if value is None or previous is None:
        return NA
    delta = value - previous
    arrow = direction_arrow(delta)
    if unit == "ratio":
        text = f"{delta * 100:+.1f} pp"
    elif unit == "money":
        text = ("+" if delta >= 0 else "") + compact_number(delta)
    elif unit == "count":
        text = f"{round(delta):+,}"
    elif unit == "days":
        text = f"{delta:+.1f} d"
    elif unit == "points":
        text = f"{delta:+.0f}"
    elif unit == "index":
        text = f"{delta:+.2f}"
    else:
        text = f"{delta:+,.2f}"
    if not any(digit in text for digit in "123456789"):
        # A change too small to show ('+0.0 d') is shown as no change, not as a worse one.
        arrow, delta = "=", 0
    verdict = change_verdict(delta, higher_is_better)
    return f"{arrow} {text}" + (f" {verdict}" if verdict else "")


def direction_arrow(delta: float) -> str:
    if delta > 0:
        return "▲"
    if delta < 0:
        return "▼"
    return "="


def change_verdict(delta: float, higher_is_better: bool | None) -> str:
    """'better' / 'worse' when the metric has a good direction and it moved."""
    if higher_is_better is None or delta == 0:
        return ""
    return "better" if (delta > 0) == higher_is_better else "worse"


def format_month(month: dt.date | None) -> str:
    return month.strftime("%Y-%m") if month else NA


def plain(value: Any) -> Any:
    """A value for JSON/CSV: dates as ISO text, everything else unchanged."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return value


def format_target(value: float | int | None, target: float, unit: str, higher_is_better: bool | None = True) -> str:
    """'◆ target 105.0% · ✓ met' or '◆ target 105.0% · ✗ 14.0 pp short' (words, not colour)."""
    mark = f"◆ target {format_value(target, unit)}"
    if value is None:
        return mark
    lower_is_better = higher_is_better is False
    met = value <= target if lower_is_better else value >= target
    if met:
        return f"{mark} · ✓ met"
    gap = abs(target - value)
    if unit == "ratio":
        shortfall = f"{gap * 100:.1f} pp"
    elif unit == "money":
        shortfall = compact_number(gap)
    elif unit == "days":
        shortfall = f"{gap:.1f} d"
    elif unit == "count":
        shortfall = f"{round(gap):,}"
    else:
        shortfall = f"{gap:.2f}"
    return f"{mark} · ✗ {shortfall} {'over' if lower_is_better else 'short'}"
