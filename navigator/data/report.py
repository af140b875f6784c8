"""The headline report: each metric for a period beside the previous period.

Figures come from the named queries in `queries/metrics/`; this module only picks
the rows for the two periods and names them with stable keys (listed in
docs/metrics.md). No Textual here: the dashboard, the CLI and the board pack
all read the same `Report`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from navigator.data.errors import UsageError

if TYPE_CHECKING:
    import polars as pl

    from navigator.data.source import Database, Session

    Reader = Database | Session

FILTER_NAMES = ("market_id", "segment", "region", "team_id")


@dataclass(frozen=True)
class Filters:
    """What the figures are restricted to; None means all. Immutable so it can key a cache."""

    market_id: str | None = None
    segment: str | None = None
    region: str | None = None
    team_id: str | None = None

    def as_params(self) -> dict[str, str | None]:
        return {name: getattr(self, name) for name in FILTER_NAMES}

    def describe(self) -> str:
        active = [f"{name.removesuffix('_id')}={value}" for name, value in self.as_params().items() if value]
        return ", ".join(active) if active else "all"


COMPARISONS = {"previous": "the previous period", "year": "the same period a year earlier"}


@dataclass(frozen=True)
class ViewState:
    """Everything that decides which figures are shown: period, comparison and filters."""

    as_of: dt.date
    window: int = 3
    compare: str = "previous"  # a key of COMPARISONS
    filters: Filters = field(default_factory=lambda: Filters())

    @property
    def compare_months(self) -> int:
        return self.window if self.compare == "previous" else 12

    @property
    def previous_as_of(self) -> dt.date:
        return add_months(self.as_of, -self.compare_months)

    def params(self, *, window: bool = True) -> dict[str, Any]:
        """Query parameters for this state (filters, as-of and optionally the window)."""
        values: dict[str, Any] = {"as_of": self.as_of, **self.filters.as_params()}
        if window:
            values["window"] = self.window
        return values


@dataclass(frozen=True)
class MetricSpec:
    key: str
    label: str
    unit: str  # ratio | money | count | days | points | index
    definition: str
    higher_is_better: bool | None = True


@dataclass
class MetricValue:
    spec: MetricSpec
    value: float | None
    previous: float | None
    note: str | None = None
    previous_note: str | None = None
    trend: list[float | None] = field(default_factory=list)  # oldest first, ending at the period

    @property
    def change(self) -> float | None:
        if self.value is None or self.previous is None:
            return None
        return self.value - self.previous


@dataclass
class Report:
    source: str
    as_of: dt.date
    previous_as_of: dt.date
    window_months: int
    filters: Filters
    metrics: list[MetricValue] = field(default_factory=list)

    def get(self, key: str) -> MetricValue:
        for metric in self.metrics:
            if metric.spec.key == key:
                return metric
        raise KeyError(key)

    def period_label(self, month: dt.date) -> str:
        start = add_months(month, -(self.window_months - 1))
        if self.window_months == 1:
            return month.strftime("%Y-%m")
        return f"{start:%Y-%m}..{month:%Y-%m}"


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + (month.month - 1) + count
    return dt.date(index // 12, index % 12 + 1, 1)


_M = MetricSpec
SPECS: tuple[MetricSpec, ...] = (
    _M("mrr", "MRR", "money", "Monthly recurring revenue of active accounts at the end of the period."),
    _M("customers", "Customers", "count", "Accounts with MRR > 0 at the end of the period."),
    _M("new_mrr", "New MRR", "money", "MRR from new customers booked in the window."),
    _M("expansion_mrr", "Expansion MRR", "money", "MRR added by existing customers in the window."),
    _M("nrr", "NRR", "ratio", "MRR now of the accounts active 12 months ago / their MRR then (each account once)."),
    _M("grr", "GRR", "ratio", "Σ min(MRR now, MRR then) / MRR then, over the accounts active 12 months ago."),
    _M("logo_churn", "Logo churn", "ratio", "Accounts active 12 months ago, not active now / those accounts.", False),
    _M("ltv", "LTV", "money", "ARPA / (customers lost in 12 months, each once / customer-months); no margin."),
    _M("nps", "NPS", "points", "% promoters (9–10) − % detractors (0–6); null below 30 responses."),
    _M("nps_ci_low", "NPS 95% low", "points", "NPS − 1.96 SE, clipped at −100."),
    _M("nps_ci_high", "NPS 95% high", "points", "NPS + 1.96 SE, clipped at 100."),
    _M(
        "nps_responses",
        "NPS responses",
        "count",
        "Scored NPS answers to invitations sent in the window.",
        None,
    ),
    _M("nps_response_rate", "NPS response rate", "ratio", "Responses / invitations in the window."),
    _M("referral_rate", "Referral rate", "ratio", "Referred new customers / all new customers in the window."),
    _M("win_rate", "Win rate", "ratio", "Won / (won + lost) new-business deals closed in the window."),
    _M(
        "sales_cycle_median_days",
        "Sales cycle (median)",
        "days",
        "Median days create → close, won deals.",
        False,
    ),
    _M("sales_cycle_mean_days", "Sales cycle (mean)", "days", "Mean days create → close, won deals.", False),
    _M("pipeline_coverage", "Pipeline coverage", "ratio", "Open pipeline due in the next window / target."),
    _M(
        "handoff_latency_median_days",
        "Hand-off latency (median)",
        "days",
        "Median days from close to onboarding kick-off (sales → operations).",
        False,
    ),
    _M(
        "handoff_latency_p90_days",
        "Hand-off latency (p90)",
        "days",
        "90th percentile days from close to onboarding kick-off.",
        False,
    ),
    _M(
        "handoff_completeness",
        "Hand-off completeness",
        "ratio",
        "Share of sales → operations hand-offs with objectives, stakeholders, commitments and risks.",
    ),
    _M(
        "handoff_dropped_rate",
        "Dropped batons",
        "ratio",
        "Share of sales → operations hand-offs not accepted within 30 days.",
        False,
    ),
    _M(
        "time_to_value_median_days",
        "Time to value (median)",
        "days",
        "Median days from close to the first value milestone.",
        False,
    ),
    _M(
        "early_complaint_rate",
        "Early complaints",
        "ratio",
        "Share of new customers complaining within 90 days of close (cohort shifted back 3 months).",
        False,
    ),
    _M(
        "promises_kept_rate",
        "Promises kept",
        "ratio",
        "Kept / (kept + broken) commitments due in the window.",
    ),
    _M("revenue_share_h1", "Revenue share H1", "ratio", "Share of MRR in core markets.", None),
    _M("revenue_share_h2", "Revenue share H2", "ratio", "Share of MRR in emerging markets.", None),
    _M("revenue_share_h3", "Revenue share H3", "ratio", "Share of MRR in adjacent/option markets.", None),
    _M("pipeline_share_h1", "Pipeline share H1", "ratio", "Share of open pipeline in core markets.", None),
    _M("pipeline_share_h2", "Pipeline share H2", "ratio", "Share of open pipeline in emerging markets.", None),
    _M("pipeline_share_h3", "Pipeline share H3", "ratio", "Share of open pipeline in adjacent markets.", None),
    _M("effort_share_h1", "Effort share H1", "ratio", "Share of deal hours in core markets.", None),
    _M("effort_share_h2", "Effort share H2", "ratio", "Share of deal hours in emerging markets.", None),
    _M("effort_share_h3", "Effort share H3", "ratio", "Share of deal hours in adjacent markets.", None),
    _M(
        "engagement_index",
        "Engagement index",
        "index",
        "Mean first-year outcome score (−3..+3) of customers won 12–24 months ago.",
    ),
)
del _M
SPEC_BY_KEY = {spec.key: spec for spec in SPECS}

# Which named query feeds which keys, and how to read one period's figure from its result.
Extract = Callable[["pl.DataFrame", dt.date, int], dict[str, tuple[Any, str | None]]]


def _row(df: pl.DataFrame, month: dt.date, **match: Any) -> dict[str, Any] | None:
    import polars as pl

    selected = df.filter(pl.col("month") == month) if "month" in df.columns else df
    for column, value in match.items():
        selected = selected.filter(pl.col(column) == value)
    return selected.row(0, named=True) if selected.height else None


def _mrr(df: pl.DataFrame, month: dt.date, window: int) -> dict[str, tuple[Any, str | None]]:
    import polars as pl

    end = _row(df, month)
    first = add_months(month, -(window - 1))
    in_window = df.filter((pl.col("month") >= first) & (pl.col("month") <= month))
    return {
        "mrr": (end["mrr"] if end else None, None),
        "customers": (end["customers"] if end else None, None),
        "new_mrr": (in_window["new_mrr"].sum(), None),
        "expansion_mrr": (in_window["expansion_mrr"].sum(), None),
    }


def _retention(df: pl.DataFrame, month: dt.date, window: int) -> dict[str, tuple[Any, str | None]]:
    row = _row(df, month) or {}
    note = None if row.get("start_customers") else "no customers at the start of the 12 months"
    return {key: (row.get(key), note) for key in ("nrr", "grr", "logo_churn")}


def _ltv(df: pl.DataFrame, month: dt.date, window: int) -> dict[str, tuple[Any, str | None]]:
    import polars as pl

    overall = df.filter(pl.col("segment").is_null())
    row = overall.row(0, named=True) if overall.height else {}
    return {"ltv": (row.get("ltv"), row.get("note"))}


def _nps(df: pl.DataFrame, month: dt.date, window: int) -> dict[str, tuple[Any, str | None]]:
    row = _row(df, month) or {}
    note = row.get("note")
    return {
        "nps": (row.get("nps"), note),
        "nps_ci_low": (row.get("nps_ci_low"), "no responses" if not row.get("responses") else None),
        "nps_ci_high": (row.get("nps_ci_high"), "no responses" if not row.get("responses") else None),
        "nps_responses": (row.get("responses"), None),
        "nps_response_rate": (row.get("response_rate"), None if row.get("invitations") else "no invitations"),
    }


def _simple(column_map: dict[str, str], empty_note: Callable[[dict[str, Any]], str | None]) -> Extract:
    def extract(df: pl.DataFrame, month: dt.date, window: int) -> dict[str, tuple[Any, str | None]]:
        row = _row(df, month) or {}
        note = empty_note(row)
        return {key: (row.get(column), note if row.get(column) is None else None) for key, column in column_map.items()}

    return extract


def _handoff(df: pl.DataFrame, month: dt.date, window: int) -> dict[str, tuple[Any, str | None]]:
    row = _row(df, month, kind="sales_to_operations") or {}
    none_sent = "no sales → operations hand-offs in the window" if not row.get("handoffs") else None
    none_accepted = none_sent or ("none accepted yet" if not row.get("accepted") else None)
    none_eligible = none_sent or ("none older than 30 days" if not row.get("eligible") else None)
    return {
        "handoff_latency_median_days": (row.get("latency_median_days"), none_accepted),
        "handoff_latency_p90_days": (row.get("latency_p90_days"), none_accepted),
        "handoff_completeness": (row.get("completeness"), none_sent),
        "handoff_dropped_rate": (row.get("dropped_rate"), none_eligible),
    }


def _horizons(df: pl.DataFrame, month: dt.date, window: int) -> dict[str, tuple[Any, str | None]]:
    values: dict[str, tuple[Any, str | None]] = {}
    for horizon in ("H1", "H2", "H3"):
        row = _row(df, month, horizon=horizon) or {}
        for measure in ("revenue", "pipeline", "effort"):
            value = row.get(f"{measure}_share")
            values[f"{measure}_share_{horizon.lower()}"] = (
                value,
                None if value is not None else f"no {measure}",
            )
    return values


def _engagement(df: pl.DataFrame, month: dt.date, window: int) -> dict[str, tuple[Any, str | None]]:
    row = _row(df, month, level="company") or {}
    note = row.get("note") or (None if row else "no customers won 12–24 months before")
    return {"engagement_index": (row.get("engagement_index"), note)}


@dataclass(frozen=True)
class Source:
    query: str
    extract: Extract
    trend: bool  # True: one run with `months` covers both periods; False: one run per period
    uses_window: bool = True


def _nothing(what: str) -> Callable[[dict[str, Any]], str | None]:
    return lambda row: f"no {what} in the window"


SOURCES: tuple[Source, ...] = (
    Source("mrr", _mrr, trend=True, uses_window=False),
    Source("retention", _retention, trend=True, uses_window=False),
    Source("ltv", _ltv, trend=False, uses_window=False),
    Source("nps", _nps, trend=True),
    Source("referral_rate", _simple({"referral_rate": "referral_rate"}, _nothing("new customers")), trend=True),
    Source(
        "win_rate",
        _simple(
            {
                "win_rate": "win_rate",
                "sales_cycle_median_days": "cycle_median_days",
                "sales_cycle_mean_days": "cycle_mean_days",
            },
            _nothing("closed new-business deals"),
        ),
        trend=True,
    ),
    Source(
        "pipeline_coverage",
        _simple({"pipeline_coverage": "coverage"}, lambda row: "no bookings target for the coming months"),
        trend=True,
    ),
    Source("handoff", _handoff, trend=True),
    Source(
        "time_to_value",
        _simple(
            {"time_to_value_median_days": "ttv_median_days"},
            lambda row: "no value milestone reached" if row.get("won") else "no new deals won in the window",
        ),
        trend=True,
    ),
    Source(
        "early_complaints",
        _simple({"early_complaint_rate": "early_complaint_rate"}, _nothing("new customers 3+ months old")),
        trend=True,
    ),
    Source(
        "promises_kept",
        _simple({"promises_kept_rate": "kept_rate"}, lambda row: "no promise kept or broken in the window"),
        trend=True,
    ),
    Source("horizon_shares", _horizons, trend=False),
    Source("engagement_index", _engagement, trend=False, uses_window=False),
)


def build_report(
    db: Reader,
    as_of: dt.date | None = None,
    window: int = 3,
    filters: Filters | None = None,
    compare_months: int | None = None,
    trend_months: int = 0,
) -> Report:
    """Every headline metric for the period ending `as_of` beside an earlier period.

    The earlier period ends `compare_months` before (default: the window, so the two
    periods never overlap). With `trend_months`, each metric that has a monthly series
    also gets its last `trend_months` values (for sparklines) from the same queries.
    """
    report, _ = build_report_with(db, (), as_of, window, filters, compare_months, trend_months)
    return report


def build_report_with(
    db: Reader,
    also: Sequence[tuple[str, Mapping[str, Any]]],
    as_of: dt.date | None = None,
    window: int = 3,
    filters: Filters | None = None,
    compare_months: int | None = None,
    trend_months: int = 0,
) -> tuple[Report, list[pl.DataFrame]]:
    """`build_report`, plus the results of the named queries `also` ((name, params) pairs), run
    in the same batch as the report's own (a session runs a batch on two cursors at once)."""
    if not 1 <= window <= 12:
        raise UsageError(f"--window must be between 1 and 12 months, got {window}")
    month = as_of or db.as_of
    if month is None:
        raise UsageError("the data has no revenue months, so there is no period to report on")
    month = month.replace(day=1)
    back = compare_months or window
    previous = add_months(month, -back)
    filters = filters or Filters()
    trend_start = add_months(month, -(trend_months - 1)) if trend_months else month
    trend_periods = [add_months(trend_start, i) for i in range(trend_months)]
    found: dict[str, dict[dt.date, tuple[Any, str | None]]] = {}
    trends: dict[str, list[float | None]] = {}
    from navigator.data import queries

    # Every query first, all at once (a session spreads them over two cursors), then the figures.
    requests: list[tuple[str, dict[str, Any]]] = []
    for source in SOURCES:
        query = queries.get(source.query)
        params: dict[str, Any] = dict(filters.as_params())
        if source.uses_window and "window" in query.param_names:
            params["window"] = window
        if source.trend:
            # one run covers both periods, the previous window in full (for sums over a
            # window), and the trend
            params["months"] = max(back + window, trend_months + window)
            requests.append((source.query, {"as_of": month, **params}))
        else:
            requests += [(source.query, {"as_of": m, **params}) for m in (month, previous)]
    frames = db.run_all([*requests, *also])
    answers = iter(frames[: len(requests)])

    for source in SOURCES:
        query = queries.get(source.query)
        missing = [table for table in query.tables if table in db.missing_tables]
        if source.trend:
            frame = next(answers)
            runs = {month: frame, previous: frame}
            series: dict[str, list[float | None]] = {}
            for period in trend_periods:
                for key, (value, _) in source.extract(frame, period, window).items():
                    series.setdefault(key, []).append(_plain(value))
            trends.update(series)
        else:
            runs = {month: next(answers), previous: next(answers)}
        for period, frame in runs.items():
            for key, (value, note) in source.extract(frame, period, window).items():
                if missing and value is None:
                    note = f"no {', '.join(missing)} data"
                found.setdefault(key, {})[period] = (_plain(value), note)

    metrics = []
    for spec in SPECS:
        now_value, now_note = found[spec.key][month]
        before_value, before_note = found[spec.key][previous]
        metrics.append(MetricValue(spec, now_value, before_value, now_note, before_note, trends.get(spec.key, [])))
    report = Report(
        source=db.label,
        as_of=month,
        previous_as_of=previous,
        window_months=window,
        filters=filters,
        metrics=metrics,
    )
    return report, frames[len(requests) :]


def _plain(value: Any) -> float | int | None:
    """A JSON-ready number: ints stay ints, NaN becomes None."""
    if value is None:
        return None
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    number = float(value)
    if number != number:  # NaN
        return None
    return number
