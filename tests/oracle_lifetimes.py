"""navigator.models against its oracle, the lifetimes package, and against the papers' CDNOW estimates.

Not part of the default suite (its name is not test_*.py): lifetimes needs pandas, and with
pandas installed DuckDB imports it (and pyarrow) on every query with parameters, which
tests/test_import_hygiene.py rightly refuses. Run it in an environment of its own:

    python3 -m venv /tmp/oracle && /tmp/oracle/bin/pip install -e '.[test,oracle]'
    /tmp/oracle/bin/python -m pytest tests/oracle_lifetimes.py

.ci/run does the same in .venv-oracle, so CI runs it on every submission.

The CDNOW sample of Fader, Hardie & Lee (2005a), as lifetimes ships it: 2,357 customers who
first bought at CDNOW in the first quarter of 1997, with every order to the end of June 1998
(`CDNOW_sample.txt`: customer, sample id, date, CDs, dollars), and the published calibration
summary to 1997-09-30 (`cdnow_customers_summary_with_transactions.csv`: ID, x, t_x, T in weeks,
zbar = mean repeat spend, to two decimals). Read from the installed package's files, never
copied into this repository.
"""

from __future__ import annotations

import datetime as dt
from importlib.resources import files

import numpy as np
import polars as pl
import pytest

from navigator.models import bgnbd, gamma_gamma
from navigator.models.bgnbd import BgNbdFit, fit_bgnbd
from navigator.models.customer_summary import WEEKS_PER_MONTH, customer_summary
from navigator.models.customer_value import CustomerValue, value_customers
from navigator.models.gamma_gamma import GammaGammaFit, fit_gamma_gamma
from navigator.models.simulate import simulate_orders, simulate_summary

# lifetimes sets a pandas option that pandas 3 deprecates, on import
pytestmark = pytest.mark.filterwarnings("ignore:The 'mode.chained_assignment' option is deprecated")

CALIBRATION_END = dt.date(1997, 9, 30)  # the paper's 39-week calibration period
CDNOW_LIKE = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
SPEND = {"p": 6.25, "q": 3.74, "v": 15.44}


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


def cdnow_summary() -> pl.DataFrame:
    return customer_summary(cdnow_orders(), cut_off=CALIBRATION_END)


def purchases_arrays(summary: pl.DataFrame) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return summary["frequency"].to_numpy(), summary["recency"].to_numpy(), summary["T"].to_numpy()


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


def test_cdnow_summary_matches_the_published_one() -> None:
    """The paper's calibration summary, rebuilt from its raw orders (published to 2 decimals)."""
    summary = cdnow_summary()
    published = cdnow_published_summary()
    joined = summary.join(published, on="account_id", how="full", coalesce=True)
    assert summary.height == published.height == joined.height == 2357
    assert (joined["frequency"] == joined["x"]).all()
    assert (joined["recency"] - joined["t_x"]).abs().max() <= 0.005 + 1e-9
    assert (joined["T"] - joined["T_right"]).abs().max() <= 0.005 + 1e-9
    assert (joined["monetary_value"].fill_null(0.0) - joined["zbar"]).abs().max() <= 0.005 + 1e-9


def test_summary_matches_lifetimes_summary_data_from_transaction_data() -> None:
    """Same convention as lifetimes with freq="D", freq_multiplier=7, on a simulated order log."""
    from lifetimes.utils import summary_data_from_transaction_data

    orders = simulate_orders(3000, start=dt.date(2025, 1, 1), end=dt.date(2026, 6, 30), **CDNOW_LIKE, **SPEND, seed=3)
    ours = customer_summary(orders, cut_off=dt.date(2026, 6, 30))
    theirs = summary_data_from_transaction_data(
        orders.with_columns(pl.col("date").cast(pl.Datetime)).to_pandas(),
        "account_id",
        "date",
        monetary_value_col="amount",
        observation_period_end="2026-06-30",
        freq="D",
        freq_multiplier=7,
    ).sort_index()
    assert list(theirs.index) == ours["account_id"].to_list()
    assert np.array_equal(theirs["frequency"].to_numpy(), ours["frequency"].to_numpy())
    assert np.allclose(theirs["recency"].to_numpy(), ours["recency"].to_numpy(), rtol=0, atol=1e-12)
    assert np.allclose(theirs["T"].to_numpy(), ours["T"].to_numpy(), rtol=0, atol=1e-12)
    # lifetimes writes 0 where we write null (no repeat purchase, no mean)
    assert np.allclose(theirs["monetary_value"].to_numpy(), ours["monetary_value"].fill_null(0.0).to_numpy())
    assert ours["frequency"].sum() > 1000  # the log has repeat purchases to compare


def test_bgnbd_cdnow_estimates_are_the_papers() -> None:
    """Fader, Hardie & Lee (2005a), section 5: r = 0.243, alpha = 4.414, a = 0.793, b = 2.426, LL = -9582.4."""
    fit = fit_bgnbd(*purchases_arrays(cdnow_summary()))
    assert isinstance(fit, BgNbdFit)
    assert (round(fit.r, 3), round(fit.alpha, 3), round(fit.a, 3), round(fit.b, 3)) == (0.243, 4.414, 0.793, 2.426)
    assert round(fit.log_likelihood, 1) == -9582.4
    assert (fit.n_customers, fit.n_repeat_customers) == (2357, 946)
    assert all(0 < se < value for se, value in zip(fit.standard_errors.values(), fit.params.values(), strict=True))


def test_bgnbd_agrees_with_lifetimes() -> None:
    """lifetimes' BetaGeoFitter: same log-likelihood at any parameters, same optimum, same forecasts."""
    import pandas as pd
    from lifetimes import BetaGeoFitter

    x, t_x, T = purchases_arrays(cdnow_summary())
    for params in (
        {"r": 0.3, "alpha": 5.0, "a": 0.7, "b": 2.0},
        CDNOW_LIKE,
        {"r": 2.0, "alpha": 30.0, "a": 3.0, "b": 9.0},
    ):
        theirs = BetaGeoFitter._negative_log_likelihood(np.log(list(params.values())), x, t_x, T, np.ones(len(x)), 0.0)
        assert -bgnbd.log_likelihood(params, x, t_x, T).mean() == pytest.approx(float(theirs), rel=1e-12)

    rng = np.random.default_rng(11)
    T_sim = rng.uniform(0, 78, 20_000)
    x_sim, t_x_sim = simulate_summary(T_sim, **CDNOW_LIKE, rng=rng)
    for frequency, recency, age in ((x, t_x, T), (x_sim, t_x_sim, T_sim)):
        ours = fit_bgnbd(frequency, recency, age)
        reference = BetaGeoFitter().fit(frequency, recency, age)
        assert isinstance(ours, BgNbdFit)
        assert list(ours.params.values()) == pytest.approx(reference.params_.to_numpy(), rel=2e-4)
        # ours is at least as high a maximum
        at_theirs = bgnbd.log_likelihood(dict(reference.params_), frequency, recency, age).sum()
        assert ours.log_likelihood >= at_theirs - 1e-6

    # the forecasts, at the same parameters
    reference.params_ = pd.Series(CDNOW_LIKE)
    ours = model(CDNOW_LIKE)
    sample = slice(0, 2000)
    assert ours.conditional_expected_purchases(39.0, x[sample], t_x[sample], T[sample]) == pytest.approx(
        reference.conditional_expected_number_of_purchases_up_to_time(39.0, x[sample], t_x[sample], T[sample]), rel=1e-9
    )
    assert ours.probability_alive(x, t_x, T) == pytest.approx(
        reference.conditional_probability_alive(x, t_x, T), rel=1e-12
    )
    horizons = np.array([1.0, 10.0, 39.0, 78.0, 200.0])
    assert ours.expected_purchases(horizons) == pytest.approx(
        reference.expected_number_of_purchases_up_to_time(horizons), rel=1e-9
    )


def test_gamma_gamma_cdnow_estimates_are_the_published_ones() -> None:
    """Fader & Hardie, "The Gamma-Gamma model of monetary value" (2013), on the 946 CDNOW repeat
    buyers: p = 6.25, q = 3.74, v (gamma) = 15.44; frequency-spend correlation 0.11."""
    summary = cdnow_summary()
    fit = fit_gamma_gamma(summary["frequency"].to_numpy(), summary["monetary_value"].to_numpy())
    assert isinstance(fit, GammaGammaFit)
    assert fit.n_customers == 946
    assert (round(fit.p, 2), round(fit.q, 2)) == (6.25, 3.74)
    assert abs(fit.v - 15.44) < 0.01
    assert round(fit.frequency_spend_correlation, 2) == 0.11


def test_gamma_gamma_agrees_with_lifetimes() -> None:
    import pandas as pd
    from lifetimes import GammaGammaFitter

    summary = cdnow_summary()
    x, m = summary["frequency"].to_numpy(), summary["monetary_value"].to_numpy()
    repeat = x > 0
    for params in ({"p": 5.0, "q": 3.0, "v": 12.0}, SPEND):
        theirs = GammaGammaFitter._negative_log_likelihood(
            np.log(list(params.values())), x[repeat], m[repeat], np.ones(int(repeat.sum())), 0.0
        )
        assert -gamma_gamma.log_likelihood(params, x[repeat], m[repeat]).mean() == pytest.approx(
            float(theirs), rel=1e-12
        )

    ours = fit_gamma_gamma(x, m)
    reference = GammaGammaFitter().fit(x[repeat], m[repeat])
    assert isinstance(ours, GammaGammaFit)
    assert list(ours.params.values()) == pytest.approx(reference.params_.to_numpy(), rel=1e-3)
    at_theirs = gamma_gamma.log_likelihood(dict(reference.params_), x[repeat], m[repeat]).sum()
    assert ours.log_likelihood >= at_theirs - 1e-6  # ours is at least as high a maximum

    reference.params_ = pd.Series(ours.params)
    assert ours.conditional_expected_spend(x[repeat], m[repeat]) == pytest.approx(
        reference.conditional_expected_average_profit(pd.Series(x[repeat]), pd.Series(m[repeat])).to_numpy(), rel=1e-12
    )


def test_expected_revenue_agrees_with_lifetimes_at_the_same_parameters() -> None:
    import pandas as pd
    from lifetimes import BetaGeoFitter, GammaGammaFitter

    end = dt.date(2026, 6, 30)
    orders = simulate_orders(20_000, start=dt.date(2025, 1, 1), end=end, **CDNOW_LIKE, **SPEND, seed=2026)
    value = value_customers(orders, cut_off=end, holdout=False)
    assert isinstance(value, CustomerValue) and isinstance(value.spend_model, GammaGammaFit)
    purchases, spend = BetaGeoFitter(), GammaGammaFitter()
    purchases.params_ = pd.Series(value.purchases_model.params)
    spend.params_ = pd.Series(value.spend_model.params)
    customers = value.customers.filter(pl.col("frequency") > 0)
    x, t_x, T, m = (customers[name].to_numpy() for name in ("frequency", "recency", "T", "monetary_value"))
    theirs = purchases.conditional_expected_number_of_purchases_up_to_time(12 * WEEKS_PER_MONTH, x, t_x, T) * (
        spend.conditional_expected_average_profit(pd.Series(x), pd.Series(m)).to_numpy()
    )
    assert customers["expected_revenue"].to_numpy() == pytest.approx(theirs, rel=1e-9)
