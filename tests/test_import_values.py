"""How `navigator import` reads dates, amounts and column names (docs/import.md, "Values" and
"Column names"): each case with the value a person would write and what it means."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from navigator.data.ingest.columns import SYNONYMS, match_columns
from navigator.data.ingest.mapping import Mapping
from navigator.data.ingest.problems import Problems
from navigator.data.ingest.readers import RawFile
from navigator.data.ingest.values import ParseOptions, parse_amounts, parse_column, parse_dates

D = dt.date


def dates(values: list[str | None], **options: object) -> list[dt.date | None]:
    return parse_dates(pl.Series(values, dtype=pl.String), **options).values.to_list()  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2024-01-05", D(2024, 1, 5)),
        ("2024-1-5", D(2024, 1, 5)),
        ("20240105", D(2024, 1, 5)),
        ("19970101", D(1997, 1, 1)),
        ("2024/01/05", D(2024, 1, 5)),
        ("05.01.2024", D(2024, 1, 5)),
        ("5.1.2024", D(2024, 1, 5)),
        ("2024-01-05 00:00:00", D(2024, 1, 5)),
        ("2024-02-30", None),  # no such day
        ("2024105", None),  # seven digits: not YYYYMMDD
        ("soon", None),
    ],
)
def test_unambiguous_dates(text: str, expected: dt.date | None) -> None:
    assert dates([text]) == [expected]


def test_a_time_of_day_is_dropped_where_exports_stamp_dates() -> None:
    stamped = ["2024-01-05 10:23:45", "2024-01-05T23:59:59Z", "2024-01-05 10:00:00+02:00", "2024/01/05 08:00"]
    assert dates(stamped, any_time=True) == [D(2024, 1, 5)] * 4
    # elsewhere a date with a time of day other than midnight is refused, saying why
    parsed = parse_dates(pl.Series(["2024-01-05 10:23"]))
    assert parsed.values.to_list() == [None]
    assert parsed.expected is not None and parsed.expected[0].endswith("(without a time of day)")


def test_slashed_dates_settled_by_the_column() -> None:
    # a day after 12 in the first place: every value reads day first, and the summary says why
    parsed = parse_dates(pl.Series(["03/04/2024", "25/04/2024"]))
    assert parsed.values.to_list() == [D(2024, 4, 3), D(2024, 4, 25)]
    assert parsed.notes == ["dates read day first (DD/MM/YYYY): '25/04/2024' reads only that way"]
    assert dates(["03/04/2024", "04/25/2024"]) == [D(2024, 3, 4), D(2024, 4, 25)]  # month first


def test_ambiguous_dates_are_one_problem_naming_the_choice() -> None:
    parsed = parse_dates(pl.Series(["03/04/2024", "01/02/2024", "2024-05-01"]))
    assert parsed.column_problem == (
        "these dates can be read day first or month first: give --date-format %d/%m/%Y (day first) or "
        "--date-format %m/%d/%Y (month first)"
    )
    assert parsed.column_example == "'03/04/2024'"
    assert parsed.silent is not None and parsed.silent.to_list() == [True, True, False]  # not listed row by row
    assert parsed.values.to_list() == [None, None, D(2024, 5, 1)]
    # mixed: some read only day first, some only month first
    mixed = parse_dates(pl.Series(["25/04/2024", "04/25/2024"]))
    assert mixed.column_problem is not None and "some only one way" in mixed.column_problem
    # the user's choice settles it
    assert dates(["03/04/2024"], date_format="%d/%m/%Y") == [D(2024, 4, 3)]
    assert dates(["03/04/2024"], date_format="%m/%d/%Y") == [D(2024, 3, 4)]
    assert dates(["5 Jan 2024", "2024-02-01"], date_format="%d %b %Y") == [D(2024, 1, 5), D(2024, 2, 1)]
    wrong = parse_dates(pl.Series(["Jan 5th"]), date_format="%d %b %Y")
    assert wrong.values.to_list() == [None] and wrong.expected is not None
    assert wrong.expected[0] == (
        "expected a date written %d %b %Y (--date-format), or YYYY-MM-DD, YYYYMMDD, YYYY/MM/DD or DD.MM.YYYY"
    )


def test_month_columns() -> None:
    assert dates(["2026-10", "2026-10-01", "2026/10"], month=True) == [D(2026, 10, 1)] * 3


def amounts(values: list[str], decimal_comma: bool = False) -> list[float | None]:
    return parse_amounts(pl.Series(values), decimal_comma).values.to_list()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.5", 1234.5),
        ("$1,234.50", 1234.5),
        ("1,234", 1234.0),  # a thousands separator, not a decimal comma
        ("1 234 567.5", 1234567.5),
        ("1'234.50", 1234.5),
        ("-12", -12.0),
        ("(12)", -12.0),
        ("($1,200.00)", -1200.0),
        ("-$12", -12.0),
        ("$-12", -12.0),
        ("\u221212", -12.0),  # a typographic minus
        ("12-", -12.0),
        ("€ 12", 12.0),
        ("12 EUR", 12.0),
        ("USD 1,000", 1000.0),
        ("1.5e6", 1.5e6),
        ("12,50", None),
        ("1,23", None),
        ("ten", None),
        ("(12", None),
        ("nan", None),
        ("inf", None),
    ],
)
def test_amounts(text: str, expected: float | None) -> None:
    assert amounts([text]) == [expected]


def test_amounts_with_a_decimal_comma() -> None:
    assert amounts(["1 234,50", "1.234,50", "12,5", "(3,25)", "€ 1.000"], decimal_comma=True) == [
        1234.5,
        1234.5,
        12.5,
        -3.25,
        1000.0,
    ]
    wrong = parse_amounts(pl.Series(["1,234.50"]), decimal_comma=True)
    assert wrong.values.to_list() == [None]
    assert wrong.expected is not None and wrong.expected[0].endswith("(written with a decimal point: leave out "
                                                                       "--decimal-comma)")  # fmt: skip
    hint = parse_amounts(pl.Series(["12,50"]))
    assert hint.expected is not None and hint.expected[0].endswith(
        "(written with a decimal comma? give --decimal-comma)"
    )


def test_the_currency_written_with_an_amount_is_kept() -> None:
    parsed = parse_amounts(pl.Series(["$12", "12 eur", "GBP 3", "4"]))
    assert parsed.currencies is not None and parsed.currencies.to_list() == ["$", "EUR", "GBP", None]


def test_numbers_from_typed_files_and_a_double_too_big() -> None:
    parsed = parse_column(pl.Series(["1e400"]), "DOUBLE", options=ParseOptions())
    assert parsed.values.to_list() == [None] and parsed.expected is not None
    assert parsed.expected[0] == "expected a number that fits in a DOUBLE (at most about ±1.8e308)"
    assert parse_column(pl.Series([12, 13]), "DOUBLE").values.to_list() == [12.0, 13.0]


# --- column names of the exports people bring --------------------------------------------------------

EXPORTS = {
    "Stripe payments": (
        "transactions",
        ["id", "Description", "Created (UTC)", "Amount", "Amount Refunded", "Currency", "Status", "Customer ID",
         "Customer Description"],
        {"transaction_id": "id", "date": "Created (UTC)", "amount": "Amount", "currency": "Currency",
         "status": "Status", "account_id": "Customer ID", "name": "Customer Description"},
    ),
    "Stripe invoice line items": (
        "transactions",
        ["Invoice ID", "Customer", "Amount", "Currency", "Period Start", "Period End", "Created (UTC)"],
        {"transaction_id": "Invoice ID", "account_id": "Customer", "amount": "Amount", "currency": "Currency",
         "period_start": "Period Start", "period_end": "Period End", "date": "Created (UTC)"},
    ),
    "Chargebee invoices": (
        "transactions",
        ["Invoice Number", "Customer Id", "Customer Company", "Invoice Date", "Total", "Amount Paid", "Status",
         "Currency Code", "Billing Period", "Billing Period Unit"],
        {"transaction_id": "Invoice Number", "account_id": "Customer Id", "name": "Customer Company",
         "date": "Invoice Date", "amount": "Amount Paid", "status": "Status", "currency": "Currency Code",
         "interval_count": "Billing Period", "interval": "Billing Period Unit"},
    ),
    "HubSpot deals": (
        "transactions",
        ["Record ID", "Deal Name", "Deal Stage", "Amount", "Close Date", "Associated Company ID"],
        {"amount": "Amount", "date": "Close Date", "account_id": "Associated Company ID"},
    ),
    "Salesforce opportunities": (
        "transactions",
        ["Opportunity ID", "Account ID", "Account Name", "Amount", "Close Date", "Stage"],
        {"transaction_id": "Opportunity ID", "account_id": "Account ID", "name": "Account Name", "amount": "Amount",
         "date": "Close Date", "status": "Stage"},
    ),
    "an order log": (
        "transactions",
        ["Order ID", "Customer ID", "Order Date", "Sales", "Customer Name"],
        {"transaction_id": "Order ID", "account_id": "Customer ID", "date": "Order Date", "amount": "Sales",
         "name": "Customer Name"},
    ),
    "HubSpot companies": (
        "accounts",
        ["Record ID", "Company name", "Create Date", "Country/Region", "Company owner", "Industry"],
        {"account_id": "Record ID", "name": "Company name", "created_on": "Create Date", "region": "Country/Region",
         "owner_rep_id": "Company owner", "market_id": "Industry"},
    ),
    "Salesforce accounts": (
        "accounts",
        ["Account ID", "Account Name", "Billing Country", "Created Date", "Account Owner"],
        {"account_id": "Account ID", "name": "Account Name", "region": "Billing Country", "created_on": "Created Date",
         "owner_rep_id": "Account Owner"},
    ),
    "Stripe customers": (
        "accounts",
        ["id", "Name", "Email", "Created (UTC)"],
        {"account_id": "id", "name": "Name", "created_on": "Created (UTC)"},
    ),
}  # fmt: skip


@pytest.mark.parametrize("export", list(EXPORTS))
def test_the_usual_column_names_of_exports(export: str) -> None:
    table, header, expected = EXPORTS[export]
    frame = pl.DataFrame({name: [name] for name in header})  # each column holds its own name
    problems = Problems()
    matched = match_columns(RawFile(None, f"{export}.csv", 0, frame), table, Mapping(), problems)  # type: ignore[arg-type]
    assert not problems, problems.lines()
    assert matched.frame.row(0, named=True) == expected


def test_names_match_ignoring_case_spaces_and_punctuation() -> None:
    frame = pl.DataFrame({"ACCOUNT ID": ["A1"], "Date": ["2024-01-01"], "amount_paid": ["5"], "Total": ["6"]})
    problems = Problems()
    matched = match_columns(RawFile(None, "t.csv", 0, frame), "transactions", Mapping(), problems)  # type: ignore[arg-type]
    assert not problems
    assert matched.frame.to_dicts() == [{"account_id": "A1", "date": "2024-01-01", "amount": "5"}]
    # Total would fill amount too: the better name wins, and the summary says which was left out
    assert any("'Total'" in note and "amount" in note for note in matched.notes)


def test_synonyms_are_all_different_within_a_table() -> None:
    from navigator.data.ingest.values import fold

    for table, columns in SYNONYMS.items():
        names = [fold(name) for names in columns.values() for name in names]
        assert len(names) == len(set(names)), table


def test_the_column_names_table_in_the_docs_is_the_code_s() -> None:
    """docs/import.md lists every name SYNONYMS knows, in a row of its column."""
    from pathlib import Path

    text = (Path(__file__).resolve().parent.parent / "docs" / "import.md").read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith("| `")]
    for table, names in SYNONYMS.items():
        for column, synonyms in names.items():
            listed = [line for line in rows if line.startswith(f"| `{column}` |")]
            assert any(all(f"`{n}`" in line for n in synonyms) for line in listed), (table, column)
