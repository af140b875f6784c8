"""navigator.models.bgnbd: the likelihood by hand and by numerical integration of the model, parameter
recovery on simulated data. (The paper's CDNOW estimates and lifetimes, the oracle, are checked in
tests/oracle_lifetimes.py.)"""

from __future__ import annotations

import math

import numpy as np
import pytest

from navigator.models import bgnbd
from navigator.models.bgnbd import BgNbdFit, fit_bgnbd
from navigator.models.maximum_likelihood import NoModel
from navigator.models.simulate import simulate_summary

CDNOW_LIKE = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}


def model(params: dict[str, float]) -> BgNbdFit:
    return BgNbdFit(
        **params,
        log_likelihood=0.0,
        standard_errors={},
        n_customers=0,
        n_repeat_customers=0,
        history_weeks=0.0,
        iterations=0,
    )


def simulated_summary(customers: int = 3000, seed: int = 4) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Customers acquired over 18 months (T up to 78 weeks), drawn from CDNOW-like parameters."""
    rng = np.random.default_rng(seed)
    T = rng.uniform(0, 78, customers)
    x, t_x = simulate_summary(T, **CDNOW_LIKE, rng=rng)
    return x, t_x, T


def test_log_likelihood_by_hand() -> None:
    """L = B(a,b+x)/B(a,b) * Gamma(r+x) alpha^r / Gamma(r) * [(alpha+T)^-(r+x) + [x>0] a/(b+x-1) (alpha+t_x)^-(r+x)]."""
    # r=1, alpha=2, a=1, b=1; x=0, T=6: only the first term, and the constant is alpha^r = 2:
    #   L = 2 * 8^-1 = 0.25
    # x=1, t_x=2, T=6: B(1,2)/B(1,1) = (1/2)/1, Gamma(2)/Gamma(1) = 1, alpha^r = 2 -> constant 1;
    #   [8^-2 + (1/1) * 4^-2] = 1/64 + 4/64 = 5/64 -> L = 5/64
    simple = {"r": 1.0, "alpha": 2.0, "a": 1.0, "b": 1.0}
    assert bgnbd.log_likelihood(simple, [0, 1], [0.0, 2.0], [6.0, 6.0]) == pytest.approx(
        [math.log(0.25), math.log(5 / 64)], rel=1e-12
    )
    # r=2, alpha=3, a=2, b=3; x=2, t_x=4, T=7:
    #   B(2,5)/B(2,3) = (1*24/720) / (1*2/24) = (1/30) / (1/12) = 0.4
    #   Gamma(4)/Gamma(2) = 6/1 = 6; alpha^r = 9 -> constant 0.4 * 6 * 9 = 21.6
    #   [(3+7)^-4 + 2/(3+2-1) * (3+4)^-4] = 1e-4 + 0.5/2401
    general = {"r": 2.0, "alpha": 3.0, "a": 2.0, "b": 3.0}
    assert bgnbd.log_likelihood(general, 2, 4.0, 7.0) == pytest.approx(math.log(21.6 * (1e-4 + 0.5 / 2401)), rel=1e-12)
    # P(alive) = 1 / (1 + a/(b+x-1) ((alpha+T)/(alpha+t_x))^(r+x)) = 1 / (1 + 0.5 * (10/7)^4)
    assert model(general).probability_alive(2, 4.0, 7.0) == pytest.approx(1 / (1 + 0.5 * (10 / 7) ** 4), rel=1e-12)
    assert model(general).probability_alive(0, 0.0, 7.0) == 1.0  # no repeat purchase: cannot have left


def test_likelihood_and_expectation_match_numerical_integration_of_the_model() -> None:
    """The closed forms against the model's definition integrated numerically over lambda and p.

    Individual level: P(data | lambda, p) = (1-p)^x lambda^x e^(-lambda T)
    + [x>0] p (1-p)^(x-1) lambda^x e^(-lambda t_x); alive with the first term's share; an
    alive customer's expected purchases in t are (1 - e^(-lambda p t)) / p. The mixing densities
    are substituted away (p = u^(1/a), lambda = s^(1/r)) so that quad sees smooth integrands.
    """
    from scipy import integrate
    from scipy.special import betaln, gammaln

    params = {"r": 0.6, "alpha": 3.5, "a": 0.8, "b": 2.5}
    r, alpha, a, b = params.values()
    horizon = 20.0
    customers = [(0, 0.0, 30.0), (1, 5.0, 30.0), (3, 25.0, 30.0), (6, 10.0, 40.0), (2, 1.0, 2.0)]

    def mixed(integrand) -> float:
        # E over lambda ~ Gamma(r, alpha), p ~ Beta(a, b): with u = p^a, s = lambda^r,
        # f(p) dp = (1-p)^(b-1) du / (a B(a,b)) and g(lambda) dlambda = alpha^r e^(-alpha lambda) ds / (r Gamma(r)).
        constant = math.exp(r * math.log(alpha) - gammaln(r) - math.log(r) - betaln(a, b) - math.log(a))

        def inner(u: float) -> float:
            p = u ** (1 / a)
            return integrate.quad(
                lambda s: integrand(s ** (1 / r), p) * math.exp(-alpha * s ** (1 / r)) * (1 - p) ** (b - 1),
                0,
                np.inf,
                epsabs=0,
                epsrel=1e-11,
                limit=200,
            )[0]

        return constant * integrate.quad(inner, 0, 1, epsabs=0, epsrel=1e-10, limit=200)[0]

    fitted = model(params)
    for x, t_x, T in customers:

        def alive(lam: float, p: float, x=x, T=T) -> float:
            return (1 - p) ** x * lam**x * math.exp(-lam * T)

        def data(lam: float, p: float, x=x, t_x=t_x, T=T) -> float:
            left = p * (1 - p) ** (x - 1) * lam**x * math.exp(-lam * t_x) if x > 0 else 0.0
            return alive(lam, p) + left

        likelihood = mixed(data)
        expected = mixed(lambda lam, p, alive=alive: alive(lam, p) * -math.expm1(-lam * p * horizon) / p) / likelihood
        assert math.exp(bgnbd.log_likelihood(params, x, t_x, T)) == pytest.approx(likelihood, rel=1e-7)
        assert fitted.conditional_expected_purchases(horizon, x, t_x, T) == pytest.approx(expected, rel=1e-6)


def test_expectation_stays_finite_and_right_in_extreme_regions() -> None:
    """Frequent buyers (2F1 of the paper's form overflows), a near 1 (0/0), a in the thousands."""
    from scipy import integrate
    from scipy.special import betaln

    def by_quadrature(params: dict[str, float], t: float, x: int, t_x: float, T: float) -> float:
        # lambda integrated in closed form: E[(1 - (1 + p t/(alpha+T))^-(r+x)) / p] over p ~ Beta(a, b+x)
        r, alpha, a, b = params.values()
        alive_share = model(params).probability_alive(x, t_x, T)

        def integrand(p: float) -> float:
            density = math.exp((a - 1) * math.log(p) + (b + x - 1) * math.log1p(-p) - betaln(a, b + x))
            return density * -math.expm1(-(r + x) * math.log1p(p * t / (alpha + T))) / p

        return float(alive_share) * integrate.quad(integrand, 0, 1, epsabs=0, epsrel=1e-10, limit=400)[0]

    cases = [
        ({"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}, 52.0, 400, 77.0, 78.0),
        ({"r": 0.243, "alpha": 4.414, "a": 1.001, "b": 2.426}, 52.0, 3, 20.0, 60.0),
        ({"r": 0.5, "alpha": 4.0, "a": 3000.0, "b": 12000.0}, 52.0, 5, 30.0, 60.0),
        ({"r": 0.23, "alpha": 4.3, "a": 0.26, "b": 0.53}, 52.0, 0, 0.0, 10.0),  # a + b < 1: 2F1 goes negative
    ]
    for params, t, x, t_x, T in cases:
        value = model(params).conditional_expected_purchases(t, x, t_x, T)
        assert np.isfinite(value)
        assert value == pytest.approx(by_quadrature(params, t, x, t_x, T), rel=1e-6), params


def test_objective_gradient_matches_finite_differences() -> None:
    x, t_x, T = simulated_summary()
    objective = bgnbd._objective(x, t_x, T, np.ones(len(x)))
    at = np.log([0.3, 5.0, 0.7, 2.0])
    value, gradient = objective(at)
    assert value == pytest.approx(
        -bgnbd.log_likelihood(dict(zip(bgnbd.PARAMETERS, np.exp(at), strict=True)), x, t_x, T).mean()
    )
    step = 1e-6
    numeric = [(objective(at + e)[0] - objective(at - e)[0]) / (2 * step) for e in np.eye(4) * step]
    assert gradient == pytest.approx(numeric, rel=1e-5, abs=1e-8)


def test_parameter_recovery_over_ten_simulated_sets() -> None:
    """20,000 customers acquired over 18 months, observed to its end, 10 seeded sets: the mean of
    each parameter within 5% of the truth. One set alone varies by ~2-4% in r and alpha and by
    ~4-7% in a and b; each fit's standard errors must cover the truth (within 4 of them)."""
    fits = []
    for seed in range(10):
        rng = np.random.default_rng(seed)
        T = rng.uniform(0, 78, 20_000)
        x, t_x = simulate_summary(T, **CDNOW_LIKE, rng=rng)
        fit = fit_bgnbd(x, t_x, T)
        assert isinstance(fit, BgNbdFit), fit
        for name, truth in CDNOW_LIKE.items():
            assert abs(fit.params[name] - truth) < 4 * fit.standard_errors[name], (seed, name, fit.params)
        fits.append([fit.params[name] for name in CDNOW_LIKE])
    mean = np.mean(fits, axis=0)
    for name, fitted, truth in zip(CDNOW_LIKE, mean, CDNOW_LIKE.values(), strict=True):
        assert abs(fitted / truth - 1) < 0.05, (name, fitted, truth)


def test_identical_rows_are_grouped_without_changing_the_fit() -> None:
    x, t_x, T = simulated_summary()
    T = np.round(T)  # whole weeks, so that many rows repeat
    t_x = np.minimum(np.round(t_x), T)
    fit = fit_bgnbd(x, t_x, T)
    # the same customers given once each with a weight of 3 make the same estimates, 3 times the LL
    weighted = fit_bgnbd(x, t_x, T, weights=np.full(len(x), 3.0))
    assert isinstance(fit, BgNbdFit) and isinstance(weighted, BgNbdFit)
    assert list(weighted.params.values()) == pytest.approx(list(fit.params.values()), rel=1e-5)
    assert weighted.log_likelihood == pytest.approx(3 * fit.log_likelihood, rel=1e-9)
    assert weighted.n_customers == 3 * len(x)
    tripled = fit_bgnbd(np.tile(x, 3), np.tile(t_x, 3), np.tile(T, 3))
    assert isinstance(tripled, BgNbdFit)
    assert tripled.log_likelihood == pytest.approx(weighted.log_likelihood, rel=1e-9)
    assert tripled.log_likelihood == pytest.approx(
        bgnbd.log_likelihood(tripled.params, np.tile(x, 3), np.tile(t_x, 3), np.tile(T, 3)).sum(), rel=1e-12
    )


def test_too_little_data_is_no_model_with_the_reason() -> None:
    rng = np.random.default_rng(5)
    T = rng.uniform(0, 78, 5000)
    x, t_x = simulate_summary(T, **CDNOW_LIKE, rng=rng)

    few = fit_bgnbd(x[:400], t_x[:400], T[:400])
    assert few == NoModel("BG/NBD: 400 customers, fewer than the 500 the model needs.")

    one_off = np.where(np.arange(5000) < 250, x, 0)
    no_repeat = fit_bgnbd(one_off, np.where(one_off > 0, t_x, 0.0), T)
    assert isinstance(no_repeat, NoModel)
    assert no_repeat.reason.startswith(f"BG/NBD: {int((one_off > 0).sum())} customers bought again, fewer than the 200")

    short = fit_bgnbd(x, np.minimum(t_x, T / 4), T / 4)
    assert isinstance(short, NoModel)
    assert "days of history, less than the 182 days the model needs" in short.reason

    assert isinstance(fit_bgnbd([], [], []), NoModel)


def test_data_without_heterogeneity_is_no_model_not_a_wild_figure() -> None:
    """Every customer alike (same purchases at the same times): nothing for the mixing
    distributions to fit: the parameters run off or the likelihood goes flat, and the fit says so."""
    result = fit_bgnbd(np.full(2000, 4), np.full(2000, 30.0), np.full(2000, 40.0))
    assert isinstance(result, NoModel)
    assert result.reason.startswith("BG/NBD: ")
    assert "ran off to" in result.reason or "the data do not pin the parameters down" in result.reason


def test_malformed_summaries_are_an_error() -> None:
    with pytest.raises(ValueError, match="between 0 and T"):
        fit_bgnbd([1], [5.0], [4.0])
    with pytest.raises(ValueError, match="whole number"):
        fit_bgnbd([1.5], [1.0], [4.0])
    with pytest.raises(ValueError, match="recency 0"):
        fit_bgnbd([0], [1.0], [4.0])
    with pytest.raises(ValueError, match="finite"):
        fit_bgnbd([0], [0.0], [np.nan])
