"""Amplitude coding: agreement, correlation, normalised error, charge decoding on known values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neurocompare import NoSpikesWarning
from neurocompare.errors import InputError, UnknownNameError
from neurocompare.metrics import charge_decoded, normalized_rmse, output_agreement, pearson_r, readout


def test_identical_outputs_agree_fully_and_opposite_ones_never():
    a = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.4]])
    assert output_agreement(a, a.copy(), mode="argmax") == 1.0
    assert output_agreement(a, a[:, ::-1], mode="argmax") == 0.0
    silent = np.zeros((3, 2))
    assert output_agreement(silent, a, mode="argmax") == 0.0  # silence is no answer
    t = np.array([[0.0], [1.0], [0.6], [0.4]])
    assert output_agreement(t, np.array([[0.0], [1.0], [1.0], [1.0]]), mode="threshold", threshold=0.5) == 0.75
    with pytest.raises(UnknownNameError, match="valid: argmax, threshold"):
        output_agreement(a, a, mode="softmax")


def test_readout_ties_are_no_answer():
    acts = np.array([[0.2, 0.7], [0.5, 0.5], [0.0, 0.0]])
    np.testing.assert_array_equal(readout(acts, mode="argmax"), [1, -1, -1])
    np.testing.assert_array_equal(readout(acts, mode="threshold", threshold=0.4), [[False, True], [True, True],
                                                                                  [False, False]])


def test_correlation_and_nrmse_known_values():
    x = np.arange(10.0)
    assert pearson_r(x, 2 * x + 1) == pytest.approx(1.0)
    assert pearson_r(x, -x) == pytest.approx(-1.0)
    assert normalized_rmse(x, x) == 0.0
    assert normalized_rmse(x + 0.9, x) == pytest.approx(0.1)  # RMSE 0.9 / range 9
    with pytest.warns(NoSpikesWarning, match="constant"):
        assert math.isnan(pearson_r(np.zeros(5), x[:5]))
    with pytest.warns(NoSpikesWarning):
        assert math.isnan(normalized_rmse(x[:3], np.ones(3)))


def test_shape_mismatch_names_the_function_and_both_shapes():
    with pytest.raises(InputError, match=r"pearson_r: shapes differ, \(3,\) vs \(4,\)"):
        pearson_r(np.arange(3.0), np.arange(4.0))
    with pytest.raises(InputError, match="normalized_rmse: shapes differ"):
        normalized_rmse(np.zeros((2, 2)), np.zeros(4))


def test_charge_decoded_recovers_the_integrated_drive():
    # 3 spikes with reset step 1, ending at 0.4 from a start of 0: drive 3.4 over 0.1 s x 10 Hz -> 3.4
    np.testing.assert_allclose(
        charge_decoded(np.array([3, 0]), np.array([0.4, -0.5]), v_start=0.0, reset_step=1.0, duration_ms=100.0,
                       rate_scale_hz=10.0),
        [3.4, -0.5])
