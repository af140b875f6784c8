"""DuckDB extensions from the PyPI packages that ship them, never from the network.

DuckDB normally downloads an extension such as `postgres` from extensions.duckdb.org the first
time it is needed. navigator never does: the binaries come from the `duckdb-extension-postgres`
and `duckdb-extension-ducklake` wheels (the `navigator[sources]` extra), built for one exact
DuckDB version. Loading such a file by its path fails on the entry-point name (the file is
called `postgres.duckdb_extension`, the extension inside is `postgres_scanner`), so it is
installed from the path first (a local copy into DuckDB's extension folder, no download) and
then loaded by name.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import duckdb

from navigator.data.errors import DataSourceError

EXTRA = "navigator[sources]"

# extension name -> (import name of the package, its PyPI name, the file inside it)
PACKAGES: dict[str, tuple[str, str, str]] = {
    "postgres": ("duckdb_extension_postgres", "duckdb-extension-postgres", "postgres.duckdb_extension"),
    "ducklake": ("duckdb_extension_ducklake", "duckdb-extension-ducklake", "ducklake.duckdb_extension"),
}

# Connection settings for every source: never download an extension behind the user's back.
NO_DOWNLOADS = {"autoinstall_known_extensions": False}


def sql_string(text: str) -> str:
    """A SQL string literal: single quotes doubled. For paths and connection strings that DuckDB
    will not take as bound parameters (ATTACH, INSTALL); they only ever come from the user's own
    command line."""
    return "'" + text.replace("'", "''") + "'"


def extension_file(name: str, purpose: str) -> Path:
    """The extension binary shipped by its PyPI package, for the running DuckDB version."""
    module, dist, filename = PACKAGES[name]
    try:
        spec = importlib.util.find_spec(module)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.submodule_search_locations:
        raise DataSourceError(
            f"{purpose} needs DuckDB's {name} extension, which comes in the {dist} package: "
            f"pip install '{EXTRA}' (navigator never downloads extensions)"
        )
    root = Path(next(iter(spec.submodule_search_locations)))
    version = duckdb.__version__
    path = root / "extensions" / f"v{version}" / filename
    if not path.is_file():
        found = sorted(p.name for p in (root / "extensions").glob("v*") if p.is_dir())
        builds = f"it has builds for {', '.join(found)}" if found else "it has no extension file"
        raise DataSourceError(
            f"{purpose} needs {dist}=={version} to match DuckDB {version}, but {builds}: "
            f"pip install '{dist}=={version}'"
        )
    return path


def load(conn: duckdb.DuckDBPyConnection, name: str, purpose: str) -> None:
    """Install `name` from its package's file (a local copy, no download) and load it."""
    path = extension_file(name, purpose)
    try:
        conn.execute(f"INSTALL {sql_string(str(path))}")
        conn.execute(f"LOAD {name}")
    except duckdb.Error as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise DataSourceError(f"{purpose}: cannot load DuckDB's {name} extension from {path}: {first}") from None
