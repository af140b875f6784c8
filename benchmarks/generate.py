"""Benchmark the sample generator: demo size and a large size, several runs each.

    python benchmarks/generate.py                      # demo and 10 million rows, 3 runs each
    python benchmarks/generate.py --events 1m --repeat 5

Every run generates in a fresh child process, so its peak RSS (from os.wait4, the kernel's
figure for that child alone) is the generator's own and one run cannot warm the next. The
time is the wall time of `generate()` inside the child (interpreter start-up and imports
excluded). Prints a Rich table and writes benchmarks/results/generate.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from rich.console import Console
from rich.table import Table

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from navigator.data.sample import parse_scale  # noqa: E402
from navigator.data.schema import ALL_TABLES  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "generate.json"
# Targets for this project's 2-core reference machine.
TARGETS = {"demo_seconds": 2.0, "large_rows": 10_000_000, "large_seconds": 15.0, "large_rss_mb": 1024}

CHILD = """
import json, sys, time
from pathlib import Path
from navigator.data.sample import generate
out, seed, scale = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
started = time.perf_counter()
counts = generate(out, seed=seed, scale=scale)
seconds = time.perf_counter() - started
print(json.dumps({"seconds": seconds, "counts": counts, "bytes": out.stat().st_size}))
"""


def run_once(out: Path, seed: int, scale: str) -> dict:
    """Generate in a child process; its time, row counts, file size and peak RSS."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, str(out), str(seed), scale],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=env,
        text=True,
    )
    # os.wait4 reports the resources of this child alone (RUSAGE_CHILDREN would be the
    # maximum over every child so far); read the pipe to its end first so it cannot block.
    output = child.stdout.read()  # type: ignore[union-attr]
    _, status, usage = os.wait4(child.pid, 0)
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode != 0:
        raise SystemExit(f"generation failed (exit {child.returncode}):\n{output}")
    result = json.loads(output.strip().splitlines()[-1])
    # ru_maxrss is in kilobytes on Linux, bytes on macOS
    scale_to_mb = 1 / 1024 / 1024 if sys.platform == "darwin" else 1 / 1024
    result["peak_rss_mb"] = usage.ru_maxrss * scale_to_mb
    result["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    return result


def bench(label: str, scale: str, repeat: int, seed: int, folder: Path, console: Console) -> dict:
    runs = []
    for number in range(1, repeat + 1):
        out = folder / f"{label}.duckdb"
        result = run_once(out, seed, scale)
        out.unlink()
        runs.append(result)
        console.print(
            f"  {label} run {number}/{repeat}: {result['seconds']:.2f} s, "
            f"{sum(result['counts'].values()):,} rows, peak RSS {result['peak_rss_mb']:.0f} MB",
            highlight=False,
        )
    seconds = [r["seconds"] for r in runs]
    counts = runs[0]["counts"]
    return {
        "label": label,
        "scale": scale,
        "runs": len(runs),
        "seconds": seconds,
        "median_seconds": statistics.median(seconds),
        "min_seconds": min(seconds),
        "cpu_seconds_median": statistics.median(r["cpu_seconds"] for r in runs),
        "peak_rss_mb": [r["peak_rss_mb"] for r in runs],
        "peak_rss_mb_max": max(r["peak_rss_mb"] for r in runs),
        "file_mb": runs[0]["bytes"] / 1e6,
        "rows_total": sum(counts.values()),
        "rows": counts,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", default="10000000", help="rows in all tables for the large run (10m, 1m...)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per size")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--skip-demo", action="store_true", help="only the large size")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON results")
    args = parser.parse_args(argv)
    large = str(parse_scale(args.events))
    console = Console()

    sizes = ([] if args.skip_demo else [("demo", "demo")]) + [("large", large)]
    results = []
    with tempfile.TemporaryDirectory(prefix="navigator-bench-", dir=ROOT / "benchmarks") as tmp:
        for label, scale in sizes:
            console.print(f"[bold]{scale}[/]: {args.repeat} runs (seed {args.seed})")
            results.append(bench(label, scale, args.repeat, args.seed, Path(tmp), console))

    summary = Table(title="Sample generation", title_justify="left")
    for column in (
        "size",
        "runs",
        "median s",
        "min s",
        "CPU s",
        "rows in all tables",
        "rows/s",
        "peak RSS MB",
        "file MB",
    ):
        summary.add_column(column, justify="left" if column == "size" else "right")
    for r in results:
        summary.add_row(
            r["scale"],
            str(r["runs"]),
            f"{r['median_seconds']:.2f}",
            f"{r['min_seconds']:.2f}",
            f"{r['cpu_seconds_median']:.1f}",
            f"{r['rows_total']:,}",
            f"{r['rows_total'] / r['median_seconds']:,.0f}",
            f"{r['peak_rss_mb_max']:.0f}",
            f"{r['file_mb']:.0f}",
        )
    console.print(summary)

    per_table = Table(title="Rows per table", title_justify="left")
    per_table.add_column("table")
    for r in results:
        per_table.add_column(r["scale"], justify="right")
    for table in ALL_TABLES:
        if all(table in r["rows"] for r in results):  # import-only tables are not generated
            per_table.add_row(table, *(f"{r['rows'][table]:,}" for r in results))
    console.print(per_table)

    document = {
        "benchmark": "sample generation",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "duckdb": __import__("duckdb").__version__,
        },
        "seed": args.seed,
        "targets": TARGETS,
        "results": results,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    console.print(f"wrote {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
