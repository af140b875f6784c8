"""The data layer never imports Textual: it must run in scripts, workers and servers alike."""

from __future__ import annotations

import subprocess
import sys

DATA_MODULES = [
    "navigator.boardpack",
    "navigator.data.errors",
    "navigator.data.extensions",
    "navigator.data.importer",
    "navigator.data.mapping",
    "navigator.data.paths",
    "navigator.data.queries",
    "navigator.data.rollups",
    "navigator.data.readers",
    "navigator.data.report",
    "navigator.data.sample",
    "navigator.data.warnings",
    "navigator.data.schema",
    "navigator.data.source",
    "navigator.data.transactions",
    "navigator.data.validate",
    "navigator.format",
    "navigator.output",
]


def test_data_layer_imports_no_textual() -> None:
    code = (
        "import sys\n"
        f"for name in {DATA_MODULES!r}:\n"
        "    __import__(name)\n"
        "print(sorted(m for m in sys.modules if m == 'textual' or m.startswith('textual.')))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]", f"data modules pulled in Textual: {result.stdout}"


def test_cli_help_imports_no_heavy_libraries() -> None:
    """`navigator --help` stays fast: no DuckDB, Polars or Textual until a command needs them."""
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from navigator.cli import cli\n"
        "result = CliRunner().invoke(cli, ['--help'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'duckdb', 'polars', 'textual', 'pyarrow'}))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_the_dashboards_queries_do_not_load_pyarrow(sample_db) -> None:
    """Results reach Polars through the Arrow C stream interface; pyarrow (65 MB of memory once
    imported) is only for the importer."""
    code = (
        "import sys\n"
        "from navigator.data.report import ViewState\n"
        "from navigator.data.source import open_database\n"
        "from navigator.panels import PANELS\n"
        f"db = open_database({str(sample_db)!r})\n"
        "for info in PANELS:\n"
        "    with db.session() as session:\n"
        "        info.load().load(session, ViewState(as_of=db.as_of))\n"
        "print('pyarrow' in sys.modules)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "False", result.stderr
