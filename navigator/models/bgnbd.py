"""The BG/NBD model of repeat purchases (Fader, Hardie & Lee 2005a, "Counting your customers the
easy way: an alternative to the Pareto/NBD model", Marketing Science 24(2), 275-284).

While alive, a customer buys as a Poisson process with rate lambda; after each repeat purchase
they leave for good with probability p. Across customers lambda ~ Gamma(r, rate alpha) and
p ~ Beta(a, b), independently. A customer is described by the lifetimes summary
(navigator.models.customer_summary): x repeat purchases, the last at age t_x, observed to age T
(time in weeks). The likelihood of one customer (the paper's equation 6) is

    L = B(a, b+x)/B(a, b) * Gamma(r+x) alpha^r / Gamma(r)
        * [ (alpha+T)^-(r+x) + [x > 0] * a/(b+x-1) * (alpha+t_x)^-(r+x) ]

fitted here by maximum likelihood on its logarithm, with identical (x, t_x, T) rows grouped.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from navigator.models.maximum_likelihood import (
    NoModel,
    Objective,
    distinct_rows,
    group_identical_rows,
    maximise,
    weighted_sum,
)

MODEL = "BG/NBD"
PARAMETERS = ("r", "alpha", "a", "b")

# The minimums below which fit_bgnbd returns NoModel (docs/models.md, "Minimums": the study of
# benchmarks/clv_fit.py --minimums on data simulated from CDNOW-like parameters). Dropout (a, b)
# is learnt only from repeat buyers who fell silent: with at least 200 of them over half a year
# or more, a fit's 12-month forecast of the total stayed within about -20%..+25% of the true
# model's (5th-95th percentile); 500 customers over half a year (130 repeat buyers) gave
# -31%..+35%, too loose to show as a figure.
MIN_CUSTOMERS = 500
MIN_REPEAT_CUSTOMERS = 200
# Silence means "gone" only against a customer's usual gap between purchases, months for most
# retail buyers; with less than half a year a 12-month forecast extrapolates over twice the history.
MIN_HISTORY_WEEKS = 26.0

_EDGE_REASONS = {
    "r": "the customers' purchase rates look all alike; BG/NBD needs them to vary",
    "alpha": "the customers' purchase rates look all alike; BG/NBD needs them to vary",
    "a": "how customers leave cannot be told from this history: too few repeat buyers fell silent",
    "b": "how customers leave cannot be told from this history: too few repeat buyers fell silent",
}


@dataclass(frozen=True)
class BgNbdFit:
    """A fitted BG/NBD model. Time is in weeks: `alpha` is in weeks, `t` arguments are weeks."""

    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float  # the total over the customers the model was fitted on
    standard_errors: dict[str, float]
    n_customers: int
    n_repeat_customers: int
    history_weeks: float  # the oldest customer's age T
    iterations: int

    @property
    def params(self) -> dict[str, float]:
        return {"r": self.r, "alpha": self.alpha, "a": self.a, "b": self.b}

    def probability_alive(self, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> np.ndarray:
        """P(alive at T | x, t_x, T): 1 for a customer without a repeat purchase (they cannot have left)."""
        return probability_alive(self.params, frequency, recency, T)

    def conditional_expected_purchases(
        self, t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
    ) -> np.ndarray:
        """E[purchases in (T, T+t] | x, t_x, T]: the paper's equation 10, per customer."""
        return conditional_expected_purchases(self.params, t, frequency, recency, T)

    def expected_purchases(self, t: ArrayLike) -> np.ndarray:
        """E[X(t)]: repeat purchases in a new customer's first t weeks (the paper's equation 9,
        which is equation 10 at x = t_x = T = 0)."""
        distinct_t, inverse = np.unique(np.asarray(t, dtype=float), return_inverse=True)
        expected = conditional_expected_purchases(self.params, distinct_t, 0, 0.0, 0.0)
        return expected[inverse].reshape(np.shape(t))


def fit_bgnbd(
    frequency: ArrayLike,
    recency: ArrayLike,
    T: ArrayLike,
    *,
    weights: ArrayLike | None = None,
    min_customers: int = MIN_CUSTOMERS,
    min_repeat_customers: int = MIN_REPEAT_CUSTOMERS,
    min_history_weeks: float = MIN_HISTORY_WEEKS,
) -> BgNbdFit | NoModel:
    """Fit BG/NBD by maximum likelihood to customer summaries (weeks), or say why there is no model.

    `weights` counts customers per row (for data already grouped); identical rows are grouped
    here anyway. Raises ValueError only for arrays that are not a customer summary (negative
    values, recency beyond T, fractional frequency); too little data is a `NoModel`.
    """
    x, t_x, age = summary_arrays(frequency, recency, T)
    w = np.ones(len(x)) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != x.shape or np.any(w < 0):
        raise ValueError("weights must be one non-negative number per customer")
    customers = float(w.sum())
    repeat_customers = float(w[x > 0].sum())
    history = float(age[w > 0].max()) if customers > 0 else 0.0
    if customers < min_customers:
        return NoModel(f"{MODEL}: {customers:,.0f} customers, fewer than the {min_customers:,} the model needs.")
    if repeat_customers < min_repeat_customers:
        return NoModel(
            f"{MODEL}: {repeat_customers:,.0f} customers bought again, fewer than the "
            f"{min_repeat_customers:,} the model needs to learn how customers buy and leave."
        )
    if history < min_history_weeks:
        return NoModel(
            f"{MODEL}: {history * 7:,.0f} days of history, "
            f"less than the {min_history_weeks * 7:,.0f} days the model needs."
        )

    (x, t_x, age), w = group_identical_rows(x, t_x, age, weights=w)
    objective = _objective(x, t_x, age, w)
    start = (1.0, max(history, 1.0) / 10, 1.0, 1.0)
    optimum = maximise(
        objective, start, names=PARAMETERS, total_weight=customers, model=MODEL, edge_reasons=_EDGE_REASONS
    )
    if isinstance(optimum, NoModel):
        return optimum
    r, alpha, a, b = (float(value) for value in optimum.parameters)
    return BgNbdFit(
        r=r,
        alpha=alpha,
        a=a,
        b=b,
        log_likelihood=float(optimum.log_likelihood),
        standard_errors=dict(zip(PARAMETERS, (float(se) for se in optimum.standard_errors), strict=True)),
        n_customers=round(customers),
        n_repeat_customers=round(repeat_customers),
        history_weeks=history,
        iterations=optimum.iterations,
    )


def log_likelihood(params: dict[str, float], frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> np.ndarray:
    """Each customer's log-likelihood under BG/NBD with `params` (r, alpha, a, b)."""
    from scipy.special import gammaln

    x, t_x, age = summary_arrays(frequency, recency, T)
    r, alpha, a, b = (params[name] for name in PARAMETERS)
    repeat = x > 0
    log_c = (
        gammaln(r + x)
        - gammaln(r)
        + r * np.log(alpha)
        + gammaln(a + b)
        + gammaln(b + x)
        - gammaln(b)
        - gammaln(a + b + x)
    )
    still_alive = -(r + x) * np.log(alpha + age)
    with np.errstate(divide="ignore"):
        left_after_last = np.where(
            repeat, np.log(a) - np.log(b + np.maximum(x, 1) - 1) - (r + x) * np.log(alpha + t_x), -np.inf
        )
    return log_c + np.logaddexp(still_alive, left_after_last)


def probability_alive(params: dict[str, float], frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> np.ndarray:
    """P(alive | x, t_x, T) = 1 / (1 + [x > 0] a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x))."""
    from scipy.special import expit

    x, t_x, age = summary_arrays(frequency, recency, T)
    r, alpha, a, b = (params[name] for name in PARAMETERS)
    log_odds_left = np.log(a) - np.log(b + np.maximum(x, 1) - 1) + (r + x) * (np.log(alpha + age) - np.log(alpha + t_x))
    return np.where(x > 0, expit(-log_odds_left), 1.0)


def conditional_expected_purchases(
    params: dict[str, float], t: ArrayLike, frequency: ArrayLike, recency: ArrayLike, T: ArrayLike
) -> np.ndarray:
    """E[Y(t) | x, t_x, T], the paper's equation 10, in a form that never overflows.

    Equation 10 is P(alive) (a+b+x-1)/(a-1) [1 - ((alpha+T)/(alpha+T+t))^(r+x) 2F1(r+x, b+x;
    a+b+x-1; z)] with z = t/(alpha+T+t). Its 2F1 grows like (1-z)^-(r+x) and overflows for
    frequent buyers; Euler's transformation 2F1(A, B; C; z) = (1-z)^(C-A-B) 2F1(C-A, C-B; C; z)
    turns the bracket into 1 - (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z), whose 2F1 stays near 1
    unless a is in the thousands, where the paper's form is used instead. (At a = 1 the ratio
    is 0/0; it loses ~1e-16/|a-1| in relative accuracy near there.)
    """
    from scipy.special import hyp2f1

    x, t_x, age = summary_arrays(frequency, recency, T)
    r, alpha, a, b = (params[name] for name in PARAMETERS)
    t = np.asarray(t, dtype=float)

    def alive_purchases(x: np.ndarray, age: np.ndarray, t: np.ndarray) -> np.ndarray:
        """E[Y(t)] of a customer known to be alive at `age`: the equation without P(alive)."""
        z = t / (alpha + age + t)
        c = a + b + x - 1.0
        euler = _power_times(1.0 - z, a - 1.0, hyp2f1(a + b - 1.0 - r, a - 1.0, c, z))
        # With a in the thousands (dropout alike for all) that 2F1 overflows instead; there the
        # paper's own form is the tame one.
        paper = _power_times(1.0 - z, r + x, hyp2f1(r + x, b + x, c, z))
        return c / (a - 1.0) * (1.0 - np.where(np.isfinite(euler), euler, paper))

    if t.ndim == 0 and x.size > 1:  # 2F1 once per distinct (x, T): ~20 times fewer at a million customers
        (distinct_x, distinct_age), inverse = distinct_rows(x.ravel(), age.ravel())
        expected_if_alive = alive_purchases(distinct_x, distinct_age, t)[inverse].reshape(x.shape)
    else:
        expected_if_alive = alive_purchases(x, age, t)
    return probability_alive(params, x, t_x, age) * expected_if_alive


def _power_times(base: np.ndarray, exponent: np.ndarray | float, factor: np.ndarray) -> np.ndarray:
    """base^exponent * factor through logarithms, so that a huge factor times a tiny power stays
    finite; the factor may be negative (2F1 is, for a + b < 1 and z near 1)."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return np.sign(factor) * np.exp(exponent * np.log(base) + np.log(np.abs(factor)))


def summary_arrays(frequency: ArrayLike, recency: ArrayLike, T: ArrayLike) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """frequency, recency, T as float arrays of one shape, checked to be a customer summary."""
    x, t_x, age = (np.asarray(values, dtype=float) for values in (frequency, recency, T))
    x, t_x, age = np.broadcast_arrays(x, t_x, age)
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(t_x)) and np.all(np.isfinite(age))):
        raise ValueError("frequency, recency and T must be finite numbers")
    if np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("frequency must be a whole number of repeat purchases, 0 or more")
    if np.any(t_x < 0) or np.any(t_x > age * (1 + 1e-12)):
        raise ValueError("recency must lie between 0 and T")
    if np.any((x == 0) & (t_x > 0)):
        raise ValueError("a customer without repeat purchases has recency 0")
    return x, t_x, age


def _objective(x: np.ndarray, t_x: np.ndarray, age: np.ndarray, w: np.ndarray) -> Objective:
    """The mean negative log-likelihood and its gradient in log-parameters, on grouped rows."""
    from scipy.special import digamma, gammaln

    total = w.sum()
    distinct_x, x_index = np.unique(x, return_inverse=True)  # gamma functions once per distinct x
    repeat = x > 0
    x_minus_one = np.maximum(x, 1) - 1

    def objective(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        r, alpha, a, b = np.exp(log_params)
        log_c = gammaln(r + distinct_x) - gammaln(r) + gammaln(a + b) + gammaln(b + distinct_x) - gammaln(b)
        log_c -= gammaln(a + b + distinct_x)
        d_r = digamma(r + distinct_x) - digamma(r)
        d_a = digamma(a + b) - digamma(a + b + distinct_x)
        d_b = d_a + digamma(b + distinct_x) - digamma(b)
        log_alpha_t = np.log(alpha + age)
        log_alpha_tx = np.log(alpha + t_x)
        rx = r + x
        still_alive = -rx * log_alpha_t
        left = np.where(repeat, np.log(a) - np.log(b + x_minus_one) - rx * log_alpha_tx, -np.inf)
        both = np.logaddexp(still_alive, left)
        ll = log_c[x_index] + r * np.log(alpha) + both
        share_left = np.exp(left - both)  # the weight of "left after the last purchase" in L
        share_alive = np.exp(still_alive - both)
        g_r = d_r[x_index] + np.log(alpha) - share_alive * log_alpha_t - share_left * log_alpha_tx
        g_alpha = r / alpha - rx * (share_alive / (alpha + age) + share_left / (alpha + t_x))
        g_a = d_a[x_index] + share_left / a
        g_b = d_b[x_index] - share_left / (b + x_minus_one)
        gradient = np.array(
            [
                weighted_sum(w, g_r) * r,
                weighted_sum(w, g_alpha) * alpha,
                weighted_sum(w, g_a) * a,
                weighted_sum(w, g_b) * b,
            ]
        )
        return -weighted_sum(w, ll) / total, -gradient / total

    return objective
