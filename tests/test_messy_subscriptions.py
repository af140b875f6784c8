"""A messy subscription export (tests/messy.py: annual plans billed up front, upgrades and
downgrades in the middle of a month, churn and reactivation cycles, refunds, $0 invoices, failed
payments, duplicate rows, Hebrew names, invoices issued in advance, a mistyped year) imported with
no options and no accounts file; every headline figure against tests/messy_oracle.py, a plain
Python computation from the same file that shares no code with navigator.

`python tests/test_messy_subscriptions.py` prints the figures side by side."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import messy
import messy_oracle as oracle
import pytest

from navigator.data.importer import run_import
from navigator.data.source import Database, open_database

SEEDS = (11, 23)


def month_date(month: oracle.Month) -> dt.date:
    return dt.date(month // 12, month % 12 + 1, 1)


@pytest.fixture(scope="module", params=SEEDS)
def imported(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp(f"messy{request.param}")
    path = messy.write_messy(folder, seed=request.param)
    result = run_import(folder / "messy.duckdb", [path], today=messy.IMPORT_DAY)
    truth = oracle.read_truth(path, messy.IMPORT_DAY)
    db = open_database(folder / "messy.duckdb")
    yield result, truth, db
    db.close()


def approx(value: float) -> object:
    return pytest.approx(value, rel=1e-9, abs=1e-6)


def test_the_export_is_as_messy_as_promised(imported) -> None:
    _, truth, db = imported
    text = Path(db.label).with_name("invoices.csv").read_text(encoding="utf-8")
    for sign in ("annual", "quarterly", "Failed", "($", "$0.00", "שלום", "2098"):
        assert sign in text, sign
    assert truth.set_aside["a duplicate"] > 0 and truth.set_aside["not paid"] > 0
    churns = db.cursor().execute("SELECT count(*) FROM revenue_movements WHERE kind = 'reactivation'").fetchone()
    assert churns[0] > 10  # churn and reactivation cycles


def test_as_of_month_and_rows_set_aside(imported) -> None:
    result, truth, db = imported
    # the last full month of billing, not January (a few invoices issued in advance) nor 2098
    assert result.as_of == month_date(truth.as_of) == messy.LAST
    assert db.as_of == messy.LAST
    assert result.set_aside_count == sum(truth.set_aside.values()) == db.rows_set_aside
    assert any(line.startswith(f"{sum(truth.set_aside.values())} rows set aside") for line in result.summary)


def test_mrr_and_customers_every_month(imported) -> None:
    _, truth, db = imported
    months = truth.as_of - min(truth.first.values()) + 1
    frame = db.run("mrr", months=months)
    for row in frame.iter_rows(named=True):
        month = oracle.month_of(row["month"])
        assert row["mrr"] == approx(round(truth.total(month), 2)), row["month"]
        assert row["customers"] == truth.customers(month), row["month"]
        flows = oracle.bridge(truth, month)
        for kind in flows:
            assert row[f"{kind}_mrr"] == approx(flows[kind]), (row["month"], kind)


def test_no_false_churn_from_plans_billed_for_several_months(imported) -> None:
    _, truth, db = imported
    churns = db.cursor().execute("SELECT count(*) FROM revenue_movements WHERE kind = 'churn'").fetchone()[0]
    expected = sum(
        1
        for account, series in truth.mrr.items()
        for month in series
        if month > truth.first[account] and series[month] == 0 and series[month - 1] > 0
    )
    assert churns == expected


@pytest.mark.parametrize("back", [0, 1, 6])
def test_retention_by_account(imported, back: int) -> None:
    _, truth, db = imported
    month = truth.as_of - back
    row = db.run("retention", as_of=month_date(month)).row(0, named=True)
    expected = oracle.retention(truth, month)
    assert row["start_customers"] == expected["start_customers"]
    assert row["lost_customers"] == expected["lost"]
    for key in ("start_mrr", "end_mrr", "expansion", "reactivation", "contraction", "churn", "nrr", "grr",
                "logo_churn"):  # fmt: skip
        assert row[key] == approx(expected[key]), key
    assert 0 <= row["grr"] <= 1 and row["grr"] <= row["nrr"]


def test_ltv(imported) -> None:
    _, truth, db = imported
    row = db.run("ltv").row(0, named=True)
    expected = oracle.ltv(truth, truth.as_of)
    for key in ("arpa", "churned_customers", "customer_months", "monthly_churn_rate", "ltv"):
        assert row[key] == (approx(expected[key]) if expected[key] is not None else None), key


def test_cohorts(imported) -> None:
    _, truth, db = imported
    frame = db.run("cohort_retention", months=36)
    cells = {(oracle.month_of(r["cohort"]), r["months_since"]): r for r in frame.iter_rows(named=True)}
    checked = 0
    for (cohort, k), row in cells.items():
        if k in (0, 3, 12) and row["cohort_customers"] >= 3:
            size, active, mrr_share = oracle.cohort_cell(truth, cohort, k)
            assert (row["cohort_customers"], row["active_customers"]) == (size, active)
            assert row["mrr_retention"] == approx(mrr_share)
            checked += 1
    assert checked >= 20


def test_hebrew_names_arrive_unchanged(imported) -> None:
    _, _, db = imported
    names = {row[0] for row in db.cursor().execute("SELECT name FROM accounts").fetchall()}
    assert 'שלום מערכות בע"מ 0' in names


def headline(db: Database, truth: oracle.Truth) -> list[tuple[str, object, object]]:
    """(figure, navigator, the oracle) for the closing note."""
    month = truth.as_of
    retention = db.run("retention").row(0, named=True)
    life = db.run("ltv").row(0, named=True)
    mrr = db.run("mrr").row(0, named=True)
    expected = oracle.retention(truth, month)
    value = oracle.ltv(truth, month)
    flows = oracle.bridge(truth, month)
    return [
        ("as-of month", f"{db.as_of:%Y-%m}", oracle.month_name(month)),
        ("rows set aside", db.rows_set_aside, sum(truth.set_aside.values())),
        ("MRR", mrr["mrr"], round(truth.total(month), 2)),
        ("customers", mrr["customers"], truth.customers(month)),
        ("new MRR (month)", mrr["new_mrr"], round(flows["new"], 2)),
        ("churned MRR (month)", mrr["churn_mrr"], round(flows["churn"], 2)),
        ("start customers (A-12)", retention["start_customers"], expected["start_customers"]),
        ("start MRR", retention["start_mrr"], round(expected["start_mrr"], 2)),
        ("NRR", round(retention["nrr"], 6), round(expected["nrr"], 6)),
        ("GRR", round(retention["grr"], 6), round(expected["grr"], 6)),
        ("logo churn", round(retention["logo_churn"], 6), round(expected["logo_churn"], 6)),
        ("expansion", round(retention["expansion"], 2), round(expected["expansion"], 2)),
        ("reactivation", round(retention["reactivation"], 2), round(expected["reactivation"], 2)),
        ("contraction", round(retention["contraction"], 2), round(expected["contraction"], 2)),
        ("churn", round(retention["churn"], 2), round(expected["churn"], 2)),
        ("customers lost (LTV)", life["churned_customers"], value["churned_customers"]),
        ("LTV", round(life["ltv"], 2) if life["ltv"] else None, round(value["ltv"], 2) if value["ltv"] else None),
    ]


if __name__ == "__main__":
    import tempfile

    for seed in SEEDS:
        with tempfile.TemporaryDirectory() as folder:
            path = messy.write_messy(Path(folder), seed=seed)
            run_import(Path(folder) / "m.duckdb", [path], today=messy.IMPORT_DAY)
            db = open_database(Path(folder) / "m.duckdb")
            truth = oracle.read_truth(path, messy.IMPORT_DAY)
            lines = sum(1 for _ in path.open(encoding="utf-8")) - 1
            print(f"\nseed {seed}: {lines:,} invoice rows, {len(truth.mrr)} paying customers")
            print(f"{'figure':<24} {'navigator':>14} {'plain Python':>14}")
            for name, ours, theirs in headline(db, truth):
                print(f"{name:<24} {ours!s:>14} {theirs!s:>14}")
            db.close()
