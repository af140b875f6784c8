"""navigator.models.customer_value: the holdout check on simulated order logs, the per-customer
value table and customer equity, discounting, and the answers when a model cannot be had."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from polars.testing import assert_frame_equal

from navigator.models.bgnbd import BgNbdFit
from navigator.models.customer_summary import WEEKS_PER_MONTH, customer_summary
from navigator.models.customer_value import CustomerValue, HoldoutCheck, Minimums, holdout_check, value_customers
from navigator.models.gamma_gamma import GammaGammaFit
from navigator.models.maximum_likelihood import NoModel
from navigator.models.simulate import simulate_orders

START, END = dt.date(2025, 1, 1), dt.date(2026, 6, 30)  # 18 months of orders
TRUTH = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426, "p": 6.25, "q": 3.74, "v": 15.44}


@pytest.fixture(scope="module")
def orders() -> pl.DataFrame:
    """20,000 customers whose first orders fall over 18 months: most buy once, a few often."""
    return simulate_orders(20_000, start=START, end=END, **TRUTH, seed=2026)


@pytest.fixture(scope="module")
def value(orders: pl.DataFrame) -> CustomerValue:
    result = value_customers(orders, cut_off=END)
    assert isinstance(result, CustomerValue), result
    return result


def test_the_holdout_forecast_is_within_ten_percent(value: CustomerValue) -> None:
    """Fitted on the first 12 of 18 months, the models forecast the last 6 months' repeat
    purchases (and their revenue) of the customers of the first 12."""
    check = value.holdout
    assert isinstance(check, HoldoutCheck), check
    assert check.calibration_end == START + dt.timedelta(days=round((END - START).days * 2 / 3))
    assert check.observation_end == END
    assert check.actual_purchases > 5000
    assert abs(check.error) < 0.10, check
    assert abs(check.unconditional_error) < 0.10, check
    assert check.revenue_error is not None and abs(check.revenue_error) < 0.10, check
    assert check.error == pytest.approx(check.predicted_purchases / check.actual_purchases - 1)


def test_the_value_table_and_its_totals(value: CustomerValue, orders: pl.DataFrame) -> None:
    customers = value.customers
    assert customers.columns == [
        "account_id",
        "first_purchase",
        "frequency",
        "recency",
        "T",
        "monetary_value",
        "p_alive",
        "expected_purchases",
        "expected_spend",
        "expected_revenue",
    ]
    assert customers.height == orders["account_id"].n_unique() == 20_000
    assert customers.select(pl.all().exclude("monetary_value").null_count()).sum_horizontal().item() == 0
    assert customers["p_alive"].min() > 0 and customers["p_alive"].max() <= 1
    model = value.purchases_model
    assert isinstance(model, BgNbdFit) and isinstance(value.spend_model, GammaGammaFit)
    x, t_x, T = (customers[name].to_numpy() for name in ("frequency", "recency", "T"))
    assert customers["expected_purchases"].to_numpy() == pytest.approx(
        model.conditional_expected_purchases(12 * WEEKS_PER_MONTH, x, t_x, T), rel=1e-12
    )
    assert (
        customers["expected_revenue"] - customers["expected_purchases"] * customers["expected_spend"]
    ).abs().max() < 1e-9
    assert value.expected_purchases == pytest.approx(customers["expected_purchases"].sum())
    assert value.customer_equity == pytest.approx(customers["expected_revenue"].sum())
    # the models found the simulation's truth, within their standard errors
    for fit in (model, value.spend_model):
        for name, fitted in fit.params.items():
            assert abs(fitted - TRUTH[name]) < 4 * fit.standard_errors[name], (name, fitted)


def test_discounting(orders: pl.DataFrame, value: CustomerValue) -> None:
    month = value_customers(orders, cut_off=END, horizon_months=1, annual_discount_rate=0.10, holdout=False)
    assert isinstance(month, CustomerValue)
    x, t_x, T = (month.customers[name].to_numpy() for name in ("frequency", "recency", "T"))
    # one month: that month's expected purchases at the money's value at its end, 1.10^(-1/12)
    one_month = value.purchases_model.conditional_expected_purchases(WEEKS_PER_MONTH, x, t_x, T)
    assert month.customers["expected_purchases"].to_numpy() == pytest.approx(one_month / 1.10 ** (1 / 12), rel=1e-12)
    year = value_customers(orders, cut_off=END, annual_discount_rate=0.10, holdout=False)
    assert isinstance(year, CustomerValue) and year.customer_equity is not None and value.customer_equity is not None
    assert value.customer_equity / 1.10 < year.customer_equity < value.customer_equity
    assert year.annual_discount_rate == 0.10 and year.holdout is None


def test_the_cut_off_leaves_later_orders_out(orders: pl.DataFrame) -> None:
    as_of = dt.date(2026, 3, 31)
    earlier = value_customers(orders, cut_off=as_of, holdout=False)
    truncated = value_customers(orders.filter(pl.col("date") <= as_of), cut_off=as_of, holdout=False)
    assert isinstance(earlier, CustomerValue) and isinstance(truncated, CustomerValue)
    # the same figures (to the last digits that the order of a multithreaded sum may change)
    assert_frame_equal(earlier.customers, truncated.customers, rel_tol=1e-12)
    assert earlier.customer_equity == pytest.approx(truncated.customer_equity, rel=1e-12)


def test_too_little_data_is_no_model(orders: pl.DataFrame) -> None:
    few = orders.filter(pl.col("account_id") < "C00400")
    result = value_customers(few, cut_off=END)
    assert result == NoModel("BG/NBD: 400 customers, fewer than the 500 the model needs.")
    short = value_customers(orders.filter(pl.col("date") <= dt.date(2025, 3, 31)), cut_off=dt.date(2025, 3, 31))
    assert isinstance(short, NoModel) and "days of history" in short.reason
    assert isinstance(value_customers(orders.clear(), cut_off=END), NoModel)


def test_no_spend_model_still_forecasts_purchases(orders: pl.DataFrame) -> None:
    """Every repeat order free: Gamma-Gamma has nothing to fit; purchases are still forecast and
    the missing revenue says why."""
    first = customer_summary(orders, cut_off=END).select("account_id", "first_purchase")
    free_repeats = (
        orders.join(first, on="account_id")
        .with_columns(pl.when(pl.col("date") > pl.col("first_purchase")).then(0.0).otherwise("amount").alias("amount"))
        .drop("first_purchase")
    )
    result = value_customers(free_repeats, cut_off=END, holdout=False)
    assert isinstance(result, CustomerValue)
    assert isinstance(result.spend_model, NoModel)
    assert result.spend_model.reason.startswith("Gamma-Gamma: 0 customers bought again with a spend above 0")
    assert result.customer_equity is None
    assert result.customers["expected_revenue"].null_count() == result.customers.height
    assert result.expected_purchases > 0


def test_a_holdout_too_small_to_fit_says_so(orders: pl.DataFrame) -> None:
    """Nine months of history: enough to fit, but its first two thirds (six months) is not the
    minimum history of the stricter rule below."""
    nine_months = dt.date(2025, 9, 30)
    result = holdout_check(orders, cut_off=nine_months, minimums=Minimums(history_weeks=30.0))
    assert isinstance(result, NoModel)
    assert result.reason.startswith("holdout check, fitted on the history up to 2025-07-01: BG/NBD: ")
    assert "days of history" in result.reason
    with pytest.raises(ValueError, match="calibration_share"):
        holdout_check(orders, cut_off=END, calibration_share=1.0)
