"""The explorer widget without a browser: controls change the circuit, both sides rerun, outputs match the backends."""

from __future__ import annotations

import sys

import numpy as np
import pytest

pytest.importorskip("ipywidgets")

from neurocompare import (ArtificialBackend, Circuit, InputPopulation, NeuronPopulation, Projection, ReferenceBackend,
                          SpikingBackend)
from neurocompare.errors import BackendError, InputError, ParameterError
from neurocompare.explorer import MAX_NEURONS, Explorer
from neurocompare.studies.gates import XOR_INPUTS, xor_circuit

PNG = b"\x89PNG\r\n\x1a\n"


def _reference(explorer):
    return ReferenceBackend(duration_ms=200.0, dt_ms=0.1, encoding="regular", rate_scale_hz=100.0).run(
        explorer.circuit, explorer.current_inputs, seed=0)


@pytest.fixture(scope="module")
def explorer():
    return Explorer()


def test_default_is_the_xor_circuit_on_its_truth_table(explorer):
    assert explorer.base == xor_circuit()
    np.testing.assert_array_equal(explorer.current_inputs["x"], XOR_INPUTS)
    np.testing.assert_allclose(explorer.ann["out"].ravel(), [0, 1, 1, 0])
    np.testing.assert_allclose(explorer.snn["out"].ravel(), [0, 1, 1, 0])
    assert bytes(explorer.image.value).startswith(PNG)
    assert "updated in" in explorer.status.value


def test_a_neuron_slider_reruns_the_spiking_side_only(explorer):
    before_png, n = bytes(explorer.image.value), len(explorer.latencies_ms)
    explorer.controls["v_threshold"].value = 2.0
    try:
        assert len(explorer.latencies_ms) == n + 1
        assert explorer.circuit.population("out").neuron.v_threshold == 2.0
        np.testing.assert_allclose(explorer.ann["out"].ravel(), [0, 1, 1, 0])  # the ANN has no threshold
        np.testing.assert_allclose(explorer.snn["out"], _reference(explorer)["out"])
        assert explorer.snn.spike_counts("hidden").sum() > 0
        assert explorer.snn["hidden"].max() == pytest.approx(1.0)  # half of the rate 2.0 at threshold 1
        assert bytes(explorer.image.value) != before_png
    finally:
        explorer.controls["v_threshold"].value = 1.0


def test_count_picker_edits_one_entry(explorer):
    picker = explorer.count_picker
    n = len(explorer.latencies_ms)
    picker.choice.value = "hidden->out [0, 1]"
    assert explorer.controls["count"].value == -8 and len(explorer.latencies_ms) == n  # choosing is no change
    explorer.controls["count"].value = -1
    try:
        assert explorer.circuit.projection("hidden", "out").counts.tolist() == [[2, -1]]
        assert explorer.base.projection("hidden", "out").counts.tolist() == [[2, -8]]  # the original is kept
        expected = ArtificialBackend().run(explorer.circuit, XOR_INPUTS)
        np.testing.assert_allclose(explorer.ann["out"], expected["out"])
        np.testing.assert_allclose(explorer.ann["out"].ravel(), [0, 1, 1, 1.75])  # OR, no longer XOR
        np.testing.assert_allclose(explorer.snn["out"], _reference(explorer)["out"])
    finally:
        explorer.controls["count"].value = -8


def test_weight_bias_activation_leak_and_inputs():
    explorer = Explorer()
    c = explorer.controls
    c["unit_weight x->hidden"].value = 1.0
    assert explorer.circuit.projection("x", "hidden").unit_weight == pytest.approx(1.0)
    explorer.bias_picker.choice.value = "hidden [1]"
    c["bias"].value = -3.0
    c["activation"].value = "sigmoid"
    c["leak"].value = True
    c["tau_m_ms"].value = 50.0
    explorer.input_picker.choice.value = "x [2, 0]"
    c["input"].value = 0.5
    circuit, x = explorer.circuit, explorer.current_inputs
    assert circuit.population("hidden").bias.tolist() == [0.0, -3.0]
    assert {p.activation for p in circuit.populations} == {"sigmoid"}
    assert circuit.population("out").neuron.tau_m_ms == pytest.approx(50.0)
    assert x["x"][2].tolist() == [0.5, 0.0]
    np.testing.assert_allclose(explorer.ann["out"], ArtificialBackend().run(circuit, x)["out"])
    np.testing.assert_allclose(explorer.snn["hidden"], _reference(explorer)["hidden"])


def test_live_side_agrees_with_brian2():
    """The reference simulator the explorer runs gives Brian2's answer on the demo circuit."""
    explorer = Explorer()
    brian2 = SpikingBackend(duration_ms=200.0, dt_ms=0.1, encoding="regular", rate_scale_hz=100.0, target="numpy")
    snn = brian2.run(explorer.circuit, explorer.current_inputs, seed=0)
    for name in ("hidden", "out"):
        np.testing.assert_allclose(explorer.snn[name], snn[name], atol=0.01)
    assert snn.spike_counts("out").sum() > 0


def test_full_comparison_shows_the_table():
    explorer = Explorer(full_spiking="reference")
    comparison = explorer.run_full_comparison()
    assert comparison.metric("output_agreement") == 1.0
    assert "<table" in explorer.table.value and "done" in explorer.status.value
    assert comparison.parameters["probes"] == ["fi", "delays"]


def test_update_is_fast_enough_to_feel_live():
    explorer = Explorer()
    for i in range(5):
        explorer.controls["v_threshold"].value = 1.0 + 0.1 * (i + 1)
    assert np.median(explorer.latencies_ms) < 1000  # ~120 ms on 2 cores; loose against slow CI machines


def test_a_circuit_without_projections_or_inputs():
    explorer = Explorer(Circuit("b", populations=[NeuronPopulation("n", 2, bias=[0.5, 3.0])]))
    assert explorer.count_picker.choice.disabled
    np.testing.assert_allclose(explorer.ann["n"], [[0.5, 3.0]])
    assert explorer.snn.spike_counts("n")[0, 1] > 0


def test_bad_inputs_give_clear_errors(monkeypatch):
    with pytest.raises(ParameterError, match="circuit must be a Circuit"):
        Explorer("xor")
    big = Circuit("big", inputs=[InputPopulation("x", 1)],
                  populations=[NeuronPopulation("n", MAX_NEURONS + 1)],
                  projections=[Projection("x", "n", counts=np.ones((MAX_NEURONS + 1, 1), dtype=int))])
    with pytest.raises(ParameterError, match=f"{MAX_NEURONS + 1} neurons.*up to {MAX_NEURONS}"):
        Explorer(big, np.ones((1, 1)))
    with pytest.raises(ParameterError, match="pass inputs="):
        Explorer(xor_circuit())
    with pytest.raises(InputError):
        Explorer(xor_circuit(), np.ones((4, 3)))
    monkeypatch.setitem(sys.modules, "ipywidgets", None)
    with pytest.raises(BackendError, match=r"neurocompare\[jupyter\]"):
        Explorer()


def test_a_simulation_error_is_shown_not_raised(explorer, monkeypatch):
    def fail(*args, **kwargs):
        raise ParameterError("broken on purpose")

    monkeypatch.setattr(explorer.spiking, "run", fail)
    assert np.isnan(explorer.update())
    assert "broken on purpose" in explorer.status.value
