"""The baseline for the first frame: a bare Textual app showing one Static, nothing else.

    python benchmarks/bare_app.py [MARKER]

Started by benchmarks/run.py in a pseudo-terminal, which times the spawn until the marker
appears on the terminal. With NAVIGATOR_BENCH_LOG set, it appends "frame <time.monotonic()>"
when its first frame is painted (the Ready event), as navigator does, for the headless run.
"""

from __future__ import annotations

import os
import sys
import time

from textual.app import App, ComposeResult
from textual.widgets import Static

MARKER = sys.argv[1] if len(sys.argv) > 1 else "navigator-bench-ready"


class BareApp(App[None]):
    def compose(self) -> ComposeResult:
        yield Static(MARKER)

    def on_ready(self) -> None:
        log = os.environ.get("NAVIGATOR_BENCH_LOG")
        if log:
            with open(log, "a", encoding="utf-8") as out:
                out.write(f"frame {time.monotonic():.6f}\n")
        if os.environ.get("NAVIGATOR_BENCH_EXIT") == "frame":
            self.exit()


if __name__ == "__main__":
    BareApp().run(headless=os.environ.get("NAVIGATOR_BENCH_HEADLESS") == "1")
