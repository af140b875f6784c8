"""The data layer never imports Textual: it must run in scripts, workers and servers alike."""

from __future__ import annotations

import subprocess
import sys

DATA_MODULES = [
    "navigator.boardpack",
    "navigator.data.errors",
    "navigator.data.extensions",
    "navigator.data.as_of",
    "navigator.data.importer",
    "navigator.data.ingest.accounts",
    "navigator.data.ingest.checks",
    "navigator.data.ingest.columns",
    "navigator.data.ingest.currencies",
    "navigator.data.ingest.incoming",
    "navigator.data.ingest.ledger",
    "navigator.data.ingest.mapping",
    "navigator.data.ingest.old_file",
    "navigator.data.ingest.plan",
    "navigator.data.ingest.problems",
    "navigator.data.ingest.readers",
    "navigator.data.ingest.revenue",
    "navigator.data.ingest.set_aside",
    "navigator.data.ingest.specs",
    "navigator.data.ingest.swap",
    "navigator.data.ingest.transactions",
    "navigator.data.ingest.values",
    "navigator.data.paths",
    "navigator.data.queries",
    "navigator.data.rollups",
    "navigator.data.report",
    "navigator.data.sample",
    "navigator.data.warnings",
    "navigator.data.schema",
    "navigator.data.source",
    "navigator.format",
    "navigator.output",
]


def test_every_data_module_is_checked() -> None:
    import pkgutil

    import navigator.data

    walked = pkgutil.walk_packages(navigator.data.__path__, "navigator.data.")
    found = {module.name for module in walked if not module.ispkg}
    assert "navigator.data.ingest.values" in found
    assert found <= set(DATA_MODULES), f"add to DATA_MODULES: {sorted(found - set(DATA_MODULES))}"


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
