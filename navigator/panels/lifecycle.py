"""Lifecycle: do customers stay and grow after the first sale?

Three sections, each filled from one named query:

- cohort retention (`cohort_retention`): a heatmap of cohort month x months since, each cell
  the percentage written and shaded by value, with a legend; `v` switches between the share
  of customers and the share of starting MRR; Enter on a row opens that cohort's accounts;
- NRR, GRR and logo churn (`retention`, trailing twelve months): the latest value, its change
  against the comparison period and a 24-month sparkline;
- LTV by segment (`ltv`), with the reason when it is not defined.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Grid
from textual.widgets import Static

from navigator.format import NA, format_value
from navigator.panels.base import Panel
from navigator.panels.widgets import DataGrid, Drill, FigureTile, Readout, Section

if TYPE_CHECKING:
    import datetime as dt

    import polars as pl

    from navigator.data.report import Reader, ViewState

COHORT_MONTHS = 24
TREND_MONTHS = 24

# Shading of a retention cell, lowest bin first: (lower bound, legend label, style).
# A sequential palette (viridis) that stays readable for colour-blind readers and in both
# themes, since each cell carries its own background and a contrasting text colour. The
# number is always written: the colour only helps the eye.
SHADES: tuple[tuple[float, str, str], ...] = (
    (float("-inf"), "<50", "#ffffff on #440154"),
    (0.5, "50–70", "#ffffff on #414487"),
    (0.7, "70–80", "#ffffff on #2a788e"),
    (0.8, "80–90", "#000000 on #22a884"),
    (0.9, "90–100", "#000000 on #7ad151"),
    (1.0, "≥100", "#000000 on #fde725"),
)
MODES = {"customers": ("customer_retention", "customers"), "mrr": ("mrr_retention", "starting MRR")}
TILES: tuple[tuple[str, str, str, bool], ...] = (
    ("nrr", "NRR", "nrr", True),
    ("grr", "GRR", "grr", True),
    ("logo_churn", "Logo churn", "logo_churn", False),
)


@dataclass
class LifecycleData:
    cohorts: pl.DataFrame  # cohort_retention
    retention: pl.DataFrame  # retention, one row per month, oldest first
    ltv: pl.DataFrame  # ltv, all segments first
    state: ViewState


def shade(value: float | None) -> str:
    """The style of a heatmap cell for a retention ratio (empty for no value)."""
    if value is None:
        return ""
    style = SHADES[0][2]
    for lower, _, candidate in SHADES:
        if value >= lower:
            style = candidate
    return style


def cell_text(value: float | None) -> Text:
    """'  93': the percentage, right-aligned in four cells, on its shade."""
    if value is None:
        return Text("")
    return Text(f"{value * 100:>4.0f}", style=shade(value), justify="right")


def legend() -> Text:
    text = Text("% still there: ")
    for _, label, style in SHADES:
        text.append(f" {label} ", style=style)
        text.append(" ")
    return text


def heatmap_rows(cohorts: pl.DataFrame, column: str) -> tuple[list[int], list[dict[str, Any]]]:
    """cohort_retention rows -> (the months-since columns, one dict per cohort, newest first).

    Each dict has `cohort`, `size` (cohort customers) and `cells` {months_since: ratio}.
    """
    by_cohort: dict[dt.date, dict[str, Any]] = {}
    months: set[int] = set()
    for row in cohorts.iter_rows(named=True):
        item = by_cohort.setdefault(
            row["cohort"], {"cohort": row["cohort"], "size": row["cohort_customers"], "cells": {}}
        )
        item["cells"][row["months_since"]] = row[column]
        months.add(row["months_since"])
    ordered = [by_cohort[key] for key in sorted(by_cohort, reverse=True)]
    return sorted(months), ordered


class LifecyclePanel(Panel):
    panel_id: ClassVar[str] = "lifecycle"
    title: ClassVar[str] = "Lifecycle"
    tables: ClassVar[tuple[str, ...]] = ("revenue_movements",)
    empty_hint: ClassVar[str] = "Import monthly revenue movements (see the README)."
    help_text: ClassVar[str] = (
        "cohort retention heatmap: cohort = month of first revenue, cell = % of the cohort's customers (or, after"
        " v, of its starting MRR) still there k months later, written and shaded; Enter on a cohort opens its"
        " accounts. NRR, GRR and logo churn over the trailing 12 months with their 24-month trend and change"
        " against the comparison period. LTV = ARPA / pooled monthly churn rate per segment, revenue only, n/a"
        " with the reason when the base is too small or nobody churned."
    )

    BINDINGS: ClassVar[list[BindingType]] = [Binding("v", "toggle_mode", "Customers/MRR")]

    DEFAULT_CSS = """
    LifecyclePanel #lifecycle-row { layout: vertical; height: auto; }
    Screen.-wide LifecyclePanel #lifecycle-row { layout: horizontal; }
    Screen.-wide LifecyclePanel #lifecycle-trend { width: 1fr; margin-right: 1; }
    Screen.-wide LifecyclePanel #lifecycle-ltv-section { width: 1fr; }
    LifecyclePanel #lifecycle-tiles { layout: grid; grid-size: 3; grid-gutter: 0 1; height: auto; }
    LifecyclePanel .lifecycle--note { color: $text-muted; height: auto; }
    LifecyclePanel #lifecycle-mode { height: auto; }
    LifecyclePanel #lifecycle-heatmap { max-height: 30; }
    /* 80x24: two lines a figure, no box */
    Screen.-short LifecyclePanel Section { margin: 0; }
    Screen.-short LifecyclePanel FigureTile { border: none; border-left: outer $primary 40%; }
    Screen.-short LifecyclePanel FigureTile:focus { border: none; border-left: outer $accent; }
    Screen.-short LifecyclePanel FigureTile Sparkline,
    Screen.-short LifecyclePanel FigureTile .tile--note { display: none; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.data: LifecycleData | None = None
        self.mode = "customers"

    @staticmethod
    def load(reader: Reader, state: ViewState) -> LifecycleData:
        filters = state.filters.as_params()
        cohorts, retention, ltv = reader.run_all(
            [
                ("cohort_retention", {"as_of": state.as_of, "months": COHORT_MONTHS, **filters}),
                ("retention", {"as_of": state.as_of, "months": TREND_MONTHS, **filters}),
                ("ltv", {"as_of": state.as_of, **filters}),
            ]
        )
        return LifecycleData(cohorts, retention, ltv, state)

    def compose_body(self) -> ComposeResult:
        with Container(id="lifecycle-row"):
            with (
                Section("NRR · GRR · logo churn, trailing 12 months", section_id="lifecycle-trend"),
                Grid(id="lifecycle-tiles"),
            ):
                for tile_id, label, _, _ in TILES:
                    yield FigureTile(label, tile_id=f"lifecycle-{tile_id}")
            yield Section(
                "LTV by segment",
                DataGrid(grid_id="lifecycle-ltv"),
                Readout("", id="lifecycle-ltv-note", classes="lifecycle--note"),
                section_id="lifecycle-ltv-section",
            )
        yield Section(
            "Cohort retention",
            Readout("", id="lifecycle-mode"),
            DataGrid(grid_id="lifecycle-heatmap"),
            Readout(legend(), id="lifecycle-legend", classes="lifecycle--note"),
            section_id="lifecycle-cohorts",
        )

    def on_mount(self) -> None:
        heatmap = self.query_one("#lifecycle-heatmap", DataGrid)
        heatmap.cell_padding = 0  # shaded cells touch, like a heatmap; each cell pads itself
        heatmap.zebra_stripes = False
        # The row cursor would paint over the shading: show it only while a table has focus.
        for grid in self.query(DataGrid):
            grid.show_cursor = False
        self.query_one("#lifecycle-mode", Static).update(self._mode_text())

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        if isinstance(event.widget, DataGrid):
            event.widget.show_cursor = True

    def on_descendant_blur(self, event: events.DescendantBlur) -> None:
        if isinstance(event.widget, DataGrid):
            event.widget.show_cursor = False

    # --- the toggle ---------------------------------------------------------------------------

    def action_toggle_mode(self) -> None:
        self.mode = "mrr" if self.mode == "customers" else "customers"
        self.query_one("#lifecycle-mode", Static).update(self._mode_text())
        if self.data is not None:
            self._show_heatmap(self.data)

    def on_click(self, event: events.Click) -> None:
        if event.widget is not None and event.widget.id == "lifecycle-mode":
            self.action_toggle_mode()

    def _mode_text(self) -> Text:
        text = Text("share of ")
        for index, (mode, (_, label)) in enumerate(MODES.items()):
            if index:
                text.append(" · ")
            text.append(
                f"[{label}]" if mode == self.mode else label, style="bold reverse" if mode == self.mode else "dim"
            )
        text.append("   (v switches)", style="dim")
        return text

    # --- showing ------------------------------------------------------------------------------

    def show(self, data: LifecycleData) -> None:
        self.data = data
        self._show_heatmap(data)
        self._show_trend(data)
        self._show_ltv(data.ltv)

    def _show_heatmap(self, data: LifecycleData) -> None:
        column, label = MODES[self.mode]
        months, cohorts = heatmap_rows(data.cohorts, column)
        grid = self.query_one("#lifecycle-heatmap", DataGrid)
        columns = [("Cohort  ", "left"), ("    n ", "right"), *[(f"{k:>4}", "right") for k in months]]
        rows: list[list[Any]] = []
        drills: list[Drill | None] = []
        for item in cohorts:
            cohort = item["cohort"]
            cells = [Text(f"{cohort:%Y-%m}  "), Text(f"{item['size']:>5,} ", justify="right")]
            cells += [cell_text(item["cells"].get(k)) for k in months]
            rows.append(cells)
            drills.append(Drill(f"Cohort {cohort:%Y-%m}: its accounts", "drill_cohort", {"cohort": cohort}))
        grid.fill(columns, rows, drills)
        legend_text = legend()
        legend_text.append(f"  rows: cohort (month of first revenue), n customers; columns: months since; {label}")
        if not cohorts:
            legend_text = Text(
                f"{NA}: no cohort with first revenue in the {COHORT_MONTHS} months up to the as-of month"
            )
        self.query_one("#lifecycle-legend", Static).update(legend_text)

    def _show_trend(self, data: LifecycleData) -> None:
        frame = data.retention
        state = data.state
        rows = list(frame.iter_rows(named=True))
        latest = rows[-1] if rows else None
        previous_month = state.previous_as_of
        previous = next((row for row in rows if row["month"] == previous_month), None)
        for tile_id, _, key, higher_is_better in TILES:
            value = latest[key] if latest else None
            note = _trend_note(latest, key)
            drill = (
                Drill("Churn movements over the last 12 months", "drill_movements", {"kind": "churn", "window": 12})
                if key == "logo_churn"
                else Drill("Revenue movements over the last 12 months", "drill_movements", {"window": 12})
            )
            self.query_one(f"#lifecycle-{tile_id}", FigureTile).set_figure(
                value,
                "ratio",
                previous=previous[key] if previous else None,
                higher_is_better=higher_is_better,
                trend=[row[key] for row in rows],
                note=note,
                drill=drill,
            )

    def _show_ltv(self, ltv: pl.DataFrame) -> None:
        grid = self.query_one("#lifecycle-ltv", DataGrid)
        columns = [
            ("Segment", "left"),
            ("Customers", "right"),
            ("ARPA", "right"),
            ("Churn/month", "right"),
            ("LTV", "right"),
        ]
        rows: list[list[Any]] = []
        drills: list[Drill | None] = []
        notes: list[str] = []
        for row in ltv.iter_rows(named=True):
            segment = row["segment"] or "All segments"
            ltv_text = format_value(row["ltv"], "money")
            if row["ltv"] is None and row["note"]:
                ltv_text = f"{NA} *{len(notes) + 1}"
                notes.append(f"*{len(notes) + 1} {segment}: {row['note']}")
            rows.append(
                [
                    Text(segment, style="bold" if row["segment"] is None else ""),
                    format_value(row["customers"], "count"),
                    format_value(row["arpa"], "money"),
                    format_value(row["monthly_churn_rate"], "ratio"),
                    ltv_text,
                ]
            )
            params: dict[str, Any] = {"status": "active"}
            if row["segment"] is not None:
                params["segment"] = row["segment"]
            drills.append(Drill(f"Active accounts: {segment}", "drill_accounts", params))
        grid.fill(columns, rows, drills)
        definition = "LTV = ARPA / pooled monthly churn rate over 12 months; revenue, no margin."
        self.query_one("#lifecycle-ltv-note", Static).update(Text("\n".join([*notes, definition])))


def _trend_note(latest: dict[str, Any] | None, key: str) -> str:
    if latest is None:
        return ""
    if latest[key] is None:
        return f"{NA}: no customers 12 months before"
    if key == "logo_churn":
        return f"{latest['lost_customers']:,} of {latest['start_customers']:,} customers lost"
    return f"start MRR {format_value(latest['start_mrr'], 'money')} · {latest['start_customers']:,} customers"
