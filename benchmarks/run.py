"""Speed at scale: every figure of issue 6, each with its baseline measured in the same run.

    python benchmarks/run.py                         # the demo sample and 10 million events, 5 runs each
    python benchmarks/run.py --events 1m --repeat 3
    python benchmarks/run.py --events 50000 --repeat 1 --out /tmp/smoke.json   # CI smoke run

The samples are generated once (navigator.data.sample.generate, seed 42) and kept under
benchmarks/data/ (git-ignored). Each size is measured in these ways:

- first frame: the time from spawning `python -m navigator --db FILE` until its output contains
  the chrome's marker, in a real pseudo-terminal (160x50), against a bare Textual app showing one
  Static (benchmarks/bare_app.py), the two spawned alternately; and headless, where the apps write
  the moment of their Ready event (first frame painted) to a bench log;
- all visible panels painted with data: from the spawn until the app's bench log
  (NAVIGATOR_BENCH_LOG) says the visible panel shows its data and the screen was refreshed;
- a filter change until the visible panel is repainted, over many distinct states (cache cold):
  in the pty by typing `[`, `w` and `c` (month, window, comparison), headless in this process
  through `set_state` with filters as well; the floor is, for each of the same states, raw DuckDB
  running the very SQL the panel's `load()` runs (recorded from its cursor, replayed on
  `duckdb.connect(path, read_only=True)`, fetched as Arrow) plus Textual repainting the same
  widgets from that precomputed data (`panel.show(data)` until the next refresh);
- each panel's queries: its `load()` against the same SQL replayed on raw DuckDB;
- peak RSS: `os.wait4` of a dashboard that opened the file and visited every panel.

Children run with bytecode caches (PYTHONPYCACHEPREFIX under benchmarks/data/), as an
installed navigator has, and one unmeasured warm-up run. Nothing here fails on timing: a
missed target is reported, not raised. Prints a Rich table and writes JSON
(benchmarks/results/run-<events>.json unless --out says otherwise).
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import suppress
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "benchmarks"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from datasets import DATA, ensure_sample, rollups_state, store_rollups  # noqa: E402
from rich.console import Console  # noqa: E402
from rich.table import Table  # noqa: E402
from terminal import PtyProgram  # noqa: E402

DEMO_EVENTS = 50_000  # the demo preset of navigator.data.sample
SIZE = (160, 50)
BARE_MARKER = b"navigator-bench-ready"
NAV_MARKER = b"navigator"  # the top bar's first word, in the first frame
PTY_KEYS = (b"[", b"w", b"c")  # month back, next window, other comparison: every press a new state
TIMEOUT = 180.0

# The targets (on the 2-core reference machine; 10 million events unless said otherwise).
TARGETS = {
    "first_frame_ratio": 1.3,
    "painted_demo_seconds": 0.9,
    "painted_seconds": 1.5,
    "change_p50_seconds": 0.100,
    "change_p95_seconds": 0.250,
    "change_floor_ratio": 1.5,
    "queries_ratio": 1.2,
    "peak_rss_mb": 350,
}
FIGURES = (
    "first_frame_pty",
    "first_frame_headless",
    "panels_painted_pty",
    "panels_painted_headless",
    "filter_change_p50_pty",
    "filter_change_p95_pty",
    "filter_change_p50_headless",
    "filter_change_p95_headless",
    "panel_queries",
    "peak_rss",
)


# --- statistics -----------------------------------------------------------------------------------


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    if len(ordered) == 1:
        return ordered[0]
    return statistics.quantiles(ordered, n=20, method="inclusive")[18]


def summary(values: list[float | None]) -> dict[str, Any]:
    """Median, p95, min and max of the values that were measured (None: timed out)."""
    got = [v for v in values if v is not None]
    if not got:
        return {"n": 0, "missed": len(values), "median": None, "p95": None, "min": None, "max": None, "values": []}
    return {
        "n": len(got),
        "missed": len(values) - len(got),
        "median": statistics.median(got),
        "p95": p95(got),
        "min": min(got),
        "max": max(got),
        "values": [round(v, 6) for v in got],
    }


def ratio(measured: float | None, baseline: float | None) -> float | None:
    return measured / baseline if measured is not None and baseline else None


# --- children -------------------------------------------------------------------------------------


class BenchLog:
    """The "<event> <time.monotonic()>" lines a child appends to NAVIGATOR_BENCH_LOG."""

    def __init__(self, folder: Path, name: str) -> None:
        self.path = folder / f"{name}.log"
        self.path.unlink(missing_ok=True)

    def events(self) -> list[tuple[str, float]]:
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return []
        found = []
        for line in text.splitlines():
            event, _, stamp = line.rpartition(" ")
            with suppress(ValueError):
                found.append((event, float(stamp)))
        return found

    def first(self, event: str) -> float | None:
        return next((stamp for name, stamp in self.events() if name == event), None)

    def count(self, event: str) -> int:
        return sum(1 for name, _ in self.events() if name == event)

    def nth(self, event: str, index: int) -> float | None:
        stamps = [stamp for name, stamp in self.events() if name == event]
        return stamps[index] if len(stamps) > index else None


def child_env(work: Path, log: BenchLog | None = None, **extra: str) -> dict[str, str]:
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # an installed navigator has its bytecode compiled
    env["PYTHONPYCACHEPREFIX"] = str(DATA / "pycache")
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    env["XDG_CONFIG_HOME"] = str(work / "config")  # no user settings file
    for name in ("NAVIGATOR_BENCH_LOG", "SSH_CONNECTION", "TEXTUAL_FPS", "TEXTUAL_ANIMATIONS", "NO_COLOR"):
        env.pop(name, None)
    if log is not None:
        env["NAVIGATOR_BENCH_LOG"] = str(log.path)
    env.update(extra)
    return env


def navigator_argv(path: Path) -> list[str]:
    return [sys.executable, "-m", "navigator", "--db", str(path)]


def bare_argv() -> list[str]:
    return [sys.executable, str(BENCH / "bare_app.py"), BARE_MARKER.decode()]


def pty_bare(work: Path) -> float | None:
    with PtyProgram(bare_argv(), env=child_env(work), size=SIZE) as program:
        return program.wait_for_marker(BARE_MARKER, TIMEOUT)


def pty_navigator(path: Path, work: Path, run: int) -> dict[str, Any]:
    """First frame (marker on the terminal) and the visible panel shown with data (bench log)."""
    log = BenchLog(work, f"pty-{run}")
    with PtyProgram(navigator_argv(path), env=child_env(work, log), size=SIZE) as program:
        frame = program.wait_for_marker(NAV_MARKER, TIMEOUT)
        program.wait_for(lambda: log.count("panel overview shown") > 0, TIMEOUT)
        shown = log.first("panel overview shown")
        opened = log.first("opened")
        return {
            "frame": frame,
            "painted": program.since_spawn(shown) if shown is not None else None,
            "opened": program.since_spawn(opened) if opened is not None else None,
        }


def headless_run(argv: list[str], work: Path, log: BenchLog, **extra: str) -> float:
    """Run a headless child to its end (it exits after the event it waits for); its spawn time."""
    spawned = time.monotonic()
    with suppress(subprocess.TimeoutExpired):
        subprocess.run(
            argv, env=child_env(work, log, **extra), stdin=subprocess.DEVNULL, capture_output=True, timeout=TIMEOUT
        )
    return spawned


def since(spawned: float, stamp: float | None) -> float | None:
    return stamp - spawned if stamp is not None else None


def headless_bare(work: Path, run: int) -> float | None:
    log = BenchLog(work, f"bare-headless-{run}")
    spawned = headless_run(bare_argv(), work, log, NAVIGATOR_BENCH_HEADLESS="1", NAVIGATOR_BENCH_EXIT="frame")
    return since(spawned, log.first("frame"))


def headless_navigator(path: Path, work: Path, run: int) -> dict[str, float | None]:
    log = BenchLog(work, f"nav-headless-{run}")
    spawned = headless_run([sys.executable, str(BENCH / "headless.py"), str(path), "panel overview shown"], work, log)
    return {"frame": since(spawned, log.first("frame")), "painted": since(spawned, log.first("panel overview shown"))}


def pty_filter_changes(path: Path, work: Path, changes: int) -> list[float | None]:
    """Seconds from each key press until the visible panel was repainted with the new state's data."""
    log = BenchLog(work, "pty-changes")
    seconds: list[float | None] = []
    with PtyProgram(navigator_argv(path), env=child_env(work, log), size=SIZE) as program:
        if program.wait_for(lambda: log.count("panel overview shown") > 0, TIMEOUT) is None:
            return [None] * changes
        time.sleep(0.3)  # let the dimensions query and the first refreshes finish
        for index in range(changes):
            pressed = program.send(PTY_KEYS[index % len(PTY_KEYS)])
            wanted = index + 2
            program.wait_for(lambda wanted=wanted: log.count("panel overview shown") >= wanted, TIMEOUT)
            shown = log.nth("panel overview shown", index + 1)
            seconds.append(shown - pressed if shown is not None else None)
    return seconds


def pty_peak_rss(path: Path, work: Path) -> dict[str, Any]:
    """Peak RSS of a dashboard that opened the file and showed every panel (os.wait4 of the child)."""
    from navigator.panels import PANELS

    log = BenchLog(work, "pty-rss")
    visited = []
    with PtyProgram(navigator_argv(path), env=child_env(work, log), size=SIZE) as program:
        for number, info in enumerate(PANELS, start=1):
            if number > 1:
                program.send(str(number).encode())
            event = f"panel {info.panel_id} shown"
            if program.wait_for(lambda event=event: log.count(event) > 0, TIMEOUT) is not None:
                visited.append(info.panel_id)
        program.close()
        return {"peak_rss_mb": program.peak_rss_mb, "visited": visited}


def import_times(work: Path) -> dict[str, float | None]:
    """`python -X importtime`: total milliseconds of `navigator --help` and of `import navigator.ui.app`."""

    def total(argv: list[str]) -> float | None:
        result = subprocess.run(
            [sys.executable, "-X", "importtime", *argv], env=child_env(work), capture_output=True, text=True
        )
        top = 0
        for line in result.stderr.splitlines():
            if line.startswith("import time:") and not line.split("|")[2].startswith("  "):
                with suppress(ValueError):
                    top += int(line.split("|")[1])
        return top / 1000 if top else None

    out = {}
    for name, argv in (
        ("navigator --help", ["-m", "navigator", "--help"]),
        ("navigator.ui.app", ["-c", "import navigator.ui.app"]),
    ):
        total(argv)  # warm-up (bytecode)
        out[name] = statistics.median([t for t in (total(argv) for _ in range(3)) if t is not None] or [0]) or None
    return out


# --- in this process: filter changes headless, the floor, the panels' queries -----------------------


def change_states(db: Any, count: int) -> list[Any]:
    """`count` distinct view states: months back, every window, both comparisons, filters of each kind."""
    from navigator.data.report import Filters, ViewState, add_months

    options: dict[str, list[str]] = {}
    for row in db.run("dimensions").iter_rows(named=True):
        options.setdefault(row["dimension"], []).append(row["value"])
    filters = [Filters()]
    for name, field in (
        ("segment", "segment"),
        ("market_id", "market_id"),
        ("region", "region"),
        ("team_id", "team_id"),
    ):
        filters += [Filters(**{field: value}) for value in options.get(name, [])[:2]]
    start = ViewState(as_of=db.as_of)
    seen, states = {start}, []
    index = 0
    while len(states) < count:
        state = ViewState(
            as_of=add_months(db.as_of, -(index // len(filters))),
            window=(6, 12, 1, 3)[index % 4],
            compare=("previous", "year")[(index // 4) % 2],
            filters=filters[index % len(filters)],
        )
        if state not in seen:
            seen.add(state)
            states.append(state)
        index += 1
    return states


async def headless_changes(path: Path, changes: int) -> dict[str, Any]:
    """Filter changes in a headless app, then the floor for the same states (see the module doc)."""
    import duckdb
    from rawsql import record, replay
    from textual.worker import WorkerCancelled

    from navigator.data.source import open_database
    from navigator.ui.app import NavigatorApp

    db = open_database(path)
    raw = duckdb.connect(str(path), read_only=True)
    app = NavigatorApp(db)
    measured: list[float | None] = []
    floor_sql: list[float] = []
    floor_paint: list[float] = []
    try:
        states = change_states(db, changes)
        async with app.run_test(size=SIZE) as pilot:
            for _ in range(3):
                with suppress(WorkerCancelled):
                    await app.workers.wait_for_complete()
                await pilot.pause()
            panel = app.active_panel()
            shown = asyncio.Event()
            original = app._show

            def show_and_signal(target: Any, data: Any) -> None:
                original(target, data)
                app.call_after_refresh(shown.set)

            app._show = show_and_signal  # type: ignore[method-assign]
            for state in states:
                shown.clear()
                started = time.perf_counter()
                app.set_state(state)
                try:
                    await asyncio.wait_for(shown.wait(), TIMEOUT)
                    measured.append(time.perf_counter() - started)
                except TimeoutError:
                    measured.append(None)
            app._show = original  # type: ignore[method-assign]
            # The floor: the same states' SQL on raw DuckDB, then the same widgets repainted.
            for state in states:
                data, statements, _ = record(type(panel), db, state)
                floor_sql.append(replay(raw, statements))
                painted = asyncio.Event()
                started = time.perf_counter()
                panel.show(data)  # type: ignore[attr-defined]
                app.call_after_refresh(painted.set)
                await painted.wait()
                floor_paint.append(time.perf_counter() - started)
    finally:
        raw.close()
        db.close()
    floor = [q + p for q, p in zip(floor_sql, floor_paint, strict=True)]
    return {
        "states": len(states),
        "measured": summary(measured),
        "floor": summary(floor),
        "floor_sql": summary(floor_sql),
        "floor_repaint": summary(floor_paint),
    }


def panel_queries(path: Path, repeat: int) -> dict[str, Any]:
    """Each panel's load() against its own SQL replayed on raw DuckDB, interleaved, after a warm-up."""
    import duckdb
    from rawsql import record, replay, timed_load

    from navigator.data.report import ViewState
    from navigator.data.source import open_database
    from navigator.panels import PANELS

    db = open_database(path)
    raw = duckdb.connect(str(path), read_only=True)
    results: dict[str, Any] = {}
    try:
        state = ViewState(as_of=db.as_of)
        for info in PANELS:
            panel_class = info.load()
            _, statements, _ = record(panel_class, db, state)
            try:
                replay(raw, statements)  # warm-up, and proof that the SQL runs on the raw file
            except duckdb.Error as exc:
                results[info.panel_id] = {"error": f"raw DuckDB: {str(exc).splitlines()[0]}"}
                continue
            ours, plain = [], []
            for _ in range(max(repeat, 3)):
                ours.append(timed_load(panel_class, db, state))
                plain.append(replay(raw, statements))
            results[info.panel_id] = {"statements": len(statements), "load": summary(ours), "raw": summary(plain)}
    finally:
        raw.close()
        db.close()
    return results


# --- one size ---------------------------------------------------------------------------------------


def measure(path: Path, label: str, repeat: int, changes: int, work: Path, console: Console) -> dict[str, Any]:
    say = lambda text: console.print(f"  [dim]{label}:[/] {text}", highlight=False)  # noqa: E731
    result: dict[str, Any] = {
        "label": label,
        "file": str(path.relative_to(ROOT)),
        "summary_tables": rollups_state(path),
    }

    say(f"first frame and panels painted, pty and headless ({repeat} runs + 1 warm-up)")
    bare_pty, nav_pty, bare_headless, nav_headless = [], [], [], []
    for run in range(repeat + 1):
        runs = (
            pty_bare(work),
            pty_navigator(path, work, run),
            headless_bare(work, run),
            headless_navigator(path, work, run),
        )
        if run:  # the first is the warm-up
            for target, value in zip((bare_pty, nav_pty, bare_headless, nav_headless), runs, strict=True):
                target.append(value)
    result["pty"] = {
        "bare_frame": summary(bare_pty),
        "frame": summary([r["frame"] for r in nav_pty]),
        "opened": summary([r["opened"] for r in nav_pty]),
        "painted": summary([r["painted"] for r in nav_pty]),
    }
    result["headless"] = {
        "bare_frame": summary(bare_headless),
        "frame": summary([r["frame"] for r in nav_headless]),
        "painted": summary([r["painted"] for r in nav_headless]),
    }

    say(f"{changes} filter changes in the pty")
    result["pty"]["changes"] = summary(pty_filter_changes(path, work, changes))
    say(f"{changes} filter changes headless, and their floor (raw DuckDB + repaint)")
    result["headless"]["changes"] = asyncio.run(headless_changes(path, changes))
    say("each panel's queries against raw DuckDB")
    result["queries"] = panel_queries(path, repeat)
    say("peak RSS with every panel visited")
    result["rss"] = pty_peak_rss(path, work)
    return result


# --- the table --------------------------------------------------------------------------------------


def seconds_text(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def figures(result: dict[str, Any], demo: bool) -> list[dict[str, Any]]:
    """The issue's table for one size: figure, measured, baseline, ratio, target, met."""
    rows: list[dict[str, Any]] = []

    def add(
        key: str,
        name: str,
        measured: Any,
        shown: str,
        baseline: str,
        ratio_value: float | None,
        target: str,
        met: bool | None,
        **extra: Any,
    ) -> None:
        rows.append(
            {
                "id": key,
                "figure": name,
                "size": result["label"],
                "measured": measured,
                "measured_text": shown,
                "baseline": baseline,
                "ratio": ratio_value,
                "target": target,
                "met": met,
                **extra,
            }
        )

    for mode in ("pty", "headless"):
        got = result[mode]
        frame, bare = got["frame"]["median"], got["bare_frame"]["median"]
        r = ratio(frame, bare)
        add(
            f"first_frame_{mode}",
            f"first frame painted ({mode}) / bare Textual app",
            frame,
            seconds_text(frame),
            seconds_text(bare),
            r,
            f"≤ {TARGETS['first_frame_ratio']}x",
            None if r is None else r <= TARGETS["first_frame_ratio"],
            p95=got["frame"]["p95"],
        )
    for mode in ("pty", "headless"):
        painted = result[mode]["painted"]["median"]
        limit = TARGETS["painted_demo_seconds" if demo else "painted_seconds"]
        add(
            f"panels_painted_{mode}",
            f"visible panels painted with data ({mode})",
            painted,
            seconds_text(painted),
            "—",
            None,
            f"≤ {limit} s",
            None if painted is None else painted <= limit,
            p95=result[mode]["painted"]["p95"],
        )
    floor = result["headless"]["changes"]["floor"]
    for mode, changes in (("pty", result["pty"]["changes"]), ("headless", result["headless"]["changes"]["measured"])):
        for stat, limit_key in (("median", "change_p50_seconds"), ("p95", "change_p95_seconds")):
            value, base = changes[stat], floor[stat]
            r = ratio(value, base)
            met = (
                None
                if value is None or r is None
                else value <= TARGETS[limit_key] and r <= TARGETS["change_floor_ratio"]
            )
            name = "p50" if stat == "median" else "p95"
            add(
                f"filter_change_{name}_{mode}",
                f"filter change until repainted, {name} ({mode}) / floor",
                value,
                seconds_text(value),
                f"floor {seconds_text(base)}",
                r,
                f"≤ {TARGETS[limit_key] * 1000:.0f} ms, ≤ {TARGETS['change_floor_ratio']}x",
                met,
                changes=changes["n"],
            )
    for panel_id, got in result["queries"].items():
        if "error" in got:
            add(
                "panel_queries",
                f"{panel_id} queries / raw DuckDB",
                None,
                "—",
                got["error"],
                None,
                f"≤ {TARGETS['queries_ratio']}x",
                None,
                panel=panel_id,
            )
            continue
        ours, raw = got["load"]["median"], got["raw"]["median"]
        r = ratio(ours, raw)
        add(
            "panel_queries",
            f"{panel_id} queries / raw DuckDB",
            ours,
            seconds_text(ours),
            seconds_text(raw),
            r,
            f"≤ {TARGETS['queries_ratio']}x",
            None if r is None else r <= TARGETS["queries_ratio"],
            panel=panel_id,
        )
    rss = result["rss"]["peak_rss_mb"]
    add(
        "peak_rss",
        "peak RSS, every panel visited",
        rss,
        "—" if rss is None else f"{rss:.0f} MB",
        "—",
        None,
        f"≤ {TARGETS['peak_rss_mb']} MB",
        None if rss is None else rss <= TARGETS["peak_rss_mb"],
        visited=result["rss"]["visited"],
    )
    return rows


def print_table(console: Console, rows: list[dict[str, Any]], title: str) -> None:
    table = Table(title=title, title_justify="left")
    for column in ("figure", "size", "measured", "baseline", "ratio", "target", "met?"):
        table.add_column(column, justify="left" if column in ("figure", "size", "target") else "right")
    for row in rows:
        met = {True: "[green]yes[/]", False: "[red]no[/]", None: "—"}[row["met"]]
        table.add_row(
            row["figure"],
            row["size"],
            row["measured_text"],
            row["baseline"],
            "—" if row["ratio"] is None else f"{row['ratio']:.2f}x",
            row["target"],
            met,
        )
    console.print(table)


def main(argv: list[str] | None = None) -> int:
    from navigator.data.sample import parse_scale

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--events", default="10000000", help="rows in all tables of the large sample (10m, 1m, 50000...)"
    )
    parser.add_argument("--repeat", type=int, default=5, help="runs of each start-up measurement")
    parser.add_argument("--changes", type=int, default=None, help="filter changes (default: 6 per repeat, at least 8)")
    parser.add_argument(
        "--out", type=Path, default=None, help="the JSON file (default benchmarks/results/run-<events>.json)"
    )
    args = parser.parse_args(argv)
    events = parse_scale(args.events)
    repeat = max(1, args.repeat)
    changes = args.changes or max(8, 6 * repeat)
    out = args.out or BENCH / "results" / f"run-{events}.json"
    console = Console(width=None if sys.stdout.isatty() else 150)
    sizes = [("demo", DEMO_EVENTS)] + ([(f"{events:,}", events)] if events != DEMO_EVENTS else [])

    started = time.perf_counter()
    load_before = os.getloadavg()
    results = []
    with tempfile.TemporaryDirectory(prefix="navigator-run-") as tmp:
        work = Path(tmp)
        (work / "config").mkdir()
        imports = import_times(work)
        for label, count in sizes:
            path, generated = ensure_sample(count, log=lambda text: console.print(text, highlight=False))
            store_rollups(path, log=lambda text: console.print(text, highlight=False))
            console.print(f"[bold]{label}[/] ({count:,} rows, {path.name})", highlight=False)
            result = measure(path, label, repeat, changes, work, console)
            result["events"] = count
            result["generated_seconds"] = generated
            results.append(result)

    rows = [row for result in results for row in figures(result, demo=result["events"] == DEMO_EVENTS)]
    print_table(
        console, rows, f"Speed at scale: {', '.join(label for label, _ in sizes)} ({repeat} runs, {changes} changes)"
    )
    console.print(
        f"import time (python -X importtime): navigator --help {imports['navigator --help']} ms, "
        f"navigator.ui.app {imports['navigator.ui.app']} ms · summary tables: "
        + ", ".join(f"{r['label']} {r['summary_tables']}" for r in results),
        highlight=False,
    )
    import duckdb
    import polars
    import textual

    document = {
        "benchmark": "speed at scale (issue 6)",
        "measured_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - started, 1),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
            "duckdb": duckdb.__version__,
            "polars": polars.__version__,
            "textual": textual.__version__,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
        },
        "events": events,
        "repeat": repeat,
        "changes": changes,
        "terminal_size": list(SIZE),
        "targets": TARGETS,
        "figure_ids": list(FIGURES),
        "imports_ms": imports,
        "figures": rows,
        "sizes": results,
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(document, indent=2, default=str) + "\n", encoding="utf-8")
    console.print(f"wrote {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out} in {document['seconds']} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
