"""The deterministic sample database: a fixed history (2023-01 ... 2026-10) that tells a story.

Everything is generated inside DuckDB by the SQL steps in `queries/sample/` (run in the
waves of `WAVES`), with pseudo-random numbers from `hash(seed, key, salt)` and no clock, so
the same seed gives the same tables at any thread count, and another seed different data
with the same story. The file is built beside `out` under a temporary name and moved onto `out` only when
complete; on any error (or Ctrl-C) the temporary file is removed and `out` is left untouched.

    generate(Path("sample.duckdb"), seed=42, scale="demo")    # ~50k rows, half a second
    generate(Path("big.duckdb"), scale="10m")                  # ~10 million rows in all tables

Staging tables live in an in-memory database attached as `stage` (the default catalog of
every connection, with the file's own catalog next on the search path), so the steps of a
wave can run at the same time on separate cursors: writing a table with a primary key keeps
barely one core busy, and the big tables are independent of each other.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
from collections.abc import Callable
from concurrent.futures import FIRST_EXCEPTION, Future, ThreadPoolExecutor, wait
from pathlib import Path

import duckdb

from navigator.data import rollups
from navigator.data.errors import UsageError
from navigator.data.paths import queries_dir
from navigator.data.schema import ALL_TABLES, IMPORT_ONLY_TABLES, SCHEMA_VERSION, create_schema

# The generator's SQL steps (files in queries/sample/) with their progress labels, in waves:
# the waves run one after the other; the steps of one wave only read what earlier waves made,
# so they may run concurrently (longest first). 00_setup (macros) runs on every connection.
SETUP = "00_setup"
# The tables the generator fills: every one but those only an import fills (the sample's revenue is
# movements, not invoices; those tables are there, empty).
GENERATED_TABLES = tuple(table for table in ALL_TABLES if table not in IMPORT_ONLY_TABLES)
WAVES: tuple[tuple[tuple[str, str], ...], ...] = (
    (("01_dimensions", "markets, teams and reps"),),
    (("02_accounts", "accounts"),),
    (("03_deals", "new-business deals"),),
    (("04_customers", "customer lifecycles"),),
    (("05_expansions", "expansion deals"),),
    (
        ("11_service_events", "service events"),
        ("08_opportunities", "opportunities"),
        ("07_accounts", "referrals and accounts"),
        ("10_commitments", "commitments"),
        ("12_nps", "NPS surveys"),
        ("09_handoffs", "hand-offs"),
        ("06_revenue", "revenue movements"),
        ("13_reputation", "reputation assets"),
    ),
    (("14_targets", "targets"),),
    (("15_meta", "meta"),),
)
STEPS: tuple[tuple[str, str], ...] = tuple(step for wave in WAVES for step in wave)
# Connections that run a wave's steps at the same time (DuckDB parallelises each step too).
WORKERS = 2

PRESETS: dict[str, int] = {"demo": 50_000}
MIN_ROWS = 10_000
MAX_ROWS = 1_000_000_000

# Rows in all tables per account, measured on the generated data (the shares are the same at
# every scale), and the rows that do not grow with scale (markets, sizes, teams, targets...).
ROWS_PER_ACCOUNT = 14.2
FIXED_ROWS = 600
DEMO_ACCOUNTS = round((PRESETS["demo"] - FIXED_ROWS) / ROWS_PER_ACCOUNT)
# Reps grow with the number of accounts, slowly: demo size has 5-6 a team.
REP_GROWTH = 0.75
# DuckDB's budget while generating; big steps spill beside the output instead.
MEMORY_LIMIT = "700MB"
# Share of the progress bar for the lifecycle tables; the summary tables take the rest.
BUILD_SHARE = 0.85

_SCALE = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*([kmb]?)\s*$", re.IGNORECASE)
_SUFFIX = {"": 1, "k": 1_000, "m": 1_000_000, "b": 1_000_000_000}

Progress = Callable[[float, str], None]


def parse_scale(text: str | int) -> int:
    """Total rows wanted: a preset ('demo'), an int, or '250k', '1m', '10M', '10_000_000'."""
    if isinstance(text, bool):
        raise UsageError(f"scale must be a preset ({', '.join(PRESETS)}) or a number of rows, got {text!r}")
    if isinstance(text, int):
        rows = text
    else:
        raw = str(text).strip()
        if raw.lower() in PRESETS:
            return PRESETS[raw.lower()]
        match = _SCALE.match(raw.replace("_", "").replace(",", ""))
        if not match:
            presets = ", ".join(repr(name) for name in PRESETS)
            raise UsageError(f"bad scale {raw!r}: use {presets} or a number of rows such as 250k, 1m, 10m or 10000000")
        rows = round(float(match.group(1)) * _SUFFIX[match.group(2).lower()])
    if rows < MIN_ROWS:
        raise UsageError(f"scale {text!r} is too small: the sample needs at least {MIN_ROWS:,} rows")
    if rows > MAX_ROWS:
        raise UsageError(f"scale {text!r} is too large: at most {MAX_ROWS:,} rows")
    return rows


def _scale_label(scale: str | int) -> str:
    if isinstance(scale, str) and scale.strip().lower() in PRESETS:
        return scale.strip().lower()
    return str(parse_scale(scale))


def accounts_for(rows: int) -> int:
    """How many accounts make about `rows` rows in all tables."""
    return max(200, round((rows - FIXED_ROWS) / ROWS_PER_ACCOUNT))


def step_sql(name: str) -> str:
    return (queries_dir() / "sample" / f"{name}.sql").read_text(encoding="utf-8")


def generate(
    out: Path,
    seed: int = 42,
    scale: str | int = "demo",
    progress: Progress | None = None,
) -> dict[str, int]:
    """Write the sample database to `out` (atomically) and return its row count per table."""
    if isinstance(seed, bool) or not isinstance(seed, int):
        raise UsageError(f"seed must be an integer, got {seed!r}")
    if not -(2**63) <= seed < 2**63:
        raise UsageError(f"seed {seed} does not fit in 64 bits")
    rows = parse_scale(scale)
    n_accounts = accounts_for(rows)
    params = {
        "seed": seed,
        "n_accounts": n_accounts,
        "rep_factor": max(1.0, (n_accounts / DEMO_ACCOUNTS) ** REP_GROWTH),
        "schema_version": SCHEMA_VERSION,
        "seed_text": str(seed),
        "scale_text": _scale_label(scale),
    }
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.parent / f".{out.name}.tmp-{os.getpid()}"
    spill = out.parent / f".{out.name}.tmp-{os.getpid()}.spill"
    _remove(tmp, spill)
    try:
        conn = duckdb.connect(
            str(tmp),
            config={
                "preserve_insertion_order": False,
                "memory_limit": MEMORY_LIMIT,
                "temp_directory": str(spill),
            },
        )
        try:
            create_schema(conn)  # every table, the import-only ones empty
            _build(conn, params, None if progress is None else lambda f, label: progress(f * BUILD_SHARE, label))
            counts = {
                table: conn.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]  # type: ignore[index]
                for table in GENERATED_TABLES
            }
            # The summary tables the dashboard reads, stored with the data (navigator.data.rollups).
            rollups.build_rollups(
                conn,
                progress=None
                if progress is None
                else lambda f, label: progress(BUILD_SHARE + f * (1 - BUILD_SHARE), label),
            )
            conn.execute("CHECKPOINT")
        finally:
            conn.close()
        stale_wal = out.parent / f"{out.name}.wal"
        if stale_wal.exists():  # a log left by a crashed session belongs to the old file
            stale_wal.unlink()
        os.replace(tmp, out)
    except BaseException:
        _remove(tmp, spill)
        raise
    finally:
        shutil.rmtree(spill, ignore_errors=True)
    return counts


def _build(conn: duckdb.DuckDBPyConnection, params: dict[str, object], progress: Progress | None) -> None:
    """Run the waves of steps: staging in the in-memory `stage`, final tables in the file."""
    database = conn.execute("SELECT current_database()").fetchone()[0]  # type: ignore[index]
    conn.execute("ATTACH ':memory:' AS stage")
    cursors = [conn] + [conn.cursor() for _ in range(WORKERS - 1)]
    quoted = '"' + str(database).replace('"', '""') + '"'  # the file's catalog, named after it
    search_path = f"stage.main,{quoted}.main".replace("'", "''")
    for cursor in cursors:
        cursor.execute("SET enable_progress_bar = false")  # progress goes through `progress`
        cursor.execute("USE stage")
        cursor.execute(f"SET search_path = '{search_path}'")
        _run_step(cursor, step_sql(SETUP), params)
    done = 0
    pool = ThreadPoolExecutor(max_workers=WORKERS, thread_name_prefix="navigator-sample")
    try:
        for wave in WAVES:
            idle = list(cursors)
            running: dict[Future[None], tuple[str, duckdb.DuckDBPyConnection]] = {}
            pending = list(wave)
            while pending or running:
                while pending and idle:
                    name, label = pending.pop(0)
                    cursor = idle.pop()
                    running[pool.submit(_run_step, cursor, step_sql(name), params)] = (label, cursor)
                finished, _ = wait(running, return_when=FIRST_EXCEPTION)
                for future in finished:
                    label, cursor = running.pop(future)
                    future.result()  # re-raises the step's error
                    idle.append(cursor)
                    done += 1
                    if progress is not None:
                        progress(done / len(STEPS), label)
    except BaseException:
        for cursor in cursors:  # stop what still runs, so that the pool need not wait for it
            cursor.interrupt()
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)
        for cursor in cursors[1:]:
            cursor.close()
    conn.execute(f"USE {quoted}")
    conn.execute("DETACH stage")


def _run_step(conn: duckdb.DuckDBPyConnection, sql: str, params: dict[str, object]) -> None:
    """Run every statement of a step file, binding the named parameters each one uses."""
    for statement in conn.extract_statements(sql):
        used = {name: params[name] for name in statement.named_parameters}
        conn.execute(statement, used)


def _remove(tmp: Path, spill: Path) -> None:
    for path in (tmp, tmp.with_name(tmp.name + ".wal")):
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    shutil.rmtree(spill, ignore_errors=True)
