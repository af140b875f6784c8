"""`navigator import` of a large order log, as a new user brings one: a CSV of orders with
`YYYYMMDD` dates, no accounts file and no mapping (shaped like the public CDNOW log: customer id,
date, quantity, dollar value; most customers buy once, a few often, spend skewed).

    python benchmarks/import_orders.py [--rows 1000000] [--runs 1]

writes the log to benchmarks/data/ (once per size), imports it in a fresh process and prints the
wall time and the peak memory (the maximum resident set size, as `/usr/bin/time -v` reports it) of
each run, and writes benchmarks/results/import-orders-ROWS.json (or --out FILE).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "results"
FIRST = dt.date(1997, 1, 1)
DAYS = 546  # eighteen months, as the CDNOW log


def write_log(path: Path, rows: int, seed: int = 7) -> None:
    """An order log of `rows` orders: customers arrive over the first quarter, each buys once or a
    few times (a geometric number of repeat orders), amounts log-normal."""
    rng = random.Random(seed)  # about 2.96 orders a customer, as CDNOW's 69,659 orders of 23,570
    lines: list[str] = []
    made = 0
    customer = 0
    while made < rows:
        customer += 1
        start = rng.randrange(0, 90)
        orders = 1
        while orders < 60 and rng.random() < 0.66:  # geometric: 1 / (1 - 0.66) = 2.9 orders on average
            orders += 1
        orders = min(orders, rows - made)
        days = sorted(rng.randrange(start, DAYS) for _ in range(orders - 1))
        for day in [start, *days]:
            when = FIRST + dt.timedelta(days=day)
            amount = round(rng.lognormvariate(3.0, 0.8), 2)
            lines.append(f"{customer:07},{when:%Y%m%d},{rng.randint(1, 6)},{amount}")
        made += orders
    with path.open("w", encoding="utf-8") as handle:
        handle.write("customer_id,date,quantity,amount\n")
        handle.write("\n".join(lines[:rows]))
        handle.write("\n")


# Runs the import as its only child and prints the child's peak RSS (kB): what `/usr/bin/time -v`
# calls "Maximum resident set size", without needing that program.
WRAPPER = (
    "import resource, subprocess, sys\n"
    "code = subprocess.run(sys.argv[1:], stdout=sys.stdout, stderr=sys.stderr).returncode\n"
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss, file=sys.stderr)\n"
    "sys.exit(code)\n"
)


def timed_import(log: Path) -> dict[str, float | str]:
    """Wall time and peak RSS of `navigator import --db NEW LOG` in a fresh process."""
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "orders.duckdb"
        command = [sys.executable, "-c", WRAPPER, sys.executable, "-m", "navigator", "import", "--db", str(target)]
        started = time.perf_counter()
        result = subprocess.run([*command, str(log)], capture_output=True, text=True, cwd=ROOT, check=False)
        wall = time.perf_counter() - started
        if result.returncode != 0:
            raise SystemExit(result.stderr)
        peak_kb = int(result.stderr.strip().splitlines()[-1])
        return {
            "wall_seconds": round(wall, 2),
            "peak_rss_mb": round(peak_kb / 1024, 1),
            "file_mb": round(target.stat().st_size / 2**20, 1),
            "stdout": result.stdout,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--out", type=Path, default=None, help="where to write the JSON document")
    parser.add_argument("--data", type=Path, default=DATA, help="where the order logs are kept")
    args = parser.parse_args()
    args.data.mkdir(parents=True, exist_ok=True)
    log = args.data / f"orders-{args.rows}.csv"
    if not log.exists():
        write_log(log, args.rows)
    runs = [timed_import(log) for _ in range(args.runs)]
    print(runs[-1]["stdout"])
    for run in runs:
        print(f"wall {run['wall_seconds']:.1f} s, peak RSS {run['peak_rss_mb']:.0f} MB, file {run['file_mb']:.0f} MB")
    document = {
        "benchmark": "navigator import of an order log (YYYYMMDD dates, no accounts file, no mapping)",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "machine": {"cpus": os.cpu_count(), "platform": platform.platform(), "python": platform.python_version()},
        "rows": args.rows,
        "csv_mb": round(log.stat().st_size / 2**20, 1),
        "runs": [{k: v for k, v in run.items() if k != "stdout"} for run in runs],
    }
    out = args.out or RESULTS / f"import-orders-{args.rows}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    main()
