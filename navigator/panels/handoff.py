"""Hand-off: the relay baton strategy → sales → operations → sales, made visible.

Per kind of hand-off: how many were sent, how fast they were picked up, how complete they
were and how many were dropped, each against the comparison period with a trend. Then what
the baton most often lacks, complaints in the first 90 days traced back to teams and reps,
promises kept vs broken, and who sells more in each segment: operations or sales.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar

from rich.bar import Bar
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Container, Grid
from textual.widgets import Static

from navigator.format import NA, format_change, format_value
from navigator.panels.base import Panel
from navigator.panels.widgets import DataGrid, Drill, FigureTile, Readout, Section
from navigator.text import display_text

if TYPE_CHECKING:
    import polars as pl

    from navigator.data.report import Reader, ViewState

TREND_MONTHS = 12
BAR_WIDTH = 14

# kind, title, what is handed over
KINDS: tuple[tuple[str, str, str], ...] = (
    ("strategy_to_sales", "Strategy → sales", "market and value theses handed to sales"),
    ("sales_to_operations", "Sales → operations", "won deals handed to onboarding, close → kick-off"),
    ("operations_to_sales", "Operations → sales", "up-sale leads sourced by service"),
)
KIND_TITLES = {kind: title for kind, title, _ in KINDS}
KIND_SHORT = {
    "strategy_to_sales": "strat → sales",
    "sales_to_operations": "sales → ops",
    "operations_to_sales": "ops → sales",
}

# figure key, label, column of the `handoff` query, unit, higher is better
BATON_FIGURES: tuple[tuple[str, str, str, str, bool | None], ...] = (
    ("sent", "Sent", "handoffs", "count", None),
    ("latency_median", "Latency, median", "latency_median_days", "days", False),
    ("latency_p90", "Latency, p90", "latency_p90_days", "days", False),
    ("completeness", "Complete", "completeness", "ratio", True),
    ("dropped", "Dropped batons", "dropped_rate", "ratio", False),
)

FIELDS = ("objectives", "stakeholders", "commitments", "risks")


@dataclass(frozen=True)
class Periods:
    """One monthly series of a query: the row of the period, of the comparison period, and the trend."""

    now: dict[str, Any]
    before: dict[str, Any]
    trend_rows: list[dict[str, Any]] = field(default_factory=list)

    def trend(self, column: str) -> list[Any]:
        return [row[column] for row in self.trend_rows]


@dataclass
class HandoffData:
    state: ViewState
    batons: dict[str, Periods]  # by hand-off kind
    missing: pl.DataFrame  # handoff_missing_fields
    complaints: Periods  # early_complaints
    complaints_by: pl.DataFrame  # complaints_by_team (team and rep levels)
    promises: Periods  # promises_kept
    promises_by: pl.DataFrame  # promises_by_team
    sellers: pl.DataFrame  # sellers_by_segment


def periods(frame: pl.DataFrame, state: ViewState) -> Periods:
    """Pick the period's row, the comparison period's row and the last TREND_MONTHS rows."""
    from navigator.data.report import add_months

    rows = frame.sort("month").to_dicts()
    by_month = {row["month"]: row for row in rows}
    month = state.as_of.replace(day=1)
    first_trend = add_months(month, -(TREND_MONTHS - 1))
    return Periods(
        now=by_month.get(month, {}),
        before=by_month.get(state.previous_as_of.replace(day=1), {}),
        trend_rows=[row for row in rows if first_trend <= row["month"] <= month],
    )


class HandoffPanel(Panel):
    panel_id: ClassVar[str] = "handoff"
    title: ClassVar[str] = "Hand-off"
    tables: ClassVar[tuple[str, ...]] = ("handoffs", "opportunities", "commitments")
    empty_hint: ClassVar[str] = "Import hand-offs, deals and the promises made at close (see docs/schema.md)."
    help_text: ClassVar[str] = (
        "the relay baton strategy → sales → operations → sales: per kind of hand-off the number sent,"
        " latency (median, p90; days from sent to accepted), completeness (objectives, stakeholders,"
        " commitments and risks all filled in) and dropped batons (not accepted within 30 days), each"
        " with its change and a 12-month trend; the fields most often missing; complaints within 90 days"
        " of close per team and rep (rate with n, most common severity); promises kept vs broken, also"
        " per team; and per segment whether operations (expansion MRR) or sales (new MRR) sells more."
        " Enter on a figure or row opens the hand-offs, deals, promises or movements behind it."
    )

    DEFAULT_CSS = """
    HandoffPanel #headline { height: auto; padding: 0 1; margin: 0 0 1 0; }
    HandoffPanel .baton-tiles { layout: grid; grid-size: 5; grid-gutter: 0 1; height: auto; }
    Screen.-medium HandoffPanel .baton-tiles { grid-size: 3; grid-gutter: 1 1; }
    Screen.-narrow HandoffPanel .baton-tiles { grid-size: 2; grid-gutter: 1 1; }
    HandoffPanel FigureTile { border: none; border-left: outer $primary 40%; }
    HandoffPanel FigureTile:focus { border: none; border-left: outer $accent; }
    Screen.-short HandoffPanel FigureTile Sparkline { display: none; }
    HandoffPanel #lower { layout: vertical; height: auto; }
    Screen.-wide HandoffPanel #lower { layout: horizontal; }
    Screen.-wide HandoffPanel #lower > Section { width: 1fr; }
    Screen.-wide HandoffPanel #lower > #missing { margin: 0 1 1 0; }
    /* the rate or kept-rate tile, its ledger and its ranking: side by side when wide */
    HandoffPanel .split { layout: grid; grid-size: 3; grid-columns: 32 1fr 1.3fr; grid-gutter: 0 2; height: auto; }
    Screen.-medium HandoffPanel .split { grid-size: 2; grid-columns: 32 1fr; grid-gutter: 1 2; }
    Screen.-medium HandoffPanel .split--wide { column-span: 2; }
    Screen.-narrow HandoffPanel .split { grid-size: 1; grid-columns: 1fr; grid-gutter: 1 0; }
    HandoffPanel .section--note { margin: 1 0 0 0; }
    HandoffPanel #complaints-reps { max-height: 12; }
    """

    _sellers_frame: pl.DataFrame | None = None

    @staticmethod
    def load(reader: Reader, state: ViewState) -> HandoffData:
        import polars as pl

        # Monthly series long enough for the trend and for the comparison period.
        months = max(TREND_MONTHS, state.compare_months + 1)
        params = state.params()
        handoff, missing, complaints, complaints_by, promises, promises_by, sellers = reader.run_all(
            [
                ("handoff", {"months": months, **params}),
                ("handoff_missing_fields", params),
                ("early_complaints", {"months": months, **params}),
                ("complaints_by_team", params),
                ("promises_kept", {"months": months, **params}),
                ("promises_by_team", params),
                ("sellers_by_segment", params),
            ]
        )
        batons = {kind: periods(handoff.filter(pl.col("kind") == kind), state) for kind, _, _ in KINDS}
        return HandoffData(
            state=state,
            batons=batons,
            missing=missing,
            complaints=periods(complaints, state),
            complaints_by=complaints_by,
            promises=periods(promises, state),
            promises_by=promises_by,
            sellers=sellers,
        )

    def compose_body(self) -> ComposeResult:
        yield Readout("", id="headline")
        for kind, title, what in KINDS:
            with Section(f"{title} · {what}", section_id=f"baton-{kind}"), Grid(classes="baton-tiles"):
                for key, label, *_ in BATON_FIGURES:
                    yield FigureTile(label, tile_id=f"tile-{kind}-{key}")
        with Section("Complaints in the first 90 days after close", section_id="complaints"), Grid(classes="split"):
            yield FigureTile("Complained within 90 days", tile_id="tile-early_complaints")
            yield DataGrid(grid_id="complaints-teams")
            yield DataGrid(grid_id="complaints-reps", classes="split--wide")
        with Section("Promises kept vs broken", section_id="promises"), Grid(classes="split"):
            yield FigureTile("Promises kept", tile_id="tile-promises_kept")
            yield DataGrid(grid_id="promises-ledger")
            yield DataGrid(grid_id="promises-teams", classes="split--wide")
        with Container(id="lower"):
            with Section("What the baton lacks most often", section_id="missing"):
                yield DataGrid(grid_id="missing-fields")
                yield Readout("", id="missing-note", classes="section--note")
            with Section("Who sells more: operations (expansion) or sales (new)", section_id="sellers"):
                yield DataGrid(grid_id="sellers-grid")
                yield Readout("", id="sellers-note", classes="section--note")

    def tile(self, tile_id: str) -> FigureTile:
        return self.query_one(f"#tile-{tile_id}", FigureTile)

    def grid(self, grid_id: str) -> DataGrid:
        return self.query_one(f"#{grid_id}", DataGrid)

    def on_mount(self) -> None:
        # The bars are Rich renderables coloured from the theme: repaint them when it changes.
        self.app.theme_changed_signal.subscribe(self, self._repaint_bars)

    def _repaint_bars(self, _theme: object) -> None:
        if self._sellers_frame is not None:
            self._sellers(self._sellers_frame)

    def show(self, data: HandoffData) -> None:
        top_missing = _top_missing(data.missing)
        for kind, _, _ in KINDS:
            self._baton(kind, data.batons[kind], top_missing.get(kind))
        self._missing(data.missing)
        self._complaints(data)
        self._promises(data)
        self._sellers_frame = data.sellers
        self._sellers(data.sellers)
        self.query_one("#headline", Static).update(headline(data))

    # --- the relay baton ------------------------------------------------------------------------

    def _baton(self, kind: str, series: Periods, top_missing: dict[str, Any] | None) -> None:
        now = series.now
        sent = now.get("handoffs") or 0
        none_sent = "none sent in the window" if not sent else None
        drill = Drill(f"{KIND_TITLES[kind]} hand-offs sent in the window", "drill_handoffs", {"kind": kind})
        notes: dict[str, str | None] = {
            "sent": f"{format_value(now.get('accepted'), 'count')} accepted",
            "latency_median": none_sent or ("none accepted yet" if not now.get("accepted") else _latency_span(kind)),
            "latency_p90": none_sent
            or ("none accepted yet" if not now.get("accepted") else "9 in 10 picked up sooner"),
            "completeness": none_sent
            or (
                f"{format_value(now.get('complete'), 'count')} of {format_value(sent, 'count')}"
                + (f" · gap: {top_missing['field']}" if top_missing and top_missing["missing"] else "")
            ),
            "dropped": _dropped_note(series, none_sent),
        }
        for key, _, column, unit, better in BATON_FIGURES:
            value = now.get(column)
            note = notes[key]
            self.tile(f"{kind}-{key}").set_figure(
                value,
                unit,
                previous=series.before.get(column),
                higher_is_better=better,
                trend=series.trend(column),
                note=f"{NA}: {note}" if value is None and note else note,
                drill=drill,
            )

    def _missing(self, missing: pl.DataFrame) -> None:
        cells = {(row["kind"], row["field"]): row for row in missing.iter_rows(named=True)}
        overall = [row for row in missing.iter_rows(named=True) if row["kind"] is None]
        overall.sort(key=lambda row: row["rank"])
        totals = {kind: (cells.get((kind, FIELDS[0])) or {}).get("handoffs", 0) for kind in (None, *KIND_SHORT)}
        # two-line headers: who hands over, then n (hand-offs sent)
        columns = [("Field\nmissing", "left"), (f"all kinds\nn={format_value(totals[None], 'count')}", "right")]
        columns += [
            (f"{short}\nn={format_value(totals[kind], 'count')}", "right") for kind, short in KIND_SHORT.items()
        ]
        rows, drills = [], []
        for row in overall:
            name = row["field"]
            line = [name, _share_of(row)]
            line += [_share_of(cells.get((kind, name)) or {}) for kind in KIND_SHORT]
            rows.append(line)
            drills.append(Drill(f"Hand-offs sent without {name}", "drill_handoff_missing", {"field": name}))
        grid = self.grid("missing-fields")
        grid.header_height = 2
        grid.fill(columns, rows, drills)
        note = (
            "Share of the hand-offs sent in the window that lack the field (count in brackets)."
            if totals[None]
            else "No hand-offs sent in the window."
        )
        self.query_one("#missing-note", Static).update(note)

    # --- complaints -----------------------------------------------------------------------------

    def _complaints(self, data: HandoffData) -> None:
        now = data.complaints.now
        cohort = _cohort_label(now)
        new = now.get("new_customers") or 0
        note = (
            f"{format_value(now.get('complained'), 'count')} of {format_value(new, 'count')} new customers won {cohort}"
            if new
            else f"{NA}: no new customers won {cohort}"
        )
        self.tile("early_complaints").set_figure(
            now.get("early_complaint_rate"),
            "ratio",
            previous=data.complaints.before.get("early_complaint_rate"),
            higher_is_better=False,
            trend=data.complaints.trend("early_complaint_rate"),
            note=note,
            drill=Drill("Complaints within 90 days of close, by deal, rep and team", "drill_complaints"),
        )
        frame = data.complaints_by
        teams = [row for row in frame.iter_rows(named=True) if row["level"] == "team"]
        reps = [row for row in frame.iter_rows(named=True) if row["level"] == "rep"]
        team_drills: list[Drill | None] = [
            Drill(
                f"Early-complaint cohort of {row['team']}",
                "drill_complaint_deals",
                {"team_id": row["team_id"]},
            )
            if row["team_id"] is not None
            else None
            for row in teams
        ]
        self.grid("complaints-teams").fill(
            [
                ("#", "right"),
                ("Team", "left"),
                ("Rate", "right"),
                ("n", "right"),
                ("Compl.", "right"),
                ("Severity", "left"),
            ],
            [
                [
                    row["rank"],
                    row["team"] or "no team",
                    _ratio(row["complaint_rate"]),
                    row["new_customers"],
                    row["complained"],
                    row["top_severity"] or "none",
                ]
                for row in teams
            ],
            team_drills,
        )
        self.grid("complaints-reps").fill(
            [
                ("#", "right"),
                ("Rep", "left"),
                ("Team", "left"),
                ("Rate", "right"),
                ("n", "right"),
                ("Compl.", "right"),
                ("Severity", "left"),
            ],
            [
                [
                    row["rank"],
                    row["rep"],
                    row["team"] or "no team",
                    _ratio(row["complaint_rate"]),
                    row["new_customers"],
                    row["complained"],
                    row["top_severity"] or "none",
                ]
                for row in reps
            ],
            [
                Drill(f"Early-complaint cohort of {row['rep']}", "drill_complaint_deals", {"rep_id": row["rep_id"]})
                for row in reps
            ],
        )

    # --- promises -------------------------------------------------------------------------------

    def _promises(self, data: HandoffData) -> None:
        now, before = data.promises.now, data.promises.before
        self.tile("promises_kept").set_figure(
            now.get("kept_rate"),
            "ratio",
            previous=before.get("kept_rate"),
            higher_is_better=True,
            trend=data.promises.trend("kept_rate"),
            note=(
                f"kept / (kept + broken) of {format_value(now.get('due'), 'count')} due"
                if now.get("kept_rate") is not None
                else f"{NA}: {'nothing due in the window' if not now.get('due') else 'none kept or broken yet'}"
            ),
            drill=Drill("Promises due in the window", "drill_commitments"),
        )
        ledger = (
            ("Kept", "kept", True, "kept"),
            ("Broken", "broken", False, "broken"),
            ("Open", "open", None, "open"),
            ("  of which overdue", "overdue", False, "open"),
            ("Due in the window", "due", None, None),
        )
        rows, drills = [], []
        for label, column, better, status in ledger:
            value, previous = now.get(column), before.get(column)
            rows.append(
                [
                    label,
                    format_value(value, "count"),
                    format_value(previous, "count"),
                    format_change(value, previous, "count", better),
                ]
            )
            drills.append(
                Drill(f"Promises due in the window, {status} at its end", "drill_commitments", {"status": status})
                if status
                else Drill("Promises due in the window", "drill_commitments")
            )
        self.grid("promises-ledger").fill(
            [("Promises", "left"), ("Now", "right"), ("Before", "right"), ("Change", "left")], rows, drills
        )
        teams = list(data.promises_by.iter_rows(named=True))
        self.grid("promises-teams").fill(
            [
                ("#", "right"),
                ("Team", "left"),
                ("Kept rate", "right"),
                ("n due", "right"),
                ("Kept", "right"),
                ("Broken", "right"),
                ("Open", "right"),
                ("Overdue", "right"),
            ],
            [
                [
                    row["rank"],
                    row["team"] or "no team",
                    _ratio(row["kept_rate"]),
                    row["due"],
                    row["kept"],
                    row["broken"],
                    row["open"],
                    row["overdue"],
                ]
                for row in teams
            ],
            [
                Drill(f"Promises of {row['team']} due in the window", "drill_commitments", {"team_id": row["team_id"]})
                if row["team_id"] is not None
                else None
                for row in teams
            ],
        )

    # --- who sells more -------------------------------------------------------------------------

    def _sellers(self, sellers: pl.DataFrame) -> None:
        grid = self.grid("sellers-grid")
        theme = self.app.current_theme
        shown = ("sellers", tuple(sellers.rows()), theme.primary, theme.accent, theme.panel, theme.surface)
        if not grid.is_showing(shown):
            self._fill_sellers(grid, sellers)
            grid.mark_showing(shown)
        self.query_one("#sellers-note", Static).update(Text(display_text(sellers_sentence(sellers))))

    def _fill_sellers(self, grid: DataGrid, sellers: pl.DataFrame) -> None:
        grid.clear(columns=True)
        for key, label, justify in (
            ("segment", "Segment", "left"),
            ("booked_by", "Booked by", "left"),
            ("mrr", "MRR", "right"),
            ("bar", "", "left"),
            ("leads", "", "left"),
        ):
            grid.add_column(Text(label, justify=justify), key=key)  # type: ignore[arg-type]
        theme = self.app.current_theme
        colors = {"sales": theme.primary, "operations": theme.accent or theme.primary}
        track = theme.panel or theme.surface or "default"
        grid.row_drills = {}
        rows = list(sellers.iter_rows(named=True))
        largest = max([max(row["new_mrr_sales"], row["expansion_mrr_operations"]) for row in rows] or [0.0])
        for row in rows:
            segment = row["segment"]
            for booked_by, kind, column, label in (
                ("sales", "new", "new_mrr_sales", "sales: new"),
                ("operations", "expansion", "expansion_mrr_operations", "operations: expansion"),
            ):
                value = row[column]
                leads = "◀ more" if row["leader"] == booked_by else ("tie" if row["leader"] == "tie" else "")
                key = grid.add_row(
                    Text(display_text(segment) if booked_by == "sales" else ""),
                    Text(label),
                    Text(format_value(value, "money"), justify="right"),
                    Bar(largest or 1.0, 0, value, width=BAR_WIDTH, color=colors[booked_by], bgcolor=track),
                    Text(leads, style="bold" if leads else ""),
                )
                grid.row_drills[key] = Drill(
                    f"{segment}: {kind} MRR booked by {booked_by}",
                    "drill_movements",
                    {"kind": kind, "booked_by": booked_by, "segment": segment},
                )


def _latency_span(kind: str) -> str:
    return "close → onboarding kick-off" if kind == "sales_to_operations" else "sent → accepted"


def _dropped_note(series: Periods, none_sent: str | None) -> str:
    now, before = series.now, series.before
    if none_sent:
        return none_sent
    eligible = now.get("eligible") or 0
    if not eligible:
        return "none over 30 days old yet"
    # dropped of the hand-offs old enough to judge, and the change in that count (arrow only:
    # the verdict is the rate's, above)
    text = f"{format_value(now.get('dropped'), 'count')} of {format_value(eligible, 'count')} over 30 d"
    if before.get("dropped") is not None and now.get("dropped") is not None:
        text += f" · {format_change(now['dropped'], before['dropped'], 'count', None)}"
    return text


def _top_missing(missing: pl.DataFrame) -> dict[str, dict[str, Any]]:
    """Per kind, its most often missing field (rank 1)."""
    return {row["kind"]: row for row in missing.iter_rows(named=True) if row["rank"] == 1 and row["kind"]}


def _share_of(row: dict[str, Any]) -> str:
    if not row or row.get("missing_share") is None:
        return NA
    return f"{format_value(row['missing_share'], 'ratio')} ({format_value(row['missing'], 'count')})"


def _ratio(value: float | None) -> str:
    return format_value(value, "ratio")


def _cohort_label(row: dict[str, Any]) -> str:
    start, end = row.get("cohort_start"), row.get("cohort_end")
    if isinstance(start, dt.date) and isinstance(end, dt.date):
        return f"{start:%Y-%m}..{end:%Y-%m}"
    return "in the cohort"


def sellers_sentence(sellers: pl.DataFrame) -> str:
    """Who sells more, in words: the segments each side leads."""
    leads: dict[str, list[str]] = {"operations": [], "sales": [], "tie": []}
    for row in sellers.iter_rows(named=True):
        if row["leader"] in leads:
            leads[row["leader"]].append(row["segment"])
    parts = []
    if leads["operations"]:
        parts.append(f"Operations' expansion out-sells sales' new business in {', '.join(leads['operations'])}.")
    if leads["sales"]:
        parts.append(f"Sales' new business leads in {', '.join(leads['sales'])}.")
    if leads["tie"]:
        parts.append(f"Even in {', '.join(leads['tie'])}.")
    return " ".join(parts) or "No new or expansion MRR booked in the window."


def headline(data: HandoffData) -> Text:
    """What a leader reads first: the weakest baton, early complaints, promises, who sells more."""
    parts: list[tuple[str, str]] = []
    dropped = [
        (series.now["dropped_rate"], kind)
        for kind, series in data.batons.items()
        if series.now.get("dropped_rate") is not None
    ]
    if dropped:
        rate, kind = max(dropped)
        row = data.batons[kind].now
        parts.append(
            (
                f"Most dropped batons: {KIND_TITLES[kind].lower()}, {format_value(rate, 'ratio')}"
                f" ({row['dropped']} of {row['eligible']}) not picked up within 30 days. ",
                "",
            )
        )
    complaints = data.complaints.now
    if complaints.get("early_complaint_rate") is not None:
        change = format_change(
            complaints["early_complaint_rate"], data.complaints.before.get("early_complaint_rate"), "ratio", False
        )
        teams = [row for row in data.complaints_by.iter_rows(named=True) if row["level"] == "team"]
        worst = (
            f"; highest {teams[0]['team']} {_ratio(teams[0]['complaint_rate'])} (n={teams[0]['new_customers']})"
            if teams
            else ""
        )
        parts.append(
            (
                f"Early complaints {_ratio(complaints['early_complaint_rate'])}"
                + (f" ({change})" if change != NA else "")
                + worst
                + ". ",
                "",
            )
        )
    promises = data.promises.now
    if promises.get("kept_rate") is not None:
        lowest = [row for row in data.promises_by.iter_rows(named=True) if row["kept_rate"] is not None]
        parts.append(
            (
                f"Promises kept {_ratio(promises['kept_rate'])}"
                + (f", lowest {lowest[0]['team']} {_ratio(lowest[0]['kept_rate'])}" if len(lowest) > 1 else "")
                + ". ",
                "",
            )
        )
    leaders = [row["segment"] for row in data.sellers.iter_rows(named=True) if row["leader"] == "operations"]
    if leaders:
        parts.append((f"Operations sells more than sales in {', '.join(leaders)}.", "bold"))
    elif data.sellers.height:
        parts.append((sellers_sentence(data.sellers), ""))
    if not parts:
        return Text("No hand-offs, early complaints or promises in this period.")
    text = Text()
    for part, style in parts:
        text.append(display_text(part), style=style)
    return text
