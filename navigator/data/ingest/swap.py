"""Building the new database beside the old one and swapping it in atomically (docs/import.md,
"Nothing is lost: how the file is replaced").

The new database is written to `.NAME.import-PID.tmp` in the same folder: the old file is attached
read-only, its schema copied, the tables that are not replaced copied row for row, the incoming
tables loaded, `meta` written, the summary tables built. Then the file is synced and renamed over
the old one with `os.replace`, which is atomic on one file system: a reader sees the old file or the
new one, never a mix. Readers that have the old file open keep reading it until they reopen.

A failure or an interruption before the rename (an exception, Ctrl+C, SIGTERM) removes the
temporary files and leaves the old file untouched, byte for byte; a SIGKILL can leave a
temporary file behind, and the next import into the same file removes it (its process is gone).
"""

from __future__ import annotations

import contextlib
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

from navigator.data import rollups
from navigator.data.errors import DataSourceError, NavigatorError
from navigator.data.extensions import NO_DOWNLOADS, sql_string
from navigator.data.ingest.old_file import OldFile
from navigator.data.schema import ALL_TABLES, table_ddl
from navigator.data.source import _ident

Progress = Callable[[float, str], None]

# A test hook: with this set to a path, the import stops just before the swap, says so on stderr,
# and goes on once that path exists (tests kill it there, or run a reader meanwhile).
PAUSE_ENV = "NAVIGATOR_TEST_PAUSE_BEFORE_SWAP"
# Keys an import writes when they apply, and removes from a kept meta when they do not.
CLEARED_KEYS = (
    "as_of",
    "rows_set_aside",
    "rows_set_aside_why",
    "currency",
    "revenue_derived_from",
    "accounts_derived_from",
)
# What DuckDB may hold in memory while it builds the new file (it spills to the .spill folder beyond):
# as the sample generator allows itself (navigator.data.sample.MEMORY_LIMIT).
MEMORY_LIMIT = "700MB"
# Shares of the progress bar: reading the files, checking them; the rest is writing the database.
READ_SHARE, CHECK_SHARE = 0.5, 0.1


class ImportInterrupted(NavigatorError):
    """Ctrl+C or a termination signal arrived; the temporary files are gone, the old file untouched."""

    def __init__(self, signum: int, target: Path, what: str = "import") -> None:
        name = signal.Signals(signum).name
        self.exit_code = 128 + signum
        state = f"{target} was not changed" if target.exists() else f"{target} was not created"
        super().__init__(f"{what} interrupted by {name}; {state}")


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
    drop: frozenset[str] = frozenset(),
) -> list[str]:
    """Write the new database beside `target` and rename it over `target`; returns the tables kept.
    With `meta` None the old file's `meta` is kept as it is (a refresh); the old file's tables in
    `drop` are left out. `tables` is emptied as they are written (their frames freed)."""
    tmp, spill = temp_paths(target)
    wal = tmp.with_name(tmp.name + ".wal")
    for path in (tmp, wal, spill):
        _remove(path)
    start = READ_SHARE + CHECK_SHARE
    kept: list[str] = []
    try:
        conn = duckdb.connect(
            str(tmp), config={**NO_DOWNLOADS, "temp_directory": str(spill), "memory_limit": MEMORY_LIMIT}
        )
        try:
            conn.execute("SET enable_progress_bar = false")
            catalog = _ident(str(conn.execute("SELECT current_database()").fetchone()[0]))  # type: ignore[index]
            replaced_now = set(tables)  # (emptied as they are written, below)
            replaced = replaced_now | {"meta"}
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
                    if schema == "main" and (name in tables or name in drop or name.startswith("rollup_")):
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
                del frame, tables[name]  # written: its memory is DuckDB's now
            if meta is not None:
                _write_meta(conn, meta, "meta" in (old.navigator_tables if old else set()) or "meta" in replaced_now)
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
    # keys an import writes only when they apply: gone when they no longer do
    cleared = [*meta, *CLEARED_KEYS]
    conn.execute("DELETE FROM main.meta WHERE key IN (SELECT unnest($keys))", {"keys": cleared})
    conn.executemany("INSERT INTO main.meta (key, value) VALUES (?, ?)", list(meta.items()))


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
