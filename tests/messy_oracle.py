"""The figures a billing export like tests/messy.py's should give, computed in plain Python from the
file itself (the csv module, dates and sums; no Polars, no DuckDB, no navigator code), by the rules
docs/import.md and docs/metrics.md state. tests/test_messy_subscriptions.py compares navigator with
it; `python tests/messy_oracle.py` prints the comparison."""

from __future__ import annotations

import csv
import datetime as dt
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

NOT_PAID = ("void", "fail", "cancel", "draft", "delet", "refund", "declin", "reject", "abandon", "uncollect", "lost")
INTERVAL_MONTHS = {"": 1, "monthly": 1, "quarterly": 3, "annual": 12}

Month = int  # year * 12 + month - 1


def month_of(day: dt.date) -> Month:
    return day.year * 12 + day.month - 1


def month_name(month: Month) -> str:
    return f"{month // 12}-{month % 12 + 1:02}"


def parse_amount(text: str) -> float:
    negative = text.startswith("(") and text.endswith(")")
    digits = text.strip("()").replace("$", "").replace(",", "")
    return -float(digits) if negative else float(digits)


def parse_date(text: str) -> dt.date:
    if len(text) == 8 and text.isdigit():
        return dt.date(int(text[:4]), int(text[4:6]), int(text[6:]))
    return dt.date.fromisoformat(text)


@dataclass
class Truth:
    as_of: Month
    mrr: dict[str, dict[Month, float]]  # account -> month -> MRR (0 when not a customer)
    set_aside: dict[str, int] = field(default_factory=dict)
    first: dict[str, Month] = field(default_factory=dict)

    def at(self, account: str, month: Month) -> float:
        return self.mrr[account].get(month, 0.0)

    def total(self, month: Month) -> float:
        return sum(self.at(a, month) for a in self.mrr)

    def customers(self, month: Month) -> int:
        return sum(1 for a in self.mrr if self.at(a, month) > 0)


def read_truth(path: Path, import_day: dt.date) -> Truth:
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    aside: dict[str, int] = defaultdict(int)
    seen: set[tuple[str, ...]] = set()
    unique = []
    for row in rows:  # a row equal to an earlier one in every column is a duplicate
        key = tuple(row.values())
        if key in seen:
            aside["a duplicate"] += 1
            continue
        seen.add(key)
        unique.append(row)
    paid = []
    for row in unique:
        if any(word in row["Status"].lower() for word in NOT_PAID):
            aside["not paid"] += 1
        else:
            paid.append(row)
    lines = []
    for row in paid:
        day = parse_date(row["Invoice Date"])
        if day > import_day:
            aside["dated after the import day"] += 1
        else:
            lines.append((row["Customer ID"], day, parse_amount(row["Amount"]), INTERVAL_MONTHS[row["Interval"]]))
    # (the file has no late tail: its only far date is after the import day)
    per_month: dict[Month, int] = defaultdict(int)
    for _, day, _, _ in lines:
        per_month[month_of(day)] += 1
    as_of = max(per_month)
    for _ in range(2):  # a month of a sliver of the usual rows is not the as-of month
        before = [per_month.get(as_of - k, 0) for k in range(1, 7)]
        if sum(1 for n in before if n) < 3 or per_month[as_of] >= 0.5 * statistics.median(before):
            break
        as_of = max(m for m in per_month if m < as_of)
    shares: dict[tuple[str, Month], list[float]] = defaultdict(list)
    for account, day, amount, months in lines:
        for k in range(months):
            shares[(account, month_of(day) + k)].append(amount / months)
    totals: dict[str, dict[Month, tuple[float, bool]]] = defaultdict(dict)
    for (account, month), parts in shares.items():
        if month <= as_of:
            totals[account][month] = (max(round(sum(parts), 2), 0.0), all(p == 0 for p in parts))
    mrr: dict[str, dict[Month, float]] = {}
    first: dict[str, Month] = {}
    for account, months in totals.items():
        paying = [m for m, (total, _) in months.items() if total > 0]
        if not paying:
            continue
        first[account] = min(paying)
        series: dict[Month, float] = {}
        previous = 0.0
        last_paid = max(paying)
        for month in range(first[account], as_of + 1):
            total, only_zero = months.get(month, (0.0, False))
            # a $0 month before a later paid one keeps the month before's MRR (a pause); after the
            # last paid month, $0 is a free plan
            current = previous if only_zero and month < last_paid else total
            series[month] = current
            previous = current
        mrr[account] = series
    return Truth(as_of, mrr, dict(aside), first)


def retention(truth: Truth, month: Month) -> dict[str, float]:
    start = {a: truth.at(a, month - 12) for a in truth.mrr if truth.at(a, month - 12) > 0}
    end = {a: truth.at(a, month) for a in start}
    figures = {"start_customers": len(start), "start_mrr": sum(start.values()), "end_mrr": sum(end.values())}
    figures.update(expansion=0.0, reactivation=0.0, contraction=0.0, churn=0.0, lost=0)
    for account, before in start.items():
        after = end[account]
        lapsed = any(truth.at(account, m) == 0 for m in range(month - 11, month + 1))
        if after == 0:
            figures["churn"] += before
            figures["lost"] += 1
        elif round(after - before, 2) < 0:
            figures["contraction"] += before - after
        elif round(after - before, 2) > 0:
            figures["reactivation" if lapsed else "expansion"] += after - before
    figures["nrr"] = figures["end_mrr"] / figures["start_mrr"]
    figures["grr"] = sum(min(end[a], start[a]) for a in start) / figures["start_mrr"]
    figures["logo_churn"] = figures["lost"] / figures["start_customers"]
    return figures


def ltv(truth: Truth, month: Month) -> dict[str, float | None]:
    customers = truth.customers(month)
    arpa = truth.total(month) / customers
    was = {a for a in truth.mrr for m in range(month - 12, month) if truth.at(a, m) > 0}
    lost = sum(1 for a in was if truth.at(a, month) == 0)
    exposure = sum(truth.customers(m - 1) for m in range(month - 11, month + 1))
    rate = lost / exposure
    return {"arpa": arpa, "churned_customers": lost, "customer_months": exposure, "monthly_churn_rate": rate,
            "ltv": arpa / rate if lost >= 5 else None}  # fmt: skip


def bridge(truth: Truth, month: Month) -> dict[str, float]:
    """The month's movements, from each account's MRR before and after it."""
    flows = {"new": 0.0, "expansion": 0.0, "reactivation": 0.0, "contraction": 0.0, "churn": 0.0}
    for account in truth.mrr:
        before, after = truth.at(account, month - 1), truth.at(account, month)
        if before == 0 and after > 0:
            flows["new" if truth.first[account] == month else "reactivation"] += after
        elif before > 0 and after == 0:
            flows["churn"] += before
        elif after > before:
            flows["expansion"] += after - before
        elif after < before:
            flows["contraction"] += before - after
    return flows


def cohort_cell(truth: Truth, cohort: Month, k: int) -> tuple[int, int, float]:
    """(cohort size, still active k months later, MRR retention)."""
    members = [a for a, first in truth.first.items() if first == cohort]
    active = sum(1 for a in members if truth.at(a, cohort + k) > 0)
    start = sum(truth.at(a, cohort) for a in members)
    return len(members), active, sum(truth.at(a, cohort + k) for a in members) / start
