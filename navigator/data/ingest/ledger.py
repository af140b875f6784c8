"""Imported revenue movements checked as a ledger, account by account in month order
(docs/import.md, "Revenue movements: the ledger"):

- an account's MRR (the running sum of its movements, to the cent) never goes below 0;
- a churn brings it to exactly 0: at the end of the month, or (when the month starts it again with a
  reactivation) the churn takes away exactly what the account had at the start of the month;
- a movement whose kind contradicts the account's history is relabelled, and the summary counts
  each relabelling: a `new` (or `reactivation`) after earlier revenue is a `reactivation` when the
  account was not active at the start of the month and an `expansion` when it was; a
  `reactivation` of an account that never had revenue is `new`; an `expansion` of an inactive
  account with no `new` or `reactivation` that month is a `reactivation` (or `new`, when it never
  had revenue); a `contraction` that leaves MRR at 0 is a `churn`.

A relabelling changes no MRR, only what the movement counts as (new business or a comeback), so
a comeback labelled `new` is not counted as new business.
"""

from __future__ import annotations

import polars as pl

from navigator.data.ingest.problems import FILE, NUMBER, ROW, Problems, report, show_value

POSITIVE = ("new", "expansion", "reactivation")


def check_ledger(frame: pl.DataFrame, problems: Problems) -> tuple[pl.DataFrame, list[str]]:
    """The movements with their kinds made consistent; problems for a broken ledger; summary notes."""
    if frame.is_empty():
        return frame, []
    months = (
        frame.group_by("account_id", "month")
        .agg(
            pl.col("mrr_change").sum().alias("change"),
            pl.col("mrr_change").filter(pl.col("kind").is_in(POSITIVE)).sum().alias("added"),
            (pl.col("kind") == "churn").any().alias("has_churn"),
            pl.col("kind").is_in(["new", "reactivation"]).any().alias("starts"),
        )
        .sort("account_id", "month")
        .with_columns(pl.col("change").cum_sum().over("account_id").round(2).alias("closing"))
        .with_columns(
            pl.col("closing").shift(1, fill_value=0.0).over("account_id").alias("opening"),
            # revenue before this month: some earlier month ended with MRR > 0
            (pl.col("closing") > 0)
            .cast(pl.Int32)
            .cum_sum()
            .shift(1, fill_value=0)
            .over("account_id")
            .gt(0)
            .alias("had_revenue"),
        )
    )
    rows = frame.join(months, on=["account_id", "month"], how="left")
    below = rows.filter(pl.col("closing") < 0)
    report(
        problems,
        below,
        "mrr_change",
        "expected an account's MRR never below 0 (a churn or contraction too many, or one given twice?)",
        lambda r: show_value(r["mrr_change"]),
        lambda r: f"{r['account_id']} would be at {r['closing']:,.2f} after {r['month']:%Y-%m}",
    )
    churn_ok = (pl.col("closing") == 0) | ((-pl.col("mrr_change")).round(2) == pl.col("opening"))
    wrong_churn = rows.filter((pl.col("kind") == "churn") & ~churn_ok & (pl.col("closing") >= 0))
    report(
        problems,
        wrong_churn,
        "kind, mrr_change",
        "expected a churn to bring MRR to exactly 0 (it takes away all the account has; a partial loss is"
        " a contraction)",
        lambda r: f"'churn', {show_value(r['mrr_change'])}",
        lambda r: f"{r['account_id']} has {r['opening']:,.2f} before and {r['closing']:,.2f} after {r['month']:%Y-%m}",
    )
    active_before = pl.col("opening") > 0
    relabel = (
        pl.when(pl.col("kind").is_in(["new", "reactivation"]) & active_before & ~pl.col("has_churn"))
        .then(pl.lit("expansion"))
        .when((pl.col("kind") == "new") & ~active_before & pl.col("had_revenue"))
        .then(pl.lit("reactivation"))
        .when((pl.col("kind") == "reactivation") & ~active_before & ~pl.col("had_revenue"))
        .then(pl.lit("new"))
        # an expansion beside the month's new or reactivation adds to it; alone, it starts the account
        .when((pl.col("kind") == "expansion") & ~active_before & ~pl.col("starts"))
        .then(pl.when(pl.col("had_revenue")).then(pl.lit("reactivation")).otherwise(pl.lit("new")))
        .when((pl.col("kind") == "contraction") & (pl.col("closing") == 0) & ~pl.col("has_churn"))
        .then(pl.lit("churn"))
        .otherwise(pl.col("kind"))
    )
    relabelled = rows.with_columns(relabel.alias("__kind"))
    changed = relabelled.filter(pl.col("__kind") != pl.col("kind"))
    notes = []
    if changed.height:
        counts = changed.group_by("kind", "__kind").len().sort("len", descending=True)
        parts = [f"{row['len']:,} {row['kind']} → {row['__kind']}" for row in counts.iter_rows(named=True)]
        first = changed.sort(NUMBER, ROW).head(3)
        where = ", ".join(f"{r[FILE]} row {r[ROW]}" for r in first.iter_rows(named=True))
        notes.append(
            f"{changed.height:,} movement{'s' if changed.height != 1 else ''} relabelled by the account's history "
            f"({'; '.join(parts)}; first: {where})"
        )
    kept = relabelled.with_columns(pl.col("__kind").alias("kind")).select(frame.columns)
    return kept, notes
