"""`navigator import`: validate export files with Polars, then build the new database beside the
old one and swap it in atomically (docs/import.md).

1. **Plan.** Each file fills a table: `--table`, else a `[files]` pattern of the mapping, else
   the file's name (`accounts.csv` -> accounts; `transactions.csv` -> revenue movements derived
   from it). A folder stands for the CSV, Parquet and JSON files in it.
2. **Validate, writing nothing.** Every file is read (UTF-8 checked), renamed and completed by
   the mapping, parsed to the schema's types and checked: required columns and values, allowed
   values and the DDL's other CHECKs, unique keys, and references against the combined data
   (the incoming tables plus the tables the existing file keeps). Any problem ends the import
   with the list (`ImportProblems`).
3. **Build beside, then swap.** The new database is written to `.NAME.import-PID.tmp` in the
   same folder: the old file is attached read-only, its schema copied, the tables that are not
   replaced copied row for row, the incoming tables loaded, `meta` written (schema version, as-of
   month). Then the file is synced and renamed over the old one with `os.replace`, which is
   atomic on one file system: a reader sees the old file or the new one, never a mix. Readers
   that have the old file open keep reading it (their open file is the old one) until they
   reopen.

A failure or an interruption before the rename (an exception, Ctrl+C, SIGTERM) removes the
temporary files and leaves the old file untouched, byte for byte; a SIGKILL can leave a
temporary file behind, and the next import into the same file removes it (its process is gone).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shutil
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import polars as pl

from navigator.data import readers, rollups, transactions
from navigator.data.errors import DataSourceError, NavigatorError, UsageError
from navigator.data.extensions import NO_DOWNLOADS, sql_string
from navigator.data.mapping import Mapping, constant_series, load_mapping
from navigator.data.schema import ALL_TABLES, REQUIRED_TABLES, SCHEMA_VERSION, table_ddl
from navigator.data.validate import (
    FILE,
    TRANSACTIONS,
    Part,
    Problem,
    Problems,
    check_meta,
    check_references,
    check_table,
    strip_helpers,
    table_specs,
)

Progress = Callable[[float, str], None]

# A test hook: with this set to a path, the import stops just before the swap, says so on stderr,
# and goes on once that path exists (tests kill it there, or run a reader meanwhile).
PAUSE_ENV = "NAVIGATOR_TEST_PAUSE_BEFORE_SWAP"
GENERATOR = "navigator import"
# Shares of the progress bar: reading the files, checking them, writing the database.
READ_SHARE, CHECK_SHARE = 0.5, 0.1


class ImportProblems(NavigatorError):
    """The input is not valid; nothing was written. The message lists the problems, one a line."""

    def __init__(self, problems: Problems) -> None:
        self.problems = problems
        count = problems.total
        header = (
            f"{count:,} problem{'s' if count != 1 else ''} in the input; nothing was written "
            "(row N = the N-th data row of the file, counted from 1 without the header line)"
        )
        super().__init__("\n".join([header, *("  " + line for line in problems.lines())]))


class ImportInterrupted(NavigatorError):
    """Ctrl+C or a termination signal arrived; the temporary files are gone, the old file untouched."""

    def __init__(self, signum: int, target: Path, what: str = "import") -> None:
        name = signal.Signals(signum).name
        self.exit_code = 128 + signum
        state = f"{target} was not changed" if target.exists() else f"{target} was not created"
        super().__init__(f"{what} interrupted by {name}; {state}")


@dataclass
class Input:
    path: Path
    shown: str
    table: str  # a table of the schema, or TRANSACTIONS
    number: int


@dataclass
class ImportResult:
    target: Path
    loaded: dict[str, int]  # table -> rows written
    sources: dict[str, list[str]]  # table -> files it came from
    kept: list[str]  # tables copied from the old file
    as_of: dt.date | None
    transactions: int | None = None  # transactions read, when revenue was derived from them
    notes: list[str] = field(default_factory=list)


# --- 1. plan --------------------------------------------------------------------------------------


def plan_inputs(
    paths: list[Path], table: str | None, mapping: Mapping, mapping_path: Path | None = None
) -> tuple[list[Input], list[str]]:
    """Which table each file fills; notes about skipped files. UsageError when a file cannot be placed."""
    specs = table_specs()
    if table is not None and table not in specs:
        raise UsageError(f"--table {table!r}: no such table (tables: {', '.join(specs)})")
    files: list[tuple[Path, str]] = []
    notes: list[str] = []
    for path in paths:
        shown = str(path)
        if not path.exists():
            raise UsageError(f"no such file or folder: {shown}")
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            usable = [p for p in found if readers.format_of(p)]
            own = mapping_path.resolve() if mapping_path is not None else None
            skipped = [p.name for p in found if not readers.format_of(p) and p.resolve() != own]
            if skipped:
                notes.append(f"{shown}: skipped {', '.join(skipped)} (not CSV, Parquet or JSON)")
            if not usable:
                raise UsageError(f"{shown} has no CSV, Parquet or JSON files to import")
            files.extend((p, str(p)) for p in usable)
        elif readers.format_of(path) is None:
            known = ", ".join(sorted(readers.FORMATS))
            raise UsageError(f"{shown}: navigator imports {known} files")
        else:
            files.append((path, shown))
    inputs: list[Input] = []
    for number, (path, shown) in enumerate(files):
        target = table or mapping.table_for(path) or path.stem.lower()
        if target not in specs:
            raise UsageError(
                f"{shown}: no table is named {path.stem!r}: name the file after a table (accounts.csv, "
                "revenue_movements.csv, transactions.csv, ...), or use --table NAME or a [files] section "
                "in a mapping file"
            )
        inputs.append(Input(path, shown, target, number))
    tables = {item.table for item in inputs}
    if TRANSACTIONS in tables and "revenue_movements" in tables:
        raise UsageError("give revenue_movements or transactions, not both: both would fill revenue_movements")
    return inputs, notes


# --- the file being replaced ------------------------------------------------------------------------


@dataclass
class OldFile:
    path: Path
    tables: list[tuple[str, str]]  # (schema, table) of every table, navigator's or not
    row_counts: dict[tuple[str, str], int]
    meta: dict[str, str]

    @property
    def navigator_tables(self) -> set[str]:
        return {name for schema, name in self.tables if schema == "main" and name in ALL_TABLES}


def inspect_old(target: Path) -> OldFile | None:
    """What the existing file holds (None if there is none); refuses what must not be replaced."""
    from navigator.data.source import _explain_open_error

    if not target.exists():
        if not target.parent.is_dir():
            raise UsageError(f"cannot create {target}: no such folder {target.parent}")
        return None
    if target.is_dir():
        raise UsageError(f"{target} is a folder: --db names the DuckDB file to create or update")
    wal = target.with_name(target.name + ".wal")
    if wal.exists():
        raise DataSourceError(
            f"{wal} exists: a program is writing to {target} or stopped while writing; let it finish "
            "(or open the file once with DuckDB to merge the log) and import again"
        )
    try:
        conn = duckdb.connect(str(target), read_only=True, config=NO_DOWNLOADS)
    except duckdb.Error as exc:
        raise DataSourceError(_explain_open_error(target, exc) + "; nothing was changed") from None
    try:
        rows = conn.execute(
            "SELECT schema_name, table_name, estimated_size FROM duckdb_tables() "
            "WHERE database_name = current_database() AND NOT internal AND NOT temporary "
            "ORDER BY schema_name, table_name"
        ).fetchall()
        tables = [(str(schema), str(name)) for schema, name, _ in rows]
        counts = {(str(schema), str(name)): int(size or 0) for schema, name, size in rows}
        meta: dict[str, str] = {}
        if ("main", "meta") in tables:
            with contextlib.suppress(duckdb.Error):
                meta = {str(k): str(v) for k, v in conn.execute("SELECT key, value FROM main.meta").fetchall()}
    finally:
        conn.close()
    return OldFile(target, tables, counts, meta)


def _old_values(old: OldFile, table: str, column: str) -> pl.Series | None:
    """Distinct non-null values of a column of the old file (None if it lacks the table or column)."""
    if table not in old.navigator_tables:
        return None
    conn = duckdb.connect(str(old.path), read_only=True, config=NO_DOWNLOADS)
    try:
        frame = conn.execute(f'SELECT DISTINCT "{column}" AS v FROM main."{table}" WHERE "{column}" IS NOT NULL').pl()
    except duckdb.Error:
        return None
    finally:
        conn.close()
    return frame["v"].cast(pl.String)


# --- 2. validate ---------------------------------------------------------------------------------------


@dataclass
class Incoming:
    tables: dict[str, pl.DataFrame]  # typed, with __file and __row; TRANSACTIONS kept apart
    sources: dict[str, list[str]]


def _prepare(raw: readers.RawFile, table: str, mapping: Mapping, problems: Problems) -> Part | None:
    """The file's columns renamed to navigator's, constants added, unknown and missing columns reported."""
    assert raw.frame is not None
    spec = table_specs()[table]
    tm = mapping.for_table(table)
    frame = raw.frame
    chosen: dict[str, str] = {}  # navigator column -> file column
    by_fold = {column.casefold(): column for column in spec.columns}

    def problem(column: str, expected: str) -> None:
        problems.add(Problem(raw.shown, column=column, expected=expected, order=(raw.number, 0)))

    for column in frame.columns:
        if tm.ignores(column):
            continue
        target = tm.target_of(column) or by_fold.get(column.strip().casefold())
        if target is None:
            problem(
                repr(column),
                f"not a column of {table}: expected one of {', '.join(spec.columns)} (rename it under "
                f"[{table}.columns] in a mapping file, or list it under ignore there)",
            )
        elif target in chosen:
            problem(repr(column), f"fills {target}, which column {chosen[target]!r} already fills: expected it once")
        else:
            chosen[target] = column
    renamed = frame.select([pl.col(source).alias(target) for target, source in chosen.items()])
    for column, value in tm.constants.items():
        if column in chosen:
            problem(column, "is in the file and also a constant in the mapping: expected one or the other")
        else:
            renamed = renamed.with_columns(constant_series(value, renamed.height, column))
    missing = [column for column in spec.columns if column in spec.required and column not in renamed.columns]
    for column in missing:
        problem(
            column,
            f"missing: expected a column named {column} (required), or a mapping that renames a "
            "column to it or gives it a constant",
        )
    # the columns that are there are still checked, so that one run lists as much as it can
    return Part(raw.shown, raw.number, renamed, absent=frozenset(missing))


def validate(
    inputs: list[Input],
    mapping: Mapping,
    old: OldFile | None,
    progress: Progress,
) -> Incoming:
    problems = Problems()
    specs = table_specs()
    total_bytes = sum(max(item.path.stat().st_size, 1) for item in inputs) or 1
    done_bytes = 0
    parts: dict[str, list[Part]] = {}
    sources: dict[str, list[str]] = {}
    for item in inputs:
        start = done_bytes
        label = f"reading {item.path.name}"
        progress(READ_SHARE * start / total_bytes, label)

        def on_bytes(done: int, start: int = start, label: str = label) -> None:
            progress(READ_SHARE * (start + done) / total_bytes, label)

        raw = readers.read(item.path, item.shown, item.number, problems, on_bytes)
        done_bytes += max(item.path.stat().st_size, 1)
        progress(READ_SHARE * done_bytes / total_bytes, label)
        sources.setdefault(item.table, []).append(item.shown)
        if raw.frame is None:
            continue
        part = _prepare(raw, item.table, mapping, problems)
        if part is not None:
            parts.setdefault(item.table, []).append(part)
    progress(READ_SHARE, "checking")
    tables: dict[str, pl.DataFrame] = {}
    for table, table_parts in parts.items():
        tables[table] = check_table(specs[table], table_parts, problems)
    if "meta" in tables:
        check_meta(tables["meta"], problems)
    incoming_tables = set(sources)
    if TRANSACTIONS in incoming_tables:
        incoming_tables.add("revenue_movements")
    _check_all_references(tables, sources, incoming_tables, old, problems)
    present = incoming_tables | (old.navigator_tables if old else set())
    target = str(old.path) if old else "the new database"
    for required in REQUIRED_TABLES:
        if required not in present:
            what = "an accounts file" if required == "accounts" else "a revenue_movements or transactions file"
            problems.add(
                Problem(
                    target,
                    expected=f"would lack {required}, which navigator requires: import {what} too",
                    order=(-1, 0),
                )
            )
    if problems:
        raise ImportProblems(problems)
    progress(READ_SHARE + CHECK_SHARE, "checked")
    return Incoming(tables, sources)


KEYS = (
    ("accounts", "account_id"),
    ("markets", "market_id"),
    ("reps", "rep_id"),
    ("teams", "team_id"),
    ("opportunities", "opportunity_id"),
)


def _check_all_references(
    tables: dict[str, pl.DataFrame],
    sources: dict[str, list[str]],
    incoming: set[str],
    old: OldFile | None,
    problems: Problems,
) -> None:
    specs = table_specs()
    keys: dict[tuple[str, str], pl.Series | None] = {}
    where: dict[str, str] = {}
    for table, key in KEYS:
        if table in incoming:
            keys[(table, key)] = tables[table][key] if table in tables else None
            where[table] = ", ".join(sources.get(table, [table]))
        elif old is not None:
            keys[(table, key)] = _old_values(old, table, key)
            where[table] = f"{table} kept from {old.path}"
        else:
            keys[(table, key)] = None
    for table, frame in tables.items():
        check_references(specs[table], frame, keys, where, problems)
    if old is None:
        return
    # the tables the old file keeps must still find what they refer to in the replaced ones
    kept = old.navigator_tables - incoming - {"meta"}
    for table in sorted(kept):
        for ref in specs[table].references:
            if ref.table not in incoming or ref.table not in tables:
                continue
            _check_kept_reference(
                old, table, ref.column, ref.table, ref.key, tables[ref.table][ref.key], where[ref.table], problems
            )


def _check_kept_reference(
    old: OldFile,
    table: str,
    column: str,
    target: str,
    key: str,
    known: pl.Series,
    where: str,
    problems: Problems,
) -> None:
    conn = duckdb.connect(str(old.path), read_only=True, config=NO_DOWNLOADS)
    try:
        keys = pl.DataFrame({"k": known.unique()})
        conn.register("incoming_keys", keys.to_arrow())
        try:
            rows = conn.execute(
                f'SELECT "{column}" AS v, count(*) AS n FROM main."{table}" '
                f'WHERE "{column}" IS NOT NULL AND "{column}" NOT IN (SELECT k FROM incoming_keys) '
                "GROUP BY 1 ORDER BY 1"
            ).fetchall()
        except duckdb.Error:
            return
    finally:
        conn.close()
    shown = f"{old.path} (table {table}, kept)"
    examples = [
        Problem(
            shown,
            column=column,
            value=repr(str(value)),
            expected=f"expected an existing {target}.{key} (looked in {where}; {count} kept row"
            f"{'s' if count != 1 else ''} refer to it): import {table} too, or keep that {key}",
            order=(-1, 0),
        )
        for value, count in rows[:50]
    ]
    problems.add_many(len(rows), examples)


# --- as-of month and meta --------------------------------------------------------------------------------


def last_complete_month(latest: dt.date | None, today: dt.date | None = None) -> dt.date | None:
    """The latest month of the data, unless it has not ended yet (then the month before this one)."""
    if latest is None:
        return None
    today = today or dt.date.today()
    this_month = today.replace(day=1)
    latest = latest.replace(day=1)
    if latest >= this_month:
        return (this_month - dt.timedelta(days=1)).replace(day=1)
    return latest


def _as_of_from_meta(frame: pl.DataFrame | None) -> dt.date | None:
    from navigator.data.queries import parse_month_or_date

    if frame is None:
        return None
    rows = frame.filter(pl.col("key") == "as_of")["value"].to_list()
    return parse_month_or_date(rows[0]).replace(day=1) if rows else None


def decide_as_of(
    explicit: dt.date | None,
    incoming: Incoming,
    old: OldFile | None,
) -> dt.date | None:
    """--as-of; else an imported meta's as_of; else the last complete month of the imported revenue;
    else the old file's meta as_of (revenue kept) or the last complete month of the kept revenue."""
    if explicit is not None:
        return explicit
    from_meta = _as_of_from_meta(incoming.tables.get("meta"))
    if from_meta is not None:
        return from_meta
    if TRANSACTIONS in incoming.tables:
        latest = incoming.tables[TRANSACTIONS]["date"].max()
        return last_complete_month(latest)  # type: ignore[arg-type]
    if "revenue_movements" in incoming.tables:
        return last_complete_month(incoming.tables["revenue_movements"]["month"].max())  # type: ignore[arg-type]
    if old is not None and "as_of" in old.meta:
        from navigator.data.queries import parse_month_or_date

        with contextlib.suppress(ValueError):
            return parse_month_or_date(old.meta["as_of"]).replace(day=1)
    if old is not None and "revenue_movements" in old.navigator_tables:
        conn = duckdb.connect(str(old.path), read_only=True, config=NO_DOWNLOADS)
        try:
            row = conn.execute("SELECT max(month) FROM main.revenue_movements").fetchone()
        finally:
            conn.close()
        return last_complete_month(row[0] if row else None)
    return None


# --- 3. build beside, swap ---------------------------------------------------------------------------------


def temp_paths(target: Path, pid: int | None = None) -> tuple[Path, Path]:
    """(database, spill folder) of an import into `target` by process `pid`."""
    pid = os.getpid() if pid is None else pid
    base = target.parent / f".{target.name}.import-{pid}"
    return base.with_name(base.name + ".tmp"), base.with_name(base.name + ".spill")


def _temp_files_of(target: Path) -> dict[int, list[Path]]:
    pattern = re.compile(r"^\." + re.escape(target.name) + r"\.import-(\d+)\.(tmp|tmp\.wal|spill)$")
    found: dict[int, list[Path]] = {}
    for path in target.parent.iterdir() if target.parent.is_dir() else ():
        match = pattern.match(path.name)
        if match:
            found.setdefault(int(match.group(1)), []).append(path)
    return found


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clean_stale(target: Path) -> list[Path]:
    """Remove what imports into `target` whose process is gone left behind; refuse if one still runs."""
    removed = []
    for pid, paths in _temp_files_of(target).items():
        if pid == os.getpid():
            continue
        if _alive(pid):
            raise DataSourceError(
                f"another import into {target} is running (process {pid}); wait for it to finish "
                f"(if there is no such import, delete {paths[0]})"
            )
        for path in paths:
            _remove(path)
            removed.append(path)
    return removed


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _pause_for_tests(tmp: Path) -> None:
    go = os.environ.get(PAUSE_ENV)
    if not go:
        return
    print(
        f"navigator: test hook: paused before the swap (process {os.getpid()}, {tmp.name})", file=sys.stderr, flush=True
    )
    while not Path(go).exists():
        time.sleep(0.02)


def build(
    target: Path,
    old: OldFile | None,
    tables: dict[str, pl.DataFrame],
    meta: dict[str, str] | None,
    progress: Progress,
    guard: Guard | None = None,
) -> list[str]:
    """Write the new database beside `target` and rename it over `target`; returns the tables kept.
    With `meta` None the old file's `meta` is kept as it is (a refresh)."""
    tmp, spill = temp_paths(target)
    wal = tmp.with_name(tmp.name + ".wal")
    for path in (tmp, wal, spill):
        _remove(path)
    start = READ_SHARE + CHECK_SHARE
    kept: list[str] = []
    try:
        conn = duckdb.connect(str(tmp), config={**NO_DOWNLOADS, "temp_directory": str(spill)})
        try:
            conn.execute("SET enable_progress_bar = false")
            catalog = _ident(str(conn.execute("SELECT current_database()").fetchone()[0]))  # type: ignore[index]
            replaced = set(tables) | {"meta"}
            copy_rows = (
                sum(n for (s, t), n in old.row_counts.items() if not (s == "main" and t in replaced)) if old else 0
            )
            load_rows = sum(frame.height for frame in tables.values())
            total = max(copy_rows + load_rows, 1)
            done = 0
            if old is not None:
                conn.execute(f"ATTACH {sql_string(str(old.path))} AS previous (READ_ONLY)")
                conn.execute(f"COPY FROM DATABASE previous TO {catalog} (SCHEMA)")
                for schema, name in old.tables:
                    qualified = f"{_ident(schema)}.{_ident(name)}"
                    if schema == "main" and (name in tables or name.startswith("rollup_")):
                        # Replaced by the incoming rows, or a summary table rebuilt below.
                        conn.execute(f"DROP TABLE {catalog}.{qualified}")
                        continue
                    progress(start + (0.9 - start) * done / total, f"keeping {name}")
                    conn.execute(f"INSERT INTO {catalog}.{qualified} SELECT * FROM previous.{qualified}")
                    done += old.row_counts.get((schema, name), 0)
                    if schema == "main" and name in ALL_TABLES:
                        kept.append(name)
                conn.execute("DETACH previous")
            ddl = table_ddl()
            for name in ALL_TABLES:
                if name not in tables:
                    continue
                progress(start + (0.9 - start) * done / total, f"writing {name}")
                frame = tables[name]
                conn.execute(ddl[name])
                conn.register("incoming", frame.to_arrow())
                columns = ", ".join(_ident(c) for c in frame.columns)
                try:
                    conn.execute(f"INSERT INTO main.{name} ({columns}) SELECT {columns} FROM incoming")
                except duckdb.ConstraintException as exc:
                    raise NavigatorError(
                        f"loading {name} failed although the rows passed navigator's checks: "
                        f"{str(exc).splitlines()[0]}; nothing was changed"
                    ) from None
                finally:
                    conn.unregister("incoming")
                done += frame.height
            if meta is not None:
                _write_meta(conn, meta, "meta" in (old.navigator_tables if old else set()) or "meta" in tables)
            # The summary tables the dashboard reads, built from what the file now holds.
            rollups.build_rollups(conn, progress=lambda f, label: progress(0.9 + 0.08 * f, label))
            progress(0.98, "saving")
            conn.execute("CHECKPOINT")
        finally:
            conn.close()
        _remove(wal)
        _fsync(tmp)
        _pause_for_tests(tmp)
        with _signals_held():  # a signal now must not say "not changed" about a replaced file
            os.replace(tmp, target)
            if guard is not None:
                guard.swapped = True
        with contextlib.suppress(OSError):
            _fsync(target.parent)
    except BaseException:
        for path in (tmp, wal, spill):
            _remove(path)
        raise
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    progress(1.0, "done")
    return kept


def _write_meta(conn: duckdb.DuckDBPyConnection, meta: dict[str, str], exists: bool) -> None:
    if not exists:
        conn.execute(table_ddl()["meta"])
    conn.execute("DELETE FROM main.meta WHERE key IN (SELECT unnest($keys)) OR key = 'as_of'", {"keys": list(meta)})
    conn.executemany("INSERT INTO main.meta (key, value) VALUES (?, ?)", list(meta.items()))


# --- all together -------------------------------------------------------------------------------------------


STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


@dataclass
class Guard:
    """Signals received during an import, and whether the new file is already in place."""

    received: list[int] = field(default_factory=list)
    swapped: bool = False


@contextlib.contextmanager
def interruptible() -> Iterator[Guard]:
    """Turn SIGINT (unless ignored), SIGTERM and SIGHUP into KeyboardInterrupt while an import runs, so
    that it cleans up. Once the new file is in place (`guard.swapped`), a signal only ends the process
    after the import has finished. Signal handlers belong to the main thread: elsewhere, nothing changes."""
    guard = Guard()
    if threading.current_thread() is not threading.main_thread():
        yield guard
        return

    def handler(signum: int, frame: Any) -> None:
        guard.received.append(signum)
        if not guard.swapped:
            raise KeyboardInterrupt

    previous: dict[int, Any] = {}
    for signum in STOP_SIGNALS:
        current = signal.getsignal(signum)
        if signum == signal.SIGINT and current == signal.SIG_IGN:
            continue
        previous[signum] = current
        signal.signal(signum, handler)
    try:
        yield guard
    finally:
        for signum, old_handler in previous.items():
            signal.signal(signum, old_handler)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """Hold SIGINT, SIGTERM and SIGHUP back for a moment (delivered when it ends)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def run_import(
    target: Path,
    paths: list[Path],
    *,
    table: str | None = None,
    mapping_path: Path | None = None,
    as_of: dt.date | None = None,
    progress: Progress | None = None,
    now: dt.datetime | None = None,
) -> ImportResult:
    """Validate `paths` and write them into `target` (see the module docstring)."""
    report = progress or (lambda fraction, label: None)
    target = Path(target).expanduser()
    mapping = load_mapping(mapping_path)
    inputs, notes = plan_inputs([Path(p).expanduser() for p in paths], table, mapping, mapping_path)
    with interruptible() as guard:
        try:
            old = inspect_old(target)
            clean_stale(target)
            incoming = validate(inputs, mapping, old, report)
            month = decide_as_of(as_of, incoming, old)
            tables = {name: strip_helpers(frame, table_specs()[name]) for name, frame in incoming.tables.items()}
            count_transactions = None
            if TRANSACTIONS in tables:
                raw = tables.pop(TRANSACTIONS)
                count_transactions = raw.height
                if month is None:
                    raise UsageError("the transactions have no complete month: give --as-of YYYY-MM")
                later = raw.filter(pl.col("date") >= _next_month(month)).height
                if later:
                    notes.append(
                        f"{later:,} transaction{'s' if later != 1 else ''} after {month:%Y-%m} (the as-of month) "
                        "not counted; --as-of moves it"
                    )
                tables["revenue_movements"] = transactions.derive_movements(raw, month)
                incoming.sources["revenue_movements"] = incoming.sources.pop(TRANSACTIONS)
            meta = _meta(tables.get("meta"), month, count_transactions is not None, now)
            kept = build(target, old, tables, meta, report, guard)
        except BaseException as exc:
            if guard.received and not guard.swapped and not isinstance(exc, NavigatorError):
                raise ImportInterrupted(guard.received[0], target) from None
            raise
    if guard.received:
        name = signal.Signals(guard.received[0]).name
        notes.append(f"{name} arrived after the new file was in place: the import is complete")
    loaded = {name: frame.height for name, frame in tables.items()}
    return ImportResult(
        target=target,
        loaded=loaded,
        sources={name: incoming.sources.get(name, []) for name in loaded},
        kept=kept,
        as_of=month,
        transactions=count_transactions,
        notes=notes,
    )


def refresh(target: Path, progress: Progress | None = None) -> float:
    """Rebuild the summary tables of a navigator database (after it was changed by other means than
    `navigator import`), with the same guarantees as an import: a new file is written beside the old
    one and renamed over it, so a failure or an interruption leaves the old file as it was, and
    dashboards that have it open keep reading it. Returns the seconds it took."""
    report = progress or (lambda fraction, label: None)
    target = Path(target).expanduser()
    if not target.exists():
        raise DataSourceError(f"no such file: {target}")
    started = time.perf_counter()
    with interruptible() as guard:
        try:
            old = inspect_old(target)
            assert old is not None
            missing = [name for name in REQUIRED_TABLES if name not in old.navigator_tables]
            if missing:
                raise DataSourceError(
                    f"{target} is not a navigator database: it has no {' and no '.join(missing)} table"
                )
            clean_stale(target)
            build(target, old, {}, None, report, guard)
        except BaseException as exc:
            if guard.received and not guard.swapped and not isinstance(exc, NavigatorError):
                raise ImportInterrupted(guard.received[0], target, "refresh") from None
            raise
    return time.perf_counter() - started


def _next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _meta(
    incoming: pl.DataFrame | None, as_of: dt.date | None, from_transactions: bool, now: dt.datetime | None
) -> dict[str, str]:
    values: dict[str, str] = {}
    if incoming is not None:
        values.update(dict(zip(incoming["key"].to_list(), incoming["value"].to_list(), strict=True)))
    values["schema_version"] = SCHEMA_VERSION
    if as_of is not None:
        values["as_of"] = as_of.isoformat()
    else:
        values.pop("as_of", None)
    values["generator"] = GENERATOR
    stamp = (now or dt.datetime.now(dt.UTC)).astimezone(dt.UTC).replace(microsecond=0)
    values["imported_at"] = stamp.isoformat().replace("+00:00", "Z")
    if from_transactions:
        values["revenue_derived_from"] = TRANSACTIONS
    return values


__all__ = ["FILE", "ImportProblems", "ImportResult", "run_import"]
