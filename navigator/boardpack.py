"""The board pack: every panel's key figures and tables as Markdown, JSON or CSV.

`board_pack_tables` runs the same named queries as the six panels and names each key
table stably (`TABLE_SPECS`: name, panel, columns in a fixed order, one-line definition).
Values are plain: ratios as fractions, dates as ISO text, floats rounded to six decimals
(DuckDB's parallel sums may differ in the last bits between runs).

`board_pack_markdown` renders them for reading, one section per panel in tab order, with
the metric definitions as numbered footnotes. It is built to diff line by line between
two quarters:

- no wall clock, no paths but the source label as given;
- every heading and every table header is the same for any period (the periods are
  named once, at the top: tables say "Now" and "Before");
- rows are in a fixed order: small sets (markets, teams, segments, kinds, questions,
  fields) in a fixed order of their own whatever the figures, with the rank as a column;
  teams are padded to every sales team of the file; monthly series have a fixed number
  of months; cohorts are the 24 months ending with the as-of month;
- long rankings are capped (reps: the 10 highest and the 5 lowest, with a "… N more"
  row between them), and lists that vary in length are written as one line;
- footnotes are numbered from a fixed registry (`DEFINITIONS`), all printed every time.

No Textual here: the CLI, scripts and tests use it without the dashboard.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from navigator.data.errors import UsageError
from navigator.data.report import COMPARISONS, SPECS, add_months
from navigator.data.warnings import SIGNALS, STATUS_TEXT, signal_figures, warning_status
from navigator.format import NA, format_change, format_value, plain

if TYPE_CHECKING:
    import polars as pl

    from navigator.data.report import Reader, Report, ViewState

FORMATS = ("markdown", "json", "csv")
TREND_MONTHS = 24  # monthly series in the tables (as the panels)
MD_MONTHS = 12  # of which the markdown shows the newest
COHORT_MONTHS = 24
COHORT_COLUMNS = tuple(f"m{k}" for k in range(COHORT_MONTHS))
MD_COHORT_STEPS = (1, 2, 3, 6, 9, 12, 15, 18, 21)
REPS_HEAD, REPS_TAIL = 10, 5
TOP_CHAINS = 10
TOP_ALTERNATIVES = 5
FLOAT_DIGITS = 6

HORIZONS = {"H1": "core", "H2": "emerging", "H3": "adjacent / options"}
HANDOFF_KINDS: tuple[tuple[str, str], ...] = (
    ("strategy_to_sales", "Strategy → sales"),
    ("sales_to_operations", "Sales → operations"),
    ("operations_to_sales", "Operations → sales"),
)
FIELDS = ("objectives", "stakeholders", "commitments", "risks")
ASSET_KINDS: tuple[tuple[str, str], ...] = (
    ("reference", "References"),
    ("case_study", "Case studies"),
    ("testimonial", "Testimonials"),
    ("review", "Reviews"),
    ("award", "Awards"),
    ("referral", "Referrals"),
)
QUESTIONS = ("value", "why_me", "why_now", "alternative")
ALTERNATIVE_KINDS: tuple[tuple[str, str], ...] = (
    ("competitor", "a competitor"),
    ("status_quo", "did nothing (status quo)"),
    ("in_house", "built in-house"),
    ("unknown", "not recorded"),
)
VERDICTS = {"engagement": "▲ engagement", "extraction": "▼ extraction", "unclear": "≈ unclear"}
SEVERITIES = ("critical", "high", "medium", "low")


# --- definitions: the footnotes ------------------------------------------------------------------
# The metric definitions of SPECS first (so `[^1]` is `mrr`, as in the headline report), then
# one line for each figure the panels add. Numbered by position: a fixed registry, so the
# numbers never depend on the data, and every one is printed in every pack.

PANEL_DEFINITIONS: tuple[tuple[str, str], ...] = (
    (
        "warning_status",
        "⚠ warning when the signal moved the bad way by at least 1 percentage point (ratios) or 5% of its"
        " previous value (money); ✓ improving when it moved the good way by as much; steady otherwise.",
    ),
    ("discount_led", "New deals won in the window with a discount of 20% or more / all new deals won in the window."),
    (
        "pipeline_h2_h3",
        "ACV of deals open at the end of the month (created by then, not closed by then) in H2 and H3 markets.",
    ),
    ("horizon", "Three Horizons: H1 core markets, H2 emerging, H3 adjacent markets and options."),
    (
        "steps",
        "Steps from the core: how many of customers, channels and capabilities the market does not share"
        " with the core (0–3); the letters name what it shares: cu customers, ch channels, ca capabilities.",
    ),
    ("sam_now", "TAM and SAM of the latest actual quarter on or before the as-of month (whole market)."),
    (
        "sam_tomorrow",
        "SAM of the last forecast quarter in the data (the forecast as recorded); × = SAM tomorrow / SAM now.",
    ),
    (
        "sam_share",
        "Our ARR (12 × MRR of the market's active accounts at the end of the as-of month) / SAM now;"
        " n/a without an actual size.",
    ),
    (
        "penetration",
        "Active customers / accounts of the market known by the end of the as-of month (prospects included).",
    ),
    ("market_growth", "MRR at the end of the as-of month / MRR 12 months earlier − 1; n/a when it was 0."),
    (
        "horizon_shares",
        "Each horizon's share of the column total: revenue = MRR at the end of the month; pipeline = ACV of"
        " deals open then; effort = hours on deals created in the window.",
    ),
    (
        "market_sizes",
        "SAM by quarter: actual quarters up to the as-of month, then the forecast quarters as recorded.",
    ),
    ("accrued", "Assets created in the window."),
    ("depreciated", "Assets whose depreciation date falls in the window; referrals do not depreciate (n/a)."),
    ("asset_balance", "Assets created by the end of the as-of month and not depreciated by then."),
    (
        "realized",
        "References: new deals won in the window that a reference made on or before the close supported, their"
        " ACV, the open pipeline with such a reference, lag = days reference → close. Referrals: referred"
        " accounts with first revenue in the window, their new MRR, the open pipeline of referred accounts,"
        " lag = days referral → first won deal. Other kinds are not traced to deals.",
    ),
    (
        "nps_month",
        "Each month: NPS invitations sent in the window ending with it; the 95% interval is ±1.96 standard"
        " errors, clipped to −100..+100; below 30 responses only the interval is given.",
    ),
    (
        "lineage",
        "Who referred whom (accounts.referred_by), as known at the end of the as-of month; chain MRR = the root's"
        " MRR plus the MRR of everyone it brought, down the line; chains ranked by chain MRR.",
    ),
    ("handoff_sent", "Hand-offs sent in the window."),
    (
        "handoff_latency",
        "Days from sent to accepted of hand-offs accepted by the end of the as-of month (sales → operations:"
        " close → onboarding kick-off); median, and 90th percentile by linear interpolation.",
    ),
    (
        "handoff_complete",
        "Share of the hand-offs sent in the window with objectives, stakeholders, commitments and risks filled in.",
    ),
    (
        "handoff_dropped",
        "Hand-offs sent at least 30 days before the end of the as-of month and not accepted within 30 days"
        " / hand-offs sent at least 30 days before.",
    ),
    ("missing_share", "Share of the hand-offs sent in the window that lack the field (count in brackets)."),
    (
        "complaint_rate",
        "New deals won in the window shifted back three months (each has had 90 days): the share whose"
        " account complained within 90 days of close; severity = the most common among those complaints.",
    ),
    (
        "promise_ledger",
        "Commitments due in the window, with their status at the end of the as-of month (resolved later ="
        " still open then); overdue = still open after the due date.",
    ),
    (
        "sellers",
        "Per segment, in the window: new MRR booked by sales vs expansion MRR booked by operations.",
    ),
    ("question_share", "Share of the new-business deals closed in the window whose value case answered the question."),
    (
        "retention_12m",
        "New deals won 12–24 months before the as-of month (A − 23 … A − 12): share still a customer at the"
        " end of the twelfth month after the close month.",
    ),
    (
        "lost_to",
        "New-business deals lost in the window, by what the customer chose instead: a named competitor,"
        " an in-house build, the status quo (did nothing), or not recorded.",
    ),
    (
        "engagement_outcomes",
        "Customers of new deals won 12–24 months before (n; bookings = their ACV): shares retained after a year,"
        " with a complaint within 90 days, expanded, who referred someone, with a promise broken.",
    ),
    (
        "engagement_verdict",
        "Index with its 95% interval (mean ± 1.96 SE); ▲ engagement when the interval lies above 0,"
        " ▼ extraction below 0, ≈ unclear otherwise; no index below 5 customers.",
    ),
    (
        "cohort_cell",
        "Cohort = month of first revenue, n = its customers; the cell is the share of them active at the end"
        " of the month k months later (+k); blank where that month is after the as-of month.",
    ),
    ("arpa", "ARPA = MRR / active customers at the end of the as-of month."),
    (
        "monthly_churn",
        "Churned customers in the 12 months ending with the as-of month / the customers active at the start"
        " of each of those months, summed (pooled monthly rate).",
    ),
)

DEFINITIONS: tuple[tuple[str, str], ...] = (
    *((spec.key, spec.definition) for spec in SPECS),
    *PANEL_DEFINITIONS,
)
_FOOTNOTE = {key: number for number, (key, _) in enumerate(DEFINITIONS, start=1)}


def ref(key: str) -> str:
    """The footnote reference of a definition: '[^5]'."""
    return f"[^{_FOOTNOTE[key]}]"


# --- the tables ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class TableSpec:
    name: str
    panel: str
    columns: tuple[str, ...]
    definition: str


def _spec(name: str, panel: str, columns: str | tuple[str, ...], definition: str) -> TableSpec:
    names = tuple(columns.split()) if isinstance(columns, str) else columns
    return TableSpec(name, panel, names, definition)


ENGAGEMENT_MEASURES = (
    "customers bookings retained_share expanded_share referred_share complained_share broken_share"
    " engagement_index se ci_low ci_high verdict note"
)

TABLE_SPECS: tuple[TableSpec, ...] = (
    _spec(
        "headline",
        "overview",
        "metric label unit value previous change higher_is_better note previous_note",
        "Every headline metric (SPECS) now and in the comparison period; change = value − previous.",
    ),
    _spec(
        "early_warnings",
        "overview",
        "signal label unit value previous change status",
        "Leading signals now and before; status warning / improving / steady (null when either is undefined).",
    ),
    _spec(
        "markets",
        "horizon",
        "horizon market_id market steps shares_customers shares_channels shares_capabilities size_period tam_now"
        " sam_now forecast_period tam_forecast sam_forecast sam_multiple mrr arr sam_share customers accounts"
        " penetration mrr_year_ago growth won lost win_rate",
        "One row per market (market_horizon), by horizon then name.",
    ),
    _spec(
        "horizon_shares",
        "horizon",
        "horizon revenue revenue_share pipeline pipeline_share effort_hours effort_share",
        "Revenue (MRR), open pipeline and effort hours split across H1, H2 and H3.",
    ),
    _spec(
        "market_sizes",
        "horizon",
        "horizon market_id market period kind tam sam arr sam_share",
        "TAM and SAM per market and quarter: actual quarters up to the as-of month, then forecasts.",
    ),
    _spec(
        "reputation_balance",
        "reputation",
        "kind accrued depreciated balance",
        "The balance sheet of reputation assets per kind: accrued and depreciated in the window, balance at its end.",
    ),
    _spec(
        "reputation_realized",
        "reputation",
        "kind realized_count realized_won realized_mrr realized_pipeline lag_median_days lag_mean_days",
        "What references and referrals brought: deals or customers, revenue, open pipeline and the lag.",
    ),
    _spec(
        "reputation_trend",
        "reputation",
        "month kind accrued depreciated balance",
        "Per month (24) and kind: assets accrued and depreciated in the month, balance at its end.",
    ),
    _spec(
        "nps_trend",
        "reputation",
        "month invitations responses response_rate promoters passives detractors nps nps_se nps_ci_low"
        " nps_ci_high note",
        "NPS per month (24), each of the invitations sent in the window ending with it.",
    ),
    _spec(
        "referral_trend",
        "reputation",
        "month new_customers referred referral_rate referred_new_mrr",
        "Referral rate per month (24), each of the window ending with it.",
    ),
    _spec(
        "referral_lineage_top",
        "reputation",
        "chain_rank chains root_id account_id parent_id depth name created_on mrr chain_mrr chain_accounts",
        "Every account of the top 10 referral chains, depth first (chains = how many chains there are in all).",
    ),
    _spec(
        "handoffs",
        "handoff",
        "kind period month handoffs accepted latency_median_days latency_p90_days complete completeness eligible"
        " dropped dropped_rate",
        "The relay baton per kind of hand-off, now and before (period now / before; month = the period's end).",
    ),
    _spec(
        "handoff_missing_fields",
        "handoff",
        "kind field handoffs missing missing_share rank",
        "Per kind (and 'all' kinds) and field: hand-offs sent in the window lacking it; rank 1 = most often.",
    ),
    _spec(
        "early_complaints",
        "handoff",
        "period month cohort_start cohort_end new_customers complained early_complaint_rate",
        "The early-complaint cohort and rate, now and before.",
    ),
    _spec(
        "complaints_by_team",
        "handoff",
        "level rank team_id team rep_id rep new_customers complained complaint_rate top_severity",
        "Complaints within 90 days of close per team (every sales team) and rep; rank 1 = highest rate.",
    ),
    _spec(
        "promises_kept",
        "handoff",
        "period month due kept broken open overdue kept_rate",
        "The promise ledger, now and before.",
    ),
    _spec(
        "promises_by_team",
        "handoff",
        "rank team_id team due kept broken open overdue kept_rate",
        "Promises due in the window per team (every sales team, and any other with promises); rank 1 = lowest"
        " kept rate.",
    ),
    _spec(
        "sellers_by_segment",
        "handoff",
        "segment new_mrr_sales expansion_mrr_operations leader",
        "Who sells more per segment: sales (new MRR) or operations (expansion MRR).",
    ),
    _spec(
        "value_questions",
        "value",
        "question label closed answered share",
        "Per question: new-business deals closed in the window whose value case answered it.",
    ),
    _spec(
        "four_questions",
        "value",
        "answered closed won lost win_rate cohort_won cohort_retained retention_12m",
        "Per number of questions answered (0–4): win rate in the window and 12-month retention.",
    ),
    _spec(
        "lost_to",
        "value",
        "lost_to kind deals amount share",
        "What lost new-business deals chose instead, most deals first.",
    ),
    _spec(
        "engagement_teams",
        "value",
        ("level", "rank", "team_id", "team", *ENGAGEMENT_MEASURES.split()),
        "Extraction vs engagement index of the company and each team (every sales team).",
    ),
    _spec(
        "engagement_reps",
        "value",
        ("rank", "rep_id", "rep", "team_id", "team", *ENGAGEMENT_MEASURES.split()),
        "Extraction vs engagement index per rep, ranked (rank 1 = highest index; no index below 5 customers).",
    ),
    _spec(
        "retention_trend",
        "lifecycle",
        "month start_customers start_mrr expansion reactivation contraction churn end_mrr lost_customers nrr grr"
        " logo_churn",
        "NRR, GRR and logo churn per month (24), each over the trailing twelve months.",
    ),
    _spec(
        "cohort_retention",
        "lifecycle",
        ("cohort", "customers", *COHORT_COLUMNS),
        "Cohort × months since (m0 … m23): share of the cohort's customers still active; the 24 cohort months"
        " ending with the as-of month, newest first.",
    ),
    _spec(
        "cohort_mrr_retention",
        "lifecycle",
        ("cohort", "start_mrr", *COHORT_COLUMNS),
        "Cohort × months since (m0 … m23): the cohort's MRR as a share of its MRR at the end of the cohort month.",
    ),
    _spec(
        "ltv",
        "lifecycle",
        "segment customers mrr arpa churned_customers customer_months monthly_churn_rate ltv note",
        "LTV for all segments ('all') and per segment, with the reason when it is undefined.",
    ),
)
TABLE_NAMES = tuple(spec.name for spec in TABLE_SPECS)
SPEC_BY_NAME = {spec.name: spec for spec in TABLE_SPECS}


# --- running the queries once --------------------------------------------------------------------


class _Pack:
    """The queries of one pack, each run once, and the tables built from them."""

    def __init__(self, reader: Reader, state: ViewState) -> None:
        if not 1 <= state.window <= 12:
            raise UsageError(f"--window must be between 1 and 12 months, got {state.window}")
        month = state.as_of or reader.as_of  # a state without a month reports the data's as-of month
        if month is None:
            raise UsageError("the data has no revenue months, so there is no period to report on")
        self.reader = reader
        self.state = dataclasses.replace(state, as_of=month.replace(day=1))
        self.month = self.state.as_of
        self.before = self.state.previous_as_of
        self._runs: dict[tuple[Any, ...], pl.DataFrame] = {}
        self._tables: dict[str, pl.DataFrame] = {}
        self._report: Report | None = None

    @property
    def report(self) -> Report:
        if self._report is None:
            from navigator.data.report import build_report

            self._report = build_report(
                self.reader,
                as_of=self.month,
                window=self.state.window,
                filters=self.state.filters,
                compare_months=self.state.compare_months,
            )
        return self._report

    def run(self, name: str, *, window: bool = True, **extra: Any) -> pl.DataFrame:
        params = {**self.state.params(window=window), **extra}
        key = (name, tuple(sorted(params.items())))
        if key not in self._runs:
            self._runs[key] = self.reader.run(name, **params)
        return self._runs[key]

    def rows(self, name: str, *, window: bool = True, **extra: Any) -> list[dict[str, Any]]:
        return self.run(name, window=window, **extra).to_dicts()

    def table(self, name: str) -> pl.DataFrame:
        if name not in self._tables:
            spec = SPEC_BY_NAME[name]
            frame = BUILDERS[name](self)
            if tuple(frame.columns) != spec.columns:
                frame = frame.select(spec.columns)
            self._tables[name] = _rounded(frame)
        return self._tables[name]

    def has_data(self, *tables: str) -> bool:
        return any(self.reader.has_data(table) for table in tables)

    def sales_teams(self, data: Iterable[dict[str, Any]] = ()) -> list[tuple[str | None, str | None]]:
        """(team_id, name) of every sales team of the file (and any team in `data`), by name.

        Under a team filter, only that team. Tables by team list these, so the same teams
        have a row in every period.
        """
        wanted = self.state.filters.team_id
        teams: dict[str | None, str | None] = {}
        for row in self._dimensions():
            if row["dimension"] != "team_id":
                continue
            match = re.fullmatch(r"(.*) \((strategy|sales|operations)\)", row["label"] or "")
            name, function = (match.group(1), match.group(2)) if match else (row["label"], None)
            if function == "sales" and (wanted is None or row["value"] == wanted):
                teams[row["value"]] = name
        for row in data:
            if row.get("team_id") not in teams:
                teams[row.get("team_id")] = row.get("team")
        return sorted(teams.items(), key=lambda item: _name_key(item[1], item[0]))

    def _dimensions(self) -> list[dict[str, Any]]:
        key = ("dimensions",)
        if key not in self._runs:
            self._runs[key] = self.reader.run("dimensions")
        return self._runs[key].to_dicts()


def _rounded(frame: pl.DataFrame) -> pl.DataFrame:
    import polars as pl

    floats = [name for name, dtype in frame.schema.items() if dtype in (pl.Float32, pl.Float64)]
    if not floats:
        return frame
    return frame.with_columns(
        pl.when(pl.col(name).is_nan()).then(None).otherwise(pl.col(name).round(FLOAT_DIGITS)).alias(name)
        for name in floats
    )


def _name_key(name: str | None, identifier: str | None) -> tuple[bool, str, bool, str]:
    """Sort by name (no name last), then id: a fixed order whatever the figures."""
    return (name is None, (name or "").casefold(), identifier is None, identifier or "")


def _nulls_last(value: Any) -> tuple[bool, Any]:
    return (value is None, value if value is not None else 0)


def _desc(value: float | int | None) -> tuple[bool, float]:
    return (value is None, -(value or 0))


def _frame(rows: Sequence[dict[str, Any]], schema: Any) -> pl.DataFrame:
    import polars as pl

    return pl.DataFrame(list(rows), schema=schema, orient="row") if rows else pl.DataFrame(schema=schema)


def _by_period(pack: _Pack, query: str, columns: Sequence[str], **match: Any) -> list[dict[str, Any]]:
    """The rows of a monthly query for the period (`now`) and the comparison period (`before`)."""
    frame = pack.run(query, months=pack.state.compare_months + 1)
    rows = frame.to_dicts()
    out = []
    for period, month in (("now", pack.month), ("before", pack.before)):
        found = next(
            (r for r in rows if r["month"] == month and all(r.get(k) == v for k, v in match.items())),
            {},
        )
        out.append({**{column: found.get(column) for column in columns}, "period": period, "month": month})
    return out


# --- builders: one per table ---------------------------------------------------------------------


def _headline(pack: _Pack) -> pl.DataFrame:
    import polars as pl

    rows = [
        {
            "metric": m.spec.key,
            "label": m.spec.label,
            "unit": m.spec.unit,
            "value": None if m.value is None else float(m.value),
            "previous": None if m.previous is None else float(m.previous),
            "change": None if m.change is None else float(m.change),
            "higher_is_better": m.spec.higher_is_better,
            "note": m.note,
            "previous_note": m.previous_note,
        }
        for m in pack.report.metrics
    ]
    schema = {
        "metric": pl.String,
        "label": pl.String,
        "unit": pl.String,
        "value": pl.Float64,
        "previous": pl.Float64,
        "change": pl.Float64,
        "higher_is_better": pl.Boolean,
        "note": pl.String,
        "previous_note": pl.String,
    }
    return _frame(rows, schema)


def _early_warnings(pack: _Pack) -> pl.DataFrame:
    import polars as pl

    frame = pack.run("early_warnings", months=pack.state.compare_months + 1)
    figures = {
        signal.key: (value, previous)
        for signal, value, previous in signal_figures(pack.report, frame, pack.month, pack.before)
    }
    rows = []
    for signal in SIGNALS:
        value, previous = figures[signal.key]
        rows.append(
            {
                "signal": signal.key,
                "label": signal.label,
                "unit": signal.unit,
                "value": value,
                "previous": previous,
                "change": None if value is None or previous is None else value - previous,
                "status": warning_status(signal, value, previous),
            }
        )
    schema = {
        "signal": pl.String,
        "label": pl.String,
        "unit": pl.String,
        "value": pl.Float64,
        "previous": pl.Float64,
        "change": pl.Float64,
        "status": pl.String,
    }
    return _frame(rows, schema)


def _markets(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("market_horizon")
    rows = sorted(frame.to_dicts(), key=lambda r: (r["horizon"], *_name_key(r["market"], r["market_id"])))
    return _frame(rows, frame.schema)


def _horizon_shares(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("horizon_shares")
    return _frame(sorted(frame.to_dicts(), key=lambda r: _nulls_last(r["horizon"])), frame.schema)


def _market_sizes(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("market_sizes_series", window=False)
    rows = sorted(
        frame.to_dicts(),
        key=lambda r: (r["horizon"], *_name_key(r["market"], r["market_id"]), r["period"], r["kind"]),
    )
    return _frame(rows, frame.schema)


def _kind_order(kind: str) -> int:
    order = [key for key, _ in ASSET_KINDS]
    return order.index(kind) if kind in order else len(order)


def _reputation_balance(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("reputation_balance")
    return _frame(sorted(frame.to_dicts(), key=lambda r: (_kind_order(r["kind"]), r["kind"])), frame.schema)


def _reputation_realized(pack: _Pack) -> pl.DataFrame:
    raw = pack.run("reputation_balance")
    rows = [r for r in raw.to_dicts() if r["kind"] in ("reference", "referral")]
    return _frame(sorted(rows, key=lambda r: _kind_order(r["kind"])), raw.schema)


def _reputation_trend(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("reputation_trend", window=False, months=TREND_MONTHS)
    rows = sorted(frame.to_dicts(), key=lambda r: (r["month"], _kind_order(r["kind"]), r["kind"]))
    return _frame(rows, frame.schema)


def _monthly(query: str, *, window: bool = True) -> Callable[[_Pack], pl.DataFrame]:
    def build(pack: _Pack) -> pl.DataFrame:
        frame = pack.run(query, window=window, months=TREND_MONTHS)
        return _frame(sorted(frame.to_dicts(), key=lambda r: r["month"]), frame.schema)

    return build


def _lineage(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("referral_lineage", window=False, top=TOP_CHAINS)
    rows = frame.to_dicts()
    children: dict[Any, list[dict[str, Any]]] = {}
    for row in rows:
        children.setdefault((row["chain_rank"], row["parent_id"] if row["depth"] else None), []).append(row)
    for siblings in children.values():
        siblings.sort(key=lambda r: (_desc(r["chain_mrr"]), *_name_key(r["name"], r["account_id"])))
    ordered: list[dict[str, Any]] = []

    def walk(row: dict[str, Any]) -> None:
        ordered.append(row)
        for child in children.get((row["chain_rank"], row["account_id"]), []):
            walk(child)

    roots = sorted(
        (r for r in rows if r["depth"] == 0),
        key=lambda r: (r["chain_rank"], *_name_key(r["name"], r["account_id"])),
    )
    for root in roots:
        walk(root)
    return _frame(ordered, frame.schema)


def _kind_position(kind: str | None) -> int:
    order = [None, *(key for key, _ in HANDOFF_KINDS)]
    return order.index(kind) if kind in order else len(order)


def _handoffs(pack: _Pack) -> pl.DataFrame:
    import polars as pl

    frame = pack.run("handoff", months=pack.state.compare_months + 1)
    measures = [c for c in frame.columns if c not in ("month", "kind")]
    rows = []
    for kind, _ in HANDOFF_KINDS:
        for row in _by_period(pack, "handoff", measures, kind=kind):
            rows.append({"kind": kind, **row})
    schema = {"kind": pl.String, "period": pl.String, "month": pl.Date}
    schema.update({c: frame.schema[c] for c in measures})
    return _frame(rows, schema).select(SPEC_BY_NAME["handoffs"].columns)


def _missing_fields(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("handoff_missing_fields")
    rows = [{**r, "kind": r["kind"] or "all"} for r in frame.to_dicts()]
    rows.sort(key=lambda r: (_kind_position(None if r["kind"] == "all" else r["kind"]), r["rank"], r["field"]))
    return _frame(rows, frame.schema)


def _early_complaints(pack: _Pack) -> pl.DataFrame:
    import polars as pl

    frame = pack.run("early_complaints", months=pack.state.compare_months + 1)
    measures = [c for c in frame.columns if c != "month"]
    schema = {"period": pl.String, "month": pl.Date, **{c: frame.schema[c] for c in measures}}
    return _frame(_by_period(pack, "early_complaints", measures), schema).select(
        SPEC_BY_NAME["early_complaints"].columns
    )


def _complaints_by_team(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("complaints_by_team")
    rows = frame.to_dicts()
    teams = [r for r in rows if r["level"] == "team"]
    present = {r["team_id"] for r in teams}
    for team_id, name in pack.sales_teams(teams):
        if team_id not in present:
            teams.append(
                _padded(frame.columns, level="team", team_id=team_id, team=name, new_customers=0, complained=0)
            )
    teams.sort(key=lambda r: _name_key(r["team"], r["team_id"]))
    reps = [r for r in rows if r["level"] == "rep"]
    reps.sort(key=lambda r: (_nulls_last(r["rank"]), *_name_key(r["rep"], r["rep_id"])))
    return _frame(teams + reps, frame.schema)


def _padded(columns: Sequence[str], **values: Any) -> dict[str, Any]:
    return {column: values.get(column) for column in columns}


def _promises_kept(pack: _Pack) -> pl.DataFrame:
    import polars as pl

    frame = pack.run("promises_kept", months=pack.state.compare_months + 1)
    measures = [c for c in frame.columns if c != "month"]
    schema = {"period": pl.String, "month": pl.Date, **{c: frame.schema[c] for c in measures}}
    return _frame(_by_period(pack, "promises_kept", measures), schema).select(SPEC_BY_NAME["promises_kept"].columns)


def _promises_by_team(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("promises_by_team")
    rows = frame.to_dicts()
    present = {r["team_id"] for r in rows}
    for team_id, name in pack.sales_teams(rows):
        if team_id not in present:
            zero = dict.fromkeys(("due", "kept", "broken", "open", "overdue"), 0)
            rows.append(_padded(frame.columns, team_id=team_id, team=name, **zero))
    rows.sort(key=lambda r: _name_key(r["team"], r["team_id"]))
    return _frame(rows, frame.schema)


def _sellers(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("sellers_by_segment")
    return _frame(sorted(frame.to_dicts(), key=lambda r: _name_key(r["segment"], r["segment"])), frame.schema)


def _value_questions(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("value_questions")
    order = {q: i for i, q in enumerate(QUESTIONS)}
    rows = sorted(frame.to_dicts(), key=lambda r: (order.get(r["question"], len(order)), r["question"]))
    return _frame(rows, frame.schema)


def _four_questions(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("four_questions")
    return _frame(sorted(frame.to_dicts(), key=lambda r: r["answered"]), frame.schema)


def _lost_to(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("lost_to")
    rows = sorted(frame.to_dicts(), key=lambda r: (_desc(r["deals"]), _desc(r["amount"]), r["lost_to"]))
    return _frame(rows, frame.schema)


def _engagement(pack: _Pack) -> pl.DataFrame:
    return pack.run("engagement_index", window=False)


def _engagement_teams(pack: _Pack) -> pl.DataFrame:
    frame = _engagement(pack)
    rows = frame.to_dicts()
    company = [r for r in rows if r["level"] == "company"]
    teams = [r for r in rows if r["level"] == "team"]
    present = {r["team_id"] for r in teams}
    for team_id, name in pack.sales_teams(teams):
        if team_id not in present:
            teams.append(
                _padded(
                    frame.columns,
                    level="team",
                    team_id=team_id,
                    team=name,
                    customers=0,
                    bookings=0.0,
                    note="no new customers won 12–24 months before",
                )
            )
    teams.sort(key=lambda r: _name_key(r["team"], r["team_id"]))
    return _frame(company + teams, frame.schema)


def _engagement_reps(pack: _Pack) -> pl.DataFrame:
    frame = _engagement(pack)
    rows = [r for r in frame.to_dicts() if r["level"] == "rep"]
    rows.sort(
        key=lambda r: (
            _nulls_last(r["rank"]),
            _desc(r["engagement_index"]),
            _desc(r["customers"]),
            *_name_key(r["rep"], r["rep_id"]),
        )
    )
    return _frame(rows, frame.schema)


def _cohort_months(pack: _Pack) -> list[dt.date]:
    """The 24 cohort months ending with the as-of month, newest first."""
    return [add_months(pack.month, -k) for k in range(COHORT_MONTHS)]


def _cohorts(pack: _Pack, value: str, size: str, size_name: str) -> pl.DataFrame:
    """cohort_retention pivoted: one row per cohort month, one column per month since."""
    import polars as pl

    frame = pack.run("cohort_retention", window=False, months=COHORT_MONTHS)
    wide = frame.pivot(on="months_since", index="cohort", values=value, sort_columns=True)
    wide = wide.rename({column: f"m{column}" for column in wide.columns if column != "cohort"})
    missing = [c for c in COHORT_COLUMNS if c not in wide.columns]
    wide = wide.with_columns(pl.lit(None, dtype=pl.Float64).alias(c) for c in missing)
    sizes = frame.group_by("cohort").agg(pl.col(size).first().alias(size_name))
    months = pl.DataFrame({"cohort": _cohort_months(pack)}, schema={"cohort": pl.Date})
    size_type = pl.Int64 if size_name == "customers" else pl.Float64
    joined = (
        months.join(sizes, on="cohort", how="left", maintain_order="left")
        .join(wide.select("cohort", *COHORT_COLUMNS), on="cohort", how="left", maintain_order="left")
        .with_columns(pl.col(size_name).fill_null(0).cast(size_type))
        .with_columns(pl.col(c).cast(pl.Float64) for c in COHORT_COLUMNS)
    )
    return joined.select("cohort", size_name, *COHORT_COLUMNS)


def _ltv(pack: _Pack) -> pl.DataFrame:
    frame = pack.run("ltv", window=False)
    rows = [{**r, "segment": r["segment"] if r["segment"] is not None else "all"} for r in frame.to_dicts()]
    rows.sort(key=lambda r: (r["segment"] != "all", *_name_key(r["segment"], r["segment"])))
    return _frame(rows, frame.schema)


BUILDERS: dict[str, Callable[[_Pack], pl.DataFrame]] = {
    "headline": _headline,
    "early_warnings": _early_warnings,
    "markets": _markets,
    "horizon_shares": _horizon_shares,
    "market_sizes": _market_sizes,
    "reputation_balance": _reputation_balance,
    "reputation_realized": _reputation_realized,
    "reputation_trend": _reputation_trend,
    "nps_trend": _monthly("nps"),
    "referral_trend": _monthly("referral_rate"),
    "referral_lineage_top": _lineage,
    "handoffs": _handoffs,
    "handoff_missing_fields": _missing_fields,
    "early_complaints": _early_complaints,
    "complaints_by_team": _complaints_by_team,
    "promises_kept": _promises_kept,
    "promises_by_team": _promises_by_team,
    "sellers_by_segment": _sellers,
    "value_questions": _value_questions,
    "four_questions": _four_questions,
    "lost_to": _lost_to,
    "engagement_teams": _engagement_teams,
    "engagement_reps": _engagement_reps,
    "retention_trend": _monthly("retention", window=False),
    "cohort_retention": lambda pack: _cohorts(pack, "customer_retention", "cohort_customers", "customers"),
    "cohort_mrr_retention": lambda pack: _cohorts(pack, "mrr_retention", "cohort_start_mrr", "start_mrr"),
    "ltv": _ltv,
}
assert set(BUILDERS) == set(TABLE_NAMES)


# --- the public entries --------------------------------------------------------------------------


def board_pack_tables(reader: Reader, state: ViewState) -> dict[str, pl.DataFrame]:
    """Every panel's key tables, by stable name, in tab order; columns as in TABLE_SPECS."""
    pack = _Pack(reader, state)
    return {name: pack.table(name) for name in TABLE_NAMES}


def table_csv(reader: Reader, state: ViewState, name: str) -> str:
    """One table as CSV: a header row in the declared column order, then the rows."""
    _check_table(name)
    return _Pack(reader, state).table(name).write_csv()


def board_pack_json(reader: Reader, state: ViewState) -> str:
    """The headline report's JSON (same keys as `report_json`) plus `tables`: every table as records."""
    pack = _Pack(reader, state)
    from navigator.output import report_json

    document = json.loads(report_json(pack.report))
    document["tables"] = {name: records(pack.table(name)) for name in TABLE_NAMES}
    return json.dumps(document, indent=2, ensure_ascii=False)


def records(frame: pl.DataFrame) -> list[dict[str, Any]]:
    """A table as JSON-ready records: dates as ISO text, NaN as null."""
    out = []
    for row in frame.iter_rows(named=True):
        out.append({key: _json_value(value) for key, value in row.items()})
    return out


def _json_value(value: Any) -> Any:
    if isinstance(value, float) and value != value:
        return None
    return plain(value)


def render_board_pack(reader: Reader, state: ViewState, fmt: str, table: str | None = None) -> str:
    """The single entry for `navigator report`: markdown, json, or csv of one `table`.

    json with a `table` gives that table's records only.
    """
    if fmt not in FORMATS:
        raise UsageError(f"unknown board-pack format {fmt!r}; valid formats: {', '.join(FORMATS)}")
    if table is not None:
        _check_table(table)
    if fmt == "csv":
        if table is None:
            raise UsageError(f"--format csv needs --table NAME; valid names: {', '.join(TABLE_NAMES)}")
        return table_csv(reader, state, table)
    if fmt == "json":
        if table is not None:
            return json.dumps(records(_Pack(reader, state).table(table)), indent=2, ensure_ascii=False)
        return board_pack_json(reader, state)
    if table is not None:
        raise UsageError("--table works with --format csv or json; the markdown pack has every table")
    return board_pack_markdown(reader, state)


def _check_table(name: str) -> None:
    if name not in SPEC_BY_NAME:
        raise UsageError(f"no board-pack table named {name!r}; valid names: {', '.join(TABLE_NAMES)}")


# --- markdown ------------------------------------------------------------------------------------


def board_pack_markdown(reader: Reader, state: ViewState) -> str:
    """The board pack as a stable Markdown document (see the module docstring)."""
    pack = _Pack(reader, state)
    doc = _Doc()
    _front(doc, pack)
    for section in (_md_overview, _md_horizon, _md_reputation, _md_handoff, _md_value, _md_lifecycle):
        section(doc, pack)
    _footnotes(doc)
    return doc.text()


class _Doc:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, *lines: str) -> None:
        self.lines.extend(lines)

    def heading(self, level: int, title: str) -> None:
        self.add("#" * level + " " + title, "")

    def para(self, text: str) -> None:
        self.add(_one_line(text), "")

    def table(self, header: Sequence[str], align: str, rows: Sequence[Sequence[str]]) -> None:
        """A GFM table; `align` has one letter a column, l or r."""
        self.add("| " + " | ".join(header) + " |")
        self.add("|" + "|".join("---:" if a == "r" else "---" for a in align) + "|")
        for row in rows:
            self.add("| " + " | ".join(_cell(cell) for cell in row) + " |")
        self.add("")

    def empty(self, tables: Sequence[str], hint: str) -> None:
        self.para(f"_No data for this yet. It is filled by: {', '.join(f'`{t}`' for t in tables)}. {hint}_")

    def text(self) -> str:
        while self.lines and self.lines[-1] == "":
            self.lines.pop()
        return "\n".join(self.lines) + "\n"


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cell(value: Any) -> str:
    text = _one_line(str(value))
    return text.replace("\\", "\\\\").replace("|", "\\|")


def _v(value: Any, unit: str) -> str:
    return format_value(value, unit)


def _pct(value: float | None, digits: int = 1) -> str:
    return NA if value is None else f"{value * 100:.{digits}f}%"


def _share_digits(values: Iterable[float | None]) -> int:
    """Two decimals for a column of small shares (all under 10%), so 0.4% and 0.04% read apart."""
    present = [abs(v) for v in values if v is not None]
    return 2 if present and max(present) < 0.1 else 1


def _whole_pct(value: float | None) -> str:
    return "" if value is None else f"{value * 100:.0f}%"


def _month(day: dt.date | None) -> str:
    return f"{day:%Y-%m}" if day else NA


def _quarter(day: dt.date | None) -> str:
    return f"{day.year}Q{(day.month - 1) // 3 + 1}" if day else NA


def _period(pack: _Pack, month: dt.date) -> str:
    start = add_months(month, -(pack.state.window - 1))
    return _month(month) if pack.state.window == 1 else f"{_month(start)}..{_month(month)}"


def _why(value: Any, note: str | None) -> str:
    return (note or "") if value is None else ""


def _cap(rows: list[list[str]], what: str, table: str, width: int) -> list[list[str]]:
    """The REPS_HEAD first and REPS_TAIL last rows, with a '… N more' row between them."""
    if len(rows) <= REPS_HEAD + REPS_TAIL:
        return rows
    hidden = len(rows) - REPS_HEAD - REPS_TAIL
    more = [f"… {hidden} more {what} (`--table {table}`)", *([""] * (width - 1))]
    return [*rows[:REPS_HEAD], more, *rows[-REPS_TAIL:]]


def _front(doc: _Doc, pack: _Pack) -> None:
    state = pack.state
    doc.heading(1, "navigator board pack")
    doc.add(
        f"- Source: `{pack.reader.label}`",
        f"- As of: {_month(pack.month)}",
        f"- Now: {_period(pack, pack.month)} ({state.window} month{'s' if state.window > 1 else ''})",
        f"- Before: {_period(pack, pack.before)} ({COMPARISONS.get(state.compare, state.compare)})",
        f"- Filters: {state.filters.describe()}",
        "- Reading the figures: ratios in %, changes in percentage points (pp); money in the data's currency"
        " (k thousands, M millions; MRR per month, ACV per year); durations in days (d);"
        f" {NA} = undefined for the period, with the reason beside it; ▲ ▼ give the direction and"
        " better / worse the verdict. Definitions are the numbered footnotes at the end.",
        "",
    )


# --- overview


def _md_overview(doc: _Doc, pack: _Pack) -> None:
    doc.heading(2, "1. Overview")
    doc.para(_verdict(pack))
    doc.heading(3, "Headline metrics")
    rows = []
    for metric in pack.report.metrics:
        spec = metric.spec
        rows.append(
            [
                f"{spec.label}{ref(spec.key)}",
                _v(metric.value, spec.unit),
                _v(metric.previous, spec.unit),
                format_change(metric.value, metric.previous, spec.unit, spec.higher_is_better),
                metric.note or "",
            ]
        )
    doc.table(["Metric", "Now", "Before", "Change", "Note"], "lrrrl", rows)
    doc.heading(3, "Early warnings: is the ship drifting?")
    rows = []
    for signal, row in zip(SIGNALS, pack.table("early_warnings").iter_rows(named=True), strict=True):
        rows.append(
            [
                f"{signal.label}{ref(signal.definition)}",
                _v(row["value"], signal.unit),
                _v(row["previous"], signal.unit),
                format_change(row["value"], row["previous"], signal.unit, not signal.higher_is_bad),
                STATUS_TEXT[row["status"]],
            ]
        )
    doc.table(["Signal", "Now", "Before", "Change", f"Status{ref('warning_status')}"], "lrrrl", rows)


def _verdict(pack: _Pack) -> str:
    """The overview's first sentence: building value or extracting?"""
    report = pack.report
    index = report.get("engagement_index").value
    company = next((r for r in pack.table("engagement_teams").iter_rows(named=True) if r["level"] == "company"), {})
    interval = _interval(company.get("ci_low"), company.get("ci_high"), "index")
    figure = f"(index {_v(index, 'index')}, 95% interval {interval})"
    if index is None:
        parts = ["Not enough customers won 12–24 months ago to judge value vs extraction."]
    elif index > 0:
        parts = [f"**Building value**: customers won 12–24 months ago stayed, grew and referred {figure}."]
    elif index < 0:
        parts = [f"**Extracting**: customers won 12–24 months ago churned, complained or saw promises broken {figure}."]
    else:
        parts = [f"Value and extraction balance out {figure}."]
    teams = [r for r in pack.table("engagement_teams").iter_rows(named=True) if r["level"] == "team"]
    extraction = [r["team"] or r["team_id"] or "no team" for r in teams if r["verdict"] == "extraction"]
    judged = [r for r in teams if r["engagement_index"] is not None]
    if extraction:
        parts.append(f"Extraction in: {', '.join(extraction)}.")
    elif judged:
        worst = min(judged, key=lambda r: (r["engagement_index"], *_name_key(r["team"], r["team_id"])))
        parts.append(f"Lowest team: {worst['team'] or worst['team_id']} {_v(worst['engagement_index'], 'index')}.")
    nrr = report.get("nrr")
    if nrr.value is not None:
        change = format_change(nrr.value, nrr.previous, "ratio", True) if nrr.previous is not None else f"before: {NA}"
        parts.append(f"NRR {_v(nrr.value, 'ratio')} ({change}).")
    return " ".join(parts)


# --- market horizon


def _steps(row: dict[str, Any]) -> str:
    if row["steps"] == 0:
        return "0 (core)"
    shared = [
        short
        for flag, short in (("shares_customers", "cu"), ("shares_channels", "ch"), ("shares_capabilities", "ca"))
        if row[flag]
    ]
    return f"{row['steps']} ({'·'.join(shared) or 'none shared'})"


def _growth(value: float | None) -> str:
    if value is None:
        return NA
    arrow = "▲" if value > 0 else "▼" if value < 0 else "="
    return f"{arrow} {_v(abs(value), 'ratio')}"


def _md_horizon(doc: _Doc, pack: _Pack) -> None:
    doc.heading(2, "2. Market horizon")
    if not pack.has_data("markets"):
        doc.empty(
            ["markets", "market_sizes"],
            "Add markets (each placed on a horizon H1/H2/H3) and market_sizes (TAM/SAM by quarter, actual and"
            " forecast).",
        )
        return
    doc.heading(3, "Markets by horizon")
    rows = []
    share_digits = _share_digits(pack.table("markets")["sam_share"].to_list())
    for row in pack.table("markets").iter_rows(named=True):
        rows.append(
            [
                f"{row['horizon']} {HORIZONS.get(row['horizon'], '')}".strip(),
                row["market"],
                _steps(row),
                _v(row["tam_now"], "money"),
                _v(row["sam_now"], "money"),
                _v(row["sam_forecast"], "money"),
                NA if row["sam_multiple"] is None else f"×{row['sam_multiple']:.2f}",
                _v(row["arr"], "money"),
                _pct(row["sam_share"], share_digits),
                f"{_v(row['customers'], 'count')} / {_v(row['accounts'], 'count')}",
                _v(row["penetration"], "ratio"),
                _growth(row["growth"]),
                _v(row["win_rate"], "ratio"),
                f"{_v(row['won'], 'count')} / {_v(row['lost'], 'count')}",
            ]
        )
    doc.table(
        [
            f"Horizon{ref('horizon')}",
            "Market",
            f"Steps{ref('steps')}",
            f"TAM now{ref('sam_now')}",
            "SAM now",
            f"SAM tomorrow{ref('sam_tomorrow')}",
            "×",
            "Our ARR",
            f"Share of SAM{ref('sam_share')}",
            "Customers / accounts",
            f"Penetration{ref('penetration')}",
            f"Growth{ref('market_growth')}",
            f"Win rate{ref('win_rate')}",
            "Won / lost",
        ],
        "lllrrrrrrrrrrr",
        rows,
    )
    doc.para(
        f"SAM now = actual {_span(pack.table('markets')['size_period'].to_list())}; SAM tomorrow = forecast"
        f" {_span(pack.table('markets')['forecast_period'].to_list())}. Market sizes are whole-market figures;"
        " filters narrow our side only."
    )

    doc.heading(3, "Revenue, pipeline and effort by horizon")
    rows = [
        [
            f"{row['horizon']} {HORIZONS.get(row['horizon'], '')}".strip() if row["horizon"] else "no market",
            _v(row["revenue"], "money"),
            _v(row["revenue_share"], "ratio"),
            _v(row["pipeline"], "money"),
            _v(row["pipeline_share"], "ratio"),
            _v(row["effort_hours"], "count"),
            _v(row["effort_share"], "ratio"),
        ]
        for row in pack.table("horizon_shares").iter_rows(named=True)
    ]
    doc.table(
        [
            f"Horizon{ref('horizon_shares')}",
            "Revenue (MRR)",
            "Share",
            "Open pipeline (ACV)",
            "Share",
            "Effort (hours)",
            "Share",
        ],
        "lrrrrrr",
        rows,
    )

    doc.heading(3, "Market size (SAM) over time")
    if not pack.has_data("market_sizes"):
        doc.empty(["market_sizes"], "Add TAM/SAM by quarter, actual and forecast.")
        return
    series: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for row in pack.table("market_sizes").iter_rows(named=True):
        series.setdefault(row["market_id"], {"actual": [], "forecast": []}).setdefault(row["kind"], []).append(row)
    rows = []
    for market in pack.table("markets").iter_rows(named=True):
        item = series.get(market["market_id"], {"actual": [], "forecast": []})
        actual, forecast = item.get("actual", []), item.get("forecast", [])
        first, last = (actual[0], actual[-1]) if actual else ({}, {})
        end = forecast[-1] if forecast else {}
        growth = last["sam"] / first["sam"] - 1 if actual and first.get("sam") and last.get("sam") is not None else None
        outlook = end["sam"] / last["sam"] - 1 if end and last.get("sam") and end.get("sam") is not None else None
        rows.append(
            [
                market["market"],
                _quarter(first.get("period")),
                _v(first.get("sam"), "money"),
                _quarter(last.get("period")),
                _v(last.get("sam"), "money"),
                _growth(growth),
                _quarter(end.get("period")),
                _v(end.get("sam"), "money"),
                _growth(outlook),
            ]
        )
    doc.table(
        [
            f"Market{ref('market_sizes')}",
            "Actual from",
            "SAM",
            "Actual to",
            "SAM",
            "Change",
            "Forecast to",
            "SAM",
            "Change",
        ],
        "llrlrrlrr",
        rows,
    )


def _span(periods: list[Any]) -> str:
    quarters = sorted({_quarter(p) for p in periods if p is not None})
    return ", ".join(quarters) if quarters else NA


# --- reputation


def _md_reputation(doc: _Doc, pack: _Pack) -> None:
    doc.heading(2, "3. Reputation assets")
    doc.heading(3, "Balance sheet")
    labels = dict(ASSET_KINDS)
    rows = [
        [
            labels.get(row["kind"], row["kind"]),
            _v(row["accrued"], "count"),
            _v(row["depreciated"], "count"),
            _v(row["balance"], "count"),
        ]
        for row in pack.table("reputation_balance").iter_rows(named=True)
    ]
    doc.table(
        [
            "Asset",
            f"+ Accrued{ref('accrued')}",
            f"− Depreciated{ref('depreciated')}",
            f"= Balance{ref('asset_balance')}",
        ],
        "lrrr",
        rows,
    )
    trend = pack.table("reputation_trend")
    monthly: dict[dt.date, list[int]] = {}
    for row in trend.iter_rows(named=True):
        totals = monthly.setdefault(row["month"], [0, 0])
        totals[0] += row["accrued"] or 0
        totals[1] += row["depreciated"] or 0
    months = sorted(monthly)
    span = f"{_month(months[0])}..{_month(months[-1])}" if months else NA
    accrued = [monthly[m][0] for m in months]
    depreciated = [monthly[m][1] for m in months]
    doc.para(
        f"Over {len(months)} months ({span}): {_v(sum(accrued), 'count')} assets accrued (peak"
        f" {_v(max(accrued, default=0), 'count')} a month), {_v(sum(depreciated), 'count')} depreciated (peak"
        f" {_v(max(depreciated, default=0), 'count')} a month)."
        + (
            ""
            if pack.has_data("reputation_events")
            else " No reputation events in the data (`reputation_events`): import the references, case studies,"
            " testimonials, reviews and awards customers gave; referrals come from accounts.referred_by."
        )
    )

    doc.heading(3, "Realized: what assets brought")
    rows = []
    for row in pack.table("reputation_realized").iter_rows(named=True):
        if row["kind"] == "reference":
            brought = _plural(row["realized_count"], "deal won", "deals won")
            revenue = f"{_v(row['realized_won'], 'money')} ACV won"
        else:
            brought = _plural(row["realized_count"], "new customer", "new customers")
            revenue = f"{_v(row['realized_mrr'], 'money')} new MRR"
        rows.append(
            [
                labels.get(row["kind"], row["kind"]),
                brought,
                revenue,
                _v(row["realized_pipeline"], "money"),
                _v(row["lag_median_days"], "days"),
                _v(row["lag_mean_days"], "days"),
            ]
        )
    doc.table(
        [f"Asset{ref('realized')}", "Brought", "Revenue", "Open pipeline", "Lag, median", "Lag, mean"],
        "lrrrrr",
        rows,
    )

    doc.heading(3, "NPS and referral rate by month")
    if not pack.has_data("nps_responses"):
        doc.para("No NPS surveys in the data (`nps_responses`): import the invitations and answers to fill NPS.")
    nps = list(reversed(pack.table("nps_trend").to_dicts()))
    referrals = {row["month"]: row for row in pack.table("referral_trend").iter_rows(named=True)}
    rows = []
    for row in nps[:MD_MONTHS]:
        referral = referrals.get(row["month"], {})
        rows.append(
            [
                _month(row["month"]),
                _nps_point(row),
                _interval(row.get("nps_ci_low"), row.get("nps_ci_high"), "points"),
                _v(row["responses"], "count"),
                _v(row["response_rate"], "ratio"),
                _v(referral.get("referral_rate"), "ratio"),
                f"{_v(referral.get('referred'), 'count')} of {_v(referral.get('new_customers'), 'count')}",
            ]
        )
    if len(nps) > MD_MONTHS:
        rows.append(
            [f"… {len(nps) - MD_MONTHS} earlier months (`--table nps_trend`, `--table referral_trend`)", *([""] * 6)]
        )
    doc.table(
        [
            "Month",
            f"NPS{ref('nps')}",
            f"95% interval{ref('nps_month')}",
            f"Responses{ref('nps_responses')}",
            f"Response rate{ref('nps_response_rate')}",
            f"Referral rate{ref('referral_rate')}",
            "Referred of new customers",
        ],
        "lrrrrrr",
        rows,
    )

    doc.heading(3, "Next-customer lineage: who brought whom")
    lineage = pack.table("referral_lineage_top").to_dicts()
    roots = [row for row in lineage if row["depth"] == 0]
    if not roots:
        doc.para("No referral chains: no customer in view referred another (`accounts.referred_by`).")
        return
    depth = {}
    for row in lineage:
        depth[row["chain_rank"]] = max(depth.get(row["chain_rank"], 0), row["depth"])
    rows = [
        [
            str(row["chain_rank"]),
            row["name"],
            _v(row["mrr"], "money"),
            _v(row["chain_mrr"], "money"),
            _v(row["chain_accounts"] - 1, "count"),
            _v(depth[row["chain_rank"]], "count"),
        ]
        for row in roots
    ]
    doc.table(
        ["#", f"Customer{ref('lineage')}", "MRR", "Chain MRR", "Brought, down the line", "Levels"], "rlrrrr", rows
    )
    chains = roots[0]["chains"]
    doc.para(
        f"The top {len(roots)} of {chains} chain{'s' if chains != 1 else ''} by chain MRR; every account of these"
        " chains in `--table referral_lineage_top`."
    )


def _plural(count: int | None, one: str, many: str) -> str:
    return f"{_v(count, 'count')} {one if count == 1 else many}"


def _nps_point(row: dict[str, Any]) -> str:
    if row.get("nps") is not None:
        return _v(row["nps"], "points")
    if row.get("nps_ci_low") is not None:
        return "interval only"
    return NA


def _interval(low: float | None, high: float | None, unit: str) -> str:
    if low is None or high is None:
        return NA
    return f"{_v(low, unit)}..{_v(high, unit)}"


# --- hand-off

BATON_FIGURES: tuple[tuple[str, str, str, bool | None, str], ...] = (
    # label, column, unit, higher is better, definition
    ("Sent", "handoffs", "count", None, "handoff_sent"),
    ("Latency, median", "latency_median_days", "days", False, "handoff_latency"),
    ("Latency, p90", "latency_p90_days", "days", False, "handoff_latency"),
    ("Complete", "completeness", "ratio", True, "handoff_complete"),
    ("Dropped batons", "dropped_rate", "ratio", False, "handoff_dropped"),
)


def _baton_note(column: str, now: dict[str, Any]) -> str:
    sent = now.get("handoffs") or 0
    if column == "handoffs":
        return f"{_v(now.get('accepted'), 'count')} accepted"
    if not sent:
        return "none sent in the window"
    if column in ("latency_median_days", "latency_p90_days"):
        return "none accepted yet" if not now.get("accepted") else ""
    if column == "completeness":
        return f"{_v(now.get('complete'), 'count')} of {_v(sent, 'count')}"
    eligible = now.get("eligible") or 0
    if not eligible:
        return "none over 30 days old yet"
    return f"{_v(now.get('dropped'), 'count')} of {_v(eligible, 'count')} over 30 days old"


def _md_handoff(doc: _Doc, pack: _Pack) -> None:
    doc.heading(2, "4. Hand-off")
    if not pack.has_data("handoffs", "opportunities", "commitments"):
        doc.empty(
            ["handoffs", "opportunities", "commitments"],
            "Import hand-offs, deals and the promises made at close (see docs/schema.md).",
        )
        return
    doc.para(_handoff_headline(pack))

    doc.heading(3, "The relay baton: strategy → sales → operations → sales")
    batons = {(row["kind"], row["period"]): row for row in pack.table("handoffs").iter_rows(named=True)}
    rows = []
    for kind, title in HANDOFF_KINDS:
        now, before = batons.get((kind, "now"), {}), batons.get((kind, "before"), {})
        for index, (label, column, unit, better, definition) in enumerate(BATON_FIGURES):
            rows.append(
                [
                    title if index == 0 else "",
                    f"{label}{ref(definition)}",
                    _v(now.get(column), unit),
                    _v(before.get(column), unit),
                    format_change(now.get(column), before.get(column), unit, better),
                    _baton_note(column, now),
                ]
            )
    doc.table(["Hand-off", "Figure", "Now", "Before", "Change", "Note"], "llrrrl", rows)

    doc.heading(3, "What the baton lacks most often")
    cells = {(row["kind"], row["field"]): row for row in pack.table("handoff_missing_fields").iter_rows(named=True)}
    kinds = [("all", "All kinds"), *HANDOFF_KINDS]
    rows = [["Hand-offs sent", *(_v((cells.get((k, FIELDS[0])) or {}).get("handoffs"), "count") for k, _ in kinds)]]
    for name in FIELDS:
        line = [f"No {name}"]
        for kind, _ in kinds:
            row = cells.get((kind, name)) or {}
            share = row.get("missing_share")
            line.append(NA if share is None else f"{_v(share, 'ratio')} ({_v(row.get('missing'), 'count')})")
        rows.append(line)
    doc.table([f"Field missing{ref('missing_share')}", *(title for _, title in kinds)], "lrrrr", rows)

    doc.heading(3, "Complaints in the first 90 days after close")
    complaints = {row["period"]: row for row in pack.table("early_complaints").iter_rows(named=True)}
    now, before = complaints.get("now", {}), complaints.get("before", {})
    cohort = f"{_month(now.get('cohort_start'))}..{_month(now.get('cohort_end'))}"
    if now.get("new_customers"):
        doc.para(
            f"{_v(now.get('early_complaint_rate'), 'ratio')} of new customers won {cohort} complained within 90 days"
            f" ({_v(now.get('complained'), 'count')} of {_v(now.get('new_customers'), 'count')});"
            f" before {_v(before.get('early_complaint_rate'), 'ratio')}"
            f" ({format_change(now.get('early_complaint_rate'), before.get('early_complaint_rate'), 'ratio', False)})."
        )
    else:
        doc.para(f"{NA}: no new customers won {cohort} (the cohort that has had its first 90 days).")
    frame = pack.table("complaints_by_team")
    teams = [row for row in frame.iter_rows(named=True) if row["level"] == "team"]
    reps = [row for row in frame.iter_rows(named=True) if row["level"] == "rep"]
    doc.table(
        ["#", "Team", f"Complaint rate{ref('complaint_rate')}", "New customers", "Complained", "Top severity"],
        "rlrrrl",
        [
            [
                _rank(row["rank"]),
                row["team"] or row["team_id"] or "no team",
                _v(row["complaint_rate"], "ratio"),
                _v(row["new_customers"], "count"),
                _v(row["complained"], "count"),
                row["top_severity"] or ("none" if row["new_customers"] else ""),
            ]
            for row in teams
        ],
    )
    doc.para("Teams in a fixed order (by name); # = rank by complaint rate, highest first.")
    if reps:
        rows = [
            [
                _rank(row["rank"]),
                row["rep"] or row["rep_id"] or "",
                row["team"] or row["team_id"] or "no team",
                _v(row["complaint_rate"], "ratio"),
                _v(row["new_customers"], "count"),
                _v(row["complained"], "count"),
                row["top_severity"] or "none",
            ]
            for row in reps
        ]
        doc.table(
            ["#", "Rep", "Team", "Complaint rate", "New customers", "Complained", "Top severity"],
            "rllrrrl",
            _cap(rows, "reps", "complaints_by_team", 7),
        )
        doc.para(_cap_note(len(reps), "reps", "highest complaint rate first"))
    else:
        doc.para("No rep had a new customer in the cohort.")

    doc.heading(3, "Promises kept vs broken")
    ledger = {row["period"]: row for row in pack.table("promises_kept").iter_rows(named=True)}
    now, before = ledger.get("now", {}), ledger.get("before", {})
    rows = [
        [
            f"Kept rate{ref('promises_kept_rate')}",
            _v(now.get("kept_rate"), "ratio"),
            _v(before.get("kept_rate"), "ratio"),
            format_change(now.get("kept_rate"), before.get("kept_rate"), "ratio", True),
        ]
    ]
    for label, column, better in (
        ("Kept", "kept", True),
        ("Broken", "broken", False),
        ("Open", "open", None),
        ("of which overdue", "overdue", False),
        ("Due in the window", "due", None),
    ):
        rows.append(
            [
                label,
                _v(now.get(column), "count"),
                _v(before.get(column), "count"),
                format_change(now.get(column), before.get(column), "count", better),
            ]
        )
    doc.table([f"Promises{ref('promise_ledger')}", "Now", "Before", "Change"], "lrrr", rows)
    doc.table(
        ["#", "Team", "Kept rate", "Due", "Kept", "Broken", "Open", "Overdue"],
        "rlrrrrrr",
        [
            [
                _rank(row["rank"]),
                row["team"] or row["team_id"] or "no team",
                _v(row["kept_rate"], "ratio"),
                *(_v(row[c], "count") for c in ("due", "kept", "broken", "open", "overdue")),
            ]
            for row in pack.table("promises_by_team").iter_rows(named=True)
        ],
    )
    doc.para(
        "Teams in a fixed order (by name); # = rank by kept rate, lowest first; teams with nothing kept or broken"
        " yet are not ranked."
    )

    doc.heading(3, "Who sells more: operations (expansion) or sales (new)")
    sellers = list(pack.table("sellers_by_segment").iter_rows(named=True))
    doc.table(
        [f"Segment{ref('sellers')}", "Sales: new MRR", "Operations: expansion MRR", "Sells more"],
        "lrrl",
        [
            [
                row["segment"],
                _v(row["new_mrr_sales"], "money"),
                _v(row["expansion_mrr_operations"], "money"),
                {"sales": "sales", "operations": "operations", "tie": "even"}.get(row["leader"], row["leader"] or NA),
            ]
            for row in sellers
        ],
    )


def _rank(rank: int | None) -> str:
    return "" if rank is None else str(rank)


def _cap_note(count: int, what: str, order: str) -> str:
    if count <= REPS_HEAD + REPS_TAIL:
        return f"All {count} {what}, {order}."
    return f"The top {REPS_HEAD} and the bottom {REPS_TAIL} of {count} {what}, {order}."


def _handoff_headline(pack: _Pack) -> str:
    parts = []
    batons = [row for row in pack.table("handoffs").iter_rows(named=True) if row["period"] == "now"]
    dropped = [row for row in batons if row["dropped_rate"] is not None]
    titles = dict(HANDOFF_KINDS)
    if dropped:
        worst = max(dropped, key=lambda r: (r["dropped_rate"], -_kind_position(r["kind"])))
        parts.append(
            f"Most dropped batons: {titles.get(worst['kind'], worst['kind']).lower()},"
            f" {_v(worst['dropped_rate'], 'ratio')} ({worst['dropped']} of {worst['eligible']}) not picked up"
            " within 30 days."
        )
    rate = pack.report.get("early_complaint_rate")
    if rate.value is not None:
        teams = [
            row
            for row in pack.table("complaints_by_team").iter_rows(named=True)
            if row["level"] == "team" and row["rank"] == 1
        ]
        worst_team = (
            f"; highest {teams[0]['team'] or teams[0]['team_id']} {_v(teams[0]['complaint_rate'], 'ratio')}"
            f" (n={teams[0]['new_customers']})"
            if teams
            else ""
        )
        parts.append(f"Early complaints {_v(rate.value, 'ratio')}{worst_team}.")
    kept = pack.report.get("promises_kept_rate")
    if kept.value is not None:
        ranked = sorted(
            (row for row in pack.table("promises_by_team").iter_rows(named=True) if row["kept_rate"] is not None),
            key=lambda r: (r["rank"], *_name_key(r["team"], r["team_id"])),
        )
        lowest = (
            f", lowest {ranked[0]['team'] or ranked[0]['team_id']} {_v(ranked[0]['kept_rate'], 'ratio')}"
            if len(ranked) > 1
            else ""
        )
        parts.append(f"Promises kept {_v(kept.value, 'ratio')}{lowest}.")
    sellers = list(pack.table("sellers_by_segment").iter_rows(named=True))
    leaders = [row["segment"] for row in sellers if row["leader"] == "operations"]
    if leaders:
        parts.append(f"Operations sells more than sales in {', '.join(leaders)}.")
    elif sellers:
        parts.append("Sales sells more than operations in every segment.")
    return " ".join(parts) or "No hand-offs, early complaints or promises in this period."


# --- value dynamics


def _md_value(doc: _Doc, pack: _Pack) -> None:
    doc.heading(2, "5. Value dynamics")
    if not pack.has_data("opportunities"):
        doc.empty(
            ["opportunities"], "Import deals (opportunities) with their value case and what lost deals chose instead."
        )
        return
    doc.para(_value_headline(pack))

    doc.heading(3, "The customer's four questions")
    questions = list(pack.table("value_questions").iter_rows(named=True))
    doc.table(
        ["Question", f"Answered{ref('question_share')}", "Deals"],
        "lrr",
        [
            [row["label"], _v(row["share"], "ratio"), f"{_v(row['answered'], 'count')} of {_v(row['closed'], 'count')}"]
            for row in questions
        ],
    )

    doc.heading(3, "Win rate and 12-month retention by questions answered")
    doc.table(
        [
            "Answered",
            "Closed",
            "Won",
            f"Win rate{ref('win_rate')}",
            "Won 12–24 months ago",
            "Retained",
            f"12-month retention{ref('retention_12m')}",
        ],
        "lrrrrrr",
        [
            [
                f"{row['answered']} of 4",
                _v(row["closed"], "count"),
                _v(row["won"], "count"),
                _v(row["win_rate"], "ratio"),
                _v(row["cohort_won"], "count"),
                _v(row["cohort_retained"], "count"),
                _v(row["retention_12m"], "ratio"),
            ]
            for row in pack.table("four_questions").iter_rows(named=True)
        ],
    )

    doc.heading(3, "What lost customers chose instead")
    lost = list(pack.table("lost_to").iter_rows(named=True))
    total = sum(row["deals"] for row in lost)
    rows = []
    for kind, label in ALTERNATIVE_KINDS:
        group = [row for row in lost if row["kind"] == kind]
        deals = sum(row["deals"] for row in group)
        rows.append(
            [
                label,
                _v(deals, "count"),
                _v(deals / total if total else None, "ratio"),
                _v(sum(row["amount"] or 0 for row in group), "money"),
            ]
        )
    doc.table([f"Chose instead{ref('lost_to')}", "Deals", "Share", "ACV"], "lrrr", rows)
    named = [row for row in lost if row["kind"] in ("competitor", "in_house")]
    if named:
        top = ", ".join(
            f"{row['lost_to']} {_v(row['deals'], 'count')} ({_v(row['share'], 'ratio')})"
            for row in named[:TOP_ALTERNATIVES]
        )
        more = f"; {len(named) - TOP_ALTERNATIVES} more in `--table lost_to`" if len(named) > TOP_ALTERNATIVES else ""
        doc.para(f"Named alternatives chosen most often: {top}{more}.")
    else:
        doc.para("No lost deal named a competitor or an in-house build.")

    doc.heading(3, "Extraction vs engagement: bookings against what became of those customers")
    header = [
        "#",
        "Team",
        f"Customers{ref('engagement_outcomes')}",
        "Bookings",
        "Retained",
        "Complained",
        "Expanded",
        "Referred",
        "Promise broken",
        f"Index{ref('engagement_index')}",
        f"95% interval{ref('engagement_verdict')}",
        "Verdict",
    ]
    rows = [
        _engagement_row(row, "Company" if row["level"] == "company" else None)
        for row in pack.table("engagement_teams").iter_rows(named=True)
    ]
    doc.table(header, "rlrrrrrrrrrl", rows)
    doc.para("The company, then teams in a fixed order (by name); # = rank by index, highest first.")
    reps = list(pack.table("engagement_reps").iter_rows(named=True))
    judged = [row for row in reps if row["engagement_index"] is not None]
    unjudged = sorted(
        (row for row in reps if row["engagement_index"] is None), key=lambda r: _name_key(r["rep"], r["rep_id"])
    )
    if judged:
        rows = [_engagement_row(row, None, rep=True) for row in judged]
        doc.table(
            ["#", "Rep", "Team", *header[2:]],
            "rllrrrrrrrrrl",
            _cap(rows, "reps", "engagement_reps", 13),
        )
        doc.para(_cap_note(len(judged), "reps with an index", "highest index first"))
    else:
        doc.para("No rep has enough customers for an index.")
    if unjudged:
        names = ", ".join(f"{row['rep'] or row['rep_id']} ({row['customers']})" for row in unjudged)
        doc.para(f"Too few customers to judge (n < 5), with n: {names}.")
    else:
        doc.para("Every rep with customers won 12–24 months ago has an index.")


def _engagement_row(row: dict[str, Any], name: str | None, *, rep: bool = False) -> list[str]:
    label = name or (row["rep"] or row["rep_id"] or "" if rep else row["team"] or row["team_id"] or "no team")
    ranked = row.get("level") != "company" and row["engagement_index"] is not None
    cells = [_rank(row["rank"]) if ranked else "", label]
    if rep:
        cells.append(row["team"] or row["team_id"] or "no team")
    cells += [
        _v(row["customers"], "count"),
        _v(row["bookings"], "money"),
        *(
            _v(row[c], "ratio")
            for c in ("retained_share", "complained_share", "expanded_share", "referred_share", "broken_share")
        ),
    ]
    if row["engagement_index"] is not None:
        cells += [
            _v(row["engagement_index"], "index"),
            _interval(row["ci_low"], row["ci_high"], "index"),
            VERDICTS.get(row["verdict"], row["verdict"] or NA),
        ]
    else:
        cells += [NA, NA, row["note"] or ""]
    return cells


def _value_headline(pack: _Pack) -> str:
    levels = {row["answered"]: row for row in pack.table("four_questions").iter_rows(named=True)}
    best, worst = levels.get(4, {}), levels.get(0, {})
    parts = []
    if best.get("win_rate") is not None and worst.get("win_rate") is not None:
        parts.append(
            f"Deals answering all four questions win {_v(best['win_rate'], 'ratio')}, none answered"
            f" {_v(worst['win_rate'], 'ratio')}."
        )
    if best.get("retention_12m") is not None and worst.get("retention_12m") is not None:
        parts.append(
            f"12-month retention {_v(best['retention_12m'], 'ratio')} vs {_v(worst['retention_12m'], 'ratio')}."
        )
    lost = list(pack.table("lost_to").iter_rows(named=True))
    if lost:
        parts.append(f"Lost deals chose most often: {lost[0]['lost_to']} ({_v(lost[0]['share'], 'ratio')}).")
    extraction = [
        row["team"] or row["team_id"] or "no team"
        for row in pack.table("engagement_teams").iter_rows(named=True)
        if row["level"] == "team" and row["verdict"] == "extraction"
    ]
    if extraction:
        parts.append(f"Extraction: {', '.join(extraction)}.")
    return " ".join(parts) or "No new-business deals in this period to judge the value case."


# --- lifecycle


def _md_lifecycle(doc: _Doc, pack: _Pack) -> None:
    doc.heading(2, "6. Lifecycle")
    doc.heading(3, "NRR, GRR and logo churn by month (each over the trailing 12 months)")
    trend = list(reversed(pack.table("retention_trend").to_dicts()))
    rows = [
        [
            _month(row["month"]),
            _v(row["nrr"], "ratio"),
            _v(row["grr"], "ratio"),
            _v(row["logo_churn"], "ratio"),
            _v(row["start_customers"], "count"),
            _v(row["lost_customers"], "count"),
            _v(row["start_mrr"], "money"),
        ]
        for row in trend[:MD_MONTHS]
    ]
    if len(trend) > MD_MONTHS:
        rows.append([f"… {len(trend) - MD_MONTHS} earlier months (`--table retention_trend`)", *([""] * 6)])
    doc.table(
        [
            "Month",
            f"NRR{ref('nrr')}",
            f"GRR{ref('grr')}",
            f"Logo churn{ref('logo_churn')}",
            "Customers at start",
            "Lost",
            "Start MRR",
        ],
        "lrrrrrr",
        rows,
    )

    doc.heading(3, "Cohort retention: share of each cohort's customers still active")
    steps = [k for k in MD_COHORT_STEPS if k < COHORT_MONTHS]
    rows = [
        [_month(row["cohort"]), _v(row["customers"], "count"), *(_whole_pct(row[f"m{k}"]) for k in steps)]
        for row in pack.table("cohort_retention").iter_rows(named=True)
    ]
    doc.table([f"Cohort{ref('cohort_cell')}", "n", *(f"+{k}" for k in steps)], "lr" + "r" * len(steps), rows)
    doc.para(
        "Months since the cohort month: "
        + ", ".join(f"+{k}" for k in steps)
        + "; every month, and the share of starting MRR, in `--table cohort_retention` and"
        " `--table cohort_mrr_retention`."
    )

    doc.heading(3, "LTV by segment")
    doc.table(
        [
            "Segment",
            "Customers",
            f"ARPA{ref('arpa')}",
            f"Churn a month{ref('monthly_churn')}",
            f"LTV{ref('ltv')}",
            "Note",
        ],
        "lrrrrl",
        [
            [
                "All segments" if row["segment"] == "all" else row["segment"],
                _v(row["customers"], "count"),
                _v(row["arpa"], "money"),
                _v(row["monthly_churn_rate"], "ratio"),
                _v(row["ltv"], "money"),
                _why(row["ltv"], row["note"]),
            ]
            for row in pack.table("ltv").iter_rows(named=True)
        ],
    )


# --- footnotes


def _footnotes(doc: _Doc) -> None:
    doc.heading(2, "Definitions")
    doc.para(f"{NA}: the figure is undefined for the period (a zero denominator or too small a sample).")
    for number, (key, text) in enumerate(DEFINITIONS, start=1):
        doc.add(f"[^{number}]: `{key}`: {text}")
    doc.add("")
