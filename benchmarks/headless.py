"""A child for the headless runs of benchmarks/run.py: navigator started as the CLI starts it
in a terminal (first frame, then the data opened in a worker), on Textual's headless driver
at 160x50. It exits as soon as its bench log records EVENT ("frame", "panel overview shown").

    NAVIGATOR_BENCH_LOG=/tmp/log python benchmarks/headless.py DB_PATH EVENT
"""

from __future__ import annotations

import sys
from functools import partial
from pathlib import Path

import navigator.ui.app as ui
from navigator.cli import open_db


def main() -> None:
    db_path, until = Path(sys.argv[1]), sys.argv[2]
    app = ui.NavigatorApp(ui.Opener(str(db_path), partial(open_db, db_path, None)))
    record = ui._bench

    def bench(event: str) -> None:
        record(event)
        if event == until:
            app.call_later(app.exit)

    ui._bench = bench
    app.run(headless=True, size=(160, 50))


if __name__ == "__main__":
    main()
