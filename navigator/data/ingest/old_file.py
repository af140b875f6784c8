"""The navigator file an import replaces: what it holds, and whether what it keeps still finds the
rows it refers to in the tables the import replaces."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from pathlib import Path

import duckdb
import polars as pl

from navigator.data.errors import DataSourceError, UsageError
from navigator.data.extensions import NO_DOWNLOADS
from navigator.data.ingest.problems import Problem, Problems
from navigator.data.schema import ALL_TABLES
from navigator.data.source import _ident


@dataclass
class OldFile:
    path: Path
    tables: list[tuple[str, str]]  # (schema, table) of every table, navigator's or not
    row_counts: dict[tuple[str, str], int]
    meta: dict[str, str]

    @property
    def navigator_tables(self) -> set[str]:
        return {name for schema, name in self.tables if schema == "main" and name in ALL_TABLES}

    def connect(self) -> duckdb.DuckDBPyConnection:
        return duckdb.connect(str(self.path), read_only=True, config=NO_DOWNLOADS)


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


def old_values(old: OldFile, table: str, column: str) -> pl.Series | None:
    """Distinct non-null values of a column of the old file (None if it lacks the table or column)."""
    if table not in old.navigator_tables:
        return None
    conn = old.connect()
    try:
        frame = conn.execute(
            f"SELECT DISTINCT {_ident(column)} AS v FROM main.{_ident(table)} WHERE {_ident(column)} IS NOT NULL"
        ).pl()
    except duckdb.Error:
        return None
    finally:
        conn.close()
    return frame["v"].cast(pl.String)


def check_kept_reference(
    old: OldFile,
    table: str,
    column: str,
    target: str,
    key: str,
    known: pl.Series,
    where: str,
    problems: Problems,
) -> None:
    """The old file's `table`, which the import keeps, must still find each `column` value among the
    incoming `target.key` values."""
    conn = old.connect()
    try:
        keys = pl.DataFrame({"k": known.unique()})
        conn.register("incoming_keys", keys.to_arrow())
        try:
            rows = conn.execute(
                f"SELECT {_ident(column)} AS v, count(*) AS n FROM main.{_ident(table)} "
                f"WHERE {_ident(column)} IS NOT NULL AND {_ident(column)} NOT IN (SELECT k FROM incoming_keys) "
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
            expected=f"expected an existing {target}.{key} (looked in {where}): import {table} too, or keep that {key}",
            order=(-1, 0),
            detail=f"{count} kept row{'s' if count != 1 else ''} refer{'' if count != 1 else 's'} to it",
        )
        for value, count in rows[:3]
    ]
    problems.add_many(len(rows), examples)
