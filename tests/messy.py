"""A messy subscription billing export of our own making, deterministic for a seed: what a real
export looks like when a company imports it, not what navigator would like to read.

`write_messy(folder, seed)` writes `invoices.csv` (no accounts file) with Stripe-like column names
(`Invoice ID`, `Customer ID`, `Customer Name`, `Invoice Date`, `Amount`, `Status`, `Interval`) and:

- monthly plans invoiced on a day of their own each month, quarterly plans and annual plans
  billed up front (`Interval` = quarterly / annual, one invoice for the whole period);
- upgrades in the middle of a month (a prorated charge that month, the new price from the next
  invoice) and downgrades (the lower price from the next invoice);
- churn and reactivation cycles (billing stops for a few months, then starts again, sometimes at
  another price, sometimes twice);
- refunds (a negative amount written `($49.00)`), $0 invoices (a free month inside a running
  subscription), failed payments retried a few days later;
- duplicate rows (the same invoice exported twice);
- names in Hebrew, Arabic and accented Latin, amounts as `$1,234.50`, dates ISO or `YYYYMMDD`;
- a handful of invoices issued in advance for the month after the last one, and one date mistyped
  far in the future.

The truth navigator must find is computed from the file by tests/messy_oracle.py, in plain Python.
"""

from __future__ import annotations

import csv
import datetime as dt
import random
from pathlib import Path

FIRST = dt.date(2023, 1, 1)
LAST = dt.date(2025, 12, 1)  # the last full month of billing
IMPORT_DAY = dt.date(2026, 1, 10)  # the day the export is imported (invoices for January already out)
PRICES = (29, 49, 99, 199, 499, 1250)
HEBREW = ('שלום מערכות בע"מ', "אורט ישראל", "כרמל תוכנה", "גליל אנרגיה", "נגב לוגיסטיקה", "דן הובלות")
OTHERS = ("شركة النور", "Björk & Co", "Ñandú Ltda", "Zoë Müller GmbH", "Acme Corp", "Dvořák s.r.o.")
HEADER = ["Invoice ID", "Customer ID", "Customer Name", "Invoice Date", "Amount", "Status", "Interval"]


def add_months(month: dt.date, count: int) -> dt.date:
    index = month.year * 12 + month.month - 1 + count
    return dt.date(index // 12, index % 12 + 1, 1)


def money(amount: float) -> str:
    text = f"${abs(amount):,.2f}"
    return f"({text})" if amount < 0 else text


class Export:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.rows: list[list[str]] = []
        self.number = 0

    def invoice(self, customer: str, name: str, day: dt.date, amount: float, status: str = "Paid",
                interval: str = "") -> list[str]:  # fmt: skip
        self.number += 1
        written = day.strftime("%Y%m%d") if self.rng.random() < 0.3 else day.isoformat()
        row = [f"in_{self.number:06}", customer, name, written, money(amount), status, interval]
        self.rows.append(row)
        return row


def _name(rng: random.Random, index: int) -> str:
    pool = HEBREW if index % 3 == 0 else OTHERS
    return f"{pool[index % len(pool)]} {index}"


def write_messy(folder: Path, seed: int = 11, customers: int = 240) -> Path:
    """Write invoices.csv into `folder` and return its path."""
    export = Export(seed)
    rng = export.rng
    months = (LAST.year - FIRST.year) * 12 + LAST.month - FIRST.month + 1
    for index in range(customers):
        customer = f"cus_{index:04}"
        name = _name(rng, index)
        plan = rng.choices(("monthly", "quarterly", "annual"), weights=(6, 2, 2))[0]
        step = {"monthly": 1, "quarterly": 3, "annual": 12}[plan]
        price = rng.choice(PRICES)
        day = rng.randint(1, 28)
        start = rng.randrange(0, months - 2)
        k = start
        while k < months:
            month = add_months(FIRST, k)
            when = month.replace(day=day)
            roll = rng.random()
            if plan != "monthly" and k > start and roll < 0.15:  # not renewed
                break
            if roll < 0.05 and plan == "monthly":  # a churn: billing stops for 1-5 months, or for good
                if rng.random() < 0.4:
                    break
                k += rng.randint(2, 6)
                price = rng.choice(PRICES) if rng.random() < 0.5 else price
                continue
            if roll < 0.08 and k > start and plan == "monthly":  # a free month inside the subscription
                export.invoice(customer, name, when, 0)
                k += 1
                continue
            if roll < 0.11:  # a failed payment, retried a few days later
                export.invoice(customer, name, when, price * step, "Failed", plan if step > 1 else "")
                when = when + dt.timedelta(days=rng.randint(1, 3))
            row = export.invoice(customer, name, when, price * step, "Paid", plan if step > 1 else "")
            if rng.random() < 0.03:  # exported twice
                export.rows.append(list(row))
            if rng.random() < 0.03 and plan == "monthly":  # a refund, the same month
                export.invoice(customer, name, when + dt.timedelta(days=1), -price * rng.choice((0.5, 1.0)))
            if plan == "monthly" and rng.random() < 0.06:  # an upgrade in the middle of the month
                new_price = rng.choice([p for p in PRICES if p > price] or [price])
                if new_price > price:
                    prorated = round((new_price - price) / 2, 2)
                    export.invoice(customer, name, month.replace(day=15), prorated)
                    price = new_price
            elif plan == "monthly" and rng.random() < 0.04:  # a downgrade from the next invoice
                price = rng.choice([p for p in PRICES if p < price] or [price])
            k += step
        if index % 40 == 7:  # invoiced in advance for the month after the last one
            export.invoice(customer, name, add_months(LAST, 1).replace(day=2), price, "Paid")
    export.invoice("cus_9999", "טעות הקלדה", dt.date(2098, 5, 1), 99, "Paid")  # a mistyped year
    path = folder / "invoices.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows(export.rows)
    return path
