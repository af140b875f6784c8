"""What an import counts as revenue (docs/import.md, "Transactions", "Rows set aside", "The as-of
month", "Revenue movements: the ledger"): service periods spread over their months, $0 months,
refunds, duplicates, unpaid lines, currencies, rows out of time, invoices issued in advance, and
movements checked as a ledger. Every expected figure is worked out in the test."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest

from navigator.data.errors import UsageError
from navigator.data.importer import ImportOptions, ImportResult, run_import
from navigator.data.ingest.problems import ImportProblems
from navigator.data.source import open_database

D = dt.date
TODAY = D(2026, 1, 15)  # the import day of these tests


@pytest.fixture(autouse=True)
def _in_tmp_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # files are named as a user in that folder would name them


def imported(tmp_path: Path, files: dict[str, str], today: dt.date = TODAY, **options: object) -> ImportResult:
    for name, text in files.items():
        (tmp_path / name).write_text(text, encoding="utf-8")
    return run_import(Path("out.duckdb"), [Path(name) for name in files], ImportOptions(**options), today=today)  # type: ignore[arg-type]


def mrr_by_month(tmp_path: Path, account: str | None = None) -> dict[str, float]:
    """Each account's (or every account's) MRR at the end of each month, from the movements."""
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    try:
        rows = conn.execute(
            "SELECT strftime(month, '%Y-%m'), sum(sum(mrr_change)) OVER (ORDER BY month) FROM revenue_movements "
            "WHERE $account IS NULL OR account_id = $account GROUP BY month ORDER BY month",
            {"account": account},
        ).fetchall()
    finally:
        conn.close()
    return {month: round(value, 2) for month, value in rows}


def movements(tmp_path: Path) -> list[tuple]:
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    try:
        return conn.execute(
            "SELECT account_id, strftime(month, '%Y-%m'), kind, mrr_change FROM revenue_movements ORDER BY 1, 2, 3"
        ).fetchall()
    finally:
        conn.close()


# --- service periods ---------------------------------------------------------------------------------


def test_an_annual_plan_billed_up_front_pays_a_twelfth_a_month(tmp_path: Path) -> None:
    result = imported(
        tmp_path,
        {
            "invoices.csv": "customer,invoice date,amount,interval\n"
            "C1,2024-03-10,1200,annual\n"  # Mar 2024 .. Feb 2025, 100 a month
            "C1,2025-03-10,1440,annual\n"  # renewed a year on at 120 a month
            "C2,2024-03-01,300,quarterly\n"  # Mar .. May 2024
            "C2,2024-06-01,300,quarterly\n"  # Jun .. Aug 2024, then nothing: churn in Sep 2024
            "C3,2024-03-05,50,\n"  # no interval: its own month
            "C3,2024-04-05,50,monthly\n"
            "C3,2024-05-05,50,1 month\n"
            "C4,2025-04-01,25,weekly\n"  # a weekly line counts in its month (the as-of month)
        },
    )
    assert result.as_of == D(2025, 4, 1)
    assert movements(tmp_path) == [
        # C1: new at 100 in Mar 2024, no churn in between, 120 from Mar 2025
        ("C1", "2024-03", "new", 100.0),
        ("C1", "2025-03", "expansion", 20.0),
        # C2: 100 a month for six months, no churn after the first quarter
        ("C2", "2024-03", "new", 100.0),
        ("C2", "2024-09", "churn", -100.0),
        ("C3", "2024-03", "new", 50.0),
        ("C3", "2024-06", "churn", -50.0),
        ("C4", "2025-04", "new", 25.0),
    ]
    assert "- 4 lines paying for several months spread over their months" not in result.summary
    assert any(line.startswith("4 lines paying for several months spread") for line in result.summary)


def test_a_service_period_by_dates(tmp_path: Path) -> None:
    imported(
        tmp_path,
        {
            "invoices.csv": "Customer ID,Invoice Date,Amount,Period Start,Period End\n"
            # a quarter written as inclusive dates: 3 months of 90
            "C1,2024-12-20,270,2025-01-01,2025-03-31\n"
            # a year written Stripe's way, start to the same day a year on: 12 months of 50
            "C2,2025-01-15,600,2025-01-15,2026-01-15\n"
            # a month: one month
            "C3,2025-02-01,40,2025-02-01,2025-02-28\n"
        },
        as_of=D(2025, 4, 1),
    )
    assert mrr_by_month(tmp_path, "C1") == {"2025-01": 90.0, "2025-04": 0.0}  # new in January, churn in April
    assert mrr_by_month(tmp_path, "C2") == {"2025-01": 50.0}  # 50 a month through the as-of month
    assert mrr_by_month(tmp_path, "C3") == {"2025-02": 40.0, "2025-03": 0.0}
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    stored = conn.execute(
        "SELECT account_id, date, amount, period_start, period_end, months FROM transactions ORDER BY 1"
    ).fetchall()
    conn.close()
    assert stored == [
        ("C1", D(2024, 12, 20), 270.0, D(2025, 1, 1), D(2025, 3, 31), 3),
        ("C2", D(2025, 1, 15), 600.0, D(2025, 1, 15), D(2026, 1, 15), 12),
        ("C3", D(2025, 2, 1), 40.0, D(2025, 2, 1), D(2025, 2, 28), 1),
    ]


def test_plans_that_look_annual_without_a_period_are_pointed_out(tmp_path: Path) -> None:
    invoices = "customer,date,amount\nC1,2023-03-10,1200\nC1,2024-03-12,1200\nC1,2025-03-09,1200\n"
    invoices += "C2,2025-01-05,300\nC2,2025-04-05,300\nC2,2025-07-05,310\n"
    invoices += "C3,2024-01-05,20\nC3,2025-01-05,80\n"  # two orders a year apart: not a plan
    result = imported(tmp_path, {"invoices.csv": invoices})
    assert (
        "billed about once a year (1 account) and once a quarter (1 account) with no period given: each invoice "
        "counts in its own month and the account churns until the next; give an interval column (annual, "
        "quarterly) or the service period (docs/import.md, Transactions)"
    ) in result.summary


def test_an_unknown_interval_is_a_problem(tmp_path: Path) -> None:
    with pytest.raises(ImportProblems) as caught:
        imported(tmp_path, {"orders.csv": "customer,date,amount,interval\nC1,2024-01-01,5,fortnightly\n"})
    assert caught.value.problems.lines() == [
        "orders.csv: row 1: column interval: value 'fortnightly': expected an interval such as month, quarter, "
        "year, annual or 3 months (or leave it empty)"
    ]


# --- $0 invoices, refunds ------------------------------------------------------------------------------


def test_a_zero_invoice_inside_a_subscription_keeps_the_customer(tmp_path: Path) -> None:
    imported(
        tmp_path,
        {
            "invoices.csv": "customer,date,amount\n"
            "C1,2025-01-03,100\n"
            "C1,2025-02-03,0\n"  # a free month: still a customer at 100
            "C1,2025-03-03,0\n"  # a pause: still
            "C1,2025-04-03,100\n"
            "C2,2025-01-03,0\n"  # a free trial before any revenue makes no customer
            "C2,2025-02-03,80\n"
            "C2,2025-03-03,80\n"
            "C2,2025-04-03,80\n"
            "C3,2025-01-03,60\n"  # nothing in February: a month without revenue, then a $0 line: no customer
            "C3,2025-03-03,0\n"
            "C3,2025-04-03,60\n"
            "C4,2025-01-03,70\n"  # a full refund in February (charge and credit): no revenue that month
            "C4,2025-02-03,70\n"
            "C4,2025-02-20,-70\n"
            "C4,2025-03-03,70\n"
            "C4,2025-04-03,70\n"
            "C4,2025-04-10,-90\n"  # credits beyond charges: 0, not negative
            "C5,2025-01-03,90\n"  # a downgrade to a free plan: $0 invoices with no paid month after them
            "C5,2025-02-03,0\n"
            "C5,2025-03-03,0\n"
            "C5,2025-04-03,0\n"
        },
    )
    assert movements(tmp_path) == [
        ("C1", "2025-01", "new", 100.0),
        ("C2", "2025-02", "new", 80.0),
        ("C3", "2025-01", "new", 60.0),
        ("C3", "2025-02", "churn", -60.0),
        ("C3", "2025-04", "reactivation", 60.0),
        ("C4", "2025-01", "new", 70.0),
        ("C4", "2025-02", "churn", -70.0),
        ("C4", "2025-03", "reactivation", 70.0),
        ("C4", "2025-04", "churn", -70.0),
        ("C5", "2025-01", "new", 90.0),
        ("C5", "2025-02", "churn", -90.0),
    ]


# --- rows set aside ---------------------------------------------------------------------------------


def test_duplicates_and_unpaid_lines_are_set_aside_and_named(tmp_path: Path) -> None:
    files = {
        "payments.csv": "id,Customer ID,Created (UTC),Amount,Status\n"
        "p1,C1,2025-01-05 10:00:00,100,Paid\n"
        "p1,C1,2025-01-05 10:00:00,100,Paid\n"  # the same row twice: one payment
        "p2,C1,2025-02-05 10:00:00,100,Failed\n"  # not paid
        "p3,C1,2025-02-06 09:00:00,100,paid\n"
        "p4,C2,2025-02-07 09:00:00,50,Voided\n"
    }
    result = imported(tmp_path, files)
    assert result.set_aside_count == 3
    assert result.set_aside == [
        "payments.csv: row 2: a duplicate: the same values in every column as an earlier row (--keep-duplicates "
        "keeps them) (repeats row 1)",
        "payments.csv: row 3: column status: not paid: status 'Failed'",
        "payments.csv: row 5: column status: not paid: status 'Voided'",
    ]
    assert mrr_by_month(tmp_path) == {"2025-01": 100.0}  # C1 at 100, once, in both months; C2 never paid
    assert "3 rows set aside, not counted: 1 a duplicate, 2 not paid" in result.summary
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    conn.close()
    assert meta["rows_set_aside"] == "3"
    # with --keep-duplicates the repeated row counts: 200 in January
    imported(tmp_path, files, keep_duplicates=True)
    assert mrr_by_month(tmp_path)["2025-01"] == 200.0


def test_a_date_after_the_import_day_is_set_aside(tmp_path: Path) -> None:
    rows = "".join(f"C{i},2025-{m:02}-05,10\n" for i in range(5) for m in range(1, 13))
    result = imported(tmp_path, {"orders.csv": "customer,date,amount\n" + rows + "C9,2098-05-01,99999\n"})
    # the mistyped 2098 row does not make the as-of month the current one: the data's December 2025 is
    assert result.as_of == D(2025, 12, 1)
    assert result.set_aside == ["orders.csv: row 61: column date: value '2098-05-01': dated after the import day "
                                "(2026-01-15)"]  # fmt: skip
    db = open_database(tmp_path / "out.duckdb")
    try:
        assert db.rows_set_aside == 1 and db.as_of == D(2025, 12, 1)
        assert db.run("mrr")["mrr"].to_list() == [50.0]  # five customers at 10, not 0
    finally:
        db.close()


def test_a_lone_date_far_beyond_the_rest_is_set_aside(tmp_path: Path) -> None:
    # 200 orders in 2023, one typed 2024-09 (a year off): 9 months without any row before it
    rows = "".join(f"C{i},2023-{1 + i % 12:02}-10,10\n" for i in range(200))
    result = imported(tmp_path, {"orders.csv": "customer,date,amount\n" + rows + "C7,2024-09-10,10\n"})
    assert result.as_of == D(2023, 12, 1)
    assert result.set_aside == [
        "orders.csv: row 201: column date: value '2024-09-10': far beyond the rest: 3 or more months without any "
        "row after the latest other date (the latest other date is 2023-12-10)"
    ]


def test_invoices_issued_in_advance_do_not_make_the_next_month_the_as_of_month(tmp_path: Path) -> None:
    # 40 customers billed on the 1st of each month, Jul .. Dec 2025; 6 of them already invoiced for January
    rows = [f"C{i},2025-{m:02}-01,100" for i in range(40) for m in range(7, 13)]
    rows += [f"C{i},2026-01-01,100" for i in range(6)]
    result = imported(tmp_path, {"invoices.csv": "customer,date,amount\n" + "\n".join(rows) + "\n"})
    # January holds 6 rows against 40 in a usual month: a sliver, not the as-of month
    assert result.as_of == D(2025, 12, 1)
    assert any(line.startswith("2026-01 holds 6 transactions against 40 in a usual month") for line in result.summary)
    assert any("6 transactions after 2025-12 (the as-of month) kept but not counted" in line for line in result.summary)
    assert mrr_by_month(tmp_path)["2025-07"] == 4000.0
    db = open_database(tmp_path / "out.duckdb")
    try:
        assert db.run("mrr")["mrr"].to_list() == [4000.0]  # all 40 customers, not a sliver of them
    finally:
        db.close()
    # --as-of still decides
    forced = run_import(Path("out.duckdb"), [Path("invoices.csv")], ImportOptions(as_of=D(2026, 1, 1)), today=TODAY)
    assert forced.as_of == D(2026, 1, 1)
    with pytest.raises(UsageError, match=r"--as-of 2026-02 is after the last month of the revenue \(2026-01\)"):
        run_import(Path("out.duckdb"), [Path("invoices.csv")], ImportOptions(as_of=D(2026, 2, 1)), today=TODAY)


def test_a_file_without_a_recorded_as_of_takes_it_from_its_data(tmp_path: Path) -> None:
    """No meta.as_of: the latest month of the movements, never the clock's month."""
    from handbuilt import build_handbuilt

    path = build_handbuilt(tmp_path / "hb.duckdb")
    conn = duckdb.connect(str(path))
    conn.execute("DELETE FROM meta WHERE key = 'as_of'")
    conn.close()
    db = open_database(path)
    try:
        assert db.as_of == D(2026, 3, 1)  # A9's movement in March 2026 is the latest
    finally:
        db.close()


# --- currencies ---------------------------------------------------------------------------------------


def test_several_currencies_need_rates(tmp_path: Path) -> None:
    files = {"orders.csv": "customer,date,amount,currency\nC1,2025-01-05,100,EUR\nC2,2025-01-05,50,usd\n"
             "C2,2025-02-05,$50,\n"}  # fmt: skip
    with pytest.raises(ImportProblems) as caught:
        imported(tmp_path, files)
    assert caught.value.problems.lines() == [
        "orders.csv: column currency: amounts in 3 currencies ($ 1 row, EUR 1 row, USD 1 row): expected one "
        "currency per book; give --rates FILE (currency,rate: one unit's value in the book's currency) and "
        "--currency CODE"
    ]
    (tmp_path / "rates.csv").write_text("currency,rate,month\nUSD,0.9,\n$,0.9,\nUSD,0.8,2025-02\nEUR,1,\n")
    result = imported(tmp_path, files, rates_path=Path("rates.csv"), currency="EUR")
    # C1 100 EUR; C2 50 USD at 0.9 in January = 45, 50 ($) in February at the $ rate 0.9 = 45
    assert mrr_by_month(tmp_path, "C1") == {"2025-01": 100.0, "2025-02": 0.0}  # one order: churn in February
    assert mrr_by_month(tmp_path, "C2") == {"2025-01": 45.0}  # 45 in both months: no movement in February
    assert "amounts in $, USD converted to EUR with the rates of rates.csv" in result.summary
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    assert conn.execute("SELECT value FROM meta WHERE key = 'currency'").fetchone() == ("EUR",)
    assert conn.execute("SELECT currency, original_amount, amount FROM transactions ORDER BY date, 1").fetchall() == [
        ("EUR", None, 100.0),
        ("USD", 50.0, pytest.approx(45.0)),
        ("$", 50.0, pytest.approx(45.0)),
    ]
    conn.close()
    (tmp_path / "rates.csv").write_text("currency,rate\nEUR,1\n")
    with pytest.raises(ImportProblems) as missing:
        imported(tmp_path, files, rates_path=Path("rates.csv"))
    assert missing.value.problems.lines() == [
        "orders.csv: row 2: column currency: value 'USD': expected a rate for USD in 2025-01 (in rates.csv)",
        "orders.csv: row 3: column currency: value '$': expected a rate for $ in 2025-02 (in rates.csv)",
    ]


def test_one_currency_needs_no_rates(tmp_path: Path) -> None:
    imported(tmp_path, {"orders.csv": 'customer,date,amount\nC1,2025-01-05,"€ 1.200,50"\nC1,2025-02-05,"€ 1.200,50"\n'},
             decimal_comma=True)  # fmt: skip
    assert mrr_by_month(tmp_path) == {"2025-01": 1200.5}
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    assert conn.execute("SELECT value FROM meta WHERE key = 'currency'").fetchone() == ("€",)
    conn.close()


# --- revenue movements as a ledger -----------------------------------------------------------------------

ACCOUNTS = "account_id\nA1\nA2\nA3\nA4\n"
HEADER = "account_id,month,kind,mrr_change,booked_by\n"


def test_a_comeback_labelled_new_is_a_reactivation(tmp_path: Path) -> None:
    result = imported(
        tmp_path,
        {
            "accounts.csv": ACCOUNTS,
            "revenue_movements.csv": HEADER + "A1,2025-01,new,100,sales\n"
            "A1,2025-03,churn,-100,operations\n"
            "A1,2025-06,new,120,sales\n"  # a comeback, not new business
            "A2,2025-01,reactivation,50,sales\n"  # never had revenue: new
            "A2,2025-02,new,30,sales\n"  # active already: an expansion
            "A3,2025-01,new,40,sales\n"
            "A3,2025-02,contraction,-40,operations\n",  # to 0: a churn
        },
    )
    assert movements(tmp_path) == [
        ("A1", "2025-01", "new", 100.0),
        ("A1", "2025-03", "churn", -100.0),
        ("A1", "2025-06", "reactivation", 120.0),
        ("A2", "2025-01", "new", 50.0),
        ("A2", "2025-02", "expansion", 30.0),
        ("A3", "2025-01", "new", 40.0),
        ("A3", "2025-02", "churn", -40.0),
    ]
    assert any(
        line.startswith("4 movements relabelled by the account's history (") and "1 new → reactivation" in line
        for line in result.summary
    ), result.summary


def test_a_duplicated_churn_cannot_take_mrr_below_zero(tmp_path: Path) -> None:
    files = {
        "accounts.csv": ACCOUNTS,
        "revenue_movements.csv": HEADER + "A1,2025-01,new,100,sales\n"
        "A1,2025-03,churn,-100,operations\n"
        "A1,2025-03,churn,-100,operations\n"
        "A1,2025-06,reactivation,100,sales\n",
    }
    # by default the repeated row is set aside: the account churns once and comes back a customer
    result = imported(tmp_path, files)
    assert result.set_aside_count == 1
    assert mrr_by_month(tmp_path, "A1") == {"2025-01": 100.0, "2025-03": 0.0, "2025-06": 100.0}
    # kept, it would drive MRR to -100: the ledger refuses, naming the row
    with pytest.raises(ImportProblems) as caught:
        imported(tmp_path, files, keep_duplicates=True)
    assert caught.value.problems.lines() == [
        "revenue_movements.csv: column mrr_change: expected an account's MRR never below 0 (a churn or contraction "
        "too many, or one given twice?): 2 rows (row 2 '-100' (A1 would be at -100.00 after 2025-03); row 3 '-100' "
        "(A1 would be at -100.00 after 2025-03))",
    ]


def test_a_churn_takes_all_the_account_has(tmp_path: Path) -> None:
    with pytest.raises(ImportProblems) as caught:
        moves = HEADER + "A1,2025-01,new,100,sales\nA1,2025-03,churn,-60,sales\n"
        imported(tmp_path, {"accounts.csv": ACCOUNTS, "revenue_movements.csv": moves})
    assert caught.value.problems.lines() == [
        "revenue_movements.csv: row 2: column kind, mrr_change: value 'churn', '-60': expected a churn to bring MRR "
        "to exactly 0 (it takes away all the account has; a partial loss is a contraction) (A1 has 100.00 before "
        "and 40.00 after 2025-03)"
    ]


# --- accounts ------------------------------------------------------------------------------------------


def test_without_an_accounts_file_the_accounts_come_from_the_revenue(tmp_path: Path) -> None:
    result = imported(
        tmp_path,
        {
            "orders.csv": 'Customer ID,Customer Name,Order Date,Sales\nC1,"שלום בע""מ",20240105,10\n'
            "C2,,20240203,20\nC1,,20240210,5\n"
        },
    )
    assert result.loaded["accounts"] == 2 and result.sources["accounts"] == []
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    rows = conn.execute("SELECT * FROM accounts ORDER BY 1").fetchall()
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    conn.close()
    assert rows == [
        ("C1", 'שלום בע"מ', "unknown", "unknown", "unknown", "unknown", None, "unknown", D(2024, 1, 5)),
        ("C2", "C2", "unknown", "unknown", "unknown", "unknown", None, "unknown", D(2024, 2, 3)),
    ]
    assert meta["accounts_derived_from"] == "revenue"
    # the next export brings a new customer: the accounts are made again, from the new revenue
    (tmp_path / "orders.csv").write_text("customer,date,amount\nC1,2024-03-05,10\nC3,2024-03-06,7\n")
    again = run_import(Path("out.duckdb"), [Path("orders.csv")], today=TODAY)
    assert again.loaded["accounts"] == 2  # C1 and C3


async def test_the_status_line_and_the_report_say_how_many_rows_were_set_aside(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from navigator.cli import cli
    from navigator.ui.app import NavigatorApp

    rows = "".join(f"C{i},2025-{m:02}-05,10\n" for i in range(3) for m in range(1, 13))
    imported(tmp_path, {"orders.csv": "customer,date,amount\n" + rows + "C9,2098-05-01,1\nC9,2099-05-01,1\n"})
    db = open_database(Path("out.duckdb"))
    try:
        app = NavigatorApp(db)
        async with app.run_test(size=(200, 40)) as pilot:
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            status = str(app.query_one("#status").render())
            assert "data as of 2025-12" in status and " · 2 rows set aside" in status, status
    finally:
        db.close()
    report = CliRunner().invoke(cli, ["report", "--db", "out.duckdb"])
    assert report.exit_code == 0, report.output
    assert report.output.splitlines()[-1] == "2 rows set aside at import: not counted in these figures"
    pack = CliRunner().invoke(cli, ["report", "--db", "out.duckdb", "--format", "json"])
    assert pack.exit_code == 0
    assert "navigator: note: 2 rows set aside at import: not counted" in pack.output


def test_revenue_movements_imported_directly_leave_the_old_transactions_out(tmp_path: Path) -> None:
    imported(tmp_path, {"orders.csv": "customer,date,amount\nA1,2025-01-05,100\nA1,2025-02-05,100\n"})
    result = imported(tmp_path, {"revenue_movements.csv": HEADER + "A1,2025-01,new,100,sales\n"})
    assert "the previous file's transactions are left out: revenue_movements no longer come from them" in result.summary
    conn = duckdb.connect("out.duckdb", read_only=True)
    tables = {row[0] for row in conn.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    conn.close()
    assert "transactions" not in tables and "revenue_derived_from" not in meta
    # the accounts made from the first import's revenue are made again from this one's
    assert meta["accounts_derived_from"] == "revenue"
    # a CRM export replaces the accounts made from the revenue
    crm = imported(tmp_path, {"accounts.csv": "Account ID,Account Name,Billing Country\nA1,Acme,Israel\n"})
    assert crm.loaded == {"accounts": 1}
    conn = duckdb.connect("out.duckdb", read_only=True)
    assert conn.execute("SELECT name, region, segment FROM accounts").fetchall() == [("Acme", "Israel", "unknown")]
    assert conn.execute("SELECT value FROM meta WHERE key = 'accounts_derived_from'").fetchall() == []
    conn.close()
