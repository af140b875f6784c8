"""Named queries: one SQL file a query under `queries/`, its name the file's name.

Each file starts with a comment header that declares what it takes and returns:

    -- Win rate and sales cycle of new-business deals closed in the window.
    -- param: as_of DATE = latest
    -- param: window INTEGER = 3
    -- param: market_id VARCHAR = null
    -- returns: month, won, lost, win_rate
    -- tables: opportunities, accounts, reps

Parameters are bound by DuckDB (`$as_of` in the SQL), never formatted into the
text. `latest` as a DATE default means the data's as-of month.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from navigator.data.errors import UsageError
from navigator.data.paths import queries_dir

if TYPE_CHECKING:
    import duckdb
    import polars as pl

# Folders under queries/ that hold named SELECT queries (schema/ and sample/ hold DDL
# and generator steps, which are not named queries).
QUERY_FOLDERS = ("metrics", "panels", "drill")
PARAM_TYPES = ("DATE", "INTEGER", "DOUBLE", "VARCHAR", "BOOLEAN")

_PARAM_LINE = re.compile(r"^--\s*param:\s*(\w+)\s+(\w+)\s*(?:=\s*(.*?))?\s*$")
_LIST_LINE = re.compile(r"^--\s*(returns|tables):\s*(.*?)\s*$")


@dataclass(frozen=True)
class Param:
    name: str
    type: str
    default: Any  # already converted; None means SQL NULL; LATEST means "the data's as-of"

    def describe(self) -> str:
        shown = "latest" if self.default is LATEST else _show(self.default)
        return f"{self.name} {self.type} = {shown}"


class _Latest:
    def __repr__(self) -> str:
        return "latest"


LATEST: Any = _Latest()


@dataclass(frozen=True)
class NamedQuery:
    name: str
    path: Path
    sql: str
    description: str
    params: tuple[Param, ...]
    returns: tuple[str, ...]
    tables: tuple[str, ...] = field(default=())

    @property
    def param_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.params)

    @property
    def reads_rollups(self) -> bool:
        """Whether the query reads summary tables (`rollup_*`, see navigator.data.rollups)."""
        return "rollup_" in self.sql

    def bind(self, values: Mapping[str, Any], as_of: dt.date | None = None) -> dict[str, Any]:
        """Defaults filled in, values converted to their declared types; unknown names refused."""
        unknown = sorted(set(values) - set(self.param_names))
        if unknown:
            known = ", ".join(self.param_names) or "none"
            raise UsageError(
                f"query '{self.name}' has no parameter {', '.join(map(repr, unknown))} (it takes: {known})"
            )
        bound: dict[str, Any] = {}
        for param in self.params:
            raw = values.get(param.name, param.default)
            if raw is LATEST:
                if as_of is None:
                    raise UsageError(f"query '{self.name}': no as-of month known for '{param.name}'")
                raw = as_of
            bound[param.name] = convert(param, raw, self.name)
        return bound


def convert(param: Param, raw: Any, query_name: str = "") -> Any:
    """A parameter value in its declared type; strings from the shell are parsed."""
    if raw is None:
        return None
    where = f"query '{query_name}': " if query_name else ""
    try:
        if param.type == "DATE":
            if isinstance(raw, dt.datetime):
                return raw.date()
            if isinstance(raw, dt.date):
                return raw
            return parse_month_or_date(str(raw))
        if param.type == "INTEGER":
            if isinstance(raw, bool):
                raise ValueError
            return int(raw)
        if param.type == "DOUBLE":
            return float(raw)
        if param.type == "BOOLEAN":
            if isinstance(raw, bool):
                return raw
            text = str(raw).strip().lower()
            if text in ("true", "1", "yes"):
                return True
            if text in ("false", "0", "no"):
                return False
            raise ValueError
        return str(raw)
    except (TypeError, ValueError):
        raise UsageError(f"{where}parameter '{param.name}' must be {param.type}, got {raw!r}") from None


def parse_month_or_date(text: str) -> dt.date:
    """'2026-10' -> 2026-10-01; '2026-10-17' stays a day."""
    text = text.strip()
    if re.fullmatch(r"\d{4}-\d{2}", text):
        return dt.date.fromisoformat(text + "-01")
    return dt.date.fromisoformat(text)


def parse_file(path: Path) -> NamedQuery:
    sql = path.read_text(encoding="utf-8")
    description: list[str] = []
    params: list[Param] = []
    lists: dict[str, tuple[str, ...]] = {"returns": (), "tables": ()}
    for line in sql.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        if match := _PARAM_LINE.match(stripped):
            name, type_, default = match.group(1), match.group(2).upper(), match.group(3)
            if type_ not in PARAM_TYPES:
                raise ValueError(f"{path}: parameter '{name}' has unknown type {type_}")
            params.append(Param(name, type_, _parse_default(name, type_, default, path)))
        elif match := _LIST_LINE.match(stripped):
            lists[match.group(1)] = tuple(item.strip() for item in match.group(2).split(",") if item.strip())
        else:
            description.append(stripped.lstrip("-").strip())
    if not lists["returns"]:
        raise ValueError(f"{path}: the header must declare '-- returns: ...'")
    return NamedQuery(
        name=path.stem,
        path=path,
        sql=sql,
        description=" ".join(part for part in description if part),
        params=tuple(params),
        returns=lists["returns"],
        tables=lists["tables"],
    )


def _parse_default(name: str, type_: str, text: str | None, path: Path) -> Any:
    if text is None or text.lower() == "null":
        return None
    if type_ == "DATE" and text.lower() == "latest":
        return LATEST
    try:
        return convert(Param(name, type_, None), text)
    except UsageError as exc:
        raise ValueError(f"{path}: bad default for '{name}': {exc}") from None


@cache
def registry() -> dict[str, NamedQuery]:
    """Every named query, by name."""
    found: dict[str, NamedQuery] = {}
    root = queries_dir()
    for folder in QUERY_FOLDERS:
        for path in sorted((root / folder).glob("*.sql")):
            query = parse_file(path)
            if query.name in found:
                raise ValueError(f"two queries are named '{query.name}': {found[query.name].path} and {path}")
            found[query.name] = query
    return found


def get(name: str) -> NamedQuery:
    try:
        return registry()[name]
    except KeyError:
        close = [known for known in registry() if name in known or known in name]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise UsageError(f"no query named '{name}'{hint}; `navigator query --list` lists them") from None


def run(
    conn: duckdb.DuckDBPyConnection,
    name: str,
    *,
    latest: dt.date | None = None,
    prepared: bool = False,
    **values: Any,
) -> pl.DataFrame:
    """Run a named query on a connection (or cursor) and return a Polars DataFrame.

    `latest` is what a `= latest` DATE default resolves to (the data's as-of month). `prepared`
    says the connection already reads the summary tables (a `Database` from navigator.data.source);
    otherwise a connection without them gets them as temporary views first.
    """
    query = get(name)
    bound = query.bind(values, as_of=latest)
    if query.reads_rollups and not prepared:
        from navigator.data import rollups

        rollups.ensure(conn)
    import polars as pl

    # Through the Arrow C stream interface, not `.pl()`: that one goes through pyarrow, whose import
    # alone costs the dashboard about 65 MB of memory and 0.2 s.
    return pl.DataFrame(conn.sql(query.sql, params=bound))


def _show(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)
