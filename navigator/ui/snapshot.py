"""Pictures for slides: any panel rendered headless to SVG (and PNG via resvg).

The picture is reproducible: the same data, panel, size and theme give the same
file (the status line leaves out the wall-clock read time).
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from pathlib import Path
from typing import TYPE_CHECKING, Any

from navigator.data.errors import UsageError

if TYPE_CHECKING:
    from navigator.data.source import Database

# Fonts tried for PNG output, in order; resvg falls back to any monospace font it finds.
MONOSPACE_FONTS = ("DejaVu Sans Mono", "Liberation Mono", "Noto Sans Mono", "Menlo", "Consolas")


def parse_size(text: str) -> tuple[int, int]:
    try:
        width, height = (int(part) for part in text.lower().split("x"))
    except ValueError:
        raise UsageError(f"--size takes WIDTHxHEIGHT such as 160x50, got {text!r}") from None
    if not (40 <= width <= 400 and 10 <= height <= 200):
        raise UsageError(f"--size must be between 40x10 and 400x200, got {text!r}")
    return width, height


def panel_number(name: str) -> int:
    from navigator.panels import PANEL_CLASSES

    ids = [panel.panel_id for panel in PANEL_CLASSES]
    if name.isdigit() and 1 <= int(name) <= len(ids):
        return int(name)
    if name in ids:
        return ids.index(name) + 1
    raise UsageError(f"no panel named {name!r} (panels: {', '.join(ids)})")


def render_svg(db: Database, *, panel: str, size: tuple[int, int], theme: str, **app_options: Any) -> str:
    """Run the dashboard headless, show one panel, and return the screen as SVG text."""
    from navigator.ui.app import NavigatorApp

    number = panel_number(panel)
    app = NavigatorApp(db, theme=theme, reproducible=True, **app_options)

    async def capture() -> str:
        from textual.worker import WorkerCancelled

        async with app.run_test(size=size) as pilot:
            for step in range(2):
                if step:
                    await pilot.press(str(number))
                for _ in range(3):
                    with suppress(WorkerCancelled):
                        await app.workers.wait_for_complete()
                    await pilot.pause()
            app.screen.set_focus(None)
            await pilot.pause()
            return app.export_screenshot(title=f"navigator · {app.active_panel().title}")

    return asyncio.run(capture())


def svg_to_png(svg: str) -> bytes:
    """Rasterise with resvg (a maintained Rust renderer, from PyPI: resvg-py)."""
    try:
        import resvg_py
    except ImportError:
        raise UsageError("PNG output needs the resvg-py package: pip install resvg-py") from None
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            font_family=MONOSPACE_FONTS[0],
            monospace_family=MONOSPACE_FONTS[0],
        )
    )


def write_picture(svg: str, out: Path) -> list[Path]:
    """Write `out` (.svg or .png); a .png also keeps its .svg beside it. Atomic per file."""
    out = out.expanduser()
    out.parent.mkdir(parents=True, exist_ok=True)
    suffix = out.suffix.lower()
    if suffix not in (".svg", ".png"):
        raise UsageError(f"--out must end in .svg or .png, got {out.name}")
    written = []
    svg_path = out if suffix == ".svg" else out.with_suffix(".svg")
    _atomic_write(svg_path, svg.encode("utf-8"))
    written.append(svg_path)
    if suffix == ".png":
        _atomic_write(out, svg_to_png(svg))
        written.append(out)
    return written


def _atomic_write(path: Path, data: bytes) -> None:
    partial = path.with_name(f".{path.name}.partial")
    try:
        partial.write_bytes(data)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
