"""The floor under a panel's queries: the very SQL its `load()` runs, replayed on raw DuckDB.

`record(panel_class, db, state)` runs the panel's `load()` on a session whose cursor notes every
statement it executes (the SQL text and the bound parameters), whatever data-layer code sends
them. `replay(conn, statements)` runs them again on a plain `duckdb.connect(path,
read_only=True)` and fetches each result as Arrow, the cheapest way to have all of it in
memory; that is what "raw DuckDB running the same SQL" means in benchmarks/run.py.
"""

from __future__ import annotations

import time
from typing import Any

Statement = tuple[str, Any]


class RecordingCursor:
    """A DuckDB cursor that notes what runs through it; everything else is the cursor's own."""

    def __init__(self, cursor: Any) -> None:
        self._cursor = cursor
        self.statements: list[Statement] = []

    def execute(self, query: str, parameters: Any = None) -> Any:
        self.statements.append((query, parameters))
        if parameters is None:
            return self._cursor.execute(query)
        return self._cursor.execute(query, parameters)

    def sql(self, query: str, *args: Any, **kwargs: Any) -> Any:
        params = kwargs.get("params", args[1] if len(args) > 1 else None)
        self.statements.append((query, params))
        return self._cursor.sql(query, *args, **kwargs)

    query = sql

    def cursor(self) -> RecordingCursor:
        """A second cursor (Session.run_all's other thread) whose statements go on the same list."""
        child = RecordingCursor(self._cursor.cursor())
        child.statements = self.statements
        return child

    def __getattr__(self, name: str) -> Any:
        return getattr(self._cursor, name)


def record(panel_class: type, db: Any, state: Any) -> tuple[Any, list[Statement], float]:
    """The panel's data for `state`, the statements its load() ran, and the seconds it took."""
    session = db.session()
    recorder = RecordingCursor(session.cursor)
    session.cursor = recorder
    try:
        started = time.perf_counter()
        data = panel_class.load(session, state)
        seconds = time.perf_counter() - started
    finally:
        session.close()
    return data, recorder.statements, seconds


def replay(conn: Any, statements: list[Statement]) -> float:
    """Seconds to run `statements` on `conn` and fetch every result as Arrow."""
    started = time.perf_counter()
    for query, params in statements:
        result = conn.execute(query, params) if params is not None else conn.execute(query)
        if result.description is not None:
            result.fetch_arrow_table()
    return time.perf_counter() - started


def timed_load(panel_class: type, db: Any, state: Any) -> float:
    """Seconds for the panel's load() on a fresh session, as the app's worker runs it."""
    session = db.session()
    try:
        started = time.perf_counter()
        panel_class.load(session, state)
        return time.perf_counter() - started
    finally:
        session.close()
