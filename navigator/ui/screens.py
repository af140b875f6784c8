"""Modal screens: the filter dialog and the help (keys and metric definitions)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from typing import Any, ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Button, Label, Markdown, Select

from navigator.data.report import COMPARISONS, SPECS, Filters, ViewState
from navigator.text import display_text

WINDOW_CHOICES = (1, 3, 6, 12)


class FilterScreen(ModalScreen[ViewState | None]):
    """Choose the period, the comparison and the filters; Enter applies, Esc cancels."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "cancel", "Cancel"),
        Binding("ctrl+s", "apply", "Apply"),
    ]
    DEFAULT_CSS = """
    FilterScreen { align: center middle; }
    FilterScreen > Vertical {
        width: 76; max-width: 100%; height: auto; max-height: 100%;
        border: thick $primary; background: $surface; padding: 0 1;
    }
    FilterScreen Grid { grid-size: 2; grid-columns: 14 1fr; grid-rows: 3; height: auto; }
    FilterScreen Label { padding: 1 0 0 0; }
    FilterScreen Horizontal { height: 3; align-horizontal: right; }
    FilterScreen Button { margin-left: 1; }
    """

    def __init__(self, state: ViewState, dimensions: dict[str, list[tuple[str, str]]], latest: dt.date | None) -> None:
        super().__init__()
        self.state = state
        self.dimensions = dimensions
        self.latest = latest

    def compose(self) -> ComposeResult:
        months = [value for value, _ in self.dimensions.get("month", [])]
        months = sorted({*months, f"{self.state.as_of:%Y-%m}"}, reverse=True)
        if self.latest is not None:
            months = [m for m in months if m <= f"{self.latest:%Y-%m}"] or months
        with Vertical():
            yield Label("[b]Filters[/b]  (Esc cancels, Ctrl+S or Apply applies)")
            with Grid():
                yield Label("As of month")
                yield Select([(m, m) for m in months], value=f"{self.state.as_of:%Y-%m}", id="as_of", allow_blank=False)
                yield Label("Window")
                yield Select(
                    [(f"{n} month{'s' if n > 1 else ''}", n) for n in WINDOW_CHOICES],
                    value=self.state.window,
                    id="window",
                    allow_blank=False,
                )
                yield Label("Compare with")
                yield Select(
                    [(label, key) for key, label in COMPARISONS.items()],
                    value=self.state.compare,
                    id="compare",
                    allow_blank=False,
                )
                for name, title in (
                    ("market_id", "Market"),
                    ("segment", "Segment"),
                    ("region", "Region"),
                    ("team_id", "Team"),
                ):
                    options = [(display_text(label), value) for value, label in self.dimensions.get(name, [])]
                    current = getattr(self.state.filters, name)
                    yield Label(title)
                    yield Select(options, value=current if current is not None else Select.NULL, prompt="all", id=name)
            with Horizontal():
                yield Button("Clear filters", id="clear")
                yield Button("Cancel", id="cancel")
                yield Button("Apply", id="apply", variant="primary")

    def _chosen(self, select_id: str) -> Any:
        value = self.query_one(f"#{select_id}", Select).value
        return None if value is Select.NULL else value

    def action_apply(self) -> None:
        from navigator.data.queries import parse_month_or_date

        as_of = self._chosen("as_of")
        state = replace(
            self.state,
            as_of=parse_month_or_date(as_of) if as_of else self.state.as_of,
            window=int(self._chosen("window") or self.state.window),
            compare=self._chosen("compare") or self.state.compare,
            filters=Filters(**{name: self._chosen(name) for name in ("market_id", "segment", "region", "team_id")}),
        )
        self.dismiss(state)

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#apply")
    def _apply_pressed(self) -> None:
        self.action_apply()

    @on(Button.Pressed, "#cancel")
    def _cancel_pressed(self) -> None:
        self.action_cancel()

    @on(Button.Pressed, "#clear")
    def _clear_pressed(self) -> None:
        for name in ("market_id", "segment", "region", "team_id"):
            self.query_one(f"#{name}", Select).clear()


class HelpScreen(ModalScreen[None]):
    """Every binding and every metric definition."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,q,question_mark", "dismiss", "Close"),
    ]
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 100; max-width: 100%; height: 90%; border: thick $primary; background: $surface;
        padding: 0 1;
    }
    """

    def __init__(self, bindings: Sequence[BindingType], panels: Sequence[Any]) -> None:
        super().__init__()
        self.markdown = help_markdown(bindings, panels)

    def compose(self) -> ComposeResult:
        with VerticalScroll():
            yield Markdown(self.markdown)

    async def action_dismiss(self, result: None = None) -> None:
        self.dismiss(result)


KEY_NAMES = {
    "question_mark": "?",
    "left_square_bracket": "[",
    "right_square_bracket": "]",
    "escape": "Esc",
    "enter": "Enter",
}


def help_markdown(bindings: Sequence[BindingType], panels: Sequence[Any]) -> str:
    """The help text: keys (from the app's own bindings, so it cannot drift) and definitions."""
    lines = ["# navigator help", "", "## Keys", "", "| Key | Does |", "|---|---|"]
    for binding in bindings:
        if isinstance(binding, Binding):
            keys = " / ".join(KEY_NAMES.get(key, key) for key in binding.key.split(","))
            lines.append(f"| `{keys}` | {binding.description} |")
    lines += [
        "| `Enter` | on a figure or row: open the rows behind it (sort `s`, search `/`, export `e` CSV, `E` Parquet) |",
        "| `Esc` | back from the rows, or close a dialog |",
        "| `Tab` / `Shift+Tab` | move between figures and tables |",
        "| arrows / `h` `j` `k` `l` | move inside a table |",
        "| `Ctrl+P` | command palette: every action by name |",
        "",
        "## Panels",
        "",
    ]
    for number, panel in enumerate(panels, start=1):
        lines.append(f"**{number} {panel.title}**: {panel.help_text}")
        lines.append("")
    lines += [
        "## Metric definitions",
        "",
        "Ratios are shown as percentages; `n/a` means undefined for the period (the note says why).",
        "Flow metrics cover the window ending at the as-of month; NRR, GRR, logo churn and LTV look at"
        " twelve months. Full definitions: docs/metrics.md.",
        "",
    ]
    for spec in SPECS:
        lines.append(f"- **{spec.label}** (`{spec.key}`): {spec.definition}")
    return "\n".join(lines) + "\n"
