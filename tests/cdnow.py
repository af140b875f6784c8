"""The CDNOW sample of Fader, Hardie & Lee (2005a), as the lifetimes package ships it.

2,357 customers who first bought at CDNOW in the first quarter of 1997, with every order to the
end of June 1998 (`CDNOW_sample.txt`: customer, sample id, date, CDs, dollars), and the
published calibration summary to 1997-09-30 (`cdnow_customers_summary_with_transactions.csv`:
ID, x, t_x, T in weeks, zbar = mean repeat spend, to two decimals). Read from the installed
package's files (lifetimes is in the `test` extra), never copied into this repository.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

import polars as pl

CALIBRATION_END = dt.date(1997, 9, 30)  # the paper's 39-week calibration period
OBSERVATION_END = dt.date(1998, 6, 30)  # and its 39-week holdout


def cdnow_orders() -> pl.DataFrame:
    """account_id (the sample's 4-digit id), date, amount: one row an order."""
    text = (files("lifetimes") / "datasets" / "CDNOW_sample.txt").read_text(encoding="utf-8")
    rows = [line.split() for line in text.splitlines() if line.strip()]
    return pl.DataFrame(
        {
            "account_id": [row[1] for row in rows],
            "date": [dt.datetime.strptime(row[2], "%Y%m%d").date() for row in rows],
            "amount": [float(row[4]) for row in rows],
        }
    )


def cdnow_published_summary() -> pl.DataFrame:
    """account_id, x, t_x, T, zbar: the summary as published with the data."""
    path = files("lifetimes") / "datasets" / "cdnow_customers_summary_with_transactions.csv"
    return pl.read_csv(path.read_bytes(), schema_overrides={"ID": pl.String}).select(
        pl.col("ID").str.zfill(4).alias("account_id"), "x", "t_x", "T", "zbar"
    )
