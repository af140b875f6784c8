"""Market horizon: today's core markets, tomorrow's and the adjacent ones (Three Horizons).

Three sections, each filled from one named query:

- markets grouped by horizon (`market_horizon`): size now and tomorrow, our share and
  penetration, growth, win rate and steps from the core; Enter opens a market's accounts;
- revenue, pipeline and effort split by horizon (`horizon_shares`), as bars with the
  percentages written beside them;
- market size (SAM) by quarter (`market_sizes_series`): a sparkline of the actuals and a
  differently coloured one of the forecast, side by side, labelled.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.bar import Bar
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.containers import Container
from textual.renderables.sparkline import Sparkline as SparklineRenderable
from textual.widgets import Static

from navigator.format import NA, direction_arrow, format_value
from navigator.panels.base import Panel
from navigator.panels.widgets import DataGrid, Drill, Readout, Section
from navigator.text import display_text

if TYPE_CHECKING:
    import datetime as dt

    import polars as pl

    from navigator.data.report import Reader, ViewState

HORIZON_NAMES = {"H1": "core", "H2": "emerging", "H3": "adjacent / options"}
SHORT_NAMES = {"H1": "core", "H2": "emerging", "H3": "adjacent"}
SHARED = (("shares_customers", "cu", "cust"), ("shares_channels", "ch", "chan"), ("shares_capabilities", "ca", "capab"))
MEASURES = (
    ("revenue", "Revenue (MRR)", "revenue_share", "money"),
    ("pipeline", "Pipeline", "pipeline_share", "money"),
    ("effort_hours", "Effort (hours)", "effort_share", "count"),
)


@dataclass
class HorizonData:
    markets: pl.DataFrame  # market_horizon
    shares: pl.DataFrame  # horizon_shares
    sizes: pl.DataFrame  # market_sizes_series
    state: ViewState


def width_mode(width: int) -> str:
    """The same breakpoints as the Screen: narrow < 100 <= medium < 160 <= wide."""
    return "narrow" if width < 100 else "medium" if width < 160 else "wide"


def quarter(day: dt.date | None) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}" if day else NA


def steps_text(row: dict[str, Any], *, words: bool = False) -> str:
    """'1 cu·ca': one step from the core, sharing customers and capabilities."""
    shared = [word if words else short for flag, short, word in SHARED if row[flag]]
    if row["steps"] == 0:
        return "0 core"
    return f"{row['steps']} " + ("·".join(shared) if shared else "none")


def growth_text(growth: float | None) -> str:
    """'▲ 50.1%': the arrow carries the direction, not the colour."""
    if growth is None:
        return NA
    return f"{direction_arrow(growth)} {format_value(abs(growth), 'ratio')}"


class HorizonPanel(Panel):
    panel_id: ClassVar[str] = "horizon"
    title: ClassVar[str] = "Market horizon"
    tables: ClassVar[tuple[str, ...]] = ("markets",)
    empty_hint: ClassVar[str] = (
        "Add markets (each placed on a horizon H1/H2/H3) and market_sizes (TAM/SAM by quarter, actual and forecast)."
    )
    help_text: ClassVar[str] = (
        "markets grouped by horizon (H1 core, H2 emerging, H3 adjacent/options). Size now = TAM/SAM of the latest"
        " actual quarter on or before the as-of month, tomorrow = the last forecast quarter; share = our ARR"
        " (12 × MRR at the end of the month) / SAM now; penetration = active customers / accounts known;"
        " growth = MRR now / MRR 12 months earlier − 1; win rate = won / (won + lost) new deals in the window;"
        " steps = how many of customers (cu), channels (ch), capabilities (ca) the market does not share with the"
        " core. Bars split revenue, pipeline and effort across horizons. Sparklines: actual SAM and forecast SAM,"
        " each scaled to its own range (the numbers give the scale). Enter on a market opens its accounts."
    )

    DEFAULT_CSS = """
    HorizonPanel #horizon-row { layout: vertical; height: auto; }
    Screen.-wide HorizonPanel #horizon-row { layout: horizontal; }
    Screen.-wide HorizonPanel #horizon-shares-section { width: 74; margin-right: 1; }
    Screen.-wide HorizonPanel #horizon-sizes-section { width: 1fr; }
    HorizonPanel .horizon--note { color: $text-muted; height: auto; }
    HorizonPanel DataGrid { max-height: 30; }
    Screen.-short HorizonPanel Section { margin: 0; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.data: HorizonData | None = None
        self._mode = ""
        self._width = 0

    @staticmethod
    def load(reader: Reader, state: ViewState) -> HorizonData:
        markets, shares, sizes = reader.run_all(
            [
                ("market_horizon", state.params()),
                ("horizon_shares", state.params()),
                ("market_sizes_series", state.params(window=False)),
            ]
        )
        return HorizonData(markets, shares, sizes, state)

    def compose_body(self) -> ComposeResult:
        yield Section(
            "Markets by horizon",
            DataGrid(grid_id="horizon-markets"),
            Readout("", id="horizon-markets-note", classes="horizon--note"),
            section_id="horizon-markets-section",
        )
        with Container(id="horizon-row"):
            yield Section(
                "Revenue · pipeline · effort by horizon",
                DataGrid(grid_id="horizon-shares"),
                Readout("", id="horizon-shares-note", classes="horizon--note"),
                section_id="horizon-shares-section",
            )
            yield Section(
                "Market size (SAM) by quarter: actual and forecast",
                DataGrid(grid_id="horizon-sizes"),
                Readout("", id="horizon-sizes-note", classes="horizon--note"),
                section_id="horizon-sizes-section",
            )

    def on_mount(self) -> None:
        # The row cursor would repaint bars and sparklines in its own colour: show it only
        # while the table has focus.
        for grid in self.query(DataGrid):
            grid.show_cursor = False
        # Bar and sparkline colours come from the theme: repaint when it changes.
        self.watch(self.app, "theme", self._repaint, init=False)

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, DataGrid):
            event.widget.show_cursor = True

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, DataGrid):
            event.widget.show_cursor = False

    def on_resize(self, event: events.Resize) -> None:
        # which columns fit depends on the width: refill when it changed
        if self.data is not None and self.app.size.width != self._width:
            self._repaint()

    def _repaint(self, *_: Any) -> None:
        if self.data is not None:
            self.show(self.data)

    def show(self, data: HorizonData) -> None:
        self.data = data
        self._width = self.app.size.width
        self._mode = width_mode(self._width)
        self._show_markets(data.markets)
        self._show_shares(data.shares)
        self._show_sizes(data.sizes, data.markets["market_id"].to_list())

    # --- markets ------------------------------------------------------------------------------

    def _market_columns(self, markets: pl.DataFrame) -> tuple[list[tuple[str, str, Any]], bool]:
        """(label, justify, cell function) of the columns that fit the width, and whether any was left out.

        Columns are taken in order of importance while they fit, then shown in reading order,
        so 80 columns keep market, steps, SAM now and tomorrow, share, growth and win rate.
        """
        narrow, wide = self._mode == "narrow", self._mode == "wide"
        indent = "" if narrow else "  "
        money = format_value
        candidates: list[tuple[int, str, str, Any]] = [
            # (priority, label, justify, cell)
            (0, "Market", "left", lambda r: indent + display_text(r["market"])),
            (1, "Steps", "left", lambda r: steps_text(r, words=wide)),
            (11, "TAM now", "right", lambda r: money(r["tam_now"], "money")),
            (2, "Now" if narrow else "SAM now", "right", lambda r: money(r["sam_now"], "money")),
            (12, "TAM tmrw", "right", lambda r: money(r["tam_forecast"], "money")),
            (3, "Tmrw" if narrow else "SAM tmrw", "right", lambda r: money(r["sam_forecast"], "money")),
            (8, "×SAM", "right", lambda r: _multiple(r["sam_multiple"])),
            (10, "Our ARR", "right", lambda r: money(r["arr"], "money")),
            (4, "Share", "right", lambda r: format_value(r["sam_share"], "ratio")),
            (9, "Customers", "right", lambda r: f"{format_value(r['customers'], 'count')}/{r['accounts']:,}"),
            (7, "Penetr.", "right", lambda r: format_value(r["penetration"], "ratio")),
            (5, "Growth", "right", lambda r: growth_text(r["growth"])),
            (6, "Win", "right", lambda r: format_value(r["win_rate"], "ratio")),
            (13, "Won/lost", "right", lambda r: f"{r['won']:,}/{r['lost']:,}"),
        ]
        rows = list(markets.iter_rows(named=True))
        # panel padding, scrollbar, section border and padding take about ten columns
        room = self.app.size.width - 10
        width = {label: max([len(label), *(len(cell(r)) for r in rows)]) + 2 for _, label, _, cell in candidates}
        width["Market"] = max(width["Market"], *(len(f"{h} {n}") + 2 for h, n in HORIZON_NAMES.items()))
        chosen: set[str] = set()
        used = 0
        for _, label, _, _ in sorted(candidates, key=lambda c: c[0]):
            if used + width[label] > room and chosen:
                break
            chosen.add(label)
            used += width[label]
        columns = [(label, justify, cell) for _, label, justify, cell in candidates if label in chosen]
        return columns, len(chosen) < len(candidates)

    def _show_markets(self, markets: pl.DataFrame) -> None:
        grid = self.query_one("#horizon-markets", DataGrid)
        columns, clipped = self._market_columns(markets)
        rows: list[list[Any]] = []
        drills: list[Drill | None] = []
        for horizon in ("H1", "H2", "H3"):
            group = [row for row in markets.iter_rows(named=True) if row["horizon"] == horizon]
            if not group:
                continue
            heading = Text(f"{horizon} {HORIZON_NAMES[horizon]}", style="bold")
            rows.append([heading, *[Text("") for _ in columns[1:]]])
            drills.append(
                Drill(
                    f"Accounts in {horizon} ({HORIZON_NAMES[horizon]}) markets", "drill_accounts", {"horizon": horizon}
                )
            )
            for row in group:
                rows.append([Text(cell(row), justify=justify) for _, justify, cell in columns])  # type: ignore[arg-type]
                drills.append(Drill(f"Accounts in {row['market']}", "drill_accounts", {"market_id": row["market_id"]}))
        grid.fill([(label, justify) for label, justify, _ in columns], rows, drills)
        self.query_one("#horizon-markets-note", Static).update(Text(_markets_note(markets, self._mode, clipped)))

    # --- revenue / pipeline / effort ----------------------------------------------------------

    def _show_shares(self, shares: pl.DataFrame) -> None:
        grid = self.query_one("#horizon-shares", DataGrid)
        theme = self.app.current_theme
        colours = (theme.primary, theme.success or theme.primary, theme.warning or theme.primary)
        track = theme.panel or "default"
        bar_width = {"narrow": 8, "medium": 12, "wide": 10}[self._mode]
        rows = list(shares.iter_rows(named=True))
        written: dict[tuple[str, str], str] = {}
        for row in rows:
            for value_key, _, share_key, _ in MEASURES:
                written[(row["horizon"], value_key)] = format_value(row[share_key], "ratio")
        self._fill_shares(grid, rows, written, colours, track, bar_width)
        self.query_one("#horizon-shares-note", Static).update(
            Text(
                "Each bar is the horizon's share of the column's total. Revenue = MRR at the end of the month;"
                " pipeline = deals open then; effort = hours on deals created in the window."
            )
        )

    def _fill_shares(
        self,
        grid: DataGrid,
        rows: list[dict[str, Any]],
        written: dict[tuple[str, str], str],
        colours: tuple[str, ...],
        track: str,
        bar_width: int,
    ) -> None:
        shown = ("shares", tuple(tuple(row.items()) for row in rows), colours, track, bar_width)
        if grid.is_showing(shown):
            return  # the same bars: no refill, no repaint
        grid.clear(columns=True)
        grid.add_column(Text("Horizon"), key="Horizon")
        for value_key, label, _, _ in MEASURES:
            text_width = max((len(t) for (_, k), t in written.items() if k == value_key), default=3)
            grid.add_column(Text(label), key=value_key, width=max(len(label), bar_width + 1 + text_width))
        grid.row_drills = {}
        for row in rows:
            horizon = row["horizon"]
            cells: list[Any] = [Text(f"{horizon} {SHORT_NAMES.get(horizon, '')}".strip())]
            for (value_key, _, share_key, _), colour in zip(MEASURES, colours, strict=True):
                cells.append(BarCell(row[share_key], written[(horizon, value_key)], bar_width, colour, track))
            key = grid.add_row(*cells)
            grid.row_drills[key] = Drill(
                f"Active accounts in {horizon} ({HORIZON_NAMES.get(horizon, '')}) markets",
                "drill_accounts",
                {"horizon": horizon, "status": "active"},
            )
        grid.mark_showing(shown)

    # --- market size over time ----------------------------------------------------------------

    def _show_sizes(self, sizes: pl.DataFrame, order: list[str]) -> None:
        grid = self.query_one("#horizon-sizes", DataGrid)
        theme = self.app.current_theme
        actual_colour = theme.primary
        forecast_colour = theme.warning or theme.primary
        widest = {"narrow": 12, "medium": 16, "wide": 20}[self._mode]
        tall = self.app.size.height >= 40
        series = series_by_market(sizes)
        ranked = [m for m in order if m in series] + [m for m in series if m not in order]
        actual_periods = sorted({p for s in series.values() for p in s["actual_periods"]})
        forecast_periods = sorted({p for s in series.values() for p in s["forecast_periods"]})
        # one bar a quarter where it fits, so the two sparklines read as one time line
        actual_width = max(8, min(len(actual_periods), widest))
        forecast_width = max(8, min(len(forecast_periods), widest))
        shown = ("sizes", tuple(sizes.rows()), tuple(ranked), actual_colour, forecast_colour, widest, tall)
        if not grid.is_showing(shown):
            self._fill_sizes(grid, series, ranked, actual_width, forecast_width, tall, actual_colour, forecast_colour)
            grid.mark_showing(shown)
        self.query_one("#horizon-sizes-note", Static).update(
            Text.assemble(
                ("actual", f"bold {actual_colour}"),
                f" {_span(actual_periods) or NA} · ",
                ("forecast", f"bold {forecast_colour}"),
                f" {_span(forecast_periods) or NA}. Each sparkline has its own scale: read the figures.",
            )
        )

    def _fill_sizes(
        self,
        grid: DataGrid,
        series: dict[str, dict[str, Any]],
        ranked: list[str],
        actual_width: int,
        forecast_width: int,
        tall: bool,
        actual_colour: str,
        forecast_colour: str,
    ) -> None:
        grid.clear(columns=True)
        grid.add_column(Text("Market"), key="Market")
        grid.add_column(Text("actual"), key="actual", width=actual_width)
        grid.add_column(Text("SAM now", justify="right"), key="now")
        grid.add_column(Text("forecast"), key="forecast", width=forecast_width)
        grid.add_column(Text("SAM tmrw", justify="right"), key="tmrw")
        grid.row_drills = {}
        for market_id in ranked:
            item = series[market_id]
            actual, forecast = item["actual"], item["forecast"]
            height = 2 if tall else 1
            cells = [
                Text(f"{item['horizon']} {display_text(item['market'])}"),
                _spark(actual, actual_width, height, actual_colour),
                Text(format_value(actual[-1] if actual else None, "money"), justify="right"),
                _spark(forecast, forecast_width, height, forecast_colour),
                Text(format_value(forecast[-1] if forecast else None, "money"), justify="right"),
            ]
            key = grid.add_row(*cells, height=height)
            grid.row_drills[key] = Drill(f"Accounts in {item['market']}", "drill_accounts", {"market_id": market_id})


def series_by_market(sizes: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """market_sizes_series rows -> per market: SAM of actual and of forecast quarters, oldest first."""
    out: dict[str, dict[str, Any]] = {}
    for row in sizes.iter_rows(named=True):
        item = out.setdefault(
            row["market_id"],
            {
                "market": row["market"],
                "horizon": row["horizon"],
                "actual": [],
                "forecast": [],
                "actual_periods": [],
                "forecast_periods": [],
            },
        )
        item[row["kind"]].append(row["sam"])
        item[f"{row['kind']}_periods"].append(row["period"])
    return out


@dataclass
class BarCell:
    """One table cell: a bar of `share` (0..1) drawn by rich.bar.Bar, the figure written beside it."""

    share: float | None
    text: str
    width: int
    colour: str
    track: str

    def __rich_console__(self, console: Any, options: Any) -> Any:
        from rich.table import Table

        cell = Table.grid(padding=(0, 1))
        cell.add_column(width=self.width, no_wrap=True)
        cell.add_column(justify="right", no_wrap=True)
        bar = Bar(1.0, 0.0, self.share or 0.0, width=self.width, color=self.colour, bgcolor=self.track)
        cell.add_row(bar, Text(self.text))
        yield cell

    def __str__(self) -> str:
        return self.text


def _spark(values: list[float], width: int, height: int, colour: str) -> Any:
    if not values:
        return Text(NA)
    from rich.color import Color

    base = Color.parse(colour)
    return SparklineRenderable(values, width=width, height=height, min_color=base, max_color=base)


def _span(periods: list[Any]) -> str:
    if not periods:
        return ""
    if len(periods) == 1:
        return quarter(periods[0])
    return f"{quarter(periods[0])}–{quarter(periods[-1])}"


def _multiple(value: float | None) -> str:
    return NA if value is None else f"×{value:.2f}"


def _markets_note(markets: pl.DataFrame, mode: str, clipped: bool) -> str:
    now = sorted({quarter(p) for p in markets["size_period"].to_list() if p is not None})
    later = sorted({quarter(p) for p in markets["forecast_period"].to_list() if p is not None})
    when = f"now = actual {', '.join(now) or NA}; tmrw = forecast {', '.join(later) or NA}."
    parts = [f"SAM {when}" if mode == "narrow" else when]
    if mode != "narrow":
        parts.append(
            "Share = our ARR / SAM now. Penetr. = customers / accounts known. Growth = MRR vs 12 months earlier."
            " Win = new-business win rate in the window."
        )
    if mode != "wide":
        parts.append("Steps: shared cu customers, ch channels, ca capabilities.")
    if clipped:
        parts.append("A wider screen shows more columns.")
    return " ".join(parts)
