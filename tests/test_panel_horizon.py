"""The Market horizon panel: its queries on the hand-built data, then the panel as a user drives it.

Hand-built data (tests/handbuilt.py), A = February 2026, window Dec 2025 .. Feb 2026:

    M1 Core payroll          H1  shares customers, channels, capabilities  -> 0 steps
    M2 Emerging HR analytics H2  shares customers, capabilities            -> 1 step
    M3 Adjacent benefits     H3  shares capabilities                       -> 2 steps
    sizes (tam / sam): M1 2025-10 actual 1000/400, 2026-04 forecast 1050/420
                       M2 2025-10 actual  600/200, 2026-04 forecast 1500/500
                       M3 2025-10 actual  300/100, no forecast

Every expected value below is worked out by hand from docs/metrics.md; none is copied
from a query's output.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path
from typing import Any

import duckdb
import pytest
from handbuilt import AS_OF, build_handbuilt
from pilot import cells, settle

from navigator.data import queries
from navigator.data.report import Filters
from navigator.data.schema import create_schema
from navigator.data.source import open_database
from navigator.format import format_value
from navigator.panels import PANEL_CLASSES
from navigator.panels.horizon import BarCell, HorizonPanel, growth_text, steps_text
from navigator.panels.widgets import DataGrid
from navigator.ui.app import NavigatorApp
from navigator.ui.drill import DrillScreen

D = dt.date
FEB = AS_OF
SIZE = (120, 40)
# the panel's number key: its place in the tab order
KEY = str([panel.panel_id for panel in PANEL_CLASSES].index("horizon") + 1)


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


def by_market(found: list[dict]) -> dict[str, dict]:
    return {row["market_id"]: row for row in found}


# ---------------------------------------------------------------------------------------
# market_horizon
# ---------------------------------------------------------------------------------------


def test_market_horizon_sizes_steps_and_order(conn) -> None:
    found = rows(conn, "market_horizon")
    # ordered by horizon, then SAM now (largest first)
    assert [(r["horizon"], r["market_id"]) for r in found] == [("H1", "M1"), ("H2", "M2"), ("H3", "M3")]
    m = by_market(found)
    assert [m[k]["steps"] for k in ("M1", "M2", "M3")] == [0, 1, 2]  # false flags: none; channels; cust+chan
    assert m["M1"]["market"] == "Core payroll"
    # now = latest actual quarter on or before Feb 2026: 2025-10 for all three
    assert {r["size_period"] for r in found} == {D(2025, 10, 1)}
    assert (m["M1"]["tam_now"], m["M1"]["sam_now"]) == (1000.0, 400.0)
    # tomorrow = last forecast quarter: 2026-04 (M3 has none)
    assert (m["M1"]["forecast_period"], m["M1"]["tam_forecast"], m["M1"]["sam_forecast"]) == (
        D(2026, 4, 1),
        1050.0,
        420.0,
    )
    assert m["M3"]["forecast_period"] is None and m["M3"]["sam_forecast"] is None
    assert m["M1"]["sam_multiple"] == approx(420 / 400)  # 1.05
    assert m["M2"]["sam_multiple"] == approx(500 / 200)  # 2.5: tomorrow is larger
    assert m["M3"]["sam_multiple"] is None


def test_market_horizon_share_penetration_growth(conn) -> None:
    m = by_market(rows(conn, "market_horizon"))
    # M1 at the end of Feb 2026: A1 100+50+30 = 180, A2 200-50+25 = 175, A6 90-30 = 60 -> 415
    assert m["M1"]["mrr"] == approx(415)
    assert m["M1"]["arr"] == approx(12 * 415)  # 4,980
    assert m["M1"]["sam_share"] == approx(4980 / 400)  # 12.45 (the hand-built SAM is tiny)
    assert (m["M1"]["customers"], m["M1"]["accounts"]) == (3, 3)
    assert m["M1"]["penetration"] == approx(3 / 3)
    # a year earlier (end of Feb 2025): A1 100, A2 200 -> 300; growth 415 / 300 - 1
    assert m["M1"]["mrr_year_ago"] == approx(300)
    assert m["M1"]["growth"] == approx(415 / 300 - 1)

    # M2: A3 churned in Feb (0), A4 reactivated at 100, A8 new 40 -> 140 from 2 of 3 accounts
    assert m["M2"]["mrr"] == approx(140)
    assert m["M2"]["sam_share"] == approx(12 * 140 / 200)  # 8.4
    assert (m["M2"]["customers"], m["M2"]["accounts"]) == (2, 3)
    assert m["M2"]["penetration"] == approx(2 / 3)
    # end of Feb 2025: A3 80, A4 120 (churned in April) -> 200; growth 140 / 200 - 1 = -0.3
    assert m["M2"]["growth"] == approx(-0.3)

    # M3: A5 60; A7 a prospect; A9's revenue starts in March, after A -> 1 of 3 known accounts
    assert m["M3"]["mrr"] == approx(60)
    assert m["M3"]["sam_share"] == approx(12 * 60 / 100)  # 7.2
    assert (m["M3"]["customers"], m["M3"]["accounts"]) == (1, 3)
    assert m["M3"]["penetration"] == approx(1 / 3)
    # no revenue a year earlier: growth undefined, not 0
    assert m["M3"]["mrr_year_ago"] == 0.0
    assert m["M3"]["growth"] is None


def test_market_horizon_win_rate(conn) -> None:
    m = by_market(rows(conn, "market_horizon"))
    # new deals closed Dec 2025 .. Feb 2026: M1 O6 won; M2 O8 won;
    # M3 O5, O15 won and O7, O10, O11 lost (O16 closed in October, before the window)
    assert (m["M1"]["won"], m["M1"]["lost"], m["M1"]["win_rate"]) == (1, 0, 1.0)
    assert (m["M2"]["won"], m["M2"]["lost"], m["M2"]["win_rate"]) == (1, 0, 1.0)
    assert (m["M3"]["won"], m["M3"]["lost"]) == (2, 3)
    assert m["M3"]["win_rate"] == approx(2 / 5)


def test_market_horizon_team_filter(conn) -> None:
    m = by_market(rows(conn, "market_horizon", team_id="T2"))
    # accounts follow the owner's team: T2 (R3) owns A3, A4, A8 (M2) and A7, A9 (M3), none in M1
    assert (m["M1"]["mrr"], m["M1"]["customers"], m["M1"]["accounts"]) == (0.0, 0, 0)
    assert m["M1"]["penetration"] is None and m["M1"]["growth"] is None
    assert m["M1"]["sam_share"] == 0.0  # no revenue in a market of known size: 0, not undefined
    assert (m["M2"]["mrr"], m["M2"]["customers"], m["M2"]["accounts"]) == (140.0, 2, 3)
    assert (m["M3"]["customers"], m["M3"]["accounts"]) == (0, 2)
    assert m["M3"]["penetration"] == 0.0
    # deals follow the rep's team: in M3 only R3's O7 (lost) and O15 (won); O10, O11 are T1 reps'
    assert (m["M3"]["won"], m["M3"]["lost"], m["M3"]["win_rate"]) == (1, 1, 0.5)
    assert (m["M1"]["won"], m["M1"]["lost"], m["M1"]["win_rate"]) == (0, 0, None)


def test_market_horizon_segment_and_market_filters(conn) -> None:
    m = by_market(rows(conn, "market_horizon", segment="SMB"))
    # SMB: A3 (churned) and A8 (40) in M2; A5 (60) in M3; none in M1
    assert (m["M2"]["mrr"], m["M2"]["customers"], m["M2"]["accounts"]) == (40.0, 1, 2)
    assert m["M2"]["growth"] == approx(40 / 80 - 1)  # A3 had 80 a year earlier
    assert (m["M3"]["mrr"], m["M3"]["customers"], m["M3"]["accounts"]) == (60.0, 1, 1)
    assert (m["M3"]["won"], m["M3"]["lost"]) == (1, 0)  # O5
    # the market size is the whole market's: SMB's ARR over M2's SAM
    assert m["M2"]["sam_share"] == approx(12 * 40 / 200)
    only = rows(conn, "market_horizon", market_id="M2")
    assert [r["market_id"] for r in only] == ["M2"]


def test_market_horizon_empty_period(conn) -> None:
    found = rows(conn, "market_horizon", as_of=D(2023, 6, 1))
    assert len(found) == 3  # every market is listed
    for row in found:
        # no actual size yet, no accounts, no deals: counts 0, ratios null
        assert row["size_period"] is None and row["sam_now"] is None
        assert (row["mrr"], row["customers"], row["accounts"], row["won"], row["lost"]) == (0.0, 0, 0, 0, 0)
        assert row["sam_share"] is None and row["penetration"] is None
        assert row["growth"] is None and row["win_rate"] is None


# ---------------------------------------------------------------------------------------
# market_sizes_series
# ---------------------------------------------------------------------------------------


def test_market_sizes_series(conn) -> None:
    found = rows(conn, "market_sizes_series")
    assert [(r["market_id"], r["period"], r["kind"]) for r in found] == [
        ("M1", D(2025, 10, 1), "actual"),
        ("M1", D(2026, 4, 1), "forecast"),
        ("M2", D(2025, 10, 1), "actual"),
        ("M2", D(2026, 4, 1), "forecast"),
        ("M3", D(2025, 10, 1), "actual"),
    ]
    s = {(r["market_id"], r["period"]): r for r in found}
    oct25 = D(2025, 10, 1)
    # Q4 2025 is measured at the end of its last month, Dec 2025:
    # M1 = A1 150 + A2 150 + A6 90 = 390 -> ARR 4,680 over SAM 400
    assert s[("M1", oct25)]["arr"] == approx(12 * 390)
    assert s[("M1", oct25)]["sam_share"] == approx(12 * 390 / 400)  # 11.7
    # M2 = A3 80 (A4 churned in April 2025, back only in Feb 2026) -> 960 over 200
    assert s[("M2", oct25)]["arr"] == approx(12 * 80)
    assert s[("M2", oct25)]["sam_share"] == approx(12 * 80 / 200)  # 4.8
    # M3 = A5 60 -> 720 over 100
    assert s[("M3", oct25)]["sam_share"] == approx(7.2)
    # forecasts carry their size, and no ARR
    forecast = s[("M2", D(2026, 4, 1))]
    assert (forecast["tam"], forecast["sam"], forecast["arr"], forecast["sam_share"]) == (1500.0, 500.0, None, None)


def test_market_sizes_series_as_of_inside_and_before_a_quarter(conn) -> None:
    # A = Nov 2025 falls inside Q4 2025: measured at the end of November
    # M1 = A1 150 + A2 150 (A6's revenue starts in December) = 300
    nov = {(r["market_id"], r["kind"]): r for r in rows(conn, "market_sizes_series", as_of=D(2025, 11, 1))}
    assert nov[("M1", "actual")]["arr"] == approx(12 * 300)
    # A = Sep 2025: the Q4 2025 actual was not known yet; only the forecasts remain
    sep = rows(conn, "market_sizes_series", as_of=D(2025, 9, 1))
    assert [(r["market_id"], r["kind"]) for r in sep] == [("M1", "forecast"), ("M2", "forecast")]


def test_market_sizes_series_filters(conn) -> None:
    found = {r["market_id"]: r for r in rows(conn, "market_sizes_series", team_id="T1") if r["kind"] == "actual"}
    # T1 owns A1, A2, A6 (M1) and A5 (M3); nothing in M2
    assert found["M1"]["arr"] == approx(12 * 390)
    assert found["M2"]["arr"] == 0.0 and found["M2"]["sam_share"] == 0.0
    assert found["M3"]["arr"] == approx(12 * 60)
    assert {r["market_id"] for r in rows(conn, "market_sizes_series", market_id="M3")} == {"M3"}


# ---------------------------------------------------------------------------------------
# Small helpers of the panel
# ---------------------------------------------------------------------------------------


def test_steps_and_growth_text() -> None:
    core = {"steps": 0, "shares_customers": True, "shares_channels": True, "shares_capabilities": True}
    assert steps_text(core) == "0 core"
    one = {"steps": 1, "shares_customers": True, "shares_channels": False, "shares_capabilities": True}
    assert steps_text(one) == "1 cu·ca"
    assert steps_text(one, words=True) == "1 cust·capab"
    far = {"steps": 3, "shares_customers": False, "shares_channels": False, "shares_capabilities": False}
    assert steps_text(far) == "3 none"
    assert growth_text(0.5) == "▲ 50.0%"
    assert growth_text(-0.3) == "▼ 30.0%"
    assert growth_text(None) == "n/a"


# ---------------------------------------------------------------------------------------
# The panel, driven as a user drives it
# ---------------------------------------------------------------------------------------


def market_rows(grid: DataGrid) -> dict[str, list[str]]:
    """Market name -> its cells (the heading rows of each horizon left out)."""
    return {row[0].strip(): row for row in cells(grid) if row[1]}


def check_markets_match(app: NavigatorApp, db) -> None:
    grid = app.query_one("#horizon-markets", DataGrid)
    labels = [str(column.label) for column in grid.columns.values()]
    shown = market_rows(grid)
    expected = db.run("market_horizon", **app.state.params())
    assert set(shown) == set(expected["market"].to_list())
    for row in expected.iter_rows(named=True):
        got = dict(zip(labels, shown[row["market"]], strict=True))
        assert got["SAM now"] == format_value(row["sam_now"], "money")
        assert got["SAM tmrw"] == format_value(row["sam_forecast"], "money")
        assert got["Share"] == format_value(row["sam_share"], "ratio")
        assert got["Penetr."] == format_value(row["penetration"], "ratio")
        assert got["Growth"] == growth_text(row["growth"])
        assert got["Win"] == format_value(row["win_rate"], "ratio")
        assert got["Steps"] == steps_text(row)
        assert got["Customers"] == f"{row['customers']:,}/{row['accounts']:,}"


async def test_panel_figures_equal_the_data_layer(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(KEY)
        await settle(pilot, app)
        panel = app.query_one(HorizonPanel)
        assert panel.data is not None
        check_markets_match(app, db)
        # the headings group the markets by horizon, in order
        headings = [row[0] for row in cells(app.query_one("#horizon-markets", DataGrid)) if not row[1]]
        assert headings == ["H1 core", "H2 emerging", "H3 adjacent / options"]

        # bars: each written percentage is the horizon_shares figure; the bar has the same share
        shares = db.run("horizon_shares", **app.state.params())
        grid = app.query_one("#horizon-shares", DataGrid)
        for index, row in enumerate(shares.iter_rows(named=True)):
            shown = grid.get_row_at(index)
            assert str(shown[0]).startswith(row["horizon"])
            for cell, key in zip(shown[1:], ("revenue_share", "pipeline_share", "effort_share"), strict=True):
                assert isinstance(cell, BarCell)
                assert cell.text == format_value(row[key], "ratio")
                assert cell.share == row[key]

        # sizes: the actual and forecast sparklines hold the SAM series, the figures their last values
        series = db.run("market_sizes_series", **app.state.params(window=False))
        grid = app.query_one("#horizon-sizes", DataGrid)
        shown_rows = {str(grid.get_row_at(i)[0]): grid.get_row_at(i) for i in range(grid.row_count)}
        for market in series["market"].unique().to_list():
            part = series.filter(series["market"] == market)
            actual = part.filter(part["kind"] == "actual")["sam"].to_list()
            forecast = part.filter(part["kind"] == "forecast")["sam"].to_list()
            row = shown_rows[f"{part['horizon'][0]} {market}"]
            if actual:
                assert list(row[1].data) == actual
            assert str(row[2]) == format_value(actual[-1] if actual else None, "money")
            if forecast:
                assert list(row[3].data) == forecast
            assert str(row[4]) == format_value(forecast[-1] if forecast else None, "money")


async def test_filter_change_repaints_the_panel(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(KEY)
        await settle(pilot, app)
        app.set_state(replace(app.state, filters=Filters(segment="SMB")))
        await settle(pilot, app)
        check_markets_match(app, db)
        grid = app.query_one("#horizon-markets", DataGrid)
        labels = [str(column.label) for column in grid.columns.values()]
        m2 = dict(zip(labels, market_rows(grid)["Emerging HR analytics"], strict=True))
        assert m2["Customers"] == "1/2"  # A8 of A3, A8 (worked out in the query tests)
        # filtering twice repaints, it does not append
        app.set_state(replace(app.state, filters=Filters(segment="SMB", market_id="M2")))
        await settle(pilot, app)
        assert list(market_rows(grid)) == ["Emerging HR analytics"]
        assert grid.row_count == 2  # the H2 heading and its market


async def test_enter_on_a_market_opens_its_accounts(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(KEY)
        await settle(pilot, app)
        grid = app.query_one("#horizon-markets", DataGrid)
        grid.focus()
        grid.move_cursor(row=3)  # H1 heading, M1, H2 heading, M2
        await pilot.press("enter")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        assert screen.drill.query == "drill_accounts"
        assert screen.drill.params == {"market_id": "M2"}
        assert screen.frame is not None
        # the drill lists the accounts the market's 'Customers' column counts
        assert sorted(screen.frame["account_id"].to_list()) == ["A3", "A4", "A8"]
        assert screen.frame.filter(screen.frame["status"] == "active").height == 2
        await pilot.press("escape")
        # a horizon heading opens the accounts of its horizon
        grid.move_cursor(row=0)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.drill.params == {"horizon": "H1"}


async def test_narrow_screen_keeps_the_essential_columns(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press(KEY)
        await settle(pilot, app)
        grid = app.query_one("#horizon-markets", DataGrid)
        labels = [str(column.label) for column in grid.columns.values()]
        assert labels == ["Market", "Steps", "Now", "Tmrw", "Share", "Growth", "Win"]


def _schema_only(path: Path, tables: tuple[str, ...] | None = None) -> Path:
    conn = duckdb.connect(str(path))
    try:
        if tables is None:
            create_schema(conn)
        else:
            create_schema(conn, tables)
            conn.execute(
                "INSERT INTO accounts VALUES ('A1', 'Acme', 'M1', 'SMB', 'EMEA', 'inbound', NULL, 'R1',"
                " DATE '2025-01-01')"
            )
            conn.execute(
                "INSERT INTO revenue_movements VALUES ('A1', DATE '2025-02-01', 'new', 100, 'sales', NULL, NULL)"
            )
    finally:
        conn.close()
    return path


@pytest.mark.parametrize("tables", [None, ("accounts", "revenue_movements")], ids=["schema-only", "two-tables"])
async def test_empty_databases_show_the_empty_state(tmp_path: Path, tables) -> None:
    database = open_database(_schema_only(tmp_path / "empty.duckdb", tables))
    try:
        app = NavigatorApp(database)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(KEY)
            await settle(pilot, app)
            panel = app.query_one(HorizonPanel)
            message = str(panel.query_one(".panel--message").render())
            assert "markets" in message and "market_sizes" in message
            assert panel.data is None
    finally:
        database.close()
