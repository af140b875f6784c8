"""The navigator dashboard: panels in tabs, filters, drill-down, help, themes.

Threading rule: every query runs in a thread worker on a cursor of its own
(`Database.session()`); the worker posts a message and the handler, on the UI
thread, updates widgets. A newer request for the same panel interrupts the
older one's DuckDB query, and a result whose request is no longer current is
dropped before it reaches the screen.

Start-up paints first and reads later: the first frame (chrome, tabs, "loading …") is drawn
before DuckDB and Polars are imported and before the data is opened. Given an opener
instead of an open `Database`, the app opens the data in a worker after the first frame (an
error ends the app with return code 2 and `open_error` set, for the CLI to print). Panel
modules are imported, and their widgets built, only when their tab is first shown.
"""

from __future__ import annotations

import os
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Static, TabbedContent, TabPane

from navigator.data.report import COMPARISONS, Filters, ViewState, add_months
from navigator.panels import PANELS
from navigator.panels.base import Panel
from navigator.ui.themes import DARK_THEME, LIGHT_THEME, THEMES

if TYPE_CHECKING:
    from navigator.data.source import Database
    from navigator.panels.widgets import DrillRequested

MIN_WIDTH, MIN_HEIGHT = 60, 18
WINDOWS = (1, 3, 6, 12)
CACHE_SIZE = 48
PANEL_IDS = tuple(info.panel_id for info in PANELS)
# Actions that read the data: shown but disabled until it is open.
NEEDS_DATA = frozenset({"filters", "shift_month", "cycle_window", "toggle_compare", "clear_filters", "refresh"})

# Benchmarks (benchmarks/run.py) set NAVIGATOR_BENCH_LOG=/path: the app then appends
# "<event> <time.monotonic()>" lines (frame, opened, panel <id> shown). Unset, it costs one test.
BENCH_LOG = os.environ.get("NAVIGATOR_BENCH_LOG") or None


def _bench(event: str) -> None:
    if BENCH_LOG:
        with open(BENCH_LOG, "a", encoding="utf-8") as log:
            log.write(f"{event} {time.monotonic():.6f}\n")


class Opener:
    """How to open the data, for an app that paints first: called once, in a worker thread.

    `open()` returns a `Database` or raises a NavigatorError (a DataSourceError) whose text is
    the one line the user sees. `label` names the data on the status line meanwhile.
    """

    def __init__(self, label: str, open: Callable[[], Database]) -> None:
        self.label = label
        self.open = open


class PanelLoaded(Message):
    """A worker finished loading one panel for one view state."""

    def __init__(self, panel_id: str, generation: int, state: ViewState, data: Any, error: str | None) -> None:
        self.panel_id = panel_id
        self.generation = generation
        self.state = state
        self.data = data
        self.error = error
        super().__init__()


class DimensionsLoaded(Message):
    def __init__(self, options: dict[str, list[tuple[str, str]]]) -> None:
        self.options = options
        super().__init__()


class DataOpened(Message):
    """The first opening of the data finished: the database, or why it could not be opened."""

    def __init__(self, db: Database | None, error: str | None) -> None:
        self.db = db
        self.error = error
        super().__init__()


class DataReopened(Message):
    """The source was read again (`r`): a fresh database, or why it could not be opened."""

    def __init__(self, db: Database | None, error: str | None) -> None:
        self.db = db
        self.error = error
        super().__init__()


class NavigatorApp(App[None]):
    """Are we building value or extracting it, and where is the market going?"""

    TITLE = "navigator"
    CSS_PATH = "navigator.tcss"
    HORIZONTAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-narrow"), (100, "-medium"), (160, "-wide")]
    VERTICAL_BREAKPOINTS: ClassVar[list[tuple[int, str]]] = [(0, "-short"), (30, "-tall")]

    BINDINGS: ClassVar[list[BindingType]] = [
        *(
            Binding(str(number), f"show_panel('{panel.panel_id}')", panel.title, show=False)
            for number, panel in enumerate(PANELS, start=1)
        ),
        Binding("question_mark", "help", "Help"),
        Binding("f", "filters", "Filters"),
        Binding("left_square_bracket", "shift_month(-1)", "Month −", show=False),
        Binding("right_square_bracket", "shift_month(1)", "Month +", show=False),
        Binding("w", "cycle_window", "Window"),
        Binding("c", "toggle_compare", "Compare", show=False),
        Binding("x", "clear_filters", "Clear filters", show=False),
        Binding("m", "maximize", "Maximize"),
        Binding("r", "refresh", "Refresh"),
        Binding("t", "toggle_theme", "Theme", show=False),
        Binding("y", "copy", "Copy", show=False),
        Binding("q", "quit", "Quit"),
        # presentation mode only (see check_action)
        Binding("space", "toggle_pause", "Pause/resume", priority=True),
        Binding("right", "present_step(1)", "Next panel", priority=True),
        Binding("left", "present_step(-1)", "Previous panel", priority=True),
    ]
    PRESENT_ONLY = frozenset({"toggle_pause", "present_step"})

    def __init__(
        self,
        db: Database | Opener,
        *,
        state: ViewState | Callable[[Database], ViewState] | None = None,
        theme: str = DARK_THEME,
        export_dir: Path | None = None,
        present: bool = False,
        cycle_seconds: float = 20.0,
        targets: dict[str, float] | None = None,
        reproducible: bool = False,
        low_bandwidth: bool = False,
    ) -> None:
        super().__init__()
        # An Opener: the data is opened in a worker after the first frame (see on_ready).
        self._opener = db if isinstance(db, Opener) else None
        self.db: Database | None = None if isinstance(db, Opener) else db
        self.open_error: str | None = None  # why the opener failed; the app then exits with code 2
        self._initial_state = state
        self.present = present
        self.cycle_seconds = cycle_seconds
        self.paused = False
        self.targets = dict(targets or {})
        # For pictures: leave the wall-clock read time and local paths out of the status line.
        self.reproducible = reproducible
        if low_bandwidth:
            # Over SSH: no animations, no blinking cursor; every redraw costs bandwidth.
            self.animation_level = "none"
        self._cycle_timer: Any = None
        self._next_switch = 0.0
        # Until an opener has opened the data, a stand-in that nothing shows or queries.
        self.state = ViewState(as_of=_last_complete_month())
        if self.db is not None:
            self.state = self._state_for(self.db)
        self.export_dir = export_dir or Path.cwd()
        for custom in THEMES:
            self.register_theme(custom)
        self.theme = theme
        self.dimensions: dict[str, list[tuple[str, str]]] = {}
        self._generation: dict[str, int] = {}
        self._sessions: dict[str, Any] = {}
        self._pending: dict[str, ViewState] = {}
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple[str, ViewState], Any] = OrderedDict()
        self._panels: dict[str, Panel] = {}  # built so far (a tab's panel is built when first shown)
        self._mounting: set[str] = set()  # panels built but not yet mounted
        self._first_frame_done = False
        self._focus_when_mounted: str | None = None
        self._printed = ""  # stderr text captured while opening, up to its last newline
        self._open_thread: threading.Thread | None = None
        self._warm_thread: threading.Thread | None = None

    @property
    def opening(self) -> bool:
        """The opener is still at work (after the app ended: the user quit before the data was open;
        the caller then ends the process with os._exit rather than wait for DuckDB)."""
        threads = (self._open_thread, self._warm_thread)
        return any(thread is not None and thread.is_alive() for thread in threads)

    def _state_for(self, db: Database) -> ViewState:
        state = self._initial_state
        if callable(state):
            return state(db)
        if state is None:
            # An empty database has no as-of month: show last month's (empty) figures.
            return ViewState(as_of=db.as_of or _last_complete_month())
        return state

    # --- layout ---------------------------------------------------------------------------------

    def compose(self) -> ComposeResult:
        yield Static("[b]navigator[/b]", id="topbar")
        with TabbedContent(id="panels"):
            for number, info in enumerate(PANELS, start=1):
                with TabPane(f"{number} {info.title}", id=f"tab-{info.panel_id}"):
                    # Stands in for the panel until its tab is first shown (see _panel).
                    yield Static("loading …", classes="panel--placeholder")
        yield Static("", id="status")
        yield Static("", id="present-corner")
        yield Static(
            f"The terminal is too small for navigator: it needs at least {MIN_WIDTH}x{MIN_HEIGHT}.",
            id="too-small",
        )
        yield Footer()

    def on_mount(self) -> None:
        self._update_bars()
        self._check_size()
        if self.db is not None:
            self.load_dimensions()
        if self.present:
            self.screen.add_class("-present")
            self.screen.set_focus(None)
            self._cycle_timer = self.set_interval(1.0, self._present_tick)
            self._next_switch = self.cycle_seconds
            self._update_corner()

    def on_ready(self) -> None:
        """The first frame is on the screen: now open the data and build the visible panel."""
        _bench("frame")
        self._first_frame_done = True
        if self.db is None and self._opener is not None:
            # Notes the data layer prints while opening ("summary tables built in memory ...") would
            # vanish under the app: show them as notifications instead.
            self.begin_capture_print(self, stdout=False, stderr=True)
            # A thread of its own, not a worker: Textual joins its worker threads on exit, and
            # quitting while a large source is still being opened must not wait (see `opening`).
            self._open_thread = threading.Thread(target=self._open_in_thread, name="navigator-open", daemon=True)
            self._open_thread.start()
        self._request_active_panel()

    def _open_in_thread(self) -> None:
        from navigator.data.errors import NavigatorError

        assert self._opener is not None
        # Polars, which the first query result needs, loads meanwhile: its import overlaps DuckDB's
        # own work in opening (which releases the GIL) instead of following it.
        self._warm_thread = threading.Thread(target=_import_polars, name="navigator-polars", daemon=True)
        self._warm_thread.start()
        try:
            db = self._opener.open()
        except NavigatorError as exc:
            self.post_message(DataOpened(None, str(exc)))
            return
        self.post_message(DataOpened(db, None))

    def on_print(self, event: events.Print) -> None:
        self._printed += event.text
        *lines, self._printed = self._printed.split("\n")
        for line in filter(None, (line.strip() for line in lines)):
            text = line.removeprefix("navigator: ").removeprefix("note: ").removeprefix("warning: ")
            self.notify(_markup_escape(text), severity="warning", timeout=20)

    def on_unmount(self) -> None:
        self._cancel_all()  # running queries end now rather than hold up the exit

    def on_data_opened(self, message: DataOpened) -> None:
        if message.db is None:
            self.open_error = message.error or "the data could not be opened"
            self.exit(return_code=2)
            return
        _bench("opened")
        self.db = message.db
        self.state = self._state_for(message.db)
        self._update_bars()
        self.load_dimensions()
        self.refresh_bindings()
        self._request_active_panel()

    def on_resize(self, event: events.Resize) -> None:
        self._check_size(event.size)

    def _check_size(self, size: Size | None = None) -> None:
        width, height = size or self.size
        too_small = width < MIN_WIDTH or height < MIN_HEIGHT
        self.screen.set_class(too_small, "-too-small")

    # --- state ----------------------------------------------------------------------------------

    def set_state(self, state: ViewState) -> None:
        """Every panel follows the new state; queries for the old one are cancelled."""
        if state == self.state or self.db is None:
            return
        self.state = state
        self._cancel_all()
        self._update_bars()
        self._request_active_panel()

    def _update_bars(self) -> None:
        state = self.state
        db = self.db
        if db is None:
            label = self._opener.label if self._opener is not None else ""
            self.query_one("#topbar", Static).update("[b]navigator[/b]  opening the data …")
            self.query_one("#status", Static).update(f"{_markup_escape(label)} · opening …")
            return

        def period(month: Any) -> str:
            start = add_months(month, -(state.window - 1))
            return f"{month:%Y-%m}" if state.window == 1 else f"{start:%Y-%m}..{month:%Y-%m}"

        self.query_one("#topbar", Static).update(
            f"[b]navigator[/b]  period [b]{period(state.as_of)}[/b] vs {period(state.previous_as_of)}"
            f" ({COMPARISONS[state.compare]})  ·  filters: [b]{_markup_escape(self._describe_filters())}[/b]"
        )
        counts = db.row_counts
        as_of = f"{db.as_of:%Y-%m}" if db.as_of else "n/a"
        read = "" if self.reproducible else f" · read {db.opened_at:%Y-%m-%d %H:%M}"
        exports = "" if self.reproducible else f" · exports to {_markup_escape(str(self.export_dir))}"
        self.query_one("#status", Static).update(
            f"{_markup_escape(db.label)} · data as of {as_of}{read}"
            f" · {counts.get('accounts', 0):,} accounts · {counts.get('opportunities', 0):,} deals"
            f" · {counts.get('revenue_movements', 0):,} revenue rows"
            + (f" · {db.rows_set_aside:,} row{'s' * (db.rows_set_aside != 1)} set aside" if db.rows_set_aside else "")
            + exports
        )

    # --- presentation mode ----------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action in self.PRESENT_ONLY:
            return self.present
        if action in NEEDS_DATA and self.db is None:
            return None  # shown, disabled while the data is being opened
        return True

    def _present_tick(self) -> None:
        if self.paused:
            return
        self._next_switch -= 1
        if self._next_switch <= 0:
            self.action_present_step(1)
        else:
            self._update_corner()

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        self._update_corner()

    def action_present_step(self, step: int) -> None:
        current = PANEL_IDS.index(self._active_id())
        self.query_one(TabbedContent).active = f"tab-{PANEL_IDS[(current + step) % len(PANEL_IDS)]}"
        self._next_switch = self.cycle_seconds
        self._update_corner()

    def _update_corner(self) -> None:
        if not self.present or not self.screen.query("#present-corner"):
            return  # not presenting, or the screen is going away
        number = PANEL_IDS.index(self._active_id()) + 1
        title = PANELS[number - 1].title
        as_of = f"{self.db.as_of:%Y-%m}" if self.db is not None and self.db.as_of else "n/a"
        timing = "paused · space resumes" if self.paused else f"next in {max(0, int(self._next_switch))} s"
        self.query_one("#present-corner", Static).update(
            f"{title} {number}/{len(PANELS)} · data as of {as_of} · {timing} · ← → step"
        )

    def _describe_filters(self) -> str:
        labels = {key: dict(options) for key, options in self.dimensions.items()}
        parts = []
        for name, value in self.state.filters.as_params().items():
            if value:
                shown = labels.get(name, {}).get(value, value)
                parts.append(f"{name.removesuffix('_id')} {shown}")
        return ", ".join(parts) if parts else "none (all data)"

    # --- loading --------------------------------------------------------------------------------

    def _active_id(self) -> str:
        active = self.query_one(TabbedContent).active
        return active.removeprefix("tab-") if active else PANEL_IDS[0]

    def active_panel(self) -> Panel:
        """The panel of the tab on screen (built now if its tab is shown for the first time)."""
        return self._panel(self._active_id())

    def _panel(self, panel_id: str) -> Panel:
        """A tab's panel: imported, built and mounted the first time it is asked for.

        Mounting takes a moment; meanwhile the pane's "loading …" placeholder stays on screen
        and `request_panel` waits, and `_panel_mounted` asks for the panel's data.
        """
        panel = self._panels.get(panel_id)
        if panel is not None:
            return panel
        info = PANELS[PANEL_IDS.index(panel_id)]
        panel = info.load()(id=f"panel-{panel_id}", classes="-mounting")
        pane = self.query_one(f"#tab-{panel_id}", TabPane)
        if not pane.is_attached:
            return panel  # the app is closing: nothing to build it into
        self._panels[panel_id] = panel
        self._mounting.add(panel_id)
        mounted = pane.mount(panel)

        async def finish() -> None:
            await mounted
            self._panel_mounted(panel)

        self.run_worker(finish(), group=f"mount-{panel_id}", name=f"build {panel_id}")
        return panel

    def _panel_mounted(self, panel: Panel) -> None:
        # Panel and placeholder swap in one go: no frame shows both, or neither.
        self._mounting.discard(panel.panel_id)
        for placeholder in panel.parent.query(".panel--placeholder") if panel.parent else ():
            placeholder.remove()
        panel.remove_class("-mounting")
        if not panel.has_shown:
            panel.set_message("loading …", hide_body=True)
        if self._focus_when_mounted == panel.panel_id:
            self._focus_when_mounted = None
            panel.focus()
        if self._active_id() == panel.panel_id:
            self.request_panel(panel)

    @on(TabbedContent.TabActivated)
    def _tab_activated(self) -> None:
        if self._first_frame_done:  # the first tab is built after the first frame (on_ready)
            self._request_active_panel()

    def _request_active_panel(self, force: bool = False) -> None:
        self.request_panel(self.active_panel(), force=force)

    def request_panel(self, panel: Panel, force: bool = False) -> None:
        if self.db is None or panel.panel_id in self._mounting:
            return  # asked again once the data is open (on_data_opened) or the panel mounted
        if panel.is_empty(self.db.row_counts):
            panel.set_message(panel.empty_message(), hide_body=True)
            return
        key = (panel.panel_id, self.state)
        if not force and key in self._cache:
            self._cache.move_to_end(key)
            self._show(panel, self._cache[key])
            return
        if not force and self._pending.get(panel.panel_id) == self.state:
            return  # this very request is already under way
        self._pending[panel.panel_id] = self.state
        generation = self._generation.get(panel.panel_id, 0) + 1
        self._generation[panel.panel_id] = generation
        self._cancel(panel.panel_id)
        # Before its first data the body stays hidden; later the old figures stay under the line.
        panel.set_message("loading …", hide_body=not panel.has_shown)
        self.run_worker(
            partial(self._load_in_thread, type(panel), panel.panel_id, generation, self.state),
            thread=True,
            exclusive=True,
            group=f"panel-{panel.panel_id}",
            name=f"load {panel.panel_id}",
        )

    def _load_in_thread(self, panel_class: type[Panel], panel_id: str, generation: int, state: ViewState) -> None:
        import duckdb
        from textual.worker import get_current_worker

        from navigator.data.errors import NavigatorError

        assert self.db is not None
        session = self.db.session()
        with self._lock:
            self._sessions[panel_id] = session
        error: str | None = None
        data: Any = None
        try:
            data = panel_class.load(session, state)  # type: ignore[attr-defined]
        except duckdb.InterruptException:
            return  # cancelled by a newer request
        except NavigatorError as exc:
            error = str(exc)
        except duckdb.Error as exc:
            error = f"a query failed: {str(exc).splitlines()[0]}"
        finally:
            with self._lock:
                if self._sessions.get(panel_id) is session:
                    del self._sessions[panel_id]
            session.close()
        if get_current_worker().is_cancelled or session.interrupted:
            return
        self.post_message(PanelLoaded(panel_id, generation, state, data, error))

    def on_panel_loaded(self, message: PanelLoaded) -> None:
        if message.generation != self._generation.get(message.panel_id) or message.state != self.state:
            return  # a stale answer: a newer request is under way or done
        self._pending.pop(message.panel_id, None)
        _bench(f"panel {message.panel_id} loaded")
        panel = self._panel(message.panel_id)
        if message.error:
            panel.set_message(f"Could not load this panel: {message.error}", error=True, hide_body=True)
            return
        self._cache[(message.panel_id, message.state)] = message.data
        while len(self._cache) > CACHE_SIZE:
            self._cache.popitem(last=False)
        self._show(panel, message.data)

    def _show(self, panel: Panel, data: Any) -> None:
        panel.set_message(None)
        panel.show(data)  # type: ignore[attr-defined]
        panel.has_shown = True
        if BENCH_LOG:
            self.call_after_refresh(_bench, f"panel {panel.panel_id} shown")

    def _cancel(self, panel_id: str) -> None:
        with self._lock:
            session = self._sessions.pop(panel_id, None)
        if session is not None:
            session.interrupt()

    def _cancel_all(self) -> None:
        with self._lock:
            sessions = list(self._sessions.values())
            self._sessions.clear()
        for session in sessions:
            session.interrupt()

    def load_dimensions(self) -> None:
        self.run_worker(self._dimensions_in_thread, thread=True, exclusive=True, group="dimensions")

    def _dimensions_in_thread(self) -> None:
        assert self.db is not None
        with self.db.session() as session:
            frame = session.run("dimensions")
        options: dict[str, list[tuple[str, str]]] = {}
        for row in frame.iter_rows(named=True):
            options.setdefault(row["dimension"], []).append((row["value"], row["label"]))
        self.post_message(DimensionsLoaded(options))

    def on_dimensions_loaded(self, message: DimensionsLoaded) -> None:
        self.dimensions = message.options
        self._update_bars()

    # --- actions --------------------------------------------------------------------------------

    def action_show_panel(self, panel_id: str) -> None:
        self.query_one(TabbedContent).active = f"tab-{panel_id}"
        panel = self.active_panel()
        if panel_id in self._mounting:
            self._focus_when_mounted = panel_id
        else:
            panel.focus()

    def action_refresh(self) -> None:
        """Read the source again: a file that `navigator import` replaced shows its new data."""
        if self.db is None:
            return
        self.notify("reading the data again", timeout=2)
        if self.db.spec is None:
            self._cache.clear()
            self._request_active_panel(force=True)
            return
        self.run_worker(self._reopen_in_thread, thread=True, exclusive=True, group="reopen")

    def _reopen_in_thread(self) -> None:
        from navigator.data.errors import NavigatorError

        assert self.db is not None
        try:
            fresh = self.db.reopen()
        except NavigatorError as exc:
            self.post_message(DataReopened(None, str(exc)))
            return
        self.post_message(DataReopened(fresh, None))

    def on_data_reopened(self, message: DataReopened) -> None:
        if message.db is None:
            self.notify(f"could not read the data again: {message.error}", severity="error", timeout=8)
            return
        # The earlier database is left open: a drill-down screen may still read it, and the one the
        # app was given belongs to its caller. A DuckDB file replaced by an import stays readable.
        self._cancel_all()
        self.db = message.db
        self._cache.clear()
        self._pending.clear()
        self._update_bars()
        self.load_dimensions()
        self._request_active_panel(force=True)

    def action_shift_month(self, step: int) -> None:
        month = add_months(self.state.as_of, step)
        if self.db is None:
            return
        if self.db.as_of is not None and month > self.db.as_of:
            self.notify(f"{self.db.as_of:%Y-%m} is the latest complete month in the data", severity="warning")
            return
        self.set_state(_replace(self.state, as_of=month))

    def action_cycle_window(self) -> None:
        index = WINDOWS.index(self.state.window) if self.state.window in WINDOWS else 0
        self.set_state(_replace(self.state, window=WINDOWS[(index + 1) % len(WINDOWS)]))

    def action_toggle_compare(self) -> None:
        self.set_state(_replace(self.state, compare="year" if self.state.compare == "previous" else "previous"))

    def action_clear_filters(self) -> None:
        self.set_state(_replace(self.state, filters=Filters()))

    def action_filters(self) -> None:
        from navigator.ui.screens import FilterScreen

        def apply(result: ViewState | None) -> None:
            if result is not None:
                self.set_state(result)

        self.push_screen(FilterScreen(self.state, self.dimensions, self.db.as_of if self.db else None), apply)

    def action_help(self) -> None:
        from navigator.panels import PANEL_CLASSES  # the help text of every panel: imports them all
        from navigator.ui.screens import HelpScreen

        self.push_screen(HelpScreen(self.BINDINGS, PANEL_CLASSES))

    def action_maximize(self) -> None:
        screen = self.screen
        if screen.maximized is not None:
            screen.minimize()
            return
        focused = screen.focused
        target = focused if focused is not None and focused.allow_maximize else None
        if target is None:
            target = self.active_panel()
        screen.maximize(target, container=False)

    def action_toggle_theme(self) -> None:
        self.theme = LIGHT_THEME if self.theme == DARK_THEME else DARK_THEME

    def action_copy(self) -> None:
        focused = self.screen.focused
        text = getattr(focused, "copy_text", lambda: "")() if focused is not None else ""
        if text:
            self.copy_to_clipboard(text)
            self.notify(f"copied: {text[:60]}", timeout=2)

    def action_snapshot(self) -> None:
        """This screen as SVG (and PNG when resvg is installed) in the export folder."""
        import datetime as dt

        from navigator.data.errors import UsageError
        from navigator.ui.snapshot import write_picture

        panel = self.active_panel()
        stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
        target = self.export_dir / f"navigator-{panel.panel_id}-{self.state.as_of:%Y-%m}-{stamp}.png"
        svg = self.export_screenshot(title=f"navigator · {panel.title}")
        try:
            written = write_picture(svg, target)
        except UsageError:  # no PNG converter: keep the SVG
            written = write_picture(svg, target.with_suffix(".svg"))
        except OSError as exc:
            self.notify(f"could not save the snapshot: {exc.strerror}", severity="error")
            return
        self.notify(f"saved {', '.join(path.name for path in written)} in {target.parent}", title="Snapshot")

    def on_drill_requested(self, message: DrillRequested) -> None:
        from navigator.ui.drill import DrillScreen

        if self.db is None:
            return

        self.push_screen(DrillScreen(self.db, message.drill, self.state, self.export_dir))

    def get_system_commands(self, screen: Screen[Any]) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        for number, panel in enumerate(PANELS, start=1):
            yield SystemCommand(
                f"Panel {number}: {panel.title}",
                f"Show the {panel.title} panel",
                partial(self.action_show_panel, panel.panel_id),
            )
        yield SystemCommand("Filters", "Choose period, comparison, market, segment, region, team", self.action_filters)
        yield SystemCommand("Clear filters", "Show all data again", self.action_clear_filters)
        yield SystemCommand("Previous month", "Move the as-of month back", partial(self.action_shift_month, -1))
        yield SystemCommand("Next month", "Move the as-of month forward", partial(self.action_shift_month, 1))
        for months in WINDOWS:
            yield SystemCommand(
                f"Window: {months} month{'s' if months > 1 else ''}",
                "Months in a period",
                partial(self.set_state, _replace(self.state, window=months)),
            )
        for key, label in COMPARISONS.items():
            yield SystemCommand(
                f"Compare with {label}",
                "The comparison period",
                partial(self.set_state, _replace(self.state, compare=key)),
            )
        yield SystemCommand("Refresh", "Read the data file again", self.action_refresh)
        yield SystemCommand("Help", "Every key and every metric definition", self.action_help)
        yield SystemCommand("Toggle theme", "Dark, or high-contrast light for projectors", self.action_toggle_theme)
        yield SystemCommand("Copy", "Copy the focused figure or row (OSC 52)", self.action_copy)
        yield SystemCommand(
            "Snapshot for slides", "Save this panel as SVG and PNG where the status line says", self.action_snapshot
        )


def _import_polars() -> None:
    import polars  # noqa: F401


def _last_complete_month() -> Any:
    import datetime as dt

    return add_months(dt.date.today().replace(day=1), -1)


def _replace(state: ViewState, **changes: Any) -> ViewState:
    from dataclasses import replace

    return replace(state, **changes)


def _markup_escape(text: str) -> str:
    from rich.markup import escape

    return escape(text)


def run_dashboard(db: Database | Opener, *, mouse: bool = True, **options: Any) -> NavigatorApp:
    """Run the dashboard to its end; the app is returned so that the caller sees `open_error`."""
    app = NavigatorApp(db, **options)
    app.run(mouse=mouse)
    return app
