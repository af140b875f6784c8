"""The MRR bridge holds every month, to the cent: MRR(m) - MRR(m-1) = new + expansion +
reactivation - contraction - churn (docs/metrics.md, "MRR, customers and movements"); and the
retention bridge adds up: start MRR + expansion + reactivation - contraction - churn = the start
set's MRR at A, with 0 <= GRR <= 1 and GRR <= NRR.

Checked on every month of the generated sample for several seeds, whole and per segment, and on
a hand-built history imported from invoices (tests/test_import_subscriptions.py builds more)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from navigator.data.source import Database, open_database

CENT = 0.005


def months_of(db: Database) -> int:
    first, last = db.cursor().execute("SELECT min(month), max(month) FROM revenue_movements").fetchone()
    assert first is not None and last is not None
    return (last.year - first.year) * 12 + last.month - first.month + 1


def assert_bridge_holds(db: Database, as_of: dt.date, **filters: object) -> int:
    """Every month of the history up to `as_of`; returns how many months were checked."""
    count = months_of(db) + 1  # and the month before the first one, when MRR was 0
    frame = db.run("mrr", as_of=as_of, months=count, **filters)
    checked = 0
    previous = None
    for row in frame.iter_rows(named=True):
        if previous is not None:
            step = row["mrr"] - previous
            flows = (
                row["new_mrr"]
                + row["expansion_mrr"]
                + row["reactivation_mrr"]
                - row["contraction_mrr"]
                - row["churn_mrr"]
            )
            assert abs(step - flows) < CENT, (row["month"], filters, step, flows)
            checked += 1
        previous = row["mrr"]
    return checked


def assert_retention_bridge_adds_up(db: Database, as_of: dt.date, **filters: object) -> int:
    frame = db.run("retention", as_of=as_of, months=months_of(db), **filters)
    checked = 0
    for row in frame.iter_rows(named=True):
        assert all(row[c] >= 0 for c in ("expansion", "reactivation", "contraction", "churn")), row
        total = row["start_mrr"] + row["expansion"] + row["reactivation"] - row["contraction"] - row["churn"]
        assert abs(total - row["end_mrr"]) < CENT, row
        if row["start_customers"]:
            assert 0 <= row["grr"] <= 1 and row["grr"] <= row["nrr"] + 1e-12, row
            kept = row["start_mrr"] - row["contraction"] - row["churn"]
            assert row["grr"] == pytest.approx(kept / row["start_mrr"])
            assert row["nrr"] == pytest.approx(row["end_mrr"] / row["start_mrr"])
            checked += 1
        else:
            assert row["grr"] is None and row["nrr"] is None
    return checked


@pytest.fixture(scope="module", params=[1, 42])
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    from navigator.data.sample import generate

    path = tmp_path_factory.mktemp(f"seed{request.param}") / "sample.duckdb"
    generate(path, seed=request.param, scale="demo")
    return path


def check_sample(path: Path) -> None:
    db = open_database(path)
    try:
        assert db.as_of is not None
        checked = assert_bridge_holds(db, db.as_of)
        assert checked == months_of(db)  # every month from the first one on
        segments = [row[0] for row in db.cursor().execute("SELECT DISTINCT segment FROM accounts").fetchall()]
        for segment in segments:
            assert assert_bridge_holds(db, db.as_of, segment=segment) == checked
        assert assert_retention_bridge_adds_up(db, db.as_of) >= 12
        for segment in segments:
            assert_retention_bridge_adds_up(db, db.as_of, segment=segment)
    finally:
        db.close()


def test_the_bridge_holds_every_month_of_the_sample(sample_db: Path) -> None:
    check_sample(sample_db)


def test_the_bridge_holds_every_month_of_other_seeds(seeded: Path) -> None:
    check_sample(seeded)
