"""Adding a neuron model is one spec plus one entry per simulator table, with no file of the package edited.

The quadratic integrate-and-fire neuron (QIF; Ermentrout & Kopell 1986, Latham et al. 2000) is defined
and registered here, in the test suite only::

    dv/dt = a (v - v_rest) (v - v_c) / tau_m + I        (I in 1/s, as for every model)

a spike when v reaches v_threshold, then v = v_reset, clamped for t_ref_ms. Below the critical potential
v_c the membrane relaxes to v_rest; above it, it runs away. Both simulators integrate it with forward
Euler, ``v(t + dt) = v(t) + dt * dv/dt``. With a constant drive I the neuron fires iff
I > a (v_c - v_rest)^2 / (4 tau_m) (the minimum of the quadratic), its rheobase.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pytest

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection, ReferenceBackend, SpikingBackend
from neurocompare.backends.brian2.models import (
    THRESHOLD_TOLERANCE,
    Brian2Model,
    register_brian2_model,
    unregister_brian2_model,
)
from neurocompare.backends.reference.models import register_reference_model, unregister_reference_model
from neurocompare.compare import compare
from neurocompare.crosscheck import crosscheck
from neurocompare.errors import BackendError, CircuitError, ParameterError
from neurocompare.models import NeuronModel, register_neuron_model, unregister_neuron_model


@dataclass(frozen=True)
class QIF(NeuronModel):
    """Quadratic integrate-and-fire neuron (see the module docstring); potentials dimensionless, times in ms."""

    model_name: ClassVar[str] = "qif_test"

    a: float = 1.0
    v_c: float = 0.5
    tau_m_ms: float = 10.0
    t_ref_ms: float = 1.0
    v_rest: float = 0.0
    v_threshold: float = 1.0
    v_reset: float = 0.0
    reset: str = "value"

    def __post_init__(self) -> None:
        for name in ("tau_m_ms", "a", "v_rest", "v_c", "v_threshold", "v_reset", "t_ref_ms"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
                raise ParameterError(f"QIF: {name} must be a finite number; got {value!r}.")
        if not self.v_rest < self.v_c < self.v_threshold or self.tau_m_ms <= 0 or self.a <= 0:
            raise ParameterError(f"QIF: need v_rest < v_c < v_threshold, tau_m_ms > 0 and a > 0; got {self!r}.")

    def rheobase_hz(self) -> float:
        return self.a * (self.v_c - self.v_rest) ** 2 / (4 * self.tau_m_ms * 1e-3)


def qif_brian2(spec: QIF, b2: Any) -> Brian2Model:
    return Brian2Model(
        dv="a_q * (v - v_rest) * (v - v_c) / tau_m",
        namespace={"a_q": spec.a, "v_rest": spec.v_rest, "v_c": spec.v_c, "v_reset": spec.v_reset,
                   "tau_m": spec.tau_m_ms * b2.ms, "v_fire": spec.v_threshold - THRESHOLD_TOLERANCE * spec.reset_step},
        reset="v = v_reset", method="euler", refractory_ms=spec.t_ref_ms, initial={"v": spec.v_rest},
    )


class QIFStep:
    """Forward Euler from the docstring's equation (written independently of the Brian2 entry)."""

    def __init__(self, spec: QIF, dt_s: float) -> None:
        self.spec, self.dt_s = spec, dt_s
        self.v_init, self.t_ref_ms = spec.v_rest, spec.t_ref_ms
        self.fire_level = spec.v_threshold - 1e-9 * (spec.v_threshold - spec.v_reset)

    def prepare(self, i_analog: np.ndarray, i_bias: np.ndarray) -> np.ndarray:
        return i_analog + i_bias

    def step(self, v: np.ndarray, current: np.ndarray) -> np.ndarray:
        s = self.spec
        return v + self.dt_s * (s.a * (v - s.v_rest) * (v - s.v_c) / (s.tau_m_ms * 1e-3) + current)

    def reset(self, v: np.ndarray, spiked: np.ndarray) -> None:
        v[spiked] = self.spec.v_reset


@pytest.fixture
def qif():
    """QIF registered for the test, and removed again afterwards (the package is left as it was)."""
    register_neuron_model(QIF)
    register_brian2_model(QIF, qif_brian2)
    register_reference_model(QIF, QIFStep)
    yield QIF
    unregister_neuron_model(QIF.model_name)
    unregister_brian2_model(QIF)
    unregister_reference_model(QIF)


def _circuit(neuron: QIF) -> Circuit:
    rng = np.random.default_rng(7)
    return Circuit(
        "qif_net", inputs=[InputPopulation("x", 3)],
        populations=[NeuronPopulation("hidden", 4, bias=rng.uniform(0.0, 0.2, 4), neuron=neuron),
                     NeuronPopulation("out", 2, bias=[0.05, 0.1], neuron=neuron)],
        projections=[Projection("x", "hidden", rng.integers(-2, 4, (4, 3)), 0.2, delay_ms=1.0),
                     Projection("hidden", "out", rng.integers(0, 4, (2, 4)), 0.15),
                     Projection("out", "out", [[0, -2], [-2, 0]], 0.2, delay_ms=2.0)],
    )


X = np.random.default_rng(3).uniform(0, 1, (5, 3))


def test_qif_fires_above_its_rheobase_only_on_both_simulators(qif):
    neuron = qif(t_ref_ms=0.0)
    rheo = neuron.rheobase_hz()  # 6.25 /s with the defaults
    drives = rheo * np.array([0.5, 0.9, 1.1, 2.0, 8.0])
    circuit = Circuit("fi", populations=[NeuronPopulation("n", len(drives), bias=drives, neuron=neuron)])
    for backend in (SpikingBackend(duration_ms=2000.0, rate_scale_hz=1.0, target="numpy"),
                    ReferenceBackend(duration_ms=2000.0, rate_scale_hz=1.0)):
        counts = backend.run(circuit, seed=0).spike_counts("n")[0]
        assert np.all(counts[:2] == 0) and np.all(counts[2:] > 0), (backend.name, counts)
        assert np.all(np.diff(counts[2:]) > 0), "the rate grows with the drive"


def test_qif_passes_the_crosscheck_on_a_recurrent_circuit(qif):
    neuron = qif()
    report = crosscheck(_circuit(neuron), X, duration_ms=200.0, encoding="poisson", rate_scale_hz=300.0,
                        target="numpy", seed=1)
    fired = sum(c.n_spikes_spiking for c in report.populations if c.population in ("hidden", "out"))
    assert fired > 50, "the check means something only if the QIF neurons fired"
    assert report.identical, report.summary()


def test_qif_saves_and_loads_in_a_circuit_file(qif, tmp_path):
    circuit = _circuit(qif(v_c=0.4, t_ref_ms=0.5))
    path = circuit.save(tmp_path / "qif.json")
    assert '"model": "qif_test"' in path.read_text()
    loaded = Circuit.load(path)
    assert loaded == circuit and loaded.population("out").neuron == qif(v_c=0.4, t_ref_ms=0.5)


def test_qif_appears_in_a_comparison(qif):
    c = compare(_circuit(qif()), X, spiking=dict(duration_ms=100.0, encoding="regular", rate_scale_hz=300.0,
                                                 target="numpy"), seed=0, probes=("fi",))
    assert c.snn.info["neurons"]["out"]["model"] == "qif_test"
    assert c.snn.info["integration"] == {"hidden": "euler", "out": "euler"}
    assert c.metric("spikes_per_neuron.out") > 0
    assert math.isfinite(c.metric("transfer_fit_rmse.relu"))
    assert c.metric("rheobase_drive") == pytest.approx(qif().rheobase_hz() / 300.0, abs=0.05)


def test_an_unregistered_model_is_a_clear_error(qif, tmp_path):
    path = _circuit(qif()).save(tmp_path / "qif.json")
    unregister_neuron_model("qif_test")
    with pytest.raises(CircuitError, match="Unknown neuron model 'qif_test'; valid: lif"):
        Circuit.load(path)
    register_neuron_model(QIF)
    unregister_brian2_model(QIF)
    with pytest.raises(BackendError, match="no entry for neuron model 'qif_test'.*register_brian2_model"):
        SpikingBackend(duration_ms=10.0).run(_circuit(qif()), X, seed=0)
