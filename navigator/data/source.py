"""Open a navigator data source read-only and say plainly what is wrong when it can't be.

The dashboard, `report` and `query` only ever read. A source is named by a URI
(`parse_source`):

- a DuckDB file (`duckdb:/path/file.duckdb` or a plain path), attached `READ_ONLY`;
- a folder of Parquet files, one a table (`parquet:/dir` or a plain directory path);
- PostgreSQL (`postgres://user@host:port/db`, `postgresql://...`, or `postgres:dbname=... host=...`),
  attached through DuckDB's postgres extension with `READ_ONLY`;
- DuckLake (`ducklake:postgres:dbname=... host=...`, or `ducklake:/path/catalog.ducklake`), attached
  with `READ_ONLY`;
- MotherDuck (`md:...`), which needs an extension DuckDB downloads from the network.

Every source is reached from an in-memory DuckDB database of its own, in which each navigator
table is a view onto the source's table (`SELECT ... FROM src.public.accounts`, with a cast only
where the source's column type differs). Views live in the database, not in one
connection, so every cursor (one a thread, one a session) sees them; the postgres and ducklake
scanners push the queries' filters down through them. The named queries keep their unqualified
table names on every source.

Tables the source lacks (all but `accounts` and `revenue_movements` are optional) are stood
in for by empty temporary tables of the right shape on each cursor, so every named query runs
and the panels can show what data would fill them.

The named queries read summary tables (`rollup_*`, navigator.data.rollups) by their plain names
too: views onto a DuckDB file's own when it stores them and they are fresh, otherwise tables
built in the in-memory database when the source is opened (a DuckDB file then says once on
stderr how to store them: `navigator refresh`).
"""

from __future__ import annotations

import datetime as dt
import re
import threading
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from navigator.data import as_of as as_of_rules
from navigator.data import extensions, queries, rollups
from navigator.data.errors import DataSourceError
from navigator.data.extensions import NO_DOWNLOADS, sql_string
from navigator.data.schema import ALL_TABLES, REQUIRED_TABLES, create_stand_ins, table_ddl

if TYPE_CHECKING:
    import polars as pl

# Cursors a `Session.run_all` spreads its queries over: the machines navigator is made for have
# two cores or more, and DuckDB plans each query on one.
PARALLEL_QUERIES = 2


@cache
def expected_columns() -> dict[str, tuple[str, ...]]:
    """Column names of each navigator table, read from the DDL."""
    return {table: tuple(types) for table, types in expected_types().items()}


@cache
def expected_types() -> dict[str, dict[str, str]]:
    """Column name -> DuckDB type name (VARCHAR, DATE, DOUBLE, ...) of each navigator table, from the DDL."""
    conn = duckdb.connect()
    try:
        for ddl in table_ddl().values():
            conn.execute(ddl)
        rows = conn.execute(
            "SELECT table_name, column_name, data_type FROM information_schema.columns "
            "ORDER BY table_name, ordinal_position"
        ).fetchall()
    finally:
        conn.close()
    types: dict[str, dict[str, str]] = {}
    for table, column, data_type in rows:
        types.setdefault(table, {})[column] = data_type
    return types


SOURCE_KINDS = ("duckdb", "parquet", "postgres", "ducklake", "motherduck")
# How long to wait for a PostgreSQL server before saying it cannot be reached (libpq's default is forever).
CONNECT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class SourceSpec:
    """Where the data lives: a kind and its target (a path, or the string handed to ATTACH)."""

    kind: str  # one of SOURCE_KINDS
    target: str
    label: str  # shown on screens and in messages; never contains a password
    schema: str | None = None  # postgres: the schema that holds the tables (default: public)
    secrets: tuple[str, ...] = field(default=(), repr=False)  # strings scrubbed from error messages


@dataclass
class Database:
    """A read-only navigator database, with one cursor per thread."""

    label: str
    conn: duckdb.DuckDBPyConnection
    row_counts: dict[str, int]
    missing_tables: tuple[str, ...]
    as_of: dt.date | None
    opened_at: dt.datetime
    rows_set_aside: int = 0  # rows the import that made the file did not count (meta.rows_set_aside)
    # Called with the query name before each query runs; tests use it to make queries slow.
    query_hook: Callable[[str], None] | None = field(default=None, repr=False)
    # Where it was opened from, so that `reopen()` can read the source again.
    spec: SourceSpec | None = field(default=None, repr=False)
    # Where the summary tables come from: 'stored' in the source, 'built' in memory when opened,
    # or 'views' (temporary views on each cursor: a MotherDuck database without them).
    rollups: str = "built"
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
            create_stand_ins(cursor, self.missing_tables)
            if self.rollups == "views":
                rollups.ensure(cursor)
            self._local.cursor = cursor
        return cursor

    def run(self, name: str, **params: Any) -> pl.DataFrame:
        """Run a named query on this thread's cursor; `as_of` defaults to the data's as-of month."""
        if self.query_hook is not None:
            self.query_hook(name)
        return queries.run(self.cursor(), name, latest=self.as_of, prepared=True, **params)

    def run_all(self, requests: Sequence[tuple[str, Mapping[str, Any]]]) -> list[pl.DataFrame]:
        """Run several named queries on this thread's cursor; the results in order (see `Session.run_all`)."""
        unique, order = _unique_requests(requests)
        results = [self.run(name, **params) for name, params in unique]
        return [results[index] for index in order]

    def session(self) -> Session:
        """A cursor of its own for one piece of work, which another thread may interrupt."""
        cursor = self.conn.cursor()
        create_stand_ins(cursor, self.missing_tables)
        if self.rollups == "views":
            rollups.ensure(cursor)
        return Session(self, cursor)

    def reopen(self) -> Database:
        """The same source opened again: a DuckDB file replaced since (by `navigator import`) shows
        its new contents. This database stays open; close it when nothing uses it any more."""
        if self.spec is None:
            raise DataSourceError(f"{self.label} cannot be reopened")
        fresh = open_source(self.spec)
        fresh.query_hook = self.query_hook
        return fresh

    def close(self) -> None:
        self.conn.close()


def _unique_requests(
    requests: Sequence[tuple[str, Mapping[str, Any]]],
) -> tuple[list[tuple[str, Mapping[str, Any]]], list[int]]:
    """The distinct requests of a batch, and for each request the index of its distinct one."""
    index_of: dict[tuple[str, tuple[tuple[str, Any], ...]], int] = {}
    unique: list[tuple[str, Mapping[str, Any]]] = []
    order = []
    for name, params in requests:
        key = (name, tuple(sorted(params.items())))
        if key not in index_of:
            index_of[key] = len(unique)
            unique.append((name, params))
        order.append(index_of[key])
    return unique, order


@dataclass
class Session:
    """One unit of work (a panel load, a report) on its own cursor.

    `interrupt()` may be called from any thread: DuckDB then aborts the running query
    with `duckdb.InterruptException`, which is how stale dashboard requests are cancelled.
    """

    db: Database
    cursor: duckdb.DuckDBPyConnection
    interrupted: bool = False
    # Cursors of `run_all`'s second thread while it runs, so that `interrupt()` reaches them.
    _helpers: list[duckdb.DuckDBPyConnection] = field(default_factory=list, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

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
        return self._run_on(self.cursor, name, params)

    def _run_on(self, cursor: duckdb.DuckDBPyConnection, name: str, params: Mapping[str, Any]) -> pl.DataFrame:
        if self.db.query_hook is not None:
            self.db.query_hook(name)
        try:
            return queries.run(cursor, name, latest=self.db.as_of, prepared=True, **params)
        except Exception as exc:
            # An interrupt can surface from the Arrow stream as Polars' ComputeError: it is still
            # a cancelled request, not a failed one.
            if self.interrupted and not isinstance(exc, duckdb.InterruptException):
                raise duckdb.InterruptException("the request was cancelled") from exc
            raise

    def run_all(self, requests: Sequence[tuple[str, Mapping[str, Any]]]) -> list[pl.DataFrame]:
        """Run several named queries and return their results in order, on this session's cursor
        and a second one in a second thread: with many small queries on summary tables, DuckDB
        spends most of each in planning, which uses one core, so two at once take half as long.
        A request asked twice in the batch runs once."""
        requests, order = _unique_requests(requests)
        if len(requests) < 2 or PARALLEL_QUERIES < 2:
            results = [self.run(name, **params) for name, params in requests]
            return [results[index] for index in order]
        if self.interrupted:
            raise duckdb.InterruptException("the request was cancelled")
        helper = self.cursor.cursor()
        create_stand_ins(helper, self.db.missing_tables)
        if self.db.rollups == "views":
            rollups.ensure(helper)
        with self._lock:
            self._helpers.append(helper)
        results: list[pl.DataFrame | None] = [None] * len(requests)
        pending = list(enumerate(requests))
        queue_lock = threading.Lock()

        def work(cursor: duckdb.DuckDBPyConnection) -> None:
            while not self.interrupted:
                with queue_lock:
                    if not pending:
                        return
                    index, (name, params) = pending.pop(0)
                results[index] = self._run_on(cursor, name, params)

        try:
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="navigator-query") as pool:
                second = pool.submit(work, helper)
                try:
                    work(self.cursor)
                except BaseException:
                    self.interrupt()  # the other half is of no use now
                    raise
                finally:
                    with queue_lock:
                        pending.clear()
                second.result()
        finally:
            with self._lock:
                self._helpers.remove(helper)
            helper.close()
        if self.interrupted:
            raise duckdb.InterruptException("the request was cancelled")
        done = [frame for frame in results if frame is not None]
        return [done[index] for index in order]

    def interrupt(self) -> None:
        self.interrupted = True
        self.cursor.interrupt()
        with self._lock:
            for helper in self._helpers:
                helper.interrupt()

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
        raise DataSourceError(f"{path} is a directory, not a DuckDB file (a folder of Parquet files: parquet:{path})")
    spec = SourceSpec("duckdb", str(path), str(path))
    # Attached to an in-memory database of its own rather than opened with duckdb.connect(path):
    # DuckDB keeps one instance per path and process, so a second connect() would hand back the
    # first one, still reading the file as it was, even after `navigator import` replaced it.
    conn = _memory_connection()
    try:
        try:
            conn.execute(f"ATTACH {sql_string(str(path))} AS src (READ_ONLY)")
        except duckdb.Error as exc:
            raise DataSourceError(_explain_open_error(path, exc)) from None
        _create_views(conn, spec, "src", "main")
        db = _inspect(conn, str(path), spec)
        db.rollups = rollups.prepare(conn, stored_in="src", announce=str(path))
        return db
    except BaseException:
        conn.close()
        raise


def _memory_connection() -> duckdb.DuckDBPyConnection:
    """The in-memory database that holds a source's views (and, per cursor, the stand-ins)."""
    conn = duckdb.connect(config=NO_DOWNLOADS)
    # DuckDB 1.5.5's Top-N window elimination mis-binds columns when a view's scan feeds
    # `QUALIFY row_number() ... = 1` (market_horizon: "Failed to bind column reference"; duckdb#24710,
    # fixed by duckdb#25267 after 1.5.5). Off for every cursor; the results are the same.
    conn.execute("SET GLOBAL disabled_optimizers = 'top_n_window_elimination'")
    return conn


_SCHEME = re.compile(r"^([A-Za-z][A-Za-z0-9+.-]+):")


def parse_source(text: str | Path) -> SourceSpec:
    """A source URI as the user typed it (see the module docstring), or a UsageError-like DataSourceError."""
    if isinstance(text, Path):
        text = str(text)
    raw = text.strip()
    if not raw:
        raise DataSourceError("--source is empty: give a DuckDB file, a Parquet folder, or a URI")
    lowered = raw.lower()
    if lowered.startswith(("md:", "motherduck:")):
        return SourceSpec("motherduck", raw, _hide_password(raw), secrets=_passwords(raw))
    if lowered.startswith(("postgres://", "postgresql://")):
        return _postgres_uri(raw)
    if lowered.startswith(("postgres:", "postgresql:")):
        keywords = raw.split(":", 1)[1].strip()
        if not keywords:
            raise DataSourceError(f"{raw!r}: after postgres: give a URI or keywords such as 'dbname=crm host=db'")
        return _postgres_keywords(keywords)
    if lowered.startswith("ducklake:"):
        if not raw[len("ducklake:") :].strip():
            raise DataSourceError(
                f"{raw!r}: after ducklake: give the catalog, e.g. ducklake:postgres:dbname=lake host=db"
            )
        return SourceSpec("ducklake", raw, _hide_password(raw), secrets=_passwords(raw))
    if lowered.startswith("duckdb:"):
        path = str(Path(raw[len("duckdb:") :]).expanduser())
        return SourceSpec("duckdb", path, path)
    if lowered.startswith("parquet:"):
        path = str(Path(raw[len("parquet:") :]).expanduser())
        return SourceSpec("parquet", path, f"parquet:{path}")
    scheme = _SCHEME.match(raw)
    if scheme and (raw[scheme.end() :].startswith("//") or (len(scheme.group(1)) > 1 and not Path(raw).exists())):
        kinds = "a DuckDB file, parquet:DIR, postgres://..., ducklake:..., md:..."
        raise DataSourceError(f"unknown kind of source {scheme.group(1)!r} in {_hide_password(raw)!r}: use {kinds}")
    path = Path(raw).expanduser()
    if path.is_dir():
        return SourceSpec("parquet", str(path), f"parquet:{path}")
    return SourceSpec("duckdb", str(path), str(path))


def _postgres_uri(raw: str) -> SourceSpec:
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    parts = urlsplit(raw)
    query = parse_qsl(parts.query, keep_blank_values=True)
    schema = next((value for key, value in query if key == "schema"), None)
    query = [(key, value) for key, value in query if key != "schema"]  # navigator's, not libpq's
    if not any(key == "connect_timeout" for key, _ in query):
        query.append(("connect_timeout", str(CONNECT_TIMEOUT_SECONDS)))
    target = urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), parts.fragment))
    shown_query = urlencode([(k, v) for k, v in query if k not in ("connect_timeout", "password")])
    if schema:
        shown_query = "&".join(filter(None, [shown_query, f"schema={schema}"]))
    netloc = parts.netloc
    secrets: tuple[str, ...] = ()
    if parts.password is not None:
        netloc = netloc.replace(f":{parts.password}@", ":***@", 1)
        secrets = (parts.password,)
    secrets += tuple(value for key, value in query if key == "password" and value)
    label = urlunsplit((parts.scheme, netloc, parts.path, shown_query, ""))
    return SourceSpec("postgres", target, label, schema=schema or None, secrets=secrets)


def _postgres_keywords(keywords: str) -> SourceSpec:
    schema_match = re.search(r"(?:^|\s)schema\s*=\s*(\S+)", keywords)
    schema = schema_match.group(1) if schema_match else None
    target = re.sub(r"(?:^|\s)schema\s*=\s*\S+", "", keywords).strip()
    if "connect_timeout" not in target:
        target += f" connect_timeout={CONNECT_TIMEOUT_SECONDS}"
    label = "postgres:" + _hide_password(re.sub(r"\s*connect_timeout=\d+$", "", target))
    return SourceSpec("postgres", target, label, schema=schema, secrets=_passwords(keywords))


_PASSWORD_KEYWORD = re.compile(r"(password\s*=\s*)('(?:[^'\\]|\\.)*'|\S+)", re.IGNORECASE)
_PASSWORD_IN_URI = re.compile(r"(://[^:/@\s]+:)([^@\s]+)(@)")


def _hide_password(text: str) -> str:
    text = _PASSWORD_KEYWORD.sub(r"\1***", text)
    return _PASSWORD_IN_URI.sub(r"\1***\3", text)


def _passwords(text: str) -> tuple[str, ...]:
    found = [match.group(2).strip("'") for match in _PASSWORD_KEYWORD.finditer(text)]
    found += [match.group(2) for match in _PASSWORD_IN_URI.finditer(text)]
    return tuple(secret for secret in found if secret)


def open_source(source: str | Path | SourceSpec) -> Database:
    """Open any source read-only (see the module docstring); DataSourceError with one plain line if not."""
    spec = source if isinstance(source, SourceSpec) else parse_source(source)
    if spec.kind == "duckdb":
        return open_database(spec.target)
    if spec.kind == "motherduck":
        return _open_motherduck(spec)
    conn = _memory_connection()
    try:
        if spec.kind == "parquet":
            _attach_parquet_folder(conn, spec)
        elif spec.kind == "postgres":
            extensions.load(conn, "postgres", "reading PostgreSQL")
            options = "TYPE postgres, READ_ONLY" + (f", SCHEMA {sql_string(spec.schema)}" if spec.schema else "")
            _attach(conn, spec, options)
            _create_views(conn, spec, "src", spec.schema or "public")
        elif spec.kind == "ducklake":
            if "postgres:" in spec.target.lower():
                extensions.load(conn, "postgres", "a DuckLake with its catalog in PostgreSQL")
            extensions.load(conn, "ducklake", "reading DuckLake")
            _attach(conn, spec, "READ_ONLY")
            _create_views(conn, spec, "src", "main")
        else:  # pragma: no cover - parse_source only makes the kinds above
            raise DataSourceError(f"unknown kind of source: {spec.kind}")
        db = _inspect(conn, spec.label, spec)
        db.rollups = rollups.prepare(conn)
        return db
    except BaseException:
        conn.close()
        raise


def _attach(conn: duckdb.DuckDBPyConnection, spec: SourceSpec, options: str) -> None:
    # ATTACH takes no bound parameters: the user's own connection string is quoted instead.
    try:
        conn.execute(f"ATTACH {sql_string(spec.target)} AS src ({options})")
    except duckdb.Error as exc:
        raise DataSourceError(f"cannot open {spec.label}: {_scrub(_first_line(str(exc)), spec)}") from None


def _scrub(message: str, spec: SourceSpec) -> str:
    """An error from DuckDB or libpq without the connection string (already shown) or any password."""
    message = re.sub(r'^Unable to connect to Postgres at "[^"]*":\s*', "", message)
    for secret in spec.secrets:
        message = message.replace(secret, "***")
    return _hide_password(message)


def _open_motherduck(spec: SourceSpec) -> Database:
    installed = duckdb.connect(config=NO_DOWNLOADS)
    try:
        row = installed.execute(
            "SELECT installed FROM duckdb_extensions() WHERE extension_name = 'motherduck'"
        ).fetchone()
    finally:
        installed.close()
    if not row or not row[0]:
        raise DataSourceError(
            f"cannot open {spec.label}: MotherDuck needs DuckDB's motherduck extension, which DuckDB "
            "downloads from the network on first use; it is not installed here and navigator never "
            "downloads extensions (run navigator where it can be installed, or copy the data into a "
            "DuckDB file and use --db)"
        )
    try:
        conn = duckdb.connect(spec.target, read_only=True, config=NO_DOWNLOADS)
    except duckdb.Error as exc:
        raise DataSourceError(f"cannot open {spec.label}: {_scrub(_first_line(str(exc)), spec)}") from None
    try:
        db = _inspect(conn, spec.label, spec)
        # A read-only database of its own: its summary tables if fresh, else temporary views per cursor.
        db.rollups = "stored" if rollups.rollups_present_and_fresh(conn) else "views"
        if db.rollups == "views":
            rollups.ensure(conn)
        return db
    except BaseException:
        conn.close()
        raise


def _attach_parquet_folder(conn: duckdb.DuckDBPyConnection, spec: SourceSpec) -> None:
    """One view a table over `DIR/<table>.parquet` (or the Parquet files in `DIR/<table>/`)."""
    folder = Path(spec.target)
    if not folder.exists():
        raise DataSourceError(f"no such folder: {folder}")
    if not folder.is_dir():
        raise DataSourceError(f"{folder} is a file, not a folder of Parquet files (a DuckDB file: --db {folder})")
    found: dict[str, str] = {}
    for name in ALL_TABLES:
        single = folder / f"{name}.parquet"
        parts = folder / name
        if single.is_file():
            found[name] = str(single)
        elif parts.is_dir() and any(parts.rglob("*.parquet")):
            found[name] = str(parts / "**" / "*.parquet")
    if not found:
        any_parquet = any(folder.glob("*.parquet"))
        what = (
            "none of its Parquet files is named after a navigator table" if any_parquet else "it has no Parquet files"
        )
        raise DataSourceError(
            f"{spec.label} is not a navigator folder: {what} (expected accounts.parquet, "
            "revenue_movements.parquet, ...; see docs/schema.md)"
        )
    for name, pattern in found.items():
        relation = f"read_parquet({sql_string(pattern)})"
        try:
            _create_view(conn, name, relation)
        except duckdb.Error as exc:
            raise DataSourceError(f"cannot read {pattern}: {_first_line(str(exc))}") from None


def _create_views(conn: duckdb.DuckDBPyConnection, spec: SourceSpec, catalog: str, schema: str) -> None:
    """A view in the in-memory database for each navigator table the attached source has."""
    try:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_catalog = ? AND table_schema = ?",
            [catalog, schema],
        ).fetchall()
    except duckdb.Error as exc:
        raise DataSourceError(f"cannot read {spec.label}: {_scrub(_first_line(str(exc)), spec)}") from None
    names = {str(row[0]).lower(): str(row[0]) for row in rows}
    for table in ALL_TABLES:
        if table in names:
            relation = f"{_ident(catalog)}.{_ident(schema)}.{_ident(names[table])}"
            try:
                _create_view(conn, table, relation)
            except duckdb.Error as exc:
                raise DataSourceError(f"cannot read {spec.label}: {_scrub(_first_line(str(exc)), spec)}") from None


def _create_view(conn: duckdb.DuckDBPyConnection, table: str, relation: str) -> None:
    """`CREATE VIEW main.<table>` selecting navigator's columns from `relation` by name (case-insensitively),
    cast to the schema's type only where the source's type differs; other columns are left out, and
    a column the source lacks is reported when the view is inspected."""
    described = conn.execute(f"DESCRIBE SELECT * FROM {relation}").fetchall()
    source_types = {str(row[0]).lower(): (str(row[0]), str(row[1])) for row in described}
    columns = []
    for column, wanted in expected_types()[table].items():
        if column not in source_types:
            continue
        name, actual = source_types[column]
        if actual.upper() == wanted.upper():
            columns.append(f"{_ident(name)} AS {_ident(column)}")
        else:
            columns.append(f"CAST({_ident(name)} AS {wanted}) AS {_ident(column)}")
    select = ", ".join(columns) if columns else "NULL AS _no_columns"
    conn.execute(f"CREATE VIEW main.{table} AS SELECT {select} FROM {relation}")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


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


def _inspect(conn: duckdb.DuckDBPyConnection, label: str, spec: SourceSpec | None = None) -> Database:
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
    create_stand_ins(conn, missing)
    return Database(
        label=label,
        conn=conn,
        row_counts={name: int(row_counts[name]) for name in present},
        missing_tables=missing,
        as_of=_find_as_of(conn, "meta" in found),
        rows_set_aside=_rows_set_aside(conn, "meta" in found),
        opened_at=dt.datetime.now().astimezone(),
        spec=spec,
    )


def _find_as_of(conn: duckdb.DuckDBPyConnection, has_meta: bool) -> dt.date | None:
    """The data's as-of month: `meta.as_of` if recorded, else from the revenue (navigator.data.as_of)."""
    if has_meta:
        row = conn.execute("SELECT value FROM main.meta WHERE key = 'as_of'").fetchone()
        if row:
            try:
                return queries.parse_month_or_date(row[0]).replace(day=1)
            except ValueError:
                raise DataSourceError(f"meta.as_of is not a month: {row[0]!r}") from None
    counts = conn.execute("SELECT month, count(*) FROM main.revenue_movements GROUP BY month").fetchall()
    return as_of_rules.latest_of_file({month.replace(day=1): int(n) for month, n in counts if month is not None})


def _rows_set_aside(conn: duckdb.DuckDBPyConnection, has_meta: bool) -> int:
    row = conn.execute("SELECT value FROM main.meta WHERE key = 'rows_set_aside'").fetchone() if has_meta else None
    return int(row[0]) if row and str(row[0]).isdigit() else 0  # rows the import did not count
