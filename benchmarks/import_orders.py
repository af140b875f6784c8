"""`navigator import` of a large order log, as a new user brings one: a CSV of orders with
`YYYYMMDD` dates, no accounts file and no mapping (shaped like the public CDNOW log: customer id,
date, quantity, dollar value; most customers buy once, a few often, spend skewed).

    python benchmarks/import_orders.py [--rows 1000000] [--runs 1]

writes the log to benchmarks/data/ (once per size), imports it in a fresh process under
`/usr/bin/time -v` and prints the wall time and the peak memory (maximum resident set size) of
each run, and writes benchmarks/results/import-orders-ROWS.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import re
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "results"
FIRST = dt.date(1997, 1, 1)
DAYS = 546  # eighteen months, as the CDNOW log


def write_log(path: Path, rows: int, seed: int = 7) -> None:
    """An order log of `rows` orders: customers arrive over the first quarter, each buys once or a
    few times (a geometric number of repeat orders), amounts log-normal."""
    rng = random.Random(seed)
    customers = max(1, round(rows / 2.96))  # CDNOW: 69,659 orders of 23,570 customers
    lines = []
    made = 0
    customer = 0
    while made < rows:
        customer += 1
        start = rng.randrange(0, 90)
        orders = 1
        while orders < 60 and rng.random() < 0.66:
            orders += 1
        orders = min(orders, rows - made)
        days = sorted(rng.randrange(start, DAYS) for _ in range(orders - 1))
        for day in [start, *days]:
            when = FIRST + dt.timedelta(days=day)
            amount = round(rng.lognormvariate(3.0, 0.8), 2)
            lines.append(f"{customer:07},{when:%Y%m%d},{rng.randint(1, 6)},{amount}")
        made += orders
    del customers
    with path.open("w", encoding="utf-8") as handle:
        handle.write("customer_id,date,quantity,amount\n")
        handle.write("\n".join(lines[:rows]))
        handle.write("\n")


def timed_import(log: Path) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        target = Path(folder) / "orders.duckdb"
        command = ["/usr/bin/time", "-v", sys.executable, "-m", "navigator", "import", "--db", str(target), str(log)]
        result = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, check=False)
        if result.returncode != 0:
            raise SystemExit(result.stderr)
        wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
        rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr)
        assert wall and rss, result.stderr
        hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups())
        return {
            "wall_seconds": round(hours * 3600 + minutes * 60 + seconds, 2),
            "peak_rss_mb": round(int(rss.group(1)) / 1024, 1),
            "file_mb": round(target.stat().st_size / 2**20, 1),
            "stdout": result.stdout,
        }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=1)
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    log = DATA / f"orders-{args.rows}.csv"
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
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / f"import-orders-{args.rows}.json").write_text(json.dumps(document, indent=2) + "\n")


if __name__ == "__main__":
    main()
