"""The CLI end to end, as a user runs it: exit codes, one-line errors, files left untouched."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from navigator.data.report import SPECS


def run_cli(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "navigator", *args],
        capture_output=True,
        text=True,
        env=full_env,
        timeout=timeout,
    )


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("navigator: error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])


# --- bad input: one clear line on stderr, exit code 2 -------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    result = run_cli("report", "--db", str(tmp_path / "nope.duckdb"))
    assert_one_line_error(result, "no such file", "nope.duckdb")


def test_file_that_is_not_duckdb(tmp_path: Path) -> None:
    path = tmp_path / "notes.duckdb"
    path.write_text("these are my notes, not a database\n", encoding="utf-8")
    before = checksum(path)
    result = run_cli("report", "--db", str(path))
    assert_one_line_error(result, "is not a DuckDB database file")
    assert checksum(path) == before


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.duckdb"
    path.touch()
    assert_one_line_error(run_cli("report", "--db", str(path)), "is not a DuckDB database file")
    assert path.stat().st_size == 0


def test_duckdb_file_without_navigator_tables(tmp_path: Path) -> None:
    path = tmp_path / "other.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE invoices (id INTEGER)")
    conn.close()
    result = run_cli("report", "--db", str(path))
    assert_one_line_error(result, "not a navigator database", "accounts", "revenue_movements")


def test_duckdb_file_missing_a_required_table(tmp_path: Path) -> None:
    from navigator.data.schema import create_schema

    path = tmp_path / "partial.duckdb"
    conn = duckdb.connect(str(path))
    create_schema(conn, ("accounts", "opportunities"))
    conn.close()
    assert_one_line_error(run_cli("report", "--db", str(path)), "lacks required tables: revenue_movements")


def test_table_missing_a_column(tmp_path: Path) -> None:
    path = tmp_path / "columns.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE accounts (account_id VARCHAR, name VARCHAR)")
    conn.execute("CREATE TABLE revenue_movements (account_id VARCHAR, month DATE, kind VARCHAR, mrr_change DOUBLE)")
    conn.close()
    result = run_cli("report", "--db", str(path))
    assert_one_line_error(result, "table accounts lacks columns", "market_id", "segment")


def test_file_locked_by_another_writer(sample_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "locked.duckdb"
    path.write_bytes(sample_db.read_bytes())
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import duckdb, sys, time\n"
            f"c = duckdb.connect({str(path)!r})\n"
            "print('locked', flush=True)\n"
            "time.sleep(60)\n",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        result = run_cli("report", "--db", str(path))
        assert_one_line_error(result, "is locked by another program", str(holder.pid))
    finally:
        holder.kill()
        holder.wait()


def test_unknown_query_name(sample_db: Path) -> None:
    result = run_cli("query", "win_rates", "--db", str(sample_db))
    assert_one_line_error(result, "no query named 'win_rates'")


def test_unknown_query_parameter(sample_db: Path) -> None:
    result = run_cli("query", "win_rate", "--db", str(sample_db), "--param", "colour=blue")
    assert_one_line_error(result, "has no parameter 'colour'", "window")


def test_badly_typed_query_parameter(sample_db: Path) -> None:
    result = run_cli("query", "win_rate", "--db", str(sample_db), "--param", "window=three")
    assert_one_line_error(result, "parameter 'window' must be INTEGER")


def test_malformed_param_option(sample_db: Path) -> None:
    assert_one_line_error(run_cli("query", "win_rate", "--db", str(sample_db), "--param", "window"), "KEY=VALUE")


def test_bad_as_of_and_window(sample_db: Path) -> None:
    assert_one_line_error(run_cli("report", "--db", str(sample_db), "--as-of", "last-month"), "--as-of")
    assert_one_line_error(run_cli("report", "--db", str(sample_db), "--window", "0"), "--window")


def test_sample_refuses_to_replace_a_foreign_file(tmp_path: Path) -> None:
    path = tmp_path / "precious.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE ledger AS SELECT 1 AS x")
    conn.close()
    before = checksum(path)
    assert_one_line_error(run_cli("sample", "--out", str(path)), "not a navigator sample", "--force")
    assert checksum(path) == before


def test_sample_refuses_bad_scale(tmp_path: Path) -> None:
    result = run_cli("sample", "--out", str(tmp_path / "s.duckdb"), "--scale", "lots")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert not (tmp_path / "s.duckdb").exists()


# --- good input ------------------------------------------------------------------------------


def test_report_and_query_never_modify_the_file(sample_db: Path, tmp_path: Path) -> None:
    path = tmp_path / "copy.duckdb"
    path.write_bytes(sample_db.read_bytes())
    before = checksum(path)
    assert run_cli("report", "--db", str(path)).returncode == 0
    assert run_cli("query", "nps", "--db", str(path), "--format", "csv").returncode == 0
    assert checksum(path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["copy.duckdb"]


def test_report_json_has_every_stable_key(sample_db: Path) -> None:
    result = run_cli("report", "--db", str(sample_db), "--format", "json")
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    assert document["as_of"] == "2026-10"
    assert document["previous"] == "2026-07"
    assert document["window_months"] == 3
    assert list(document["metrics"]) == [spec.key for spec in SPECS]
    for key, metric in document["metrics"].items():
        assert set(metric) == {"value", "previous", "note"}, key
        assert metric["value"] is None or isinstance(metric["value"], int | float), key
    # ratios are fractions, not percentages
    assert 0 < document["metrics"]["win_rate"]["value"] < 1
    assert 0.5 < document["metrics"]["grr"]["value"] <= 1


def test_report_as_of_and_window_options(sample_db: Path) -> None:
    result = run_cli("report", "--db", str(sample_db), "--format", "json", "--as-of", "2026-06", "--window", "1")
    document = json.loads(result.stdout)
    assert (document["as_of"], document["previous"], document["window_months"]) == ("2026-06", "2026-05", 1)


def test_report_markdown_is_stable(sample_db: Path) -> None:
    first = run_cli("report", "--db", str(sample_db), "--format", "markdown")
    second = run_cli("report", "--db", str(sample_db), "--format", "markdown")
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert "| NRR[^" in first.stdout and "[^1]: `mrr`:" in first.stdout


def test_report_table(sample_db: Path) -> None:
    result = run_cli("report", "--db", str(sample_db), env={"COLUMNS": "160"})
    assert result.returncode == 0, result.stderr
    assert "NRR" in result.stdout and "Engagement index" in result.stdout


def test_report_with_a_filter_changes_the_figures(sample_db: Path) -> None:
    whole = json.loads(run_cli("report", "--db", str(sample_db), "--format", "json").stdout)
    team = json.loads(run_cli("report", "--db", str(sample_db), "--format", "json", "--team", "T-HAR").stdout)
    assert team["filters"]["team_id"] == "T-HAR"
    assert team["metrics"]["mrr"]["value"] < whole["metrics"]["mrr"]["value"]


def test_query_formats(sample_db: Path) -> None:
    as_json = run_cli("query", "win_rate", "--db", str(sample_db), "--format", "json", "--param", "months=2")
    rows = json.loads(as_json.stdout)
    assert [row["month"] for row in rows] == ["2026-09-01", "2026-10-01"]
    as_csv = run_cli("query", "win_rate", "--db", str(sample_db), "--format", "csv")
    assert as_csv.stdout.splitlines()[0] == "month,won,lost,win_rate,cycle_median_days,cycle_mean_days,won_amount"
    as_table = run_cli("query", "lost_to", "--db", str(sample_db), env={"COLUMNS": "160"})
    assert as_table.returncode == 0 and "status quo" in as_table.stdout


def test_query_list() -> None:
    result = run_cli("query", "--list", env={"COLUMNS": "200"})
    assert result.returncode == 0
    assert "engagement_index" in result.stdout and "as_of DATE = latest" in result.stdout


def test_sample_command_writes_a_file_and_replaces_its_own(tmp_path: Path) -> None:
    path = tmp_path / "demo.duckdb"
    first = run_cli("sample", "--out", str(path), "--seed", "3")
    assert first.returncode == 0, first.stderr
    assert "wrote" in first.stdout and path.exists()
    again = run_cli("sample", "--out", str(path), "--seed", "4")
    assert again.returncode == 0, again.stderr
    conn = duckdb.connect(str(path), read_only=True)
    assert conn.execute("SELECT value FROM meta WHERE key = 'seed'").fetchone() == ("4",)
    conn.close()


def test_default_sample_is_generated_on_first_use(tmp_path: Path) -> None:
    target = tmp_path / "data" / "sample.duckdb"
    started = time.monotonic()
    result = run_cli("report", "--format", "json", env={"NAVIGATOR_SAMPLE": str(target)})
    assert result.returncode == 0, result.stderr
    assert "generating the sample database" in result.stderr
    assert target.exists()
    assert time.monotonic() - started < 30
    second = run_cli("report", "--format", "json", env={"NAVIGATOR_SAMPLE": str(target)})
    assert "generating" not in second.stderr


@pytest.mark.parametrize("args", [["--help"], ["--version"], ["report", "--help"]])
def test_help_and_version(args: list[str]) -> None:
    result = run_cli(*args)
    assert result.returncode == 0
    assert "navigator" in result.stdout
