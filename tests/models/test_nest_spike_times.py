"""NEST 3.10 (``iaf_psc_delta``, exact integration) as the oracle for exact spike times (issue 25).

Delta-synapse LIF networks with random given input spikes and signed synapse counts run in NEST and in both
of our simulators (Brian2's numpy target and the reference), on the same 0.1 ms grid. Every neuron must have
NEST's spike times exactly (NEST stamps a spike at the end of its step, we at the start: NEST - dt; a NEST
delay is one step more than our axonal delay: its minimum delay is our transmission without one). What this
holds us to: an input that lifts the membrane over threshold fires in the step it arrives in, a spike takes
one step per hop, and the refractory period counts steps as NEST does. Seeded; guarded against silence.
"""

from __future__ import annotations

import numpy as np
import pytest

from neurocompare import LIF, Circuit, InputPopulation, NeuronPopulation, Projection, SpikingBackend
from neurocompare.backends.reference import ReferenceBackend
from neurocompare.spike_input import GivenSpikes

from .nest_oracle import nest_available, nest_delta_network

available, reason = nest_available()
pytestmark = pytest.mark.skipif(not available, reason=f"NEST oracle unavailable: {reason}")

DT_MS = 0.1


def _trains(result, name, size):
    tr = result.spikes[name]
    return [np.round(np.sort(tr.time_ms[tr.neuron == k]), 9) for k in range(size)]


def _ours(circuit, given, duration_ms):
    inputs = {name: g for name, g in given.items()}
    out = {}
    for label, backend in (("brian2", SpikingBackend(duration_ms=duration_ms, dt_ms=DT_MS, target="numpy")),
                           ("reference", ReferenceBackend(duration_ms=duration_ms, dt_ms=DT_MS))):
        result = backend.run(circuit, inputs, seed=0)
        out[label] = {p.name: _trains(result, p.name, p.size) for p in circuit.populations}
    return out


def _given(rng, size, rate_hz, duration_ms):
    """Poisson trains on the grid (at most one spike per step), as GivenSpikes and as per-neuron time lists."""
    n_steps = int(round(duration_ms / DT_MS))
    fires = rng.random((n_steps, size)) < rate_hz * DT_MS * 1e-3
    step, neuron = np.nonzero(fires)
    times = np.round(step * DT_MS, 9)
    given = GivenSpikes(np.zeros(len(step), int), neuron, times, duration_ms=duration_ms, rate_scale_hz=200.0)
    return given, [times[neuron == k] for k in range(size)]


def _compare(circuit, given, lists, duration_ms):
    nest = nest_delta_network(circuit, lists, duration_ms=duration_ms, dt_ms=DT_MS)
    ours = _ours(circuit, given, duration_ms)
    total = sum(len(t) for trains in nest.values() for t in trains)
    for label, spikes in ours.items():
        same = sum(np.array_equal(a, b) for p in circuit.populations for a, b in zip(spikes[p.name], nest[p.name]))
        neurons = sum(p.size for p in circuit.populations)
        assert same == neurons, (f"{label}: {same} of {neurons} neurons have NEST's spike times "
                                 f"({sum(len(t) for tr in spikes.values() for t in tr)} spikes vs NEST's {total})")
    return total


@pytest.mark.parametrize("tau_m_ms", [2.0, 20.0])
def test_one_supra_threshold_input_fires_in_the_step_it_arrives(tau_m_ms):
    """Before: 4 of 8 such inputs were lost (decayed for one step before the threshold test)."""
    circuit = Circuit("one", inputs=[InputPopulation("x", 1)],
                      populations=[NeuronPopulation("n", 4, neuron=LIF(tau_m_ms=tau_m_ms, t_ref_ms=0.0))],
                      projections=[Projection("x", "n", [[1], [1], [1], [1]], 1.01)])
    times = [1.0, 2.3, 3.7, 4.2]
    given = GivenSpikes([0] * 4, [0] * 4, times, duration_ms=6.0, rate_scale_hz=200.0)
    total = _compare(circuit, {"x": given}, {"x": [np.array(times)]}, 6.0)
    assert total == 16  # every input fires every neuron, one step after it was sent
    result = ReferenceBackend(duration_ms=6.0).run(circuit, {"x": given}, seed=0)
    np.testing.assert_allclose(np.unique(result.spikes["n"].time_ms), np.array(times) + DT_MS)


def _network(rng, *, t_ref_ms, delay_ms):
    neuron = LIF(tau_m_ms=10.0, t_ref_ms=t_ref_ms)
    return Circuit(
        "net", inputs=[InputPopulation("x", 30)],
        populations=[NeuronPopulation("hidden", 12, neuron=neuron), NeuronPopulation("out", 4, neuron=neuron)],
        projections=[Projection("x", "hidden", rng.integers(-2, 5, (12, 30)), 0.25, delay_ms=delay_ms(rng, (12, 30))),
                     Projection("hidden", "out", rng.integers(-2, 6, (4, 12)), 0.25, delay_ms=delay_ms(rng, (4, 12)))])


@pytest.mark.parametrize("case, t_ref_ms, delay_ms", [
    ("no refractory period, no axonal delay", 0.0, lambda rng, shape: 0.0),
    ("refractory period 2 ms", 2.0, lambda rng, shape: 0.0),
    ("axonal delays 0-3 ms per connection, refractory 1 ms", 1.0,
     lambda rng, shape: np.round(rng.integers(0, 31, shape) * DT_MS, 9)),
])
def test_random_networks_have_nests_spike_times_in_every_neuron(case, t_ref_ms, delay_ms):
    rng = np.random.default_rng(2025)
    circuit = _network(rng, t_ref_ms=t_ref_ms, delay_ms=delay_ms)
    duration = 300.0
    given, lists = _given(rng, 30, 40.0, duration)
    total = _compare(circuit, {"x": given}, {"x": lists}, duration)
    assert total > 500, f"guard: the network must be busy ({total} spikes)"
