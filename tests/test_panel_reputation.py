"""The Reputation assets panel: its queries on a tiny hand-built database, then the panel as a user drives it.

The database below (A = February 2026, window W = 3: 2025-12-01 .. 2026-02-28) is built in
this file because the shared hand-built data has a single referral and no chain:

    account  segment     referred by  created      revenue (MRR at the end of Feb 2026)
    A1 Acme  Enterprise  -            2024-01-01   new 2024-02 +100, expansion 2025-12 +20   -> 120
    A2 Beit  SMB         A1           2025-06-10   new 2025-07 +50                           -> 50
    A3 نور   SMB         A2           2025-12-05   new 2026-01 +30                           -> 30
    A4 Dune  Mid-market  A1           2026-01-20   new 2026-02 +40                           -> 40
    A5 Echo  SMB         -            2025-01-01   new 2025-02 +200                          -> 200
    A6 Fox   SMB         A5           2026-03-10   new 2026-03 +10 (after A: unknown at A)
    A7 Gulf  Enterprise  A5           2025-03-01   new 2025-04 +70, churn 2025-10 -70        -> 0
    A8 Hale  Mid-market  -            2024-06-01   never a customer, never referred anyone

    lineage at A:  A1 -> A2 -> A3,  A1 -> A4;   A5 -> A7   (A6 does not exist yet)

Deals (amount = ACV): O3 new A3 won 2026-01-10 360; O4 new A4 won 2026-01-25 480;
O5 expansion A2 open (created 2026-02-01) 600; O6 expansion A5 won 2026-01-10 900;
O7 expansion A4 open (created 2026-02-10) 240; O8 expansion A3 created 2026-02-15, won
2026-03-15 (after A, so open at A) 120; plus older won deals O1, O2, O10 and O9 after A.

Reputation events:
    E1  A1 reference  2025-11-15 -> O4                       E6  A1 case_study  2025-06-01, depreciated 2025-12-20
    E2  A5 reference  2025-12-10 -> O3, depreciated 02-10    E7  A5 testimonial 2024-05-01
    E3  A5 reference  2026-01-05 -> O3                       E8  A3 review      2026-02-03 (rating 5)
    E4  A1 reference  2026-02-20 -> O5 (open)                E9  A1 award       2026-03-05 (after A)
    E5  A2 reference  2026-01-15 -> O6, which closed 01-10   E10 A5 review      2025-10-01, depreciated 2026-04-01
        (made after the close: supported nothing)

Every expected value is worked out by hand from docs/metrics.md; none is copied from a
query's output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest
from handbuilt import insert
from pilot import grid_rows, settle
from textual.widgets import Sparkline

from navigator.data import queries
from navigator.data.report import Filters, ViewState
from navigator.data.schema import create_schema
from navigator.data.source import open_database
from navigator.format import format_value
from navigator.panels import PANEL_CLASSES
from navigator.panels import reputation as reputation_module
from navigator.panels.reputation import (
    KIND_LABELS,
    LineageTree,
    ReputationPanel,
    interval_text,
    nps_point_text,
    nps_text,
)
from navigator.panels.widgets import DataGrid, FigureTile
from navigator.text import display_text
from navigator.ui.app import NavigatorApp
from navigator.ui.drill import DrillScreen

D = dt.date
FEB = D(2026, 2, 1)
EMPTY = D(2023, 6, 1)  # before any row
SIZE = (120, 40)
KEY = str([panel.panel_id for panel in PANEL_CLASSES].index("reputation") + 1)

_NO = (False, False, False, False)

ACCOUNTS = [
    # account_id, name, market_id, segment, region, acquisition_source, referred_by, owner, created_on
    ("A1", "Acme", "M1", "Enterprise", "EMEA", "outbound", None, "R1", D(2024, 1, 1)),
    ("A2", "Beit", "M1", "SMB", "EMEA", "referral", "A1", "R1", D(2025, 6, 10)),
    ("A3", "شركة النور", "M2", "SMB", "APAC", "referral", "A2", "R2", D(2025, 12, 5)),
    ("A4", "Dune", "M1", "Mid-market", "EMEA", "referral", "A1", "R2", D(2026, 1, 20)),
    ("A5", "Echo", "M2", "SMB", "EMEA", "outbound", None, "R1", D(2025, 1, 1)),
    ("A6", "Fox", "M2", "SMB", "APAC", "referral", "A5", "R2", D(2026, 3, 10)),
    ("A7", "Gulf", "M1", "Enterprise", "EMEA", "referral", "A5", "R2", D(2025, 3, 1)),
    ("A8", "Hale", "M1", "Mid-market", "EMEA", "inbound", None, "R1", D(2024, 6, 1)),
]

REVENUE = [
    ("A1", D(2024, 2, 1), "new", 100.0, "sales", "R1", "O1"),
    ("A1", D(2025, 12, 1), "expansion", 20.0, "operations", None, None),
    ("A2", D(2025, 7, 1), "new", 50.0, "sales", "R1", "O2"),
    ("A3", D(2026, 1, 1), "new", 30.0, "sales", "R2", "O3"),
    ("A4", D(2026, 2, 1), "new", 40.0, "sales", "R2", "O4"),
    ("A5", D(2025, 2, 1), "new", 200.0, "sales", "R1", None),
    ("A6", D(2026, 3, 1), "new", 10.0, "sales", "R2", "O9"),
    ("A7", D(2025, 4, 1), "new", 70.0, "sales", "R2", "O10"),
    ("A7", D(2025, 10, 1), "churn", -70.0, "operations", None, None),
]


def _deal(oid, account, rep, kind, created, closed, status, amount):
    # opportunity_id, account_id, rep_id, kind, sourced_by, created_on, qualified_on, proposal_on,
    # expected_close_on, closed_on, status, amount, discount_pct, effort_hours, 4 answers, lost_to
    expected = closed or D(2026, 6, 30)
    return (
        oid,
        account,
        rep,
        kind,
        "sales",
        created,
        None,
        None,
        expected,
        closed,
        status,
        amount,
        0.0,
        1.0,
        *_NO,
        None,
    )


OPPORTUNITIES = [
    _deal("O1", "A1", "R1", "new", D(2023, 12, 1), D(2024, 1, 20), "won", 1200.0),
    _deal("O2", "A2", "R1", "new", D(2025, 6, 12), D(2025, 6, 25), "won", 600.0),
    _deal("O3", "A3", "R2", "new", D(2025, 12, 6), D(2026, 1, 10), "won", 360.0),
    _deal("O4", "A4", "R2", "new", D(2026, 1, 21), D(2026, 1, 25), "won", 480.0),
    _deal("O5", "A2", "R1", "expansion", D(2026, 2, 1), None, "open", 600.0),
    _deal("O6", "A5", "R1", "expansion", D(2025, 12, 1), D(2026, 1, 10), "won", 900.0),
    _deal("O7", "A4", "R2", "expansion", D(2026, 2, 10), None, "open", 240.0),
    _deal("O8", "A3", "R2", "expansion", D(2026, 2, 15), D(2026, 3, 15), "won", 120.0),
    _deal("O9", "A6", "R2", "new", D(2026, 3, 11), D(2026, 3, 20), "won", 100.0),
    _deal("O10", "A7", "R2", "new", D(2025, 3, 2), D(2025, 3, 20), "won", 840.0),
]

REPUTATION_EVENTS = [
    # event_id, account_id, kind, occurred_on, opportunity_id, rating, depreciated_on
    ("E1", "A1", "reference", D(2025, 11, 15), "O4", None, None),
    ("E2", "A5", "reference", D(2025, 12, 10), "O3", None, D(2026, 2, 10)),
    ("E3", "A5", "reference", D(2026, 1, 5), "O3", None, None),
    ("E4", "A1", "reference", D(2026, 2, 20), "O5", None, None),
    ("E5", "A2", "reference", D(2026, 1, 15), "O6", None, None),
    ("E6", "A1", "case_study", D(2025, 6, 1), None, None, D(2025, 12, 20)),
    ("E7", "A5", "testimonial", D(2024, 5, 1), None, None, None),
    ("E8", "A3", "review", D(2026, 2, 3), None, 5, None),
    ("E9", "A1", "award", D(2026, 3, 5), None, None, None),
    ("E10", "A5", "review", D(2025, 10, 1), None, 4, D(2026, 4, 1)),
]

NPS_RESPONSES = [
    # three answers in the window: too few for a score, so only the interval is shown
    ("N1", "A1", D(2026, 1, 5), D(2026, 1, 6), 10),
    ("N2", "A2", D(2026, 2, 5), D(2026, 2, 6), 9),
    ("N3", "A5", D(2026, 2, 7), D(2026, 2, 8), 3),
    ("N4", "A3", D(2026, 2, 9), None, None),
]


def fill(conn: duckdb.DuckDBPyConnection) -> None:
    insert(conn, "meta", [("schema_version", "1"), ("as_of", "2026-02-01")])
    insert(conn, "markets", [("M1", "Core", "H1", True, True, True), ("M2", "Next", "H3", False, False, True)])
    insert(conn, "teams", [("T1", "North", "sales"), ("T2", "South", "sales")])
    insert(conn, "reps", [("R1", "Dana", "T1", D(2022, 1, 1)), ("R2", "Omar", "T2", D(2022, 1, 1))])
    insert(conn, "accounts", ACCOUNTS)
    insert(conn, "revenue_movements", REVENUE)
    insert(conn, "opportunities", OPPORTUNITIES)
    insert(conn, "reputation_events", REPUTATION_EVENTS)
    insert(conn, "nps_responses", NPS_RESPONSES)


def build(path: Path | None = None) -> duckdb.DuckDBPyConnection | Path:
    conn = duckdb.connect(str(path) if path else ":memory:")
    create_schema(conn)
    fill(conn)
    if path is None:
        return conn
    conn.close()
    return path


def approx(value: float) -> Any:
    return pytest.approx(value, rel=1e-9, abs=1e-9)


@pytest.fixture(scope="module")
def conn() -> duckdb.DuckDBPyConnection:
    connection = build()
    yield connection
    connection.close()


def rows(conn: duckdb.DuckDBPyConnection, name: str, as_of: dt.date = FEB, **params: Any) -> list[dict]:
    frame = queries.run(conn, name, as_of=as_of, **params)
    assert tuple(frame.columns) == queries.get(name).returns
    return frame.to_dicts()


def by_kind(found: list[dict]) -> dict[str, dict]:
    return {row["kind"]: row for row in found}


# ---------------------------------------------------------------------------------------------
# reputation_balance
# ---------------------------------------------------------------------------------------------


def test_balance_sheet_per_kind(conn) -> None:
    sheet = rows(conn, "reputation_balance")
    assert [row["kind"] for row in sheet] == ["reference", "case_study", "testimonial", "review", "award", "referral"]
    sheet = by_kind(sheet)
    # references: created in Dec..Feb: E2 (12-10), E3 (01-05), E4 (02-20), E5 (01-15) = 4 (E1 is from November)
    # depreciated in the window: E2 (2026-02-10) = 1
    # balance at 2026-02-28: E1, E3, E4, E5 = 4 (E2 depreciated)
    ref = sheet["reference"]
    assert (ref["accrued"], ref["depreciated"], ref["balance"]) == (4, 1, 4)
    # case study E6: created June 2025, depreciated 2025-12-20 (in the window) -> 0 / 1 / 0
    assert (sheet["case_study"]["accrued"], sheet["case_study"]["depreciated"], sheet["case_study"]["balance"]) == (
        0,
        1,
        0,
    )
    # testimonial E7 from 2024 -> 0 / 0 / 1
    assert (sheet["testimonial"]["accrued"], sheet["testimonial"]["depreciated"], sheet["testimonial"]["balance"]) == (
        0,
        0,
        1,
    )
    # reviews: E8 (2026-02-03) accrued; E10 depreciates only in April -> balance E8 + E10 = 2
    assert (sheet["review"]["accrued"], sheet["review"]["depreciated"], sheet["review"]["balance"]) == (1, 0, 2)
    # award E9 is from March 2026, after A: nothing
    assert (sheet["award"]["accrued"], sheet["award"]["depreciated"], sheet["award"]["balance"]) == (0, 0, 0)
    # referrals: referred accounts created by 2026-02-28: A7, A2, A3, A4 = 4 (A6 only in March);
    # in the window: A3 (12-05), A4 (01-20) = 2; referrals do not depreciate -> null
    ref = sheet["referral"]
    assert (ref["accrued"], ref["depreciated"], ref["balance"]) == (2, None, 4)


def test_references_realized(conn) -> None:
    ref = by_kind(rows(conn, "reputation_balance"))["reference"]
    # deals a reference made on or before the close points at: O4 (E1 11-15 <= 01-25), O3 (E2 12-10 and
    # E3 01-05 <= 01-10), O5 (open; E4 02-20 before the end of Feb); O6 is out: E5 (01-15) came after
    # its close (01-10). Won in the window: O3 360 + O4 480 -> 2 deals, 840.
    assert ref["realized_count"] == 2
    assert ref["realized_won"] == approx(840.0)
    # open at the end of February with a reference: O5 600
    assert ref["realized_pipeline"] == approx(600.0)
    # lag from the earliest reference to the close: O3 12-10 -> 01-10 = 31 days;
    # O4 11-15 -> 01-25 = 15 (rest of Nov) + 31 (Dec) + 25 = 71 days. median = mean = (31 + 71) / 2 = 51
    assert ref["lag_median_days"] == approx(51.0)
    assert ref["lag_mean_days"] == approx(51.0)
    assert ref["realized_mrr"] is None


def test_referrals_realized(conn) -> None:
    ref = by_kind(rows(conn, "reputation_balance"))["referral"]
    # referred accounts with first revenue in Dec..Feb: A3 (Jan, +30), A4 (Feb, +40) -> 2, new MRR 70
    assert ref["realized_count"] == 2
    assert ref["realized_mrr"] == approx(70.0)
    assert ref["realized_won"] is None
    # open at the end of Feb on referred accounts: O5 (A2) 600 + O7 (A4) 240 + O8 (A3, won only in March) 120
    assert ref["realized_pipeline"] == approx(960.0)
    # lag referral (created) -> first won new deal: A3 12-05 -> 01-10 = 26 + 10 = 36; A4 01-20 -> 01-25 = 5
    # median = mean = (36 + 5) / 2 = 20.5
    assert ref["lag_median_days"] == approx(20.5)
    assert ref["lag_mean_days"] == approx(20.5)


def test_other_kinds_are_not_realized(conn) -> None:
    sheet = by_kind(rows(conn, "reputation_balance"))
    for kind in ("case_study", "testimonial", "review", "award"):
        row = sheet[kind]
        assert row["realized_count"] is None and row["realized_won"] is None and row["realized_pipeline"] is None


def test_balance_sheet_filtered(conn) -> None:
    sheet = by_kind(rows(conn, "reputation_balance", segment="SMB"))
    # SMB accounts carry E2, E3 (A5), E5 (A2), E7 (A5), E8 (A3), E10 (A5)
    ref = sheet["reference"]
    # references E2, E3, E5 created in the window; E2 depreciated; balance E3, E5
    assert (ref["accrued"], ref["depreciated"], ref["balance"]) == (3, 1, 2)
    # realized: O3 (via E2/E3) won 360, lag 31; no open deal has an SMB reference (E4 is A1's)
    assert (ref["realized_count"], ref["realized_won"], ref["realized_pipeline"]) == (1, 360.0, 0.0)
    assert ref["lag_median_days"] == approx(31.0)
    # referrals of SMB accounts: A2, A3 (A6 after A) -> balance 2, accrued A3 = 1; realized A3: 30 MRR,
    # lag 36; pipeline O5 (A2) 600 + O8 (A3) 120 = 720
    ref = sheet["referral"]
    assert (ref["accrued"], ref["balance"], ref["realized_count"]) == (1, 2, 1)
    assert ref["realized_mrr"] == approx(30.0)
    assert ref["realized_pipeline"] == approx(720.0)
    assert ref["lag_mean_days"] == approx(36.0)
    assert sheet["review"]["balance"] == 2  # E8 (A3) and E10 (A5)


def test_balance_sheet_of_an_empty_period(conn) -> None:
    sheet = by_kind(rows(conn, "reputation_balance", as_of=EMPTY))
    for kind in ("reference", "case_study", "testimonial", "review", "award"):
        assert (sheet[kind]["accrued"], sheet[kind]["depreciated"], sheet[kind]["balance"]) == (0, 0, 0)
    ref = sheet["reference"]
    assert (ref["realized_count"], ref["realized_won"], ref["realized_pipeline"]) == (0, 0.0, 0.0)
    assert ref["lag_median_days"] is None and ref["lag_mean_days"] is None
    ref = sheet["referral"]
    assert (ref["accrued"], ref["balance"], ref["realized_count"], ref["realized_mrr"]) == (0, 0, 0, 0.0)
    assert ref["lag_median_days"] is None


# ---------------------------------------------------------------------------------------------
# reputation_trend
# ---------------------------------------------------------------------------------------------


def test_trend_month_by_month(conn) -> None:
    found = rows(conn, "reputation_trend", months=3)
    assert len(found) == 3 * 6
    cell = {(row["month"], row["kind"]): (row["accrued"], row["depreciated"], row["balance"]) for row in found}
    dec, jan, feb = D(2025, 12, 1), D(2026, 1, 1), D(2026, 2, 1)
    # references: Dec E2 accrued, balance E1 + E2 = 2; Jan E3 + E5 accrued -> 4; Feb E4 accrued, E2 depreciated -> 4
    assert cell[(dec, "reference")] == (1, 0, 2)
    assert cell[(jan, "reference")] == (2, 0, 4)
    assert cell[(feb, "reference")] == (1, 1, 4)
    # case study E6 depreciated on 2025-12-20
    assert cell[(dec, "case_study")] == (0, 1, 0)
    assert cell[(feb, "testimonial")] == (0, 0, 1)
    # reviews: E10 on the books since October; E8 accrued in February
    assert cell[(jan, "review")] == (0, 0, 1)
    assert cell[(feb, "review")] == (1, 0, 2)
    # referrals: A7 (2025-03), A2 (2025-06) then A3 in Dec (3), A4 in Jan (4); never depreciated
    assert cell[(dec, "referral")] == (1, None, 3)
    assert cell[(jan, "referral")] == (1, None, 4)
    assert cell[(feb, "referral")] == (0, None, 4)


def test_trend_ends_where_the_balance_sheet_does(conn) -> None:
    trend = [row for row in rows(conn, "reputation_trend", months=2) if row["month"] == FEB]
    sheet = by_kind(rows(conn, "reputation_balance", window=1))
    for row in trend:
        assert (row["accrued"], row["depreciated"], row["balance"]) == (
            sheet[row["kind"]]["accrued"],
            sheet[row["kind"]]["depreciated"],
            sheet[row["kind"]]["balance"],
        )


def test_trend_of_an_empty_period(conn) -> None:
    found = rows(conn, "reputation_trend", as_of=EMPTY, months=2)
    assert len(found) == 12
    assert all(row["accrued"] == 0 and row["balance"] == 0 for row in found)


# ---------------------------------------------------------------------------------------------
# referral_lineage
# ---------------------------------------------------------------------------------------------


def test_lineage_chains_and_chain_mrr(conn) -> None:
    found = rows(conn, "referral_lineage")
    # roots: A1 (referred A2, A4) and A5 (referred A7); A6 does not exist at A, A8 referred nobody.
    # chain MRR: A1 = 120 + A2 50 + A3 30 + A4 40 = 240; A5 = 200 + A7 0 = 200 -> A1 ranks first
    shape = [
        (r["chain_rank"], r["account_id"], r["parent_id"], r["depth"], r["mrr"], r["chain_mrr"], r["chain_accounts"])
        for r in found
    ]
    assert shape == [
        (1, "A1", None, 0, 120.0, 240.0, 4),
        (1, "A2", "A1", 1, 50.0, 80.0, 2),  # A2 + A3 = 50 + 30
        (1, "A4", "A1", 1, 40.0, 40.0, 1),
        (1, "A3", "A2", 2, 30.0, 30.0, 1),
        (2, "A5", None, 0, 200.0, 200.0, 2),
        (2, "A7", "A5", 1, 0.0, 0.0, 1),  # churned in October: MRR 0
    ]
    assert {r["chains"] for r in found} == {2}
    assert {r["root_id"] for r in found if r["chain_rank"] == 2} == {"A5"}


def test_lineage_top_chains_only(conn) -> None:
    found = rows(conn, "referral_lineage", top=1)
    assert {r["account_id"] for r in found} == {"A1", "A2", "A3", "A4"}
    assert {r["chains"] for r in found} == {2}  # two chains in all, one shown


def test_lineage_as_of_an_earlier_month(conn) -> None:
    # end of May 2025: A1, A5, A7 (created 2025-03-01) and A8 exist; only A5 -> A7 is a chain.
    # MRR then: A5 200, A7 70 (new April, churned only in October) -> chain 270
    found = rows(conn, "referral_lineage", as_of=D(2025, 5, 1))
    assert [(r["account_id"], r["mrr"], r["chain_mrr"]) for r in found] == [("A5", 200.0, 270.0), ("A7", 70.0, 70.0)]


def test_lineage_is_cut_where_it_leaves_the_filter(conn) -> None:
    # SMB: A2, A3, A5 (A6 not yet). A2's referrer A1 is Enterprise, so A2 starts a chain: A2 -> A3 = 80.
    # A5's only referral at A (A7) is Enterprise, so A5 is no root.
    found = rows(conn, "referral_lineage", segment="SMB")
    assert [(r["account_id"], r["parent_id"], r["depth"], r["chain_mrr"], r["chains"]) for r in found] == [
        ("A2", None, 0, 80.0, 1),
        ("A3", "A2", 1, 30.0, 1),
    ]


def test_lineage_of_an_empty_period(conn) -> None:
    assert rows(conn, "referral_lineage", as_of=EMPTY) == []


# ---------------------------------------------------------------------------------------------
# drills
# ---------------------------------------------------------------------------------------------


def test_drill_referrals(conn) -> None:
    created = rows(conn, "drill_referrals", basis="created")
    assert [r["account_id"] for r in created] == ["A4", "A3"]  # created in the window, newest first
    realized = {r["account_id"]: r for r in rows(conn, "drill_referrals", basis="first_revenue")}
    assert set(realized) == {"A3", "A4"}
    # A3: new MRR 30, open pipeline O8 120, referred by A2 "Beit", lag 36 days (as in the balance sheet)
    assert (realized["A3"]["new_mrr"], realized["A3"]["open_pipeline"], realized["A3"]["referrer"]) == (
        30.0,
        120.0,
        "Beit",
    )
    assert realized["A3"]["lag_days"] == 36
    everyone = rows(conn, "drill_referrals")
    assert {r["account_id"] for r in everyone} == {"A2", "A3", "A4", "A7"}
    assert {r["account_id"]: r["status"] for r in everyone}["A7"] == "churned"


def test_drill_reference_deals(conn) -> None:
    found = {r["opportunity_id"]: r for r in rows(conn, "drill_reference_deals")}
    assert set(found) == {"O3", "O4", "O5"}  # O6's reference came after its close
    assert (found["O3"]["status"], found["O3"]["references"], found["O3"]["lag_days"]) == ("won", 2, 31)
    assert (found["O4"]["lag_days"], found["O4"]["reference_from"]) == (71, "Acme")
    assert (found["O5"]["status"], found["O5"]["lag_days"]) == ("open", None)
    assert {r["opportunity_id"] for r in rows(conn, "drill_reference_deals", status="won")} == {"O3", "O4"}


def test_drill_referral_chain(conn) -> None:
    chain = rows(conn, "drill_referral_chain", account_id="A2")
    assert [(r["account_id"], r["depth"], r["referrer"]) for r in chain] == [("A2", 0, "Acme"), ("A3", 1, "Beit")]
    everyone = rows(conn, "drill_referral_chain")
    assert [r["account_id"] for r in everyone] == ["A1", "A2", "A3", "A4", "A5", "A7"]  # chain by chain, depth first


# ---------------------------------------------------------------------------------------------
# the panel, driven as a user drives it
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build(tmp_path_factory.mktemp("reputation") / "tiny.duckdb")  # type: ignore[return-value]


def tile_figure(app: NavigatorApp, tile_id: str) -> str:
    return str(app.query_one(f"#{tile_id}", FigureTile).query_one(".tile--figure").render())


def expected_balance(db, state: ViewState) -> list[list[str]]:
    frame = db.run("reputation_balance", **state.params())
    return [
        [
            KIND_LABELS[row["kind"]],
            format_value(row["accrued"], "count"),
            format_value(row["depreciated"], "count"),
            format_value(row["balance"], "count"),
        ]
        for row in frame.iter_rows(named=True)
    ]


async def test_panel_shows_what_the_queries_return(tiny_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = open_database(tiny_path)
    app = NavigatorApp(db)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(KEY)
            await settle(pilot, app)
            assert isinstance(app.active_panel(), ReputationPanel)
            state = app.state
            assert grid_rows(app, "rep-balance") == expected_balance(db, state)
            # the realized table: references and referrals, the figures of reputation_balance
            realized = grid_rows(app, "rep-realized")
            sheet = {row["kind"]: row for row in db.run("reputation_balance", **state.params()).to_dicts()}
            assert [r[0] for r in realized] == ["References", "Referrals"]
            assert realized[0][1] == f"{sheet['reference']['realized_count']} deals won"
            assert realized[0][2] == f"{format_value(sheet['reference']['realized_won'], 'money')} ACV won"
            assert realized[1][2] == f"{format_value(sheet['referral']['realized_mrr'], 'money')} new MRR"
            assert realized[1][3] == format_value(sheet["referral"]["realized_pipeline"], "money")
            assert realized[0][4].startswith(format_value(sheet["reference"]["lag_median_days"], "days"))
            # NPS: three answers -> no score, the interval only
            nps = db.run("nps", months=24, **state.params()).to_dicts()
            latest = nps[-1]
            assert latest["nps"] is None and latest["responses"] == 3
            assert tile_figure(app, "rep-tile-nps") == nps_text(latest)
            assert nps_text(latest).endswith("interval only")
            nps_grid = grid_rows(app, "rep-nps-grid")
            assert len(nps_grid) == 24
            assert nps_grid[0][:3] == [f"{latest['month']:%Y-%m}", "interval only", interval_text(latest)]
            assert nps_point_text(latest) == "interval only"
            # referral rate: new customers Dec..Feb are A3 (referred) and A4 (referred) -> 100%
            referral = db.run("referral_rate", months=24, **state.params()).to_dicts()[-1]
            assert tile_figure(app, "rep-tile-referral").startswith(format_value(referral["referral_rate"], "ratio"))
            # accrued vs depreciated per month: the sums over kinds of reputation_trend
            trend = db.run("reputation_trend", as_of=state.as_of, months=24, **state.filters.as_params())
            accrued = app.query_one("#rep-spark-accrued", Sparkline).data
            assert list(accrued or []) == [
                float(trend.filter(trend["month"] == month)["accrued"].sum())
                for month in trend["month"].unique().sort()
            ]
            # the lineage: roots in chain-MRR order, children under them
            tree = app.query_one("#rep-lineage", LineageTree)
            roots = tree.root.children
            assert [node.data.params["account_id"] for node in roots] == ["A1", "A5"]
            assert str(roots[0].label).startswith(display_text("Acme"))
            assert "MRR 120" in str(roots[0].label) and "chain 240 (3 brought)" in str(roots[0].label)
            assert [child.data.params["account_id"] for child in roots[0].children] == ["A2", "A4"]
            assert [child.data.params["account_id"] for child in roots[0].children[0].children] == ["A3"]
            assert display_text("شركة النور") in str(roots[0].children[0].children[0].label)

            # a filter change repaints with the filtered figures
            before = grid_rows(app, "rep-balance")
            app.set_state(replace(app.state, filters=Filters(segment="SMB")))
            await settle(pilot, app)
            after = grid_rows(app, "rep-balance")
            assert after != before
            assert after == expected_balance(db, app.state)
            assert after[0] == ["References", "3", "1", "2"]  # worked out in test_balance_sheet_filtered
            tree = app.query_one("#rep-lineage", LineageTree)
            assert [node.data.params["account_id"] for node in tree.root.children] == ["A2"]

            # fewer chains shown than there are: the rest are counted in a last node
            monkeypatch.setattr(reputation_module, "TOP_CHAINS", 1)
            app.set_state(replace(app.state, filters=Filters()))
            await pilot.press("r")
            await settle(pilot, app)
            roots = app.query_one("#rep-lineage", LineageTree).root.children
            assert len(roots) == 2
            assert str(roots[-1].label) == "… 1 more chain"
            assert roots[-1].data.query == "drill_referral_chain" and "account_id" not in roots[-1].data.params
    finally:
        db.close()


async def test_a_large_lineage_grows_when_a_node_is_expanded(tiny_path: Path, monkeypatch) -> None:
    """Past a node budget the tree is built when opened, with the same nodes in the same order."""
    monkeypatch.setattr(reputation_module, "LINEAGE_EAGER_NODES", 1)
    db = open_database(tiny_path)
    app = NavigatorApp(db)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(KEY)
            await settle(pilot, app)
            tree = app.query_one("#rep-lineage", LineageTree)
            first, second = tree.root.children[:2]  # A1 (expanded at start), A5
            assert [child.data.params["account_id"] for child in first.children] == ["A2", "A4"]
            assert list(second.children) == [] and second.allow_expand  # not built yet, still expandable
            assert list(first.children[0].children) == []  # A2's child A3 waits too
            tree.focus()
            tree.move_cursor(second)
            await pilot.press("l")
            await pilot.pause()
            assert [child.data.params["account_id"] for child in second.children] == ["A7"]
            first.children[0].expand()
            await pilot.pause()
            assert [child.data.params["account_id"] for child in first.children[0].children] == ["A3"]
            assert tree.pending_children == {}
    finally:
        db.close()


async def test_enter_opens_the_rows_behind(tiny_path: Path) -> None:
    db = open_database(tiny_path)
    app = NavigatorApp(db)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(KEY)
            await settle(pilot, app)
            # a balance-sheet row: the assets of that kind created in the window
            grid = app.query_one("#rep-balance", DataGrid)
            grid.focus()
            grid.move_cursor(row=3)  # reviews
            await pilot.press("enter")
            await settle(pilot, app)
            assert isinstance(app.screen, DrillScreen)
            assert (app.screen.drill.query, app.screen.drill.params) == ("drill_reputation", {"kind": "review"})
            assert app.screen.frame is not None and app.screen.frame["event_id"].to_list() == ["E8"]
            await pilot.press("escape")
            await pilot.pause()
            # the referrals row of the realized table
            grid = app.query_one("#rep-realized", DataGrid)
            grid.focus()
            grid.move_cursor(row=1)
            await pilot.press("enter")
            await settle(pilot, app)
            assert isinstance(app.screen, DrillScreen)
            assert app.screen.drill.query == "drill_referrals"
            assert sorted(app.screen.frame["account_id"].to_list()) == ["A3", "A4"]
            await pilot.press("escape")
            await pilot.pause()
            # a tree node: the chain below that account
            tree = app.query_one("#rep-lineage", LineageTree)
            tree.focus()
            tree.move_cursor(tree.root.children[0].children[0])  # A2
            await pilot.press("enter")
            await settle(pilot, app)
            assert isinstance(app.screen, DrillScreen)
            assert (app.screen.drill.query, app.screen.drill.params) == ("drill_referral_chain", {"account_id": "A2"})
            assert app.screen.frame["account_id"].to_list() == ["A2", "A3"]
            await pilot.press("escape")
            await pilot.pause()
            # an NPS month
            grid = app.query_one("#rep-nps-grid", DataGrid)
            grid.focus()
            grid.move_cursor(row=0)
            await pilot.press("enter")
            await settle(pilot, app)
            assert isinstance(app.screen, DrillScreen)
            assert app.screen.drill.query == "drill_nps" and app.screen.drill.params == {"as_of": FEB}
            assert app.screen.frame.height == 4  # N1..N4 were sent Dec..Feb
            await pilot.press("escape")
            await pilot.pause()
            # l / h / space expand and collapse a chain without opening anything
            tree = app.query_one("#rep-lineage", LineageTree)
            second = tree.root.children[1]  # A5, collapsed
            assert not second.is_expanded
            tree.focus()
            tree.move_cursor(second)
            await pilot.press("l")
            assert second.is_expanded
            await pilot.press("h")
            assert not second.is_expanded
            await pilot.press("space")
            assert second.is_expanded
            assert not isinstance(app.screen, DrillScreen)
    finally:
        db.close()


def _schema_only(path: Path) -> Path:
    conn = duckdb.connect(str(path))
    create_schema(conn)
    conn.close()
    return path


def _accounts_and_revenue_only(path: Path) -> Path:
    conn = duckdb.connect(str(path))
    conn.execute(queries.queries_dir().joinpath("schema", "accounts.sql").read_text(encoding="utf-8"))
    conn.execute(queries.queries_dir().joinpath("schema", "revenue_movements.sql").read_text(encoding="utf-8"))
    insert(conn, "accounts", ACCOUNTS)
    insert(conn, "revenue_movements", REVENUE)
    conn.close()
    return path


@pytest.mark.parametrize("make", [_schema_only, _accounts_and_revenue_only])
async def test_empty_databases_show_the_empty_state(tmp_path: Path, make) -> None:
    db = open_database(make(tmp_path / "empty.duckdb"))
    app = NavigatorApp(db)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(KEY)
            await settle(pilot, app)
            panel = app.query_one(ReputationPanel)
            message = str(panel.query_one(".panel--message").render())
            assert "No data for this panel yet" in message
            assert "reputation_events" in message and "nps_responses" in message
    finally:
        db.close()


async def test_sample_shows_a_score_and_its_interval(sample_db: Path) -> None:
    db = open_database(sample_db)
    app = NavigatorApp(db)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press(KEY)
            await settle(pilot, app)
            state = app.state
            latest = db.run("nps", months=24, **state.params()).to_dicts()[-1]
            assert latest["nps"] is not None  # the sample has enough answers for a score
            assert tile_figure(app, "rep-tile-nps").startswith(nps_text(latest))
            assert grid_rows(app, "rep-balance") == expected_balance(db, state)
            lineage = db.run("referral_lineage", as_of=state.as_of, top=reputation_module.TOP_CHAINS)
            roots = app.query_one("#rep-lineage", LineageTree).root.children
            shown = lineage.filter(lineage["depth"] == 0)["account_id"].to_list()
            assert [node.data.params["account_id"] for node in roots if "account_id" in node.data.params] == shown
            more = lineage["chains"][0] - len(shown)
            assert str(roots[-1].label) == f"… {more} more chain{'s' if more > 1 else ''}"
    finally:
        db.close()
