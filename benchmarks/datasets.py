"""Sample databases for the benchmarks, generated once and kept under benchmarks/data/ (git-ignored).

A cached file is reused only while the generator and the schema are unchanged: its name carries
a fingerprint of the files that decide its contents (queries/sample/, queries/schema/,
queries/rollups/, navigator/data/sample.py, schema.py and rollups.py), so a change to any of
them makes the next run generate afresh.

The file stores the summary tables (rollups) as `navigator sample` writes them; should the
generator not store them, they are built into the file as `navigator refresh` does, so that the
raw-DuckDB baseline reads the same tables as the dashboard.
"""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
SEED = 42


def fingerprint() -> str:
    """A short hash of everything that decides what the generator writes."""
    files: list[Path] = []
    for folder in (ROOT / "queries" / "sample", ROOT / "queries" / "schema", ROOT / "queries" / "rollups"):
        if folder.is_dir():
            files += sorted(path for path in folder.rglob("*") if path.is_file())
    data = ROOT / "navigator" / "data"
    files += [data / "sample.py", data / "schema.py"]
    files += sorted(path for path in data.glob("*.py") if "summar" in path.name or "rollup" in path.name)
    digest = hashlib.sha256()
    for path in files:
        if path.is_file():
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:10]


def sample_path(events: int, seed: int = SEED) -> Path:
    return DATA / f"sample-{events}-seed{seed}-{fingerprint()}.duckdb"


def ensure_sample(events: int, seed: int = SEED, log=print) -> tuple[Path, float | None]:
    """The cached sample of `events` rows (generated if missing) and the seconds generation took (None: reused)."""
    from navigator.data.sample import generate

    path = sample_path(events, seed)
    if path.exists():
        return path, None
    DATA.mkdir(parents=True, exist_ok=True)
    for stale in DATA.glob(f"sample-{events}-seed{seed}-*.duckdb"):
        stale.unlink()  # an older generator's file of the same size
    log(f"generating a sample of {events:,} rows at {path.relative_to(ROOT)} …")
    started = time.perf_counter()
    generate(path, seed=seed, scale=events)
    store_rollups(path, log)
    return path, time.perf_counter() - started


def store_rollups(path: Path, log=print) -> None:
    """Build the summary tables into the file if it lacks fresh ones (what `navigator refresh` does)."""
    try:
        from navigator.data import rollups
    except ImportError:  # a navigator without summary tables
        return
    import duckdb

    conn = duckdb.connect(str(path))
    try:
        if rollups.freshness(conn) != "fresh":
            log("  storing the summary tables in it …")
            rollups.build_rollups(conn)
    finally:
        conn.close()


def rollups_state(path: Path) -> str:
    """'fresh', 'stale' or 'absent' summary tables in the file; 'none' before navigator had them."""
    try:
        from navigator.data import rollups
    except ImportError:
        return "none"
    import duckdb

    conn = duckdb.connect(str(path), read_only=True)
    try:
        return rollups.freshness(conn)
    finally:
        conn.close()
