"""How figures read: units, n/a, arrows and words rather than colour."""

from __future__ import annotations

import pytest

from navigator.format import compact_number, format_change, format_value


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (0, "0"),
        (950, "950"),
        (9_999, "9,999"),
        (12_345, "12.3k"),  # 12,345 / 1,000 = 12.345 -> one decimal
        (112_460, "112k"),  # 112.46 thousand -> no decimals above 100
        (2_639_000, "2.64M"),
        (-45_000, "-45.0k"),
        (3_200_000_000, "3.20B"),
    ],
)
def test_compact_number(value: float, expected: str) -> None:
    assert compact_number(value) == expected


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0.932, "ratio", "93.2%"),
        (None, "ratio", "n/a"),
        (float("nan"), "money", "n/a"),
        (1280, "count", "1,280"),
        (5.25, "days", "5.2 d"),
        (32.4, "points", "+32"),
        (-7.6, "points", "-8"),
        (0.19, "index", "+0.19"),
    ],
)
def test_format_value(value: float | None, unit: str, expected: str) -> None:
    assert format_value(value, unit) == expected


def test_change_has_arrow_and_verdict_word() -> None:
    assert format_change(0.85, 0.80, "ratio", True) == "▲ +5.0 pp better"
    assert format_change(0.85, 0.80, "ratio", False) == "▲ +5.0 pp worse"
    assert format_change(12.0, 14.5, "days", False) == "▼ -2.5 d better"
    assert format_change(0.3, 0.3, "ratio", True) == "= +0.0 pp"
    # a change that rounds to nothing on screen is no change, not "▲ +0.0 d worse"
    assert format_change(6.04, 6.02, "days", False) == "= +0.0 d"
    assert format_change(0.8501, 0.85, "ratio", True) == "= +0.0 pp"
    assert format_change(6.2, 6.02, "days", False) == "▲ +0.2 d worse"
    assert format_change(0.3, 0.2, "ratio", None) == "▲ +10.0 pp"
    assert format_change(None, 0.2, "ratio") == "n/a"
    assert format_change(112_460, 107_800, "money") == "▲ +4,660 better"
