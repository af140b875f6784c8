"""Summary tables (rollups): the lifecycle data pre-aggregated so that the named queries read
thousands of rows instead of millions.

Each is defined by one `CREATE TABLE rollup_<what> AS ...` file in `queries/rollups/`, at the
finest grain the filters need (month x market x segment x region x team, and the dates the "as
known at the end of the month" figures cut on), holding additive measures, so that any filter
is a sum over cells. Medians and percentiles are not additive: for them the tables keep one slim
row per deal or hand-off, with its filter columns beside it, sorted by date, so that a query reads
only the months it needs. `ROLLUPS` lists them in build order (later ones read earlier ones).

Where they live:

- a DuckDB file made by `navigator sample`, `navigator import` or `navigator refresh` stores them,
  with `rollups_version` (a hash of the SQL that built them) and `rollups_fingerprint` (row counts,
  date ranges and a few sums of the lifecycle tables) in `meta`;
- `prepare()` (called by `navigator.data.source` when a source is opened) reads the stored ones
  when they are present and fresh, and otherwise builds them in the in-memory database that holds
  the source's views (a Parquet folder, PostgreSQL, a DuckLake, or a DuckDB file without them);
- a plain DuckDB connection without them (tests, scripts calling `queries.run`) gets temporary
  views with the same definitions (`ensure()`): slower, always current.

No Textual here.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from collections.abc import Callable
from functools import cache
from typing import TYPE_CHECKING

from navigator.data.paths import queries_dir
from navigator.data.schema import ALL_TABLES, create_stand_ins, table_ddl

if TYPE_CHECKING:
    import duckdb

# Build order: each table reads only the lifecycle tables and the rollups before it.
ROLLUPS: tuple[str, ...] = (
    "rollup_bounds",
    "rollup_account_months",
    "rollup_revenue",
    "rollup_active",
    "rollup_retention",
    "rollup_lost_customers",
    "rollup_cohorts",
    "rollup_new_customers",
    "rollup_accounts",
    "rollup_deals",
    "rollup_pipeline",
    "rollup_won_deals",
    "rollup_complaint_hits",
    "rollup_nps",
    "rollup_promises",
    "rollup_handoffs",
    "rollup_reputation",
    "rollup_references",
    "rollup_referrals",
    "rollup_referral_pipeline",
    "rollup_referral_nodes",
)
VERSION_KEY = "rollups_version"
FINGERPRINT_KEY = "rollups_fingerprint"
# The lifecycle tables the fingerprint covers (meta holds the fingerprint itself).
FINGERPRINTED = tuple(name for name in ALL_TABLES if name != "meta")
# Small tables whose every value goes into the fingerprint (a rep moved to another team changes
# the cells); the big ones contribute counts, date ranges and a sum of money.
HASHED = ("markets", "market_sizes", "market_alternatives", "teams", "reps", "targets")
SUMMED = {"revenue_movements": "mrr_change", "opportunities": "amount"}

_CREATE = re.compile(r"^CREATE TABLE (rollup_\w+) AS\b", re.MULTILINE)

Progress = Callable[[float, str], None]


@cache
def rollup_sql() -> dict[str, str]:
    """The CREATE TABLE statement of each rollup, in build order, read from `queries/rollups/`."""
    folder = queries_dir() / "rollups"
    found = {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.sql"))}
    if set(found) != set(ROLLUPS):
        extra, missing = sorted(set(found) - set(ROLLUPS)), sorted(set(ROLLUPS) - set(found))
        raise FileNotFoundError(f"queries/rollups/ does not match ROLLUPS (extra {extra}, missing {missing})")
    for name, sql in found.items():
        match = _CREATE.search(sql)
        if not match or match.group(1) != name:
            raise ValueError(f"queries/rollups/{name}.sql must say CREATE TABLE {name} AS ...")
    return {name: found[name] for name in ROLLUPS}


@cache
def version() -> str:
    """A hash of the rollup definitions: stored rollups built by other SQL are stale."""
    digest = hashlib.sha256()
    for name, sql in rollup_sql().items():
        digest.update(name.encode() + b"\0" + sql.encode() + b"\0")
    return digest.hexdigest()[:16]


@cache
def _columns() -> dict[str, dict[str, str]]:
    """Column -> type of each lifecycle table, from the DDL (in DDL order)."""
    columns: dict[str, dict[str, str]] = {}
    for table, ddl in table_ddl().items():
        body = ddl[ddl.index("(") + 1 : ddl.rindex(")")]
        found: dict[str, str] = {}
        for line in body.splitlines():
            match = re.match(r"\s*([a-z_]+)\s+([A-Z]+)", line)
            if match and match.group(1) not in ("primary", "check", "unique", "foreign", "constraint"):
                found[match.group(1)] = match.group(2)
        columns[table] = found
    return columns


def present_tables(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """The lifecycle tables a connection can read by their plain names (tables, views, stand-ins)."""
    return [name for name in ALL_TABLES if _readable(conn, name)]


def _readable(conn: duckdb.DuckDBPyConnection, name: str) -> bool:
    import duckdb

    try:
        conn.execute(f"SELECT 1 FROM {name} LIMIT 0")
    except duckdb.CatalogException:
        return False
    return True


def fingerprint(conn: duckdb.DuckDBPyConnection) -> str:
    """What the rollups were built from, cheaply: per lifecycle table its row count and the range of
    each date column, the sum of money for the two big money tables and a hash of every row of the
    small ones. Reading it costs milliseconds at 10 million rows (counts and ranges come from
    DuckDB's statistics), so a file opened read-only can tell whether its rollups still match."""
    present = set(present_tables(conn))
    parts = []
    for table in FINGERPRINTED:
        columns = _columns()[table]
        if table not in present:  # the same as an empty table (a stand-in): absent and empty read alike
            dates = sum(2 for kind in columns.values() if kind in ("DATE", "TIMESTAMP"))
            empty = "|".join(["0", *["-"] * (dates + (table in SUMMED) + (table in HASHED))])
            parts.append(f"SELECT '{table}' AS t, '{empty}' AS v")
            continue
        items = ["count(*)::VARCHAR"]
        for column, kind in columns.items():
            if kind in ("DATE", "TIMESTAMP"):
                items += [f"min({column})::VARCHAR", f"max({column})::VARCHAR"]
        if table in SUMMED:
            items.append(f"round(sum({SUMMED[table]}), 4)::VARCHAR")
        if table in HASHED:
            row = ", ".join(f"CAST({column} AS {kind})" for column, kind in columns.items())
            items.append(f"bit_xor(hash({row}))::VARCHAR")
        joined = " || '|' || ".join(f"coalesce({item}, '-')" for item in items)
        parts.append(f"SELECT '{table}' AS t, {joined} AS v FROM {table}")
    rows = dict(conn.execute(" UNION ALL ".join(parts)).fetchall())
    return json.dumps({table: rows[table] for table in FINGERPRINTED}, separators=(",", ":"))


def _stored(conn: duckdb.DuckDBPyConnection, catalog: str | None) -> set[str]:
    where = "database_name = current_database()" if catalog is None else "database_name = $catalog"
    rows = conn.execute(
        f"SELECT table_name FROM duckdb_tables() WHERE {where} AND schema_name = 'main' "
        "AND table_name LIKE 'rollup\\_%' ESCAPE '\\'",
        {} if catalog is None else {"catalog": catalog},
    ).fetchall()
    return {str(row[0]) for row in rows}


def _meta(conn: duckdb.DuckDBPyConnection) -> dict[str, str]:
    import duckdb

    try:
        rows = conn.execute(
            "SELECT key, value FROM meta WHERE key IN ($version, $fingerprint)",
            {"version": VERSION_KEY, "fingerprint": FINGERPRINT_KEY},
        ).fetchall()
    except duckdb.Error:
        return {}
    return {str(key): str(value) for key, value in rows}


def rollups_present_and_fresh(conn: duckdb.DuckDBPyConnection, catalog: str | None = None) -> bool:
    """True when every rollup is stored (in `catalog`.main, default the connection's database) and
    `meta` says they were built by this version's SQL from the lifecycle tables as they are now."""
    return freshness(conn, catalog) == "fresh"


def freshness(conn: duckdb.DuckDBPyConnection, catalog: str | None = None) -> str:
    """'fresh', 'absent' (no or only some rollups stored) or 'stale' (built from other data or SQL)."""
    if not set(ROLLUPS) <= _stored(conn, catalog):
        return "absent"
    meta = _meta(conn)
    if meta.get(VERSION_KEY) != version() or meta.get(FINGERPRINT_KEY) != fingerprint(conn):
        return "stale"
    return "fresh"


def build_rollups(
    conn: duckdb.DuckDBPyConnection,
    *,
    record: bool = True,
    progress: Progress | None = None,
) -> dict[str, float]:
    """Build every rollup in the connection's current database (replacing any there), reading the
    lifecycle tables by their plain names; tables it lacks are read as empty. With `record`, write
    the version and fingerprint into `meta` (created if missing). Returns seconds per rollup."""
    present = present_tables(conn)
    stand_ins = [name for name in ALL_TABLES if name not in present]
    create_stand_ins(conn, stand_ins)
    timings: dict[str, float] = {}
    try:
        for index, (name, sql) in enumerate(rollup_sql().items()):
            if progress is not None:
                progress(index / len(ROLLUPS), f"summary table {name.removeprefix('rollup_')}")
            started = time.perf_counter()
            conn.execute(f"DROP TABLE IF EXISTS main.{name}")
            conn.execute(sql)
            timings[name] = time.perf_counter() - started
        if record:
            stamp = fingerprint(conn)
            if "meta" in stand_ins:
                conn.execute("DROP TABLE temp.meta")
                stand_ins.remove("meta")
                conn.execute(table_ddl()["meta"])
            conn.execute("DELETE FROM meta WHERE key IN ($version, $fingerprint)", _keys())
            conn.execute(
                "INSERT INTO meta (key, value) VALUES ($version, $version_value), ($fingerprint, $stamp)",
                {**_keys(), "version_value": version(), "stamp": stamp},
            )
    finally:
        for name in stand_ins:
            conn.execute(f"DROP TABLE IF EXISTS temp.{name}")
    if progress is not None:
        progress(1.0, "summary tables built")
    return timings


def _keys() -> dict[str, str]:
    return {"version": VERSION_KEY, "fingerprint": FINGERPRINT_KEY}


def drop_rollups(conn: duckdb.DuckDBPyConnection) -> None:
    """Remove every rollup table from the connection's current database."""
    for name in _stored(conn, None):
        conn.execute(f"DROP TABLE IF EXISTS main.{name}")


def prepare(conn: duckdb.DuckDBPyConnection, *, stored_in: str | None = None, announce: str | None = None) -> str:
    """Make every `rollup_*` readable by its plain name in the in-memory database of an opened
    source: views onto `stored_in`.main when the source stores them fresh, else tables built
    here from the source's views. With `announce` (a DuckDB file's path), say once on stderr that
    they were built in memory and how to store them. Returns 'stored' or 'built'."""
    state = freshness(conn, stored_in) if stored_in is not None else "absent"
    if state == "fresh":
        for name in ROLLUPS:
            conn.execute(f'CREATE OR REPLACE VIEW main.{name} AS SELECT * FROM "{stored_in}".main.{name}')
        return "stored"
    build_rollups(conn, record=False)
    if announce is not None:
        _say_once(announce, state)
    return "built"


_ANNOUNCED: set[tuple[str, str]] = set()


def _say_once(path: str, state: str) -> None:
    if (path, state) in _ANNOUNCED:
        return
    _ANNOUNCED.add((path, state))
    why = "are out of date" if state == "stale" else "are not stored"
    print(
        f"navigator: note: the summary tables of {path} {why}; building summary tables in memory: "
        f"run `navigator refresh --db {path}` to store them",
        file=sys.stderr,
        flush=True,
    )


def ensure(conn: duckdb.DuckDBPyConnection) -> None:
    """On a plain connection without rollups, create them as temporary views (computed at each read,
    so always current): for tests and scripts that call `queries.run` on their own connection."""
    if _readable(conn, "rollup_bounds"):
        return
    present = present_tables(conn)
    create_stand_ins(conn, [name for name in ALL_TABLES if name not in present])
    for name, sql in rollup_sql().items():
        conn.execute(_CREATE.sub(f"CREATE OR REPLACE TEMP VIEW {name} AS", sql, count=1))
