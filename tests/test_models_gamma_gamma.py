"""navigator.models.gamma_gamma: the likelihood by hand, parameter recovery, the answers without a model.
(The CDNOW estimates of Fader & Hardie's note and lifetimes, the oracle, are checked in
tests/oracle_lifetimes.py.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

from navigator.models import gamma_gamma
from navigator.models.gamma_gamma import GammaGammaFit, fit_gamma_gamma
from navigator.models.maximum_likelihood import NoModel
from navigator.models.simulate import simulate_mean_spend

TRUTH = {"p": 6.25, "q": 3.74, "v": 15.44}


def simulated_spend(customers: int = 3000, seed: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Customers of whom about 60% bought again (0 to a dozen times), spending as TRUTH says."""
    rng = np.random.default_rng(seed)
    x = rng.poisson(1.5, customers) * (rng.random(customers) < 0.6)
    return x, simulate_mean_spend(x, **TRUTH, rng=rng)


def test_log_likelihood_and_expected_spend_by_hand() -> None:
    """L = Gamma(px+q)/(Gamma(px) Gamma(q)) v^q m^(px-1) x^(px) / (v+mx)^(px+q)."""
    # p=2, q=3, v=4; x=2, m=5: px = 4
    #   Gamma(7)/(Gamma(4) Gamma(3)) = 720/(6*2) = 60; v^q = 64; m^(px-1) = 125; x^px = 16;
    #   (v+mx)^(px+q) = 14^7 = 105,413,504 -> L = 60*64*125*16 / 105,413,504 = 7,680,000 / 105,413,504
    params = {"p": 2.0, "q": 3.0, "v": 4.0}
    assert gamma_gamma.log_likelihood(params, 2, 5.0) == pytest.approx(math.log(7_680_000 / 105_413_504), rel=1e-12)
    # E[M | x, m] = p (v + m x) / (p x + q - 1) = 2 (4 + 10) / (4 + 3 - 1) = 28/6; with no repeat
    # purchase the population mean p v / (q - 1) = 8/2 = 4, whatever m says (NaN here)
    fit = GammaGammaFit(
        **params, log_likelihood=0.0, standard_errors={}, n_customers=0, iterations=0, frequency_spend_correlation=0.0
    )
    assert fit.conditional_expected_spend([2, 0], [5.0, np.nan]) == pytest.approx([28 / 6, 4.0], rel=1e-12)
    assert fit.mean_spend == pytest.approx(4.0)


def test_objective_gradient_matches_finite_differences() -> None:
    x, m = simulated_spend()
    repeat = x > 0
    objective = gamma_gamma._objective(x[repeat], m[repeat], np.ones(int(repeat.sum())))
    at = np.log([5.0, 3.0, 12.0])
    value, gradient = objective(at)
    params = dict(zip(gamma_gamma.PARAMETERS, np.exp(at), strict=True))
    assert value == pytest.approx(-gamma_gamma.log_likelihood(params, x[repeat], m[repeat]).mean())
    step = 1e-6
    numeric = [(objective(at + e)[0] - objective(at - e)[0]) / (2 * step) for e in np.eye(3) * step]
    assert gradient == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def test_parameter_recovery_over_ten_simulated_sets() -> None:
    """20,000 repeat buyers (1 + Poisson(1.5) repeat purchases each), 10 seeded sets: the mean of
    each parameter within 5% of the truth (one set alone varies by ~6-8% in p and v, ~1.5% in q)."""
    fits = []
    for seed in range(10):
        rng = np.random.default_rng(100 + seed)
        x = rng.poisson(1.5, 20_000) + 1
        m = simulate_mean_spend(x, **TRUTH, rng=rng)
        fit = fit_gamma_gamma(x, m)
        assert isinstance(fit, GammaGammaFit), fit
        for name, truth in TRUTH.items():
            assert abs(fit.params[name] - truth) < 4 * fit.standard_errors[name], (seed, name, fit.params)
        assert abs(fit.frequency_spend_correlation) < 0.05  # simulated independent, and found so
        fits.append([fit.params[name] for name in TRUTH])
    mean = np.mean(fits, axis=0)
    for name, fitted, truth in zip(TRUTH, mean, TRUTH.values(), strict=True):
        assert abs(fitted / truth - 1) < 0.05, (name, fitted, truth)


def test_too_few_repeat_buyers_is_no_model() -> None:
    x, m = simulated_spend()
    assert fit_gamma_gamma(x[:300], m[:300]) == NoModel(
        f"Gamma-Gamma: {int((x[:300] > 0).sum())} customers bought again with a spend above 0, "
        "fewer than the 200 the spend model needs."
    )
    # repeat buyers whose repeat purchases were all free do not count
    assert isinstance(fit_gamma_gamma(np.ones(500), np.zeros(500)), NoModel)


def test_spend_too_spread_for_a_finite_mean_is_no_model() -> None:
    """q <= 1: the population's mean spend p v / (q - 1) does not exist."""
    rng = np.random.default_rng(8)
    x = rng.poisson(2.0, 20_000) + 1
    result = fit_gamma_gamma(x, simulate_mean_spend(x, p=4.0, q=0.7, v=10.0, rng=rng))
    assert isinstance(result, NoModel)
    assert result.reason.startswith("Gamma-Gamma: q = 0.7")
    assert "too widely for a finite mean" in result.reason
