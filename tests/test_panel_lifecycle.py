"""The Lifecycle panel: the cohort drill query on the hand-built data, then the panel as a user drives it.

Hand-built data (tests/handbuilt.py), A = February 2026. Cohorts (month of first revenue):
2024-04 {A1}, 2024-06 {A2}, 2024-12 {A3, A4}, 2025-12 {A5, A6}, 2026-02 {A8}; A9's revenue
starts in March 2026, after A; A7 never had any. Expected values are worked out by hand.
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
from navigator.format import NA, format_change, format_value
from navigator.panels import PANEL_CLASSES
from navigator.panels.lifecycle import SHADES, LifecyclePanel, cell_text, shade
from navigator.panels.widgets import DataGrid, FigureTile
from navigator.ui.app import NavigatorApp
from navigator.ui.drill import DrillScreen

D = dt.date
FEB = AS_OF
SIZE = (120, 40)
# the panel's number key: its place in the tab order
KEY = str([panel.panel_id for panel in PANEL_CLASSES].index("lifecycle") + 1)


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
# drill_cohort
# ---------------------------------------------------------------------------------------


def test_drill_cohort_lists_the_cohort_accounts(conn) -> None:
    found = rows(conn, "drill_cohort", cohort=D(2024, 12, 1))
    # A4 120 at the end of Dec 2024, churned in Apr 2025, reactivated at 100 in Feb 2026: active;
    # A3 80, churned in Feb 2026: churned. Ordered by MRR at A, largest first.
    assert [(r["account_id"], r["cohort_mrr"], r["mrr"], r["status"]) for r in found] == [
        ("A4", 120.0, 100.0, "active"),
        ("A3", 80.0, 0.0, "churned"),
    ]
    assert found[0]["name"] == "Björk & Co" and found[0]["market"] == "Emerging HR analytics"
    assert found[0]["team"] == "Sales South"
    # a day inside the month names the same cohort
    assert len(rows(conn, "drill_cohort", cohort=D(2024, 12, 17))) == 2


def test_drill_cohort_every_cohort_and_filters(conn) -> None:
    everyone = rows(conn, "drill_cohort")
    # every account with revenue by the end of Feb 2026: A1..A6 and A8 (not A7, not A9)
    assert sorted(r["account_id"] for r in everyone) == ["A1", "A2", "A3", "A4", "A5", "A6", "A8"]
    dec25 = {r["account_id"]: r for r in rows(conn, "drill_cohort", cohort=D(2025, 12, 1))}
    # A5 60 (still 60), A6 90 then contracted by 30 in Feb -> 60
    assert dec25["A6"]["cohort_mrr"] == 90.0 and dec25["A6"]["mrr"] == 60.0
    assert {r["account_id"] for r in rows(conn, "drill_cohort", cohort=D(2025, 12, 1), segment="SMB")} == {"A5"}
    assert rows(conn, "drill_cohort", cohort=D(2025, 12, 1), team_id="T2") == []
    # at the end of Dec 2025 the same cohort was all there at its first MRR
    at_dec = {r["account_id"]: r["mrr"] for r in rows(conn, "drill_cohort", as_of=D(2025, 12, 1))}
    assert at_dec["A6"] == 90.0 and "A8" not in at_dec  # A8's first revenue is in Feb 2026


def test_drill_cohort_empty_period(conn) -> None:
    assert rows(conn, "drill_cohort", as_of=D(2023, 6, 1)) == []


# ---------------------------------------------------------------------------------------
# Shading
# ---------------------------------------------------------------------------------------


def test_shading_bins_and_cells() -> None:
    assert shade(None) == ""
    assert shade(0.10) == SHADES[0][2]  # < 50
    assert shade(0.5) == SHADES[1][2]  # 50-70 (a bin includes its lower bound)
    assert shade(0.85) == SHADES[3][2]
    assert shade(1.0) == SHADES[5][2] and shade(1.8) == SHADES[5][2]  # >= 100: kept or grew
    assert str(cell_text(0.5)) == "  50"
    assert str(cell_text(1.8)) == " 180"  # expansion pushes MRR retention above 100
    assert str(cell_text(None)) == ""  # no cell after the as-of month


# ---------------------------------------------------------------------------------------
# The panel, driven as a user drives it
# ---------------------------------------------------------------------------------------


def tile_text(app: NavigatorApp, tile_id: str) -> str:
    return str(app.query_one(f"#lifecycle-{tile_id}", FigureTile).query_one(".tile--figure").render())


def check_heatmap(app: NavigatorApp, db, column: str) -> None:
    expected = db.run("cohort_retention", as_of=app.state.as_of, months=24, **app.state.filters.as_params())
    grid = app.query_one("#lifecycle-heatmap", DataGrid)
    shown = {row[0].strip(): row for row in cells(grid)}
    assert len(shown) == expected["cohort"].n_unique()
    for row in expected.iter_rows(named=True):
        line = shown[f"{row['cohort']:%Y-%m}"]
        assert line[1].strip() == f"{row['cohort_customers']:,}"
        assert line[2 + row["months_since"]].strip() == f"{row[column] * 100:.0f}"


def check_tiles(app: NavigatorApp, db) -> None:
    state = app.state
    trend = db.run("retention", as_of=state.as_of, months=24, **state.filters.as_params())
    latest = trend.row(-1, named=True)
    previous = trend.filter(trend["month"] == state.previous_as_of).row(0, named=True)
    for key, better in (("nrr", True), ("grr", True), ("logo_churn", False)):
        text = format_value(latest[key], "ratio")
        if latest[key] is not None and previous[key] is not None:
            text += "  " + format_change(latest[key], previous[key], "ratio", better)
        assert tile_text(app, key) == text, key
        sparkline = app.query_one(f"#lifecycle-{key}", FigureTile).query_one("Sparkline")
        assert list(sparkline.data) == [v for v in trend[key].to_list() if v is not None]


async def test_panel_figures_equal_the_data_layer(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(KEY)
        await settle(pilot, app)
        panel = app.query_one(LifecyclePanel)
        assert panel.data is not None
        check_heatmap(app, db, "customer_retention")
        check_tiles(app, db)
        # by hand: NRR 455/500 = 91.0% at Feb 2026 against 300/300 = 100% at Nov 2025 (start cohort
        # A1 100 + A2 200; over Dec 2024 .. Nov 2025 A1 +50, A2 -50): -9.0 pp, worse
        assert tile_text(app, "nrr") == "91.0%  ▼ -9.0 pp worse"
        # GRR = sum of min(MRR at A, start) / start: (100 + 175 + 0 + 100)/500 = 75.0% against
        # (100 + 150)/300 = 83.3%: -8.3 pp
        assert tile_text(app, "grr") == "75.0%  ▼ -8.3 pp worse"
        # logo churn 1/4 = 25.0% against 0/2: +25.0 pp, worse (lower is better)
        assert tile_text(app, "logo_churn") == "25.0%  ▲ +25.0 pp worse"
        # the 2024-12 cohort {A3, A4}: 4 months on (Apr 2025) A4 had churned: 1 of 2 customers = 50
        heat = {row[0].strip(): row for row in cells(app.query_one("#lifecycle-heatmap", DataGrid))}
        assert heat["2024-12"][1].strip() == "2"
        assert heat["2024-12"][2 + 4].strip() == "50"
        assert heat["2026-02"][2 + 1] == ""  # no cell after the as-of month

        # LTV: every segment's LTV is undefined on this data, with the reason written
        ltv = db.run("ltv", as_of=app.state.as_of)
        grid = app.query_one("#lifecycle-ltv", DataGrid)
        shown = cells(grid)
        assert [row[0] for row in shown] == ["All segments", "Enterprise", "Mid-market", "SMB"]
        for row, expected in zip(shown, ltv.iter_rows(named=True), strict=True):
            assert row[1] == format_value(expected["customers"], "count")
            assert row[2] == format_value(expected["arpa"], "money")
            assert row[3] == format_value(expected["monthly_churn_rate"], "ratio")
            assert row[4].startswith(NA)
        note = str(app.query_one("#lifecycle-ltv-note").render())
        assert "All segments: base too small" in note
        assert "Mid-market: no customer lost in 12 months: LTV unbounded" in note

        # v switches the heatmap to MRR retention and back
        await pilot.press("v")
        await pilot.pause()
        assert panel.mode == "mrr"
        check_heatmap(app, db, "mrr_retention")
        heat = {row[0].strip(): row for row in cells(app.query_one("#lifecycle-heatmap", DataGrid))}
        # 2024-12 at k = 4: A3's 80 of the cohort's 200 starting MRR = 40
        assert heat["2024-12"][2 + 4].strip() == "40"
        # 2024-04 {A1} at k = 22 (Feb 2026): 180 of 100 = 180
        assert heat["2024-04"][2 + 22].strip() == "180"
        assert "[starting MRR]" in str(app.query_one("#lifecycle-mode").render())
        await pilot.press("v")
        await pilot.pause()
        assert panel.mode == "customers"
        check_heatmap(app, db, "customer_retention")


async def test_filter_change_repaints_the_panel(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(KEY)
        await settle(pilot, app)
        app.set_state(replace(app.state, filters=Filters(segment="SMB")))
        await settle(pilot, app)
        check_heatmap(app, db, "customer_retention")
        check_tiles(app, db)
        heat = cells(app.query_one("#lifecycle-heatmap", DataGrid))
        # SMB cohorts: 2024-12 {A3}, 2025-12 {A5}, 2026-02 {A8}, newest first; the rest are gone
        assert [row[0].strip() for row in heat] == ["2026-02", "2025-12", "2024-12"]
        ltv = cells(app.query_one("#lifecycle-ltv", DataGrid))
        assert [row[0] for row in ltv] == ["All segments", "SMB"]


async def test_enter_opens_the_rows_behind_a_cohort_a_tile_and_a_segment(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press(KEY)
        await settle(pilot, app)
        grid = app.query_one("#lifecycle-heatmap", DataGrid)
        grid.focus()
        labels = [row[0].strip() for row in cells(grid)]
        grid.move_cursor(row=labels.index("2024-12"))
        await pilot.press("enter")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        assert screen.drill.query == "drill_cohort"
        assert screen.drill.params == {"cohort": D(2024, 12, 1)}
        assert screen.frame is not None
        assert sorted(screen.frame["account_id"].to_list()) == ["A3", "A4"]  # n = 2 on the heatmap
        await pilot.press("escape")

        # a tile and a segment row open the rows behind them too
        app.query_one("#lifecycle-logo_churn", FigureTile).focus()
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.drill.query == "drill_movements"
        assert app.screen.drill.params == {"kind": "churn", "window": 12}
        await pilot.press("escape")
        grid = app.query_one("#lifecycle-ltv", DataGrid)
        grid.focus()
        grid.move_cursor(row=3)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, DrillScreen)
        assert app.screen.drill.params == {"status": "active", "segment": "SMB"}
        assert sorted(app.screen.frame["account_id"].to_list()) == ["A5", "A8"]  # the 2 SMB customers


def _database(path: Path, tables: tuple[str, ...] | None) -> Path:
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


async def test_schema_only_database_shows_the_empty_state(tmp_path: Path) -> None:
    database = open_database(_database(tmp_path / "empty.duckdb", None))
    try:
        app = NavigatorApp(database)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(KEY)
            await settle(pilot, app)
            panel = app.query_one(LifecyclePanel)
            assert "revenue_movements" in str(panel.query_one(".panel--message").render())
            assert panel.data is None
    finally:
        database.close()


async def test_accounts_and_revenue_alone_fill_the_panel(tmp_path: Path) -> None:
    # every other table missing: the panel still opens; one customer since Feb 2025
    database = open_database(_database(tmp_path / "two.duckdb", ("accounts", "revenue_movements")))
    try:
        app = NavigatorApp(database)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(KEY)
            await settle(pilot, app)
            panel = app.query_one(LifecyclePanel)
            assert panel.data is not None
            assert app.state.as_of == D(2025, 2, 1)
            heat = cells(app.query_one("#lifecycle-heatmap", DataGrid))
            assert [row[:3] for row in heat] == [["2025-02  ", "    1 ", " 100"]]
            # nobody was a customer twelve months earlier: NRR undefined, and said so
            assert tile_text(app, "nrr") == NA
            note = str(app.query_one("#lifecycle-nrr", FigureTile).query_one(".tile--note").render())
            assert "no customers 12 months before" in note
    finally:
        database.close()
