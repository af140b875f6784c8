"""benchmarks/run.py at its smallest scale, as CI runs it: a smoke test, never a timing test.

It must run end to end (sample generated or reused, the dashboard started in a pseudo-terminal
and headless, filter changes, the floor, the panels' queries against raw DuckDB, peak RSS) and
write a JSON document with every figure of the issue's table measured.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_benchmark_smoke_run_writes_every_figure(tmp_path: Path) -> None:
    out = tmp_path / "run.json"
    env = {key: value for key, value in os.environ.items() if key != "NAVIGATOR_BENCH_LOG"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "run.py"), "--events", "50000", "--repeat", "1", "--out", str(out)],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=ROOT,
        env={**env, "COLUMNS": "160"},
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["events"] == 50_000 and document["repeat"] == 1
    ids = {row["id"] for row in document["figures"]}
    assert ids == set(document["figure_ids"])
    from navigator.panels import PANELS

    panels = {row["panel"] for row in document["figures"] if row["id"] == "panel_queries"}
    assert panels == {info.panel_id for info in PANELS}
    for row in document["figures"]:
        assert row["measured"] is not None, row  # measured, whatever the time
        assert row["target"], row
    assert "Speed at scale" in result.stdout and "first frame" in result.stdout


def test_import_benchmark_smoke_run(tmp_path: Path) -> None:
    """benchmarks/import_orders.py on a small order log: it imports with no options and measures."""
    out = tmp_path / "import.json"
    result = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "import_orders.py"), "--rows", "3000", "--out", str(out),
         "--data", str(tmp_path)],
        capture_output=True, text=True, timeout=600, cwd=ROOT,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    document = json.loads(out.read_text(encoding="utf-8"))
    assert document["rows"] == 3000
    run = document["runs"][0]
    assert run["wall_seconds"] > 0 and run["peak_rss_mb"] > 50
    head = (tmp_path / "orders-3000.csv").read_text(encoding="utf-8").splitlines()[:2]
    assert head[0] == "customer_id,date,quantity,amount" and head[1].split(",")[1].isdigit()  # YYYYMMDD
    assert "  transactions           3,000 rows" in result.stdout
