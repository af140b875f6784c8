"""A throwaway PostgreSQL server for the tests: `initdb` + `pg_ctl` in a temporary folder.

The cluster listens on 127.0.0.1 only, on a free port, with trust authentication for every
role but `navigator_secret`, which needs its password (`right`): the wrong-password test uses it.
It is started once per test session and removed at the end.

Without PostgreSQL's server programs the tests that need it are skipped with the reason on a
laptop, and fail when `CI=true` (`.ci/run` installs Debian's postgresql package).

`initdb` refuses to run as root; as root, the cluster is created and run as `nobody` (through
`runuser` or `setpriv`), in a folder `nobody` owns.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from navigator.data import extensions
from navigator.data.schema import ALL_TABLES

SECRET_ROLE = "navigator_secret"
SECRET_PASSWORD = "right"
ON_CI = os.environ.get("CI", "").lower() == "true"


def find_bin_dir() -> Path | None:
    """The folder with initdb, pg_ctl and psql: PATH first, then Debian's /usr/lib/postgresql/*/bin."""
    initdb = shutil.which("initdb")
    if initdb:
        real = Path(initdb).resolve().parent
        if (real / "pg_ctl").exists():
            return real
    versions = sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(Path(p).parent.name or 0))
    for folder in reversed(versions):
        if (Path(folder) / "initdb").exists() and (Path(folder) / "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _as_postgres_user() -> tuple[list[str], tuple[int, int] | None]:
    """A command prefix that drops root (initdb refuses it), and the uid/gid to own the files."""
    if os.geteuid() != 0:
        return [], None
    import pwd

    user = pwd.getpwnam("nobody")
    if shutil.which("runuser"):
        return ["runuser", "-u", "nobody", "--"], (user.pw_uid, user.pw_gid)
    if shutil.which("setpriv"):
        prefix = ["setpriv", f"--reuid={user.pw_uid}", f"--regid={user.pw_gid}", "--clear-groups"]
        return prefix, (user.pw_uid, user.pw_gid)
    raise RuntimeError("running as root without runuser or setpriv: cannot start PostgreSQL as another user")


@dataclass
class PgServer:
    host: str
    port: int
    bin_dir: Path
    folder: Path
    prefix: list[str]

    def dsn(self, database: str, user: str = "postgres", password: str | None = None) -> str:
        """libpq keywords (for DuckLake's catalog)."""
        text = f"dbname={database} host={self.host} port={self.port} user={user}"
        return text + (f" password={password}" if password else "")

    def uri(self, database: str, user: str = "postgres", password: str | None = None) -> str:
        secret = f":{password}" if password else ""
        return f"postgresql://{user}{secret}@{self.host}:{self.port}/{database}"

    def psql(self, sql: str, database: str = "postgres") -> None:
        subprocess.run(
            [
                str(self.bin_dir / "psql"),
                "-X",
                "-q",
                "-v",
                "ON_ERROR_STOP=1",
                "-h",
                self.host,
                "-p",
                str(self.port),
                "-U",
                "postgres",
                "-d",
                database,
                "-c",
                sql,
            ],
            check=True,
            capture_output=True,
            text=True,
            timeout=60,
        )

    def create_database(self, name: str) -> str:
        self.psql(f'DROP DATABASE IF EXISTS "{name}"')
        self.psql(f'CREATE DATABASE "{name}"')
        return name


def start(bin_dir: Path) -> PgServer:
    prefix, owner = _as_postgres_user()
    folder = Path(tempfile.mkdtemp(prefix="navigator-pg-"))
    if owner:
        os.chown(folder, *owner)
    data = folder / "data"
    log = folder / "server.log"
    port = _free_port()
    env = {**os.environ, "LC_ALL": "C", "LANG": "C"}
    subprocess.run(
        [
            *prefix,
            str(bin_dir / "initdb"),
            "-D",
            str(data),
            "-U",
            "postgres",
            "-A",
            "trust",
            "-E",
            "UTF8",
            "--locale=C",
            "--no-sync",
        ],
        check=True,
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    (data / "pg_hba.conf").write_text(
        f"host all {SECRET_ROLE} 127.0.0.1/32 scram-sha-256\nhost all all 127.0.0.1/32 trust\nlocal all all trust\n",
        encoding="utf-8",
    )
    options = (
        f"-c listen_addresses=127.0.0.1 -p {port} -k {folder} -c fsync=off -c synchronous_commit=off "
        "-c full_page_writes=off -c max_connections=60"
    )
    result = subprocess.run(
        [*prefix, str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "60", "-o", options, "start"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-2000:] if log.exists() else result.stderr
        shutil.rmtree(folder, ignore_errors=True)
        raise RuntimeError(f"pg_ctl start failed: {tail}")
    server = PgServer("127.0.0.1", port, bin_dir, folder, prefix)
    server.psql(f"CREATE ROLE {SECRET_ROLE} LOGIN SUPERUSER PASSWORD '{SECRET_PASSWORD}'")
    return server


def stop(server: PgServer) -> None:
    subprocess.run(
        [
            *server.prefix,
            str(server.bin_dir / "pg_ctl"),
            "-D",
            str(server.folder / "data"),
            "-m",
            "immediate",
            "-w",
            "stop",
        ],
        capture_output=True,
        timeout=60,
    )
    shutil.rmtree(server.folder, ignore_errors=True)


def unavailable(reason: str) -> None:
    """Skip on a laptop, fail on CI: CI must test PostgreSQL and DuckLake."""
    if ON_CI:
        pytest.fail(f"CI=true but PostgreSQL cannot be used: {reason}", pytrace=False)
    pytest.skip(f"PostgreSQL not available: {reason}")


def server_fixture() -> Iterator[PgServer]:
    bin_dir = find_bin_dir()
    if bin_dir is None:
        unavailable("initdb and pg_ctl not found (install PostgreSQL, e.g. apt-get install postgresql)")
    assert bin_dir is not None
    try:
        server = start(bin_dir)
    except (RuntimeError, OSError, subprocess.SubprocessError) as exc:
        detail = getattr(exc, "stderr", None) or str(exc)
        unavailable(f"could not start a throwaway cluster with {bin_dir}: {str(detail).strip()[-500:]}")
        raise
    try:
        yield server
    finally:
        stop(server)


# --- loading a navigator DuckDB file into PostgreSQL, DuckLake and a Parquet folder -------------------------


def _connection() -> duckdb.DuckDBPyConnection:
    conn = duckdb.connect(config=extensions.NO_DOWNLOADS)
    extensions.load(conn, "postgres", "the tests")
    extensions.load(conn, "ducklake", "the tests")
    return conn


def _tables(conn: duckdb.DuckDBPyConnection) -> list[str]:
    present = {
        row[0]
        for row in conn.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = 'src' AND schema_name = 'main'"
        ).fetchall()
    }
    return [name for name in ALL_TABLES if name in present]


def copy_to_postgres(duckdb_file: Path, server: PgServer, database: str) -> str:
    """Every navigator table of the file into a fresh PostgreSQL database; returns its URI."""
    server.create_database(database)
    conn = _connection()
    try:
        conn.execute(f"ATTACH {extensions.sql_string(str(duckdb_file))} AS src (READ_ONLY)")
        conn.execute(f"ATTACH '{server.uri(database)}' AS pg (TYPE postgres)")
        for table in _tables(conn):
            conn.execute(f"CREATE TABLE pg.public.{table} AS SELECT * FROM src.main.{table}")
    finally:
        conn.close()
    return server.uri(database)


def copy_to_ducklake(duckdb_file: Path, server: PgServer, database: str, data_path: Path) -> str:
    """Every navigator table of the file into a DuckLake (catalog in PostgreSQL, data in a folder);
    returns its `ducklake:` URI."""
    server.create_database(database)
    data_path.mkdir(parents=True, exist_ok=True)
    uri = f"ducklake:postgres:{server.dsn(database)}"
    conn = _connection()
    try:
        conn.execute(f"ATTACH {extensions.sql_string(str(duckdb_file))} AS src (READ_ONLY)")
        conn.execute(f"ATTACH '{uri}' AS lake (DATA_PATH '{data_path}/')")
        for table in _tables(conn):
            conn.execute(f"CREATE TABLE lake.main.{table} AS SELECT * FROM src.main.{table}")
    finally:
        conn.close()
    return uri


def copy_to_parquet(duckdb_file: Path, folder: Path) -> Path:
    """One Parquet file a table."""
    folder.mkdir(parents=True, exist_ok=True)
    conn = duckdb.connect(str(duckdb_file), read_only=True)
    try:
        present = {row[0] for row in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
        for table in ALL_TABLES:
            if table in present:
                target = extensions.sql_string(str(folder / f"{table}.parquet"))
                conn.execute(f"COPY main.{table} TO {target} (FORMAT parquet)")
    finally:
        conn.close()
    return folder
