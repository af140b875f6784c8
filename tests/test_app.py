"""The dashboard driven as a user drives it (Pilot), on a hand-built database.

What is on screen must equal what the data layer returns for the same state.
"""

from __future__ import annotations

import threading
from dataclasses import replace
from pathlib import Path

import polars as pl
import pytest
from handbuilt import AS_OF
from pilot import settle
from textual.widgets import Select, TabbedContent

from navigator.data.report import Filters, ViewState, add_months, build_report
from navigator.data.source import open_database
from navigator.format import format_change, format_value
from navigator.panels.overview import OverviewPanel
from navigator.panels.widgets import DataGrid, FigureTile
from navigator.ui.app import NavigatorApp
from navigator.ui.drill import DrillScreen
from navigator.ui.screens import FilterScreen, HelpScreen

SIZE = (120, 40)


def tile_text(app: NavigatorApp, tile_id: str) -> str:
    tile = app.query_one(f"#tile-{tile_id}", FigureTile)
    return str(tile.query_one(".tile--figure").render())


def expected_figure(db, state: ViewState, key: str) -> str:
    report = build_report(
        db, as_of=state.as_of, window=state.window, filters=state.filters, compare_months=state.compare_months
    )
    metric = report.get(key)
    text = format_value(metric.value, metric.spec.unit)
    if metric.value is not None and metric.previous is not None:
        text += "  " + format_change(metric.value, metric.previous, metric.spec.unit, metric.spec.higher_is_better)
    return text


async def test_overview_figures_equal_the_data_layer(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        state = app.state
        assert state.as_of == AS_OF
        for tile_id, key in (
            ("mrr", "mrr"),
            ("nrr", "nrr"),
            ("grr", "grr"),
            ("win_rate", "win_rate"),
            ("handoff", "handoff_latency_median_days"),
        ):
            assert tile_text(app, tile_id) == expected_figure(db, state, key), tile_id


@pytest.mark.parametrize(
    "filters",
    [Filters(segment="SMB"), Filters(team_id="T1"), Filters(market_id="M2"), Filters(region="EMEA")],
)
async def test_every_filter_repaints_with_the_filtered_figures(db, filters: Filters) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        before = tile_text(app, "mrr")
        app.set_state(replace(app.state, filters=filters))
        await settle(pilot, app)
        for tile_id, key in (("mrr", "mrr"), ("nrr", "nrr"), ("win_rate", "win_rate")):
            assert tile_text(app, tile_id) == expected_figure(db, app.state, key), (filters, tile_id)
        assert tile_text(app, "mrr") != before
        topbar = str(app.query_one("#topbar").render())
        assert "filters:" in topbar and "none" not in topbar


async def test_filter_dialog_applies_period_window_comparison_and_filters(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("f")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, FilterScreen)
        dialog.query_one("#as_of", Select).value = "2026-01"
        dialog.query_one("#window", Select).value = 6
        dialog.query_one("#compare", Select).value = "year"
        dialog.query_one("#segment", Select).value = "Enterprise"
        dialog.query_one("#team_id", Select).value = "T2"
        await pilot.press("ctrl+s")
        await settle(pilot, app)
        assert app.state == ViewState(
            as_of=add_months(AS_OF, -1), window=6, compare="year", filters=Filters(segment="Enterprise", team_id="T2")
        )
        assert app.state.previous_as_of == add_months(AS_OF, -13)
        assert tile_text(app, "mrr") == expected_figure(db, app.state, "mrr")
        topbar = str(app.query_one("#topbar").render())
        assert "2025-08..2026-01" in topbar and "a year earlier" in topbar
        assert "segment Enterprise" in topbar and "team Sales South" in topbar
        # Esc cancels without changing anything
        await pilot.press("f")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert app.state.window == 6


async def test_period_keys(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("right_square_bracket")  # already the latest complete month
        assert app.state.as_of == AS_OF
        await pilot.press("left_square_bracket")
        assert app.state.as_of == add_months(AS_OF, -1)
        await pilot.press("w")
        assert app.state.window == 6
        await pilot.press("w", "w")
        assert app.state.window == 1
        await pilot.press("c")
        assert app.state.compare == "year"
        app.set_state(replace(app.state, filters=Filters(segment="SMB")))
        await pilot.press("x")
        assert app.state.filters == Filters()
        await settle(pilot, app)
        assert tile_text(app, "mrr") == expected_figure(db, app.state, "mrr")


async def test_help_lists_every_binding_and_metric_definition(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = app.screen.markdown
        for binding in app.BINDINGS:
            assert binding.description in text  # type: ignore[union-attr]
        assert "`?`" in text and "`[`" in text
        assert "NRR" in text and "MRR now of the accounts active 12 months ago / their MRR then" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, HelpScreen)


async def test_panel_keys_maximize_theme_refresh_and_quit(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        tabs = app.query_one(TabbedContent)
        from navigator.panels import PANEL_CLASSES

        for number, panel in enumerate(PANEL_CLASSES, start=1):
            await pilot.press(str(number))
            await settle(pilot, app)
            assert tabs.active == f"tab-{panel.panel_id}"
        await pilot.press("1")
        await pilot.press("tab")
        await pilot.press("m")
        assert app.screen.maximized is not None
        await pilot.press("m")
        assert app.screen.maximized is None
        assert app.theme == "navigator-dark"
        await pilot.press("t")
        assert app.theme == "navigator-light"
        await pilot.press("r")
        await settle(pilot, app)
        assert tile_text(app, "mrr") == expected_figure(db, app.state, "mrr")
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "CommandPalette"
        await pilot.press("escape")
        await pilot.pause()
        await pilot.press("q")
        await pilot.pause()
    assert app.return_code == 0


async def test_command_palette_offers_every_action(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        titles = [command.title for command in app.get_system_commands(app.screen)]
    for expected in (
        "Filters",
        "Clear filters",
        "Previous month",
        "Next month",
        "Window: 6 months",
        "Compare with the same period a year earlier",
        "Refresh",
        "Help",
        "Toggle theme",
        "Copy",
        "Panel 1: Overview",
        "Quit",
    ):
        assert expected in titles, expected


async def test_slow_query_does_not_freeze_input_and_its_result_is_dropped(db) -> None:
    """The first overview load is held up; the user changes the window meanwhile."""
    release = threading.Event()
    slowed = threading.Event()
    calls: list[str] = []

    def hook(name: str) -> None:
        calls.append(name)
        if not slowed.is_set():
            slowed.set()
            release.wait(10)

    db.query_hook = hook
    app = NavigatorApp(db)
    shown: list[ViewState] = []
    original_show = OverviewPanel.show

    def recording_show(self, data) -> None:
        shown.append(data.state)
        original_show(self, data)

    OverviewPanel.show = recording_show  # type: ignore[method-assign]
    try:
        async with app.run_test(size=SIZE) as pilot:
            assert slowed.wait(5)
            # keys answer while the first load is still stuck in its query
            await pilot.press("w")
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            await pilot.press("escape")
            await pilot.pause()
            assert app.state.window == 6
            assert not release.is_set()
            release.set()
            await settle(pilot, app)
            assert shown == [app.state]  # the stale (window 3) result never reached the screen
            assert tile_text(app, "mrr") == expected_figure(db, app.state, "mrr")
    finally:
        OverviewPanel.show = original_show  # type: ignore[method-assign]
        db.query_hook = None
        release.set()


async def test_drill_down_sort_search_export_and_back(db, tmp_path: Path) -> None:
    app = NavigatorApp(db, export_dir=tmp_path)
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot, app)
        app.query_one("#tile-mrr", FigureTile).focus()
        await pilot.press("enter")
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, DrillScreen)
        expected = db.run("drill_accounts", as_of=AS_OF, status="active")
        assert screen.frame is not None and screen.frame.equals(expected)
        table = screen.query_one(DataGrid)
        assert table.row_count == expected.height
        # the Hebrew name is drawn in visual order; the data keeps its logical order
        names = [str(table.get_row_at(i)[1]) for i in range(table.row_count)]
        assert any("מ" in name for name in names)
        # sort by mrr (column 10) descending, then ascending
        screen.sort_by("mrr")
        screen.sort_by("mrr")
        assert screen.view is not None
        assert screen.view["mrr"].to_list() == sorted(expected["mrr"].to_list(), reverse=True)
        await pilot.press("slash")
        await pilot.press(*"acme")
        await pilot.press("enter")
        await pilot.pause()
        assert screen.view is not None and screen.view["name"].to_list() == ["Acme Corp"]
        await pilot.press("e")
        await pilot.pause()
        exported = list(tmp_path.glob("drill_accounts-*.csv"))
        assert len(exported) == 1
        assert pl.read_csv(exported[0])["name"].to_list() == ["Acme Corp"]
        await pilot.press("E")
        await pilot.pause()
        parquet = list(tmp_path.glob("drill_accounts-*.parquet"))
        assert len(parquet) == 1 and pl.read_parquet(parquet[0]).height == 1
        assert not list(tmp_path.glob(".*partial"))
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, DrillScreen)


async def test_too_small_terminal_says_so(db) -> None:
    app = NavigatorApp(db)
    async with app.run_test(size=(50, 15)) as pilot:
        await settle(pilot, app)
        assert app.screen.has_class("-too-small")
        assert "needs at least 60x18" in str(app.query_one("#too-small").render())
        await pilot.resize_terminal(60, 20)
        await pilot.pause()
        assert not app.screen.has_class("-too-small")


async def test_empty_database_opens_with_empty_states(tmp_path: Path) -> None:
    import duckdb

    from navigator.data.schema import create_schema

    path = tmp_path / "empty.duckdb"
    conn = duckdb.connect(str(path))
    create_schema(conn)
    conn.close()
    database = open_database(path)
    try:
        app = NavigatorApp(database)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            message = str(app.query_one("#panel-overview .panel--message").render())
            assert "No data for this panel yet" in message and "revenue_movements" in message
            from navigator.panels import PANEL_CLASSES

            for number in range(2, len(PANEL_CLASSES) + 1):
                await pilot.press(str(number))
                await settle(pilot, app)
                panel = app.active_panel()
                text = str(panel.query_one(".panel--message").render())
                assert "No data" in text or panel.query_one(".panel--message").display is False
    finally:
        database.close()


async def test_minimal_database_accounts_and_revenue_only(tmp_path: Path) -> None:
    """Only the two required tables: the overview works, the rest say what would fill them."""
    import duckdb

    from navigator.data.schema import create_schema

    path = tmp_path / "minimal.duckdb"
    conn = duckdb.connect(str(path))
    create_schema(conn, ("accounts", "revenue_movements"))
    conn.execute("INSERT INTO accounts VALUES ('A1', 'Acme', 'M1', 'SMB', 'EMEA', 'inbound', NULL, 'R1', '2025-01-01')")
    conn.execute("INSERT INTO revenue_movements VALUES ('A1', '2025-01-01', 'new', 100, 'sales', NULL, NULL)")
    conn.close()
    database = open_database(path)
    try:
        assert "opportunities" in database.missing_tables
        app = NavigatorApp(database)
        async with app.run_test(size=SIZE) as pilot:
            await settle(pilot, app)
            assert tile_text(app, "mrr").startswith("100")
            from navigator.panels import PANEL_CLASSES

            for number in range(2, len(PANEL_CLASSES) + 1):
                await pilot.press(str(number))
                await settle(pilot, app)
                assert not app.active_panel().query_one(".panel--message").has_class("-error")
    finally:
        database.close()


# --- start-up: paint first, open after, build panels when first shown --------------------------


def test_panel_metadata_matches_the_panel_classes() -> None:
    from navigator.panels import PANEL_CLASSES, PANELS

    assert [(p.panel_id, p.title) for p in PANELS] == [(c.panel_id, c.title) for c in PANEL_CLASSES]


async def test_app_given_an_opener_paints_before_opening_and_builds_panels_when_shown(handbuilt_path: Path) -> None:
    from navigator.ui.app import Opener

    opened = threading.Event()
    release = threading.Event()

    def open_later():
        release.wait(10)
        opened.set()
        return open_database(handbuilt_path)

    app = NavigatorApp(Opener("handbuilt.duckdb", open_later), state=lambda db: ViewState(as_of=db.as_of, window=6))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.pause()
        # the chrome is on screen while the data is still being opened
        assert app.db is None and not opened.is_set()
        assert "opening" in str(app.query_one("#status").render())
        assert app.query_one("#panels TabPane .panel--placeholder") is not None
        release.set()
        for _ in range(20):
            await settle(pilot, app)
            if app.db is not None and app.query("#tile-mrr"):
                break
        assert app.state == ViewState(as_of=AS_OF, window=6)  # the state built from the opened data
        assert tile_text(app, "mrr") == expected_figure(app.db, app.state, "mrr")
        # only the shown panel was built; the next one is built when its tab is shown
        assert not app.query("#tab-overview .panel--placeholder")
        assert app.query("#tab-horizon .panel--placeholder") and not app.query("#panel-horizon")
        await pilot.press("2")
        await settle(pilot, app)
        assert app.query("#panel-horizon") and app.active_panel().panel_id == "horizon"
        app.db.close()


async def test_app_whose_data_cannot_be_opened_exits_with_code_2() -> None:
    from navigator.data.errors import DataSourceError
    from navigator.ui.app import Opener

    def fail():
        raise DataSourceError("nope.duckdb is not a DuckDB database file")

    app = NavigatorApp(Opener("nope.duckdb", fail))
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(10):
            await pilot.pause(0.05)
    assert app.return_code == 2
    assert app.open_error == "nope.duckdb is not a DuckDB database file"


def test_ui_imports_neither_duckdb_nor_polars_nor_panels() -> None:
    """The first frame needs none of them: they load after it (the data) or when a tab is shown."""
    import subprocess
    import sys

    code = (
        "import sys\n"
        "import navigator.ui.app\n"
        "heavy = {'duckdb', 'polars', 'pyarrow'} & {m.split('.')[0] for m in sys.modules}\n"
        "panels = sorted(m for m in sys.modules if m.startswith('navigator.panels.'))\n"
        "print(sorted(heavy), panels)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[] ['navigator.panels.base']"
