"""The Gamma-Gamma model of spend per purchase (Fader, Hardie & Lee 2005b, "RFM and CLV: using
iso-value curves for customer base analysis", Journal of Marketing Research 42(4), 415-430;
the form of Fader & Hardie's note "The Gamma-Gamma model of monetary value", 2013).

A customer's purchases are worth z ~ Gamma(p, rate nu) each, so their mean is p/nu; across
customers nu ~ Gamma(q, rate v). Spend is assumed independent of how often a customer buys
(`frequency_spend_correlation` shows how well the data agree). A customer with x repeat
purchases of mean value m has the likelihood

    L = Gamma(px+q) / (Gamma(px) Gamma(q)) * v^q * m^(px-1) * x^(px) / (v + m x)^(px+q)

fitted by maximum likelihood over the customers with at least one repeat purchase and a mean
above 0. E[M | x, m] = p (v + m x) / (p x + q - 1): a weighted mean of the population mean
p v / (q - 1) and the customer's own m, weighted more to m the more purchases they made.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike

from navigator.models.maximum_likelihood import NoModel, Objective, group_identical_rows, maximise, weighted_sum

MODEL = "Gamma-Gamma"
PARAMETERS = ("p", "q", "v")

# With 200 repeat buyers the population's mean spend p v / (q - 1) came out within about +-9% of
# the truth (5th-95th percentile, CDNOW-like parameters); with 100, one fit in twelve found no
# model at all (docs/models.md, "Minimums"; benchmarks/clv_fit.py --minimums).
MIN_REPEAT_CUSTOMERS = 200

_EDGE_REASONS = {
    "p": "the spend per purchase does not vary the way the model assumes",
    "q": "customers' mean spends look all alike; Gamma-Gamma needs them to vary",
    "v": "customers' mean spends look all alike; Gamma-Gamma needs them to vary",
}


@dataclass(frozen=True)
class GammaGammaFit:
    """A fitted Gamma-Gamma model (money in the data's currency)."""

    p: float
    q: float
    v: float
    log_likelihood: float
    standard_errors: dict[str, float]
    n_customers: int  # the repeat buyers it was fitted on
    iterations: int
    frequency_spend_correlation: float  # Pearson, over those customers; the model assumes ~0

    @property
    def params(self) -> dict[str, float]:
        return {"p": self.p, "q": self.q, "v": self.v}

    @property
    def mean_spend(self) -> float:
        """The population's mean spend per purchase, p v / (q - 1): a new customer's expected spend."""
        return self.p * self.v / (self.q - 1.0)

    def conditional_expected_spend(self, frequency: ArrayLike, monetary_value: ArrayLike) -> np.ndarray:
        """E[spend per purchase | x, m]; customers with no repeat purchase get the population mean."""
        return conditional_expected_spend(self.params, frequency, monetary_value)


def fit_gamma_gamma(
    frequency: ArrayLike,
    monetary_value: ArrayLike,
    *,
    min_repeat_customers: int = MIN_REPEAT_CUSTOMERS,
) -> GammaGammaFit | NoModel:
    """Fit Gamma-Gamma by maximum likelihood, or say why there is no model.

    Takes every customer's summary (frequency, monetary_value); only those with frequency > 0
    and monetary_value > 0 enter the fit (monetary_value may be NaN or null elsewhere).
    """
    x, m = _spend_arrays(frequency, monetary_value)
    fitted = (x > 0) & (m > 0)
    x, m = x[fitted], m[fitted]
    if len(x) < min_repeat_customers:
        return NoModel(
            f"{MODEL}: {len(x):,} customers bought again with a spend above 0, fewer than the "
            f"{min_repeat_customers:,} the spend model needs."
        )
    correlation = float(np.corrcoef(x, m)[0, 1]) if np.ptp(x) > 0 and np.ptp(m) > 0 else float("nan")
    (x_grouped, m_grouped), weights = group_identical_rows(x, m)
    optimum = maximise(
        _objective(x_grouped, m_grouped, weights),
        (1.0, 2.0, float(np.mean(m))),  # p v / (q - 1) starts at the mean spend
        names=PARAMETERS,
        total_weight=float(len(x)),
        model=MODEL,
        edge_reasons=_EDGE_REASONS,
    )
    if isinstance(optimum, NoModel):
        return optimum
    p, q, v = (float(value) for value in optimum.parameters)
    if q <= 1.0:
        return NoModel(
            f"{MODEL}: q = {q:.3g} is not above 1: spend varies between customers too widely for a "
            "finite mean, so a customer without repeat purchases has no expected spend."
        )
    return GammaGammaFit(
        p=p,
        q=q,
        v=v,
        log_likelihood=float(optimum.log_likelihood),
        standard_errors=dict(zip(PARAMETERS, (float(se) for se in optimum.standard_errors), strict=True)),
        n_customers=len(x),
        iterations=optimum.iterations,
        frequency_spend_correlation=correlation,
    )


def log_likelihood(params: dict[str, float], frequency: ArrayLike, monetary_value: ArrayLike) -> np.ndarray:
    """Each customer's log-likelihood under Gamma-Gamma (customers with frequency > 0, m > 0)."""
    from scipy.special import gammaln

    x, m = _spend_arrays(frequency, monetary_value)
    p, q, v = (params[name] for name in PARAMETERS)
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(v)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - (px + q) * np.log(v + m * x)
    )


def conditional_expected_spend(params: dict[str, float], frequency: ArrayLike, monetary_value: ArrayLike) -> np.ndarray:
    """p (v + m x) / (p x + q - 1); m is ignored (and may be NaN) where x = 0."""
    x, m = _spend_arrays(frequency, monetary_value)
    p, q, v = (params[name] for name in PARAMETERS)
    own = np.where(x > 0, np.nan_to_num(m) * x, 0.0)
    return p * (v + own) / (p * x + q - 1.0)


def _spend_arrays(frequency: ArrayLike, monetary_value: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(frequency, dtype=float)
    m = np.asarray(monetary_value, dtype=float)  # a Polars null arrives as NaN
    x, m = np.broadcast_arrays(x, m)
    if np.any(~np.isfinite(x)) or np.any(x < 0) or np.any(x != np.round(x)):
        raise ValueError("frequency must be a whole number of repeat purchases, 0 or more")
    return x, m


def _objective(x: np.ndarray, m: np.ndarray, w: np.ndarray) -> Objective:
    """The mean negative log-likelihood and its gradient in log-parameters, on grouped rows."""
    from scipy.special import digamma, gammaln

    total = w.sum()
    log_m = np.log(m)
    log_x = np.log(x)

    def objective(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        p, q, v = np.exp(log_params)
        px = p * x
        log_v_mx = np.log(v + m * x)
        d_pxq = digamma(px + q)
        ll = gammaln(px + q) - gammaln(px) - gammaln(q) + q * np.log(v) + (px - 1) * log_m + px * log_x
        ll -= (px + q) * log_v_mx
        g_p = x * (d_pxq - digamma(px) + log_m + log_x - log_v_mx)
        g_q = d_pxq - digamma(q) + np.log(v) - log_v_mx
        g_v = q / v - (px + q) / (v + m * x)
        gradient = np.array([weighted_sum(w, g_p) * p, weighted_sum(w, g_q) * q, weighted_sum(w, g_v) * v])
        return -weighted_sum(w, ll) / total, -gradient / total

    return objective
