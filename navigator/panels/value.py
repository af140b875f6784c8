"""Value dynamics: do deals answer the customer's four questions, and does it pay?

The four questions (what did you bring me, why me, why now, what is the alternative):
how often the value case answered each, the win rate and 12-month retention by how
many were answered, what lost customers chose instead, and the extraction vs
engagement index per team and rep: bookings set against what became of those
customers in their first year, ranked, with the uncertainty shown.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.bar import Bar
from rich.markup import escape
from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Static

from navigator.format import NA, format_value
from navigator.panels.base import Panel
from navigator.panels.reputation import renderable_text
from navigator.panels.widgets import DataGrid, Drill, Readout, Section
from navigator.text import display_text

if TYPE_CHECKING:
    import datetime as dt

    import polars as pl

    from navigator.data.report import Reader, ViewState

# Panels narrower than this drop secondary columns.
COMPACT_WIDTH = 100
BAR_WIDTH = 20

ALTERNATIVE_KINDS: dict[str, str] = {
    "competitor": "competitor",
    "status_quo": "did nothing",
    "in_house": "in-house",
    "unknown": "not recorded",
}
VERDICTS: dict[str, str] = {
    "engagement": "▲ engagement",
    "extraction": "▼ extraction",
    "unclear": "≈ unclear",
}


@dataclass
class ValueData:
    questions: pl.DataFrame  # value_questions: one row per question
    coverage: pl.DataFrame  # four_questions: one row per number answered (0-4)
    lost_to: pl.DataFrame  # lost_to: one row per alternative
    engagement: pl.DataFrame  # engagement_index: company, team and rep rows
    state: ViewState


class ValuePanel(Panel):
    panel_id: ClassVar[str] = "value"
    title: ClassVar[str] = "Value dynamics"
    tables: ClassVar[tuple[str, ...]] = ("opportunities",)
    empty_hint: ClassVar[str] = "Import deals (opportunities) with their value case and what lost deals chose instead."
    help_text: ClassVar[str] = (
        "the customer's four questions: the share of new deals closed in the window whose value case answered"
        " each; win rate (deals closed in the window) and 12-month retention (new deals won 12–24 months ago)"
        " by how many were answered; what lost customers chose instead (a named alternative or the status"
        " quo); and the extraction vs engagement index per team and rep: bookings of new deals won 12–24"
        " months ago against what became of those customers in their first year (retained, expanded,"
        " referred, early complaint, broken promise), a mean score from −3 to +3 with its 95% interval and n,"
        " ranked; below 5 customers no index is given. Enter on a row opens the deals behind it."
    )

    DEFAULT_CSS = """
    ValuePanel #value-headline { height: auto; padding: 0 1; margin: 0 0 1 0; }
    ValuePanel .value--row { layout: vertical; height: auto; }
    ValuePanel .value--column { height: auto; }
    Screen.-wide ValuePanel .value--row { layout: horizontal; }
    Screen.-wide ValuePanel .value--column { width: 1fr; }
    Screen.-wide ValuePanel .value--column:first-of-type { margin: 0 1 0 0; }
    ValuePanel #value-lost { max-height: 12; }
    ValuePanel #value-engagement { max-height: 30; }
    Screen.-short ValuePanel #value-headline { margin: 0; }
    Screen.-short ValuePanel .section--note { display: none; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._data: ValueData | None = None
        self._compact: bool | None = None

    @staticmethod
    def load(reader: Reader, state: ViewState) -> ValueData:
        params = state.params()
        questions, coverage, lost_to, engagement = reader.run_all(
            [
                ("value_questions", params),
                ("four_questions", params),
                ("lost_to", params),
                ("engagement_index", {"as_of": state.as_of, **state.filters.as_params()}),
            ]
        )
        return ValueData(questions=questions, coverage=coverage, lost_to=lost_to, engagement=engagement, state=state)

    def compose_body(self) -> ComposeResult:
        yield Readout("", id="value-headline")
        with Horizontal(classes="value--row"):
            with Vertical(classes="value--column"):
                yield Section(
                    "The customer's four questions: share of deals answering each",
                    DataGrid(grid_id="value-questions"),
                    Readout("", id="value-questions-note", classes="section--note"),
                )
            with Vertical(classes="value--column"):
                yield Section(
                    "What lost customers chose instead",
                    DataGrid(grid_id="value-lost"),
                    Readout("", id="value-lost-note", classes="section--note"),
                )
        with Horizontal(classes="value--row"):
            with Vertical(classes="value--column"):
                yield Section(
                    "Win rate by questions answered",
                    DataGrid(grid_id="value-winrate"),
                    Readout("", id="value-winrate-note", classes="section--note"),
                )
            with Vertical(classes="value--column"):
                yield Section(
                    "12-month retention by questions answered",
                    DataGrid(grid_id="value-retention"),
                    Readout("", id="value-retention-note", classes="section--note"),
                )
        yield Section(
            "Extraction vs engagement: bookings against what became of those customers",
            DataGrid(grid_id="value-engagement"),
            Readout("", id="value-engagement-note", classes="section--note"),
        )

    # --- showing ------------------------------------------------------------------------------------

    def show(self, data: ValueData) -> None:
        self._data = data
        self._compact = self._is_compact()
        self.query_one("#value-headline", Static).update(headline(data))
        self._show_tables(data)

    def on_resize(self) -> None:
        if self._data is not None and self._is_compact() != self._compact:
            self._compact = self._is_compact()
            self._show_tables(self._data)

    def _is_compact(self) -> bool:
        return self.app.size.width < COMPACT_WIDTH

    def _show_tables(self, data: ValueData) -> None:
        self._show_questions(data)
        self._show_lost_to(data)
        self._show_coverage(data)
        self._show_engagement(data)

    def _show_questions(self, data: ValueData) -> None:
        rows, drills = [], []
        closed = 0
        for row in data.questions.iter_rows(named=True):
            closed = row["closed"]
            rows.append(
                [
                    row["label"],
                    share_bar(row["share"]),
                    format_value(row["share"], "ratio"),
                    f"{format_value(row['answered'], 'count')}/{format_value(row['closed'], 'count')}",
                ]
            )
            drills.append(
                Drill(
                    f"New deals closed whose value case answered “{row['label']}”",
                    "drill_value_case",
                    {"question": row["question"]},
                )
            )
        self.query_one("#value-questions", DataGrid).fill(
            [("Question", "left"), ("Share answered", "left"), ("%", "right"), ("Deals", "right")], rows, drills
        )
        self.query_one("#value-questions-note", Static).update(
            f"New-business deals closed (won or lost) in {_period(data.state)}: {format_value(closed, 'count')}."
            if closed
            else f"{NA}: no new-business deals closed in {_period(data.state)}."
        )

    def _show_lost_to(self, data: ValueData) -> None:
        compact = bool(self._compact)
        rows, drills = [], []
        for row in data.lost_to.iter_rows(named=True):
            alternative = row["lost_to"]
            cells: list[Any] = [alternative, ALTERNATIVE_KINDS.get(row["kind"], row["kind"])]
            cells.append(format_value(row["deals"], "count"))
            if not compact:
                cells.append(share_bar(row["share"], width=10))
            cells.append(format_value(row["share"], "ratio"))
            if not compact:
                cells.append(format_value(row["amount"], "money"))
            rows.append(cells)
            if alternative == "unknown":
                drills.append(
                    Drill(
                        "Lost deals with nothing recorded", "drill_value_case", {"status": "lost", "lost_to": "unknown"}
                    )
                )
            else:
                drills.append(
                    Drill(
                        f"Deals lost to {alternative}",
                        "drill_deals",
                        {"kind": "new", "status": "lost", "lost_to": alternative},
                    )
                )
        columns = [("Chose instead", "left"), ("Kind", "left"), ("Deals", "right")]
        if not compact:
            columns.append(("Share", "left"))
        columns.append(("%", "right"))
        if not compact:
            columns.append(("ACV", "right"))
        self.query_one("#value-lost", DataGrid).fill(columns, rows, drills)
        total = sum(row["deals"] for row in data.lost_to.iter_rows(named=True))
        self.query_one("#value-lost-note", Static).update(
            f"New-business deals lost in {_period(data.state)}: {format_value(total, 'count')}."
            " “status quo” = the customer chose to do nothing."
            if total
            else f"{NA}: no new-business deals lost in {_period(data.state)}."
        )

    def _show_coverage(self, data: ValueData) -> None:
        state = data.state
        win_rows, win_drills, keep_rows, keep_drills = [], [], [], []
        cohort_as_of = _months_back(state.as_of, 12)
        for row in data.coverage.iter_rows(named=True):
            answered = row["answered"]
            label = f"{answered} of 4"
            win_rows.append(
                [
                    label,
                    format_value(row["closed"], "count"),
                    format_value(row["won"], "count"),
                    share_bar(row["win_rate"], width=12),
                    format_value(row["win_rate"], "ratio"),
                ]
            )
            win_drills.append(
                Drill(
                    f"New deals closed answering {answered} of 4 questions", "drill_value_case", {"answered": answered}
                )
            )
            keep_rows.append(
                [
                    label,
                    format_value(row["cohort_won"], "count"),
                    format_value(row["cohort_retained"], "count"),
                    share_bar(row["retention_12m"], width=12),
                    format_value(row["retention_12m"], "ratio"),
                ]
            )
            keep_drills.append(
                Drill(
                    f"New deals won 12–24 months ago answering {answered} of 4",
                    "drill_deals",
                    {"kind": "new", "status": "won", "answered": answered, "window": 12, "as_of": cohort_as_of},
                )
            )
        self.query_one("#value-winrate", DataGrid).fill(
            [("Answered", "left"), ("Closed", "right"), ("Won", "right"), ("Win rate", "left"), ("%", "right")],
            win_rows,
            win_drills,
        )
        self.query_one("#value-winrate-note", Static).update(
            f"New-business deals closed in {_period(state)}; win rate = won / (won + lost), n/a with none closed."
        )
        self.query_one("#value-retention", DataGrid).fill(
            [("Answered", "left"), ("Won", "right"), ("Retained", "right"), ("Retention", "left"), ("%", "right")],
            keep_rows,
            keep_drills,
        )
        start = _months_back(state.as_of, 23)
        self.query_one("#value-retention-note", Static).update(
            f"New deals won {start:%Y-%m}..{cohort_as_of:%Y-%m}: still a customer 12 months after the close month."
        )

    def _show_engagement(self, data: ValueData) -> None:
        compact = bool(self._compact)
        cohort_as_of = _months_back(data.state.as_of, 12)
        base = {"kind": "new", "status": "won", "window": 12, "as_of": cohort_as_of}
        rows, drills = [], []
        for row in data.engagement.iter_rows(named=True):
            level = row["level"]
            if level == "company":
                name = "Company"
                rank = ""
                drill = Drill("New deals won 12–24 months ago", "drill_deals", dict(base))
            elif level == "team":
                name = f"Team {row['team'] or row['team_id']}"
                rank = f"#{row['rank']}"
                drill = Drill(
                    f"New deals won 12–24 months ago by {row['team'] or row['team_id']}",
                    "drill_deals",
                    {**base, "team_id": row["team_id"]},
                )
            else:
                team = row["team"] or row["team_id"] or ""
                # the name alone goes through bidi reordering, so an RTL name keeps its team beside it
                name = Text("  " + display_text(row["rep"] or row["rep_id"] or ""))
                if team and not compact:
                    name.append(f" · {display_text(team)}", style="dim")
                rank = f"#{row['rank']}"
                drill = Drill(
                    f"New deals won 12–24 months ago by {row['rep'] or row['rep_id']}",
                    "drill_deals",
                    {**base, "rep_id": row["rep_id"]},
                )
            judged = row["engagement_index"] is not None
            cells: list[Any] = [
                rank,
                name,
                format_value(row["customers"], "count"),
                format_value(row["bookings"], "money"),
                format_value(row["retained_share"], "ratio"),
            ]
            if not compact:
                cells += [
                    format_value(row["complained_share"], "ratio"),
                    format_value(row["expanded_share"], "ratio"),
                    format_value(row["referred_share"], "ratio"),
                    format_value(row["broken_share"], "ratio"),
                ]
            if judged:
                cells.append(format_value(row["engagement_index"], "index"))
                if not compact:
                    cells.append(f"{format_value(row['ci_low'], 'index')}..{format_value(row['ci_high'], 'index')}")
                cells.append(VERDICTS.get(row["verdict"], row["verdict"] or NA))
            else:
                cells.append(row["note"] or NA)
                if not compact:
                    cells.append("")
                cells.append("")
            rows.append(cells)
            drills.append(drill)
        columns = [
            ("Rank", "right"),
            ("Team / rep", "left"),
            ("n", "right"),
            ("Bookings", "right"),
            ("Retained", "right"),
        ]
        if not compact:
            columns += [
                ("Early compl.", "right"),
                ("Expanded", "right"),
                ("Referred", "right"),
                ("Broken prom.", "right"),
            ]
        columns.append(("Index", "right"))
        if not compact:
            columns.append(("95% interval", "right"))
        columns.append(("Verdict", "left"))
        self.query_one("#value-engagement", DataGrid).fill(columns, rows, drills)
        start = _months_back(data.state.as_of, 23)
        self.query_one("#value-engagement-note", Static).update(
            f"New deals won {start:%Y-%m}..{cohort_as_of:%Y-%m} (n = customers, bookings = their ACV). Score per"
            " customer in its first year: retained +1 else −1, expanded +1, referred +1, complaint within 90 days"
            " −1, broken promise −1; index = mean score, ranked within teams and within reps. Engagement when the"
            " 95% interval lies above 0, extraction below 0; no index below 5 customers."
        )


def headline(data: ValueData) -> str:
    """One sentence: do the four questions pay, and what do lost customers choose instead?"""
    levels = {row["answered"]: row for row in data.coverage.iter_rows(named=True)}
    parts = []
    best, worst = levels.get(4, {}), levels.get(0, {})
    if best.get("win_rate") is not None and worst.get("win_rate") is not None:
        parts.append(
            f"Deals answering all four questions win [b]{format_value(best['win_rate'], 'ratio')}[/b],"
            f" none answered {format_value(worst['win_rate'], 'ratio')}."
        )
    if best.get("retention_12m") is not None and worst.get("retention_12m") is not None:
        parts.append(
            f"12-month retention {format_value(best['retention_12m'], 'ratio')} vs"
            f" {format_value(worst['retention_12m'], 'ratio')}."
        )
    lost = data.lost_to.to_dicts()
    if lost:
        top = lost[0]
        parts.append(f"Lost deals chose most often: {escape(top['lost_to'])} ({format_value(top['share'], 'ratio')}).")
    extraction = [
        row["team"] or row["team_id"]
        for row in data.engagement.iter_rows(named=True)
        if row["level"] == "team" and row["verdict"] == "extraction"
    ]
    if extraction:
        parts.append(f"Extraction: {escape(', '.join(extraction))}.")
    return "  ".join(parts) if parts else "No new-business deals in this period to judge the value case."


def share_bar(share: float | None, width: int = BAR_WIDTH) -> Text:
    """A fraction (0..1) as a bar of `width` cells; n/a when undefined."""
    if share is None:
        return Text(NA)
    return renderable_text(Bar(1.0, 0.0, max(0.0, min(share, 1.0)), width=width), width)


def _months_back(month: dt.date, count: int) -> dt.date:
    from navigator.data.report import add_months

    return add_months(month, -count)


def _period(state: ViewState) -> str:
    start = _months_back(state.as_of, state.window - 1)
    return f"{state.as_of:%Y-%m}" if state.window == 1 else f"{start:%Y-%m}..{state.as_of:%Y-%m}"
