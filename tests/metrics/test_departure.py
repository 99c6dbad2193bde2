"""Where a spiking run parts from the artificial one (issue 26: a swapped model explains itself from measured
drives): metrics.received_drive, metrics.trace_departure and the sentence of table.why_spiking_differs."""

from __future__ import annotations

import numpy as np
import pytest

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection
from neurocompare.metrics import received_drive, trace_departure
from neurocompare.models import ExpConductanceSynapse, HodgkinHuxley, LIF
from neurocompare.table import why_spiking_differs

#: x -> hidden (2, relu) -> out (1, relu): out = relu(h0 - 2 h1), h0 = relu(x0 + x1), h1 = relu(x0 + x1 - 1)
CIRCUIT = Circuit("xor", inputs=[InputPopulation("x", 2)],
                  populations=[NeuronPopulation("hidden", 2, bias=[0.0, -1.0]), NeuronPopulation("out", 1)],
                  projections=[Projection("x", "hidden", [[2, 2], [2, 2]], 0.5),
                               Projection("hidden", "out", [[2, -4]], 0.5)])
X = np.array([[0.0, 1.0]])
ANN = {"x": X, "hidden": np.array([[1.0, 0.0]]), "out": np.array([[1.0]])}


def test_received_drive_is_the_pre_activation_on_the_artificial_side():
    np.testing.assert_allclose(received_drive(CIRCUIT, ANN, "hidden"), [[1.0, 0.0]])
    np.testing.assert_allclose(received_drive(CIRCUIT, ANN, "out"), [[1.0]])


def test_a_difference_passed_on_is_traced_to_the_neuron_where_it_arises():
    """hidden neuron 1 fires (0.8) at a drive of 0, where relu gives 0: the origin; out only passes it on
    (drive 1 - 1.6 = -0.6, relu 0, silent, as the artificial activation says for that drive)."""
    snn = {"x": X, "hidden": np.array([[1.0, 0.8]]), "out": np.array([[0.0]])}
    chain = trace_departure(CIRCUIT, ANN, snn, "out", 0)
    assert [(d.population, d.neuron) for d in chain] == [("out", 0), ("hidden", 1)]
    assert chain[0].drive_spiking == pytest.approx(-0.6) and chain[0].drive_artificial == pytest.approx(1.0)
    assert not chain[0].origin and chain[1].origin and chain[1].drive_spiking == pytest.approx(0.0)


def test_a_neuron_that_turns_the_same_drive_into_another_value_is_the_origin():
    snn = {"x": X, "hidden": np.array([[1.0, 0.0]]), "out": np.array([[0.0]])}  # silent at drive 1
    chain = trace_departure(CIRCUIT, ANN, snn, "out", 0)
    assert len(chain) == 1 and chain[0].origin and chain[0].expected == pytest.approx(1.0)


def test_an_input_whose_spikes_carry_another_value_ends_the_trace():
    snn = {"x": np.array([[0.0, 0.4]]), "hidden": np.array([[0.4, 0.0]]), "out": np.array([[0.4]])}
    chain = trace_departure(CIRCUIT, ANN, snn, "out", 0)
    assert [d.kind for d in chain] == ["neuron", "neuron", "input"] and chain[-1].value_spiking == 0.4


def _why(snn, neurons=None, synapses=None, **kw):
    neurons = neurons or {"hidden": LIF(), "out": LIF()}
    return why_spiking_differs(CIRCUIT, ANN, snn, "out", 0, neurons=neurons, synapses=synapses, duration_ms=100.0,
                               **kw)


def test_the_sentence_names_drives_and_the_models_thresholds():
    hh = HodgkinHuxley()
    silent = {"x": X, "hidden": np.array([[1.0, 0.0]]), "out": np.array([[0.0]])}
    below = _why(silent, neurons={"hidden": hh, "out": hh}, first_spike=1.5, rheobase=2.0)
    assert below == ("out received a drive of 1, below the hodgkin_huxley neuron's threshold for a first spike (1.5, "
                     "measured by the f-I probe): silent where relu gives 1.")
    onset = _why(silent, neurons={"hidden": hh, "out": hh}, first_spike=0.1, rheobase=2.0)
    assert "above the hodgkin_huxley neuron's threshold for a first spike (0.1) but below its rheobase (2): at most " \
           "an onset spike" in onset
    late = _why(silent, neurons={"hidden": hh, "out": hh}, first_spike=0.1, rheobase=0.2)
    assert "above the hodgkin_huxley neuron's rheobase (0.2), yet no spike in the 100 ms run" in late
    passed_on = _why({"x": X, "hidden": np.array([[1.0, 0.8]]), "out": np.array([[0.0]])},
                     neurons={"hidden": hh, "out": hh}, first_spike=0.1, rheobase=0.2)
    assert passed_on.startswith("out received a drive of -0.6 on the spiking side against 1 in the artificial network, "
                                "because hidden neuron 1 received a drive of 0, below the hodgkin_huxley neuron's "
                                "rheobase (0.2), where relu gives 0, yet the hodgkin_huxley neuron fires at 0.8 of the "
                                "rate scale: its inputs arrive as spikes"), passed_on


def test_an_integrator_has_no_threshold_to_fall_below_and_conductances_are_named():
    integrator = LIF(tau_m_ms=float("inf"))
    weaker = {"x": X, "hidden": np.array([[1.0, 0.0]]), "out": np.array([[0.5]])}
    text = _why(weaker, neurons={"hidden": integrator, "out": integrator}, first_spike=0.3, rheobase=0.3,
                synapses={"out": ExpConductanceSynapse()})
    assert "the if neuron turns it into 0.5 of the rate scale where relu gives 1: its own f-I curve" in text
    assert "rheobase" not in text and "its conductance synapses make the drive nominal" in text
