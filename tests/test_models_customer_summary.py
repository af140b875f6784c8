"""navigator.models.customer_summary: orders to the lifetimes summary, checked by hand. (Against the
published CDNOW summary and lifetimes' own summary_data_from_transaction_data:
tests/oracle_lifetimes.py.)"""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from navigator.models.customer_summary import calibration_and_holdout, customer_summary, split_history

D = dt.date


def hand_orders() -> pl.DataFrame:
    rows = [
        # A: first on 1 Jan; 8 Jan two orders (one purchase day worth 30 + 10 = 40); a return on
        # 10 Jan (a day netting below 0: no purchase); 29 Jan a free order (a purchase worth 0);
        # 5 Feb after the cut-off (left out).
        ("A", D(2026, 1, 1), 25.0),
        ("A", D(2026, 1, 8), 30.0),
        ("A", D(2026, 1, 8), 10.0),
        ("A", D(2026, 1, 10), -25.0),
        ("A", D(2026, 1, 29), 0.0),
        ("A", D(2026, 2, 5), 99.0),
        # B: one purchase only, on the cut-off day itself (it counts: T = 0).
        ("B", D(2026, 1, 31), 12.5),
        # C: only a credit (never a purchase day), and rows with nulls (ignored).
        ("C", D(2026, 1, 3), -5.0),
        ("C", None, 10.0),
        (None, D(2026, 1, 4), 10.0),
        # D: an order and a partial refund the same day: one purchase worth 20 - 5 = 15;
        # then 15 Jan worth 7.
        ("D", D(2026, 1, 2), 20.0),
        ("D", D(2026, 1, 2), -5.0),
        ("D", D(2026, 1, 15), 7.0),
    ]
    return pl.DataFrame(rows, schema={"account_id": pl.String, "date": pl.Date, "amount": pl.Float64}, orient="row")


def test_summary_by_hand() -> None:
    summary = customer_summary(hand_orders(), cut_off=D(2026, 1, 31))
    assert summary.columns == ["account_id", "first_purchase", "frequency", "recency", "T", "monetary_value"]
    rows = {row["account_id"]: row for row in summary.iter_rows(named=True)}
    assert set(rows) == {"A", "B", "D"}
    # A: purchase days 1, 8, 29 Jan -> 2 repeats; last at 28 days = 4 weeks; T = 30 days;
    # repeat values 40 and 0 -> mean 20.
    assert rows["A"]["first_purchase"] == D(2026, 1, 1)
    assert rows["A"]["frequency"] == 2
    assert rows["A"]["recency"] == pytest.approx(28 / 7)
    assert rows["A"]["T"] == pytest.approx(30 / 7)
    assert rows["A"]["monetary_value"] == pytest.approx(20.0)
    # B: no repeat: recency 0, no mean repeat value; bought on the cut-off day: T = 0.
    assert (rows["B"]["frequency"], rows["B"]["recency"], rows["B"]["T"]) == (0, 0.0, 0.0)
    assert rows["B"]["monetary_value"] is None
    # D: purchase days 2 Jan (15) and 15 Jan (7): 1 repeat at 13 days, T = 29 days, mean 7.
    assert rows["D"]["frequency"] == 1
    assert rows["D"]["recency"] == pytest.approx(13 / 7)
    assert rows["D"]["T"] == pytest.approx(29 / 7)
    assert rows["D"]["monetary_value"] == pytest.approx(7.0)


def test_datetime_orders_count_by_day_and_column_names_are_chosen() -> None:
    orders = pl.DataFrame(
        {
            "who": ["x", "x", "x"],
            "at": [dt.datetime(2026, 3, 1, 9), dt.datetime(2026, 3, 1, 17), dt.datetime(2026, 3, 8, 12)],
            "value": [1.0, 2.0, 4.0],
        }
    )
    summary = customer_summary(orders, cut_off=D(2026, 3, 15), customer="who", date="at", amount="value")
    assert summary.select("who", "frequency", "recency", "T", "monetary_value").row(0) == ("x", 1, 1.0, 2.0, 4.0)


def test_calibration_and_holdout_by_hand() -> None:
    split = calibration_and_holdout(hand_orders(), calibration_end=D(2026, 1, 10), observation_end=D(2026, 2, 5))
    rows = {row["account_id"]: row for row in split.iter_rows(named=True)}
    # B first bought after the calibration end: not a calibration customer.
    assert set(rows) == {"A", "D"}
    # A by 10 Jan: days 1 and 8 Jan; after: 29 Jan (worth 0) and 5 Feb (99, on the end day: in).
    assert (rows["A"]["frequency"], rows["A"]["recency"], rows["A"]["T"]) == (1, 1.0, pytest.approx(9 / 7))
    assert (rows["A"]["frequency_holdout"], rows["A"]["revenue_holdout"]) == (2, 99.0)
    # D by 10 Jan: only 2 Jan; after: 15 Jan worth 7.
    assert (rows["D"]["frequency"], rows["D"]["frequency_holdout"], rows["D"]["revenue_holdout"]) == (0, 1, 7.0)
    assert rows["A"]["duration_holdout"] == pytest.approx(26 / 7)
    with pytest.raises(ValueError, match="must come after"):
        calibration_and_holdout(hand_orders(), calibration_end=D(2026, 2, 5), observation_end=D(2026, 2, 5))


def test_the_history_starts_at_the_first_purchase_day() -> None:
    """A credit, or a row with a null amount, before the first purchase does not start the history."""
    earlier = pl.DataFrame(
        [("E", D(2025, 12, 20), -3.0), ("F", D(2025, 12, 1), None)],
        schema={"account_id": pl.String, "date": pl.Date, "amount": pl.Float64},
        orient="row",
    )
    orders = pl.concat([earlier, hand_orders()])
    # 1 Jan to 5 Feb is 35 days; a share of 2/7 ends the calibration after 10 of them
    split = split_history(orders, observation_end=D(2026, 2, 5), calibration_share=2 / 7)
    assert split is not None
    calibration_end, frame = split
    assert calibration_end == D(2026, 1, 11)
    direct = calibration_and_holdout(orders, calibration_end=D(2026, 1, 11), observation_end=D(2026, 2, 5))
    assert frame.equals(direct)
    assert split_history(orders, observation_end=D(2026, 1, 2), calibration_share=0.5) is None  # 1 day of history
    with pytest.raises(ValueError, match="calibration_share"):
        split_history(orders, observation_end=D(2026, 2, 5), calibration_share=1.0)
