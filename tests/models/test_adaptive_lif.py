"""The adaptive LIF neuron (neurocompare.models.AdaptiveLIF) on both simulators, against its docstring.

dv/dt = (v_rest - v) / tau_m - w + I, dw/dt = -w / tau_w, a spike resets v and adds increment_hz to w;
forward Euler for both variables.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection, ReferenceBackend, SpikingBackend
from neurocompare.crosscheck import crosscheck
from neurocompare.errors import ParameterError
from neurocompare.models import LIF, AdaptiveLIF, neuron_from_dict, neuron_to_dict

BACKENDS = (SpikingBackend(duration_ms=1000.0, target="numpy"), ReferenceBackend(duration_ms=1000.0))


def _isis(backend, neuron, bias):
    circuit = Circuit("one", populations=[NeuronPopulation("n", 1, bias=bias, neuron=neuron)])
    result = backend.run(circuit, seed=0)
    return np.diff(result.spikes["n"].time_ms), result


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
def test_intervals_lengthen_until_adaptation_balances(backend):
    isi, result = _isis(backend, AdaptiveLIF(increment_hz=10.0, t_ref_ms=0.0), 1.0)
    assert isi[0] < isi[5] < isi[-1] + 1e-9, isi[:8]
    assert isi[-1] - isi[-2] <= 0.1 + 1e-9, "a steady state: the last intervals agree to one step"
    # steady state: the mean adaptation current is increment x rate x tau_w, and the neuron fires like a LIF
    # driven by I - w; its rate is then the LIF's rate at that reduced drive, within 3% (w ripples around its mean)
    rate = 1000.0 / isi[-1]
    w_mean = 10.0 * rate * 0.1
    lif_rate = float(LIF(t_ref_ms=0.0).analytic_rate_hz(200.0 - w_mean))
    assert rate == pytest.approx(lif_rate, rel=0.03)
    if backend.name == "spiking":
        assert result.info.details["integration"] == {"n": "euler"}


@pytest.mark.parametrize("backend", BACKENDS, ids=lambda b: b.name)
def test_without_increment_it_is_a_lif_neuron_up_to_euler(backend):
    """increment_hz = 0: the LIF's analytic rate, within the Euler and time-grid error (one step per interval)."""
    for bias in (0.5, 1.0, 2.0):
        isi, _ = _isis(backend, AdaptiveLIF(increment_hz=0.0), bias)
        expected = 1000.0 / float(LIF().analytic_rate_hz(bias * 200.0))
        assert abs(isi[-1] - expected) <= 0.1 + 1e-9, (bias, isi[-1], expected)


def test_brian2_and_the_reference_give_identical_spikes_on_a_recurrent_circuit():
    rng = np.random.default_rng(7)
    circuit = Circuit(
        "alif_net", inputs=[InputPopulation("x", 3)],
        populations=[NeuronPopulation("hidden", 4, bias=rng.uniform(0.0, 0.3, 4), neuron=AdaptiveLIF(increment_hz=20.0)),
                     NeuronPopulation("out", 2, bias=[0.3, 0.4], neuron=AdaptiveLIF(reset="subtract", t_ref_ms=1.0,
                                                                                      tau_m_ms=math.inf))],
        projections=[Projection("x", "hidden", rng.integers(-2, 4, (4, 3)), 0.2, delay_ms=1.0),
                     Projection("hidden", "out", rng.integers(0, 4, (2, 4)), 0.15),
                     Projection("out", "out", [[0, -2], [-2, 0]], 0.2, delay_ms=2.0)])
    x = np.random.default_rng(3).uniform(0, 1, (5, 3))
    report = crosscheck(circuit, x, duration_ms=300.0, encoding="poisson", rate_scale_hz=300.0, target="numpy", seed=1)
    fired = {c.population: c.n_spikes_spiking for c in report.populations}
    assert fired["hidden"] > 50 and fired["out"] > 50, fired
    assert report.identical, report.summary()


def test_file_form_and_validation(tmp_path):
    spec = AdaptiveLIF(tau_w_ms=50.0, increment_hz=3.0, tau_m_ms=math.inf)
    assert neuron_to_dict(spec)["model"] == "adaptive_lif"
    assert neuron_from_dict(neuron_to_dict(spec)) == spec
    circuit = Circuit("c", populations=[NeuronPopulation("n", 2, neuron=spec)])
    assert Circuit.load(circuit.save(tmp_path / "c.json")) == circuit
    assert spec.rheobase_hz() == 0.0 and AdaptiveLIF().rheobase_hz() == pytest.approx(50.0)
    for bad, message in ((dict(tau_w_ms=0.0), r"tau_w_ms must be finite and > 0; got 0.0"),
                         (dict(increment_hz=-1.0), r"increment_hz must be finite and >= 0; got -1.0"),
                         (dict(v_reset=2.0), r"v_threshold must be greater than v_reset"),
                         (dict(reset="zero"), r"reset must be one of 'value', 'subtract'; got 'zero'")):
        with pytest.raises(ParameterError, match=message):
            AdaptiveLIF(**bad)
