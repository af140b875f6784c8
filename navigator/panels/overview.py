"""Overview: the Monday-morning screen. Are we building value or extracting it?"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import ComposeResult
from textual.containers import Grid
from textual.widgets import Static

from navigator.format import NA, format_change, format_value
from navigator.panels.base import Panel
from navigator.panels.widgets import DataGrid, Drill, FigureTile, Readout, Section

if TYPE_CHECKING:
    import polars as pl

    from navigator.data.report import Reader, Report, ViewState

TREND_MONTHS = 24


@dataclass
class OverviewData:
    report: Report
    teams: pl.DataFrame  # engagement_index rows at team level
    warnings: pl.DataFrame  # early_warnings rows, oldest first, ending at the as-of month
    state: ViewState


class OverviewPanel(Panel):
    panel_id: ClassVar[str] = "overview"
    title: ClassVar[str] = "Overview"
    tables: ClassVar[tuple[str, ...]] = ("revenue_movements",)
    empty_hint: ClassVar[str] = "Import monthly revenue movements (see the README)."
    help_text: ClassVar[str] = (
        "eight headline figures for the period, each with its change against the comparison period"
        " (arrow and better/worse, not colour alone) and a 24-month trend. Enter on a figure opens the"
        " accounts, deals or events behind it."
    )

    DEFAULT_CSS = """
    OverviewPanel #verdict { height: auto; padding: 0 1; margin: 0 0 1 0; }
    OverviewPanel #tiles {
        layout: grid; grid-size: 4; grid-gutter: 0 1; height: auto;
    }
    Screen.-narrow OverviewPanel #tiles { grid-size: 2; }
    OverviewPanel #warnings-box { margin-top: 1; }
    /* 80x24: two lines a figure, no box, so all eight fit without scrolling */
    Screen.-short OverviewPanel #verdict { margin: 0; }
    Screen.-short OverviewPanel #tiles { grid-gutter: 1 1; }
    Screen.-short OverviewPanel FigureTile { border: none; border-left: outer $primary 40%; }
    Screen.-short OverviewPanel FigureTile:focus { border: none; border-left: outer $accent; }
    Screen.-short OverviewPanel FigureTile Sparkline,
    Screen.-short OverviewPanel FigureTile .tile--note { display: none; }
    """

    TILES: ClassVar[tuple[tuple[str, str], ...]] = (
        ("mrr", "MRR"),
        ("nrr", "NRR (12 months)"),
        ("grr", "GRR (12 months)"),
        ("new_vs_expansion", "New · expansion MRR"),
        ("nps", "NPS"),
        ("win_rate", "Win rate (new business)"),
        ("handoff", "Hand-off: close → kick-off"),
        ("engagement", "Value or extraction?"),
    )

    @staticmethod
    def load(reader: Reader, state: ViewState) -> OverviewData:
        from navigator.data.report import build_report_with

        report, (teams, warnings) = build_report_with(
            reader,
            [
                ("engagement_index", {"as_of": state.as_of, **state.filters.as_params()}),
                ("early_warnings", {"months": state.compare_months + 1, **state.params()}),
            ],
            as_of=state.as_of,
            window=state.window,
            filters=state.filters,
            compare_months=state.compare_months,
            trend_months=TREND_MONTHS,
        )
        return OverviewData(report, teams.filter(teams["level"] == "team"), warnings, state)

    def compose_body(self) -> ComposeResult:
        yield Readout("", id="verdict")
        with Grid(id="tiles"):
            for tile_id, label in self.TILES:
                yield FigureTile(label, tile_id=f"tile-{tile_id}")
        yield Section("Early warnings: is the ship drifting?", DataGrid(grid_id="warnings"), section_id="warnings-box")

    def tile(self, tile_id: str) -> FigureTile:
        return self.query_one(f"#tile-{tile_id}", FigureTile)

    def show(self, data: OverviewData) -> None:
        report = data.report

        targets: dict[str, float] = getattr(self.app, "targets", {})

        def simple(tile_id: str, key: str, drill: Drill | None, note: str | None = None) -> None:
            metric = report.get(key)
            self.tile(tile_id).set_figure(
                metric.value,
                metric.spec.unit,
                previous=metric.previous,
                higher_is_better=metric.spec.higher_is_better,
                trend=metric.trend,
                note=note or _why(metric.value, metric.note),
                drill=drill,
                target=targets.get(key),
            )

        customers = report.get("customers")
        simple(
            "mrr",
            "mrr",
            Drill("Active accounts and their MRR", "drill_accounts", {"status": "active"}),
            note=f"{format_value(customers.value, 'count')} customers",
        )
        simple("nrr", "nrr", Drill("Revenue movements in the window", "drill_movements"))
        simple("grr", "grr", Drill("Contraction and churn in the window", "drill_movements", {"kind": "churn"}))
        self._new_vs_expansion(report)
        self._nps(report)
        win = report.get("win_rate")
        cycle = report.get("sales_cycle_median_days")
        simple(
            "win_rate",
            "win_rate",
            Drill("New-business deals closed in the window", "drill_deals", {"kind": "new"}),
            note=_why(win.value, win.note) or f"median cycle {format_value(cycle.value, 'days')}",
        )
        latency = report.get("handoff_latency_median_days")
        p90 = report.get("handoff_latency_p90_days")
        dropped = report.get("handoff_dropped_rate")
        simple(
            "handoff",
            "handoff_latency_median_days",
            Drill("Sales → operations hand-offs", "drill_handoffs", {"kind": "sales_to_operations"}),
            note=_why(latency.value, latency.note)
            or f"p90 {format_value(p90.value, 'days')} · dropped {format_value(dropped.value, 'ratio')}",
        )
        self._engagement(data)
        self._warnings(data)
        self.query_one("#verdict", Static).update(_headline(data))

    def _warnings(self, data: OverviewData) -> None:
        from navigator.data.warnings import STATUS_TEXT, signal_figures, warning_status

        report = data.report
        drills = {
            "early_complaints": Drill("Complaints in the first 90 days", "drill_complaints"),
            "discount_led": Drill("New deals won in the window", "drill_deals", {"kind": "new", "status": "won"}),
            "pipeline_h2_h3": Drill(
                "Open deals (the horizon column tells H2 and H3)", "drill_deals", {"status": "open"}
            ),
            "dropped": Drill("Sales → operations hand-offs", "drill_handoffs", {"kind": "sales_to_operations"}),
            "promises": Drill("Promises due in the window", "drill_commitments"),
        }
        rows, row_drills = [], []
        for signal, value, previous in signal_figures(report, data.warnings, report.as_of, report.previous_as_of):
            row_drills.append(drills[signal.key])
            rows.append(
                (
                    signal.label,
                    format_value(value, signal.unit),
                    format_value(previous, signal.unit),
                    format_change(value, previous, signal.unit, not signal.higher_is_bad),
                    STATUS_TEXT[warning_status(signal, value, previous)],
                )
            )
        self.query_one("#warnings", DataGrid).fill(
            [("Signal", "left"), ("Now", "right"), ("Before", "right"), ("Change", "right"), ("Status", "left")],
            rows,
            row_drills,
        )

    def _new_vs_expansion(self, report: Report) -> None:
        new, expansion = report.get("new_mrr"), report.get("expansion_mrr")
        value_text = f"{format_value(new.value, 'money')} · {format_value(expansion.value, 'money')}"
        total = (new.value or 0) + (expansion.value or 0)
        share = (expansion.value or 0) / total if total else None
        note = f"expansion is {format_value(share, 'ratio')} of bookings" if share is not None else "no bookings"
        tile = self.tile("new_vs_expansion")
        tile.set_figure(
            new.value,
            "money",
            previous=new.previous,
            trend=expansion.trend,
            note=note,
            value_text=value_text,
            drill=Drill("New and expansion movements", "drill_movements"),
        )

    def _nps(self, report: Report) -> None:
        nps, low, high = report.get("nps"), report.get("nps_ci_low"), report.get("nps_ci_high")
        responses, rate = report.get("nps_responses"), report.get("nps_response_rate")
        interval = f"{format_value(low.value, 'points')}..{format_value(high.value, 'points')}"
        if nps.value is not None:
            value_text = f"{format_value(nps.value, 'points')}  ({interval})"
        elif low.value is not None:
            value_text = f"{interval} only"
        else:
            value_text = NA
        note = (
            f"n={format_value(responses.value, 'count')} · {format_value(rate.value, 'ratio')} answered"
            if responses.value
            else "no responses"
        )
        if nps.value is None and nps.note:
            note = f"{note} · {nps.note}"
        self.tile("nps").set_figure(
            nps.value,
            "points",
            previous=nps.previous,
            trend=nps.trend,
            note=note,
            value_text=value_text,
            drill=Drill("NPS invitations and answers", "drill_nps"),
        )

    def _engagement(self, data: OverviewData) -> None:
        metric = data.report.get("engagement_index")
        verdict = _verdict_word(metric.value)
        value_text = f"{verdict} {format_value(metric.value, 'index')}" if metric.value is not None else NA
        worst = _worst_team(data.teams)
        note = _why(metric.value, metric.note) or (f"lowest: {worst}" if worst else "")
        self.tile("engagement").set_figure(
            metric.value,
            "index",
            previous=metric.previous,
            note=note,
            value_text=value_text,
            target=getattr(self.app, "targets", {}).get("engagement_index"),
            drill=Drill(
                "New deals won 12–24 months ago",
                "drill_deals",
                {"kind": "new", "status": "won", "window": 12, "as_of": _months_back(data.state.as_of, 12)},
            ),
        )


def _why(value: Any, note: str | None) -> str:
    return f"{NA}: {note}" if value is None and note else ""


def _verdict_word(index: float | None) -> str:
    if index is None:
        return NA
    return "engagement" if index > 0 else "extraction" if index < 0 else "even"


def _worst_team(teams: pl.DataFrame) -> str:
    rows = [row for row in teams.iter_rows(named=True) if row["engagement_index"] is not None]
    if not rows:
        return ""
    worst = min(rows, key=lambda row: row["engagement_index"])
    return (
        f"{worst['team'] or worst['team_id']} {format_value(worst['engagement_index'], 'index')} ({worst['verdict']})"
    )


def _months_back(month: Any, count: int) -> Any:
    from navigator.data.report import add_months

    return add_months(month, -count)


def _headline(data: OverviewData) -> str:
    """One sentence an executive reads first."""
    report = data.report
    engagement = report.get("engagement_index").value
    nrr = report.get("nrr")
    verdict = {
        "engagement": "[b]Building value[/b]: customers won a year ago stayed, grew and referred.",
        "extraction": "[b]Extracting[/b]: customers won a year ago churned, complained or saw promises broken.",
        "even": "Value and extraction balance out.",
        NA: "Not enough closed deals a year back to judge value vs extraction.",
    }[_verdict_word(engagement)]
    worst = _worst_team(data.teams)
    extraction_teams = [row["team"] for row in data.teams.iter_rows(named=True) if row["verdict"] == "extraction"]
    parts = [verdict]
    if extraction_teams:
        parts.append(f"Extraction in: {', '.join(extraction_teams)}.")
    elif worst:
        parts.append(f"Weakest team: {worst}.")
    if nrr.value is not None:
        parts.append(
            f"NRR {format_value(nrr.value, 'ratio')} ({format_change(nrr.value, nrr.previous, 'ratio', True)})."
        )
    return "  ".join(parts)
