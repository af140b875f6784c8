"""Reputation assets: a balance sheet of what customers give back, and who brought whom.

References, case studies, testimonials, reviews, awards and referrals are treated as
assets: accrued when created, depreciated when they stop being usable, realized when
they bring revenue and pipeline. Beside them: the honest NPS (its interval, and no
single score when the sample is too small), the referral rate, and the next-customer
lineage as a tree of who referred whom.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

from rich.bar import Bar
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Grid, Horizontal, Vertical
from textual.widgets import Label, Sparkline, Static, Tree
from textual.widgets.tree import TreeNode

from navigator.format import NA, format_value
from navigator.panels.base import Panel
from navigator.panels.widgets import DataGrid, Drill, DrillRequested, FigureTile, Readout, Section
from navigator.text import display_text

if TYPE_CHECKING:
    import datetime as dt

    import polars as pl

    from navigator.data.report import Reader, ViewState

TREND_MONTHS = 24
TOP_CHAINS = 10
# Lineage nodes built at once; deeper ones are added when their parent is expanded.
LINEAGE_EAGER_NODES = 300
# Panels narrower than this drop secondary columns.
COMPACT_WIDTH = 100
BAR_WIDTH = 25  # the NPS interval bar: 8 points a cell

KIND_LABELS: dict[str, str] = {
    "reference": "References",
    "case_study": "Case studies",
    "testimonial": "Testimonials",
    "review": "Reviews",
    "award": "Awards",
    "referral": "Referrals",
}


@dataclass
class ReputationData:
    balance: pl.DataFrame  # reputation_balance: one row per kind
    trend: pl.DataFrame  # reputation_trend: month x kind
    nps: pl.DataFrame  # nps: one row per month, oldest first
    referrals: pl.DataFrame  # referral_rate: one row per month, oldest first
    lineage: pl.DataFrame  # referral_lineage: the nodes of the top chains
    state: ViewState


class LineageTree(Tree[Drill]):
    """The referral chains: Enter opens the accounts behind a node, Space or → expands it."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("j", "cursor_down", "Down", show=False),
        Binding("k", "cursor_up", "Up", show=False),
        Binding("l,right", "expand_node", "Expand", show=False),
        Binding("h,left", "collapse_node", "Collapse", show=False),
    ]

    DEFAULT_CSS = """
    LineageTree { height: auto; max-height: 22; background: $surface; }
    """

    def __init__(self, *, tree_id: str | None = None) -> None:
        super().__init__("Referral chains", id=tree_id)
        self.auto_expand = False
        self.show_root = False
        # Children not added yet, by node id, and every account's children (see _fill_lineage).
        self.pending_children: dict[int, list[dict[str, Any]]] = {}
        self.children_of: dict[str | None, list[dict[str, Any]]] = {}

    def on_focus(self) -> None:
        # land on the first chain, so Enter and the arrows work at once
        if self.cursor_line < 0 and self.root.children:
            self.cursor_line = 0

    def action_expand_node(self) -> None:
        node = self.cursor_node
        if node is not None and node.allow_expand and not node.is_expanded:
            node.expand()

    def action_collapse_node(self) -> None:
        node = self.cursor_node
        if node is None:
            return
        if node.is_expanded:
            node.collapse()
        elif node.parent is not None and node.parent is not self.root:
            self.move_cursor(node.parent)

    def on_tree_node_expanded(self, event: Tree.NodeExpanded[Drill]) -> None:
        # A node beyond the eagerly built part gets its children now (see _fill_lineage).
        kids = self.pending_children.pop(event.node.id, None)
        for row in kids or ():
            grandchildren = self.children_of.get(row["account_id"], [])
            node = _add_lineage_node(event.node, row, bool(grandchildren))
            if grandchildren:
                self.pending_children[node.id] = grandchildren

    def on_tree_node_selected(self, event: Tree.NodeSelected[Drill]) -> None:
        event.stop()
        if event.node.data is not None:
            self.post_message(DrillRequested(event.node.data))

    def copy_text(self) -> str:
        node = self.cursor_node
        return node.label.plain if node is not None else ""


class ReputationPanel(Panel):
    panel_id: ClassVar[str] = "reputation"
    title: ClassVar[str] = "Reputation assets"
    tables: ClassVar[tuple[str, ...]] = ("reputation_events", "nps_responses")
    empty_hint: ClassVar[str] = (
        "Import the references, case studies, reviews and awards customers gave, and NPS surveys;"
        " referrals come from accounts.referred_by."
    )
    help_text: ClassVar[str] = (
        "reputation assets as a balance sheet per kind (accrued and depreciated in the window, balance at"
        " its end) and what they realized: deals won with a reference (won amount, lag reference → close)"
        " and referred customers (new MRR, open pipeline, lag referral → first win). NPS by month with its"
        " 95% interval and n (interval only below 30 answers), the referral rate, and the next-customer"
        " lineage: chains of who referred whom, ranked by the MRR the whole chain carries. Enter on a row"
        " or a tree node opens the accounts or events behind it; Space or → expands a chain."
    )

    DEFAULT_CSS = """
    ReputationPanel #rep-tiles { layout: grid; grid-size: 2; grid-gutter: 0 1; height: auto; }
    ReputationPanel #rep-columns { layout: vertical; height: auto; }
    ReputationPanel .rep--column { height: auto; }
    Screen.-wide ReputationPanel #rep-columns { layout: horizontal; }
    Screen.-wide ReputationPanel .rep--column { width: 1fr; }
    Screen.-wide ReputationPanel .rep--column:first-of-type { margin: 0 1 0 0; }
    ReputationPanel #rep-nps-grid { max-height: 11; }
    ReputationPanel .rep--spark-label { color: $text-muted; width: 1fr; }
    ReputationPanel .rep--spark { width: 1fr; height: 2; margin: 0 0 1 0; }
    ReputationPanel #rep-spark-depreciated { margin: 0; }
    ReputationPanel #rep-spark-accrued > .sparkline--max-color { color: $secondary; }
    ReputationPanel #rep-spark-accrued > .sparkline--min-color { color: $secondary 40%; }
    ReputationPanel #rep-spark-depreciated > .sparkline--max-color { color: $accent; }
    ReputationPanel #rep-spark-depreciated > .sparkline--min-color { color: $accent 40%; }
    /* 80x24: tiles without a box, notes left to the help screen */
    Screen.-short ReputationPanel FigureTile { border: none; border-left: outer $primary 40%; }
    Screen.-short ReputationPanel FigureTile:focus { border: none; border-left: outer $accent; }
    Screen.-short ReputationPanel FigureTile Sparkline { display: none; }
    Screen.-short ReputationPanel #rep-tiles { margin: 0 0 1 0; }
    Screen.-short ReputationPanel .section--note { display: none; }
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._data: ReputationData | None = None
        self._compact: bool | None = None

    @staticmethod
    def load(reader: Reader, state: ViewState) -> ReputationData:
        params = state.params()
        filters = state.filters.as_params()
        balance, trend, nps, referrals, lineage = reader.run_all(
            [
                ("reputation_balance", params),
                ("reputation_trend", {"as_of": state.as_of, "months": TREND_MONTHS, **filters}),
                ("nps", {"months": TREND_MONTHS, **params}),
                ("referral_rate", {"months": TREND_MONTHS, **params}),
                ("referral_lineage", {"as_of": state.as_of, "top": TOP_CHAINS, **filters}),
            ]
        )
        return ReputationData(balance=balance, trend=trend, nps=nps, referrals=referrals, lineage=lineage, state=state)

    def compose_body(self) -> ComposeResult:
        with Grid(id="rep-tiles"):
            yield FigureTile("NPS (95% interval)", tile_id="rep-tile-nps")
            yield FigureTile("Referral rate (new customers)", tile_id="rep-tile-referral")
        with Horizontal(id="rep-columns"):
            with Vertical(classes="rep--column"):
                yield Section(
                    "Balance sheet",
                    DataGrid(grid_id="rep-balance"),
                    Readout("", id="rep-balance-note", classes="section--note"),
                    section_id="rep-balance-section",
                )
                yield Section(
                    "Accrued vs depreciated per month",
                    Label("", id="rep-spark-accrued-label", classes="rep--spark-label"),
                    Sparkline([], id="rep-spark-accrued", classes="rep--spark", summary_function=max),
                    Label("", id="rep-spark-depreciated-label", classes="rep--spark-label"),
                    Sparkline([], id="rep-spark-depreciated", classes="rep--spark", summary_function=max),
                    section_id="rep-trend-section",
                )
            with Vertical(classes="rep--column"):
                yield Section(
                    "Realized: what assets brought",
                    DataGrid(grid_id="rep-realized"),
                    Readout("", id="rep-realized-note", classes="section--note"),
                    section_id="rep-realized-section",
                )
                yield Section(
                    "NPS by month",
                    DataGrid(grid_id="rep-nps-grid"),
                    Readout("", id="rep-nps-note", classes="section--note"),
                    section_id="rep-nps-section",
                )
        yield Section(
            "Next-customer lineage: who brought whom",
            LineageTree(tree_id="rep-lineage"),
            Readout("", id="rep-lineage-note", classes="section--note"),
            section_id="rep-lineage-section",
        )

    # --- showing ------------------------------------------------------------------------------------

    def show(self, data: ReputationData) -> None:
        self._data = data
        self._compact = self._is_compact()
        self._show_tiles(data)
        self._show_tables(data)
        self._show_trend(data)
        self._show_lineage(data)

    def on_resize(self) -> None:
        if self._data is not None and self._is_compact() != self._compact:
            self._compact = self._is_compact()
            self._show_tables(self._data)

    def _is_compact(self) -> bool:
        return self.app.size.width < COMPACT_WIDTH

    def _show_tiles(self, data: ReputationData) -> None:
        state = data.state
        nps_rows = data.nps.to_dicts()
        latest = nps_rows[-1] if nps_rows else {}
        previous = _row_months_back(nps_rows, state.compare_months)
        tile = self.query_one("#rep-tile-nps", FigureTile)
        note = (
            f"n={format_value(latest.get('responses'), 'count')} · "
            f"{format_value(latest.get('response_rate'), 'ratio')} answered"
            if latest.get("responses")
            else "no responses"
        )
        if latest.get("nps") is None and latest.get("note"):
            note = f"{note} · {latest['note']}"
        tile.set_figure(
            latest.get("nps"),
            "points",
            previous=previous.get("nps") if previous else None,
            trend=[row["nps"] for row in nps_rows],
            value_text=nps_text(latest),
            note=note,
            drill=Drill("NPS invitations and answers", "drill_nps"),
        )

        referral_rows = data.referrals.to_dicts()
        current = referral_rows[-1] if referral_rows else {}
        before = _row_months_back(referral_rows, state.compare_months)
        rate = current.get("referral_rate")
        new_customers = current.get("new_customers") or 0
        note = (
            f"{format_value(current.get('referred'), 'count')} of {format_value(new_customers, 'count')} new"
            f" customers · {format_value(current.get('referred_new_mrr'), 'money')} MRR"
            if new_customers
            else f"{NA}: no new customers in the window"
        )
        self.query_one("#rep-tile-referral", FigureTile).set_figure(
            rate,
            "ratio",
            previous=before.get("referral_rate") if before else None,
            trend=[row["referral_rate"] for row in referral_rows],
            note=note,
            drill=Drill("Referred new customers in the window", "drill_referrals", {"basis": "first_revenue"}),
        )

    def _show_tables(self, data: ReputationData) -> None:
        compact = bool(self._compact)
        rows = data.balance.to_dicts()

        # the balance sheet
        balance_rows, balance_drills = [], []
        for row in rows:
            kind = row["kind"]
            balance_rows.append(
                [
                    KIND_LABELS.get(kind, kind),
                    format_value(row["accrued"], "count"),
                    format_value(row["depreciated"], "count"),
                    format_value(row["balance"], "count"),
                ]
            )
            if kind == "referral":
                balance_drills.append(Drill("Referrals accrued in the window", "drill_referrals", {"basis": "created"}))
            else:
                balance_drills.append(
                    Drill(f"{KIND_LABELS.get(kind, kind)} created in the window", "drill_reputation", {"kind": kind})
                )
        self.query_one("#rep-balance", DataGrid).fill(
            [("Asset", "left"), ("+ Accrued", "right"), ("− Depreciated", "right"), ("= Balance", "right")],
            balance_rows,
            balance_drills,
        )
        self.query_one("#rep-balance-note", Static).update(
            f"Accrued and depreciated in {_period(data.state)}; balance at the end of"
            f" {data.state.as_of:%Y-%m}. Referrals do not depreciate (n/a)."
        )

        # realized: references and referrals only (the other kinds are not traced to deals)
        realized_rows, realized_drills = [], []
        for row in rows:
            if row["realized_count"] is None:
                continue
            if row["kind"] == "reference":
                brought = f"{format_value(row['realized_count'], 'count')} deals won"
                revenue = f"{format_value(row['realized_won'], 'money')} ACV won"
                drill = Drill("Deals references supported", "drill_reference_deals")
            else:
                brought = f"{format_value(row['realized_count'], 'count')} customers"
                revenue = f"{format_value(row['realized_mrr'], 'money')} new MRR"
                drill = Drill(
                    "Referred customers with first revenue in the window", "drill_referrals", {"basis": "first_revenue"}
                )
            lag = format_value(row["lag_median_days"], "days")
            if not compact:
                lag = f"{lag} · {format_value(row['lag_mean_days'], 'days')}"
            realized_rows.append(
                [
                    KIND_LABELS.get(row["kind"], row["kind"]),
                    brought,
                    revenue,
                    format_value(row["realized_pipeline"], "money"),
                    lag,
                ]
            )
            realized_drills.append(drill)
        columns = [
            ("Asset", "left"),
            ("Brought", "right"),
            ("Revenue", "right"),
            ("Pipeline", "right"),
            ("Lag median" if compact else "Lag median · mean", "right"),
        ]
        self.query_one("#rep-realized", DataGrid).fill(columns, realized_rows, realized_drills)
        self.query_one("#rep-realized-note", Static).update(
            "References: deals won in the period that a reference made before the close supported; lag ="
            " days reference → close. Referrals: referred accounts with first revenue in the period; lag ="
            " days referral → first won deal. Pipeline: open ACV at the period's end. Case studies,"
            " testimonials, reviews and awards are not traced to deals."
        )

        # NPS by month, newest first
        nps_rows, nps_drills = [], []
        for row in reversed(data.nps.to_dicts()):
            month: dt.date = row["month"]
            cells: list[Any] = [f"{month:%Y-%m}", nps_point_text(row), interval_text(row)]
            if not compact:
                cells.append(interval_bar(row))
            cells.append(format_value(row["responses"], "count"))
            if not compact:
                cells.append(format_value(row["response_rate"], "ratio"))
            nps_rows.append(cells)
            nps_drills.append(Drill(f"NPS invitations, period ending {month:%Y-%m}", "drill_nps", {"as_of": month}))
        nps_columns = [("Month", "left"), ("NPS", "right"), ("95% interval", "right")]
        if not compact:
            nps_columns.append((scale_header(), "left"))
        nps_columns.append(("n", "right"))
        if not compact:
            nps_columns.append(("Answered", "right"))
        self.query_one("#rep-nps-grid", DataGrid).fill(nps_columns, nps_rows, nps_drills)
        self.query_one("#rep-nps-note", Static).update(
            f"Each month: invitations sent in the {data.state.window} months ending with it. NPS = % promoters"
            " − % detractors; below 30 answers only the interval is shown."
        )

    def _show_trend(self, data: ReputationData) -> None:
        import polars as pl

        monthly = (
            data.trend.group_by("month", maintain_order=True)
            .agg(pl.col("accrued").sum(), pl.col("depreciated").sum())
            .sort("month")
        )
        accrued = monthly["accrued"].to_list()
        depreciated = monthly["depreciated"].to_list()
        first = monthly["month"].min() if monthly.height else None
        last = monthly["month"].max() if monthly.height else None
        span = f"{first:%Y-%m}..{last:%Y-%m}" if first and last else NA
        self.query_one("#rep-spark-accrued-label", Label).update(
            f"▲ accrued: {format_value(sum(accrued), 'count')} in {span},"
            f" peak {format_value(max(accrued, default=0), 'count')}/month"
        )
        self.query_one("#rep-spark-depreciated-label", Label).update(
            f"▼ depreciated: {format_value(sum(depreciated), 'count')}, peak"
            f" {format_value(max(depreciated, default=0), 'count')}/month (each line on its own scale)"
        )
        self.query_one("#rep-spark-accrued", Sparkline).data = [float(v) for v in accrued]
        self.query_one("#rep-spark-depreciated", Sparkline).data = [float(v) for v in depreciated]

    def _show_lineage(self, data: ReputationData) -> None:
        tree = self.query_one("#rep-lineage", LineageTree)
        frame = data.lineage
        note = self.query_one("#rep-lineage-note", Static)
        shown = tuple(frame.rows())
        if shown != getattr(tree, "shown_rows", None):
            tree.shown_rows = shown  # type: ignore[attr-defined]
            self._fill_lineage(tree, frame)
        if frame.height:
            chains, top = frame["chains"][0], int((frame["depth"] == 0).sum())
            note.update(
                f"Top {top} of {chains} chains by chain MRR (the account's MRR plus everyone it brought,"
                f" down the line) at the end of {data.state.as_of:%Y-%m}. Space or → expands; Enter lists the chain."
            )
        else:
            note.update("")

    def _fill_lineage(self, tree: LineageTree, frame: pl.DataFrame) -> None:
        """Rebuild the tree (only when its rows changed: a rebuild also folds what the user opened)."""
        tree.clear()
        if frame.height == 0:
            tree.root.add_leaf("No referral chains: no customer in view referred another (accounts.referred_by).")
            return
        rows = frame.to_dicts()
        children: dict[str | None, list[dict[str, Any]]] = {}
        for row in rows:
            children.setdefault(row["parent_id"] if row["depth"] > 0 else None, []).append(row)
        for siblings in children.values():
            siblings.sort(key=lambda row: (-(row["chain_mrr"] or 0), row["name"], row["account_id"]))

        # Built breadth-first up to LINEAGE_EAGER_NODES nodes (a chain can hold thousands of
        # accounts at 10 million events, and Textual lays out each node as it is added); the
        # children of nodes past that budget are added when the node is first expanded.
        tree.pending_children = {}
        queue: deque[tuple[TreeNode[Drill], list[dict[str, Any]]]] = deque([(tree.root, children.get(None, []))])
        budget = LINEAGE_EAGER_NODES
        while queue:
            parent, kids = queue.popleft()
            if budget <= 0:
                tree.pending_children[parent.id] = kids
                continue
            for row in kids:
                grandchildren = children.get(row["account_id"], [])
                node = _add_lineage_node(parent, row, bool(grandchildren))
                budget -= 1
                if grandchildren:
                    queue.append((node, grandchildren))
        tree.children_of = children
        chains = rows[0]["chains"]
        shown = len(children.get(None, []))
        if chains > shown:
            tree.root.add_leaf(
                Text(f"… {chains - shown} more chain{'s' if chains - shown > 1 else ''}", style="italic"),
                data=Drill("Every referral chain", "drill_referral_chain"),
            )
        if tree.root.children:
            tree.root.children[0].expand()


def _add_lineage_node(parent: TreeNode[Drill], row: dict[str, Any], has_children: bool) -> TreeNode[Drill]:
    drill = Drill(f"Referral chain of {row['name']}", "drill_referral_chain", {"account_id": row["account_id"]})
    if has_children:
        return parent.add(lineage_label(row), data=drill)
    return parent.add_leaf(lineage_label(row), data=drill)


def _period(state: ViewState) -> str:
    from navigator.data.report import add_months

    start = add_months(state.as_of, -(state.window - 1))
    return f"{state.as_of:%Y-%m}" if state.window == 1 else f"{start:%Y-%m}..{state.as_of:%Y-%m}"


def _row_months_back(rows: list[dict[str, Any]], months: int) -> dict[str, Any] | None:
    """The row `months` before the last one (rows are one a month, oldest first)."""
    index = len(rows) - 1 - months
    return rows[index] if 0 <= index < len(rows) else None


def nps_point_text(row: dict[str, Any]) -> str:
    """The score, or 'interval only' when the sample is too small for one."""
    if row.get("nps") is not None:
        return format_value(row["nps"], "points")
    if row.get("nps_ci_low") is not None:
        return "interval only"
    return NA


def interval_text(row: dict[str, Any]) -> str:
    low, high = row.get("nps_ci_low"), row.get("nps_ci_high")
    if low is None or high is None:
        return NA
    return f"{format_value(low, 'points')}..{format_value(high, 'points')}"


def nps_text(row: dict[str, Any]) -> str:
    """The tile's figure: 'score (low..high)', or 'low..high interval only'."""
    if row.get("nps") is not None:
        return f"{format_value(row['nps'], 'points')}  ({interval_text(row)})"
    if row.get("nps_ci_low") is not None:
        return f"{interval_text(row)} interval only"
    return NA


def interval_bar(row: dict[str, Any], width: int = BAR_WIDTH) -> Text:
    """The 95% interval drawn on the −100..+100 scale (a Rich Bar, as styled text for a table cell)."""
    low, high = row.get("nps_ci_low"), row.get("nps_ci_high")
    if low is None or high is None:
        return Text(NA)
    return renderable_text(Bar(200, low + 100, high + 100, width=width), width)


def renderable_text(renderable: Any, width: int) -> Text:
    """The first line of a Rich renderable as Text, so a table cell can hold it."""
    from rich.console import Console

    console = Console(width=width, color_system="truecolor", force_terminal=True, legacy_windows=False)
    lines = console.render_lines(renderable, console.options.update_width(width), pad=False)
    text = Text(no_wrap=True, overflow="crop")
    for segment in lines[0] if lines else []:
        # the characters only: colour and background follow the table's theme
        text.append(segment.text)
    return text


def scale_header(width: int = BAR_WIDTH) -> str:
    """'−100    0    +100' spread over the bar's width, 0 over its middle."""
    left, middle, right = "−100", "0", "+100"
    centre = width // 2
    return (left + " " * (centre - len(left)) + middle).ljust(width - len(right)) + right


def lineage_label(row: dict[str, Any]) -> Text:
    label = Text(display_text(row["name"]), style="bold")
    descendants = row["chain_accounts"] - 1
    label.append(f"  MRR {format_value(row['mrr'], 'money')}")
    if descendants:
        label.append(
            f" · chain {format_value(row['chain_mrr'], 'money')} ({format_value(descendants, 'count')} brought)",
            style="dim" if row["depth"] else "",
        )
    return label
