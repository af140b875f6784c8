"""Reading and checking every input file, writing nothing: each file read (UTF-8 checked), its
columns matched to navigator's, its values parsed and checked, and the references of every table
checked against the combined data (the incoming tables plus the tables the existing file keeps).
Any problem ends the import with the grouped list (`ImportProblems`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import polars as pl

from navigator.data.ingest import readers
from navigator.data.ingest.checks import Checked, Part, check_meta, check_references, check_table
from navigator.data.ingest.columns import match_columns
from navigator.data.ingest.mapping import Mapping
from navigator.data.ingest.old_file import OldFile, check_kept_reference, old_values
from navigator.data.ingest.plan import Input
from navigator.data.ingest.problems import ImportProblems, Problem, Problems
from navigator.data.ingest.specs import TRANSACTIONS, table_specs
from navigator.data.ingest.values import ParseOptions
from navigator.data.schema import REQUIRED_TABLES

Progress = Callable[[float, str], None]
READ_SHARE, CHECK_SHARE = 0.5, 0.1
DERIVED = "accounts_derived_from"


@dataclass
class Incoming:
    tables: dict[str, Checked]  # typed, with __file, __row and __number; TRANSACTIONS apart
    sources: dict[str, list[str]]
    derive_accounts: bool  # no accounts given or kept (or the kept ones were derived): make them
    notes: list[str] = field(default_factory=list)


def accounts_to_derive(tables: set[str], old: OldFile | None) -> bool:
    """Whether the accounts come from the revenue: none imported, and none kept but derived ones."""
    if "accounts" in tables or not tables & {TRANSACTIONS, "revenue_movements"}:
        return False
    return old is None or "accounts" not in old.navigator_tables or DERIVED in old.meta


def validate(inputs: list[Input], mapping: Mapping, old: OldFile | None, options: ParseOptions,
             progress: Progress) -> Incoming:  # fmt: skip
    problems = Problems()
    specs = table_specs()
    total_bytes = sum(max(item.path.stat().st_size, 1) for item in inputs) or 1
    done_bytes = 0
    parts: dict[str, list[Part]] = {}
    sources: dict[str, list[str]] = {}
    notes: list[str] = []
    for item in inputs:
        start = done_bytes
        label = f"reading {item.path.name}"
        progress(READ_SHARE * start / total_bytes, label)

        def on_bytes(done: int, start: int = start, label: str = label) -> None:
            progress(READ_SHARE * (start + done) / total_bytes, label)

        raw = readers.read(item.path, item.shown, item.number, problems, on_bytes)
        done_bytes += max(item.path.stat().st_size, 1)
        progress(READ_SHARE * done_bytes / total_bytes, label)
        sources.setdefault(item.table, []).append(item.shown)
        if raw.frame is None:
            continue
        matched = match_columns(raw, item.table, mapping, problems)
        notes.extend(matched.notes)
        row_hash = raw.frame.hash_rows() if item.table in (TRANSACTIONS, "revenue_movements") else None
        parts.setdefault(item.table, []).append(
            Part(raw.shown, raw.number, matched.frame, matched.absent, matched.defaulted, row_hash)
        )
    progress(READ_SHARE, "checking")
    tables: dict[str, Checked] = {}
    for table, table_parts in parts.items():
        tables[table] = check_table(specs[table], table_parts, problems, options)
        notes.extend(tables[table].notes)
    if "meta" in tables:
        check_meta(tables["meta"].frame, problems)
    incoming = set(sources)
    derive = accounts_to_derive(incoming, old)
    if TRANSACTIONS in incoming:
        incoming.add("revenue_movements")
    _check_all_references(tables, sources, incoming, old, derive, problems)
    present = incoming | (old.navigator_tables if old else set()) | ({"accounts"} if derive else set())
    target = str(old.path) if old else "the new database"
    for required in REQUIRED_TABLES:
        if required not in present:
            what = (
                "an accounts file"
                if required == "accounts"
                else "a transactions file (orders, invoices or payments) or a revenue_movements file"
            )
            problems.add(
                Problem(
                    target,
                    expected=f"would lack {required}, which navigator requires: import {what} too",
                    order=(-1, 0),
                )
            )
    if problems:
        raise ImportProblems(problems)
    progress(READ_SHARE + CHECK_SHARE, "checked")
    return Incoming(tables, sources, derive, notes)


KEYS = (
    ("accounts", "account_id"),
    ("markets", "market_id"),
    ("reps", "rep_id"),
    ("teams", "team_id"),
    ("opportunities", "opportunity_id"),
)


def _check_all_references(
    tables: dict[str, Checked],
    sources: dict[str, list[str]],
    incoming: set[str],
    old: OldFile | None,
    derive_accounts: bool,
    problems: Problems,
) -> None:
    specs = table_specs()
    keys: dict[tuple[str, str], pl.Series | None] = {}
    where: dict[str, str] = {}
    for table, key in KEYS:
        if table == "accounts" and derive_accounts:
            keys[(table, key)] = None  # made from the revenue's own ids below
        elif table in incoming:
            keys[(table, key)] = tables[table].frame[key] if table in tables else None
            where[table] = ", ".join(sources.get(table, [table]))
        elif old is not None:
            keys[(table, key)] = old_values(old, table, key)
            where[table] = f"{table} kept from {old.path}"
        else:
            keys[(table, key)] = None
    for table, checked in tables.items():
        check_references(specs[table], checked, keys, where, problems)
    if old is None:
        return
    # the tables the old file keeps must still find what they refer to in the replaced ones
    kept = old.navigator_tables - incoming - {"meta"}
    for table in sorted(kept):
        for ref in specs[table].references:
            if ref.table not in incoming or ref.table not in tables:
                continue
            check_kept_reference(
                old,
                table,
                ref.column,
                ref.table,
                ref.key,
                tables[ref.table].frame[ref.key],
                where[ref.table],
                problems,
            )
