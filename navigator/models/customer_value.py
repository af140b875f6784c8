"""What today's customers are worth over the next months: BG/NBD for how many purchases, Gamma-Gamma
for how much each, and customer equity as their sum (docs/models.md).

    value = value_customers(orders, cut_off=dt.date(2026, 10, 31))
    if isinstance(value, NoModel):
        show(value.reason)
    else:
        value.customer_equity, value.customers  # one row a customer: P(alive), expected revenue, ...

Expected revenue of a customer = expected purchases over the horizon x expected spend per
purchase: the product of two expectations, which is the expectation of the product because the
two models are independent (Gamma-Gamma's assumption; `frequency_spend_correlation` checks it).
Not discounted unless `annual_discount_rate` is given: over 12 months a 10% rate would change
the total by ~5%, less than the model's own holdout error, and an undiscounted figure is the
one a reader can check against next year's revenue.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np
import polars as pl

from navigator.models import bgnbd, gamma_gamma
from navigator.models.bgnbd import BgNbdFit, fit_bgnbd
from navigator.models.customer_summary import (
    DAYS_PER_WEEK,
    WEEKS_PER_MONTH,
    customer_summary,
    split_history,
)
from navigator.models.gamma_gamma import GammaGammaFit, fit_gamma_gamma
from navigator.models.maximum_likelihood import NoModel, distinct_rows

CALIBRATION_SHARE = 2 / 3  # the holdout check fits on the first two thirds of the history


@dataclass(frozen=True)
class Minimums:
    """The least data the models are fitted on (docs/models.md, "Minimums")."""

    customers: int = bgnbd.MIN_CUSTOMERS
    repeat_customers: int = bgnbd.MIN_REPEAT_CUSTOMERS
    history_weeks: float = bgnbd.MIN_HISTORY_WEEKS
    spend_repeat_customers: int = gamma_gamma.MIN_REPEAT_CUSTOMERS


@dataclass(frozen=True)
class HoldoutCheck:
    """The models fitted on the first part of the history, their forecast of the rest against what happened.

    Counts are repeat purchase days of the customers who had bought by `calibration_end`.
    """

    calibration_end: dt.date
    observation_end: dt.date
    customers: int
    actual_purchases: int
    predicted_purchases: float  # sum of E[Y(holdout) | each customer's history]
    predicted_purchases_unconditional: float  # sum of E[X(T + holdout)] - E[X(T)]: ignores the histories
    actual_revenue: float
    predicted_revenue: float | None  # None when the spend model could not be fitted
    purchases_model: BgNbdFit
    spend_model: GammaGammaFit | NoModel

    @property
    def error(self) -> float:
        """(predicted - actual) / actual repeat purchases: the holdout error shown beside the figure."""
        return self.predicted_purchases / self.actual_purchases - 1.0

    @property
    def unconditional_error(self) -> float:
        return self.predicted_purchases_unconditional / self.actual_purchases - 1.0

    @property
    def revenue_error(self) -> float | None:
        if self.predicted_revenue is None or self.actual_revenue <= 0:
            return None
        return self.predicted_revenue / self.actual_revenue - 1.0


@dataclass(frozen=True)
class CustomerValue:
    """Today's customers and what they are expected to bring over the next `horizon_months`."""

    cut_off: dt.date
    horizon_months: int
    annual_discount_rate: float
    # One row a customer: the customer column, first_purchase, frequency, recency, T,
    # monetary_value, p_alive, expected_purchases, expected_spend, expected_revenue (the last
    # two null when the spend model could not be fitted).
    customers: pl.DataFrame
    purchases_model: BgNbdFit
    spend_model: GammaGammaFit | NoModel
    expected_purchases: float  # the total: repeat purchase days over the horizon
    customer_equity: float | None  # the total expected revenue; None without a spend model
    holdout: HoldoutCheck | NoModel | None  # None when not asked for


def value_customers(
    orders: pl.DataFrame | pl.LazyFrame,
    *,
    cut_off: dt.date,
    horizon_months: int = 12,
    annual_discount_rate: float = 0.0,
    holdout: bool = True,
    minimums: Minimums = Minimums(),
    customer: str = "account_id",
    date: str = "date",
    amount: str = "amount",
) -> CustomerValue | NoModel:
    """Fit both models on the orders up to `cut_off` (inclusive) and value each customer.

    `holdout=True` also runs `holdout_check` on the same orders (a second fit, on two thirds of
    the history). Returns NoModel with the reason when the purchase model cannot be fitted;
    without a spend model the purchases are still forecast and `spend_model` says why not.
    """
    if horizon_months < 1:
        raise ValueError("horizon_months must be 1 or more")
    if annual_discount_rate < 0:
        raise ValueError("annual_discount_rate must be 0 or more")
    summary = customer_summary(orders, cut_off=cut_off, customer=customer, date=date, amount=amount)
    frequency = summary["frequency"].to_numpy()
    recency = summary["recency"].to_numpy()
    age = summary["T"].to_numpy()
    purchases_model = fit_bgnbd(
        frequency,
        recency,
        age,
        min_customers=minimums.customers,
        min_repeat_customers=minimums.repeat_customers,
        min_history_weeks=minimums.history_weeks,
    )
    if isinstance(purchases_model, NoModel):
        return purchases_model
    spend_model = fit_gamma_gamma(
        frequency, summary["monetary_value"].to_numpy(), min_repeat_customers=minimums.spend_repeat_customers
    )
    expected = _expected_purchases(purchases_model, horizon_months, annual_discount_rate, frequency, recency, age)
    columns = [
        pl.Series("p_alive", purchases_model.probability_alive(frequency, recency, age)),
        pl.Series("expected_purchases", expected),
    ]
    if isinstance(spend_model, GammaGammaFit):
        spend = spend_model.conditional_expected_spend(frequency, summary["monetary_value"].to_numpy())
        columns += [pl.Series("expected_spend", spend), pl.Series("expected_revenue", expected * spend)]
    else:
        columns += [
            pl.Series("expected_spend", [None] * summary.height, dtype=pl.Float64),
            pl.Series("expected_revenue", [None] * summary.height, dtype=pl.Float64),
        ]
    customers = summary.with_columns(columns)
    check = (
        holdout_check(orders, cut_off=cut_off, minimums=minimums, customer=customer, date=date, amount=amount)
        if holdout
        else None
    )
    return CustomerValue(
        cut_off=cut_off,
        horizon_months=horizon_months,
        annual_discount_rate=annual_discount_rate,
        customers=customers,
        purchases_model=purchases_model,
        spend_model=spend_model,
        expected_purchases=float(np.sum(expected)),
        customer_equity=float(customers["expected_revenue"].sum()) if isinstance(spend_model, GammaGammaFit) else None,
        holdout=check,
    )


def holdout_check(
    orders: pl.DataFrame | pl.LazyFrame,
    *,
    cut_off: dt.date,
    calibration_share: float = CALIBRATION_SHARE,
    minimums: Minimums = Minimums(),
    customer: str = "account_id",
    date: str = "date",
    amount: str = "amount",
) -> HoldoutCheck | NoModel:
    """Fit on the first `calibration_share` of the history (the first purchase day in the data to `cut_off`),
    forecast the repeat purchases (and their revenue) of those customers in the rest, compare.

    NoModel when the calibration part is too small for a fit, or has no repeat purchase in the
    holdout to compare with.
    """
    history = split_history(
        orders,
        observation_end=cut_off,
        calibration_share=calibration_share,
        customer=customer,
        date=date,
        amount=amount,
    )
    if history is None:
        return NoModel("holdout check: the history is too short to split.")
    calibration_end, split = history
    frequency = split["frequency"].to_numpy()
    recency = split["recency"].to_numpy()
    age = split["T"].to_numpy()
    model = fit_bgnbd(
        frequency,
        recency,
        age,
        min_customers=minimums.customers,
        min_repeat_customers=minimums.repeat_customers,
        min_history_weeks=minimums.history_weeks,
    )
    if isinstance(model, NoModel):
        return NoModel(f"holdout check, fitted on the history up to {calibration_end}: {model.reason}")
    actual = int(split["frequency_holdout"].sum())
    if actual == 0:
        return NoModel(f"holdout check: no repeat purchases after {calibration_end} to compare the forecast with.")
    duration = (cut_off - calibration_end).days / DAYS_PER_WEEK
    predicted = model.conditional_expected_purchases(duration, frequency, recency, age)
    unconditional = model.expected_purchases(age + duration) - model.expected_purchases(age)
    monetary = split["monetary_value"].to_numpy()
    spend_model = fit_gamma_gamma(frequency, monetary, min_repeat_customers=minimums.spend_repeat_customers)
    predicted_revenue = (
        float(np.sum(predicted * spend_model.conditional_expected_spend(frequency, monetary)))
        if isinstance(spend_model, GammaGammaFit)
        else None
    )
    return HoldoutCheck(
        calibration_end=calibration_end,
        observation_end=cut_off,
        customers=split.height,
        actual_purchases=actual,
        predicted_purchases=float(np.sum(predicted)),
        predicted_purchases_unconditional=float(np.sum(unconditional)),
        actual_revenue=float(split["revenue_holdout"].sum()),
        predicted_revenue=predicted_revenue,
        purchases_model=model,
        spend_model=spend_model,
    )


def _expected_purchases(
    model: BgNbdFit,
    horizon_months: int,
    annual_discount_rate: float,
    frequency: np.ndarray,
    recency: np.ndarray,
    age: np.ndarray,
) -> np.ndarray:
    """Expected purchases over the horizon; discounted, each month's expected purchases count at
    the value of money at that month's end, (1 + rate)^-(month / 12)."""
    if annual_discount_rate == 0:
        return model.conditional_expected_purchases(horizon_months * WEEKS_PER_MONTH, frequency, recency, age)
    (x, t_x, T), inverse = distinct_rows(frequency, recency, age)  # once, not once a month
    total = np.zeros(len(x))
    before = np.zeros(len(x))
    for month in range(1, horizon_months + 1):
        by_month_end = model.conditional_expected_purchases(month * WEEKS_PER_MONTH, x, t_x, T)
        total += (by_month_end - before) / (1.0 + annual_discount_rate) ** (month / 12)
        before = by_month_end
    return total[inverse]
