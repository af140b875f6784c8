"""The named-query registry, and every query in queries/ against the sample."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import duckdb
import pytest

from navigator.data import queries
from navigator.data.errors import UsageError
from navigator.data.source import open_database

ALL_QUERIES = sorted(queries.registry())


def test_registry_finds_every_sql_file() -> None:
    root = queries.queries_dir()
    files = sorted(p.stem for folder in queries.QUERY_FOLDERS for p in (root / folder).glob("*.sql"))
    assert files == ALL_QUERIES
    assert len(ALL_QUERIES) >= 18


@pytest.mark.parametrize("name", ALL_QUERIES)
def test_header_declares_every_parameter_the_sql_uses(name: str) -> None:
    query = queries.get(name)
    body = "\n".join(line for line in query.sql.splitlines() if not line.strip().startswith("--"))
    used = set(re.findall(r"\$(\w+)", body))
    assert used == set(query.param_names), f"{name}: declared {query.param_names}, used {sorted(used)}"
    assert query.description, f"{name} has no description"


@pytest.mark.parametrize("name", ALL_QUERIES)
def test_query_runs_on_the_sample_and_returns_declared_columns(sample_db: Path, name: str) -> None:
    db = open_database(sample_db)
    try:
        frame = db.run(name)
    finally:
        db.close()
    assert tuple(frame.columns) == queries.get(name).returns
    assert frame.height > 0, f"{name} returned no rows on the sample"


def test_parameters_are_bound_not_formatted(sample_db: Path) -> None:
    """A hostile value is just a value: it matches nothing and breaks nothing."""
    db = open_database(sample_db)
    try:
        frame = db.run("win_rate", segment="x' OR '1'='1")
    finally:
        db.close()
    assert frame["won"].to_list() == [0]
    assert frame["win_rate"].to_list() == [None]


def test_parameter_values_are_converted_from_text() -> None:
    query = queries.get("win_rate")
    bound = query.bind({"as_of": "2026-10", "window": "6"}, as_of=None)
    assert bound["as_of"] == dt.date(2026, 10, 1)
    assert bound["window"] == 6
    assert bound["team_id"] is None


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"windw": "3"}, "has no parameter 'windw'"),
        ({"window": "three"}, "parameter 'window' must be INTEGER"),
        ({"as_of": "October"}, "parameter 'as_of' must be DATE"),
    ],
)
def test_bad_parameters_are_refused(values: dict[str, str], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        queries.get("win_rate").bind(values, as_of=dt.date(2026, 10, 1))


def test_unknown_query_name_is_refused() -> None:
    with pytest.raises(UsageError, match=r"no query named 'win_rates'.*did you mean win_rate"):
        queries.get("win_rates")


def test_header_parser_reads_params_returns_and_tables(tmp_path: Path) -> None:
    path = tmp_path / "example.sql"
    path.write_text(
        "-- An example.\n"
        "-- param: as_of DATE = latest\n"
        "-- param: limit INTEGER = 5\n"
        "-- param: name VARCHAR = null\n"
        "-- returns: a, b\n"
        "-- tables: accounts\n"
        "SELECT $as_of AS a, $limit + 0 AS b WHERE $name IS NULL\n",
        encoding="utf-8",
    )
    parsed = queries.parse_file(path)
    assert parsed.name == "example"
    assert parsed.description == "An example."
    assert [p.describe() for p in parsed.params] == [
        "as_of DATE = latest",
        "limit INTEGER = 5",
        "name VARCHAR = null",
    ]
    assert parsed.returns == ("a", "b")
    assert parsed.tables == ("accounts",)
    conn = duckdb.connect()
    bound = parsed.bind({}, as_of=dt.date(2026, 1, 1))
    assert conn.execute(parsed.sql, bound).fetchall() == [(dt.date(2026, 1, 1), 5)]


def test_header_without_returns_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "bad.sql"
    path.write_text("-- no returns here\nSELECT 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="returns"):
        queries.parse_file(path)


REQUESTS = [
    ("mrr", {"months": 12}),
    ("retention", {"months": 12, "segment": "Enterprise"}),
    ("win_rate", {"window": 6}),
    ("nps", {"months": 6}),
    ("cohort_retention", {"months": 12}),
    ("ltv", {}),
]


def test_a_session_runs_a_batch_on_two_cursors_with_the_answers_in_order(sample_db: Path) -> None:
    import threading

    db = open_database(sample_db)
    threads: set[str] = set()
    db.query_hook = lambda name: threads.add(threading.current_thread().name)
    try:
        expected = [db.run(name, **params) for name, params in REQUESTS]
        threads.clear()
        with db.session() as session:
            got = session.run_all(REQUESTS)
            assert session._helpers == []  # the second cursor is closed when the batch is done
        assert [frame.equals(other) for frame, other in zip(got, expected, strict=True)] == [True] * len(REQUESTS)
        assert len(threads) == 2  # both cursors did part of the work

        # A request asked twice runs once; both places get its answer.
        asked: list[str] = []
        db.query_hook = asked.append
        twice = [REQUESTS[0], REQUESTS[1], REQUESTS[0]]
        for reader in (db, db.session()):
            asked.clear()
            got = reader.run_all(twice)
            assert sorted(asked) == sorted([REQUESTS[0][0], REQUESTS[1][0]])
            assert got[0].equals(expected[0]) and got[1].equals(expected[1]) and got[2].equals(expected[0])
    finally:
        db.close()


def test_interrupting_a_batch_stops_both_cursors(sample_db: Path) -> None:
    import threading

    db = open_database(sample_db)
    started = threading.Event()
    release = threading.Event()

    def hook(name: str) -> None:
        started.set()
        release.wait(5)  # each query waits here until the test has interrupted the session

    db.query_hook = hook
    session = db.session()
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            session.run_all(REQUESTS)
        except BaseException as exc:
            outcome.append(exc)

    worker = threading.Thread(target=run)
    worker.start()
    try:
        assert started.wait(5)
        session.interrupt()
        release.set()
        worker.join(10)
        assert not worker.is_alive()
        assert len(outcome) == 1 and isinstance(outcome[0], duckdb.InterruptException)
        assert session._helpers == []
    finally:
        release.set()
        session.close()
        db.close()
