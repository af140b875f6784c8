"""Small widgets the panels are built from: figure tiles, tables, sections.

Every figure, bar and row that has rows behind it carries a `Drill`: Enter (or a
click) posts `DrillRequested`, and the app opens those rows in a table.

Repainting costs more than computing what to show (Textual lays out and renders every
changed widget, about a third of a millisecond a table cell), so the widgets here repaint only
what changed: `Readout.update` and `DataGrid.fill` do nothing when the content is the same as
shown, and a one-line `Readout` that stays one line skips the layout pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget
from textual.widgets import DataTable, Digits, Label, Sparkline, Static

from navigator.format import NA, format_change, format_target, format_value
from navigator.text import display_text


@dataclass(frozen=True)
class Drill:
    """The rows behind a figure: a named drill query and its parameters."""

    title: str
    query: str
    params: dict[str, Any] = field(default_factory=dict)

    def __hash__(self) -> int:
        return hash((self.title, self.query, tuple(sorted(self.params.items()))))


_NOTHING = object()


def content_key(content: Any) -> Any:
    """What decides how `content` looks, comparable with ==: Rich's own Text equality ignores the
    base style and justification, and renderables without __eq__ compare by identity (so never
    count as unchanged)."""
    if isinstance(content, Text):
        return ("text", content.plain, str(content.style), tuple(content.spans), content.justify, content.end)
    if isinstance(content, str):
        return ("str", content)
    return ("object", content)


class Readout(Static):
    """A Static that repaints only when its content changes.

    A filter change re-sends every figure and note, most of them unchanged. And a line that was
    one line and stays one line cannot change the widget's height, so no layout pass is needed.
    """

    def __init__(self, content: Any = "", **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self._shown_key: Any = _NOTHING
        self._one_line = False

    def update(self, content: Any = "", *, layout: bool = True) -> None:
        key = content_key(content)
        if key == self._shown_key:
            return
        plain = content.plain if isinstance(content, Text) else str(content)
        # The markup of a str only makes it longer than what is drawn: a safe measure.
        one_line = "\n" not in plain and 0 < cell_len(plain) <= self.size.width
        width = self.styles.width
        if one_line and self._one_line and not (width is not None and width.is_auto):
            layout = False
        super().update(content, layout=layout)
        self._shown_key = key
        self._one_line = one_line


class DrillRequested(Message):
    def __init__(self, drill: Drill) -> None:
        self.drill = drill
        super().__init__()


class FigureTile(Widget, can_focus=True):
    """One headline figure: label, value, change since the comparison period, trend, note."""

    DEFAULT_CSS = """
    FigureTile {
        height: auto;
        border: round $primary 40%;
        padding: 0 1;
    }
    FigureTile:focus {
        border: round $accent;
        background: $boost;
    }
    FigureTile .tile--label { color: $text-muted; width: 1fr; }
    FigureTile .tile--figure { width: 1fr; height: auto; }
    FigureTile .tile--note { color: $text-muted; width: 1fr; height: auto; }
    FigureTile .tile--note.-empty { display: none; }
    FigureTile Sparkline { width: 1fr; height: 1; margin: 0; }
    FigureTile Sparkline.-empty { display: none; }
    FigureTile Sparkline > .sparkline--max-color { color: $secondary; }
    FigureTile Sparkline > .sparkline--min-color { color: $secondary 40%; }
    /* presentation mode: the value in large digits, the change on its own line */
    FigureTile .tile--digits, FigureTile .tile--change { display: none; width: 1fr; }
    Screen.-present FigureTile .tile--digits { display: block; }
    Screen.-present FigureTile .tile--change { display: block; height: auto; }
    Screen.-present FigureTile .tile--figure { display: none; }
    """
    # The presentation rules above start from the Screen's class, so they must not be scoped.
    SCOPED_CSS: ClassVar[bool] = False

    BINDINGS: ClassVar[list[BindingType]] = [Binding("enter", "drill", "Rows behind", show=True)]

    label: reactive[str] = reactive("")

    def __init__(self, label: str, *, tile_id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=tile_id, classes=classes)
        self.label = label
        self.drill: Drill | None = None
        self.value_text = NA
        self.change_text = ""

    def compose(self) -> ComposeResult:
        yield Label(self.label, classes="tile--label")
        yield Readout(NA, classes="tile--figure")
        yield Digits(NA, classes="tile--digits")
        yield Readout("", classes="tile--change")
        yield Sparkline([], summary_function=max, classes="-empty")
        yield Readout("", classes="tile--note -empty")

    def set_figure(
        self,
        value: float | None,
        unit: str,
        *,
        previous: float | None = None,
        higher_is_better: bool | None = True,
        trend: Sequence[float | None] = (),
        note: str | None = None,
        value_text: str | None = None,
        drill: Drill | None = None,
        target: float | None = None,
    ) -> None:
        """Show a figure: the value in bold, then its change (arrow and word), trend and note.

        With a `target` (from the settings file) the note starts with a target mark and
        whether it is met.
        """
        self.value_text = value_text or format_value(value, unit)
        self.change_text = (
            format_change(value, previous, unit, higher_is_better) if previous is not None and value is not None else ""
        )
        figure = Text.assemble((display_text(self.value_text), "bold"))
        if self.change_text:
            figure.append("  " + self.change_text)
        self.query_one(".tile--figure", Static).update(figure)
        big = format_value(value, unit) if value is not None else self.value_text
        digits = self.query_one(".tile--digits", Digits)
        if digits.value != big:
            digits.update(big)
        rest = self.value_text[len(big) :].strip() if self.value_text.startswith(big) else ""
        self.query_one(".tile--change", Static).update(" ".join(part for part in (rest, self.change_text) if part))
        points = [float(v) for v in trend if v is not None]
        sparkline = self.query_one(Sparkline)
        sparkline.data = points
        sparkline.set_class(len(points) < 2, "-empty")
        if target is not None:
            mark = format_target(value, target, unit, higher_is_better)
            note = f"{mark} · {note}" if note else mark
        note_widget = self.query_one(".tile--note", Static)
        note_widget.update(Text(display_text(note or "")))
        note_widget.set_class(not note, "-empty")
        self.drill = drill

    def copy_text(self) -> str:
        """What OSC 52 copy puts on the clipboard for this figure."""
        return f"{self.label}: {self.value_text} {self.change_text}".strip()

    def action_drill(self) -> None:
        if self.drill is not None:
            self.post_message(DrillRequested(self.drill))

    def on_click(self, event: events.Click) -> None:
        if event.chain >= 2 or self.has_focus:
            self.action_drill()


class DataGrid(DataTable[Any]):
    """A DataTable with vim keys whose rows can each open the rows behind them."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("h", "cursor_left", "Left", show=False),
        Binding("l", "cursor_right", "Right", show=False),
    ]
    DEFAULT_CSS = """
    DataGrid { height: auto; max-height: 24; }
    """

    def __init__(self, *, grid_id: str | None = None, classes: str | None = None) -> None:
        super().__init__(id=grid_id, classes=classes, cursor_type="row", zebra_stripes=True)
        self.row_drills: dict[Any, Drill] = {}
        self._shown_key: Any = _NOTHING

    def is_showing(self, key: Any) -> bool:
        """Whether the table shows what `key` (from `mark_showing`) describes: for callers that fill
        the table themselves and want to skip an identical refill."""
        return key == self._shown_key

    def mark_showing(self, key: Any) -> None:
        self._shown_key = key

    def clear(self, columns: bool = False) -> DataGrid:
        self._shown_key = _NOTHING
        super().clear(columns=columns)
        return self

    def fill(
        self,
        columns: Sequence[tuple[str, str]],
        rows: Iterable[Sequence[Any]],
        drills: Sequence[Drill | None] | None = None,
    ) -> None:
        """Replace everything: `columns` are (label, 'left'|'right') pairs.

        Content equal to what is shown is left alone (no clearing, no repaint, the cursor stays):
        only the drills, which may point at another period, are taken over.
        """
        justifies = [justify for _, justify in columns]
        table = [
            [
                cell if isinstance(cell, Text) else Text(display_text(str(cell)), justify=justify)  # type: ignore[arg-type]
                for cell, justify in zip(row, justifies, strict=False)
            ]
            for row in rows
        ]
        key = (tuple(columns), tuple(tuple(content_key(cell) for cell in cells) for cells in table))
        if not self.is_showing(key):
            self.clear(columns=True)
            for label, justify in columns:
                self.add_column(Text(label, justify=justify), key=label)  # type: ignore[arg-type]
            for cells in table:
                self.add_row(*cells)
            self.mark_showing(key)
        self.row_drills = {}
        for index, row_key in enumerate(self.rows):
            if drills is not None and index < len(drills) and drills[index] is not None:
                self.row_drills[row_key] = drills[index]  # type: ignore[assignment]

    def on_data_table_row_selected(self, event: DataTable.RowSelected) -> None:
        drill = self.row_drills.get(event.row_key)
        if drill is not None:
            event.stop()
            self.post_message(DrillRequested(drill))

    def copy_text(self) -> str:
        if self.row_count == 0:
            return ""
        row = self.get_row_at(self.cursor_row)
        return "\t".join(str(cell) for cell in row)


class Section(Vertical):
    """A titled box inside a panel."""

    DEFAULT_CSS = """
    Section {
        height: auto;
        border: round $primary 30%;
        border-title-color: $text;
        border-title-style: bold;
        padding: 0 1;
        margin: 0 0 1 0;
    }
    Section > .section--note { color: $text-muted; height: auto; }
    """

    def __init__(
        self, title: str, *children: Widget, section_id: str | None = None, classes: str | None = None
    ) -> None:
        super().__init__(*children, id=section_id, classes=classes)
        self.border_title = title


def na_reason(value: Any, note: str | None) -> str:
    """'n/a (reason)' for an undefined figure, '' otherwise."""
    return f"{NA}: {note}" if value is None and note else ""
