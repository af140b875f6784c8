"""SVG snapshots of every panel at 80x24 and 160x50, dark and light (pytest-textual-snapshot).

The data is the hand-built database; the status line's file name and read time are
fixed so the pictures only change when the dashboard does. After an intended change
of the look, refresh them with `pytest tests/test_snapshots.py --snapshot-update`
and look at the report it writes before committing.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pilot import settle

from navigator.data.source import open_database
from navigator.panels import PANEL_CLASSES
from navigator.ui.app import NavigatorApp


def make_app(path: Path, theme: str) -> NavigatorApp:
    db = open_database(path)
    db.label = "handbuilt.duckdb"
    db.opened_at = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    return NavigatorApp(db, theme=theme, export_dir=Path("exports"))


@pytest.mark.parametrize("theme", ["navigator-dark", "navigator-light"])
@pytest.mark.parametrize("size", [(80, 24), (160, 50)], ids=["80x24", "160x50"])
@pytest.mark.parametrize("number", range(1, len(PANEL_CLASSES) + 1), ids=[p.panel_id for p in PANEL_CLASSES])
def test_panel_snapshot(snap_compare, handbuilt_path: Path, number: int, size: tuple[int, int], theme: str) -> None:
    app = make_app(handbuilt_path, theme)

    async def show_panel(pilot) -> None:
        await settle(pilot)
        await pilot.press(str(number))
        await settle(pilot)
        app.screen.set_focus(None)  # no focus ring: the picture shows the panel, not the cursor
        await pilot.pause()

    try:
        assert snap_compare(app, terminal_size=size, run_before=show_panel)
    finally:
        app.db.close()
