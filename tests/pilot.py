"""Helpers for driving the app in tests (Pilot): wait for its workers, read its tables."""

from __future__ import annotations

from contextlib import suppress
from typing import Any

from navigator.panels.widgets import DataGrid


async def settle(pilot: Any, app: Any = None) -> None:
    """Wait until every worker is done and the messages they posted are handled."""
    from textual.worker import WorkerCancelled

    app = app or pilot.app
    for _ in range(3):
        with suppress(WorkerCancelled):  # a stale request that was cancelled: expected
            await app.workers.wait_for_complete()
        await pilot.pause()


def cells(grid: DataGrid) -> list[list[str]]:
    """Every row of a table as the text of its cells."""
    return [[str(cell) for cell in grid.get_row_at(index)] for index in range(grid.row_count)]


def grid_rows(app: Any, grid_id: str) -> list[list[str]]:
    """The rows of the table `#grid_id` as the text of their cells."""
    return cells(app.query_one(f"#{grid_id}", DataGrid))
