"""The optional TOML mapping of `navigator import --mapping FILE.toml`.

Its format, with an example, is in docs/import.md: a `[files]` section (a file name or glob ->
the table it fills), and per table `[TABLE.columns]` (the file's column = navigator's column),
`[TABLE.constants]` (a column the file lacks, the same value on every row) and `ignore` (the
file's columns that navigator has no use for).
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from navigator.data.errors import UsageError
from navigator.data.ingest.problems import show_value
from navigator.data.ingest.specs import MONTH_COLUMNS, table_specs
from navigator.data.ingest.values import EXPECTED_TYPE, parse_column

SECTION_KEYS = ("columns", "constants", "ignore")


@dataclass(frozen=True)
class TableMapping:
    columns: dict[str, str] = field(default_factory=dict)  # the file's column -> navigator's column
    constants: dict[str, Any] = field(default_factory=dict)  # navigator's column -> value
    ignore: tuple[str, ...] = ()

    def target_of(self, column: str) -> str | None:
        """The navigator column a file's column is renamed to, matched exactly, then ignoring case."""
        if column in self.columns:
            return self.columns[column]
        folded = {key.strip().casefold(): value for key, value in self.columns.items()}
        return folded.get(column.strip().casefold())

    def ignores(self, column: str) -> bool:
        return column.strip().casefold() in {name.strip().casefold() for name in self.ignore}


@dataclass(frozen=True)
class Mapping:
    files: dict[str, str] = field(default_factory=dict)  # glob on the file name -> table
    tables: dict[str, TableMapping] = field(default_factory=dict)

    def table_for(self, path: Path) -> str | None:
        for pattern, table in self.files.items():
            if fnmatch.fnmatchcase(path.name, pattern) or fnmatch.fnmatchcase(path.name.lower(), pattern.lower()):
                return table
        return None

    def for_table(self, table: str) -> TableMapping:
        return self.tables.get(table, TableMapping())


def load_mapping(path: Path | None) -> Mapping:
    """Read and check a mapping file; every mistake is a UsageError naming the file and the key."""
    if path is None:
        return Mapping()
    shown = str(path)
    if not path.is_file():
        raise UsageError(f"no such mapping file: {shown}")
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise UsageError(f"{shown}: not UTF-8 text; save the mapping file as UTF-8") from None
    except tomllib.TOMLDecodeError as exc:
        raise UsageError(f"{shown}: not valid TOML: {exc}") from None
    specs = table_specs()
    names = ", ".join(specs)
    files: dict[str, str] = {}
    tables: dict[str, TableMapping] = {}
    for key, section in document.items():
        if key == "files":
            if not isinstance(section, dict):
                raise UsageError(f'{shown}: [files] takes "file name or pattern" = "table" lines')
            for pattern, table in section.items():
                if table not in specs:
                    raise UsageError(f"{shown}: [files] {pattern!r} = {table!r}: no such table (tables: {names})")
                files[pattern] = table
            continue
        if key not in specs:
            raise UsageError(f"{shown}: [{key}]: no such table (tables: {names}; and [files])")
        if not isinstance(section, dict):
            raise UsageError(f"{shown}: {key} must be a section [{key}]")
        tables[key] = _table_mapping(shown, key, section)
    return Mapping(files=files, tables=tables)


def _table_mapping(shown: str, table: str, section: dict[str, Any]) -> TableMapping:
    spec = table_specs()[table]
    known = ", ".join(spec.columns)
    unknown = [key for key in section if key not in SECTION_KEYS]
    if unknown:
        raise UsageError(
            f"{shown}: [{table}] has {', '.join(map(repr, unknown))}: expected only columns, constants and ignore"
        )
    columns = section.get("columns", {})
    if not isinstance(columns, dict) or not all(isinstance(v, str) for v in columns.values()):
        raise UsageError(f'{shown}: [{table}.columns] takes "file column" = "navigator column" lines')
    for source, target in columns.items():
        if target not in spec.columns:
            raise UsageError(
                f"{shown}: [{table}.columns] {source!r} = {target!r}: {table} has no column {target!r} "
                f"(its columns: {known})"
            )
    targets = list(columns.values())
    twice = sorted({t for t in targets if targets.count(t) > 1})
    if twice:
        raise UsageError(f"{shown}: [{table}.columns] fills {', '.join(twice)} from more than one column")
    constants = section.get("constants", {})
    if not isinstance(constants, dict):
        raise UsageError(f"{shown}: [{table}.constants] takes column = value lines")
    for column, value in constants.items():
        if column not in spec.columns:
            raise UsageError(
                f"{shown}: [{table}.constants] {column}: {table} has no such column (its columns: {known})"
            )
        problem = _constant_problem(table, column, value)
        if problem:
            raise UsageError(f"{shown}: [{table}.constants] {column} = {show_value(value)}: {problem}")
        if column in targets:
            raise UsageError(f"{shown}: [{table}] {column} is both renamed from a column and set as a constant")
    ignore = section.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(v, str) for v in ignore):
        raise UsageError(f'{shown}: [{table}] ignore takes a list of column names, e.g. ignore = ["Notes"]')
    return TableMapping(columns=dict(columns), constants=dict(constants), ignore=tuple(ignore))


def _constant_problem(table: str, column: str, value: Any) -> str | None:
    """What is wrong with a constant for this column, or None."""
    spec = table_specs()[table]
    if isinstance(value, dict | list):
        return "expected a single value"
    if isinstance(value, dt.time):
        return "expected a date or a date and time, not a time of day"
    raw = constant_series(value, 1)
    parsed = parse_column(raw, spec.types[column], month=(table, column) in MONTH_COLUMNS)
    if parsed.bad[0]:
        return parsed.expected[0] if parsed.expected is not None else EXPECTED_TYPE[spec.types[column]]
    allowed = spec.enums.get(column)
    if allowed and parsed.values[0] not in allowed:
        return "expected one of " + ", ".join(allowed)
    return None


def constant_series(value: Any, height: int, name: str = "value") -> pl.Series:
    """A TOML value repeated on every row, with the Polars type of its TOML type."""
    if isinstance(value, bool):
        return pl.Series(name, [value] * height, dtype=pl.Boolean)
    if isinstance(value, int):
        return pl.Series(name, [value] * height, dtype=pl.Int64)
    if isinstance(value, float):
        return pl.Series(name, [value] * height, dtype=pl.Float64)
    if isinstance(value, dt.datetime):
        return pl.Series(name, [value.replace(tzinfo=None)] * height, dtype=pl.Datetime("us"))
    if isinstance(value, dt.date):
        return pl.Series(name, [value] * height, dtype=pl.Date)
    return pl.Series(name, [str(value)] * height, dtype=pl.String)
