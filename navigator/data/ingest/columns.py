"""Which column of an export fills which column of navigator's table, and what fills the rest.

A file's column fills a table's column when the mapping renames it, or when their names match
ignoring case, spaces and punctuation (`Account_ID`, `account id` and `AccountID` all fill
`account_id`), or when it is one of the names billing and CRM systems give that column (Stripe,
Chargebee, HubSpot, Salesforce: `SYNONYMS`, listed in docs/import.md). The first match in that
order wins; a second column for the same place is ignored with a note.

Exports of customers and of orders or invoices carry many columns navigator has no use for:
in `accounts` and `transactions` those are ignored and named in the summary. The other tables are
navigator's own shape, where an unknown column is more likely a typo: an error. An accounts file
may lack any column but its id: the rest take the defaults of `ACCOUNT_DEFAULTS`, said in the
summary.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import polars as pl

from navigator.data.ingest.mapping import Mapping, constant_series
from navigator.data.ingest.problems import Problem, Problems
from navigator.data.ingest.readers import RawFile
from navigator.data.ingest.specs import TRANSACTIONS, table_specs
from navigator.data.ingest.values import fold

# The usual names of each column in the exports people bring (matched like navigator's own names).
SYNONYMS: dict[str, dict[str, tuple[str, ...]]] = {
    TRANSACTIONS: {
        "account_id": (
            "account",
            "customer id",
            "customer",
            "cust id",
            "client id",
            "client",
            "company id",
            "associated company id",
            "buyer id",
            "member id",
            "user id",
        ),
        "date": (
            "invoice date",
            "created (utc)",
            "created",
            "created at",
            "date (utc)",
            "paid at",
            "paid on",
            "payment date",
            "order date",
            "transaction date",
            "close date",
            "closed date",
            "posting date",
            "issued at",
            "issue date",
            "billing date",
            "sale date",
            "invoice created",
        ),
        "amount": (
            "amount paid",
            "total",
            "total amount",
            "net amount",
            "amount (usd)",
            "amount (eur)",
            "revenue",
            "price",
            "value",
            "line amount",
            "sales",
            "order total",
            "gross amount",
        ),
        "period_start": (
            "service start",
            "service period start",
            "billing period start",
            "line item period start",
            "subscription period start",
            "from date",
            "date from",
        ),
        "period_end": (
            "service end",
            "service period end",
            "billing period end",
            "line item period end",
            "subscription period end",
            "to date",
            "date to",
        ),
        "interval": (
            "billing interval",
            "plan interval",
            "interval unit",
            "billing period unit",
            "billing frequency",
            "frequency",
            "billing cycle",
            "term",
        ),
        "interval_count": ("plan interval count", "billing period", "billing period count"),
        "currency": ("currency code", "invoice currency", "currency iso code"),
        "transaction_id": (
            "id",
            "invoice id",
            "invoice number",
            "invoice no",
            "order id",
            "order number",
            "order no",
            "transaction",
            "charge id",
            "payment id",
            "deal id",
            "opportunity id",
            "receipt number",
        ),
        "status": ("invoice status", "payment status", "order status", "stage"),
        "name": (
            "customer name",
            "customer description",
            "customer company",
            "company",
            "company name",
            "account name",
            "client name",
            "customer email",
        ),
    },
    "accounts": {
        "account_id": (
            "id",
            "customer id",
            "customer",
            "company id",
            "record id",
            "client id",
            "account",
        ),
        "name": ("account name", "company name", "company", "customer name", "client name", "description"),
        "region": ("country", "country/region", "billing country", "billing country code", "geo"),
        "created_on": (
            "created",
            "created date",
            "create date",
            "created (utc)",
            "created at",
            "customer since",
            "first seen",
        ),
        "owner_rep_id": ("owner", "account owner", "company owner", "owner id", "account owner id"),
        "market_id": ("market", "industry"),
        "referred_by": ("referred by", "referrer", "referrer id"),
    },
}

# Tables whose files are usually exports with columns of their own: unknown columns are ignored.
EXPORT_TABLES = frozenset({"accounts", TRANSACTIONS})
# What an accounts column the file lacks is filled with (name: the id; created_on: the first revenue).
UNKNOWN = "unknown"
ACCOUNT_DEFAULTS: dict[str, str | None] = {
    "name": "the account id",
    "market_id": UNKNOWN,
    "segment": UNKNOWN,
    "region": UNKNOWN,
    "acquisition_source": UNKNOWN,
    "owner_rep_id": UNKNOWN,
    "created_on": "the date of its first revenue",
}


@dataclass
class Matched:
    """A file's columns under navigator's names, with what the summary should say about them."""

    frame: pl.DataFrame
    absent: frozenset[str] = frozenset()  # required columns the file lacks (reported already)
    defaulted: frozenset[str] = frozenset()  # accounts columns to fill with ACCOUNT_DEFAULTS
    notes: list[str] = field(default_factory=list)


def match_columns(raw: RawFile, table: str, mapping: Mapping, problems: Problems) -> Matched:
    """The file's columns renamed to navigator's, constants added; unknown and missing columns
    reported (or ignored and defaulted, for exports of accounts and transactions)."""
    assert raw.frame is not None
    spec = table_specs()[table]
    tm = mapping.for_table(table)
    frame = raw.frame
    by_fold = {fold(column): column for column in spec.columns}
    synonyms = {
        fold(name): (column, rank)
        for column, names in SYNONYMS.get(table, {}).items()
        for rank, name in enumerate(names)
    }
    chosen: dict[str, str] = {}  # navigator column -> file column
    ignored: list[str] = []
    second: list[str] = []
    notes: list[str] = []

    def problem(column: str, expected: str) -> None:
        problems.add(Problem(raw.shown, column=column, expected=expected, order=(raw.number, 0)))

    # pass 1: the mapping and navigator's own names; pass 2: the usual names of other systems
    pending = []
    for column in frame.columns:
        if tm.ignores(column):
            continue
        target = tm.target_of(column) or by_fold.get(fold(column))
        if target is None:
            pending.append(column)
        elif target in chosen:
            problem(repr(column), f"fills {target}, which column {chosen[target]!r} already fills: expected it once")
        else:
            chosen[target] = column
    # the usual names, best first: "Amount Paid" fills amount before "Total" does
    ranked = sorted(pending, key=lambda column: synonyms.get(fold(column), ("", len(pending)))[1])
    for column in ranked:
        target = synonyms.get(fold(column), (None, 0))[0]
        if target is not None and target not in chosen and target not in tm.constants:
            chosen[target] = column
        elif target is not None:
            second.append(f"{column!r} (like {chosen.get(target, target)!r}, it would fill {target})")
        elif table in EXPORT_TABLES:
            ignored.append(column)
        else:
            problem(
                repr(column),
                f"not a column of {table}: expected one of {', '.join(spec.columns)} (rename it under "
                f"[{table}.columns] in a mapping file, or list it under ignore there)",
            )
    renamed = frame.select([pl.col(source).alias(target) for target, source in chosen.items()])
    read_as = [f"{source!r} as {target}" for target, source in chosen.items() if fold(source) != fold(target)]
    if read_as and not tm.columns:
        notes.append(f"{raw.shown}: read {', '.join(read_as)}")
    if ignored:
        notes.append(f"{raw.shown}: ignored the columns navigator does not use: {', '.join(map(repr, ignored))}")
    if second:
        notes.append(f"{raw.shown}: ignored {', '.join(second)}")
    for column, value in tm.constants.items():
        if column in chosen:
            problem(column, "is in the file and also a constant in the mapping: expected one or the other")
        else:
            renamed = renamed.with_columns(constant_series(value, renamed.height, column))
    defaulted: set[str] = set()
    if table == "accounts":
        defaulted = {c for c in ACCOUNT_DEFAULTS if c not in renamed.columns}
        if defaulted:
            notes.append(f"{raw.shown}: no {', '.join(sorted(defaulted))} column: {describe_defaults(defaulted)}")
    missing = [c for c in spec.columns if c in spec.required and c not in renamed.columns and c not in defaulted]
    for column in missing:
        problem(
            column,
            f"missing: expected a column named {column} (required), or a mapping that renames a "
            "column to it or gives it a constant",
        )
    return Matched(renamed, frozenset(missing), frozenset(defaulted), notes)


def describe_defaults(columns: set[str] | frozenset[str]) -> str:
    """How the summary says what the missing accounts columns were filled with."""
    parts = []
    unknown = sorted(c for c in columns if ACCOUNT_DEFAULTS[c] == UNKNOWN)
    if unknown:
        parts.append(f"{', '.join(unknown)} '{UNKNOWN}'")
    if "name" in columns:
        parts.append("name = the account id")
    if "created_on" in columns:
        parts.append("created_on = the date of its first revenue")
    return "filled with defaults (" + "; ".join(parts) + ")"
