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
    """The months from the first movement to the as-of month."""
    first = db.cursor().execute("SELECT min(month) FROM revenue_movements").fetchone()[0]
    last = db.as_of
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


# --- a hand-built billing history ---------------------------------------------------------------------

INVOICES = """customer,date,amount,interval
H1,2024-01-10,1200,annual
H1,2025-01-10,1440,annual
H2,2024-01-05,50,
H2,2024-02-05,50,
H2,2024-03-05,50,
H2,2024-06-05,50,
H2,2024-07-05,50,
H2,2024-09-05,60,
H2,2025-02-05,50,
H2,2025-03-05,50,
H3,2024-01-20,80,
H3,2024-02-20,80,
H3,2024-03-20,80,
H3,2024-04-20,80,
H3,2024-05-20,0,
H3,2024-06-20,0,
H3,2024-07-20,80,
H3,2024-08-20,80,
H3,2024-09-20,30,
H3,2024-10-20,30,
H3,2024-11-20,30,
H3,2024-12-20,0,
H3,2025-01-20,0,
H3,2025-02-20,0,
H3,2025-03-20,0,
H3,2025-04-20,0,
H3,2025-05-20,0,
H3,2025-06-20,0,
H4,2024-03-01,300,quarterly
H4,2024-06-01,300,quarterly
H4,2024-09-01,300,quarterly
H4,2024-09-15,-300,quarterly
"""

# Month by month, worked out from the invoices (docs/import.md, "Transactions"):
#   H1 annual: 100 a month through 2024, 120 from Jan 2025 (renewed at 1440)
#   H2 monthly: 50 Jan-Mar, lapses Apr-May, 50 Jun-Jul, lapses Aug, 60 Sep, lapses Oct-Jan, 50 Feb-Mar 2025,
#      lapses from Apr 2025: churn -> reactivation -> churn, three times
#   H3 monthly: 80 Jan-Apr, $0 in May-Jun (a pause between paid months: still 80), 80 Jul-Aug, 30 Sep-Nov
#      (a downgrade), $0 from Dec 2024 on with no paid month after (a downgrade to $0: a churn)
#   H4 quarterly 300: 100 a month Mar-Aug; the Sep quarter refunded in full: 0 from Sep
# (month, MRR, new, expansion, reactivation, contraction, churn)
EXPECTED = [
    ("2024-01", 230, 230, 0, 0, 0, 0),  # H1 100 + H2 50 + H3 80
    ("2024-02", 230, 0, 0, 0, 0, 0),
    ("2024-03", 330, 100, 0, 0, 0, 0),  # H4
    ("2024-04", 280, 0, 0, 0, 0, 50),  # H2 lapses
    ("2024-05", 280, 0, 0, 0, 0, 0),  # H3's free month keeps it
    ("2024-06", 330, 0, 0, 50, 0, 0),  # H2 back
    ("2024-07", 330, 0, 0, 0, 0, 0),
    ("2024-08", 280, 0, 0, 0, 0, 50),  # H2 lapses again
    ("2024-09", 190, 0, 0, 60, 50, 100),  # H2 back at 60; H3 80 -> 30; H4 refunded: 280 + 60 - 50 - 100
    ("2024-10", 130, 0, 0, 0, 0, 60),  # H2 lapses a third time
    ("2024-11", 130, 0, 0, 0, 0, 0),
    ("2024-12", 100, 0, 0, 0, 0, 30),  # H3 down to $0
    ("2025-01", 120, 0, 20, 0, 0, 0),  # H1 renewed at 120
    ("2025-02", 170, 0, 0, 50, 0, 0),  # H2 back
    ("2025-03", 170, 0, 0, 0, 0, 0),
    ("2025-04", 120, 0, 0, 0, 0, 50),  # H2 gone
    ("2025-05", 120, 0, 0, 0, 0, 0),
    ("2025-06", 120, 0, 0, 0, 0, 0),
]


def test_the_bridge_holds_every_month_of_a_hand_built_billing_history(tmp_path: Path) -> None:
    from navigator.data.importer import run_import

    (tmp_path / "invoices.csv").write_text(INVOICES, encoding="utf-8")
    result = run_import(tmp_path / "h.duckdb", [tmp_path / "invoices.csv"], today=dt.date(2025, 7, 1))
    assert result.as_of == dt.date(2025, 6, 1)
    db = open_database(tmp_path / "h.duckdb")
    try:
        frame = db.run("mrr", months=len(EXPECTED))
        found = [
            (f"{r['month']:%Y-%m}", r["mrr"], r["new_mrr"], r["expansion_mrr"], r["reactivation_mrr"],
             r["contraction_mrr"], r["churn_mrr"])
            for r in frame.iter_rows(named=True)
        ]  # fmt: skip
        assert found == EXPECTED
        assert assert_bridge_holds(db, db.as_of) == len(EXPECTED)
        assert assert_retention_bridge_adds_up(db, db.as_of) == 6  # 2025-01 .. 2025-06 have a start set
        row = db.run("retention").row(0, named=True)
        # start (end of Jun 2024): H1 100, H2 50, H3 80, H4 100 = 330; end of Jun 2025: H1 120, the rest 0
        assert (row["start_mrr"], row["end_mrr"]) == (330, 120)
        assert (row["expansion"], row["reactivation"], row["contraction"], row["churn"]) == (20, 0, 0, 50 + 80 + 100)
        assert row["nrr"] == pytest.approx(120 / 330)
        # GRR = min(120, 100) / 330; summing the year's churn and contraction movements instead would give
        # (330 - 50 - 60 - 50 - 30 - 100 - 50) / 330, below 0
        assert row["grr"] == pytest.approx(100 / 330)
        assert row["logo_churn"] == pytest.approx(3 / 4)
    finally:
        db.close()
