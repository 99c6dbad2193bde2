"""compare(): the table, the metrics and the saved state of a comparison."""

from __future__ import annotations

import json
import math
import re
from dataclasses import replace

import numpy as np
import pytest

from neurocompare import SpikingBackend
from neurocompare.compare import compare
from neurocompare.comparison import Comparison, Panel
from neurocompare.demo import XOR_INPUTS, xor_circuit
from neurocompare.errors import ParameterError, UnknownNameError
from neurocompare.models import LIF


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    spiking = SpikingBackend(encoding="regular", rate_scale_hz=100.0, duration_ms=100.0, target="numpy")
    return compare(xor_circuit(), XOR_INPUTS, spiking=spiking, seed=3, probes=("fi", "delays"), labels=[0, 1, 1, 0])


def test_every_table_cell_is_measured(comparison):
    assert [r.aspect for r in comparison.table] == ["amplitude coding", "timing", "nonlinearity", "wires",
                                                   "weights", "cost"]
    for row in comparison.table:
        for cell in (row.measured_spiking, row.measured_artificial):
            assert cell and "n/a" not in cell and re.search(r"\d", cell), (row.aspect, cell)


def test_xor_agrees_and_metrics_are_finite(comparison):
    m = comparison.metrics
    assert m["output_agreement"].value == 1.0
    assert m["synaptic_events_per_sample"].value > 0 and m["macs_per_sample"].value == 6
    assert m["macs_dense_per_sample"].value == 6 and m["ann_accuracy"].value == m["snn_accuracy"].value == 1.0
    for name, metric in m.items():
        assert math.isfinite(metric.value), name
    assert comparison.parameters["target"] == "numpy" and comparison.parameters["dt_ms"] == 0.1
    assert comparison.seed == 3
    assert "<table" in comparison._repr_html_()


def test_state_round_trip(comparison):
    meta, arrays = comparison.to_state()
    back = Comparison.from_state(json.loads(json.dumps(meta)), arrays)
    assert back.circuit == comparison.circuit
    assert back.table == comparison.table
    for pop in comparison.circuit.all_names:
        np.testing.assert_array_equal(back.snn[pop], comparison.snn[pop])
        np.testing.assert_array_equal(back.ann[pop], comparison.ann[pop])
    np.testing.assert_array_equal(back.snn.spikes["out"].time_ms, comparison.snn.spikes["out"].time_ms)
    np.testing.assert_array_equal(back.snn.voltages["out"].v, comparison.snn.voltages["out"].v)


def test_compare_rejects_bad_options():
    with pytest.raises(UnknownNameError, match="output 'nope' is not a neuron population"):
        compare(xor_circuit(), XOR_INPUTS, output="nope")
    with pytest.raises(UnknownNameError, match="unknown readout"):
        compare(xor_circuit(), XOR_INPUTS, readout="vote")
    with pytest.raises(ParameterError, match="Panel name"):
        Panel("../x", "t", "c", "lines")


def test_a_perfect_integrator_is_not_said_to_have_a_rheobase(comparison):
    """XOR's neurons have no leak (tau_m inf): any positive drive fires them. The nonlinearity row says the rheobase is
    0 and that the silent range of the sweep is its window, not a threshold (issue 26); a leaky LIF keeps its
    rheobase (drive 1/(tau_m rate_scale) = 0.5 at 100 Hz)."""
    row = next(r for r in comparison.table if r.aspect == "nonlinearity")
    assert "perfect integrator (no leak)" in row.takeaway and "its rheobase is 0" in row.takeaway
    assert row.measured_spiking.startswith("integrator: rheobase 0 (no leak); first spike within the 200-ms sweep")
    assert 0 < comparison.metrics["rheobase_drive"].value < 0.2
    leaky = replace(xor_circuit(), populations=tuple(replace(p, neuron=LIF(t_ref_ms=0.0))
                                                     for p in xor_circuit().populations))
    spiking = SpikingBackend(encoding="regular", rate_scale_hz=100.0, duration_ms=100.0, target="numpy")
    row = next(r for r in compare(leaky, XOR_INPUTS, spiking=spiking, seed=3, probes=("fi",)).table
               if r.aspect == "nonlinearity")
    assert row.takeaway.startswith("The spiking neuron stays silent below a drive of 0.5")
