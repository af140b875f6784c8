"""What every dashboard panel is: data loaded off the UI thread, then shown.

A panel class declares `load(reader, state)`, a plain function of the data layer
that runs in a worker thread and returns a value (DataFrames, a Report...), and
`show(data)`, which runs on the UI thread and updates its widgets. Panels never
talk to each other; the app hands each one the same `ViewState`.
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.widgets import Static


class Panel(VerticalScroll):
    """Base class of the six panels."""

    panel_id: ClassVar[str] = ""
    title: ClassVar[str] = ""
    # Tables whose rows fill this panel; when all are empty the panel says what would fill it.
    tables: ClassVar[tuple[str, ...]] = ()
    empty_hint: ClassVar[str] = ""
    help_text: ClassVar[str] = ""
    # Whether data was ever shown: until then the body is hidden behind "loading …" (a figure
    # reading "n/a" would say the metric is undefined, which it is not yet known to be).
    has_shown: bool = False

    # Panel CSS refers to the Screen's breakpoint classes (Screen.-narrow ...), so it
    # must not be scoped to the panel. Textual reads SCOPED_CSS per class, not inherited.
    SCOPED_CSS: ClassVar[bool] = False

    def __init_subclass__(cls, **kwargs: object) -> None:
        super().__init_subclass__(**kwargs)
        if "SCOPED_CSS" not in cls.__dict__:
            cls.SCOPED_CSS = False

    DEFAULT_CSS = """
    Panel {
        height: 1fr;
        padding: 0 1;
    }
    Panel > .panel--message {
        width: 1fr;
        padding: 1 2;
        color: $text-muted;
    }
    Panel > .panel--message.-error {
        color: $text-error;
    }
    Panel > .-panel-hidden {
        display: none;
    }
    """

    # Each panel defines:
    #   @staticmethod
    #   def load(reader: Reader, state: ViewState) -> Any   (worker thread: queries only)
    #   def show(self, data: Any) -> None                    (UI thread: widgets only)

    def compose(self) -> ComposeResult:
        yield Static("loading …", classes="panel--message -loading")
        yield from self.compose_body()

    def compose_body(self) -> ComposeResult:
        """The panel's own widgets, shown once data arrives."""
        return iter(())

    def set_message(self, text: str | None, *, error: bool = False, hide_body: bool = False) -> None:
        """A line above the body: loading, empty-state or error text; None hides it.

        `hide_body` hides the panel's own widgets (for an empty state or an error).
        """
        message = self.query_one(".panel--message", Static)
        message.set_class(error, "-error")
        message.display = text is not None
        if text is not None:
            message.update(text)
        for child in self.children:
            if child is not message:
                child.set_class(hide_body, "-panel-hidden")

    def is_empty(self, row_counts: dict[str, int]) -> bool:
        return bool(self.tables) and all(row_counts.get(table, 0) == 0 for table in self.tables)

    def empty_message(self) -> str:
        needed = ", ".join(self.tables)
        return f"No data for this panel yet. It is filled by: {needed}. {self.empty_hint}".strip()
