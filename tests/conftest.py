"""Shared fixtures: databases built for the tests, never the user's own files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from handbuilt import build_handbuilt
from pg_server import PgServer, server_fixture

from navigator.data.source import Database, open_database


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo-size sample, generated once per test session (seed 7)."""
    from navigator.data.sample import generate

    path = tmp_path_factory.mktemp("sample") / "sample.duckdb"
    generate(path, seed=7, scale="demo")
    return path


@pytest.fixture(scope="session")
def handbuilt_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The hand-built database (tests/handbuilt.py) as a file, with its summary tables; tests only read it."""
    return build_handbuilt(tmp_path_factory.mktemp("handbuilt") / "handbuilt.duckdb")


@pytest.fixture
def db(handbuilt_path: Path) -> Iterator[Database]:
    """The hand-built database opened read-only, as the dashboard opens a file."""
    database = open_database(handbuilt_path)
    yield database
    database.close()


@pytest.fixture(autouse=True)
def _isolated_sample_location(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep any test that touches the default sample out of the checkout and the home dir."""
    monkeypatch.setenv("NAVIGATOR_SAMPLE", str(tmp_path / "default-sample.duckdb"))


@pytest.fixture(scope="session")
def pg_server() -> Iterator[PgServer]:
    """A throwaway PostgreSQL on 127.0.0.1 (tests/pg_server.py): skipped without one, failed on CI."""
    yield from server_fixture()
