"""`navigator import`: every malformed input with its exact error, nothing lost, transactions,
minimal data, and the swap that never leaves a half-written file.

Errors are checked line for line as the user sees them on stderr. Paths are given relative to
the test's folder (the command runs there), so the lines are exactly what a user would read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest
from handbuilt import build_handbuilt

from navigator.cli import main
from navigator.data import importer, rollups
from navigator.data.importer import PAUSE_ENV, run_import
from navigator.data.ingest import swap
from navigator.data.ingest.specs import uncovered_checks
from navigator.data.source import open_source

HEADER = (
    "navigator: error: {n} in the input; nothing was written "
    "(row N = the N-th data row of the file, counted from 1 without the header line)"
)

ACCOUNTS = (
    "account_id,name,market_id,segment,region,acquisition_source,referred_by,owner_rep_id,created_on\n"
    "A1,Acme Corp,M1,Enterprise,EMEA,outbound,,R1,2024-03-01\n"
    "A2,Beta GmbH,M1,SMB,EMEA,inbound,,R2,2024-05-01\n"
)
REVENUE = (
    "account_id,month,kind,mrr_change,booked_by,rep_id,opportunity_id\n"
    "A1,2024-04-01,new,100,sales,,\n"
    "A2,2024-06-01,new,200,sales,,\n"
    "A2,2025-09-01,contraction,-50,operations,,\n"
)
OPPORTUNITY_HEADER = (
    "opportunity_id,account_id,rep_id,kind,sourced_by,created_on,qualified_on,proposal_on,expected_close_on,"
    "closed_on,status,amount,discount_pct,effort_hours,answers_value,answers_why_me,answers_why_now,"
    "answers_alternative,lost_to\n"
)


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def write(folder: Path, name: str, text: str | bytes, encoding: str = "utf-8") -> Path:
    path = folder / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding=encoding, newline="")
    return path


class Run:
    def __init__(self, code: int, out: str, err: str) -> None:
        self.code, self.out, self.err = code, out, err

    @property
    def lines(self) -> list[str]:
        return self.err.rstrip("\n").splitlines()


@pytest.fixture
def navigator(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    """Run the `navigator` command in-process in tmp_path, as `navigator ARGS...` in a shell there."""
    monkeypatch.chdir(tmp_path)

    def run(*args: str) -> Run:
        monkeypatch.setattr(sys, "argv", ["navigator", *args])
        try:
            main()
            code = 0
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = capsys.readouterr()
        return Run(code, out, err)

    return run


def stray_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if ".import-" in p.name or p.name.endswith(".wal"))


def assert_problems(run: Run, *problems: str) -> None:
    assert run.code == 2, (run.code, run.out, run.err)
    assert "Traceback" not in run.err
    count = f"{len(problems)} problem{'s' if len(problems) != 1 else ''}"
    assert run.lines == [HEADER.format(n=count), *("  " + p for p in problems)]


# --- each malformed input, with its exact error ----------------------------------------------------------


def test_valid_minimal_import(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "revenue_movements.csv", REVENUE)
    run = navigator("import", "--db", "lifecycle.duckdb", "accounts.csv", "revenue_movements.csv")
    assert run.code == 0, run.err
    assert run.out.splitlines() == [
        "imported into lifecycle.duckdb (as of 2025-09):",
        "  accounts                   2 rows  from accounts.csv",
        "  revenue_movements          3 rows  from revenue_movements.csv",
    ]
    conn = duckdb.connect(str(tmp_path / "lifecycle.duckdb"), read_only=True)
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    assert meta["schema_version"] == "1" and meta["as_of"] == "2025-09-01" and meta["generator"] == "navigator import"
    assert conn.execute("SELECT sum(mrr_change) FROM revenue_movements").fetchone() == (250.0,)
    conn.close()
    assert stray_files(tmp_path) == []


def test_wrong_type(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "revenue_movements.csv", REVENUE + "A1,2024-05-01,expansion,lots,sales,,\n")
    write(
        tmp_path,
        "nps_responses.csv",
        "response_id,account_id,surveyed_on,responded_on,score\nN1,A1,2025-01-05,2025-01-06,7.5\n"
        "N2,A2,2025-01-05,2025-01-07,maybe\n",
    )
    run = navigator("import", "--db", "out.duckdb", ".")
    # one line per (file, column, reason), with the count and the first rows
    assert run.code == 2 and run.lines == [
        HEADER.format(n="3 problems"),
        "  nps_responses.csv: column score: expected a whole number: 2 rows (row 1 '7.5'; row 2 'maybe')",
        "  revenue_movements.csv: row 4: column mrr_change: value 'lots': expected a number such as 1234.5, "
        "1,234.50, $1,234.50 or (12)",
    ]
    assert not (tmp_path / "out.duckdb").exists() and stray_files(tmp_path) == []


def test_missing_column(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "revenue_movements.csv", REVENUE.replace(",kind,", ",type,"))
    run = navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv")
    assert_problems(
        run,
        "revenue_movements.csv: column 'type': not a column of revenue_movements: expected one of account_id, "
        "month, kind, mrr_change, booked_by, rep_id, opportunity_id (rename it under [revenue_movements.columns] in "
        "a mapping file, or list it under ignore there)",
        "revenue_movements.csv: column kind: missing: expected a column named kind (required), or a mapping that "
        "renames a column to it or gives it a constant",
    )


def test_accounts_may_lack_every_column_but_the_id(tmp_path: Path, navigator) -> None:
    """A customer list with only an id column: the other columns take their documented defaults."""
    write(tmp_path, "accounts.csv", "Customer ID\nA1\nA2\nA3\n")
    write(tmp_path, "revenue_movements.csv", REVENUE)
    run = navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv")
    assert run.code == 0, run.err
    assert (
        "- accounts.csv: no acquisition_source, created_on, market_id, name, owner_rep_id, region, segment column: "
        "filled with defaults (acquisition_source, market_id, owner_rep_id, region, segment 'unknown'; name = the "
        "account id; created_on = the date of its first revenue)"
    ) in run.out.splitlines()
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    rows = conn.execute("SELECT * FROM accounts ORDER BY 1").fetchall()
    conn.close()
    # A1's first movement is in 2024-04, A2's in 2024-06; A3 has none: the first month of the revenue
    assert rows == [
        ("A1", "A1", "unknown", "unknown", "unknown", "unknown", None, "unknown", dt.date(2024, 4, 1)),
        ("A2", "A2", "unknown", "unknown", "unknown", "unknown", None, "unknown", dt.date(2024, 6, 1)),
        ("A3", "A3", "unknown", "unknown", "unknown", "unknown", None, "unknown", dt.date(2024, 4, 1)),
    ]


def test_unknown_column(tmp_path: Path, navigator) -> None:
    """In an export of accounts or transactions, columns navigator does not use are ignored and named;
    in navigator's own tables an unknown column is most likely a typo: an error."""
    lines = ACCOUNTS.splitlines()
    write(tmp_path, "accounts.csv", "\n".join([lines[0] + ",Phone", lines[1] + ",555", lines[2] + ",556"]) + "\n")
    write(tmp_path, "revenue_movements.csv", REVENUE)
    run = navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv")
    assert run.code == 0, run.err
    assert "- accounts.csv: ignored the columns navigator does not use: 'Phone'" in run.out.splitlines()
    write(
        tmp_path,
        "nps_responses.csv",
        "response_id,account_id,surveyed_on,responded_on,score,scroe\nN1,A1,2025-01-05,2025-01-06,7,\n",
    )
    run = navigator("import", "--db", "out.duckdb", "nps_responses.csv")
    assert_problems(
        run,
        "nps_responses.csv: column 'scroe': not a column of nps_responses: expected one of response_id, account_id, "
        "surveyed_on, responded_on, score (rename it under [nps_responses.columns] in a mapping file, or list it "
        "under ignore there)",
    )


def test_bad_dates(tmp_path: Path, navigator) -> None:
    write(
        tmp_path,
        "accounts.csv",
        ACCOUNTS.replace("2024-03-01", "2024-02-30") + "A3,Gamma,M1,SMB,NA,event,,R1,03/01/2024\n",
    )
    write(tmp_path, "revenue_movements.csv", REVENUE.replace("2025-09-01", "2025-09-15"))
    run = navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv")
    assert_problems(
        run,
        # a date that could be 3 January or 1 March: one problem for the column, naming the choice
        "accounts.csv: column created_on: value '03/01/2024': these dates can be read day first or month first: "
        "give --date-format %d/%m/%Y (day first) or --date-format %m/%d/%Y (month first)",
        "accounts.csv: row 1: column created_on: value '2024-02-30': expected a date (YYYY-MM-DD, YYYYMMDD, "
        "YYYY/MM/DD or DD.MM.YYYY; --date-format for others)",
        "revenue_movements.csv: row 3: column month: value '2025-09-15': expected the first day of a month "
        "(2026-10-01, or just 2026-10)",
    )
    run = navigator(
        "import", "--db", "out.duckdb", "--date-format", "%d/%m/%Y", "accounts.csv", "revenue_movements.csv"
    )
    assert run.code == 2 and len(run.lines) == 3  # the slashed date is read now; the other two remain


def test_negative_and_non_numeric_amounts(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "revenue_movements.csv", REVENUE.replace("new,200", "new,-200"))
    write(
        tmp_path,
        "opportunities.csv",
        OPPORTUNITY_HEADER
        + "O1,A1,R1,new,sales,2024-01-01,,,2024-03-01,2024-03-01,won,-5,0,10,true,true,false,false,\n"
        + 'O2,A2,R1,new,sales,2024-01-01,,,2024-03-01,2024-03-01,won,"12,50",0,10,true,true,false,false,\n'
        + "O3,A2,R1,new,sales,2024-01-01,,,2024-03-01,,open,100,1.5,10,yes,no,n,y,\n",
    )
    run = navigator("import", "--db", "out.duckdb", ".")
    assert_problems(
        run,
        "opportunities.csv: row 1: column amount: value '-5': expected a number ≥ 0",
        "opportunities.csv: row 2: column amount: value '12,50': expected a number such as 1234.5, 1,234.50, "
        "$1,234.50 or (12) (written with a decimal comma? give --decimal-comma)",
        "opportunities.csv: row 3: column discount_pct: value '1.5': expected a fraction from 0 up to but "
        "not including 1 (0.15 for 15%)",
        "revenue_movements.csv: row 2: column kind, mrr_change: value 'new', '-200': expected mrr_change > 0 "
        "for kind 'new' (it adds MRR; never 0)",
    )


def test_unknown_account_id(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "revenue_movements.csv", REVENUE + "A9,2025-01-01,new,70,sales,,\n")
    run = navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv")
    assert_problems(
        run,
        "revenue_movements.csv: row 4: column account_id: value 'A9': expected an existing accounts.account_id "
        "(looked in accounts.csv)",
    )


def test_duplicate_key(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS + "A1,Acme again,M1,SMB,NA,event,,R1,2024-03-01\n")
    write(tmp_path, "revenue_movements.csv", REVENUE)
    run = navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv")
    assert_problems(
        run,
        "accounts.csv: row 3: column account_id: value 'A1': expected each account_id once (a duplicate of row 1)",
    )


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (b"", "accounts.csv: the file is empty (0 bytes): expected a header line and at least one row"),
        (b"\n\n  \n", "accounts.csv: the file has only blank lines: expected a header line and at least one row"),
        (
            ACCOUNTS.splitlines()[0].encode() + b"\n",
            "accounts.csv: no data rows (only a header): expected at least one row; navigator does not import an "
            "empty table",
        ),
    ],
    ids=["zero-bytes", "empty", "header-only"],
)
def test_empty_files(tmp_path: Path, navigator, content: bytes, problem: str) -> None:
    write(tmp_path, "accounts.csv", content)
    write(tmp_path, "revenue_movements.csv", REVENUE)
    assert_problems(navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv"), problem)


def test_latin1_file(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS + "A3,Björk & Co,M1,SMB,NA,event,,R1,2024-03-01\n", encoding="latin-1")
    write(tmp_path, "revenue_movements.csv", REVENUE)
    run = navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv")
    assert_problems(
        run,
        "accounts.csv: line 4: byte 0xF6 ('ö' in Latin-1) is not UTF-8: expected UTF-8 text; the file looks like "
        "Latin-1 / Windows-1252 or another legacy encoding (save it as UTF-8, or CSV UTF-8 in a spreadsheet)",
    )


def test_utf16_file(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS, encoding="utf-16")
    write(tmp_path, "revenue_movements.csv", REVENUE)
    assert_problems(
        navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv"),
        "accounts.csv: the file is UTF-16: expected UTF-8 text (save it as UTF-8, or CSV UTF-8 in a spreadsheet)",
    )


def test_csv_with_a_bom_is_valid(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", b"\xef\xbb\xbf" + ACCOUNTS.encode())
    write(tmp_path, "revenue_movements.csv", b"\xef\xbb\xbf" + REVENUE.encode())
    run = navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv")
    assert run.code == 0, run.err
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    assert conn.execute("SELECT account_id FROM accounts ORDER BY 1").fetchall() == [("A1",), ("A2",)]
    conn.close()


def test_hebrew_and_arabic_text_imports_unchanged(tmp_path: Path, navigator) -> None:
    hebrew = 'שלום מערכות בע"מ'
    arabic = "شركة النور"
    mixed = "Ñandú \u200f(ישראל)\u200f Ltda"  # with right-to-left marks
    text = ACCOUNTS + f'A3,"{hebrew.replace(chr(34), chr(34) * 2)}",M1,SMB,EMEA,event,,R1,2024-03-01\n'
    text += f"A4,{arabic},M1,SMB,APAC,event,,R1,2024-03-01\nA5,{mixed},M1,SMB,NA,event,,R1,2024-03-01\n"
    write(tmp_path, "accounts.csv", text)
    write(tmp_path, "revenue_movements.csv", REVENUE)
    run = navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv")
    assert run.code == 0, run.err
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    names = dict(conn.execute("SELECT account_id, name FROM accounts").fetchall())
    conn.close()
    assert names["A3"] == hebrew and names["A4"] == arabic and names["A5"] == mixed
    assert names["A3"].encode() == hebrew.encode()
    # and back out, byte for byte, through a named query
    query = navigator("query", "drill_accounts", "--db", "out.duckdb", "--format", "json", "--param", "as_of=2025-09")
    assert query.code == 0, query.err
    assert {row["name"] for row in json.loads(query.out)} >= {"Acme Corp"}


def test_huge_numbers(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "revenue_movements.csv", REVENUE + "A1,2024-05-01,expansion,1e400,sales,,\n")
    run = navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv")
    assert_problems(
        run,
        "revenue_movements.csv: row 4: column mrr_change: value '1e400': expected a number that fits in a DOUBLE "
        "(at most about ±1.8e308)",
    )
    big = (
        "179769313486231570000000000000000000000000000000000000000000000000000000000000000000000000000000000"
        + "0" * 209
    )
    write(tmp_path, "revenue_movements.csv", REVENUE + f"A1,2024-05-01,expansion,{big},sales,,\n")
    run = navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv")
    assert run.code == 0, run.err
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    assert conn.execute("SELECT max(mrr_change) FROM revenue_movements").fetchone() == (float(big),)
    conn.close()


def test_problems_are_grouped_and_capped(tmp_path: Path, navigator) -> None:
    # 5,000 rows with the same problem in the same column: one line, with the count and the first three
    rows = "".join(f"B{i},Name {i},M1,Huge,EMEA,outbound,,R1,2024-03-01\n" for i in range(1, 5001))
    write(tmp_path, "accounts.csv", ACCOUNTS + rows)
    write(tmp_path, "revenue_movements.csv", REVENUE)
    run = navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv")
    assert run.code == 2
    assert run.lines == [
        HEADER.format(n="5,000 problems"),
        "  accounts.csv: column segment: expected one of Enterprise, Mid-market, SMB, unknown: 5,000 rows "
        "(row 3 'Huge'; row 4 'Huge'; row 5 'Huge'; ...)",
    ]
    # 25 files with a problem each: 20 lines, then the rest counted
    for i in range(1, 26):
        write(tmp_path, f"nps{i:02}.csv", "response_id,account_id,surveyed_on,responded_on,score\n"
              f"N{i},A1,2025-01-05,2025-01-06,x\nM{i},A1,2025-01-05,2025-01-06,y\n")  # fmt: skip
    files = [f"nps{i:02}.csv" for i in range(1, 26)]
    run = navigator("import", "--db", "new.duckdb", "--table", "nps_responses", *files)
    assert run.code == 2
    # 25 x 2 bad scores, and a database that would lack accounts and revenue
    assert run.lines[0] == HEADER.format(n="52 problems")
    assert len(run.lines) == 1 + 20 + 1
    assert run.lines[1].startswith("  the new database: would lack")
    assert run.lines[3] == "  nps01.csv: column score: expected a whole number: 2 rows (row 1 'x'; row 2 'y')"
    assert run.lines[-1] == "  ... and 14 more problems, in 7 more groups of file, column and reason"


def test_cross_column_rules_and_allowed_values(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "revenue_movements.csv", REVENUE)
    write(
        tmp_path,
        "opportunities.csv",
        OPPORTUNITY_HEADER
        + "O1,A1,R1,new,sales,2024-01-01,,,2024-03-01,,won,5,0,10,true,true,false,false,\n"
        + "O2,A2,R1,renewal,sales,2024-01-01,,,2024-03-01,2024-02-01,open,5,0,10,true,true,false,false,Globex\n",
    )
    run = navigator("import", "--db", "out.duckdb", ".")
    assert run.code == 2 and run.lines == [
        HEADER.format(n="4 problems"),
        "  opportunities.csv: column status, closed_on: expected closed_on empty exactly when status is 'open': "
        "2 rows (row 1 'won', (empty); row 2 'open', '2024-02-01')",
        "  opportunities.csv: row 2: column kind: value 'renewal': expected one of new, expansion",
        "  opportunities.csv: row 2: column lost_to, status: value 'Globex', 'open': expected lost_to only on a "
        "lost deal (status 'lost')",
    ]


def test_every_ddl_check_has_a_rule() -> None:
    assert uncovered_checks() == []


def test_ragged_csv_rows(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS + "A3,Gamma, Inc,M1,SMB,NA,event,,R1,2024-03-01\n")
    write(tmp_path, "revenue_movements.csv", REVENUE)
    assert_problems(
        navigator("import", "--db", "out.duckdb", "accounts.csv", "revenue_movements.csv"),
        "accounts.csv: line 4: row 3: has 10 fields: expected 9, as in the header (a value with a comma must be "
        "in double quotes)",
    )


def test_required_tables_and_usage_errors(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    assert_problems(
        navigator("import", "--db", "out.duckdb", "accounts.csv"),
        "the new database: would lack revenue_movements, which navigator requires: import a transactions file "
        "(orders, invoices or payments) or a revenue_movements file too",
    )
    write(tmp_path, "crm.csv", ACCOUNTS)
    run = navigator("import", "--db", "out.duckdb", "crm.csv")
    assert run.code == 2 and run.lines == [
        "navigator: error: crm.csv: no table is named 'crm': name the file after a table (accounts.csv, "
        "transactions.csv or orders.csv, revenue_movements.csv, ...), or use --table NAME or a [files] section in a "
        "mapping file"
    ]
    run = navigator("import", "--db", "out.duckdb", "--table", "clients", "crm.csv")
    assert run.code == 2 and "--table 'clients': no such table" in run.err
    run = navigator("import", "--db", "out.duckdb", "nothing-here.csv")
    assert run.lines == ["navigator: error: no such file or folder: nothing-here.csv"]
    assert not (tmp_path / "out.duckdb").exists()


# --- formats and the mapping ---------------------------------------------------------------------------------


def test_json_ndjson_and_parquet_inputs(tmp_path: Path, navigator) -> None:
    accounts = [
        {"account_id": "A1", "name": "Acme", "market_id": "M1", "segment": "SMB", "region": "EMEA",
         "acquisition_source": "inbound", "referred_by": None, "owner_rep_id": "R1", "created_on": "2024-03-01"},
        {"account_id": 2, "name": "שלום", "market_id": "M1", "segment": "SMB", "region": "EMEA",
         "acquisition_source": "inbound", "owner_rep_id": "R1", "created_on": "2024-03-01"},
    ]  # fmt: skip
    write(tmp_path, "accounts.json", json.dumps(accounts, ensure_ascii=False))
    revenue = [
        {"account_id": "A1", "month": "2024-04", "kind": "new", "mrr_change": 100, "booked_by": "sales"},
        {"account_id": "2", "month": "2024-04-01", "kind": "new", "mrr_change": 50.5, "booked_by": "sales"},
    ]
    write(tmp_path, "revenue_movements.ndjson", "\n".join(json.dumps(row) for row in revenue) + "\n")
    pl.DataFrame(
        {
            "response_id": ["N1", "N2"],
            "account_id": ["A1", "2"],
            "surveyed_on": [dt.date(2024, 5, 1), dt.date(2024, 5, 1)],
            "responded_on": [dt.datetime(2024, 5, 2), None],
            "score": [9.0, None],
        }
    ).write_parquet(tmp_path / "nps_responses.parquet")
    run = navigator("import", "--db", "out.duckdb", ".")
    assert run.code == 0, run.err
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    assert conn.execute("SELECT account_id, name FROM accounts ORDER BY 1").fetchall() == [
        ("2", "שלום"),
        ("A1", "Acme"),
    ]
    assert conn.execute("SELECT month, mrr_change FROM revenue_movements ORDER BY 2").fetchall() == [
        (dt.date(2024, 4, 1), 50.5),
        (dt.date(2024, 4, 1), 100.0),
    ]
    assert conn.execute("SELECT responded_on, score FROM nps_responses ORDER BY 1").fetchall() == [
        (dt.date(2024, 5, 2), 9),
        (None, None),
    ]
    conn.close()
    (tmp_path / "bad").mkdir()
    write(tmp_path, "bad/accounts.json", '{"a": [1, 2]}\n')
    run = navigator("import", "--db", "out2.duckdb", "bad/accounts.json", "revenue_movements.ndjson")
    assert run.code == 2
    assert "  bad/accounts.json: column a: expected plain values, not lists or objects" in run.lines


MAPPING = """
[files]
"crm_*.csv" = "accounts"
"billing.csv" = "revenue_movements"

[accounts]
ignore = ["Phone"]

[accounts.columns]
"Account ID" = "account_id"
Company = "name"
Tier = "segment"

[accounts.constants]
market_id = "M1"
region = "EMEA"
acquisition_source = "outbound"
owner_rep_id = "R1"
created_on = 2024-01-01

[revenue_movements.constants]
booked_by = "sales"
"""


def test_mapping_renames_sets_constants_and_ignores(tmp_path: Path, navigator) -> None:
    write(tmp_path, "mapping.toml", MAPPING)
    write(tmp_path, "crm_export.csv", "Account ID,Company,Tier,Phone\nA1,Acme,Enterprise,555\nA2,Beta,SMB,556\n")
    write(tmp_path, "billing.csv", "account_id,month,kind,mrr_change\nA1,2024-04,new,100\nA2,2024-05,new,20\n")
    run = navigator("import", "--db", "out.duckdb", "--mapping", "mapping.toml", "crm_export.csv", "billing.csv")
    assert run.code == 0, run.err
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    assert conn.execute("SELECT * FROM accounts ORDER BY 1").fetchall() == [
        ("A1", "Acme", "M1", "Enterprise", "EMEA", "outbound", None, "R1", dt.date(2024, 1, 1)),
        ("A2", "Beta", "M1", "SMB", "EMEA", "outbound", None, "R1", dt.date(2024, 1, 1)),
    ]
    assert conn.execute("SELECT DISTINCT booked_by FROM revenue_movements").fetchall() == [("sales",)]
    conn.close()


@pytest.mark.parametrize(
    ("mapping", "message"),
    [
        ("[clients.columns]\nx = 'y'\n", "mapping.toml: [clients]: no such table"),
        (
            "[accounts.columns]\nCompany = 'title'\n",
            "mapping.toml: [accounts.columns] 'Company' = 'title': accounts has no column 'title'",
        ),
        (
            "[accounts.constants]\nsegment = 'Huge'\n",
            "mapping.toml: [accounts.constants] segment = 'Huge': expected one of Enterprise, Mid-market, SMB, unknown",
        ),
        (
            "[accounts.constants]\ncreated_on = 'soon'\n",
            "mapping.toml: [accounts.constants] created_on = 'soon': expected a date (YYYY-MM-DD, YYYYMMDD,",
        ),
        (
            "[accounts]\ncolumn = 'x'\n",
            "mapping.toml: [accounts] has 'column': expected only columns, constants and ignore",
        ),
        ("[files]\n'a.csv' = 'nope'\n", "mapping.toml: [files] 'a.csv' = 'nope': no such table"),
        ("accounts = [\n", "mapping.toml: not valid TOML"),
    ],
)
def test_mapping_mistakes(tmp_path: Path, navigator, mapping: str, message: str) -> None:
    write(tmp_path, "mapping.toml", mapping)
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "revenue_movements.csv", REVENUE)
    run = navigator("import", "--db", "out.duckdb", "--mapping", "mapping.toml", ".")
    assert run.code == 2 and len(run.lines) == 1, run.err
    assert run.lines[0].startswith("navigator: error: " + message), run.lines[0]


# --- transactions -> revenue movements, minimal data ---------------------------------------------------------

TRANSACTIONS = """account_id,date,amount
A1,2025-01-05,60
A1,2025-01-20,40
A1,2025-02-03,150
A1,2025-03-03,150
A1,2025-04-03,120
A1,2025-06-03,80
A2,2025-03-15,500
A3,2025-06-30,70
A4,2025-02-01,100
A4,2025-03-01,50
A4,2025-03-09,-20
A4,2025-04-01,-10
A5,2025-07-01,999
"""


def test_transactions_become_monthly_movements(tmp_path: Path, navigator) -> None:
    accounts = ACCOUNTS + "".join(f"A{i},Acct {i},M1,SMB,NA,event,,R1,2024-12-01\n" for i in (3, 4, 5))
    write(tmp_path, "accounts.csv", accounts)
    write(tmp_path, "transactions.csv", TRANSACTIONS)
    run = navigator("import", "--db", "out.duckdb", "--as-of", "2025-06", "accounts.csv", "transactions.csv")
    assert run.code == 0, run.err
    assert not [line for line in run.lines if line.startswith("navigator:")]  # no note nor warning
    assert "- 1 transaction after 2025-06 (the as-of month) kept but not counted; --as-of moves it" in run.out
    assert "  revenue_movements         11 rows  derived from 13 transactions in transactions.csv" in run.out
    conn = duckdb.connect(str(tmp_path / "out.duckdb"), read_only=True)
    rows = conn.execute(
        "SELECT account_id, strftime(month, '%Y-%m'), kind, mrr_change, booked_by FROM revenue_movements ORDER BY 1, 2"
    ).fetchall()
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    conn.close()
    assert rows == [
        # A1: Jan 60 + 40 = 100 (new), Feb 150 (+50), Mar 150 (no change), Apr 120 (-30), May nothing (churn
        # of the 120), Jun 80 (back: reactivation)
        ("A1", "2025-01", "new", 100.0, "sales"),
        ("A1", "2025-02", "expansion", 50.0, "sales"),
        ("A1", "2025-04", "contraction", -30.0, "sales"),
        ("A1", "2025-05", "churn", -120.0, "sales"),
        ("A1", "2025-06", "reactivation", 80.0, "sales"),
        # A2: a one-off sale is a customer for one month
        ("A2", "2025-03", "new", 500.0, "sales"),
        ("A2", "2025-04", "churn", -500.0, "sales"),
        # A3: new in the as-of month itself
        ("A3", "2025-06", "new", 70.0, "sales"),
        # A4: Feb 100; Mar 50 - 20 (a refund) = 30; Apr -10 (credit only) counts as 0
        ("A4", "2025-02", "new", 100.0, "sales"),
        ("A4", "2025-03", "contraction", -70.0, "sales"),
        ("A4", "2025-04", "churn", -30.0, "sales"),
        # A5: its only transaction is after the as-of month: no movement
    ]
    assert meta["as_of"] == "2025-06-01" and meta["revenue_derived_from"] == "transactions"


def test_transactions_errors(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "transactions.csv", "account_id,date,amount\nA1,2025-01-05,ten\nA7,2025-13-01,5\n")
    assert_problems(
        navigator("import", "--db", "out.duckdb", "accounts.csv", "transactions.csv"),
        "transactions.csv: row 1: column amount: value 'ten': expected a number such as 1234.5, 1,234.50, "
        "$1,234.50 or (12)",
        "transactions.csv: row 2: column account_id: value 'A7': expected an existing accounts.account_id (looked in "
        "accounts.csv)",
        "transactions.csv: row 2: column date: value '2025-13-01': expected a date (YYYY-MM-DD, YYYYMMDD, "
        "YYYY/MM/DD or DD.MM.YYYY; --date-format for others)",
    )
    write(tmp_path, "revenue_movements.csv", REVENUE)
    run = navigator("import", "--db", "out.duckdb", ".")
    assert run.lines == [
        "navigator: error: give revenue_movements or transactions, not both: both would fill revenue_movements"
    ]


def _monthly(account: str, first: str, last: str, amount: float) -> list[str]:
    month = dt.date.fromisoformat(first + "-01")
    end = dt.date.fromisoformat(last + "-01")
    rows = []
    while month <= end:
        rows.append(f"{account},{month.replace(day=10).isoformat()},{amount}")
        month = (month + dt.timedelta(days=32)).replace(day=1)
    return rows


def test_minimal_data_accounts_and_transactions_give_the_lifecycle_figures(tmp_path: Path, navigator) -> None:
    """With only accounts and a transactions file: MRR, NRR, GRR, logo churn and cohorts, worked out by hand."""
    accounts = "".join(f"A{i},Acct {i},M1,SMB,NA,event,,R1,2023-12-01\n" for i in (3, 4))
    write(tmp_path, "accounts.csv", ACCOUNTS + accounts)
    rows = (
        _monthly("A1", "2024-01", "2025-02", 100)  # 100 a month ...
        + _monthly("A1", "2025-03", "2025-06", 150)  # ... then 150 from March 2025: expansion +50
        + _monthly("A2", "2024-01", "2024-12", 200)  # 200 a month through 2024: churn -200 in January 2025
        + _monthly("A3", "2024-03", "2025-04", 50)  # 50 a month ...
        + _monthly("A3", "2025-05", "2025-06", 30)  # ... then 30: contraction -20 in May 2025
        + _monthly("A4", "2025-02", "2025-06", 80)  # new in February 2025: not in the start cohort
    )
    write(tmp_path, "transactions.csv", "account_id,date,amount\n" + "\n".join(rows) + "\n")
    run = navigator("import", "--db", "minimal.duckdb", "accounts.csv", "transactions.csv")
    assert run.code == 0, run.err
    assert "(as of 2025-06)" in run.out  # the last month of the transactions, complete by now
    report = navigator("report", "--db", "minimal.duckdb", "--format", "json")
    assert report.code == 0, report.err
    metrics = json.loads(report.out)["metrics"]
    # the start cohort: active at the end of 2024-06: A1 100, A2 200, A3 50 -> start MRR 350.
    # Over 2024-07 .. 2025-06: expansion +50 (A1), contraction -20 (A3), churn -200 (A2).
    assert metrics["nrr"]["value"] == pytest.approx((350 + 50 - 20 - 200) / 350, abs=1e-6)
    assert metrics["grr"]["value"] == pytest.approx((350 - 20 - 200) / 350, abs=1e-6)
    assert metrics["logo_churn"]["value"] == pytest.approx(1 / 3, abs=1e-6)
    assert metrics["mrr"]["value"] == 150 + 30 + 80 and metrics["customers"]["value"] == 3
    assert metrics["win_rate"]["value"] is None and metrics["win_rate"]["note"] == "no reps, opportunities data"
    cohorts = navigator("query", "cohort_retention", "--db", "minimal.duckdb", "--format", "json")
    cells = {(row["cohort"], row["months_since"]): row for row in json.loads(cohorts.out)}
    january = cells[("2024-01-01", 12)]  # A1 and A2 started in January 2024; A2 is gone a year on
    assert (january["cohort_customers"], january["active_customers"]) == (2, 1)
    assert january["customer_retention"] == 0.5


# --- nothing is lost --------------------------------------------------------------------------------------------


@pytest.fixture
def handbuilt(tmp_path: Path) -> Path:
    """The hand-built database plus things navigator does not know: they must survive an import."""
    path = build_handbuilt(tmp_path / "lifecycle.duckdb")
    conn = duckdb.connect(str(path))
    conn.execute("CREATE TABLE notes AS SELECT 'keep me' AS note")
    conn.execute("CREATE SCHEMA finance")
    conn.execute("CREATE TABLE finance.budget (year INTEGER PRIMARY KEY, amount DOUBLE)")
    conn.execute("INSERT INTO finance.budget VALUES (2026, 1e6)")
    conn.execute("CREATE VIEW big_accounts AS SELECT * FROM accounts WHERE segment = 'Enterprise'")
    conn.close()
    return path


def _contents(path: Path) -> dict[str, list[tuple]]:
    conn = duckdb.connect(str(path), read_only=True)
    try:
        tables = conn.execute(
            "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()"
        ).fetchall()
        return {f"{s}.{t}": sorted(conn.execute(f'SELECT * FROM "{s}"."{t}"').fetchall(), key=repr) for s, t in tables}
    finally:
        conn.close()


def test_tables_not_imported_are_kept(tmp_path: Path, navigator, handbuilt: Path) -> None:
    before = _contents(handbuilt)
    write(
        tmp_path,
        "nps_responses.csv",
        "response_id,account_id,surveyed_on,responded_on,score\nN100,A1,2026-02-02,2026-02-03,10\n",
    )
    run = navigator("import", "--db", "lifecycle.duckdb", "nps_responses.csv")
    assert run.code == 0, run.err
    assert "(as of 2026-02)" in run.out  # the old file's as-of month: revenue was not imported
    assert run.out.splitlines()[-1].startswith("kept from the previous file: ")
    after = _contents(handbuilt)
    assert after.pop("main.nps_responses") == [("N100", "A1", dt.date(2026, 2, 2), dt.date(2026, 2, 3), 10)]
    before.pop("main.nps_responses")
    meta_after = dict(after.pop("main.meta"))
    before.pop("main.meta")
    # The summary tables are rebuilt from the new data (tests/test_rollups.py checks their contents).
    rebuilt = {name for name in after if name.startswith("main.rollup_")}
    assert rebuilt == {f"main.{name}" for name in rollups.ROLLUPS}
    assert after.pop("main.rollup_nps") != before.pop("main.rollup_nps")
    for name in rebuilt - {"main.rollup_nps"}:
        after.pop(name)
        before.pop(name)
    assert after == before  # every other table, navigator's or not, row for row
    assert meta_after["as_of"] == "2026-02-01" and meta_after["generator"] == "navigator import"
    conn = duckdb.connect(str(handbuilt), read_only=True)
    assert conn.execute("SELECT count(*) FROM big_accounts").fetchone() == (3,)
    constraints = conn.execute(
        "SELECT count(*) FROM duckdb_constraints() WHERE table_name = 'budget' AND constraint_type = 'PRIMARY KEY'"
    ).fetchone()
    conn.close()
    assert constraints == (1,)
    assert stray_files(tmp_path) == []


def test_references_of_kept_tables_must_still_resolve(tmp_path: Path, navigator, handbuilt: Path) -> None:
    before = sha256(handbuilt)
    conn = duckdb.connect(str(handbuilt), read_only=True)
    # two accounts fewer, both referred to by the tables the import keeps
    conn.execute(f"COPY (SELECT * FROM accounts WHERE account_id NOT IN ('A8', 'A9')) TO '{tmp_path}/accounts.csv'")
    conn.close()
    run = navigator("import", "--db", "lifecycle.duckdb", "accounts.csv")
    assert run.code == 2, run.err
    path = "lifecycle.duckdb"
    assert f"  {path} (table revenue_movements, kept): column account_id: expected an existing " \
        "accounts.account_id (looked in accounts.csv): import revenue_movements too, or keep that account_id: " \
        "2 values ('A8' (1 kept row refers to it); 'A9' (1 kept row refers to it))" in run.lines  # fmt: skip
    assert any(line.startswith(f"  {path} (table opportunities, kept): column account_id:") and "'A9'" in line
               for line in run.lines)  # fmt: skip
    assert sha256(handbuilt) == before and stray_files(tmp_path) == []


def test_refuses_to_replace_what_is_not_a_duckdb_file(tmp_path: Path, navigator) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "revenue_movements.csv", REVENUE)
    notes = write(tmp_path, "notes.duckdb", "my notes, not a database\n")
    before = sha256(notes)
    run = navigator("import", "--db", "notes.duckdb", "accounts.csv", "revenue_movements.csv")
    assert run.lines == ["navigator: error: notes.duckdb is not a DuckDB database file; nothing was changed"]
    assert sha256(notes) == before and stray_files(tmp_path) == []


def test_a_failure_while_building_leaves_the_file_unchanged(
    tmp_path: Path, navigator, small: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sha256(small)

    def broken(*args: object) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(swap, "_write_meta", broken)
    with pytest.raises(OSError, match="disk full"):
        run_import(tmp_path / "lifecycle.duckdb", [tmp_path / "accounts.csv", tmp_path / "revenue_movements.csv"])
    assert sha256(small) == before
    assert stray_files(tmp_path) == []


def test_progress_is_reported(tmp_path: Path) -> None:
    write(tmp_path, "accounts.csv", ACCOUNTS)
    write(tmp_path, "revenue_movements.csv", REVENUE)
    seen: list[tuple[float, str]] = []
    run_import(
        tmp_path / "out.duckdb",
        [tmp_path],
        progress=lambda fraction, label: seen.append((fraction, label)),
    )
    fractions = [fraction for fraction, _ in seen]
    assert fractions == sorted(fractions) and fractions[-1] == 1.0
    labels = {label for _, label in seen}
    assert {"reading accounts.csv", "writing accounts", "writing revenue_movements", "done"} <= labels


# --- the swap: killed, interrupted, read meanwhile --------------------------------------------------------------

NEW_ACCOUNTS = ACCOUNTS + "A3,Gamma,M1,SMB,NA,event,,R1,2024-12-01\n"
NEW_REVENUE = REVENUE + "A3,2025-01-01,new,70,sales,,\n"


@pytest.fixture
def small(tmp_path: Path) -> Path:
    """A file imported from ACCOUNTS and REVENUE (2 accounts, MRR 250), and the next export beside it
    (3 accounts, MRR 320) as accounts.csv and revenue_movements.csv."""
    old = tmp_path / "old"
    old.mkdir()
    write(old, "accounts.csv", ACCOUNTS)
    write(old, "revenue_movements.csv", REVENUE)
    target = tmp_path / "lifecycle.duckdb"
    run_import(target, [old])
    write(tmp_path, "accounts.csv", NEW_ACCOUNTS)
    write(tmp_path, "revenue_movements.csv", NEW_REVENUE)
    return target


def _start_import(tmp_path: Path, target: Path, go: Path, *files: str) -> subprocess.Popen[str]:
    env = {**os.environ, PAUSE_ENV: str(go)}

    def default_sigint() -> None:  # as in a terminal: the test runner may have SIGINT ignored
        signal.signal(signal.SIGINT, signal.SIG_DFL)

    process = subprocess.Popen(
        [sys.executable, "-m", "navigator", "import", "--db", str(target), *files],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )
    assert process.stderr is not None
    line = process.stderr.readline()
    assert "test hook: paused before the swap" in line, line + process.stderr.read()
    return process


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize(("signum", "code"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_interrupted_import_leaves_the_file_unchanged_and_no_stray_files(
    tmp_path: Path, small: Path, signum: int, code: int
) -> None:
    before = sha256(small)
    listing = _files(tmp_path)
    process = _start_import(tmp_path, small, tmp_path / "go", "accounts.csv", "revenue_movements.csv")
    assert stray_files(tmp_path) == [f".lifecycle.duckdb.import-{process.pid}.tmp"]  # the new file, complete
    process.send_signal(signum)
    _, err = process.communicate(timeout=30)
    assert process.returncode == code, err
    name = signal.Signals(signum).name
    assert err.strip().splitlines()[-1] == f"navigator: error: import interrupted by {name}; {small} was not changed"
    assert sha256(small) == before
    assert _files(tmp_path) == listing


def test_a_signal_after_the_swap_does_not_interrupt() -> None:
    """Once the new file is in place, SIGTERM no longer raises: the import reports it complete."""
    with importer.interruptible() as guard:
        with pytest.raises(KeyboardInterrupt):
            os.kill(os.getpid(), signal.SIGTERM)
            time.sleep(1)
        guard.swapped = True
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)
    assert guard.received == [signal.SIGTERM, signal.SIGTERM]


def test_killed_import_leaves_the_file_unchanged_and_the_next_import_cleans_up(tmp_path: Path, small: Path) -> None:
    before = sha256(small)
    process = _start_import(tmp_path, small, tmp_path / "go", "accounts.csv", "revenue_movements.csv")
    process.kill()  # SIGKILL: no chance to clean up
    process.communicate(timeout=30)
    assert sha256(small) == before
    assert stray_files(tmp_path) == [f".lifecycle.duckdb.import-{process.pid}.tmp"]
    result = subprocess.run(
        [sys.executable, "-m", "navigator", "import", "--db", str(small), "accounts.csv", "revenue_movements.csv"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert stray_files(tmp_path) == []
    assert sha256(small) != before


def test_second_import_refuses_while_one_runs(tmp_path: Path, small: Path, navigator) -> None:
    go = tmp_path / "go"
    process = _start_import(tmp_path, small, go, "accounts.csv", "revenue_movements.csv")
    try:
        run = navigator("import", "--db", "lifecycle.duckdb", "accounts.csv", "revenue_movements.csv")
        assert run.lines[0].startswith(
            f"navigator: error: another import into lifecycle.duckdb is running (process {process.pid})"
        )
    finally:
        go.touch()
        process.communicate(timeout=60)
    assert process.returncode == 0


READER = """
import sys, time
from pathlib import Path
from navigator.data.source import open_source
target, stop, reopen = sys.argv[1:4]
db = open_source(target)
while not Path(stop).exists():
    if Path(reopen).exists():
        db = db.reopen()
        Path(reopen).unlink()
    frame = db.run("mrr")
    print(f"{db.row_counts['accounts']} {frame['mrr'][0]}", flush=True)
    time.sleep(0.05)
"""


def test_a_reader_keeps_answering_during_an_import_and_sees_the_new_data_after_reopening(
    tmp_path: Path, small: Path
) -> None:
    stop, reopen, go = tmp_path / "stop", tmp_path / "reopen", tmp_path / "go"
    reader = subprocess.Popen(
        [sys.executable, "-c", READER, str(small), str(stop), str(reopen)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert reader.stdout is not None
    try:
        assert reader.stdout.readline().split() == ["2", "250.0"]  # the old file: 2 accounts
        process = _start_import(tmp_path, small, go, "accounts.csv", "revenue_movements.csv")
        for _ in range(5):  # the new file is built and waits beside the old one: the reader goes on
            assert reader.stdout.readline().split() == ["2", "250.0"]
        go.touch()
        _, err = process.communicate(timeout=60)
        assert process.returncode == 0, err
        for _ in range(5):  # the old file is replaced, but the reader still reads the one it opened
            assert reader.stdout.readline().split() == ["2", "250.0"]
        reopen.touch()
        deadline = time.monotonic() + 30
        while reader.stdout.readline().split() != ["3", "320.0"]:  # after reopening: the imported data
            assert time.monotonic() < deadline
    finally:
        stop.touch()
        reader.communicate(timeout=30)
    assert reader.returncode == 0


async def test_dashboard_refresh_shows_the_imported_data(tmp_path: Path, small: Path) -> None:
    from navigator.ui.app import NavigatorApp

    db = open_source(small)
    app = NavigatorApp(db)
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            assert "2 accounts" in str(app.query_one("#status").render())
            run_import(small, [tmp_path / "accounts.csv", tmp_path / "revenue_movements.csv"])
            await pilot.press("r")
            for _ in range(5):
                await app.workers.wait_for_complete()
                await pilot.pause()
            assert "3 accounts" in str(app.query_one("#status").render())
            assert app.db is not db and app.db.as_of == dt.date(2025, 9, 1)
    finally:
        db.close()


# --- the README's three steps, as written ---------------------------------------------------------------------

ROOT = Path(__file__).resolve().parent.parent


def readme_commands() -> list[str]:
    """The `navigator ...` lines of the README's "Import your own data in three steps" section."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Import your own data in three steps")
    end = text.index("\n## ", start + 3)
    commands = []
    in_code = False
    for line in text[start:end].splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            in_code = not in_code
        elif in_code and stripped.startswith("navigator "):
            commands.append(stripped)
    return commands


async def test_readme_three_steps_work(tmp_path: Path) -> None:
    import shlex
    import shutil

    from navigator.ui.app import NavigatorApp

    shutil.copytree(ROOT / "docs" / "examples", tmp_path / "docs" / "examples")
    commands = readme_commands()
    assert [c.split()[1] for c in commands] == ["import", "--db", "report", "import", "report"]
    for command in commands:
        args = shlex.split(command)[1:]
        if args[0] == "--db":  # the dashboard: below, driven by Pilot
            continue
        result = subprocess.run(
            [sys.executable, "-m", "navigator", *args], cwd=tmp_path, capture_output=True, text=True, timeout=120,
            env={**os.environ, "COLUMNS": "160"},
        )  # fmt: skip
        assert result.returncode == 0, (command, result.stderr)
        if args[0] == "report":
            assert "NRR" in result.stdout and "Win rate" in result.stdout
    lifecycle = json.loads(
        subprocess.run(
            [sys.executable, "-m", "navigator", "report", "--db", "my.duckdb", "--format", "json"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True,
        ).stdout
    )  # fmt: skip
    assert lifecycle["as_of"] == "2025-12"
    figures = lifecycle["metrics"]
    # ACC-001 1300 + ACC-002 750 + ACC-003 200 + ACC-004 1000 + ACC-006 800 + ACC-008 180
    assert figures["mrr"]["value"] == 4230.0 and figures["customers"]["value"] == 6
    assert figures["win_rate"]["value"] == 0.5  # OPP-013 won, OPP-012 lost in Oct-Dec 2025
    billing = json.loads(
        subprocess.run(
            [sys.executable, "-m", "navigator", "report", "--db", "billing.duckdb", "--format", "json"],
            cwd=tmp_path, capture_output=True, text=True, timeout=120, check=True,
        ).stdout
    )  # fmt: skip
    # Acme 520 + 130, النور 200, Delta 300 at the end of December 2025
    assert billing["as_of"] == "2025-12" and billing["metrics"]["mrr"]["value"] == 1150.0
    db = open_source(tmp_path / "my.duckdb")
    try:
        app = NavigatorApp(db)
        async with app.run_test(size=(120, 40)) as pilot:
            for _ in range(3):
                await app.workers.wait_for_complete()
                await pilot.pause()
            status = str(app.query_one("#status").render())
            assert "data as of 2025-12" in status and "8 accounts" in status
    finally:
        db.close()
