"""Summary tables (navigator.data.rollups): the named queries read them, and must give exactly what
the same questions asked of the raw lifecycle tables give.

`tests/raw_queries/` keeps each named query as it was written before the summary tables existed,
reading only the lifecycle tables (the hand-computed tests in test_metrics.py were written against
those). Every rewritten query is compared with its raw form on the generated sample and on the
hand-built data, for many filter states, both with the summary tables stored in the file and built
as views. Then: the file records what its summary tables were built from, `navigator sample` and
`navigator import` store fresh ones, a changed file is noticed and still answers correctly, and
`navigator refresh` rebuilds them atomically.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import polars as pl
import pytest
from click.testing import CliRunner
from handbuilt import AS_OF, build_handbuilt
from polars.testing import assert_frame_equal

from navigator.cli import cli
from navigator.data import queries, rollups
from navigator.data.importer import refresh
from navigator.data.source import open_database

RAW = Path(__file__).parent / "raw_queries"
RAW_NAMES = sorted(path.stem for path in RAW.glob("*.sql"))
ROOT = Path(__file__).resolve().parent.parent


def run_raw(conn: duckdb.DuckDBPyConnection, name: str, latest: dt.date | None, **values: object) -> pl.DataFrame:
    query = queries.parse_file(RAW / f"{name}.sql")
    return conn.execute(query.sql, query.bind(values, as_of=latest)).pl()


def canonical(frame: pl.DataFrame) -> pl.DataFrame:
    """Row order aside (a few queries order by ties), the same rows."""
    if frame.height == 0:
        return frame
    sortable = [name for name, dtype in frame.schema.items() if not isinstance(dtype, pl.List | pl.Struct)]
    return frame.sort(sortable, nulls_last=True)


def assert_same(raw: pl.DataFrame, new: pl.DataFrame, what: str) -> None:
    assert raw.columns == new.columns, what
    assert raw.height == new.height, f"{what}: {raw.height} raw rows, {new.height} from the summary tables"
    # Sums taken in another order differ in the last bits of a double, nothing more.
    assert_frame_equal(canonical(raw), canonical(new), check_dtypes=False, rel_tol=1e-9, abs_tol=1e-9), what


def states(conn: duckdb.DuckDBPyConnection, as_of: dt.date) -> list[dict[str, object]]:
    """Filter states that exercise every filter, alone and together, and other periods."""

    def first(sql: str) -> object:
        row = conn.execute(sql).fetchone()
        assert row is not None and row[0] is not None, sql
        return row[0]

    market = first("SELECT market_id FROM accounts GROUP BY ALL ORDER BY count(*) DESC, market_id LIMIT 1")
    small_market = first("SELECT market_id FROM accounts GROUP BY ALL ORDER BY count(*), market_id LIMIT 1")
    segment = first("SELECT segment FROM accounts GROUP BY ALL ORDER BY count(*) DESC, segment LIMIT 1")
    region = first("SELECT region FROM accounts GROUP BY ALL ORDER BY count(*), region LIMIT 1")
    team = first("SELECT team_id FROM reps GROUP BY ALL ORDER BY team_id LIMIT 1")
    earlier = (as_of.replace(day=1) - dt.timedelta(days=200)).replace(day=1)
    return [
        {},
        {"window": 1, "months": 12},
        {"window": 12, "months": 24},
        {"as_of": earlier, "window": 6, "months": 6},
        {"market_id": market},
        {"market_id": small_market, "window": 12},
        {"segment": segment, "months": 12},
        {"region": region},
        {"team_id": team, "window": 6},
        {"market_id": market, "segment": segment, "team_id": team, "window": 12, "months": 12},
        {"as_of": dt.date(2000, 1, 1)},  # before any data: empty answers, not errors
    ]


def compare_all(conn: duckdb.DuckDBPyConnection, as_of: dt.date, *, prepared: bool) -> int:
    compared = 0
    for state in states(conn, as_of):
        for name in RAW_NAMES:
            params = set(queries.get(name).param_names)
            values = {key: value for key, value in state.items() if key in params}
            raw = run_raw(conn, name, as_of, **values)
            new = queries.run(conn, name, latest=as_of, prepared=prepared, **values)
            assert_same(raw, new, f"{name} {values}")
            compared += 1
    return compared


def test_every_query_the_panels_read_has_its_raw_form_kept() -> None:
    rewritten = sorted(name for name, query in queries.registry().items() if query.reads_rollups)
    assert rewritten == RAW_NAMES


def test_stored_summary_tables_answer_as_the_raw_tables_do_on_the_sample(sample_db: Path) -> None:
    db = open_database(sample_db)
    assert db.rollups == "stored"
    assert db.as_of is not None
    compared = compare_all(db.cursor(), db.as_of, prepared=True)
    assert compared == len(RAW_NAMES) * 11


def test_summary_views_answer_as_the_raw_tables_do_on_the_hand_built_data() -> None:
    conn = build_handbuilt(duckdb.connect())
    rollups.ensure(conn)
    assert compare_all(conn, AS_OF, prepared=True) == len(RAW_NAMES) * 11


def test_summary_tables_built_in_memory_answer_as_the_raw_tables_do(tmp_path: Path) -> None:
    """A file without stored summary tables: they are built when it is opened (and a note says how
    to store them)."""
    path = tmp_path / "bare.duckdb"
    conn = duckdb.connect(str(path))
    build_handbuilt(conn)
    conn.close()
    db = open_database(path)
    assert db.rollups == "built"
    assert compare_all(db.cursor(), AS_OF, prepared=True) == len(RAW_NAMES) * 11


# --- what the file records ---------------------------------------------------------------------------


def test_sample_and_hand_built_files_store_fresh_summary_tables(sample_db: Path, tmp_path: Path) -> None:
    for path in (sample_db, build_handbuilt(tmp_path / "hb.duckdb")):
        conn = duckdb.connect(str(path), read_only=True)
        try:
            assert rollups.freshness(conn) == "fresh"
            stored = {row[0] for row in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
            assert set(rollups.ROLLUPS) <= stored
            meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
            assert meta[rollups.VERSION_KEY] == rollups.version()
        finally:
            conn.close()


def test_a_changed_file_is_noticed_and_still_answers_correctly(tmp_path: Path, capfd: pytest.CaptureFixture) -> None:
    path = build_handbuilt(tmp_path / "hb.duckdb")
    conn = duckdb.connect(str(path))
    # One more month of expansion for a customer: the stored summary tables no longer match.
    account, month = conn.execute(
        "SELECT account_id, max(month) FROM revenue_movements GROUP BY ALL ORDER BY account_id LIMIT 1"
    ).fetchone()
    conn.execute(
        "INSERT INTO revenue_movements SELECT * REPLACE ($month AS month, 'expansion' AS kind, 500.0 AS mrr_change) "
        "FROM revenue_movements WHERE account_id = $account LIMIT 1",
        {"month": month, "account": account},
    )
    assert rollups.freshness(conn) == "stale"
    conn.close()

    db = open_database(path)
    assert db.rollups == "built"
    assert "summary tables" in capfd.readouterr().err
    compare_all(db.cursor(), AS_OF, prepared=True)


def test_the_fingerprint_sees_a_rep_moved_to_another_team(tmp_path: Path) -> None:
    path = build_handbuilt(tmp_path / "hb.duckdb")
    conn = duckdb.connect(str(path))
    try:
        before = rollups.fingerprint(conn)
        teams = [row[0] for row in conn.execute("SELECT team_id FROM teams ORDER BY team_id").fetchall()]
        rep, team = conn.execute("SELECT rep_id, team_id FROM reps ORDER BY rep_id LIMIT 1").fetchone()
        other = next(t for t in teams if t != team)
        conn.execute("UPDATE reps SET team_id = $other WHERE rep_id = $rep", {"other": other, "rep": rep})
        assert rollups.fingerprint(conn) != before
        assert rollups.freshness(conn) == "stale"
    finally:
        conn.close()


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_refresh_rebuilds_stale_summary_tables_and_keeps_everything_else(tmp_path: Path) -> None:
    path = build_handbuilt(tmp_path / "hb.duckdb")
    conn = duckdb.connect(str(path))
    conn.execute("DELETE FROM reputation_events WHERE kind = 'award'")
    conn.execute("CREATE TABLE notes_of_my_own (note VARCHAR)")
    conn.execute("INSERT INTO notes_of_my_own VALUES ('kept')")
    before = {
        table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        for table in ("accounts", "revenue_movements", "reputation_events", "meta", "notes_of_my_own")
    }
    assert rollups.freshness(conn) == "stale"
    conn.close()

    result = CliRunner().invoke(cli, ["refresh", "--db", str(path)])
    assert result.exit_code == 0, result.output
    assert f"summary tables of {path} rebuilt in" in result.output

    conn = duckdb.connect(str(path), read_only=True)
    try:
        assert rollups.freshness(conn) == "fresh"
        after = {table: conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] for table in before}
        assert after == before
        compare_all(conn, AS_OF, prepared=True)
    finally:
        conn.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hb.duckdb"]  # no temporary files left


def navigator(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "navigator", *args], capture_output=True, text=True, timeout=120, cwd=ROOT
    )


def test_refresh_refuses_what_is_not_a_navigator_database(tmp_path: Path) -> None:
    missing = navigator("refresh", "--db", str(tmp_path / "nothing.duckdb"))
    assert (missing.returncode, missing.stderr) == (2, f"navigator: error: no such file: {tmp_path}/nothing.duckdb\n")

    foreign = tmp_path / "foreign.duckdb"
    conn = duckdb.connect(str(foreign))
    conn.execute("CREATE TABLE t (x INTEGER)")
    conn.close()
    checksum = sha256(foreign)
    result = navigator("refresh", "--db", str(foreign))
    assert result.returncode == 2
    assert result.stderr == (
        f"navigator: error: {foreign} is not a navigator database: it has no accounts and no revenue_movements table\n"
    )
    assert sha256(foreign) == checksum

    corrupt = tmp_path / "corrupt.duckdb"
    corrupt.write_bytes(b"not a database at all" * 100)
    result = navigator("refresh", "--db", str(corrupt))
    assert result.returncode == 2
    assert result.stderr.startswith("navigator: error: ") and result.stderr.count("\n") == 1, result.stderr
    assert corrupt.read_bytes() == b"not a database at all" * 100
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corrupt.duckdb", "foreign.duckdb"]


def test_a_killed_refresh_leaves_the_file_unchanged(tmp_path: Path) -> None:
    path = build_handbuilt(tmp_path / "hb.duckdb")
    conn = duckdb.connect(str(path))
    conn.execute("DELETE FROM reputation_events WHERE kind = 'award'")
    conn.close()
    checksum = sha256(path)
    pause = tmp_path / "go-on"
    env = {**os.environ, "NAVIGATOR_TEST_PAUSE_BEFORE_SWAP": str(pause)}
    process = subprocess.Popen(
        [sys.executable, "-m", "navigator", "refresh", "--db", str(path)],
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    assert process.stderr is not None
    for line in process.stderr:  # the test hook says when it is about to swap
        if "paused" in line:
            break
    process.kill()
    process.wait(timeout=30)
    assert sha256(path) == checksum
    leftovers = [p.name for p in tmp_path.iterdir() if p.name not in ("hb.duckdb",)]
    # A killed process cannot clean up: its temporary files are removed by the next import or refresh.
    refresh(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["hb.duckdb"], leftovers


def test_import_stores_fresh_summary_tables(tmp_path: Path) -> None:
    examples = ROOT / "docs" / "examples" / "lifecycle"
    target = tmp_path / "imported.duckdb"
    result = CliRunner().invoke(cli, ["import", "--db", str(target), str(examples)])
    assert result.exit_code == 0, result.output
    conn = duckdb.connect(str(target), read_only=True)
    try:
        assert rollups.freshness(conn) == "fresh"
        as_of = conn.execute("SELECT value FROM meta WHERE key = 'as_of'").fetchone()[0]
        latest = dt.date.fromisoformat(as_of[:7] + "-01")
        stored = queries.run(conn, "mrr", latest=latest, prepared=True, months=12)
        assert_same(run_raw(conn, "mrr", latest, months=12), stored, "mrr of the imported file")
        assert stored["mrr"].sum() > 0
    finally:
        conn.close()
    # A second import of one table: the summary tables are rebuilt, not copied from the old file.
    shutil.copy(examples / "accounts.csv", tmp_path / "accounts.csv")
    again = CliRunner().invoke(cli, ["import", "--db", str(target), str(tmp_path / "accounts.csv")])
    assert again.exit_code == 0, again.output
    conn = duckdb.connect(str(target), read_only=True)
    try:
        assert rollups.freshness(conn) == "fresh"
    finally:
        conn.close()
