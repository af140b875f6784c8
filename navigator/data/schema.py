"""The lifecycle schema: table DDL lives in `queries/schema/*.sql`, one table a file."""

from __future__ import annotations

from collections.abc import Iterable
from functools import cache

import duckdb

from navigator.data.paths import queries_dir

SCHEMA_VERSION = "1"

# Tables every navigator database has; the dashboard refuses a file without them.
REQUIRED_TABLES = ("accounts", "revenue_movements")
# Tables that fill particular panels; a file may lack them and still open.
OPTIONAL_TABLES = (
    "meta",
    "markets",
    "market_sizes",
    "market_alternatives",
    "teams",
    "reps",
    "opportunities",
    "handoffs",
    "commitments",
    "service_events",
    "nps_responses",
    "reputation_events",
    "targets",
    "transactions",
)
ALL_TABLES = REQUIRED_TABLES + OPTIONAL_TABLES
# Tables only `navigator import` fills: the order and invoice lines that revenue was derived from
# (the sample generator records its revenue as movements and has none).
IMPORT_ONLY_TABLES = ("transactions",)


@cache
def table_ddl() -> dict[str, str]:
    """CREATE TABLE statements by table name, read from `queries/schema/`."""
    folder = queries_dir() / "schema"
    ddl = {path.stem: path.read_text(encoding="utf-8") for path in sorted(folder.glob("*.sql"))}
    missing = set(ALL_TABLES) - set(ddl)
    if missing:
        raise FileNotFoundError(f"schema files missing for: {', '.join(sorted(missing))}")
    return ddl


def create_schema(conn: duckdb.DuckDBPyConnection, tables: tuple[str, ...] = ALL_TABLES) -> None:
    """Create the (empty) lifecycle tables on a writable connection."""
    ddl = table_ddl()
    for name in tables:
        conn.execute(ddl[name])


def create_stand_ins(conn: duckdb.DuckDBPyConnection, tables: Iterable[str]) -> None:
    """Empty temporary tables of the right shape for tables a connection lacks, so that every named
    query runs (temporary objects belong to one connection: each cursor needs its own)."""
    ddl = table_ddl()
    for name in tables:
        conn.execute(ddl[name].replace("CREATE TABLE", "CREATE TEMP TABLE", 1))
