"""The rows behind a figure: a sortable, searchable, paged table that exports to CSV or Parquet.

The query runs in a worker thread and its result is kept as a Polars DataFrame;
only one page at a time goes into the DataTable, so a drill into half a million
accounts stays responsive. Sorting and searching are Polars operations.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, Static

from navigator.format import NA, format_value, plain
from navigator.panels.widgets import DataGrid, Drill
from navigator.text import display_text

if TYPE_CHECKING:
    import polars as pl

    from navigator.data.report import ViewState
    from navigator.data.source import Database

PAGE_SIZE = 200


class DrillScreen(Screen[None]):
    """Esc goes back to the dashboard."""

    AUTO_FOCUS = "DataGrid"

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", "Back"),
        Binding("slash", "search", "Search"),
        Binding("s", "sort", "Sort by column"),
        Binding("pagedown,n", "page(1)", "Next page"),
        Binding("pageup,p", "page(-1)", "Prev page"),
        Binding("e", "export('csv')", "Export CSV"),
        Binding("E", "export('parquet')", "Export Parquet"),
    ]

    DEFAULT_CSS = """
    DrillScreen { layout: vertical; }
    DrillScreen #drill-title { height: 1; padding: 0 1; text-style: bold; background: $panel; }
    DrillScreen #drill-context { height: auto; padding: 0 1; color: $text-muted; }
    DrillScreen #drill-search { display: none; height: 3; margin: 0 1; }
    DrillScreen #drill-search.-visible { display: block; }
    DrillScreen DataGrid { height: 1fr; max-height: 100%; margin: 0 1; }
    DrillScreen #drill-status { height: 1; padding: 0 1; color: $text-muted; }
    """

    class Loaded(Message):
        def __init__(self, frame: pl.DataFrame | None, error: str | None) -> None:
            self.frame = frame
            self.error = error
            super().__init__()

    def __init__(self, db: Database, drill: Drill, state: ViewState, export_dir: Path) -> None:
        super().__init__()
        self.db = db
        self.drill = drill
        self.state = state
        self.export_dir = export_dir
        self.frame: pl.DataFrame | None = None
        self.view: pl.DataFrame | None = None
        self.page = 0
        self.sort_column: str | None = None
        self.sort_descending = False
        self.search = ""

    def compose(self) -> ComposeResult:
        yield Static(display_text(self.drill.title), id="drill-title", markup=False)
        yield Static(self._context_line(), id="drill-context")
        yield Input(placeholder="search all text columns; Enter to apply, Esc to close", id="drill-search")
        yield DataGrid(grid_id="drill-table")
        with Horizontal(id="drill-status-bar"):
            yield Static("loading …", id="drill-status")
        yield Footer()

    def _context_line(self) -> str:
        """The period and filters these rows are for (a drill may override the view's)."""
        from navigator.data.queries import parse_month_or_date
        from navigator.data.report import Filters, add_months

        as_of = self.drill.params.get("as_of", self.state.as_of)
        if isinstance(as_of, str):
            as_of = parse_month_or_date(as_of)
        window = int(self.drill.params.get("window", self.state.window))
        start = add_months(as_of, -(window - 1))
        period = f"{start:%Y-%m}..{as_of:%Y-%m}" if window > 1 else f"{start:%Y-%m}"
        filter_values = {
            name: self.drill.params.get(name, getattr(self.state.filters, name))
            for name in ("market_id", "segment", "region", "team_id")
        }
        filters = Filters(**filter_values).describe()
        extra = ", ".join(
            f"{key}={value}"
            for key, value in self.drill.params.items()
            if key not in ("as_of", "window", *filter_values) and value is not None
        )
        return f"period {period} · filters: {filters}" + (f" · {extra}" if extra else "")

    def on_mount(self) -> None:
        self.load_rows()

    @work(thread=True, exclusive=True, group="drill")
    def load_rows(self) -> None:
        from navigator.data import queries

        params = dict(self.state.params())
        query = queries.get(self.drill.query)
        params = {key: value for key, value in params.items() if key in query.param_names}
        params.update(self.drill.params)
        try:
            with self.db.session() as session:
                frame = session.run(self.drill.query, **params)
        except Exception as exc:  # shown on screen: a drill must never crash the dashboard
            self.post_message(self.Loaded(None, f"could not load rows: {exc}"))
            return
        self.post_message(self.Loaded(frame, None))

    def on_drill_screen_loaded(self, message: Loaded) -> None:
        if message.error:
            self.query_one("#drill-status", Static).update(message.error)
            return
        self.frame = message.frame
        self._apply()

    def _apply(self) -> None:
        """Search, then sort, then show the current page."""
        import polars as pl

        if self.frame is None:
            return
        view = self.frame
        if self.search:
            text_columns = [name for name, dtype in view.schema.items() if dtype == pl.String]
            if text_columns:
                needle = self.search.lower()
                view = view.filter(
                    pl.any_horizontal(
                        pl.col(name).str.to_lowercase().str.contains(needle, literal=True) for name in text_columns
                    )
                )
        if self.sort_column is not None:
            view = view.sort(self.sort_column, descending=self.sort_descending, nulls_last=True)
        self.view = view
        pages = max(1, -(-view.height // PAGE_SIZE))
        self.page = min(self.page, pages - 1)
        self._show_page()

    def _show_page(self) -> None:
        assert self.view is not None
        view = self.view
        table = self.query_one(DataGrid)
        start = self.page * PAGE_SIZE
        chunk = view.slice(start, PAGE_SIZE)
        columns = []
        for name, dtype in view.schema.items():
            arrow = ""
            if name == self.sort_column:
                arrow = " ▼" if self.sort_descending else " ▲"
            columns.append((name + arrow, "right" if dtype.is_numeric() else "left"))
        rows = [
            [_cell(value, name) for name, value in zip(view.columns, row, strict=True)] for row in chunk.iter_rows()
        ]
        cursor_column = table.cursor_column
        table.fill(columns, rows)
        if view.width:
            table.move_cursor(column=min(cursor_column, view.width - 1))
        pages = max(1, -(-view.height // PAGE_SIZE))
        shown = f"{start + 1:,}-{start + chunk.height:,}" if chunk.height else "0"
        total = self.frame.height if self.frame is not None else 0
        searched = f" matching '{self.search}'" if self.search else ""
        self.query_one("#drill-status", Static).update(
            f"rows {shown} of {view.height:,}{searched} (of {total:,}) · page {self.page + 1}/{pages}"
            " · Enter on a column header or s to sort · / to search · e / E export"
        )

    def action_back(self) -> None:
        search = self.query_one("#drill-search", Input)
        if search.has_class("-visible"):
            search.remove_class("-visible")
            self.query_one(DataGrid).focus()
            return
        self.app.pop_screen()

    def action_search(self) -> None:
        search = self.query_one("#drill-search", Input)
        search.value = ""
        search.add_class("-visible")
        search.focus()

    @on(Input.Submitted, "#drill-search")
    def apply_search(self, event: Input.Submitted) -> None:
        self.search = event.value.strip()
        self.page = 0
        event.input.remove_class("-visible")
        self.query_one(DataGrid).focus()
        self._apply()

    def action_sort(self) -> None:
        if self.view is None or not self.view.width:
            return
        table = self.query_one(DataGrid)
        column = self.view.columns[min(table.cursor_column, self.view.width - 1)]
        self.sort_by(column)

    def sort_by(self, column: str) -> None:
        if self.sort_column == column:
            self.sort_descending = not self.sort_descending
        else:
            self.sort_column, self.sort_descending = column, False
        self.page = 0
        self._apply()

    def on_data_table_header_selected(self, event: DataGrid.HeaderSelected) -> None:
        if self.view is not None:
            self.sort_by(self.view.columns[event.column_index])

    def action_page(self, step: int) -> None:
        if self.view is None:
            return
        pages = max(1, -(-self.view.height // PAGE_SIZE))
        self.page = max(0, min(pages - 1, self.page + step))
        self._show_page()

    def action_export(self, fmt: str) -> None:
        if self.view is None:
            return
        path = export_frame(self.view, self.export_dir, self.drill.query, fmt)
        self.query_one("#drill-status", Static).update(f"exported {self.view.height:,} rows to {path}")
        self.notify(f"exported {self.view.height:,} rows to {path}", title="Export")


def export_frame(frame: pl.DataFrame, folder: Path, name: str, fmt: str) -> Path:
    """Write rows (as sorted and searched) with Polars; never overwrites an earlier export."""
    folder.mkdir(parents=True, exist_ok=True)
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = folder / f"{name}-{stamp}.{fmt}"
    counter = 1
    while path.exists():
        counter += 1
        path = folder / f"{name}-{stamp}-{counter}.{fmt}"
    partial = path.with_name(f".{path.name}.partial")
    if fmt == "parquet":
        frame.write_parquet(partial)
    else:
        frame.write_csv(partial)
    partial.replace(path)
    return path


def _cell(value: Any, column: str) -> str:
    if value is None:
        return NA
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        if column.endswith(("_pct", "_rate", "_share")) or column in ("discount_pct",):
            return format_value(value, "ratio")
        return f"{value:,.2f}"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(plain(value))
