"""Nonlinearity: fitting and evaluating scaled activations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neurocompare import NoSpikesWarning
from neurocompare.errors import ParameterError, UnknownNameError
from neurocompare.metrics import FIT_KINDS, evaluate_fit, fit_activation, rheobase_drive


def test_fit_activation_recovers_a_relu():
    z = np.linspace(-1, 2, 31)
    y = 1.5 * np.maximum(z - 0.2, 0)
    params, rmse = fit_activation(z, y, "relu")
    np.testing.assert_allclose(params, [1.5, 0.2], atol=1e-6)
    assert rmse < 1e-8
    assert fit_activation(z, y, "sigmoid")[1] > 0.01  # a sigmoid cannot bend like that


def test_evaluate_fit_known_values():
    z = np.array([-1.0, 0.0, 0.5, 2.0])
    np.testing.assert_allclose(evaluate_fit("relu", [2.0, 0.5], z), [0.0, 0.0, 0.0, 3.0])
    np.testing.assert_allclose(evaluate_fit("sigmoid", [2.0, 1.0, 0.0], [0.0]), [1.0])
    np.testing.assert_allclose(evaluate_fit("tanh", [1.0, 2.0, 0.5, 0.25], [0.5]), [0.25])
    # far from the centre the sigmoid saturates without overflow
    np.testing.assert_allclose(evaluate_fit("sigmoid", [1.0, 1e6, 0.0], [-1.0, 1.0]), [0.0, 1.0], atol=1e-200)


@pytest.mark.parametrize("kind", FIT_KINDS)
def test_evaluate_fit_reproduces_the_fitted_rmse(kind):
    z = np.linspace(-0.5, 2.0, 26)
    y = np.clip(0.8 * z, 0, 1.0)  # a saturating relu, as a spiking f-I curve
    params, rmse = fit_activation(z, y, kind)
    assert np.sqrt(np.mean((evaluate_fit(kind, params, z) - y) ** 2)) == pytest.approx(rmse, rel=1e-12)


def test_unknown_form_and_wrong_parameter_count_are_named():
    with pytest.raises(UnknownNameError, match="fit_activation: unknown form 'gelu'; valid: relu, sigmoid, tanh"):
        fit_activation(np.arange(3.0), np.arange(3.0), "gelu")
    with pytest.raises(UnknownNameError, match="evaluate_fit: unknown form 'gelu'"):
        evaluate_fit("gelu", [1.0], [0.0])
    with pytest.raises(ParameterError, match=r"a relu fit has 2 parameters \(a, c\); got 3"):
        evaluate_fit("relu", [1.0, 2.0, 3.0], [0.0])


def test_rheobase_is_the_smallest_drive_that_fires_and_nan_when_none_does():
    z = np.array([-0.2, 0.0, 0.2, 0.4, 0.6])
    assert rheobase_drive(z, [0.0, 0.0, 0.0, 0.1, 0.3]) == 0.4
    with pytest.warns(NoSpikesWarning, match="never fired"):
        assert math.isnan(rheobase_drive(z, np.zeros(5)))
