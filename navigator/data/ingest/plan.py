"""Which table each input file fills: `--table`, else a `[files]` pattern of the mapping, else the
file's name (`accounts.csv` fills accounts; `orders.csv`, `invoices.csv`, ... are transactions:
`FILE_NAMES`; a number or a date after the name is allowed: `orders-2024.csv`). A folder stands for
the CSV, Parquet and JSON files in it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from navigator.data.errors import UsageError
from navigator.data.ingest import readers
from navigator.data.ingest.mapping import Mapping
from navigator.data.ingest.specs import TRANSACTIONS, table_specs

# Other names files of a table commonly have (the file's name without its extension, any case).
FILE_NAMES = {
    "customers": "accounts",
    "companies": "accounts",
    "clients": "accounts",
    "orders": TRANSACTIONS,
    "invoices": TRANSACTIONS,
    "payments": TRANSACTIONS,
    "charges": TRANSACTIONS,
    "sales": TRANSACTIONS,
    "order_lines": TRANSACTIONS,
    "invoice_lines": TRANSACTIONS,
}


def table_of_name(stem: str) -> str:
    """The table a file name says: `accounts`, `orders` (transactions), also with a number or a date
    after it (`orders-2024`, `invoices_2025-03`, `customers (1)`); else the name itself."""
    specs = table_specs()
    for name in (stem, re.sub(r"[\s_.-]*(?:\(\d+\)|\d[\d\s_.-]*)$", "", stem)):
        key = name.strip().lower().replace(" ", "_").replace("-", "_")
        if key in specs:
            return key
        if key in FILE_NAMES:
            return FILE_NAMES[key]
    return stem.lower()


@dataclass
class Input:
    path: Path
    shown: str
    table: str  # a table of the schema, or TRANSACTIONS (an export that revenue is derived from)
    number: int


def plan_inputs(
    paths: list[Path], table: str | None, mapping: Mapping, mapping_path: Path | None = None
) -> tuple[list[Input], list[str]]:
    """Which table each file fills; notes about skipped files. UsageError when a file cannot be placed."""
    specs = table_specs()
    if table is not None and table not in specs:
        raise UsageError(f"--table {table!r}: no such table (tables: {', '.join(specs)})")
    files: list[tuple[Path, str]] = []
    notes: list[str] = []
    for path in paths:
        shown = str(path)
        if not path.exists():
            raise UsageError(f"no such file or folder: {shown}")
        if path.is_dir():
            found = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            usable = [p for p in found if readers.format_of(p)]
            own = mapping_path.resolve() if mapping_path is not None else None
            skipped = [p.name for p in found if not readers.format_of(p) and p.resolve() != own]
            if skipped:
                notes.append(f"{shown}: skipped {', '.join(skipped)} (not CSV, Parquet or JSON)")
            if not usable:
                raise UsageError(f"{shown} has no CSV, Parquet or JSON files to import")
            files.extend((p, str(p)) for p in usable)
        elif readers.format_of(path) is None:
            known = ", ".join(sorted(readers.FORMATS))
            raise UsageError(f"{shown}: navigator imports {known} files")
        else:
            files.append((path, shown))
    inputs: list[Input] = []
    for number, (path, shown) in enumerate(files):
        target = table or mapping.table_for(path) or table_of_name(path.stem)
        if target not in specs:
            raise UsageError(
                f"{shown}: no table is named {path.stem!r}: name the file after a table (accounts.csv, "
                "transactions.csv or orders.csv, revenue_movements.csv, ...), or use --table NAME or a [files] "
                "section in a mapping file"
            )
        inputs.append(Input(path, shown, target, number))
    tables = {item.table for item in inputs}
    if TRANSACTIONS in tables and "revenue_movements" in tables:
        raise UsageError("give revenue_movements or transactions, not both: both would fill revenue_movements")
    return inputs, notes
