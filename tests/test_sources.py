"""The same figures from every source: a DuckDB file, a Parquet folder, PostgreSQL and DuckLake.

The hand-built database (tests/handbuilt.py) and the demo sample are copied into a Parquet
folder, into a throwaway PostgreSQL (tests/pg_server.py) and into a DuckLake whose catalog
lives in that PostgreSQL and whose data lives in a temporary folder. `navigator report
--format json` must give the same document from each; every named query the same rows; and
what navigator relies on (stand-ins for missing tables, read-only, a cursor per thread,
`interrupt()`, reopening) must hold on each.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest
from handbuilt import AS_OF, build_handbuilt
from pg_server import SECRET_PASSWORD, SECRET_ROLE, PgServer, copy_to_ducklake, copy_to_parquet, copy_to_postgres
from polars.testing import assert_frame_equal

from navigator.data import extensions, queries
from navigator.data.errors import DataSourceError
from navigator.data.report import Filters, build_report
from navigator.data.source import open_source, parse_source

KINDS = ("duckdb", "parquet", "postgres", "ducklake")


def run_cli(*args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "navigator", *args],
        capture_output=True,
        text=True,
        env=dict(os.environ),
        timeout=timeout,
    )


def assert_one_line_error(result: subprocess.CompletedProcess[str], *fragments: str) -> str:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("navigator: error: ")
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


@pytest.fixture(scope="module")
def handbuilt_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_handbuilt(tmp_path_factory.mktemp("sources") / "handbuilt.duckdb")


@pytest.fixture(scope="module")
def minimal_file(tmp_path_factory: pytest.TempPathFactory, handbuilt_file: Path) -> Path:
    """Only what many companies have: accounts and revenue (no meta either)."""
    path = tmp_path_factory.mktemp("minimal") / "minimal.duckdb"
    conn = duckdb.connect(str(path))
    conn.execute(f"ATTACH '{handbuilt_file}' AS hb (READ_ONLY)")
    from navigator.data.schema import create_schema

    create_schema(conn, ("accounts", "revenue_movements"))
    conn.execute("INSERT INTO accounts SELECT * FROM hb.accounts")
    conn.execute("INSERT INTO revenue_movements SELECT * FROM hb.revenue_movements")
    conn.close()
    return path


@pytest.fixture(scope="module")
def sources(
    pg_server: PgServer,
    handbuilt_file: Path,
    minimal_file: Path,
    sample_db: Path,
    tmp_path_factory: pytest.TempPathFactory,
) -> dict[str, dict[str, str]]:
    """{'handbuilt'|'minimal'|'sample': {kind: source URI}}"""
    root = tmp_path_factory.mktemp("copies")
    found: dict[str, dict[str, str]] = {}
    for name, file in (("handbuilt", handbuilt_file), ("minimal", minimal_file), ("sample", sample_db)):
        found[name] = {
            "duckdb": str(file),
            "parquet": f"parquet:{copy_to_parquet(file, root / f'{name}-parquet')}",
            "postgres": copy_to_postgres(file, pg_server, f"{name}_pg"),
            "ducklake": copy_to_ducklake(file, pg_server, f"{name}_lake", root / f"{name}-lake"),
        }
    return found


def report_document(source: str, *options: str) -> dict:
    result = run_cli("report", "--source", source, "--format", "json", *options)
    assert result.returncode == 0, result.stderr
    document = json.loads(result.stdout)
    document.pop("source")
    return document


# --- the same figures ------------------------------------------------------------------------------


@pytest.mark.parametrize("data", ["handbuilt", "sample"])
def test_report_json_is_the_same_from_every_source(sources: dict[str, dict[str, str]], data: str) -> None:
    expected = report_document(sources[data]["duckdb"])
    assert expected["metrics"]["mrr"]["value"]  # a real report, not an empty one
    for kind in KINDS[1:]:
        assert report_document(sources[data][kind]) == expected, kind


def test_report_with_filters_is_the_same_from_every_source(sources: dict[str, dict[str, str]]) -> None:
    every = ({"team_id": "T1"}, {"segment": "SMB"}, {"market_id": "M2", "region": "NA"})

    def figures(kind: str) -> list[dict]:
        db = open_source(sources["handbuilt"][kind])
        try:
            reports = [build_report(db, window=1, filters=Filters(**filters)) for filters in every]
        finally:
            db.close()
        return [{m.spec.key: (m.value, m.previous, m.note) for m in report.metrics} for report in reports]

    expected = figures("duckdb")
    for kind in KINDS[1:]:
        assert figures(kind) == expected, kind


def test_every_named_query_gives_the_same_rows(sources: dict[str, dict[str, str]]) -> None:
    opened = {kind: open_source(sources["handbuilt"][kind]) for kind in KINDS}
    try:
        for name in queries.registry():
            expected = opened["duckdb"].run(name)
            expected = expected.sort(expected.columns, nulls_last=True)
            for kind in KINDS[1:]:
                got = opened[kind].run(name)
                got = got.sort(got.columns, nulls_last=True)
                assert_frame_equal(got, expected, check_exact=False, rel_tol=1e-12, abs_tol=1e-9)
    finally:
        for db in opened.values():
            db.close()


def test_minimal_data_stands_in_for_missing_tables_on_every_source(sources: dict[str, dict[str, str]]) -> None:
    """Only accounts and revenue: lifecycle, NRR/GRR and cohorts work; the rest is null with a reason."""
    expected = report_document(sources["minimal"]["duckdb"])
    metrics = expected["metrics"]
    assert metrics["mrr"]["value"] == 685.0  # 180 + 175 + 100 + 60 + 60 + 40 + 70 (A9) at the end of March 2026 ...
    assert expected["as_of"] == "2026-03"  # ... no meta: the latest revenue month (A9's 2026-03 row) is the as-of
    for key in ("nrr", "grr", "logo_churn", "customers"):
        assert metrics[key]["value"] is not None, key
    assert metrics["win_rate"]["value"] is None and metrics["win_rate"]["note"] == "no reps, opportunities data"
    assert metrics["nps"]["note"] == "no reps, nps_responses data"
    assert metrics["nrr"]["note"] is None and metrics["grr"]["value"] <= 1
    for kind in KINDS[1:]:
        assert report_document(sources["minimal"][kind]) == expected, kind
        db = open_source(sources["minimal"][kind])
        try:
            assert set(db.missing_tables) == {
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
            }
            cohorts = db.run("cohort_retention", as_of=AS_OF)
            assert cohorts.height > 0
            with db.session() as session:  # a new cursor has the stand-ins too
                assert session.run("win_rate", as_of=AS_OF)["won"].sum() == 0
        finally:
            db.close()


# --- what navigator relies on, on every source ---------------------------------------------------------


@pytest.mark.parametrize("kind", KINDS)
def test_sources_are_read_only(sources: dict[str, dict[str, str]], kind: str) -> None:
    db = open_source(sources["handbuilt"][kind])
    try:
        with pytest.raises(duckdb.Error):
            db.cursor().execute("INSERT INTO accounts SELECT * FROM accounts")
        if kind != "parquet":  # the attached file or database itself refuses writes
            schema = "public" if kind == "postgres" else "main"
            with pytest.raises(duckdb.Error, match=r"(?i)read[- _]only"):
                db.cursor().execute(f"DELETE FROM src.{schema}.accounts")
        assert db.run("mrr", as_of=AS_OF)["mrr"][0] == 615.0
    finally:
        db.close()


@pytest.mark.parametrize("kind", KINDS)
def test_cursors_per_thread_and_interrupt(sources: dict[str, dict[str, str]], kind: str) -> None:
    db = open_source(sources["handbuilt"][kind])
    try:
        results: dict[int, float] = {}
        errors: list[BaseException] = []

        def work(number: int) -> None:
            try:
                for _ in range(3):
                    results[number] = db.run("retention", as_of=AS_OF)["nrr"][0]
            except BaseException as exc:  # reported below
                errors.append(exc)

        threads = [threading.Thread(target=work, args=(n,)) for n in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(60)
        assert not errors, errors
        assert len(set(results.values())) == 1

        session = db.session()
        caught: list[BaseException] = []

        def slow() -> None:
            try:
                session.cursor.execute(
                    "SELECT count(*) FROM accounts a, revenue_movements b, revenue_movements c, range(100000000) r"
                ).fetchall()
            except BaseException as exc:
                caught.append(exc)

        runner = threading.Thread(target=slow)
        runner.start()
        time.sleep(0.3)
        started = time.monotonic()
        session.interrupt()
        runner.join(30)
        assert not runner.is_alive()
        assert caught and isinstance(caught[0], duckdb.InterruptException), caught
        assert time.monotonic() - started < 10
        session.close()
    finally:
        db.close()


def test_filters_are_pushed_down_to_postgres_and_ducklake(sources: dict[str, dict[str, str]]) -> None:
    for kind, scan in (("postgres", "POSTGRES_SCAN"), ("ducklake", "DUCKLAKE_SCAN")):
        db = open_source(sources["handbuilt"][kind])
        try:
            plan = db.cursor().execute("EXPLAIN SELECT account_id FROM accounts WHERE segment = 'SMB'").fetchall()
            text = "\n".join(str(row[1]) for row in plan)
            assert scan in text, text
            block = text[text.index(scan) :]
            assert "Filters:" in block and "segment" in block, text
        finally:
            db.close()


def test_reopen_sees_new_rows_in_postgres(pg_server: PgServer, handbuilt_file: Path) -> None:
    uri = copy_to_postgres(handbuilt_file, pg_server, "reopen_pg")
    db = open_source(uri)
    try:
        assert db.row_counts["accounts"] == 9
        pg_server.psql(
            "INSERT INTO accounts VALUES ('A10', 'Zeta', 'M1', 'SMB', 'NA', 'inbound', NULL, 'R1', '2026-01-01')",
            database="reopen_pg",
        )
        fresh = db.reopen()
        try:
            assert fresh.row_counts["accounts"] == 10
            assert fresh.label == db.label
        finally:
            fresh.close()
    finally:
        db.close()


def test_dashboard_on_postgres_shows_the_data_layer_figures(sources: dict[str, dict[str, str]]) -> None:
    import asyncio

    from navigator.format import format_value
    from navigator.panels.widgets import FigureTile
    from navigator.ui.app import NavigatorApp

    db = open_source(sources["handbuilt"]["postgres"])

    async def drive() -> str:
        app = NavigatorApp(db)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            assert db.label in str(app.query_one("#status").render())
            tile = app.query_one("#tile-mrr", FigureTile)
            return str(tile.query_one(".tile--figure").render())

    try:
        shown = asyncio.run(drive())
        assert shown.startswith(format_value(615.0, "money"))
    finally:
        db.close()


# --- errors: one plain line, exit code 2 ----------------------------------------------------------------


def test_motherduck_fails_with_a_clear_message() -> None:
    line = assert_one_line_error(run_cli("report", "--source", "md:my_db"), "MotherDuck", "network")
    assert "extension" in line
    assert_one_line_error(run_cli("report", "--source", "motherduck:my_db"), "MotherDuck")


def test_unreachable_postgres(pg_server: PgServer) -> None:
    import socket

    with socket.socket() as probe:  # a port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    line = assert_one_line_error(
        run_cli("report", "--source", f"postgres://postgres@127.0.0.1:{port}/nav"), "cannot open", "Connection refused"
    )
    assert "connect_timeout" not in line


def test_wrong_password_is_one_line_without_the_password(pg_server: PgServer, sources: dict) -> None:
    wrong = "n0t-'right"
    uri = pg_server.uri("handbuilt_pg", user=SECRET_ROLE, password=wrong)
    line = assert_one_line_error(run_cli("report", "--source", uri), "password authentication failed")
    assert wrong not in line and "***" in line
    keywords = f"postgres:{pg_server.dsn('handbuilt_pg', user=SECRET_ROLE, password=wrong)}"
    line = assert_one_line_error(run_cli("report", "--source", keywords), "password authentication failed")
    assert wrong not in line
    good = pg_server.uri("handbuilt_pg", user=SECRET_ROLE, password=SECRET_PASSWORD)
    result = run_cli("report", "--source", good, "--format", "json")
    assert result.returncode == 0, result.stderr
    assert SECRET_PASSWORD not in json.loads(result.stdout)["source"]


def test_missing_postgres_database(pg_server: PgServer) -> None:
    assert_one_line_error(run_cli("report", "--source", pg_server.uri("no_such_db")), "no_such_db", "does not exist")


def test_postgres_database_without_navigator_tables(pg_server: PgServer) -> None:
    pg_server.create_database("empty_pg")
    assert_one_line_error(run_cli("query", "mrr", "--source", pg_server.uri("empty_pg")), "not a navigator database")


@pytest.mark.parametrize(
    ("source", "fragments"),
    [
        ("mysql://db/x", ("unknown kind of source 'mysql'",)),
        ("postgres:", ("after postgres:",)),
        ("ducklake:", ("after ducklake:",)),
        ("parquet:/no/such/folder", ("no such folder",)),
        ("duckdb:/no/such/file.duckdb", ("no such file",)),
    ],
)
def test_bad_source_uris(source: str, fragments: tuple[str, ...]) -> None:
    assert_one_line_error(run_cli("report", "--source", source), *fragments)


def test_db_and_source_together() -> None:
    assert_one_line_error(run_cli("report", "--db", "x.duckdb", "--source", "y.duckdb"), "not both")


def test_parquet_folder_without_navigator_files(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("hello", encoding="utf-8")
    assert_one_line_error(run_cli("report", "--source", str(tmp_path)), "not a navigator folder", "no Parquet files")


def test_a_path_with_a_quote_is_quoted_safely(handbuilt_file: Path, tmp_path: Path) -> None:
    folder = copy_to_parquet(handbuilt_file, tmp_path / "it's here")
    db = open_source(folder)
    try:
        assert db.row_counts["accounts"] == 9 and db.label == f"parquet:{folder}"
    finally:
        db.close()


def test_missing_extension_package_names_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(
        extensions.PACKAGES,
        "postgres",
        ("no_such_package_here", "duckdb-extension-postgres", "postgres.duckdb_extension"),
    )
    with pytest.raises(DataSourceError, match=r"pip install 'navigator\[sources\]'"):
        open_source("postgres://postgres@127.0.0.1:1/x")


def test_extension_files_match_the_duckdb_version() -> None:
    for name in extensions.PACKAGES:
        path = extensions.extension_file(name, "test")
        assert path.parent.name == f"v{duckdb.__version__}"


def test_parse_source_kinds(tmp_path: Path) -> None:
    assert parse_source(str(tmp_path)).kind == "parquet"
    assert parse_source(tmp_path / "x.duckdb").kind == "duckdb"
    assert parse_source("duckdb:/a/b.duckdb").target == "/a/b.duckdb"
    pg = parse_source("postgresql://ann:pw@db.example:5433/crm?sslmode=require&schema=lifecycle")
    assert (pg.kind, pg.schema) == ("postgres", "lifecycle")
    assert pg.label == "postgresql://ann:***@db.example:5433/crm?sslmode=require&schema=lifecycle"
    assert "connect_timeout=10" in pg.target and "schema=" not in pg.target
    keywords = parse_source("postgres:dbname=crm host=db password=pw schema=x")
    assert keywords.schema == "x" and "pw" not in keywords.label and "schema" not in keywords.target
    lake = parse_source("ducklake:postgres:dbname=lake host=db password='p w'")
    assert lake.kind == "ducklake" and "p w" not in lake.label
    assert parse_source("md:analytics").kind == "motherduck"


def test_postgres_schema_option(pg_server: PgServer, handbuilt_file: Path) -> None:
    """Tables in another schema than public: `?schema=NAME`."""
    copy_to_postgres(handbuilt_file, pg_server, "schema_pg")
    pg_server.psql("CREATE SCHEMA lifecycle", database="schema_pg")
    for table in ("accounts", "revenue_movements"):
        pg_server.psql(f"ALTER TABLE public.{table} SET SCHEMA lifecycle", database="schema_pg")
    db = open_source(pg_server.uri("schema_pg") + "?schema=lifecycle")
    try:
        assert db.present_tables == ("accounts", "revenue_movements")
        assert db.run("mrr", as_of=AS_OF)["mrr"][0] == 615.0
    finally:
        db.close()


def test_postgres_column_types_that_differ_are_cast(pg_server: PgServer, handbuilt_file: Path) -> None:
    """A warehouse may keep money as numeric and months as timestamps: the views cast them."""
    copy_to_postgres(handbuilt_file, pg_server, "types_pg")
    pg_server.psql(
        "ALTER TABLE revenue_movements ALTER COLUMN mrr_change TYPE numeric(18,2), ALTER COLUMN month TYPE timestamp",
        database="types_pg",
    )
    db = open_source(pg_server.uri("types_pg"))
    try:
        types = dict(
            db.cursor()
            .execute(
                "SELECT column_name, data_type FROM information_schema.columns "
                "WHERE table_catalog = 'memory' AND table_name = 'revenue_movements'"
            )
            .fetchall()
        )
        assert types["mrr_change"] == "DOUBLE" and types["month"] == "DATE"
        frame = db.run("mrr", as_of=AS_OF)
        assert frame["mrr"][0] == 615.0 and frame.schema["mrr"] == pl.Float64
    finally:
        db.close()


def test_dashboard_source_errors_are_one_line() -> None:
    assert_one_line_error(run_cli("--source", "md:analytics"), "MotherDuck")
    assert_one_line_error(run_cli("--source", "postgres://postgres@127.0.0.1:1/x"), "Connection refused")


def test_without_postgresql_the_tests_skip_on_a_laptop_and_fail_on_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    import pg_server

    monkeypatch.setattr(pg_server, "find_bin_dir", lambda: None)
    monkeypatch.setattr(pg_server, "ON_CI", False)
    with pytest.raises(pytest.skip.Exception, match="initdb and pg_ctl not found"):
        next(pg_server.server_fixture())
    monkeypatch.setattr(pg_server, "ON_CI", True)
    with pytest.raises(pytest.fail.Exception, match="CI=true but PostgreSQL cannot be used"):
        next(pg_server.server_fixture())
