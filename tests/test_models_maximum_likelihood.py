"""navigator.models.maximum_likelihood: the shared optimiser's answers, good and bad, and row grouping."""

from __future__ import annotations

import numpy as np
import pytest

from navigator.models.maximum_likelihood import NoModel, Optimum, distinct_rows, group_identical_rows, maximise


def normal_objective(data: np.ndarray):
    """A normal sample's mean NLL in (log mu, log sigma): its maximum is known in closed form."""

    def objective(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        mu, sigma = np.exp(log_params)
        z = (data - mu) / sigma
        value = float(np.mean(np.log(sigma) + z**2 / 2))
        d_mu = -float(np.mean(z)) / sigma
        d_sigma = 1 / sigma - float(np.mean(z**2)) / sigma
        return value, np.array([d_mu * mu, d_sigma * sigma])

    return objective


def test_finds_a_known_maximum_with_its_standard_errors() -> None:
    data = np.random.default_rng(1).normal(10.0, 2.0, 4000)
    result = maximise(normal_objective(data), (1.0, 1.0), names=("mu", "sigma"), total_weight=len(data), model="normal")
    assert isinstance(result, Optimum)
    mu, sigma = data.mean(), data.std()
    assert result.parameters == pytest.approx([mu, sigma], rel=1e-6)
    # the textbook standard errors: sigma / sqrt(n) and sigma / sqrt(2n)
    assert result.standard_errors == pytest.approx([sigma / np.sqrt(4000), sigma / np.sqrt(8000)], rel=1e-3)
    n = len(data)
    assert result.log_likelihood == pytest.approx(-n * (np.log(sigma) + 0.5), rel=1e-9)


def test_a_fit_that_does_not_converge_says_so() -> None:
    """A gradient that disagrees with the value (as a bug or a broken likelihood would): no step
    downhill is left where the gradient points, and the answer is NoModel, not parameters."""

    def inconsistent(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        return float(np.sum((log_params - 2.0) ** 2)), log_params.copy()

    result = maximise(inconsistent, (3.0, 3.0), names=("u", "v"), total_weight=1000, model="test model")
    assert isinstance(result, NoModel)
    assert result.reason.startswith("test model: the fit did not converge after ")


def test_a_parameter_running_off_names_itself_and_why() -> None:
    def unbounded(log_params: np.ndarray) -> tuple[float, np.ndarray]:
        return float(-log_params[0] + log_params[1] ** 2), np.array([-1.0, 2 * log_params[1]])

    result = maximise(
        unbounded, (1.0, 1.0), names=("k", "m"), total_weight=10, model="M", edge_reasons={"k": "k has no limit"}
    )
    assert isinstance(result, NoModel)
    assert result.reason.startswith("M: parameter k ran off to ")
    assert result.reason.endswith("(k has no limit).")


def test_a_likelihood_that_cannot_be_evaluated_is_no_model() -> None:
    result = maximise(lambda x: (float("nan"), x), (1.0,), names=("z",), total_weight=1, model="M")
    assert result == NoModel("M: the likelihood cannot be evaluated on this data (it is not finite at the start).")


def test_grouping_rows() -> None:
    x = np.array([2, 0, 2, 0, 1, 2])
    t = np.array([5.0, 0.0, 5.0, 0.0, 3.0, 4.0])
    (dx, dt), inverse = distinct_rows(x, t)
    assert dx.tolist() == [0, 1, 2, 2] and dt.tolist() == [0.0, 3.0, 4.0, 5.0]
    assert np.array_equal(dx[inverse], x) and np.array_equal(dt[inverse], t)
    (gx, gt), weights = group_identical_rows(x, t, weights=np.array([1, 1, 1, 1, 1, 0.5]))
    assert gt.tolist() == [0.0, 3.0, 4.0, 5.0]
    assert gx.tolist() == [0, 1, 2, 2] and weights.tolist() == [2.0, 1.0, 0.5, 2.0]
    (empty,), no_weights = group_identical_rows(np.array([]))
    assert empty.size == 0 and no_weights.size == 0
