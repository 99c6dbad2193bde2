"""Nonlinearity: fitting and evaluating scaled activations."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neurocompare import NoSpikesWarning
from neurocompare.errors import ParameterError, UnknownNameError
from neurocompare.metrics import (FIT_KINDS, evaluate_fit, first_spike_drive, fires_repetitively, fit_activation,
                                  rheobase_drive)


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


def test_first_spike_and_rheobase_are_two_quantities_and_nan_when_none_fires():
    """Issue 26: a first spike (an onset spike alone counts) and the rheobase (repetitive firing: >= 2 spikes in the
    second half of the window) have their own names; Hodgkin-Huxley's differ (0.1 against 0.197 at 100 Hz)."""
    z = np.array([-0.2, 0.0, 0.2, 0.4, 0.6])
    assert first_spike_drive(z, [0.0, 0.0, 0.0, 0.1, 0.3]) == 0.4
    with pytest.warns(NoSpikesWarning, match="first_spike_drive: the neuron never fired"):
        assert math.isnan(first_spike_drive(z, np.zeros(5)))
    trains = [[], [], [3.0], [5.0, 40.0], [20.0, 60.0, 90.0]]  # onset spikes at 0.2 and 0.4, repetitive from 0.6
    assert first_spike_drive(z, [len(t) for t in trains]) == 0.2 and rheobase_drive(z, trains, 100.0) == 0.6
    assert fires_repetitively([60.0, 90.0], 100.0) and not fires_repetitively([5.0, 40.0, 51.0], 100.0)
    with pytest.warns(NoSpikesWarning, match="never fired repetitively"):
        assert math.isnan(rheobase_drive(z, trains[:3] + [[1.0], [2.0]], 100.0))
