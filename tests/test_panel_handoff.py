"""The Hand-off panel: its queries on hand-built data, and the panel driven as a user drives it.

Query expectations are worked out by hand from tests/handbuilt.py (A = February 2026, window
Dec 2025 .. Feb 2026 unless a test says otherwise), with the arithmetic beside each assertion;
the severity rules get a tiny database of their own, built below. The Pilot tests check that
what the panel shows equals what the data layer returns for the same state.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest
from handbuilt import AS_OF, build_handbuilt, insert
from pilot import grid_rows, settle

from navigator.data import queries
from navigator.data.report import Filters, ViewState, add_months
from navigator.data.schema import create_schema
from navigator.data.source import open_database
from navigator.format import format_change, format_value
from navigator.panels.handoff import BATON_FIGURES, KINDS, HandoffPanel
from navigator.panels.widgets import FigureTile
from navigator.text import display_text
from navigator.ui.app import NavigatorApp
from navigator.ui.drill import DrillScreen

D = dt.date
T = dt.datetime
FEB = AS_OF  # window (W=3) = 2025-12-01 .. 2026-02-28
MAY = D(2026, 5, 1)
EMPTY = D(2023, 6, 1)  # long before any hand-built row
SIZE = (120, 40)


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


# ---------------------------------------------------------------------------------------
# handoff_missing_fields
# ---------------------------------------------------------------------------------------


def test_missing_fields(conn) -> None:
    found = {(row["kind"], row["field"]): row for row in rows(conn, "handoff_missing_fields")}
    assert len(found) == 4 * 4  # three kinds and all kinds (null), four fields each
    # sent Dec..Feb: sales -> operations H1 (complete), H2 (no risks), H3 (complete), H4 (no stakeholders)
    s2o = {
        field: found[("sales_to_operations", field)] for field in ("objectives", "stakeholders", "commitments", "risks")
    }
    assert all(row["handoffs"] == 4 for row in s2o.values())
    assert [s2o[f]["missing"] for f in ("objectives", "stakeholders", "commitments", "risks")] == [0, 1, 0, 1]
    assert s2o["stakeholders"]["missing_share"] == approx(1 / 4) and s2o["risks"]["missing_share"] == approx(1 / 4)
    assert s2o["objectives"]["missing_share"] == 0.0
    # ranked by missing, ties in field order: stakeholders (1), risks (1), objectives (0), commitments (0)
    assert [s2o[f]["rank"] for f in ("stakeholders", "risks", "objectives", "commitments")] == [1, 2, 3, 4]
    # strategy -> sales: H7 (complete), H8 (no objectives); H6 was sent in November
    s2s = found[("strategy_to_sales", "objectives")]
    assert (s2s["handoffs"], s2s["missing"], s2s["rank"]) == (2, 1, 1)
    assert s2s["missing_share"] == approx(1 / 2)
    # operations -> sales: H9, complete: 0 of 1 missing, a share of 0 (not null)
    assert found[("operations_to_sales", "risks")]["missing_share"] == 0.0
    # all kinds: 7 hand-offs; objectives 1 (H8), stakeholders 1 (H4), commitments 0, risks 1 (H2)
    every = {field: found[(None, field)] for field in ("objectives", "stakeholders", "commitments", "risks")}
    assert all(row["handoffs"] == 7 for row in every.values())
    assert every["risks"]["missing_share"] == approx(1 / 7) and every["commitments"]["missing"] == 0
    assert [every[f]["rank"] for f in ("objectives", "stakeholders", "risks", "commitments")] == [1, 2, 3, 4]


def test_missing_fields_agree_with_the_handoff_metric(conn) -> None:
    sent = {row["kind"]: row["handoffs"] for row in rows(conn, "handoff")}
    for row in rows(conn, "handoff_missing_fields"):
        if row["kind"] is not None:
            assert row["handoffs"] == sent[row["kind"]]


def test_missing_fields_team_filter(conn) -> None:
    found = {(row["kind"], row["field"]): row for row in rows(conn, "handoff_missing_fields", team_id="T2")}
    # from or to T2: H3, H4 (T2 -> T3) and H8 (TS -> T2)
    assert found[("sales_to_operations", "stakeholders")]["handoffs"] == 2
    assert found[("sales_to_operations", "stakeholders")]["missing_share"] == approx(1 / 2)  # H4
    assert found[("strategy_to_sales", "objectives")]["missing_share"] == 1.0  # H8
    assert found[(None, "risks")]["handoffs"] == 3 and found[(None, "risks")]["missing"] == 0


def test_missing_fields_empty_period(conn) -> None:
    found = rows(conn, "handoff_missing_fields", as_of=EMPTY)
    assert len(found) == 16
    assert all(row["handoffs"] == 0 and row["missing"] == 0 and row["missing_share"] is None for row in found)


# ---------------------------------------------------------------------------------------
# complaints_by_team
# ---------------------------------------------------------------------------------------


def test_complaints_by_team(conn) -> None:
    # A = May 2026, W = 6: the cohort is the window shifted back three months, deals closed
    # 2025-09-01 .. 2026-02-28: O5 (R1, T1), O6 (R2, T1), O8 (R3, T2), O15 (R3, T2).
    # O6's account complained 16 days after close (E11, high); O5's complaint (E14) came 104
    # days after close, too late; O8 and O15 never complained.
    found = rows(conn, "complaints_by_team", as_of=MAY, window=6)
    teams = [row for row in found if row["level"] == "team"]
    reps = [row for row in found if row["level"] == "rep"]
    assert [(r["team_id"], r["new_customers"], r["complained"], r["rank"]) for r in teams] == [
        ("T1", 2, 1, 1),
        ("T2", 2, 0, 2),
    ]
    assert teams[0]["team"] == "Sales North" and teams[0]["rep"] is None
    assert teams[0]["complaint_rate"] == approx(1 / 2) and teams[0]["top_severity"] == "high"
    assert teams[1]["complaint_rate"] == 0.0 and teams[1]["top_severity"] is None
    # reps by rate, then complained, then n: R2 1/1, R3 0/2, R1 0/1
    assert [(r["rep_id"], r["new_customers"], r["complained"], r["rank"]) for r in reps] == [
        ("R2", 1, 1, 1),
        ("R3", 2, 0, 2),
        ("R1", 1, 0, 3),
    ]
    assert reps[0]["rep"] == "Omar Haddad" and reps[0]["team"] == "Sales North"
    assert reps[0]["complaint_rate"] == 1.0 and reps[0]["top_severity"] == "high"


def test_complaints_by_team_add_up_to_the_early_complaint_rate(conn) -> None:
    for as_of, window in ((MAY, 6), (FEB, 12), (FEB, 3)):
        total = rows(conn, "early_complaints", as_of=as_of, window=window)[0]
        teams = [r for r in rows(conn, "complaints_by_team", as_of=as_of, window=window) if r["level"] == "team"]
        assert sum(r["new_customers"] for r in teams) == total["new_customers"]
        assert sum(r["complained"] for r in teams) == total["complained"]


def test_complaints_by_team_filters(conn) -> None:
    found = rows(conn, "complaints_by_team", as_of=MAY, window=6, team_id="T2")
    assert {row["team_id"] for row in found} == {"T2"}
    found = rows(conn, "complaints_by_team", as_of=MAY, window=6, segment="Mid-market")
    # Mid-market accounts: A6 (O6) and A9 (O15)
    assert sorted((r["level"], r["team_id"], r["new_customers"]) for r in found if r["level"] == "team") == [
        ("team", "T1", 1),
        ("team", "T2", 1),
    ]


def test_complaints_by_team_empty_period(conn) -> None:
    # A = Feb 2026, W = 3: cohort Sep..Nov 2025, when no new deal was won; no team, no row
    assert rows(conn, "complaints_by_team") == []
    assert rows(conn, "complaints_by_team", as_of=EMPTY) == []


@pytest.fixture(scope="module")
def severity_conn() -> duckdb.DuckDBPyConnection:
    """Deals closed in January 2026, seen from A = April 2026 with W = 1 (cohort = January)."""
    connection = duckdb.connect()
    create_schema(connection)
    insert(connection, "teams", [("TA", "Alpha", "sales")])
    insert(connection, "reps", [("RA1", "Ana", "TA", D(2020, 1, 1)), ("RA2", "Ben", "TA", D(2020, 1, 1))])
    insert(
        connection,
        "accounts",
        [
            (f"X{i}", f"Account {i}", "M1", "SMB", "EMEA", "inbound", None, rep, D(2025, 12, 1))
            for i, rep in ((1, "RA1"), (2, "RA2"), (3, "RA2"), (4, "RX"))
        ],
    )
    flags = (True, True, True, True)
    insert(
        connection,
        "opportunities",
        [
            (f"P{i}", f"X{i}", rep, "new", "sales", D(2025, 12, 1), None, None, closed, closed, "won",
             1200.0, 0.0, 10.0, *flags, None)
            for i, rep, closed in (
                (1, "RA1", D(2026, 1, 5)),
                (2, "RA2", D(2026, 1, 10)),
                (3, "RA2", D(2026, 1, 20)),
                (4, "RX", D(2026, 1, 25)),  # a rep missing from reps: no team
            )
        ],
    )  # fmt: skip
    insert(
        connection,
        "service_events",
        [
            ("E1", "X1", "P1", "complaint", D(2026, 1, 20), "low"),
            ("E2", "X1", "P1", "complaint", D(2026, 2, 1), "low"),
            ("E3", "X1", "P1", "complaint", D(2026, 2, 5), "critical"),
            ("E4", "X2", "P2", "complaint", D(2026, 1, 15), "high"),
            ("E5", "X2", "P2", "complaint", D(2026, 4, 10), "medium"),  # exactly 90 days after Jan 10
            ("E6", "X3", "P3", "complaint", D(2026, 4, 21), "critical"),  # 91 days after Jan 20
            ("E7", "X3", "P3", "ticket", D(2026, 1, 22), "high"),  # a ticket, not a complaint
        ],
    )
    yield connection
    connection.close()


def test_complaints_by_team_most_common_severity(severity_conn) -> None:
    found = rows(severity_conn, "complaints_by_team", as_of=D(2026, 4, 1), window=1)
    by_key = {(row["level"], row["team_id"], row["rep_id"]): row for row in found}
    # RA1: low, low, critical -> low is the most common
    ana = by_key[("rep", "TA", "RA1")]
    assert (ana["new_customers"], ana["complained"], ana["top_severity"]) == (1, 1, "low")
    # RA2: P2 high + medium (day 90 counts) -> a tie, the more severe wins; P3's day-91
    # complaint and ticket do not count
    ben = by_key[("rep", "TA", "RA2")]
    assert (ben["new_customers"], ben["complained"], ben["top_severity"]) == (2, 1, "high")
    assert ben["complaint_rate"] == approx(1 / 2)
    # team Alpha: low 2, critical 1, high 1, medium 1 -> low; 2 of 3 complained
    alpha = by_key[("team", "TA", None)]
    assert (alpha["new_customers"], alpha["complained"], alpha["top_severity"]) == (3, 2, "low")
    assert alpha["complaint_rate"] == approx(2 / 3) and alpha["rank"] == 1
    # the deal of an unknown rep has no team, and still counts
    orphan = by_key[("team", None, None)]
    assert (orphan["new_customers"], orphan["complained"], orphan["complaint_rate"], orphan["rank"]) == (1, 0, 0.0, 2)
    assert by_key[("rep", None, "RX")]["rep"] == "RX"


# ---------------------------------------------------------------------------------------
# promises_by_team
# ---------------------------------------------------------------------------------------


def test_promises_by_team(conn) -> None:
    found = rows(conn, "promises_by_team")
    # due Dec..Feb, status as of Feb 28:
    #   T1 (O5 by R1, O6 by R2): C1 kept (Jan 8), C2 broken (Jan 5), C3 resolved Mar 3 -> open, overdue
    #   T2 (O8 by R3): C4 open, due Feb 28 (not overdue on its due day), C5 open since Jan 31 -> overdue
    assert [(r["team_id"], r["due"], r["kept"], r["broken"], r["open"], r["overdue"], r["rank"]) for r in found] == [
        ("T1", 3, 1, 1, 1, 1, 1),
        ("T2", 2, 0, 0, 2, 1, 2),
    ]
    assert found[0]["team"] == "Sales North"
    assert found[0]["kept_rate"] == approx(1 / (1 + 1))
    assert found[1]["kept_rate"] is None  # nothing kept or broken yet: ranked last


def test_promises_by_team_add_up_to_promises_kept(conn) -> None:
    for as_of, window in ((FEB, 3), (MAY, 12), (D(2024, 9, 1), 3)):
        total = rows(conn, "promises_kept", as_of=as_of, window=window)[0]
        teams = rows(conn, "promises_by_team", as_of=as_of, window=window)
        for column in ("due", "kept", "broken", "open", "overdue"):
            assert sum(row[column] for row in teams) == total[column], (as_of, column)


def test_promises_by_team_filter_and_empty_period(conn) -> None:
    assert [row["team_id"] for row in rows(conn, "promises_by_team", team_id="T2")] == ["T2"]
    # segment SMB: A5 (C1) and A8 (C4, C5)
    smb = {row["team_id"]: row for row in rows(conn, "promises_by_team", segment="SMB")}
    assert (smb["T1"]["due"], smb["T1"]["kept_rate"]) == (1, 1.0)
    assert smb["T2"]["due"] == 2
    assert rows(conn, "promises_by_team", as_of=EMPTY) == []


# ---------------------------------------------------------------------------------------
# drill queries
# ---------------------------------------------------------------------------------------


def test_drill_handoff_missing(conn) -> None:
    # incomplete hand-offs sent Dec..Feb: H2 (risks), H4 (stakeholders), H8 (objectives)
    assert sorted(row["handoff_id"] for row in rows(conn, "drill_handoff_missing")) == ["H2", "H4", "H8"]
    risks = rows(conn, "drill_handoff_missing", field="risks")
    assert [(row["handoff_id"], row["missing"], row["dropped"]) for row in risks] == [("H2", "risks", True)]
    assert rows(conn, "drill_handoff_missing", field="stakeholders", kind="strategy_to_sales") == []
    h4 = rows(conn, "drill_handoff_missing", field="stakeholders")[0]
    assert h4["accepted_at"] is None and h4["dropped"] is None  # accepted in March; too recent to judge


def test_drill_complaint_deals(conn) -> None:
    found = rows(conn, "drill_complaint_deals", as_of=MAY, window=6)
    assert sorted(row["opportunity_id"] for row in found) == ["O15", "O5", "O6", "O8"]
    omar = rows(conn, "drill_complaint_deals", as_of=MAY, window=6, rep_id="R2")
    assert [(r["opportunity_id"], r["complained"], r["complaints"], r["first_complaint_on"], r["worst_severity"])
            for r in omar] == [("O6", True, 1, D(2026, 1, 5), "high")]  # fmt: skip
    quiet = rows(conn, "drill_complaint_deals", as_of=MAY, window=6, team_id="T2", complained=False)
    assert sorted(row["opportunity_id"] for row in quiet) == ["O15", "O8"]


# ---------------------------------------------------------------------------------------
# load(): the two periods and the trend from one run of each monthly query
# ---------------------------------------------------------------------------------------


def single_month(db, name: str, state: ViewState, as_of: dt.date, **match: Any) -> dict[str, Any]:
    """One month of a monthly query, run on its own (not through the panel's long series)."""
    frame = db.run(name, as_of=as_of, window=state.window, **state.filters.as_params())
    for column, value in match.items():
        frame = frame.filter(frame[column] == value)
    return frame.row(0, named=True)


@pytest.mark.parametrize("compare", ["previous", "year"])
def test_load_picks_the_period_and_the_comparison_period(db, compare: str) -> None:
    state = ViewState(as_of=MAY, window=3, compare=compare)
    data = HandoffPanel.load(db, state)
    assert state.previous_as_of == add_months(MAY, -3 if compare == "previous" else -12)
    for kind, _, _ in KINDS:
        series = data.batons[kind]
        assert series.now == single_month(db, "handoff", state, MAY, kind=kind)
        assert series.before == single_month(db, "handoff", state, state.previous_as_of, kind=kind)
        assert len(series.trend_rows) == 12 and series.trend_rows[-1]["month"] == MAY
    assert data.complaints.before == single_month(db, "early_complaints", state, state.previous_as_of)
    assert data.promises.before == single_month(db, "promises_kept", state, state.previous_as_of)


# ---------------------------------------------------------------------------------------
# The panel in the app
# ---------------------------------------------------------------------------------------


async def open_panel(pilot, app: NavigatorApp) -> HandoffPanel:
    from navigator.panels import PANEL_CLASSES

    number = [panel.panel_id for panel in PANEL_CLASSES].index("handoff") + 1
    await pilot.press(str(number))
    await settle(pilot, app)
    panel = app.active_panel()
    assert isinstance(panel, HandoffPanel)
    return panel


def figure_text(app: NavigatorApp, tile_id: str) -> str:
    return str(app.query_one(f"#tile-{tile_id}", FigureTile).query_one(".tile--figure").render())


def expected_text(value: Any, previous: Any, unit: str, better: bool | None) -> str:
    text = format_value(value, unit)
    if value is not None and previous is not None:
        text += "  " + format_change(value, previous, unit, better)
    return display_text(text)


def assert_panel_matches_data_layer(app: NavigatorApp, db) -> None:
    state = app.state
    for kind, _, _ in KINDS:
        now = single_month(db, "handoff", state, state.as_of, kind=kind)
        before = single_month(db, "handoff", state, state.previous_as_of, kind=kind)
        for key, _, column, unit, better in BATON_FIGURES:
            assert figure_text(app, f"{kind}-{key}") == expected_text(now[column], before[column], unit, better), (
                kind,
                key,
            )
    now = single_month(db, "early_complaints", state, state.as_of)
    before = single_month(db, "early_complaints", state, state.previous_as_of)
    assert figure_text(app, "early_complaints") == expected_text(
        now["early_complaint_rate"], before["early_complaint_rate"], "ratio", False
    )
    now = single_month(db, "promises_kept", state, state.as_of)
    before = single_month(db, "promises_kept", state, state.previous_as_of)
    assert figure_text(app, "promises_kept") == expected_text(now["kept_rate"], before["kept_rate"], "ratio", True)
    ledger = grid_rows(app, "promises-ledger")
    assert [row[1] for row in ledger] == [
        format_value(now[column], "count") for column in ("kept", "broken", "open", "overdue", "due")
    ]
    assert [row[2] for row in ledger] == [
        format_value(before[column], "count") for column in ("kept", "broken", "open", "overdue", "due")
    ]
    params = state.params()
    teams = [r for r in db.run("complaints_by_team", **params).to_dicts() if r["level"] == "team"]
    assert [row[1:5] for row in grid_rows(app, "complaints-teams")] == [
        [display_text(r["team"]), format_value(r["complaint_rate"], "ratio"), str(r["new_customers"]),
         str(r["complained"])]
        for r in teams
    ]  # fmt: skip
    reps = [r for r in db.run("complaints_by_team", **params).to_dicts() if r["level"] == "rep"]
    assert [row[1] for row in grid_rows(app, "complaints-reps")] == [display_text(r["rep"]) for r in reps]
    promises = db.run("promises_by_team", **params).to_dicts()
    assert [row[1:4] for row in grid_rows(app, "promises-teams")] == [
        [display_text(r["team"]), format_value(r["kept_rate"], "ratio"), str(r["due"])] for r in promises
    ]
    missing = [r for r in db.run("handoff_missing_fields", **params).to_dicts() if r["kind"] is None]
    shares = [
        "n/a" if r["missing_share"] is None else f"{format_value(r['missing_share'], 'ratio')} ({r['missing']})"
        for r in missing
    ]
    assert [row[:2] for row in grid_rows(app, "missing-fields")] == [
        [r["field"], share] for r, share in zip(missing, shares, strict=True)
    ]
    sellers = db.run("sellers_by_segment", **params).to_dicts()
    shown = grid_rows(app, "sellers-grid")
    assert [row[2] for row in shown] == [
        format_value(r[column], "money") for r in sellers for column in ("new_mrr_sales", "expansion_mrr_operations")
    ]
    for index, r in enumerate(sellers):
        leader_row = shown[2 * index] if r["leader"] == "sales" else shown[2 * index + 1]
        if r["leader"] in ("sales", "operations"):
            assert "more" in leader_row[4]


async def test_panel_figures_equal_the_data_layer(db) -> None:
    app = NavigatorApp(db, state=ViewState(as_of=MAY, window=6))
    async with app.run_test(size=SIZE) as pilot:
        await open_panel(pilot, app)
        assert_panel_matches_data_layer(app, db)
        # hand-checked: sales -> operations sent Dec..May = H1, H2, H3, H4 (4), previous period
        # (Jun..Nov 2025) none; the Mid-market/T1 complaint rate is 1 of 2
        assert figure_text(app, "sales_to_operations-sent") == "4  ▲ +4"
        assert grid_rows(app, "complaints-teams")[0][1:5] == ["Sales North", "50.0%", "2", "1"]
        headline = str(app.query_one("#headline").render())
        assert "Early complaints 25.0%" in headline  # 1 of 4 new customers
        # the bars take their colours from the theme: a new theme repaints them, same figures
        before = grid_rows(app, "sellers-grid")
        await pilot.press("t")
        await pilot.pause()
        assert grid_rows(app, "sellers-grid") == before


async def test_filter_change_repaints_with_the_filtered_figures(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await open_panel(pilot, app)
        before = figure_text(app, "sales_to_operations-sent")
        assert before.startswith("4")  # H1..H4
        app.set_state(replace(app.state, filters=Filters(segment="SMB")))
        await settle(pilot, app)
        assert figure_text(app, "sales_to_operations-sent").startswith("2")  # H1 (A5), H3 (A8)
        assert_panel_matches_data_layer(app, db)
        app.set_state(replace(app.state, filters=Filters(team_id="T2"), window=12, compare="year"))
        await settle(pilot, app)
        assert_panel_matches_data_layer(app, db)


async def test_enter_opens_the_rows_behind(db) -> None:
    app = NavigatorApp(db, state=ViewState(as_of=MAY, window=6))
    async with app.run_test(size=SIZE) as pilot:
        panel = await open_panel(pilot, app)

        async def enter_on(widget, row: int | None = None) -> DrillScreen:
            widget.focus()
            if row is not None:
                widget.move_cursor(row=row)
            await pilot.pause()
            await pilot.press("enter")
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, DrillScreen)
            await pilot.press("escape")
            await pilot.pause()
            return screen

        screen = await enter_on(panel.tile("operations_to_sales-dropped"))
        assert (screen.drill.query, screen.drill.params) == ("drill_handoffs", {"kind": "operations_to_sales"})
        screen = await enter_on(panel.grid("promises-ledger"), row=1)
        assert (screen.drill.query, screen.drill.params) == ("drill_commitments", {"status": "broken"})
        screen = await enter_on(panel.grid("sellers-grid"), row=1)
        assert screen.drill.query == "drill_movements"
        assert screen.drill.params["kind"] == "expansion" and screen.drill.params["booked_by"] == "operations"
        assert not isinstance(app.screen, DrillScreen)

        # every other figure and row carries its drill the same way (opening each is slow)
        def row_drill(grid_id: str, row: int) -> tuple[str, dict[str, Any]]:
            grid = panel.grid(grid_id)
            drill = grid.row_drills[grid.coordinate_to_cell_key((row, 0)).row_key]
            return drill.query, drill.params

        assert panel.tile("early_complaints").drill.query == "drill_complaints"
        assert panel.tile("promises_kept").drill.query == "drill_commitments"
        for kind, _, _ in KINDS:
            for key, *_ in BATON_FIGURES:
                drill = panel.tile(f"{kind}-{key}").drill
                assert (drill.query, drill.params) == ("drill_handoffs", {"kind": kind})
        assert row_drill("complaints-teams", 0) == ("drill_complaint_deals", {"team_id": "T1"})
        assert row_drill("complaints-reps", 0) == ("drill_complaint_deals", {"rep_id": "R2"})
        assert row_drill("promises-teams", 0)[0] == "drill_commitments"
        assert "team_id" in row_drill("promises-teams", 0)[1]
        assert row_drill("missing-fields", 0)[0] == "drill_handoff_missing"
        assert row_drill("sellers-grid", 0)[1]["booked_by"] == "sales"
        assert [row_drill("promises-ledger", row)[1].get("status") for row in range(5)] == [
            "kept", "broken", "open", "open", None,
        ]  # fmt: skip
        # the new drill queries run from the screen: the cohort of a team, its rows on screen
        panel.grid("complaints-teams").focus()
        panel.grid("complaints-teams").move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DrillScreen) and app.screen.frame is not None
        assert sorted(app.screen.frame["opportunity_id"].to_list()) == ["O5", "O6"]  # T1's cohort deals


@pytest.mark.parametrize("only_required", [False, True])
async def test_empty_databases_show_the_empty_state(tmp_path: Path, only_required: bool) -> None:
    path = tmp_path / "empty.duckdb"
    connection = duckdb.connect(str(path))
    if only_required:
        create_schema(connection, ("accounts", "revenue_movements"))
        connection.execute(
            "INSERT INTO accounts VALUES ('A1', 'Acme', 'M1', 'SMB', 'EMEA', 'inbound', NULL, 'R1', '2025-01-01')"
        )
        connection.execute("INSERT INTO revenue_movements VALUES ('A1', '2025-01-01', 'new', 100, 'sales', NULL, NULL)")
    else:
        create_schema(connection)
    connection.close()
    database = open_database(path)
    try:
        app = NavigatorApp(database)
        async with app.run_test(size=SIZE) as pilot:
            panel = await open_panel(pilot, app)
            message = panel.query_one(".panel--message")
            text = str(message.render())
            assert message.display and not message.has_class("-error")
            assert "No data for this panel yet" in text
            assert all(table in text for table in ("handoffs", "opportunities", "commitments"))
    finally:
        database.close()


async def test_panel_with_hand_offs_but_no_later_data_shows_reasons(tmp_path: Path) -> None:
    """Hand-offs only: every undefined figure says n/a and why, nothing fails."""
    path = tmp_path / "handoffs-only.duckdb"
    connection = duckdb.connect(str(path))
    create_schema(connection)
    connection.execute(
        "INSERT INTO accounts VALUES ('A1', 'Acme', 'M1', 'SMB', 'EMEA', 'inbound', NULL, 'R1', '2025-01-01')"
    )
    connection.execute("INSERT INTO revenue_movements VALUES ('A1', '2026-02-01', 'new', 100, 'sales', NULL, NULL)")
    connection.execute(
        "INSERT INTO handoffs VALUES ('H1', 'sales_to_operations', NULL, 'A1', NULL, 'T1', 'T3',"
        " '2026-02-20 09:00', NULL, true, true, true, false)"
    )
    connection.close()
    database = open_database(path)
    try:
        app = NavigatorApp(database)
        async with app.run_test(size=SIZE) as pilot:
            panel = await open_panel(pilot, app)
            assert not panel.query_one(".panel--message").display
            assert figure_text(app, "sales_to_operations-sent") == "1  ▲ +1"
            assert figure_text(app, "sales_to_operations-latency_median") == "n/a"
            note = str(panel.tile("sales_to_operations-latency_median").query_one(".tile--note").render())
            assert note == "n/a: none accepted yet"
            dropped = str(panel.tile("sales_to_operations-dropped").query_one(".tile--note").render())
            assert dropped == "n/a: none over 30 days old yet"
            assert figure_text(app, "strategy_to_sales-completeness") == "n/a"
            assert figure_text(app, "early_complaints") == "n/a"
            assert grid_rows(app, "complaints-teams") == []
            assert grid_rows(app, "missing-fields")[0][:2] == ["risks", "100.0% (1)"]
    finally:
        database.close()
