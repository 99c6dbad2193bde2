"""compare() takes any two registered backends, and makes the extra runs (probes) only when asked."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neurocompare import LIF, ReferenceBackend, SpikingBackend
from neurocompare.compare import compare
from neurocompare.demo import XOR_INPUTS, xor_circuit
from neurocompare.errors import ParameterError, UnknownNameError
from neurocompare.studies import membrane_panel

REGULAR = dict(duration_ms=100.0, encoding="regular", rate_scale_hz=100.0)


def test_reference_simulator_against_the_artificial_backend_by_name():
    c = compare(xor_circuit(), XOR_INPUTS, spiking="reference", artificial="artificial", seed=0, probes=())
    assert c.parameters["spiking_backend"] == "reference" and c.parameters["artificial_backend"] == "artificial"
    assert c.snn.info["target"] == "numpy-reference"
    assert c.snn.spike_counts("out").sum() > 0
    assert c.metric("output_agreement") == 1.0


def test_without_probes_their_metrics_are_not_measured_and_the_table_says_so():
    c = compare(xor_circuit(), XOR_INPUTS, spiking=REGULAR, seed=0, probes=())
    assert math.isnan(c.metric("rheobase_drive")) and math.isnan(c.metric("delay_latency_shift_ms"))
    assert not any(k.startswith("transfer_fit_rmse") for k in c.metrics)
    assert "transfer_z" not in c.curves and c.parameters["probes"] == []
    rows = {r.aspect: r for r in c.table}
    assert "not measured" in rows["nonlinearity"].measured_spiking
    assert "not measured" in rows["wires"].measured_spiking


def test_probes_add_their_metrics_and_curves():
    c = compare(xor_circuit(), XOR_INPUTS, spiking=REGULAR, seed=0, probes=("fi",))
    assert c.parameters["probes"] == ["fi"] and c.metric("transfer_fit_rmse.relu") < 0.1
    assert set(c.curves) >= {"transfer_z", "transfer_spiking", "transfer_fit_relu"}
    with pytest.raises(UnknownNameError, match="unknown probe.*'fit'; valid: fi, delays"):
        compare(xor_circuit(), XOR_INPUTS, spiking=REGULAR, probes=("fit",))


def test_two_spiking_simulators_compared_agree_exactly():
    """Brian2 (numpy target) against the independent reference: the same spikes, so perfect agreement."""
    c = compare(xor_circuit(), XOR_INPUTS, spiking=SpikingBackend(target="numpy", **REGULAR),
                artificial=ReferenceBackend(**REGULAR), seed=0, probes=())
    assert c.snn.spike_counts("out").sum() > 0
    assert np.array_equal(c.snn["hidden"], c.ann["hidden"]) and np.array_equal(c.snn["out"], c.ann["out"])
    assert c.metric("output_agreement") == 1.0 and c.metric("rate_nrmse.out") == 0.0


def test_a_bad_backend_is_a_named_error():
    with pytest.raises(ParameterError, match="compare: spiking must be a backend, a registered backend name"):
        compare(xor_circuit(), XOR_INPUTS, spiking=42)
    with pytest.raises(UnknownNameError, match="Unknown backend 'brain2'"):
        compare(xor_circuit(), XOR_INPUTS, spiking="brain2")


def test_membrane_threshold_line_is_the_backends_neuron_when_the_population_sets_none():
    """Bug fix: the threshold line fell back to LIF() (threshold 1) instead of the backend's neuron."""
    from dataclasses import replace

    circuit = xor_circuit()
    circuit = replace(circuit, populations=tuple(replace(p, neuron=None) for p in circuit.populations))
    neuron = LIF(tau_m_ms=float("inf"), reset="subtract", t_ref_ms=0.0, v_threshold=2.0)
    c = compare(circuit, XOR_INPUTS, spiking=SpikingBackend(neuron=neuron, **REGULAR), seed=0, probes=())
    panel = membrane_panel(c, [0, 3], ["0 0", "1 1"])
    assert np.all(panel.series["threshold"] == 2.0)


def test_a_comparison_without_probes_writes_a_complete_report_without_their_figure(tmp_path):
    from neurocompare.report import write_report

    c = compare(xor_circuit(), XOR_INPUTS, spiking=REGULAR, seed=0, probes=())
    out = write_report(c, tmp_path / "r")
    figures = {p.stem for p in (tmp_path / "r" / "figures").iterdir()}
    assert "transfer" not in figures and {"membrane", "agreement_time", "circuit"} <= figures
    assert "not measured" in (tmp_path / "r" / "table.md").read_text() and out.exists()
