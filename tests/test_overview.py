"""The overview's own figures: early warnings, on the hand-built database (AS_OF 2026-02)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from handbuilt import AS_OF, build_handbuilt

from navigator.data.source import open_database
from navigator.data.warnings import SIGNAL_BY_KEY, STATUS_TEXT, warning_status


@pytest.fixture(scope="module")
def db(tmp_path_factory: pytest.TempPathFactory):
    database = open_database(build_handbuilt(tmp_path_factory.mktemp("overview") / "hb.duckdb"))
    yield database
    database.close()


def test_early_warnings_discount_led_share(db) -> None:
    # Window of 3 months (Dec 2025..Feb 2026): won new deals O5 (0%), O6 (5%), O8 (0%), O15 (0%)
    # -> 4 won, none at 20% or more -> share 0/4 = 0.0
    row = db.run("early_warnings", as_of=AS_OF).row(0, named=True)
    assert (row["won_new"], row["discount_led"], row["discount_led_share"]) == (4, 0, 0.0)
    # Window of 24 months (Mar 2024..Feb 2026) adds O1 (0%), O2 (10%), O3 (0%), O4 (25%)
    # -> 8 won, 1 discount-led (O4) -> 1/8 = 0.125
    row = db.run("early_warnings", as_of=AS_OF, window=24).row(0, named=True)
    assert (row["won_new"], row["discount_led"], row["discount_led_share"]) == (8, 1, 0.125)


def test_early_warnings_h2_h3_pipeline(db) -> None:
    # Open at the end of Feb 2026, in H2/H3 markets: O12 (A7, H3) 3000 + O14 (A7, H3) 900
    # + O17 (A5, H3; closes in March) 500 + O19 (A8, H2) 400 = 4800.
    # O13 is H1; O18 is created in March, unknown at the end of February.
    row = db.run("early_warnings", as_of=AS_OF).row(0, named=True)
    assert row["pipeline_h2_h3"] == 4800.0
    # segment filter: SMB accounts are A3, A5, A8 -> O17 500 + O19 400 = 900
    assert db.run("early_warnings", as_of=AS_OF, segment="SMB")["pipeline_h2_h3"].to_list() == [900.0]


def test_early_warnings_empty_period_and_months(db) -> None:
    frame = db.run("early_warnings", as_of=dt.date(2023, 1, 1), months=2)
    assert frame["won_new"].to_list() == [0, 0]
    assert frame["discount_led_share"].to_list() == [None, None]  # no deals: undefined, not 0
    assert frame["pipeline_h2_h3"].to_list() == [0.0, 0.0]


@pytest.mark.parametrize(
    ("key", "value", "previous", "expected"),
    [
        ("early_complaints", 0.30, 0.25, "⚠ warning"),  # +5 pp, higher is bad
        ("early_complaints", 0.25, 0.245, "steady"),  # +0.5 pp < 1 pp
        ("early_complaints", 0.20, 0.25, "✓ improving"),
        ("promises", 0.80, 0.85, "⚠ warning"),  # lower is bad
        ("pipeline_h2_h3", 900.0, 1000.0, "⚠ warning"),  # -10% < -5%
        ("pipeline_h2_h3", 980.0, 1000.0, "steady"),  # -2%
        ("pipeline_h2_h3", 5.0, 0.0, "steady"),  # no base to compare with
        ("dropped", None, 0.1, "n/a"),
    ],
)
def test_warning_status(key: str, value: float | None, previous: float | None, expected: str) -> None:
    assert STATUS_TEXT[warning_status(SIGNAL_BY_KEY[key], value, previous)] == expected


def test_handbuilt_file_is_not_modified(tmp_path: Path) -> None:
    path = build_handbuilt(tmp_path / "check.duckdb")
    before = path.read_bytes()
    database = open_database(path)
    database.run("early_warnings")
    database.close()
    assert path.read_bytes() == before
