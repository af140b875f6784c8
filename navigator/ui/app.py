"""A first dashboard: the headline figures of `navigator report`, read in a worker thread."""

from __future__ import annotations

from typing import TYPE_CHECKING, ClassVar

from textual import work
from textual.app import App, ComposeResult
from textual.message import Message
from textual.widgets import DataTable, Footer, Header, Static

if TYPE_CHECKING:
    from navigator.data.report import Report
    from navigator.data.source import Database


class NavigatorApp(App[None]):
    """navigator's dashboard."""

    TITLE = "navigator"
    BINDINGS: ClassVar = [("q", "quit", "Quit"), ("r", "refresh", "Refresh")]
    CSS = """
    #status { height: 1; padding: 0 1; color: $text-muted; }
    DataTable { height: 1fr; }
    """

    class ReportReady(Message):
        def __init__(self, report: Report) -> None:
            self.report = report
            super().__init__()

    def __init__(self, db: Database) -> None:
        super().__init__()
        self.db = db

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("reading data ...", id="status")
        yield DataTable(id="headline", cursor_type="row", zebra_stripes=True)
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        table.add_columns("Metric", "Now", "Previous", "Change", "Note")
        self.load_report()

    def action_refresh(self) -> None:
        self.load_report()

    @work(thread=True, exclusive=True, group="report")
    def load_report(self) -> None:
        from navigator.data.report import build_report

        self.post_message(self.ReportReady(build_report(self.db)))

    def on_navigator_app_report_ready(self, message: ReportReady) -> None:
        from navigator.format import format_change, format_value

        report = message.report
        table = self.query_one(DataTable)
        table.clear()
        for metric in report.metrics:
            spec = metric.spec
            table.add_row(
                spec.label,
                format_value(metric.value, spec.unit),
                format_value(metric.previous, spec.unit),
                format_change(metric.value, metric.previous, spec.unit, spec.higher_is_better),
                metric.note or "",
            )
        self.query_one("#status", Static).update(
            f"{report.source} · as of {report.as_of:%Y-%m} · period {report.period_label(report.as_of)}"
            f" vs {report.period_label(report.previous_as_of)} · read {self.db.opened_at:%H:%M}"
        )


def run_dashboard(db: Database) -> None:
    NavigatorApp(db).run()
