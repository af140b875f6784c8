"""Open a navigator database read-only and say plainly what is wrong when it can't be.

The dashboard, `report` and `query` only ever read: the file is opened with
`read_only=True`, so nothing here can modify it. Tables the file lacks (all but
`accounts` and `revenue_movements` are optional) are stood in for by empty
temporary tables of the right shape on each cursor, so every named query runs
and the panels can show what data would fill them.
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from navigator.data import queries
from navigator.data.errors import DataSourceError
from navigator.data.schema import ALL_TABLES, REQUIRED_TABLES, table_ddl

if TYPE_CHECKING:
    import polars as pl


@cache
def expected_columns() -> dict[str, tuple[str, ...]]:
    """Column names of each navigator table, read from the DDL."""
    conn = duckdb.connect()
    try:
        for ddl in table_ddl().values():
            conn.execute(ddl)
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns ORDER BY table_name, ordinal_position"
        ).fetchall()
    finally:
        conn.close()
    columns: dict[str, list[str]] = {}
    for table, column in rows:
        columns.setdefault(table, []).append(column)
    return {table: tuple(names) for table, names in columns.items()}


@dataclass
class Database:
    """A read-only navigator database, with one cursor per thread."""

    label: str
    conn: duckdb.DuckDBPyConnection
    row_counts: dict[str, int]
    missing_tables: tuple[str, ...]
    as_of: dt.date | None
    opened_at: dt.datetime
    # Called with the query name before each query runs; tests use it to make queries slow.
    query_hook: Callable[[str], None] | None = field(default=None, repr=False)
    _local: threading.local = field(default_factory=threading.local, repr=False)

    @property
    def present_tables(self) -> tuple[str, ...]:
        return tuple(self.row_counts)

    def has_data(self, table: str) -> bool:
        return self.row_counts.get(table, 0) > 0

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """This thread's cursor (a DuckDB connection is not safe to share between threads)."""
        cursor = getattr(self._local, "cursor", None)
        if cursor is None:
            cursor = self.conn.cursor()
            _add_stand_ins(cursor, self.missing_tables)
            self._local.cursor = cursor
        return cursor

    def run(self, name: str, **params: Any) -> pl.DataFrame:
        """Run a named query on this thread's cursor; `as_of` defaults to the data's as-of month."""
        if self.query_hook is not None:
            self.query_hook(name)
        return queries.run(self.cursor(), name, latest=self.as_of, **params)

    def session(self) -> Session:
        """A cursor of its own for one piece of work, which another thread may interrupt."""
        cursor = self.conn.cursor()
        _add_stand_ins(cursor, self.missing_tables)
        return Session(self, cursor)

    def close(self) -> None:
        self.conn.close()


@dataclass
class Session:
    """One unit of work (a panel load, a report) on its own cursor.

    `interrupt()` may be called from any thread: DuckDB then aborts the running query
    with `duckdb.InterruptException`, which is how stale dashboard requests are cancelled.
    """

    db: Database
    cursor: duckdb.DuckDBPyConnection
    interrupted: bool = False

    @property
    def label(self) -> str:
        return self.db.label

    @property
    def as_of(self) -> dt.date | None:
        return self.db.as_of

    @property
    def missing_tables(self) -> tuple[str, ...]:
        return self.db.missing_tables

    def has_data(self, table: str) -> bool:
        return self.db.has_data(table)

    def run(self, name: str, **params: Any) -> pl.DataFrame:
        if self.interrupted:
            raise duckdb.InterruptException("the request was cancelled")
        if self.db.query_hook is not None:
            self.db.query_hook(name)
        return queries.run(self.cursor, name, latest=self.db.as_of, **params)

    def interrupt(self) -> None:
        self.interrupted = True
        self.cursor.interrupt()

    def close(self) -> None:
        self.cursor.close()

    def __enter__(self) -> Session:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_database(path: str | Path) -> Database:
    """Open a navigator DuckDB file read-only, or raise DataSourceError with one plain line."""
    path = Path(path).expanduser()
    if not path.exists():
        raise DataSourceError(f"no such file: {path}")
    if path.is_dir():
        raise DataSourceError(f"{path} is a directory, not a DuckDB file")
    try:
        conn = duckdb.connect(str(path), read_only=True)
    except duckdb.Error as exc:
        raise DataSourceError(_explain_open_error(path, exc)) from None
    try:
        return _inspect(conn, str(path))
    except BaseException:
        conn.close()
        raise


def _explain_open_error(path: Path, exc: duckdb.Error) -> str:
    message = str(exc)
    if "not a valid DuckDB database file" in message:
        return f"{path} is not a DuckDB database file"
    if "Could not set lock" in message or "Conflicting lock" in message:
        pid = re.search(r"PID (\d+)", message)
        holder = f" (process {pid.group(1)})" if pid else ""
        return f"{path} is locked by another program writing to it{holder}; try again when it has finished"
    if "Permission denied" in message:
        return f"cannot read {path}: permission denied"
    if "version" in message.lower():
        return f"{path} was written by an incompatible DuckDB version: {_first_line(message)}"
    return f"cannot open {path}: {_first_line(message)}"


def _first_line(message: str) -> str:
    line = message.strip().splitlines()[0] if message.strip() else "unknown error"
    return re.sub(r"^[A-Za-z ]*Error: ", "", line)


def _inspect(conn: duckdb.DuckDBPyConnection, label: str) -> Database:
    """Check the file holds navigator's tables with their columns; count rows; find the as-of month."""
    try:
        rows = conn.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = 'main' AND table_catalog = current_database()"
        ).fetchall()
    except duckdb.Error as exc:
        raise DataSourceError(f"cannot read {label}: {_first_line(str(exc))}") from None
    found: dict[str, set[str]] = {}
    for table, column in rows:
        found.setdefault(table.lower(), set()).add(column.lower())

    missing_required = [name for name in REQUIRED_TABLES if name not in found]
    if missing_required:
        if not any(name in found for name in ALL_TABLES):
            raise DataSourceError(
                f"{label} is not a navigator database: it has none of navigator's tables "
                f"(missing {', '.join(REQUIRED_TABLES)}); see docs/schema.md"
            )
        raise DataSourceError(f"{label} lacks required tables: {', '.join(missing_required)} (see docs/schema.md)")
    expected = expected_columns()
    for table in ALL_TABLES:
        if table in found:
            lacking = [column for column in expected[table] if column not in found[table]]
            if lacking:
                raise DataSourceError(f"{label}: table {table} lacks columns: {', '.join(lacking)}")

    present = [name for name in ALL_TABLES if name in found]
    counts_sql = " UNION ALL ".join(
        f"SELECT '{name}' AS t, count(*) AS n FROM main.{name}" for name in present
    )  # table names come from our own fixed list, not from input
    row_counts = dict(conn.execute(counts_sql).fetchall())
    missing = tuple(name for name in ALL_TABLES if name not in found)
    _add_stand_ins(conn, missing)
    return Database(
        label=label,
        conn=conn,
        row_counts={name: int(row_counts[name]) for name in present},
        missing_tables=missing,
        as_of=_find_as_of(conn, "meta" in found),
        opened_at=dt.datetime.now().astimezone(),
    )


def _add_stand_ins(cursor: duckdb.DuckDBPyConnection, missing: tuple[str, ...]) -> None:
    ddl = table_ddl()
    for name in missing:
        cursor.execute(ddl[name].replace("CREATE TABLE", "CREATE TEMP TABLE", 1))


def _find_as_of(conn: duckdb.DuckDBPyConnection, has_meta: bool) -> dt.date | None:
    """The data's as-of month: `meta.as_of` if recorded, else the last complete month with revenue."""
    if has_meta:
        row = conn.execute("SELECT value FROM main.meta WHERE key = 'as_of'").fetchone()
        if row:
            try:
                return queries.parse_month_or_date(row[0]).replace(day=1)
            except ValueError:
                raise DataSourceError(f"meta.as_of is not a month: {row[0]!r}") from None
    row = conn.execute("SELECT max(month) FROM main.revenue_movements").fetchone()
    latest = row[0] if row else None
    if latest is None:
        return None
    # Without a recorded as-of, the current calendar month is not complete yet.
    this_month = dt.date.today().replace(day=1)
    if latest >= this_month:
        previous = this_month - dt.timedelta(days=1)
        return previous.replace(day=1)
    return latest.replace(day=1)
