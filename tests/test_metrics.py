"""Every metric query on a hand-built database, checked against docs/metrics.md.

The data is in tests/handbuilt.py (A = February 2026, default window Dec 2025 .. Feb 2026).
Every expected value is worked out by hand from the spec, with the arithmetic next to it;
none is copied from a query's output. Metrics that need a special shape (an LTV with five
churns, NPS with 30+ responses, verdicts of the engagement index, a cohort with zero
starting MRR) get their own tiny database, built in this file.
"""

from __future__ import annotations

import datetime as dt
import math
from pathlib import Path
from typing import Any

import duckdb
import pytest
from handbuilt import AS_OF, build_handbuilt, insert

from navigator.data import queries
from navigator.data.schema import create_schema

D = dt.date
FEB = AS_OF  # 2026-02: window (W=3) = 2025-12-01 .. 2026-02-28
MAR = D(2026, 3, 1)
EMPTY = D(2023, 6, 1)  # long before any row of the hand-built data


def approx(value: float) -> Any:
    return pytest.approx(value, rel=1e-9, abs=1e-9)


@pytest.fixture(scope="module")
def conn() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    build_handbuilt(connection)
    yield connection
    connection.close()


def rows(conn: duckdb.DuckDBPyConnection, name: str, as_of: dt.date = FEB, **params: Any) -> list[dict]:
    frame = queries.run(conn, name, as_of=as_of, **params)
    assert tuple(frame.columns) == queries.get(name).returns
    return frame.to_dicts()


def one(conn: duckdb.DuckDBPyConnection, name: str, as_of: dt.date = FEB, **params: Any) -> dict:
    found = rows(conn, name, as_of=as_of, **params)
    assert len(found) == 1, found
    return found[0]


def keyed(found: list[dict], *keys: str) -> dict[Any, dict]:
    if len(keys) == 1:
        return {row[keys[0]]: row for row in found}
    return {tuple(row[k] for k in keys): row for row in found}


def tiny_db() -> duckdb.DuckDBPyConnection:
    """An empty in-memory database with every table, for the special shapes below."""
    connection = duckdb.connect()
    create_schema(connection)
    return connection


# ---------------------------------------------------------------------------------------
# The hand-built database itself
# ---------------------------------------------------------------------------------------


def test_handbuilt_builds_a_file_too(tmp_path: Path) -> None:
    path = build_handbuilt(tmp_path / "handbuilt.duckdb")
    with duckdb.connect(str(path), read_only=True) as db:
        names = {row[0] for row in db.execute("SELECT name FROM accounts").fetchall()}
        assert "שלום מערכות בע\"מ" in names  # Hebrew
        assert "شركة النور" in names  # Arabic
        assert db.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone() == ("2026-02-01",)
        # every table has rows
        for table in ("meta", "markets", "market_sizes", "market_alternatives", "teams", "reps",
                      "accounts", "opportunities", "revenue_movements", "handoffs", "commitments",
                      "service_events", "nps_responses", "reputation_events", "targets"):
            assert db.execute(f"SELECT count(*) FROM {table}").fetchone()[0] > 0, table


# ---------------------------------------------------------------------------------------
# MRR
# ---------------------------------------------------------------------------------------


def test_mrr_three_months(conn) -> None:
    dec, jan, feb = rows(conn, "mrr", months=3)
    assert [dec["month"], jan["month"], feb["month"]] == [D(2025, 12, 1), D(2026, 1, 1), FEB]

    # end of Dec 2025: A1 100+50, A2 200-50, A3 80, A4 120-120 = 0, A5 60, A6 90
    assert dec["mrr"] == approx(150 + 150 + 80 + 60 + 90)  # = 530
    assert dec["customers"] == 5  # A1 A2 A3 A5 A6 (A4 churned in Apr 2025)
    assert dec["new_mrr"] == approx(60 + 90)  # A5, A6
    assert dec["new_mrr_sales"] == approx(150)
    assert dec["expansion_mrr"] == 0 and dec["churn_mrr"] == 0

    # January: no movement, MRR carries over
    assert jan["mrr"] == approx(530)
    assert jan["customers"] == 5
    for col in ("new_mrr", "expansion_mrr", "contraction_mrr", "churn_mrr", "reactivation_mrr"):
        assert jan[col] == 0, col

    # February: every kind of movement
    # 530 + new 40 (A8) + exp 30 (A1) + 25 (A2) - contr 30 (A6) - churn 80 (A3) + react 100 (A4) = 615
    assert feb["mrr"] == approx(530 + 40 + 30 + 25 - 30 - 80 + 100)
    assert feb["customers"] == 6  # 5 - A3 + A4 + A8
    assert feb["new_mrr"] == approx(40)
    assert feb["expansion_mrr"] == approx(30 + 25)
    assert feb["contraction_mrr"] == approx(30)  # a positive magnitude
    assert feb["churn_mrr"] == approx(80)  # a positive magnitude
    assert feb["reactivation_mrr"] == approx(100)
    assert feb["new_mrr_sales"] == approx(40)
    assert feb["new_mrr_operations"] == 0
    assert feb["expansion_mrr_sales"] == approx(25)  # A2, booked by sales
    assert feb["expansion_mrr_operations"] == approx(30)  # A1, booked by operations


def test_mrr_ignores_movements_after_the_month(conn) -> None:
    # A9's new +70 is in March 2026
    assert one(conn, "mrr")["mrr"] == approx(615)
    assert one(conn, "mrr", as_of=MAR)["mrr"] == approx(615 + 70)


def test_mrr_team_filter_uses_the_account_owner(conn) -> None:
    t1 = one(conn, "mrr", team_id="T1")
    # T1 owns A1, A2, A5, A6: 180 + 175 + 60 + 60
    assert t1["mrr"] == approx(180 + 175 + 60 + 60)
    assert t1["customers"] == 4
    assert t1["expansion_mrr"] == approx(30 + 25)
    assert t1["expansion_mrr_operations"] == approx(30)
    # T3's rep R4 booked the operations movements, but owns no account: nothing
    t3 = one(conn, "mrr", team_id="T3")
    assert t3["mrr"] == 0 and t3["customers"] == 0 and t3["expansion_mrr"] == 0


def test_mrr_segment_filter(conn) -> None:
    smb = one(conn, "mrr", segment="SMB")
    # SMB = A3 (churned in Feb), A5 60, A8 40
    assert smb["mrr"] == approx(60 + 40)
    assert smb["customers"] == 2
    assert smb["churn_mrr"] == approx(80)
    assert smb["new_mrr"] == approx(40)


def test_mrr_empty_period(conn) -> None:
    row = one(conn, "mrr", as_of=EMPTY)
    assert row["mrr"] == 0 and row["customers"] == 0 and row["new_mrr"] == 0


# ---------------------------------------------------------------------------------------
# NRR, GRR, logo churn (T12M)
# ---------------------------------------------------------------------------------------


def test_retention_year_over_year_by_account(conn) -> None:
    row = one(conn, "retention")
    # start set: active at the end of Feb 2025: A1 100, A2 200, A3 80, A4 120
    assert row["start_customers"] == 4
    assert row["start_mrr"] == approx(100 + 200 + 80 + 120)  # = 500
    # each at the end of Feb 2026, against its start:
    #   A1 180 (exp 50 in Mar 2025, 30 in Feb 2026): +80, expansion
    #   A2 175 (contr 50 in Sep 2025, exp 25 in Feb 2026): -25, contraction
    #   A3 0 (churned Feb 2026): churn 80, lost
    #   A4 100 (churned Apr 2025, back in Feb 2026 at 100): -20, a contraction (it came back lower)
    assert row["expansion"] == approx(80)
    assert row["reactivation"] == approx(0)
    assert row["contraction"] == approx(25 + 20)
    assert row["churn"] == approx(80)
    assert row["end_mrr"] == approx(180 + 175 + 0 + 100)  # = 455
    # the bridge adds up: 500 + 80 + 0 - 45 - 80 = 455
    assert row["start_mrr"] + row["expansion"] + row["reactivation"] - row["contraction"] - row["churn"] == approx(
        row["end_mrr"])
    # NRR = 455 / 500
    assert row["nrr"] == approx(455 / 500)
    # GRR = sum of min(end, start) / start = (100 + 175 + 0 + 100) / 500 = 375 / 500
    assert row["grr"] == approx(375 / 500)
    # logo churn: A3 lost; A4 churned and came back within the year, so not lost: 1/4
    assert row["lost_customers"] == 1
    assert row["logo_churn"] == approx(1 / 4)
    # A5, A6, A8 are new customers (first revenue after Feb 2025): excluded


def test_retention_one_row_per_month(conn) -> None:
    dec, jan, feb = rows(conn, "retention", months=3)
    assert [dec["month"], jan["month"], feb["month"]] == [D(2025, 12, 1), D(2026, 1, 1), FEB]
    for row in (dec, jan):
        # start (end of Dec 2024 / Jan 2025): A1 100, A2 200, A3 80, A4 120 = 500
        # at the end of Dec 2025 / Jan 2026: A1 150, A2 150, A3 80, A4 0 (churned in Apr 2025)
        assert row["start_mrr"] == approx(500)
        assert row["end_mrr"] == approx(150 + 150 + 80 + 0)  # 380
        assert row["nrr"] == approx(380 / 500)  # 0.76
        assert row["grr"] == approx((100 + 150 + 80 + 0) / 500)  # 0.66
        assert row["logo_churn"] == approx(1 / 4)  # A4, not active at the end
    assert feb["nrr"] == approx(455 / 500)


def test_retention_excludes_customers_newer_than_the_start(conn) -> None:
    row = one(conn, "retention", as_of=D(2025, 11, 1))
    # start = end of Nov 2024: only A1 100 and A2 200; A3 and A4 started in Dec 2024 (excluded,
    # so A4's churn in Apr 2025 does not count)
    assert row["start_customers"] == 2
    assert row["start_mrr"] == approx(300)
    # end of Nov 2025: A1 150, A2 150
    assert row["nrr"] == approx((150 + 150) / 300)  # 1.0
    assert row["grr"] == approx((100 + 150) / 300)
    assert (row["expansion"], row["contraction"]) == (approx(50), approx(50))
    assert row["logo_churn"] == 0.0


def test_retention_filters(conn) -> None:
    t2 = one(conn, "retention", team_id="T2")
    # T2 owns A3 80 and A4 120: start 200; at A: A3 0, A4 100
    assert t2["nrr"] == approx((0 + 100) / 200)  # 0.5
    assert t2["grr"] == approx((0 + 100) / 200)  # 0.5: A4 pays 100 of its 120 again
    assert (t2["churn"], t2["contraction"]) == (approx(80), approx(20))
    assert t2["logo_churn"] == approx(1 / 2)
    ent = one(conn, "retention", segment="Enterprise")
    # A1 100 + A4 120 = 220; at A: A1 180, A4 100
    assert ent["nrr"] == approx((180 + 100) / 220)
    assert ent["grr"] == approx((100 + 100) / 220)
    assert ent["logo_churn"] == 0.0


def test_retention_counts_an_account_lost_twice_once() -> None:
    """Churn -> reactivation -> churn cycles: the account is lost once, with its start MRR; an
    account back above its start MRR is a reactivation, one back at its start MRR moves nothing."""
    db = tiny_db()
    insert(db, "accounts", [(a, a, "M1", "SMB", "EMEA", "inbound", None, "R1", D(2024, 11, 1))
                            for a in ("R1", "R2", "R3", "R4", "R5")])
    insert(db, "revenue_movements", [
        # R1: 100, churns three times in the year, lost at the end
        ("R1", D(2025, 1, 1), "new", 100.0, "sales", None, None),
        ("R1", D(2025, 3, 1), "churn", -100.0, "operations", None, None),
        ("R1", D(2025, 5, 1), "reactivation", 100.0, "sales", None, None),
        ("R1", D(2025, 7, 1), "churn", -100.0, "operations", None, None),
        ("R1", D(2025, 9, 1), "reactivation", 100.0, "sales", None, None),
        ("R1", D(2025, 11, 1), "churn", -100.0, "operations", None, None),
        # R2: 200, churns in April, back in August at 260
        ("R2", D(2025, 1, 1), "new", 200.0, "sales", None, None),
        ("R2", D(2025, 4, 1), "churn", -200.0, "operations", None, None),
        ("R2", D(2025, 8, 1), "reactivation", 260.0, "sales", None, None),
        # R3: 50 since Dec 2024, +50 in June, -30 in October: 70
        ("R3", D(2024, 12, 1), "new", 50.0, "sales", None, None),
        ("R3", D(2025, 6, 1), "expansion", 50.0, "sales", None, None),
        ("R3", D(2025, 10, 1), "contraction", -30.0, "operations", None, None),
        # R4: 80, downgraded to $0 in June (a churn), back in December at 80
        ("R4", D(2025, 1, 1), "new", 80.0, "sales", None, None),
        ("R4", D(2025, 6, 1), "churn", -80.0, "operations", None, None),
        ("R4", D(2025, 12, 1), "reactivation", 80.0, "sales", None, None),
        # R5: new after the start: not in the start set
        ("R5", D(2025, 2, 1), "new", 500.0, "sales", None, None),
    ])
    row = one(db, "retention", as_of=D(2026, 1, 1))
    # start set, end of Jan 2025: R1 100, R2 200, R3 50, R4 80 = 430
    assert row["start_customers"] == 4
    assert row["start_mrr"] == approx(430)
    # end of Jan 2026: R1 0 (churn 100, once), R2 260 (reactivation +60), R3 70 (expansion +20),
    # R4 80 (back where it started: nothing)
    assert row["churn"] == approx(100)
    assert row["reactivation"] == approx(60)
    assert row["expansion"] == approx(20)
    assert row["contraction"] == 0
    assert row["end_mrr"] == approx(0 + 260 + 70 + 80)  # 410 = 430 + 20 + 60 - 0 - 100
    assert row["nrr"] == approx(410 / 430)
    # GRR = (min(0, 100) + min(260, 200) + min(70, 50) + min(80, 80)) / 430 = 330 / 430; summing the
    # churn movements of the year instead would give (430 - 300 - 200 - 80 - 30) / 430 = -42 %
    assert row["grr"] == approx(330 / 430)
    assert 0 <= row["grr"] <= 1 and row["grr"] <= row["nrr"]
    assert row["lost_customers"] == 1 and row["logo_churn"] == approx(1 / 4)
    db.close()


def test_retention_zero_denominator_and_empty_period(conn) -> None:
    for row in (one(conn, "retention", team_id="T3"), one(conn, "retention", as_of=EMPTY)):
        # T3 owns no account / nothing existed: the start cohort is empty
        assert row["start_customers"] == 0
        assert row["nrr"] is None and row["grr"] is None and row["logo_churn"] is None


# ---------------------------------------------------------------------------------------
# Cohort retention
# ---------------------------------------------------------------------------------------


def test_cohort_retention_cells(conn) -> None:
    cells = keyed(rows(conn, "cohort_retention"), "cohort", "months_since")
    # default 24 months: cohorts 2024-04 {A1}, 2024-06 {A2}, 2024-12 {A3, A4}, 2025-12 {A5, A6},
    # 2026-02 {A8}; each runs from k = 0 up to A
    assert sorted({c for c, _ in cells}) == [D(2024, 4, 1), D(2024, 6, 1), D(2024, 12, 1),
                                            D(2025, 12, 1), D(2026, 2, 1)]
    assert len(cells) == 23 + 21 + 15 + 3 + 1  # k = 0..22, 0..20, 0..14, 0..2, 0

    dec24 = D(2024, 12, 1)  # A3 80 + A4 120 = 200
    assert cells[(dec24, 0)]["cohort_customers"] == 2
    assert cells[(dec24, 0)]["cohort_start_mrr"] == approx(200)
    assert cells[(dec24, 0)]["customer_retention"] == 1.0
    assert cells[(dec24, 0)]["mrr_retention"] == 1.0
    assert cells[(dec24, 3)]["mrr_retention"] == approx(200 / 200)  # Mar 2025, both there
    # k = 4 (Apr 2025): A4 churned; A3 80 left
    assert cells[(dec24, 4)]["active_customers"] == 1
    assert cells[(dec24, 4)]["customer_retention"] == approx(1 / 2)
    assert cells[(dec24, 4)]["mrr_retention"] == approx(80 / 200)
    # k = 14 (Feb 2026): A3 churned, A4 came back at 100
    assert cells[(dec24, 14)]["customer_retention"] == approx(1 / 2)
    assert cells[(dec24, 14)]["mrr_retention"] == approx(100 / 200)

    apr24 = D(2024, 4, 1)  # A1 100; expansion pushes MRR retention above 1
    assert cells[(apr24, 11)]["mrr_retention"] == approx(150 / 100)  # Mar 2025
    assert cells[(apr24, 22)]["mrr_retention"] == approx(180 / 100)  # Feb 2026

    dec25 = D(2025, 12, 1)  # A5 60 + A6 90 = 150; A6 contracted by 30 in Feb
    assert cells[(dec25, 2)]["customer_retention"] == 1.0
    assert cells[(dec25, 2)]["mrr"] == approx(60 + 60)
    assert cells[(dec25, 2)]["mrr_retention"] == approx(120 / 150)


def test_cohort_retention_months_limits_to_the_latest_cohorts(conn) -> None:
    found = rows(conn, "cohort_retention", months=3)
    # cohorts in Dec 2025 .. Feb 2026: 2025-12 (k = 0, 1, 2) and 2026-02 (k = 0); none in Jan
    assert [(r["cohort"], r["months_since"]) for r in found] == [
        (D(2025, 12, 1), 0), (D(2025, 12, 1), 1), (D(2025, 12, 1), 2), (D(2026, 2, 1), 0)]


def test_cohort_retention_team_filter(conn) -> None:
    found = rows(conn, "cohort_retention", team_id="T2")
    # T2 owns A3, A4 (cohort 2024-12) and A8 (2026-02); A9's revenue starts after A
    assert sorted({r["cohort"] for r in found}) == [D(2024, 12, 1), D(2026, 2, 1)]


def test_cohort_retention_empty_period(conn) -> None:
    assert rows(conn, "cohort_retention", as_of=D(2024, 3, 1)) == []  # no revenue yet


def test_cohort_is_the_month_of_the_first_positive_movement() -> None:
    db = tiny_db()
    insert(db, "accounts", [
        ("Z1", "Zed One", "M1", "SMB", "EMEA", "inbound", None, "R1", D(2025, 12, 1)),
        ("Z2", "Zed Two", "M1", "SMB", "EMEA", "inbound", None, "R1", D(2025, 12, 1)),
    ])
    insert(db, "revenue_movements", [
        # Z1 signs and cancels in January, comes back in March
        ("Z1", D(2026, 1, 1), "new", 50.0, "sales", None, None),
        ("Z1", D(2026, 1, 1), "churn", -50.0, "operations", None, None),
        ("Z1", D(2026, 3, 1), "reactivation", 30.0, "operations", None, None),
        ("Z2", D(2026, 2, 1), "new", 40.0, "sales", None, None),
    ])
    cells = keyed(rows(db, "cohort_retention", as_of=MAR), "cohort", "months_since")
    # Z1's first positive movement is in January: its cohort is 2026-01, not 2026-03
    jan = D(2026, 1, 1)
    assert set(cells) == {(jan, 0), (jan, 1), (jan, 2), (D(2026, 2, 1), 0), (D(2026, 2, 1), 1)}
    assert cells[(jan, 0)]["cohort_customers"] == 1
    assert cells[(jan, 0)]["customer_retention"] == 0.0  # 0 of 1 active at the end of January
    assert cells[(jan, 0)]["cohort_start_mrr"] == 0.0
    assert cells[(jan, 0)]["mrr_retention"] is None  # zero denominator -> null
    assert cells[(jan, 2)]["customer_retention"] == 1.0  # back in March
    assert cells[(jan, 2)]["mrr_retention"] is None  # 30 / 0
    assert cells[(D(2026, 2, 1), 1)]["mrr_retention"] == approx(40 / 40)
    db.close()


# ---------------------------------------------------------------------------------------
# LTV
# ---------------------------------------------------------------------------------------


def test_ltv_notes_on_the_handbuilt_data(conn) -> None:
    by_segment = keyed(rows(conn, "ltv"), "segment")
    assert list(by_segment) == [None, "Enterprise", "Mid-market", "SMB"]
    total = by_segment[None]
    # end of Feb 2026: 615 over 6 customers
    assert total["customers"] == 6
    assert total["arpa"] == approx(615 / 6)
    # customers active at the start of each month Mar 2025 .. Feb 2026 (= end of the month before):
    # A1 12, A2 12, A3 12 (churned in Feb 2026), A4 2 (Mar, Apr), A5 2 (Jan, Feb), A6 2, A8 0 = 42
    assert total["customer_months"] == 12 + 12 + 12 + 2 + 2 + 2
    # customers lost: active at the start of one of those months and not active at the end of Feb
    # 2026: A3 only (A4 churned in Apr 2025 but is back in Feb 2026: not lost)
    assert total["churned_customers"] == 1
    assert total["monthly_churn_rate"] == approx(1 / 42)
    assert total["ltv"] is None  # 1 < 5 customers lost
    assert "base too small" in total["note"]

    ent = by_segment["Enterprise"]  # A1 180, A4 100; exposure A1 12 + A4 2; nobody lost
    assert ent["arpa"] == approx((180 + 100) / 2)
    assert ent["churned_customers"] == 0
    assert ent["monthly_churn_rate"] == 0.0
    assert ent["ltv"] is None and ent["note"] == "no customer lost in 12 months: LTV unbounded"

    mid = by_segment["Mid-market"]  # A2 175, A6 60; exposure 12 + 2; no churn
    assert mid["arpa"] == approx((175 + 60) / 2)
    assert mid["churned_customers"] == 0
    assert mid["monthly_churn_rate"] == 0.0
    assert mid["ltv"] is None  # unbounded, not infinite and not 0
    assert "unbounded" in mid["note"]

    smb = by_segment["SMB"]  # A5 60, A8 40; exposure A3 12 + A5 2 + A8 0; A3 lost
    assert smb["arpa"] == approx((60 + 40) / 2)
    assert smb["customer_months"] == 14
    assert smb["monthly_churn_rate"] == approx(1 / 14)
    assert smb["note"] == "base too small: fewer than 5 customers lost in 12 months"


def test_ltv_segment_filter(conn) -> None:
    found = keyed(rows(conn, "ltv", segment="SMB"), "segment")
    assert list(found) == [None, "SMB"]
    assert found[None]["customers"] == 2 and found[None]["arpa"] == approx(50)


def test_ltv_with_five_churns_has_a_value() -> None:
    db = tiny_db()
    accounts = [f"L{i}" for i in range(6)] + [f"S{i}" for i in range(1, 6)]
    insert(db, "accounts", [(a, a, "M1", "SMB", "EMEA", "inbound", None, "R1", D(2024, 11, 1))
                            for a in accounts])
    moves = [(a, D(2024, 12, 1), "new", 100.0, "sales", None, None) for a in accounts[:6]]
    moves += [(f"S{i}", D(2024, 12, 1), "new", 100.0 * i, "sales", None, None) for i in range(1, 6)]
    churns = {"L0": D(2025, 1, 1), "L1": D(2025, 2, 1), "L2": D(2025, 4, 1), "L3": D(2025, 7, 1),
              "L4": D(2025, 10, 1), "L5": D(2026, 1, 1)}
    moves += [(a, month, "churn", -100.0, "operations", None, None) for a, month in churns.items()]
    insert(db, "revenue_movements", moves)

    total, smb = rows(db, "ltv", as_of=D(2026, 1, 1))
    assert total["segment"] is None and smb["segment"] == "SMB"
    # the 12 months are Feb 2025 .. Jan 2026; L0's churn (Jan 2025) is before them
    assert total["churned_customers"] == 5
    # active at the start of each month: S1..S5 12 each; L1 1 (Feb), L2 3 (Feb-Apr), L3 6,
    # L4 9, L5 12; L0 0
    assert total["customer_months"] == 5 * 12 + 1 + 3 + 6 + 9 + 12  # = 91
    assert total["monthly_churn_rate"] == approx(5 / 91)
    # ARPA = (100 + 200 + 300 + 400 + 500) / 5 = 300
    assert total["customers"] == 5
    assert total["arpa"] == approx(300)
    # LTV = 300 / (5/91) = 300 * 91 / 5 = 5460
    assert total["ltv"] == approx(5460)
    assert total["note"] is None
    assert smb["ltv"] == approx(5460)
    db.close()


def test_ltv_empty_period(conn) -> None:
    for row in rows(conn, "ltv", as_of=EMPTY):
        assert row["customers"] == 0 and row["churned_customers"] == 0
        assert row["arpa"] is None and row["monthly_churn_rate"] is None and row["ltv"] is None
        assert row["note"]


def test_ltv_counts_each_lost_customer_once() -> None:
    db = tiny_db()
    accounts = [f"C{i}" for i in range(8)]
    insert(db, "accounts", [(a, a, "M1", "SMB", "EMEA", "inbound", None, "R1", D(2024, 11, 1)) for a in accounts])
    moves = [(a, D(2024, 12, 1), "new", 100.0, "sales", None, None) for a in accounts]
    # C0 churns, comes back and churns again within the year: lost once (two churn movements)
    moves += [("C0", D(2025, 3, 1), "churn", -100.0, "operations", None, None),
              ("C0", D(2025, 5, 1), "reactivation", 100.0, "sales", None, None),
              ("C0", D(2025, 8, 1), "churn", -100.0, "operations", None, None)]
    # C1 churns and is back by the end of the year: not lost
    moves += [("C1", D(2025, 4, 1), "churn", -100.0, "operations", None, None),
              ("C1", D(2025, 10, 1), "reactivation", 100.0, "sales", None, None)]
    # C2 .. C5 churn once and stay away: lost
    moves += [(f"C{i}", D(2025, 2 + i, 1), "churn", -100.0, "operations", None, None) for i in range(2, 6)]
    insert(db, "revenue_movements", moves)
    total = rows(db, "ltv", as_of=D(2026, 1, 1))[0]
    # the 12 months Feb 2025 .. Jan 2026; lost: C0, C2, C3, C4, C5 = 5 (6 churn movements)
    assert total["churned_customers"] == 5
    # active at the start of each month (end of Jan 2025 .. Dec 2025):
    #   C0: Jan, Feb, May, Jun, Jul = 5; C1: Jan, Feb, Mar, Oct, Nov, Dec = 6;
    #   C2 (churn Apr): Jan, Feb, Mar = 3; C3 (May): 4; C4 (Jun): 5; C5 (Jul): 6; C6, C7: 12 each
    assert total["customer_months"] == 5 + 6 + 3 + 4 + 5 + 6 + 12 + 12  # = 53
    assert total["monthly_churn_rate"] == approx(5 / 53)
    # ARPA: C1, C6, C7 at 100 each = 100; LTV = 100 / (5 / 53) = 1060
    assert total["customers"] == 3 and total["arpa"] == approx(100)
    assert total["ltv"] == approx(1060)
    db.close()


# ---------------------------------------------------------------------------------------
# NPS
# ---------------------------------------------------------------------------------------


def nps_se(p_plus: float, p_minus: float, n: int) -> float:
    """The spec's standard error, in points."""
    return 100 * math.sqrt((p_plus + p_minus - (p_plus - p_minus) ** 2) / n)


def test_nps_small_sample_gives_only_the_interval(conn) -> None:
    row = one(conn, "nps")
    # invited Dec..Feb: N1 10, N2 9, N3 7, N4 3, N5 -, N7 -  (N6 is from November)
    assert row["invitations"] == 6
    assert row["responses"] == 4
    assert row["response_rate"] == approx(4 / 6)
    assert (row["promoters"], row["passives"], row["detractors"]) == (2, 1, 1)
    # p+ = 2/4, p- = 1/4: NPS 25; SE = 100 sqrt((0.5 + 0.25 - 0.25^2) / 4) = 100 sqrt(0.171875)
    se = 100 * math.sqrt(0.171875)
    assert row["nps_se"] == approx(nps_se(0.5, 0.25, 4))
    assert row["nps_se"] == approx(se)  # 41.46
    assert row["nps"] is None  # 4 < 30 responses
    assert "too few responses" in row["note"]
    assert row["nps_ci_low"] == approx(25 - 1.96 * se)  # -56.26
    assert row["nps_ci_high"] == 100.0  # 25 + 81.26 = 106.26, clipped


def test_nps_window(conn) -> None:
    row = one(conn, "nps", window=4)
    # Nov..Feb adds N6 (2, a detractor): 5 responses, 2 promoters, 2 detractors, 7 invitations
    assert row["invitations"] == 7 and row["responses"] == 5
    # NPS = 100 (2/5 - 2/5) = 0; SE = 100 sqrt((0.4 + 0.4 - 0) / 5) = 100 * 0.4 = 40
    assert row["nps_se"] == approx(40)
    assert row["nps_ci_low"] == approx(-78.4)
    assert row["nps_ci_high"] == approx(78.4)


def test_nps_team_filter_uses_the_account_owner(conn) -> None:
    row = one(conn, "nps", team_id="T1")
    # T1 owns A1 (10), A2 (9), A5 (no answer), A6 (3)
    assert row["invitations"] == 4 and row["responses"] == 3
    # p+ = 2/3, p- = 1/3: NPS 33.3; SE = 100 sqrt((1 - 1/9) / 3) = 100 sqrt(8/27) = 54.43
    se = 100 * math.sqrt(8 / 27)
    assert row["nps_se"] == approx(se)
    assert row["nps_ci_low"] == approx(100 / 3 - 1.96 * se)
    assert row["nps_ci_high"] == 100.0  # 140.0, clipped


def test_nps_no_responses_and_empty_period(conn) -> None:
    smb = one(conn, "nps", segment="SMB")
    # SMB: N5 (A5) and N7 (A8), neither answered
    assert smb["invitations"] == 2 and smb["responses"] == 0
    assert smb["response_rate"] == 0.0  # 0 / 2: a real zero
    assert smb["nps"] is None and smb["nps_se"] is None
    assert smb["nps_ci_low"] is None and smb["nps_ci_high"] is None
    empty = one(conn, "nps", as_of=EMPTY)
    assert empty["invitations"] == 0 and empty["responses"] == 0
    assert empty["response_rate"] is None and empty["nps"] is None and empty["nps_ci_low"] is None


@pytest.fixture(scope="module")
def nps_db() -> duckdb.DuckDBPyConnection:
    db = tiny_db()
    insert(db, "accounts", [("P1", "Pilot", "M1", "SMB", "EMEA", "inbound", None, "R1", D(2024, 1, 1))])
    # 40 invitations in Nov 2025 .. Jan 2026: 16 promoters, 10 passives, 6 detractors, 8 silent
    scores = [10] * 8 + [9] * 8 + [8] * 5 + [7] * 5 + [6, 6, 5, 5, 3, 0] + [None] * 8
    months = [D(2025, 11, 10), D(2025, 12, 10), D(2026, 1, 10)]
    answers = []
    for i, score in enumerate(scores):
        surveyed = months[i % 3]
        answered = None if score is None else surveyed + dt.timedelta(days=2)
        answers.append((f"Q{i}", "P1", surveyed, answered, score))
    # two detractors invited in October: outside the window
    answers += [("QO1", "P1", D(2025, 10, 15), D(2025, 10, 16), 0),
                ("QO2", "P1", D(2025, 10, 15), D(2025, 10, 16), 0)]
    # June 2025: 0, 5, 8
    answers += [("QJ1", "P1", D(2025, 6, 3), D(2025, 6, 4), 0),
                ("QJ2", "P1", D(2025, 6, 3), D(2025, 6, 4), 5),
                ("QJ3", "P1", D(2025, 6, 3), D(2025, 6, 4), 8)]
    insert(db, "nps_responses", answers)
    yield db
    db.close()


def test_nps_with_thirty_or_more_responses(nps_db) -> None:
    row = one(nps_db, "nps", as_of=D(2026, 1, 1))
    assert row["invitations"] == 40 and row["responses"] == 32
    assert row["response_rate"] == approx(32 / 40)
    assert (row["promoters"], row["passives"], row["detractors"]) == (16, 10, 6)
    # p+ = 16/32 = 0.5, p- = 6/32 = 0.1875: NPS = 100 (0.5 - 0.1875) = 31.25
    assert row["nps"] == approx(31.25)
    # SE = 100 sqrt((0.6875 - 0.3125^2) / 32) = 100 sqrt(0.58984375 / 32) = 13.577
    se = 100 * math.sqrt(0.58984375 / 32)
    assert row["nps_se"] == approx(se)
    assert row["nps_ci_low"] == approx(31.25 - 1.96 * se)  # 4.64, not clipped
    assert row["nps_ci_high"] == approx(31.25 + 1.96 * se)  # 57.86
    assert row["note"] is None


def test_nps_minimum_responses_is_inclusive(nps_db) -> None:
    assert one(nps_db, "nps", as_of=D(2026, 1, 1), min_responses=32)["nps"] == approx(31.25)
    row = one(nps_db, "nps", as_of=D(2026, 1, 1), min_responses=33)
    assert row["nps"] is None and "too few responses" in row["note"]


def test_nps_interval_clipped_below(nps_db) -> None:
    row = one(nps_db, "nps", as_of=D(2025, 6, 1), window=1)
    # 0, 5, 8: p+ = 0, p- = 2/3; NPS = -66.7; SE = 100 sqrt((2/3 - 4/9) / 3) = 100 sqrt(2/27) = 27.2
    se = 100 * math.sqrt(2 / 27)
    assert row["nps_se"] == approx(se)
    assert row["nps_ci_low"] == -100.0  # -66.7 - 53.3 = -120.0, clipped
    assert row["nps_ci_high"] == approx(-200 / 3 + 1.96 * se)


# ---------------------------------------------------------------------------------------
# Referral rate
# ---------------------------------------------------------------------------------------


def test_referral_rate(conn) -> None:
    row = one(conn, "referral_rate")
    # first positive revenue in Dec..Feb: A5 (referred by A1), A6, A8 (A4's reactivation is not new)
    assert row["new_customers"] == 3 and row["referred"] == 1
    assert row["referral_rate"] == approx(1 / 3)
    assert row["referred_new_mrr"] == approx(60)  # A5


def test_referral_rate_by_month_and_window(conn) -> None:
    dec, jan, feb = rows(conn, "referral_rate", window=1, months=3)
    assert dec["referral_rate"] == approx(1 / 2)  # A5 of A5, A6
    assert jan["new_customers"] == 0 and jan["referral_rate"] is None  # empty month
    assert feb["new_customers"] == 1 and feb["referral_rate"] == 0.0  # A8, not referred: a real 0


def test_referral_rate_region_filter(conn) -> None:
    row = one(conn, "referral_rate", region="NA")
    # NA: A4 (not new), A5 (referred), A8
    assert row["referral_rate"] == approx(1 / 2)


# ---------------------------------------------------------------------------------------
# Win rate and sales cycle
# ---------------------------------------------------------------------------------------


def test_win_rate_and_sales_cycle(conn) -> None:
    row = one(conn, "win_rate")
    # new deals closed Dec..Feb: won O5, O6, O8, O15; lost O7, O10, O11 (O9, O17 are expansion)
    assert row["won"] == 4 and row["lost"] == 3
    assert row["win_rate"] == approx(4 / 7)
    # cycles: O5 Nov 1 -> Dec 11 = 40, O6 Oct 1 -> Dec 20 = 80, O8 Jan 10 -> Feb 9 = 30,
    # O15 Nov 12 -> Feb 20 = 100; sorted 30, 40, 80, 100: median (40 + 80) / 2 = 60
    assert row["cycle_median_days"] == approx(60)
    assert row["cycle_mean_days"] == approx((40 + 80 + 30 + 100) / 4)  # 62.5
    assert row["won_amount"] == approx(720 + 1080 + 480 + 840)


def test_win_rate_team_filter_uses_the_deal_rep(conn) -> None:
    t1 = one(conn, "win_rate", team_id="T1")
    # T1 reps R1, R2: won O5, O6; lost O10 (on A7, owned by T2's R3) and O11
    assert (t1["won"], t1["lost"]) == (2, 2)
    assert t1["win_rate"] == approx(2 / 4)
    assert t1["cycle_median_days"] == approx((40 + 80) / 2)
    t2 = one(conn, "win_rate", team_id="T2")
    # T2 (R3): won O8, O15; lost O7
    assert t2["win_rate"] == approx(2 / 3)
    assert t2["cycle_mean_days"] == approx((30 + 100) / 2)


def test_win_rate_market_filter(conn) -> None:
    row = one(conn, "win_rate", market_id="M2")
    assert (row["won"], row["lost"], row["win_rate"]) == (1, 0, 1.0)  # O8 on A8
    assert row["cycle_median_days"] == approx(30)


def test_win_rate_by_month(conn) -> None:
    dec, jan, feb = rows(conn, "win_rate", window=1, months=3)
    assert dec["win_rate"] == approx(2 / 3)  # O5, O6 won; O10 lost
    assert (jan["won"], jan["lost"], jan["win_rate"]) == (0, 1, 0.0)  # O7 lost: a real 0
    assert jan["cycle_median_days"] is None and jan["cycle_mean_days"] is None
    assert feb["win_rate"] == approx(2 / 3)  # O8, O15 won; O11 lost
    assert feb["cycle_median_days"] == approx((30 + 100) / 2)


def test_win_rate_empty_period(conn) -> None:
    row = one(conn, "win_rate", as_of=EMPTY)
    assert (row["won"], row["lost"]) == (0, 0)
    assert row["win_rate"] is None and row["cycle_median_days"] is None and row["cycle_mean_days"] is None


# ---------------------------------------------------------------------------------------
# Pipeline coverage
# ---------------------------------------------------------------------------------------


def test_pipeline_coverage(conn) -> None:
    row = one(conn, "pipeline_coverage")
    # open at the end of Feb 2026, expected Mar..May: O12 3000, O13 1800 (expansion), O17 500
    # (closed on Mar 10, so still open then). Not: O14 (expected Jan 31), O19 (Jun 15),
    # O18 (created Mar 2)
    assert row["open_deals"] == 3
    assert row["open_pipeline"] == approx(3000 + 1800 + 500)
    assert row["target"] == approx(2000 * 3)  # company rows, Mar..May
    assert row["coverage"] == approx(5300 / 6000)


def test_pipeline_coverage_window(conn) -> None:
    row = one(conn, "pipeline_coverage", window=4)
    # Mar..Jun adds O19 400 and June's target 1000
    assert row["coverage"] == approx((5300 + 400) / (6000 + 1000))


def test_pipeline_coverage_team_filter(conn) -> None:
    t2 = one(conn, "pipeline_coverage", team_id="T2")
    assert t2["coverage"] == approx(3000 / (1000 * 3))  # O12 (R3) / T2's own targets
    t1 = one(conn, "pipeline_coverage", team_id="T1")
    assert t1["coverage"] == approx(500 / 250)  # O17 (R1) / T1's March target
    t3 = one(conn, "pipeline_coverage", team_id="T3")
    assert t3["open_pipeline"] == approx(1800)  # O13 (R4)
    assert t3["target"] is None and t3["coverage"] is None  # no target: null


def test_pipeline_coverage_previous_month(conn) -> None:
    jan, feb = rows(conn, "pipeline_coverage", months=2)
    # end of Jan, expected Feb..Apr: O8 480, O11 800, O15 840 (all closed in Feb), O13 1800, O17 500
    assert jan["open_deals"] == 5
    assert jan["open_pipeline"] == approx(480 + 800 + 840 + 1800 + 500)
    assert jan["coverage"] == approx(4420 / 6000)
    assert feb["coverage"] == approx(5300 / 6000)


def test_pipeline_coverage_empty_period(conn) -> None:
    row = one(conn, "pipeline_coverage", as_of=EMPTY)
    assert row["open_deals"] == 0 and row["target"] is None and row["coverage"] is None


# ---------------------------------------------------------------------------------------
# The four questions
# ---------------------------------------------------------------------------------------


def test_four_questions(conn) -> None:
    levels = keyed(rows(conn, "four_questions"), "answered")
    assert list(levels) == [0, 1, 2, 3, 4]
    # closed in the window, by questions answered: O7 0 (lost); O15 1 (won), O11 1 (lost);
    # O10 2 (lost); O5 3 (won); O6 4, O8 4 (won)
    assert (levels[0]["closed"], levels[0]["won"], levels[0]["lost"]) == (1, 0, 1)
    assert levels[0]["win_rate"] == 0.0
    assert levels[1]["win_rate"] == approx(1 / 2)
    assert levels[2]["win_rate"] == 0.0
    assert levels[3]["win_rate"] == 1.0
    assert (levels[4]["closed"], levels[4]["win_rate"]) == (2, 1.0)
    # cohort: new deals won Mar 2024 .. Feb 2025: O1 (4), O2 (2), O3 (4), O4 (0); retained when
    # active at the end of the 12th month after the close month
    # O1 Apr 2025: A1 150 yes; O2 Jun 2025: A2 200 yes; O3 Dec 2025: A3 80 yes; O4 Dec 2025: A4 0 no
    assert (levels[4]["cohort_won"], levels[4]["cohort_retained"]) == (2, 2)
    assert levels[4]["retention_12m"] == 1.0
    assert levels[2]["retention_12m"] == 1.0
    assert (levels[0]["cohort_won"], levels[0]["retention_12m"]) == (1, 0.0)
    assert levels[1]["cohort_won"] == 0 and levels[1]["retention_12m"] is None
    assert levels[3]["retention_12m"] is None


def test_four_questions_empty_period(conn) -> None:
    for row in rows(conn, "four_questions", as_of=EMPTY):
        assert row["closed"] == 0 and row["cohort_won"] == 0
        assert row["win_rate"] is None and row["retention_12m"] is None


def test_value_questions(conn) -> None:
    found = keyed(rows(conn, "value_questions"), "question")
    assert list(found) == ["value", "why_me", "why_now", "alternative"]
    # 7 closed: value O5 O6 O8 O15 O10 O11; why me O5 O6 O8 O10; why now O5 O6 O8; alternative O6 O8
    assert found["value"]["closed"] == 7
    assert found["value"]["share"] == approx(6 / 7)
    assert found["why_me"]["share"] == approx(4 / 7)
    assert found["why_now"]["share"] == approx(3 / 7)
    assert found["alternative"]["share"] == approx(2 / 7)


def test_value_questions_empty_period(conn) -> None:
    for row in rows(conn, "value_questions", as_of=EMPTY):
        assert row["closed"] == 0 and row["answered"] == 0 and row["share"] is None


# ---------------------------------------------------------------------------------------
# Lost to
# ---------------------------------------------------------------------------------------


def test_lost_to(conn) -> None:
    found = rows(conn, "lost_to")
    # lost new deals Dec..Feb: O7 Contoso 5000, O10 status quo 1000, O11 not recorded 800
    assert [(r["lost_to"], r["kind"], r["deals"], r["amount"]) for r in found] == [
        ("Contoso", "competitor", 1, 5000.0),
        ("status quo", "status_quo", 1, 1000.0),
        ("unknown", "unknown", 1, 800.0),
    ]
    assert [r["share"] for r in found] == [approx(1 / 3)] * 3


def test_lost_to_window_and_team(conn) -> None:
    six = keyed(rows(conn, "lost_to", window=6), "lost_to")
    # Sep..Feb adds O16 (Contoso, 600, Oct 20)
    assert six["Contoso"]["deals"] == 2 and six["Contoso"]["amount"] == approx(5600)
    assert six["Contoso"]["share"] == approx(2 / 4)
    t1 = keyed(rows(conn, "lost_to", team_id="T1"), "lost_to")
    assert set(t1) == {"status quo", "unknown"}  # O10 (R1), O11 (R2)


def test_lost_to_empty_period(conn) -> None:
    assert rows(conn, "lost_to", as_of=EMPTY) == []


# ---------------------------------------------------------------------------------------
# Hand-offs
# ---------------------------------------------------------------------------------------


def test_handoff(conn) -> None:
    found = keyed(rows(conn, "handoff"), "kind")
    assert list(found) == ["strategy_to_sales", "sales_to_operations", "operations_to_sales"]

    s2o = found["sales_to_operations"]
    # sent Dec..Feb: H1 (2.0 days), H2 (Dec 20 00:00 -> Jan 29 12:00 = 40.5 days), H3 (1.5 days),
    # H4 (accepted Mar 5: not by the end of February)
    assert s2o["handoffs"] == 4 and s2o["accepted"] == 3
    assert s2o["latency_median_days"] == approx(2.0)  # 1.5, 2.0, 40.5
    # p90: rank 0.9 * (3 - 1) = 1.8 -> 2.0 + 0.8 * (40.5 - 2.0) = 32.8
    assert s2o["latency_p90_days"] == approx(2.0 + 0.8 * (40.5 - 2.0))
    assert s2o["complete"] == 2 and s2o["completeness"] == approx(2 / 4)  # H1, H3
    # sent at least 30 days before the end of Feb: H1 (Dec 11), H2 (Dec 20); H3 and H4 too recent
    assert s2o["eligible"] == 2
    assert s2o["dropped"] == 1 and s2o["dropped_rate"] == approx(1 / 2)  # H2, accepted after 40.5 days

    s2s = found["strategy_to_sales"]
    # H7 (3.0 days, complete), H8 (never, no objectives); H6 is from November
    assert (s2s["handoffs"], s2s["accepted"]) == (2, 1)
    assert s2s["latency_median_days"] == approx(3.0) and s2s["latency_p90_days"] == approx(3.0)
    assert s2s["completeness"] == approx(1 / 2)
    assert (s2s["eligible"], s2s["dropped"]) == (2, 1)
    assert s2s["dropped_rate"] == approx(1 / 2)

    o2s = found["operations_to_sales"]
    # H9, sent Feb 25: not accepted, but too recent to count as dropped
    assert (o2s["handoffs"], o2s["accepted"], o2s["eligible"], o2s["dropped"]) == (1, 0, 0, 0)
    assert o2s["latency_median_days"] is None and o2s["latency_p90_days"] is None
    assert o2s["completeness"] == 1.0
    assert o2s["dropped_rate"] is None  # zero denominator


def test_handoff_as_known_a_month_later(conn) -> None:
    found = keyed(rows(conn, "handoff", as_of=MAR), "kind")
    s2o = found["sales_to_operations"]
    # sent Jan..Mar: H3 (1.5 days), H4 (Feb 20 08:00 -> Mar 5 08:00 = 13 days, known by now)
    assert s2o["accepted"] == 2
    assert s2o["latency_median_days"] == approx((1.5 + 13) / 2)  # 7.25
    assert s2o["latency_p90_days"] == approx(1.5 + 0.9 * (13 - 1.5))  # 11.85
    assert (s2o["eligible"], s2o["dropped"], s2o["dropped_rate"]) == (2, 0, 0.0)
    o2s = found["operations_to_sales"]
    # H9 (Feb 25) is now more than 30 days old and still not accepted
    assert (o2s["eligible"], o2s["dropped"], o2s["dropped_rate"]) == (1, 1, 1.0)


def test_handoff_by_month(conn) -> None:
    found = keyed(rows(conn, "handoff", window=1, months=2), "month", "kind")
    assert len(found) == 2 * 3
    jan = found[(D(2026, 1, 1), "strategy_to_sales")]
    # H7 and H8, sent Jan 5 and Jan 10: fewer than 30 days before Feb 1, so not eligible yet
    assert (jan["handoffs"], jan["accepted"], jan["eligible"]) == (2, 1, 0)
    assert jan["dropped_rate"] is None
    assert found[(D(2026, 1, 1), "sales_to_operations")]["handoffs"] == 0
    assert found[(FEB, "sales_to_operations")]["handoffs"] == 2  # H3, H4


def test_handoff_market_filter(conn) -> None:
    found = keyed(rows(conn, "handoff", market_id="M3"), "kind")
    # the account's market (H1: A5 and H4: A9 are in M3), or the hand-off's own market (H7: M3)
    assert found["sales_to_operations"]["handoffs"] == 2
    assert found["sales_to_operations"]["latency_median_days"] == approx(2.0)  # H1 only; H4 after A
    assert found["strategy_to_sales"]["handoffs"] == 1
    assert found["operations_to_sales"]["handoffs"] == 0  # H9 is for A1, in M1


def test_handoff_empty_period(conn) -> None:
    for row in rows(conn, "handoff", as_of=EMPTY):
        assert row["handoffs"] == 0 and row["eligible"] == 0
        assert row["latency_median_days"] is None and row["completeness"] is None
        assert row["dropped_rate"] is None


# ---------------------------------------------------------------------------------------
# Time to value
# ---------------------------------------------------------------------------------------


def test_time_to_value(conn) -> None:
    row = one(conn, "time_to_value")
    # won Dec..Feb: O5 (Dec 11 -> Jan 10 = 30 days), O6 (Dec 20 -> Feb 18 = 60; its pilot milestone
    # on Dec 1 is before the close), O8 (Feb 9 -> Feb 24 = 15), O15 (milestone on Mar 15, after A)
    assert row["won"] == 4 and row["reached_value"] == 3
    assert row["reached_rate"] == approx(3 / 4)
    assert row["ttv_median_days"] == approx(30)  # 15, 30, 60
    assert row["ttv_mean_days"] == approx((30 + 60 + 15) / 3)  # 35


def test_time_to_value_as_known_later_and_team(conn) -> None:
    row = one(conn, "time_to_value", as_of=MAR)
    # won Jan..Mar: O8 15, O15 (Feb 20 -> Mar 15 = 23)
    assert row["reached_rate"] == 1.0
    assert row["ttv_median_days"] == approx((15 + 23) / 2)
    t1 = one(conn, "time_to_value", team_id="T1")
    assert t1["won"] == 2 and t1["ttv_mean_days"] == approx((30 + 60) / 2)  # O5 (R1), O6 (R2)


def test_time_to_value_empty_period(conn) -> None:
    row = one(conn, "time_to_value", as_of=MAR, window=1)  # no new deal won in March
    assert row["won"] == 0 and row["reached_value"] == 0
    assert row["reached_rate"] is None and row["ttv_median_days"] is None and row["ttv_mean_days"] is None


# ---------------------------------------------------------------------------------------
# Early complaints
# ---------------------------------------------------------------------------------------


def test_early_complaints_window_is_shifted_back_three_months(conn) -> None:
    row = one(conn, "early_complaints", as_of=MAR)
    # W = Jan..Mar 2026, shifted back 3 months = Oct..Dec 2025: O5 (Dec 11), O6 (Dec 20)
    assert (row["cohort_start"], row["cohort_end"]) == (D(2025, 10, 1), D(2025, 12, 31))
    assert row["new_customers"] == 2
    # A6 complained Jan 5 (16 days); A5's complaint on Mar 25 is 104 days after its close
    assert row["complained"] == 1
    assert row["early_complaint_rate"] == approx(1 / 2)


def test_early_complaints_window(conn) -> None:
    w3 = one(conn, "early_complaints", as_of=D(2025, 3, 1))
    # Oct..Dec 2024: O3 (A3 complained after 126 days: no), O4 (A4 after 36 days: yes)
    assert w3["early_complaint_rate"] == approx(1 / 2)
    w7 = one(conn, "early_complaints", as_of=D(2025, 3, 1), window=7)
    # Jun..Dec 2024 adds O2 (A2 complained 25 days after its close)
    assert (w7["new_customers"], w7["complained"]) == (3, 2)
    assert w7["early_complaint_rate"] == approx(2 / 3)


def test_early_complaints_empty_period(conn) -> None:
    feb, mar = rows(conn, "early_complaints", as_of=MAR, months=2)
    # Feb: Sep..Nov 2025, no new deal won then
    assert (feb["cohort_start"], feb["cohort_end"]) == (D(2025, 9, 1), D(2025, 11, 30))
    assert feb["new_customers"] == 0 and feb["early_complaint_rate"] is None
    assert mar["early_complaint_rate"] == approx(1 / 2)


# ---------------------------------------------------------------------------------------
# Promises kept
# ---------------------------------------------------------------------------------------


def test_promises_kept_status_at_the_end_of_the_month(conn) -> None:
    row = one(conn, "promises_kept")
    # due Dec..Feb: C1 kept, C2 broken, C3 kept on Mar 3 (so open at the end of Feb),
    # C4 open (due Feb 28), C5 open (due Jan 31)
    assert row["due"] == 5
    assert (row["kept"], row["broken"], row["open"]) == (1, 1, 3)
    assert row["overdue"] == 2  # C3 (Feb 15), C5 (Jan 31); C4 is due on the last day
    assert row["kept_rate"] == approx(1 / (1 + 1))


def test_promises_kept_a_month_later(conn) -> None:
    row = one(conn, "promises_kept", as_of=MAR)
    # due Jan..Mar: C1 kept, C3 kept (Mar 3), C4 open, C5 open
    assert (row["due"], row["kept"], row["broken"], row["open"], row["overdue"]) == (4, 2, 0, 2, 2)
    assert row["kept_rate"] == 1.0


def test_promises_kept_zero_denominator_and_empty(conn) -> None:
    t2 = one(conn, "promises_kept", team_id="T2")
    # T2's deal O8: C4 and C5, both still open
    assert (t2["due"], t2["kept"], t2["broken"], t2["overdue"]) == (2, 0, 0, 1)
    assert t2["kept_rate"] is None
    empty = one(conn, "promises_kept", as_of=EMPTY)
    assert empty["due"] == 0 and empty["kept_rate"] is None


# ---------------------------------------------------------------------------------------
# Three horizons
# ---------------------------------------------------------------------------------------


def test_horizon_shares(conn) -> None:
    found = keyed(rows(conn, "horizon_shares"), "horizon")
    assert list(found) == ["H1", "H2", "H3"]
    # revenue at the end of Feb: H1 = A1 180 + A2 175 + A6 60; H2 = A4 100 + A8 40; H3 = A5 60
    revenue = {"H1": 180 + 175 + 60, "H2": 100 + 40, "H3": 60}  # total 615
    # open pipeline, any expected date: H1 O13 1800; H2 O19 400; H3 O12 3000 + O14 900 + O17 500
    pipeline = {"H1": 1800, "H2": 400, "H3": 3000 + 900 + 500}  # total 6600
    # effort of deals created Dec..Feb: H1 O13 10; H2 O8 20 + O19 8; H3 O11 12 + O12 40 + O14 15 + O17 5
    effort = {"H1": 10, "H2": 20 + 8, "H3": 12 + 40 + 15 + 5}  # total 110
    for h in ("H1", "H2", "H3"):
        assert found[h]["revenue"] == approx(revenue[h])
        assert found[h]["revenue_share"] == approx(revenue[h] / 615)
        assert found[h]["pipeline"] == approx(pipeline[h])
        assert found[h]["pipeline_share"] == approx(pipeline[h] / 6600)
        assert found[h]["effort_hours"] == approx(effort[h])
        assert found[h]["effort_share"] == approx(effort[h] / 110)


def test_horizon_shares_team_filter(conn) -> None:
    found = keyed(rows(conn, "horizon_shares", team_id="T3"), "horizon")
    # revenue follows the account owner (T3 owns none); pipeline and effort follow the deal's rep
    # (R4: O13 in H1, O19 in H2)
    assert all(found[h]["revenue"] == 0 and found[h]["revenue_share"] is None for h in found)
    assert found["H1"]["pipeline_share"] == approx(1800 / 2200)
    assert found["H2"]["effort_share"] == approx(8 / 18)
    assert found["H3"]["pipeline_share"] == 0.0


def test_horizon_shares_empty_period(conn) -> None:
    for row in rows(conn, "horizon_shares", as_of=EMPTY):
        assert row["revenue"] == 0 and row["pipeline"] == 0 and row["effort_hours"] == 0
        assert row["revenue_share"] is None and row["pipeline_share"] is None
        assert row["effort_share"] is None


# ---------------------------------------------------------------------------------------
# Who sells more
# ---------------------------------------------------------------------------------------


def test_sellers_by_segment(conn) -> None:
    found = keyed(rows(conn, "sellers_by_segment"), "segment")
    # Dec..Feb: Enterprise: A1 expansion 30 by operations (A4's reactivation is not expansion)
    assert (found["Enterprise"]["new_mrr_sales"], found["Enterprise"]["expansion_mrr_operations"]) == (0, 30)
    assert found["Enterprise"]["leader"] == "operations"
    # Mid-market: A6 new 90 by sales; A2's expansion was booked by sales, so not counted
    assert (found["Mid-market"]["new_mrr_sales"], found["Mid-market"]["expansion_mrr_operations"]) == (90, 0)
    assert found["Mid-market"]["leader"] == "sales"
    # SMB: A5 60 + A8 40 new by sales
    assert found["SMB"]["new_mrr_sales"] == approx(100)
    assert found["SMB"]["leader"] == "sales"


def test_sellers_by_segment_window_and_filters(conn) -> None:
    feb = keyed(rows(conn, "sellers_by_segment", window=1), "segment")
    assert feb["Mid-market"]["leader"] is None  # nothing either way in February
    assert feb["SMB"]["new_mrr_sales"] == approx(40)  # A8 only
    smb = rows(conn, "sellers_by_segment", segment="SMB")
    assert [r["segment"] for r in smb] == ["SMB"]
    t1 = keyed(rows(conn, "sellers_by_segment", team_id="T1"), "segment")
    assert t1["SMB"]["new_mrr_sales"] == approx(60)  # A5 only (A8 is T2's)


def test_sellers_by_segment_empty_period(conn) -> None:
    for row in rows(conn, "sellers_by_segment", as_of=EMPTY):
        assert row["new_mrr_sales"] == 0 and row["expansion_mrr_operations"] == 0
        assert row["leader"] is None


# ---------------------------------------------------------------------------------------
# Extraction vs engagement index
# ---------------------------------------------------------------------------------------
# Cohort at A = Feb 2026: new deals won Mar 2024 .. Feb 2025, scored on their first year:
#   O1 (R1/T1, 1200): retained +1, expanded (A1, Mar 2025) +1, referred A5 (created 2025-03-01) +1 = +3
#   O2 (R2/T1, 2400): retained +1, complaint after 25 days -1, broke C6 -1                        = -1
#   O3 (R3/T2,  960): retained +1; complaint after 126 days: no; C7 broken only on 2026-03-10      = +1
#   O4 (R3/T2, 1440): not active at the end of Dec 2025 -1, complaint after 36 days -1             = -2


def test_engagement_index_too_few_customers(conn) -> None:
    found = rows(conn, "engagement_index")
    assert [(r["level"], r["team_id"], r["rep_id"]) for r in found if r["level"] != "rep"] == [
        ("company", None, None), ("team", "T1", None), ("team", "T2", None)]
    company = found[0]
    assert company["customers"] == 4
    assert company["bookings"] == approx(1200 + 2400 + 960 + 1440)
    assert company["retained_share"] == approx(3 / 4)
    assert company["expanded_share"] == approx(1 / 4)
    assert company["referred_share"] == approx(1 / 4)
    assert company["complained_share"] == approx(2 / 4)
    assert company["broken_share"] == approx(1 / 4)
    for row in found:  # nobody has 5 customers
        assert row["engagement_index"] is None and row["verdict"] is None
        assert row["note"] == f"too few customers ({row['customers']} < 5)"
    reps = keyed([r for r in found if r["level"] == "rep"], "rep_id")
    assert reps["R3"]["team"] == "Sales South" and reps["R3"]["rep"] == "Zoë Müller"
    assert reps["R3"]["customers"] == 2 and reps["R3"]["bookings"] == approx(960 + 1440)


def test_engagement_index_scores(conn) -> None:
    found = rows(conn, "engagement_index", min_customers=2)
    company = found[0]
    # index = (3 - 1 + 1 - 2) / 4 = 0.25; sample variance = (2.75² + 1.25² + 0.75² + 2.25²) / 3
    # = 14.75 / 3; SE = sqrt(14.75 / 3) / sqrt(4)
    se = math.sqrt(14.75 / 3) / 2
    assert company["engagement_index"] == approx(0.25)
    assert company["se"] == approx(se)
    assert company["ci_low"] == approx(0.25 - 1.96 * se)
    assert company["ci_high"] == approx(0.25 + 1.96 * se)
    assert company["verdict"] == "unclear"
    teams = keyed([r for r in found if r["level"] == "team"], "team_id")
    # T1: O1 3, O2 -1 -> mean 1, variance (2² + 2²) / 1 = 8, SE = sqrt(8) / sqrt(2) = 2
    assert teams["T1"]["engagement_index"] == approx(1.0)
    assert teams["T1"]["se"] == approx(2.0)
    assert teams["T1"]["rank"] == 1
    # T2: O3 1, O4 -2 -> mean -0.5, variance (1.5² + 1.5²) / 1 = 4.5, SE = sqrt(4.5 / 2) = 1.5
    assert teams["T2"]["engagement_index"] == approx(-0.5)
    assert teams["T2"]["se"] == approx(1.5)
    assert teams["T2"]["rank"] == 2
    reps = keyed([r for r in found if r["level"] == "rep"], "rep_id")
    assert reps["R3"]["engagement_index"] == approx(-0.5)
    assert reps["R1"]["engagement_index"] is None  # 1 < 2
    assert reps["R1"]["note"] == "too few customers (1 < 2)"


def test_engagement_index_broken_promise_as_of_the_end_of_a(conn) -> None:
    company = rows(conn, "engagement_index", as_of=MAR, min_customers=4)[0]
    # A = Mar 2026: cohort Apr 2024 .. Mar 2025 is the same four deals, but C7 (O3) was broken on
    # 2026-03-10, before the end of March: O3 now scores 1 - 1 = 0 -> (3 - 1 + 0 - 2) / 4 = 0
    assert company["broken_share"] == approx(2 / 4)
    assert company["engagement_index"] == approx(0.0)
    assert company["se"] == approx(math.sqrt((9 + 1 + 0 + 4) / 3) / 2)


def test_engagement_index_empty_period(conn) -> None:
    found = rows(conn, "engagement_index", as_of=EMPTY)
    assert all(r["engagement_index"] is None for r in found)
    assert all(r["customers"] == 0 and r["bookings"] == 0 for r in found)


def test_engagement_index_verdicts() -> None:
    db = tiny_db()
    insert(db, "teams", [("TE", "Engagers", "sales"), ("TX", "Extractors", "sales")])
    insert(db, "reps", [("RE", "Rita", "TE", D(2020, 1, 1)), ("RX", "Rex", "TX", D(2020, 1, 1))])
    accounts, deals, moves, events = [], [], [], []
    for prefix, rep in (("E", "RE"), ("X", "RX")):
        for i in range(1, 6):
            account = f"{prefix}{i}"
            accounts.append((account, account, "M1", "SMB", "EMEA", "inbound", None, rep, D(2024, 5, 1)))
            deals.append((f"O{account}", account, rep, "new", "sales", D(2024, 5, 1), None, None,
                          D(2024, 6, 15), D(2024, 6, 15), "won", 1000.0, 0.0, 10.0,
                          True, True, True, True, None))
            moves.append((account, D(2024, 6, 1), "new", 100.0, "sales", rep, f"O{account}"))
    # E1..E5 stay (+1); E4 and E5 also expand in Sep 2024 (+1)           -> 1, 1, 1, 2, 2
    moves += [(f"E{i}", D(2024, 9, 1), "expansion", 10.0, "operations", None, None) for i in (4, 5)]
    # X1..X5 churn in Jan 2025 (-1); X4 and X5 complain 16 days after close (-1) -> -1, -1, -1, -2, -2
    moves += [(f"X{i}", D(2025, 1, 1), "churn", -100.0, "operations", None, None) for i in range(1, 6)]
    events += [(f"EV{i}", f"X{i}", None, "complaint", D(2024, 7, 1), "high") for i in (4, 5)]
    insert(db, "accounts", accounts)
    insert(db, "opportunities", deals)
    insert(db, "revenue_movements", moves)
    insert(db, "service_events", events)

    found = rows(db, "engagement_index", as_of=D(2026, 1, 1))  # cohort Feb 2024 .. Jan 2025
    teams = [r for r in found if r["level"] == "team"]
    engagers, extractors = teams  # ranked by index
    # Engagers: mean 7/5 = 1.4; variance (3 * 0.4² + 2 * 0.6²) / 4 = 1.2 / 4 = 0.3; SE = sqrt(0.3 / 5)
    se = math.sqrt(0.3 / 5)
    assert engagers["team_id"] == "TE" and engagers["rank"] == 1
    assert engagers["customers"] == 5 and engagers["bookings"] == approx(5000)
    assert engagers["engagement_index"] == approx(1.4)
    assert engagers["se"] == approx(se)
    assert engagers["ci_low"] == approx(1.4 - 1.96 * se)  # 0.92 > 0
    assert engagers["verdict"] == "engagement"
    assert engagers["note"] is None
    # Extractors: the mirror image, mean -1.4, interval [-1.88, -0.92] < 0
    assert extractors["team_id"] == "TX" and extractors["rank"] == 2
    assert extractors["engagement_index"] == approx(-1.4)
    assert extractors["ci_high"] == approx(-1.4 + 1.96 * se)
    assert extractors["verdict"] == "extraction"
    assert extractors["complained_share"] == approx(2 / 5)
    # company: 10 deals, mean 0; variance (1+1+1+4+4+1+1+1+4+4) / 9 = 22/9; SE = sqrt(22/9 / 10)
    company = found[0]
    assert company["level"] == "company" and company["customers"] == 10
    assert company["engagement_index"] == approx(0.0)
    assert company["se"] == approx(math.sqrt(22 / 9 / 10))
    assert company["verdict"] == "unclear"
    assert company["retained_share"] == approx(5 / 10) and company["expanded_share"] == approx(2 / 10)
    reps = keyed([r for r in found if r["level"] == "rep"], "rep_id")
    assert reps["RE"]["verdict"] == "engagement" and reps["RX"]["verdict"] == "extraction"
    db.close()


def test_engagement_index_expanded_means_more_mrr_after_the_year() -> None:
    """Expanded = active at the end of the twelfth month with more MRR than the year started with;
    an expansion movement that a contraction or a churn undid later in the year is no expansion."""
    db = tiny_db()
    accounts = ["G1", "G2", "G3", "G4"]
    insert(db, "accounts", [(a, a, "M1", "SMB", "EMEA", "inbound", None, "R1", D(2024, 5, 1)) for a in accounts])
    insert(db, "opportunities", [
        (f"O{a}", a, "R1", "new", "sales", D(2024, 5, 1), None, None, D(2024, 6, 15), D(2024, 6, 15), "won",
         1000.0, 0.0, 10.0, True, True, True, True, None) for a in accounts])
    insert(db, "revenue_movements", [
        # G1: 100 from June, +50 in Sep, -80 in Dec: 70 at the end of Jun 2025 < 100, not expanded
        ("G1", D(2024, 6, 1), "new", 100.0, "sales", None, None),
        ("G1", D(2024, 9, 1), "expansion", 50.0, "sales", None, None),
        ("G1", D(2024, 12, 1), "contraction", -80.0, "operations", None, None),
        # G2: 100, +50 in Sep, churned in Mar 2025: not retained, not expanded
        ("G2", D(2024, 6, 1), "new", 100.0, "sales", None, None),
        ("G2", D(2024, 9, 1), "expansion", 50.0, "sales", None, None),
        ("G2", D(2025, 3, 1), "churn", -150.0, "operations", None, None),
        # G3: first revenue the month after the close, 60, +40 in Jan 2025: 100 > 60, expanded
        ("G3", D(2024, 7, 1), "new", 60.0, "sales", None, None),
        ("G3", D(2025, 1, 1), "expansion", 40.0, "sales", None, None),
        # G4: 100, -20 in Aug, +30 in Oct: 110 > 100, expanded (net)
        ("G4", D(2024, 6, 1), "new", 100.0, "sales", None, None),
        ("G4", D(2024, 8, 1), "contraction", -20.0, "operations", None, None),
        ("G4", D(2024, 10, 1), "expansion", 30.0, "sales", None, None),
    ])
    company = rows(db, "engagement_index", as_of=D(2026, 1, 1), min_customers=4)[0]
    # cohort Feb 2024 .. Jan 2025: the four deals; twelfth month after June 2024 = June 2025
    assert company["customers"] == 4
    assert company["retained_share"] == approx(3 / 4)  # G2 churned
    assert company["expanded_share"] == approx(2 / 4)  # G3, G4
    # scores: G1 +1, G2 -1, G3 +1 +1, G4 +1 +1 -> 4 / 4
    assert company["engagement_index"] == approx(1.0)
    db.close()


# ---------------------------------------------------------------------------------------
# Trend queries: one row per month
# ---------------------------------------------------------------------------------------

TREND_QUERIES = ["mrr", "retention", "nps", "referral_rate", "win_rate", "pipeline_coverage",
                 "time_to_value", "early_complaints", "promises_kept"]


@pytest.mark.parametrize("name", TREND_QUERIES)
def test_months_gives_one_row_per_month(conn, name: str) -> None:
    found = rows(conn, name, months=4)
    assert [r["month"] for r in found] == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1), FEB]


def test_months_gives_one_row_per_month_and_kind_for_handoffs(conn) -> None:
    found = rows(conn, "handoff", months=4)
    assert len(found) == 4 * 3
    assert sorted({r["month"] for r in found}) == [D(2025, 11, 1), D(2025, 12, 1), D(2026, 1, 1), FEB]
