"""The Value dynamics panel: its drill query on the hand-built data, then the panel as a user drives it.

Hand-built data (tests/handbuilt.py), A = February 2026, window Dec 2025 .. Feb 2026. The
new-business deals closed in the window, with their value case (value, why me, why now,
alternative) and what a lost customer chose instead:

    O5  won  2025-12-11  R1 (T1)  T T T F -> 3
    O6  won  2025-12-20  R2 (T1)  T T T T -> 4
    O7  lost 2026-01-15  R3 (T2)  F F F F -> 0   lost to Contoso
    O8  won  2026-02-09  R3 (T2)  T T T T -> 4
    O10 lost 2025-12-05  R1 (T1)  T T F F -> 2   lost to status quo
    O11 lost 2026-02-03  R2 (T1)  T F F F -> 1   nothing recorded
    O15 won  2026-02-20  R3 (T2)  T F F F -> 1

(O16 closed in October 2025, before the window; O12 and O14 are open.) The engagement
cohort, new deals won 2024-03 .. 2025-02, is O1, O2 (T1) and O3, O4 (T2): 4 customers,
too few for an index anywhere. The figures of the existing metric queries are tested in
tests/test_metrics.py; here the panel must show exactly what they return.
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
from rich.text import Text

from navigator.data import queries
from navigator.data.report import Filters, ViewState
from navigator.data.schema import create_schema
from navigator.data.source import open_database
from navigator.format import format_value
from navigator.panels import PANEL_CLASSES
from navigator.panels.value import ALTERNATIVE_KINDS, VERDICTS, ValuePanel, headline, share_bar
from navigator.panels.widgets import DataGrid
from navigator.ui.app import NavigatorApp
from navigator.ui.drill import DrillScreen

D = dt.date
FEB = AS_OF
EMPTY = D(2023, 6, 1)
SIZE = (120, 40)
KEY = str([panel.panel_id for panel in PANEL_CLASSES].index("value") + 1)


@pytest.fixture(scope="module")
def conn() -> duckdb.DuckDBPyConnection:
    connection = duckdb.connect()
    build_handbuilt(connection)
    yield connection
    connection.close()


def ids(conn: duckdb.DuckDBPyConnection, as_of: dt.date = FEB, **params: Any) -> list[str]:
    frame = queries.run(conn, "drill_value_case", as_of=as_of, **params)
    assert tuple(frame.columns) == queries.get("drill_value_case").returns
    return sorted(frame["opportunity_id"].to_list())


# ---------------------------------------------------------------------------------------------
# drill_value_case
# ---------------------------------------------------------------------------------------------


def test_value_case_drill_lists_the_closed_new_deals(conn) -> None:
    assert ids(conn) == ["O10", "O11", "O15", "O5", "O6", "O7", "O8"]
    frame = queries.run(conn, "drill_value_case", as_of=FEB)
    row = {r["opportunity_id"]: r for r in frame.to_dicts()}
    assert (row["O5"]["answered"], row["O5"]["answers_alternative"], row["O5"]["lost_to"]) == (3, False, None)
    assert (row["O11"]["status"], row["O11"]["lost_to"]) == ("lost", "unknown")  # lost, nothing recorded
    assert row["O7"]["team"] == "Sales South"


def test_value_case_drill_by_question_and_count(conn) -> None:
    # why now? answered by O5, O6, O8 (3 of the 7: value_questions says 3/7 too)
    assert ids(conn, question="why_now") == ["O5", "O6", "O8"]
    assert ids(conn, question="alternative") == ["O6", "O8"]
    assert ids(conn, question="value") == ["O10", "O11", "O15", "O5", "O6", "O8"]
    assert ids(conn, answered=4) == ["O6", "O8"]
    assert ids(conn, answered=1) == ["O11", "O15"]
    assert ids(conn, answered=0) == ["O7"]


def test_value_case_drill_by_what_lost_customers_chose(conn) -> None:
    assert ids(conn, status="lost") == ["O10", "O11", "O7"]
    assert ids(conn, status="lost", lost_to="unknown") == ["O11"]
    assert ids(conn, lost_to="Contoso") == ["O7"]
    assert ids(conn, lost_to="status quo") == ["O10"]


def test_value_case_drill_filters_and_empty_period(conn) -> None:
    # the team filter follows the deal's rep: T2 = R3's O7, O8, O15
    assert ids(conn, team_id="T2") == ["O15", "O7", "O8"]
    # market M3 (Adjacent benefits): O5 (A5), O7, O11, O10 (A7), O15 (A9)
    assert ids(conn, market_id="M3") == ["O10", "O11", "O15", "O5", "O7"]
    assert ids(conn, as_of=EMPTY) == []


def test_share_bar_and_headline_words() -> None:
    assert str(share_bar(None)) == "n/a"
    assert len(str(share_bar(0.5, width=10))) == 10
    assert str(share_bar(1.0, width=4)) == "████"


# ---------------------------------------------------------------------------------------------
# the panel, driven as a user drives it
# ---------------------------------------------------------------------------------------------


def expected_questions(db, state: ViewState) -> list[list[str]]:
    frame = db.run("value_questions", **state.params())
    return [
        [
            row["label"],
            str(share_bar(row["share"])),
            format_value(row["share"], "ratio"),
            f"{row['answered']}/{row['closed']}",
        ]
        for row in frame.iter_rows(named=True)
    ]


def expected_coverage(db, state: ViewState) -> tuple[list[list[str]], list[list[str]]]:
    frame = db.run("four_questions", **state.params())
    win, keep = [], []
    for row in frame.iter_rows(named=True):
        label = f"{row['answered']} of 4"
        win.append(
            [
                label,
                format_value(row["closed"], "count"),
                format_value(row["won"], "count"),
                str(share_bar(row["win_rate"], width=12)),
                format_value(row["win_rate"], "ratio"),
            ]
        )
        keep.append(
            [
                label,
                format_value(row["cohort_won"], "count"),
                format_value(row["cohort_retained"], "count"),
                str(share_bar(row["retention_12m"], width=12)),
                format_value(row["retention_12m"], "ratio"),
            ]
        )
    return win, keep


async def open_drill(pilot, app: NavigatorApp, grid_id: str, row: int) -> DrillScreen:
    grid = app.query_one(f"#{grid_id}", DataGrid)
    grid.focus()
    grid.move_cursor(row=row)
    await pilot.press("enter")
    await settle(pilot, app)
    assert isinstance(app.screen, DrillScreen)
    return app.screen


async def test_panel_shows_what_the_queries_return(handbuilt_path: Path) -> None:
    db = open_database(handbuilt_path)
    app = NavigatorApp(db)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(KEY)
            await settle(pilot, app)
            assert isinstance(app.active_panel(), ValuePanel)
            state = app.state
            assert grid_rows(app, "value-questions") == expected_questions(db, state)
            # 3 of the 7 closed deals answered "why now?"
            assert grid_rows(app, "value-questions")[2][2:] == ["42.9%", "3/7"]
            win, keep = expected_coverage(db, state)
            assert grid_rows(app, "value-winrate") == win
            assert grid_rows(app, "value-retention") == keep
            # lost to: Contoso, status quo and one not recorded (1 deal each, a third each)
            lost = grid_rows(app, "value-lost")
            assert [row[:3] for row in lost] == [
                ["Contoso", ALTERNATIVE_KINDS["competitor"], "1"],
                ["status quo", ALTERNATIVE_KINDS["status_quo"], "1"],
                ["unknown", ALTERNATIVE_KINDS["unknown"], "1"],
            ]
            assert [row[4] for row in lost] == ["33.3%"] * 3
            # engagement: 4 customers in the cohort, so every row shows the note instead of an index
            engagement = db.run("engagement_index", as_of=state.as_of)
            shown = grid_rows(app, "value-engagement")
            assert len(shown) == engagement.height
            assert shown[0][1] == "Company" and shown[0][2] == "4"
            assert shown[0][3] == format_value(engagement["bookings"][0], "money")
            index_column = 9
            assert [row[index_column] for row in shown] == engagement["note"].to_list()
            assert shown[0][index_column] == "too few customers (4 < 5)"
            # 4 answered: O6, O8 both won -> 100%; none answered: O7 lost -> 0%. Retention cohort: O1 and
            # O3 (all four) still customers 12 months on -> 100%; O4 (none) churned in April 2025 -> 0%
            assert str(app.query_one("#value-headline").render()) == (
                "Deals answering all four questions win 100.0%, none answered 0.0%.  12-month retention"
                " 100.0% vs 0.0%.  Lost deals chose most often: Contoso (33.3%)."
            )

            # a filter change repaints with the filtered figures
            app.set_state(replace(app.state, filters=Filters(team_id="T2")))
            await settle(pilot, app)
            assert grid_rows(app, "value-questions") == expected_questions(db, app.state)
            assert grid_rows(app, "value-questions")[0][3] == "2/3"  # O7, O8, O15: O7 answered nothing
            assert [row[0] for row in grid_rows(app, "value-lost")] == ["Contoso"]
    finally:
        db.close()


async def test_enter_opens_the_deals_behind(handbuilt_path: Path) -> None:
    db = open_database(handbuilt_path)
    app = NavigatorApp(db)
    try:
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(KEY)
            await settle(pilot, app)
            # a question: the closed deals whose value case answered it
            screen = await open_drill(pilot, app, "value-questions", 2)
            assert (screen.drill.query, screen.drill.params) == ("drill_value_case", {"question": "why_now"})
            assert sorted(screen.frame["opportunity_id"].to_list()) == ["O5", "O6", "O8"]
            await pilot.press("escape")
            # a number of questions answered: the deals closed in the window with that many
            screen = await open_drill(pilot, app, "value-winrate", 4)
            assert (screen.drill.query, screen.drill.params) == ("drill_value_case", {"answered": 4})
            assert sorted(screen.frame["opportunity_id"].to_list()) == ["O6", "O8"]
            await pilot.press("escape")
            # retention: the won cohort 12-24 months back answering that many (O1 and O3 answered all four)
            screen = await open_drill(pilot, app, "value-retention", 4)
            assert screen.drill.query == "drill_deals"
            assert screen.drill.params == {
                "kind": "new",
                "status": "won",
                "answered": 4,
                "window": 12,
                "as_of": D(2025, 2, 1),
            }
            assert sorted(screen.frame["opportunity_id"].to_list()) == ["O1", "O3"]
            await pilot.press("escape")
            # lost to a named alternative, and lost with nothing recorded
            screen = await open_drill(pilot, app, "value-lost", 0)
            assert screen.drill.query == "drill_deals" and screen.drill.params["lost_to"] == "Contoso"
            assert screen.frame["opportunity_id"].to_list() == ["O7"]
            await pilot.press("escape")
            screen = await open_drill(pilot, app, "value-lost", 2)
            assert (screen.drill.query, screen.drill.params) == (
                "drill_value_case",
                {"status": "lost", "lost_to": "unknown"},
            )
            assert screen.frame["opportunity_id"].to_list() == ["O11"]
            await pilot.press("escape")
            # an engagement row: the rep's new deals won 12-24 months back
            engagement = db.run("engagement_index", as_of=app.state.as_of).to_dicts()
            row = next(i for i, r in enumerate(engagement) if r["rep_id"] == "R3")
            screen = await open_drill(pilot, app, "value-engagement", row)
            assert screen.drill.query == "drill_deals"
            assert screen.drill.params["rep_id"] == "R3" and screen.drill.params["as_of"] == D(2025, 2, 1)
            assert sorted(screen.frame["opportunity_id"].to_list()) == ["O3", "O4"]
            await pilot.press("escape")
            team = next(i for i, r in enumerate(engagement) if r["level"] == "team" and r["team_id"] == "T1")
            screen = await open_drill(pilot, app, "value-engagement", team)
            assert screen.drill.params["team_id"] == "T1"
            assert sorted(screen.frame["opportunity_id"].to_list()) == ["O1", "O2"]
    finally:
        db.close()


async def test_sample_ranks_teams_with_interval_and_verdict(sample_db: Path) -> None:
    db = open_database(sample_db)
    app = NavigatorApp(db)
    try:
        async with app.run_test(size=(160, 50)) as pilot:
            await pilot.press(KEY)
            await settle(pilot, app)
            state = app.state
            engagement = db.run("engagement_index", as_of=state.as_of).to_dicts()
            shown = grid_rows(app, "value-engagement")
            assert len(shown) == len(engagement)
            for cells, row in zip(shown, engagement, strict=True):
                assert cells[2] == format_value(row["customers"], "count")
                assert cells[3] == format_value(row["bookings"], "money")
                assert cells[4] == format_value(row["retained_share"], "ratio")
                assert cells[5] == format_value(row["complained_share"], "ratio")
                if row["engagement_index"] is None:
                    assert cells[9] == row["note"]
                else:
                    assert cells[9] == format_value(row["engagement_index"], "index")
                    low, high = format_value(row["ci_low"], "index"), format_value(row["ci_high"], "index")
                    assert cells[10] == f"{low}..{high}"
                    assert cells[11] == VERDICTS[row["verdict"]]
            teams = [r for r in engagement if r["level"] == "team"]
            team_ranks = [cells[0] for cells, r in zip(shown, engagement, strict=True) if r["level"] == "team"]
            assert team_ranks == [f"#{r['rank']}" for r in teams] == ["#1", "#2", "#3", "#4"]
            assert any(r["verdict"] == "extraction" for r in teams)  # the sample's story: Northstar extracts
            assert grid_rows(app, "value-questions") == expected_questions(db, state)

            # at 80 columns the secondary columns go
            await pilot.resize_terminal(80, 24)
            await pilot.pause()
            narrow = grid_rows(app, "value-engagement")
            assert len(narrow[0]) == 7  # rank, name, n, bookings, retained, index, verdict
            assert len(grid_rows(app, "value-lost")[0]) == 4
            expected = Text.from_markup(headline(app.query_one(ValuePanel)._data)).plain
            assert str(app.query_one("#value-headline").render()) == expected
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
    insert(conn, "accounts", [("A1", "Acme", "M1", "SMB", "EMEA", "inbound", None, "R1", D(2025, 1, 1))])
    insert(conn, "revenue_movements", [("A1", D(2025, 2, 1), "new", 10.0, "sales", None, None)])
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
            message = str(app.query_one(ValuePanel).query_one(".panel--message").render())
            assert "No data for this panel yet" in message and "opportunities" in message
    finally:
        db.close()
