"""A time step too coarse for the rate scale of rate-coded inputs warns and says what it changes (issue 26:
`--spiking dt_ms=5` ran without a word while the output rates fell from 70 to 30 Hz)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from neurocompare import SpikingBackend
from neurocompare.backends.reference import ReferenceBackend
from neurocompare.demo import XOR_INPUTS, xor_circuit
from neurocompare.errors import CoarseTimeStepWarning
from neurocompare.spike_input import GivenSpikes


@pytest.mark.parametrize("cls", [ReferenceBackend, SpikingBackend])
def test_rate_coded_inputs_faster_than_a_tenth_of_the_step_warn(cls):
    backend = cls(dt_ms=5.0, rate_scale_hz=200.0, duration_ms=100.0)
    with pytest.warns(CoarseTimeStepWarning, match=r"Input population 'x' of circuit 'xor' is rate-coded at rate_scale_hz = 200 "
                                                    r"with dt_ms = 5: "
                                                    r"a neuron firing at the rate scale fires every 1 step\(s\);.*"
                                                    r"Use dt_ms <= 0.5 \(rate_scale_hz x dt at most 0.1\)"):
        backend.run(xor_circuit(), XOR_INPUTS, seed=0)


def test_fine_steps_given_spikes_and_current_inputs_do_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error", CoarseTimeStepWarning)
        ReferenceBackend(dt_ms=0.5, rate_scale_hz=200.0, duration_ms=50.0).run(xor_circuit(), XOR_INPUTS, seed=0)
        ReferenceBackend(dt_ms=5.0, rate_scale_hz=200.0, duration_ms=50.0, encoding="analog").run(
            xor_circuit(), XOR_INPUTS, seed=0)
        given = GivenSpikes(np.zeros(3, int), np.array([0, 1, 0]), np.array([5.0, 10.0, 20.0]), duration_ms=50.0,
                            rate_scale_hz=200.0)
        ReferenceBackend(dt_ms=5.0, rate_scale_hz=200.0, duration_ms=50.0).run(xor_circuit(), {"x": given}, seed=0)
