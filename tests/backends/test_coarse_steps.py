"""A time step too coarse warns and says what it changes (issue 26: `--spiking dt_ms=5` ran without a word while
the output rates fell from 70 to 30 Hz): for the rate scale of rate-coded inputs, and for synapses with state
against their tau_syn (the neuron models' own limits: tests/models/test_models_and_synapses.py)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from neurocompare import LIF, Circuit, InputPopulation, NeuronPopulation, Projection, SpikingBackend
from neurocompare.backends.base import MIN_STEPS_PER_TAU_SYN
from neurocompare.backends.reference import ReferenceBackend
from neurocompare.demo import XOR_INPUTS, xor_circuit
from neurocompare.errors import CoarseTimeStepWarning
from neurocompare.models import ExpConductanceSynapse, ExpCurrentSynapse, synapse_from_dict, synapse_to_dict
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


def _one_synapse(synapse, neuron=None):
    return Circuit("syn", inputs=[InputPopulation("x", 1)],
                   populations=[NeuronPopulation("out", 1, neuron=neuron, synapse=synapse)],
                   projections=[Projection("x", "out", counts=[[1]], unit_weight=0.5)])


@pytest.mark.parametrize("cls", [ReferenceBackend, SpikingBackend])
@pytest.mark.parametrize("synapse", [ExpCurrentSynapse(tau_syn_ms=2.0), ExpConductanceSynapse(tau_syn_ms=2.0)])
def test_a_synapse_resolved_in_fewer_than_20_steps_per_tau_warns_with_its_charge_error(cls, synapse):
    given = {"x": GivenSpikes.from_times([[1.0]], duration_ms=5.0, rate_scale_hz=200.0)}
    with pytest.warns(CoarseTimeStepWarning, match=rf"Population 'out': synapse model '{synapse.model_name}' with "
                                                   r"tau_syn_ms = 2 at dt_ms = 0.25 is resolved in 8 step\(s\) per "
                                                   r"tau_syn: .* up to 6.4 % larger .* Use dt_ms <= 0.1 \(tau_syn / 20\) "
                                                   r"for under 2.5 %"):
        cls(duration_ms=5.0, dt_ms=0.25).run(_one_synapse(synapse), given, seed=0)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CoarseTimeStepWarning)
        cls(duration_ms=5.0, dt_ms=2.0 / MIN_STEPS_PER_TAU_SYN).run(_one_synapse(synapse), given, seed=0)


@pytest.mark.parametrize("cls", [ReferenceBackend, SpikingBackend])
@pytest.mark.parametrize("dt", [0.1, 0.5, 1.0])
def test_the_warned_charge_error_is_what_a_leaky_membrane_receives(cls, dt):
    """What the warning says, measured: one spike through an exponential-current synapse (tau_syn 2 ms) into a LIF
    with a leak too slow to matter (tau_m 1e6 ms) leaves the charge w x (x / (1 - exp(-x))), x = dt / tau_syn,
    within 1e-3: the current is held for each step at its value at the step's start."""
    neuron = LIF(tau_m_ms=1e6, v_threshold=100.0)
    given = {"x": GivenSpikes.from_times([[1.0]], duration_ms=100.0, rate_scale_hz=200.0)}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CoarseTimeStepWarning)
        result = cls(duration_ms=100.0, dt_ms=dt).run(_one_synapse(ExpCurrentSynapse(tau_syn_ms=2.0), neuron), given,
                                                      seed=0)
    x = dt / 2.0
    assert float(result.final_v["out"].ravel()[0]) / 0.5 == pytest.approx(x / -np.expm1(-x), rel=1e-3)


def test_a_discrete_time_synapse_at_its_own_step_does_not_warn_and_keeps_its_step_in_files():
    """A NIR import of a discrete-time model marks its synapses with the exporter's step: at that dt the synapse is
    the exporter's exactly (no warning); at any other coarse dt it warns like any other."""
    synapse = ExpCurrentSynapse(tau_syn_ms=5.0, step_ms=1.0)
    given = {"x": GivenSpikes.from_times([[1.0]], duration_ms=5.0, rate_scale_hz=200.0)}
    with warnings.catch_warnings():
        warnings.simplefilter("error", CoarseTimeStepWarning)
        ReferenceBackend(duration_ms=5.0, dt_ms=1.0).run(_one_synapse(synapse), given, seed=0)
    with pytest.warns(CoarseTimeStepWarning, match="resolved in 10 step"):
        ReferenceBackend(duration_ms=5.0, dt_ms=0.5).run(_one_synapse(synapse), given, seed=0)
    assert synapse_from_dict(synapse_to_dict(synapse)) == synapse
    assert "step_ms" not in synapse_to_dict(ExpCurrentSynapse())  # continuous-time synapses' files are unchanged
