"""The board pack (navigator/boardpack.py) on the hand-built database.

Expected figures are worked out by hand from tests/handbuilt.py, with the arithmetic
beside each assertion: AS_OF = 2026-02, window 3 months, so "now" is 2025-12..2026-02 and
"before" is 2025-09..2025-11.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path

import duckdb
import pytest
from handbuilt import ACCOUNTS, AS_OF, REVENUE_MOVEMENTS, _flatten_opportunity, fill, insert

from navigator.boardpack import (
    DEFINITIONS,
    SIGNALS,
    TABLE_NAMES,
    TABLE_SPECS,
    board_pack_json,
    board_pack_markdown,
    board_pack_tables,
    render_board_pack,
    table_csv,
    warning_status,
)
from navigator.data.errors import UsageError
from navigator.data.report import SPECS, Filters, ViewState
from navigator.data.schema import create_schema
from navigator.data.source import open_database

STATE = ViewState(as_of=AS_OF)


@pytest.fixture(scope="module")
def db(handbuilt_path: Path):
    database = open_database(handbuilt_path)
    yield database
    database.close()


@pytest.fixture(scope="module")
def markdown(db) -> str:
    return board_pack_markdown(db, STATE)


@pytest.fixture(scope="module")
def document(db) -> dict:
    return json.loads(board_pack_json(db, STATE))


def section(markdown: str, heading: str) -> list[str]:
    """The lines under a heading, up to the next heading of any level."""
    lines = markdown.splitlines()
    start = lines.index(heading) + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#")), len(lines))
    return lines[start:end]


def record(document: dict, table: str, **match: object) -> dict:
    rows = [row for row in document["tables"][table] if all(row[k] == v for k, v in match.items())]
    assert len(rows) == 1, (table, match, rows)
    return rows[0]


# --- hand-computed figures ---------------------------------------------------------------------


def test_headline_nrr(markdown: str, document: dict) -> None:
    # Start cohort = accounts active at the end of 2025-02 (A - 12): A1 100 (its expansion is
    # 2025-03), A2 200, A3 80, A4 120 -> start MRR 500. Over 2025-03..2026-02:
    # expansion + reactivation = A1 50 + A1 30 + A2 25 + A4 100 = 205; contraction A2 50;
    # churn A4 120 + A3 80 = 200. NRR = (500 + 205 - 50 - 200) / 500 = 455 / 500 = 0.91.
    # Before (2025-11): cohort at the end of 2024-11 = A1 100 + A2 200 = 300; expansion A1 50,
    # contraction A2 50 -> (300 + 50 - 50) / 300 = 1.0. Change -9.0 pp, worse.
    assert document["metrics"]["nrr"] == {"value": 0.91, "previous": 1.0, "note": None}
    assert "| NRR[^5] | 91.0% | 100.0% | ▼ -9.0 pp worse |  |" in markdown.splitlines()
    # the overview's first paragraph repeats it
    assert "NRR 91.0% (▼ -9.0 pp worse)." in section(markdown, "## 1. Overview")[1]


def test_market_share_of_sam(markdown: str, document: dict) -> None:
    # M1 Core payroll at the end of 2026-02: A1 180 + A2 175 + A6 60 = 415 MRR -> ARR 4,980;
    # SAM now = 400 (2025Q4, the latest actual quarter) -> share 4980 / 400 = 12.45.
    # Customers 3 of 3 accounts (A1, A2, A6). A year earlier (end of 2025-02) M1's MRR was
    # A1 100 (its expansion came in 2025-03) + A2 200 = 300 -> growth 415 / 300 - 1 = 38.3%.
    m1 = record(document, "markets", market_id="M1")
    assert (m1["arr"], m1["sam_now"], m1["sam_share"]) == (4980.0, 400.0, 12.45)
    assert m1["growth"] == round(415 / 300 - 1, 6)
    row = next(line for line in markdown.splitlines() if line.startswith("| H1 core | Core payroll |"))
    assert "| 0 (core) | 1,000 | 400 | 420 | ×1.05 | 4,980 | 1245.0% | 3 / 3 | 100.0% | ▲ 38.3% |" in row
    # M2 Emerging HR analytics: A3 0 (churned) + A4 100 + A8 40 = 140 -> ARR 1,680 / SAM 200 = 8.4
    assert record(document, "markets", market_id="M2")["sam_share"] == 8.4


def test_team_engagement_outcomes_and_withheld_index(markdown: str, document: dict) -> None:
    # Sales North (T1): new deals won 2024-03..2025-02 = O1 (A1, 1,200) and O2 (A2, 2,400):
    # 2 customers, bookings 3,600. Both active 12 months after the close month -> retained 2/2.
    # A1 expanded (2025-03) and referred A5 (created 2025-03-01) -> 1/2 each; A2 complained 25
    # days after close and C6 was broken -> 1/2 each. n = 2 < 5: no index, the reason instead.
    row = record(document, "engagement_teams", level="team", team_id="T1")
    assert (row["customers"], row["bookings"], row["retained_share"], row["expanded_share"]) == (2, 3600.0, 1.0, 0.5)
    assert row["engagement_index"] is None and row["note"] == "too few customers (2 < 5)"
    line = (
        "|  | Sales North | 2 | 3,600 | 100.0% | 50.0% | 50.0% | 50.0% | 50.0% | n/a | n/a"
        " | too few customers (2 < 5) |"
    )
    assert line in markdown.splitlines()


def test_team_engagement_index(tmp_path: Path) -> None:
    # The hand-built data plus three new T2 customers won in the cohort window (2024-03..2025-02)
    # that simply stayed: each scores +1 (retained, nothing else).
    # T2 (Sales South, rep R3) then has: O3 (A3): retained at the end of 2025-12 (+1), its
    # complaint came 126 days after close and C7 was broken only on 2026-03-10, after A -> +1;
    # O4 (A4): churned 2025-04 (-1) and complained 36 days after close (-1) -> -2;
    # A10, A11, A12: +1 each. Scores (+1, -2, +1, +1, +1): mean 2 / 5 = 0.40.
    # Sample SD: deviations 0.6, -2.4, 0.6, 0.6, 0.6 -> squares 0.36 * 4 + 5.76 = 7.2; / 4 = 1.8;
    # SE = sqrt(1.8 / 5) = 0.6; 95% interval 0.40 ± 1.176 = -0.776 .. 1.576 -> unclear.
    path = tmp_path / "extended.duckdb"
    conn = duckdb.connect(str(path))
    create_schema(conn)
    fill(conn)
    extra = [("A10", "Kilo AG"), ("A11", "Lima BV"), ("A12", "Mike Oy")]
    insert(
        conn,
        "accounts",
        [(aid, name, "M1", "SMB", "EMEA", "inbound", None, "R3", dt.date(2024, 12, 1)) for aid, name in extra],
    )
    won = dict(sourced="sales", status="won")
    insert(
        conn,
        "opportunities",
        [
            _flatten_opportunity(
                (
                    oid,
                    aid,
                    "R3",
                    "new",
                    won["sourced"],
                    dt.date(2024, 12, 1),
                    closed,
                    closed,
                    won["status"],
                    100.0,
                    0.0,
                    1.0,
                    (True, True, True, True),
                    None,
                )
            )
            for oid, aid, closed in (
                ("O20", "A10", dt.date(2025, 1, 10)),
                ("O21", "A11", dt.date(2025, 1, 20)),
                ("O22", "A12", dt.date(2025, 2, 5)),
            )
        ],
    )
    insert(
        conn,
        "revenue_movements",
        [
            ("A10", dt.date(2025, 1, 1), "new", 10.0, "sales", "R3", "O20"),
            ("A11", dt.date(2025, 1, 1), "new", 10.0, "sales", "R3", "O21"),
            ("A12", dt.date(2025, 2, 1), "new", 10.0, "sales", "R3", "O22"),
        ],
    )
    conn.close()
    database = open_database(path)
    try:
        tables = board_pack_tables(database, STATE)
        markdown = board_pack_markdown(database, STATE)
    finally:
        database.close()
    t2 = next(r for r in tables["engagement_teams"].iter_rows(named=True) if r["team_id"] == "T2")
    assert t2["customers"] == 5
    assert t2["engagement_index"] == pytest.approx(0.4)
    assert (t2["ci_low"], t2["ci_high"]) == (pytest.approx(0.4 - 1.96 * 0.6), pytest.approx(0.4 + 1.96 * 0.6))
    assert t2["verdict"] == "unclear"
    line = next(line for line in markdown.splitlines() if "| Sales South | 5 |" in line)
    assert line.endswith("| +0.40 | -0.78..+1.58 | ≈ unclear |")
    # R3 is T2's only rep: the same five customers, ranked first of the reps with an index
    reps = section(markdown, "### Extraction vs engagement: bookings against what became of those customers")
    assert any(line.startswith("| 1 | Zoë Müller | Sales South | 5 |") for line in reps)


def test_cohort_cell(markdown: str, document: dict) -> None:
    # Cohort 2024-12 = A3 (80) and A4 (120), n = 2. A4 churned in 2025-04, A3 only in 2026-02:
    # +3 (end of 2025-03) 2/2 = 100%; +6 (2025-06) 1/2 = 50%; +12 (2025-12) 1/2 = 50%;
    # +15 is 2026-03, after the as-of month: blank.
    lines = markdown.splitlines()
    assert "| 2024-12 | 2 | 100% | 100% | 100% | 50% | 50% | 50% |  |  |  |" in lines
    cohort = record(document, "cohort_retention", cohort="2024-12-01")
    assert (cohort["customers"], cohort["m3"], cohort["m4"], cohort["m14"], cohort["m15"]) == (2, 1.0, 0.5, 0.5, None)
    # its MRR: 200 at the end of 2024-12; at 2026-02 A3 0 + A4 100 (reactivated) = 100 -> 0.5
    mrr = record(document, "cohort_mrr_retention", cohort="2024-12-01")
    assert (mrr["start_mrr"], mrr["m4"], mrr["m14"]) == (200.0, 0.4, 0.5)  # m4: A3 80 / 200
    # 24 cohort months, newest first, also those without a first revenue (n = 0)
    months = [row["cohort"] for row in document["tables"]["cohort_retention"]]
    assert months[0] == "2026-02-01" and months[-1] == "2024-03-01" and len(months) == 24
    assert record(document, "cohort_retention", cohort="2026-01-01")["customers"] == 0


def test_promises(markdown: str, document: dict) -> None:
    # Due 2025-12-01..2026-02-28: C1 kept (resolved 2026-01-08), C2 broken (2026-01-05),
    # C3 kept only on 2026-03-03 -> open at the end of A, overdue (due 02-15); C4 open, due on
    # A's last day -> not overdue; C5 open, due 01-31 -> overdue.
    # due 5, kept 1, broken 1, open 3, overdue 2; kept rate 1 / (1 + 1) = 50%. Nothing due before.
    now = record(document, "promises_kept", period="now")
    assert (now["due"], now["kept"], now["broken"], now["open"], now["overdue"], now["kept_rate"]) == (
        5,
        1,
        1,
        3,
        2,
        0.5,
    )
    ledger = section(markdown, "### Promises kept vs broken")
    assert "| Kept rate[^25] | 50.0% | n/a | n/a |" in ledger
    assert "| of which overdue | 2 | 0 | ▲ +2 worse |" in ledger
    # By team: C1, C2, C3 on O5/O6 (reps R1, R2: Sales North); C4, C5 on O8 (R3: Sales South).
    assert "| 1 | Sales North | 50.0% | 3 | 1 | 1 | 1 | 1 |" in ledger
    assert "| 2 | Sales South | n/a | 2 | 0 | 0 | 2 | 1 |" in ledger


def test_handoff_baton(markdown: str, document: dict) -> None:
    # Sales -> operations sent in the window: H1, H2, H3, H4 (4). Accepted by the end of A:
    # H1 2.0 d, H2 40.5 d, H3 1.5 d (H4 only in March). Median 2.0; p90 by interpolation:
    # rank (3 - 1) * 0.9 = 1.8 -> 2.0 + 0.8 * (40.5 - 2.0) = 32.8. Complete: H1, H3 -> 2/4.
    # Old enough (sent 30+ days before the end of A): H1, H2; H2 took 40.5 days -> dropped 1/2.
    row = record(document, "handoffs", kind="sales_to_operations", period="now")
    assert (row["handoffs"], row["accepted"], row["latency_median_days"], row["latency_p90_days"]) == (4, 3, 2.0, 32.8)
    assert (row["completeness"], row["dropped"], row["eligible"], row["dropped_rate"]) == (0.5, 1, 2, 0.5)
    baton = section(markdown, "### The relay baton: strategy → sales → operations → sales")
    assert "|  | Latency, p90[^55] | 32.8 d | n/a | n/a |  |" in baton
    assert "|  | Dropped batons[^57] | 50.0% | n/a | n/a | 1 of 2 over 30 days old |" in baton
    # All kinds: H1-H4, H7, H8, H9 = 7 sent; only H8 lacks objectives -> 1/7 = 14.3%.
    lacks = section(markdown, "### What the baton lacks most often")
    assert "| No objectives | 14.3% (1) | 50.0% (1) | 0.0% (0) | 0.0% (0) |" in lacks


def test_early_warning_pipeline(markdown: str) -> None:
    # Open at the end of 2026-02 in H2/H3 markets: O12 3,000 + O14 900 + O17 500 (closes in
    # March) + O19 400 = 4,800. At the end of 2025-11: O5 720 + O7 5,000 + O10 1,000 + O15 840
    # = 7,560. Down 2,760 = 36.5% of 7,560, more than 5%: a warning (less pipeline is worse).
    warnings = section(markdown, "### Early warnings: is the ship drifting?")
    assert "| Open pipeline in H2 + H3 markets[^38] | 4,800 | 7,560 | ▼ -2,760 worse | ⚠ warning |" in warnings


def test_value_questions_and_lost_to(markdown: str) -> None:
    # New deals closed in the window: O5, O6, O8, O15 won; O7, O10, O11 lost -> 7. Answering
    # "what did you bring me": all but O7 -> 6 of 7 = 85.7%.
    assert "| What did you bring me? | 85.7% | 6 of 7 |" in section(markdown, "### The customer's four questions")
    # Lost: O7 to Contoso (ACV 5,000), O10 to the status quo (1,000), O11 not recorded (800).
    lost = section(markdown, "### What lost customers chose instead")
    assert "| a competitor | 1 | 33.3% | 5,000 |" in lost
    assert "| built in-house | 0 | 0.0% | 0 |" in lost
    assert "| not recorded | 1 | 33.3% | 800 |" in lost


def test_reputation_realized(markdown: str) -> None:
    # RE1 (A1, 2025-10-01) supported O5, won 2025-12-11 for 720: 1 deal, lag 71 days.
    # A5 (referred by A1, created 2025-03-01) has first revenue 2025-12 (60 new MRR); its open
    # deal O17 (500) is the referral pipeline; lag to its first won deal O5: 285 days.
    realized = section(markdown, "### Realized: what assets brought")
    assert "| References | 1 deal won | 720 ACV won | 0 | 71.0 d | 71.0 d |" in realized
    assert "| Referrals | 1 new customer | 60 new MRR | 500 | 285.0 d | 285.0 d |" in realized


# --- stability --------------------------------------------------------------------------------


def test_two_renders_are_byte_identical(db, handbuilt_path: Path, markdown: str) -> None:
    again = open_database(handbuilt_path)  # a second connection, as a second run would
    try:
        assert board_pack_markdown(again, STATE) == markdown
        assert board_pack_json(again, STATE) == board_pack_json(db, STATE)
        assert table_csv(again, STATE, "engagement_teams") == table_csv(db, STATE, "engagement_teams")
    finally:
        again.close()
    assert str(handbuilt_path) in markdown  # the source label as given, nothing else of the machine
    assert markdown.endswith("\n") and not markdown.endswith("\n\n")


def skeleton(markdown: str) -> list[tuple[str, int, tuple[str, ...]]]:
    """Per heading: the number of lines under it and its table header rows."""
    out: list[tuple[str, int, tuple[str, ...]]] = []
    lines = markdown.splitlines()
    for line in lines:
        if line.startswith("#"):
            body = section(markdown, line) if lines.count(line) == 1 else []
            headers = tuple(
                body[i] for i in range(len(body) - 1) if body[i].startswith("|") and body[i + 1].startswith("|---")
            )
            out.append((line, len(body), headers))
    return out


@pytest.mark.parametrize("as_of", [dt.date(2025, 11, 1), dt.date(2026, 1, 1)])
def test_another_period_has_the_same_structure(db, markdown: str, as_of: dt.date) -> None:
    other = board_pack_markdown(db, ViewState(as_of=as_of))
    assert other != markdown
    assert skeleton(other) == skeleton(markdown)
    assert len(other.splitlines()) == len(markdown.splitlines())


def test_footnotes_are_defined_and_referenced(markdown: str) -> None:
    body, _, notes = markdown.partition("\n## Definitions\n")
    defined = re.findall(r"^\[\^(\d+)\]: `(\w+)`: ", notes, flags=re.MULTILINE)
    assert [int(n) for n, _ in defined] == list(range(1, len(DEFINITIONS) + 1))
    assert [key for _, key in defined] == [key for key, _ in DEFINITIONS]
    assert len({text for _, text in DEFINITIONS}) == len(DEFINITIONS), "a footnote per distinct definition"
    referenced = {int(n) for n in re.findall(r"\[\^(\d+)\]", body)}
    assert referenced == set(range(1, len(DEFINITIONS) + 1))
    # the headline keeps the old report's footnotes: [^1] is mrr
    assert "[^1]: `mrr`: " in notes and "| NRR[^" in body


def test_sections_in_tab_order(markdown: str) -> None:
    sections = [line for line in markdown.splitlines() if line.startswith("## ")]
    assert sections == [
        "## 1. Overview",
        "## 2. Market horizon",
        "## 3. Reputation assets",
        "## 4. Hand-off",
        "## 5. Value dynamics",
        "## 6. Lifecycle",
        "## Definitions",
    ]


# --- tables, JSON and CSV ---------------------------------------------------------------------


def test_json_keeps_the_report_keys_and_adds_tables(document: dict) -> None:
    assert list(document) == ["source", "as_of", "previous", "window_months", "filters", "metrics", "tables"]
    assert (document["as_of"], document["previous"], document["window_months"]) == ("2026-02", "2025-11", 3)
    assert list(document["metrics"]) == [spec.key for spec in SPECS]
    assert list(document["tables"]) == list(TABLE_NAMES)
    for spec in TABLE_SPECS:
        for row in document["tables"][spec.name]:
            assert tuple(row) == spec.columns, spec.name


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_every_table_as_csv(db, name: str) -> None:
    text = table_csv(db, STATE, name)
    rows = list(csv.reader(io.StringIO(text)))
    spec = next(spec for spec in TABLE_SPECS if spec.name == name)
    assert tuple(rows[0]) == spec.columns
    assert all(len(row) == len(spec.columns) for row in rows)
    assert render_board_pack(db, STATE, "csv", name) == text


def test_csv_plain_values(db) -> None:
    rows = list(csv.DictReader(io.StringIO(table_csv(db, STATE, "retention_trend"))))
    latest = rows[-1]
    assert latest["month"] == "2026-02-01"  # ISO dates
    assert latest["nrr"] == "0.91"  # a fraction, not a percentage


def test_unknown_table_names_the_valid_ones(db) -> None:
    with pytest.raises(UsageError) as caught:
        table_csv(db, STATE, "cohorts")
    message = str(caught.value)
    assert "'cohorts'" in message
    assert all(name in message for name in TABLE_NAMES)
    with pytest.raises(UsageError, match="valid names"):
        render_board_pack(db, STATE, "csv", "nope")


def test_render_board_pack_formats(db, markdown: str) -> None:
    assert render_board_pack(db, STATE, "markdown", None) == markdown
    assert json.loads(render_board_pack(db, STATE, "json", None))["tables"]
    one = json.loads(render_board_pack(db, STATE, "json", "lost_to"))
    assert [row["lost_to"] for row in one] == ["Contoso", "status quo", "unknown"]  # deals, then ACV desc
    with pytest.raises(UsageError, match="needs --table"):
        render_board_pack(db, STATE, "csv", None)
    with pytest.raises(UsageError, match="--table works with"):
        render_board_pack(db, STATE, "markdown", "ltv")
    with pytest.raises(UsageError, match="format"):
        render_board_pack(db, STATE, "pdf", None)


def test_teams_are_every_sales_team_and_follow_the_team_filter(db) -> None:
    tables = board_pack_tables(db, STATE)
    # no new customer in the complaint cohort (won 2025-09..2025-11), yet both sales teams have a row
    teams = [r["team"] for r in tables["complaints_by_team"].iter_rows(named=True) if r["level"] == "team"]
    assert teams == ["Sales North", "Sales South"]
    filtered = board_pack_tables(db, ViewState(as_of=AS_OF, filters=Filters(team_id="T2")))
    assert [r["team_id"] for r in filtered["promises_by_team"].iter_rows(named=True)] == ["T2"]


def test_signals_are_the_overviews_own() -> None:
    """One definition of the early warnings serves the overview panel and the pack."""
    from navigator.data import warnings

    assert SIGNALS is warnings.SIGNALS
    assert warning_status is warnings.warning_status


# --- a database with only the required tables ----------------------------------------------------


def test_minimal_database(tmp_path: Path) -> None:
    path = tmp_path / "minimal.duckdb"
    conn = duckdb.connect(str(path))
    create_schema(conn, ("accounts", "revenue_movements"))
    insert(conn, "accounts", ACCOUNTS)
    insert(conn, "revenue_movements", REVENUE_MOVEMENTS)
    conn.close()
    database = open_database(path)
    try:
        state = ViewState(as_of=AS_OF)
        markdown = board_pack_markdown(database, state)
        document = json.loads(board_pack_json(database, state))
        for name in TABLE_NAMES:
            assert table_csv(database, state, name).splitlines()[0] == ",".join(
                next(spec.columns for spec in TABLE_SPECS if spec.name == name)
            )
    finally:
        database.close()
    assert list(document["tables"]) == list(TABLE_NAMES)
    # sections without their data say what would fill them
    assert "It is filled by: `markets`, `market_sizes`." in "\n".join(section(markdown, "## 2. Market horizon"))
    assert "It is filled by: `handoffs`, `opportunities`, `commitments`." in markdown
    assert "It is filled by: `opportunities`." in markdown
    assert "No NPS surveys in the data (`nps_responses`)" in markdown
    # what the two tables do fill is there: NRR 91.0% as on the full database
    assert "| NRR[^5] | 91.0% | 100.0% | ▼ -9.0 pp worse |  |" in markdown.splitlines()
    assert "| 2024-12 | 2 | 100% | 100% | 100% | 50% | 50% | 50% |  |  |  |" in markdown.splitlines()
