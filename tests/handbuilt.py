"""A small hand-built navigator database whose every metric can be worked out on paper.

`build_handbuilt(path_or_conn)` creates the schema and inserts the rows below. The as-of
month is February 2026 (`AS_OF`); with the default window of 3 months the window is
2025-12-01 .. 2026-02-28. A few rows lie after the as-of month on purpose, to prove that
the queries only see what was known at the end of the month.

The story, account by account (owner -> team; MRR as a running sum of movements):

    A1 Acme Corp          M1/H1 Enterprise  EMEA  R1 (T1)  new 2024-04 +100, exp 2025-03 +50 (ops),
                                                            exp 2026-02 +30 (ops)             -> 180
    A2 שלום מערכות בע"מ   M1/H1 Mid-market  EMEA  R2 (T1)  new 2024-06 +200, contr 2025-09 -50,
                                                            exp 2026-02 +25 (sales)           -> 175
    A3 شركة النور          M2/H2 SMB         APAC  R3 (T2)  new 2024-12 +80, churn 2026-02 -80 -> 0
    A4 Björk & Co         M2/H2 Enterprise  NA    R3 (T2)  new 2024-12 +120, churn 2025-04 -120,
                                                            reactivation 2026-02 +100         -> 100
    A5 Delta Ltd          M3/H3 SMB         NA    R1 (T1)  referred by A1; new 2025-12 +60    -> 60
    A6 Echo GmbH          M1/H1 Mid-market  APAC  R2 (T1)  new 2025-12 +90, contr 2026-02 -30 -> 60
    A7 Foxtrot Inc        M3/H3 Enterprise  EMEA  R3 (T2)  a prospect: lost and open deals only
    A8 Gamma SA           M2/H2 SMB         NA    R3 (T2)  new 2026-02 +40                    -> 40
    A9 Ñandú Ltda         M3/H3 Mid-market  APAC  R3 (T2)  won 2026-02-20, new 2026-03 +70 (after A)

Teams: TS strategy, T1 and T2 sales, T3 operations (R4 sells expansion there).
The expected values are worked out in tests/test_metrics.py, next to each assertion.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from navigator.data import rollups
from navigator.data.schema import create_schema

AS_OF = dt.date(2026, 2, 1)

D = dt.date
T = dt.datetime

META = [
    ("schema_version", "1"),
    ("as_of", "2026-02-01"),
    ("generator", "tests/handbuilt.py"),
]

MARKETS = [
    # market_id, name, horizon, shares_customers, shares_channels, shares_capabilities
    ("M1", "Core payroll", "H1", True, True, True),
    ("M2", "Emerging HR analytics", "H2", True, False, True),
    ("M3", "Adjacent benefits", "H3", False, False, True),
]

MARKET_SIZES = [
    # market_id, period, tam, sam, is_forecast
    ("M1", D(2025, 10, 1), 1000.0, 400.0, False),
    ("M1", D(2026, 4, 1), 1050.0, 420.0, True),
    ("M2", D(2025, 10, 1), 600.0, 200.0, False),
    ("M2", D(2026, 4, 1), 1500.0, 500.0, True),
    ("M3", D(2025, 10, 1), 300.0, 100.0, False),
]

MARKET_ALTERNATIVES = [
    ("M1", "In-house build", "in_house"),
    ("M1", "status quo", "status_quo"),
    ("M2", "Globex", "competitor"),
    ("M2", "status quo", "status_quo"),
    ("M3", "Contoso", "competitor"),
    ("M3", "status quo", "status_quo"),
]

TEAMS = [
    ("TS", "Strategy Office", "strategy"),
    ("T1", "Sales North", "sales"),
    ("T2", "Sales South", "sales"),
    ("T3", "Customer Operations", "operations"),
]

REPS = [
    ("R1", "Dana Levi", "T1", D(2022, 1, 10)),
    ("R2", "Omar Haddad", "T1", D(2023, 3, 1)),
    ("R3", "Zoë Müller", "T2", D(2021, 6, 15)),
    ("R4", "Yusuf Ben-David", "T3", D(2022, 9, 1)),
]

ACCOUNTS = [
    # account_id, name, market_id, segment, region, acquisition_source, referred_by, owner, created_on
    ("A1", "Acme Corp", "M1", "Enterprise", "EMEA", "outbound", None, "R1", D(2024, 3, 1)),
    ("A2", "שלום מערכות בע\"מ", "M1", "Mid-market", "EMEA", "inbound", None, "R2", D(2024, 5, 1)),
    ("A3", "شركة النور", "M2", "SMB", "APAC", "event", None, "R3", D(2024, 10, 1)),
    ("A4", "Björk & Co", "M2", "Enterprise", "NA", "partner", None, "R3", D(2024, 11, 1)),
    ("A5", "Delta Ltd", "M3", "SMB", "NA", "referral", "A1", "R1", D(2025, 3, 1)),
    ("A6", "Echo GmbH", "M1", "Mid-market", "APAC", "outbound", None, "R2", D(2025, 9, 15)),
    ("A7", "Foxtrot Inc", "M3", "Enterprise", "EMEA", "outbound", None, "R3", D(2025, 8, 1)),
    ("A8", "Gamma SA", "M2", "SMB", "NA", "inbound", None, "R3", D(2026, 1, 5)),
    ("A9", "Ñandú Ltda", "M3", "Mid-market", "APAC", "event", None, "R3", D(2025, 11, 1)),
]

# answers_* flags: (value, why_me, why_now, alternative)
_ALL4 = (True, True, True, True)
_NONE = (False, False, False, False)

OPPORTUNITIES = [
    # id, account, rep, kind, sourced_by, created, expected_close, closed, status, amount, discount,
    # effort_hours, answers, lost_to
    ("O1", "A1", "R1", "new", "sales", D(2024, 2, 1), D(2024, 4, 10), D(2024, 4, 10), "won",
     1200.0, 0.0, 30.0, _ALL4, None),
    ("O2", "A2", "R2", "new", "sales", D(2024, 4, 1), D(2024, 6, 20), D(2024, 6, 20), "won",
     2400.0, 0.1, 40.0, (True, True, False, False), None),
    ("O3", "A3", "R3", "new", "strategy", D(2024, 10, 5), D(2024, 12, 5), D(2024, 12, 5), "won",
     960.0, 0.0, 12.0, _ALL4, None),
    ("O4", "A4", "R3", "new", "sales", D(2024, 11, 1), D(2024, 12, 15), D(2024, 12, 15), "won",
     1440.0, 0.25, 25.0, _NONE, None),
    ("O5", "A5", "R1", "new", "sales", D(2025, 11, 1), D(2025, 12, 11), D(2025, 12, 11), "won",
     720.0, 0.0, 18.0, (True, True, True, False), None),
    ("O6", "A6", "R2", "new", "sales", D(2025, 10, 1), D(2025, 12, 20), D(2025, 12, 20), "won",
     1080.0, 0.05, 22.0, _ALL4, None),
    ("O7", "A7", "R3", "new", "sales", D(2025, 9, 1), D(2026, 1, 15), D(2026, 1, 15), "lost",
     5000.0, 0.0, 35.0, _NONE, "Contoso"),
    ("O8", "A8", "R3", "new", "sales", D(2026, 1, 10), D(2026, 2, 9), D(2026, 2, 9), "won",
     480.0, 0.0, 20.0, _ALL4, None),
    ("O9", "A1", "R4", "expansion", "operations", D(2025, 1, 10), D(2025, 2, 25), D(2025, 2, 25), "won",
     600.0, 0.0, 6.0, (True, False, False, False), None),
    # lost on an account owned by T2, by a T1 rep: the team filter of deal metrics follows the rep
    ("O10", "A7", "R1", "new", "sales", D(2025, 10, 1), D(2025, 12, 5), D(2025, 12, 5), "lost",
     1000.0, 0.0, 9.0, (True, True, False, False), "status quo"),
    ("O11", "A7", "R2", "new", "sales", D(2025, 12, 15), D(2026, 2, 1), D(2026, 2, 3), "lost",
     800.0, 0.0, 12.0, (True, False, False, False), None),
    ("O12", "A7", "R3", "new", "sales", D(2026, 2, 1), D(2026, 3, 20), None, "open",
     3000.0, 0.0, 40.0, (True, False, False, False), None),
    ("O13", "A2", "R4", "expansion", "operations", D(2026, 1, 15), D(2026, 4, 15), None, "open",
     1800.0, 0.0, 10.0, (True, True, False, False), None),
    # open, but its expected close date has already passed
    ("O14", "A7", "R1", "new", "sales", D(2025, 12, 1), D(2026, 1, 31), None, "open",
     900.0, 0.0, 15.0, _NONE, None),
    ("O15", "A9", "R3", "new", "strategy", D(2025, 11, 12), D(2026, 2, 15), D(2026, 2, 20), "won",
     840.0, 0.0, 30.0, (True, False, False, False), None),
    ("O16", "A7", "R3", "new", "sales", D(2025, 8, 1), D(2025, 10, 20), D(2025, 10, 20), "lost",
     600.0, 0.0, 8.0, _NONE, "Contoso"),
    # closed after the as-of month: still open at the end of February 2026
    ("O17", "A5", "R1", "expansion", "sales", D(2026, 1, 20), D(2026, 3, 5), D(2026, 3, 10), "won",
     500.0, 0.0, 5.0, (True, False, False, False), None),
    # created after the as-of month: unknown at the end of February 2026
    ("O18", "A7", "R3", "new", "sales", D(2026, 3, 2), D(2026, 4, 10), None, "open",
     10000.0, 0.0, 50.0, _NONE, None),
    ("O19", "A8", "R4", "expansion", "operations", D(2026, 2, 10), D(2026, 6, 15), None, "open",
     400.0, 0.0, 8.0, _NONE, None),
]

REVENUE_MOVEMENTS = [
    # account, month, kind, mrr_change, booked_by, rep, opportunity
    ("A1", D(2024, 4, 1), "new", 100.0, "sales", "R1", "O1"),
    ("A1", D(2025, 3, 1), "expansion", 50.0, "operations", "R4", "O9"),
    ("A1", D(2026, 2, 1), "expansion", 30.0, "operations", "R4", None),
    ("A2", D(2024, 6, 1), "new", 200.0, "sales", "R2", "O2"),
    ("A2", D(2025, 9, 1), "contraction", -50.0, "operations", "R4", None),
    ("A2", D(2026, 2, 1), "expansion", 25.0, "sales", "R2", None),
    ("A3", D(2024, 12, 1), "new", 80.0, "sales", "R3", "O3"),
    ("A3", D(2026, 2, 1), "churn", -80.0, "operations", "R4", None),
    ("A4", D(2024, 12, 1), "new", 120.0, "sales", "R3", "O4"),
    ("A4", D(2025, 4, 1), "churn", -120.0, "operations", "R4", None),
    ("A4", D(2026, 2, 1), "reactivation", 100.0, "operations", "R4", None),
    ("A5", D(2025, 12, 1), "new", 60.0, "sales", "R1", "O5"),
    ("A6", D(2025, 12, 1), "new", 90.0, "sales", "R2", "O6"),
    ("A6", D(2026, 2, 1), "contraction", -30.0, "operations", "R4", None),
    ("A8", D(2026, 2, 1), "new", 40.0, "sales", "R3", "O8"),
    ("A9", D(2026, 3, 1), "new", 70.0, "sales", "R3", "O15"),  # after the as-of month
]

HANDOFFS = [
    # id, kind, market, account, opportunity, from, to, sent_at, accepted_at,
    # objectives, stakeholders, commitments, risks
    ("H1", "sales_to_operations", None, "A5", "O5", "T1", "T3",
     T(2025, 12, 11, 9), T(2025, 12, 13, 9), True, True, True, True),        # fast: 2.0 days
    ("H2", "sales_to_operations", None, "A6", "O6", "T1", "T3",
     T(2025, 12, 20, 0), T(2026, 1, 29, 12), True, True, True, False),       # slow: 40.5 days
    ("H3", "sales_to_operations", None, "A8", "O8", "T2", "T3",
     T(2026, 2, 9, 10), T(2026, 2, 10, 22), True, True, True, True),         # fast: 1.5 days
    ("H4", "sales_to_operations", None, "A9", "O15", "T2", "T3",
     T(2026, 2, 20, 8), T(2026, 3, 5, 8), True, False, True, True),          # accepted after A
    ("H5", "sales_to_operations", None, "A3", "O3", "T2", "T3",
     T(2024, 12, 5, 10), T(2024, 12, 6, 10), True, True, True, True),        # long before the window
    ("H6", "strategy_to_sales", "M2", None, None, "TS", "T2",
     T(2025, 11, 20, 9), T(2025, 11, 21, 9), True, True, True, True),        # before the window
    ("H7", "strategy_to_sales", "M3", None, None, "TS", "T1",
     T(2026, 1, 5, 9), T(2026, 1, 8, 9), True, True, True, True),            # 3.0 days
    ("H8", "strategy_to_sales", "M2", None, None, "TS", "T2",
     T(2026, 1, 10, 0), None, False, True, True, True),                      # never accepted
    ("H9", "operations_to_sales", None, "A1", None, "T3", "T1",
     T(2026, 2, 25, 12), None, True, True, True, True),                      # not accepted yet
]

COMMITMENTS = [
    # id, opportunity, account, promise, due_on, status, resolved_on
    ("C1", "O5", "A5", "Integration live in 30 days", D(2026, 1, 10), "kept", D(2026, 1, 8)),
    ("C2", "O6", "A6", "Dedicated success manager", D(2025, 12, 31), "broken", D(2026, 1, 5)),
    ("C3", "O6", "A6", "Data migration", D(2026, 2, 15), "kept", D(2026, 3, 3)),  # resolved after A
    ("C4", "O8", "A8", "Admin training", D(2026, 2, 28), "open", None),             # due on A's last day
    ("C5", "O8", "A8", "Custom report", D(2026, 1, 31), "open", None),              # overdue
    ("C6", "O2", "A2", "Single sign-on by Q3", D(2024, 9, 15), "broken", D(2024, 9, 30)),
    ("C7", "O3", "A3", "Onboarding in two weeks", D(2025, 1, 31), "broken", D(2026, 3, 10)),
    ("C8", "O1", "A1", "Quarterly business review", D(2024, 7, 1), "kept", D(2024, 7, 1)),
]

SERVICE_EVENTS = [
    # id, account, opportunity, kind, occurred_on, severity
    ("E1", "A1", "O1", "onboarding_milestone", D(2024, 4, 20), None),
    ("E2", "A1", "O1", "value_milestone", D(2024, 5, 20), None),
    ("E3", "A2", "O2", "complaint", D(2024, 7, 15), "high"),       # 25 days after O2's close
    ("E4", "A4", "O4", "complaint", D(2025, 1, 20), "medium"),     # 36 days after O4's close
    ("E5", "A3", "O3", "complaint", D(2025, 4, 10), "low"),        # 126 days after O3's close
    ("E6", "A5", "O5", "value_milestone", D(2026, 1, 10), None),
    ("E7", "A5", "O5", "value_milestone", D(2026, 2, 15), None),
    ("E8", "A5", "O5", "ticket", D(2026, 1, 3), "low"),
    ("E9", "A6", None, "value_milestone", D(2025, 12, 1), None),   # a pilot, before the close
    ("E10", "A6", "O6", "value_milestone", D(2026, 2, 18), None),
    ("E11", "A6", "O6", "complaint", D(2026, 1, 5), "high"),       # 16 days after O6's close
    ("E12", "A8", "O8", "value_milestone", D(2026, 2, 24), None),
    ("E13", "A9", "O15", "value_milestone", D(2026, 3, 15), None),  # after A
    ("E14", "A5", "O5", "complaint", D(2026, 3, 25), "medium"),     # 104 days after O5's close
]

NPS_RESPONSES = [
    # id, account, surveyed_on, responded_on, score
    ("N1", "A1", D(2025, 12, 5), D(2025, 12, 6), 10),
    ("N2", "A2", D(2026, 1, 10), D(2026, 1, 12), 9),
    ("N3", "A4", D(2026, 2, 3), D(2026, 2, 4), 7),
    ("N4", "A6", D(2026, 2, 10), D(2026, 2, 11), 3),
    ("N5", "A5", D(2026, 1, 20), None, None),
    ("N6", "A3", D(2025, 11, 15), D(2025, 11, 16), 2),
    ("N7", "A8", D(2026, 2, 20), None, None),
]

REPUTATION_EVENTS = [
    # id, account, kind, occurred_on, opportunity, rating, depreciated_on
    ("RE1", "A1", "reference", D(2025, 10, 1), "O5", None, None),
    ("RE2", "A1", "case_study", D(2025, 6, 1), None, None, None),
    ("RE3", "A2", "testimonial", D(2025, 10, 1), None, None, D(2026, 1, 15)),
    ("RE4", "A5", "review", D(2026, 2, 1), None, 4, None),
    ("RE5", "A4", "award", D(2025, 11, 20), None, None, None),
]

TARGETS = [
    # month, team_id, bookings_target
    (D(2026, 1, 1), None, 2000.0),
    (D(2026, 2, 1), None, 2000.0),
    (D(2026, 3, 1), None, 2000.0),
    (D(2026, 4, 1), None, 2000.0),
    (D(2026, 5, 1), None, 2000.0),
    (D(2026, 6, 1), None, 1000.0),
    (D(2026, 3, 1), "T1", 250.0),
    (D(2026, 3, 1), "T2", 1000.0),
    (D(2026, 4, 1), "T2", 1000.0),
    (D(2026, 5, 1), "T2", 1000.0),
]


def _placeholders(n: int) -> str:
    return ", ".join("?" * n)


def insert(conn: duckdb.DuckDBPyConnection, table: str, rows: list[tuple]) -> None:
    """Insert rows (tuples in the table's column order) into a table."""
    if rows:
        conn.executemany(f"INSERT INTO {table} VALUES ({_placeholders(len(rows[0]))})", rows)


def _flatten_opportunity(row: tuple) -> tuple:
    (oid, acct, rep, kind, sourced, created, expected, closed, status, amount, discount, effort,
     answers, lost_to) = row
    return (oid, acct, rep, kind, sourced, created, None, None, expected, closed, status, amount,
            discount, effort, *answers, lost_to)


def fill(conn: duckdb.DuckDBPyConnection) -> None:
    """Insert the hand-built rows into an existing (empty) schema."""
    insert(conn, "meta", META)
    insert(conn, "markets", MARKETS)
    insert(conn, "market_sizes", MARKET_SIZES)
    insert(conn, "market_alternatives", MARKET_ALTERNATIVES)
    insert(conn, "teams", TEAMS)
    insert(conn, "reps", REPS)
    insert(conn, "accounts", ACCOUNTS)
    insert(conn, "opportunities", [_flatten_opportunity(row) for row in OPPORTUNITIES])
    insert(conn, "revenue_movements", REVENUE_MOVEMENTS)
    insert(conn, "handoffs", HANDOFFS)
    insert(conn, "commitments", COMMITMENTS)
    insert(conn, "service_events", SERVICE_EVENTS)
    insert(conn, "nps_responses", NPS_RESPONSES)
    insert(conn, "reputation_events", REPUTATION_EVENTS)
    insert(conn, "targets", TARGETS)


def build_handbuilt(path_or_conn: str | Path | duckdb.DuckDBPyConnection):
    """Create the schema and the hand-built rows.

    Given a connection, fill it and return it (still open; the named queries then read the
    summary tables as views, always current). Given a path, create the file, fill it, store
    its summary tables as `navigator sample` and `navigator import` do, close it and return
    the path.
    """
    if isinstance(path_or_conn, duckdb.DuckDBPyConnection):
        create_schema(path_or_conn)
        fill(path_or_conn)
        return path_or_conn
    path = Path(path_or_conn)
    conn = duckdb.connect(str(path))
    try:
        create_schema(conn)
        fill(conn)
        rollups.build_rollups(conn)
    finally:
        conn.close()
    return path
