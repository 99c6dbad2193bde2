"""Nengo peer for the speed benchmark: the reference IF network run in ``nengo.Simulator``.

All images form one block-diagonal network (``nengo.transforms.Sparse`` on scipy ``block_diag``
weights). The neuron type ``IntegrateAndFire`` is the reference neuron: ``v += J dt``, one spike
at most per step when ``v >= 1 - 1e-9``, reset by subtracting 1, negative current not clipped.

Why the counts match ``output_counts_numpy`` (Brian2's order): there, an input that arrives at
step t is added after the threshold test of step t, so it first acts at step t+1; as the reset
(subtracting 1) commutes with adding the input, that is "add the input of step t-1, test, reset"
at step t. Nengo adds a connection's input in the same step, so both connections (input->hidden,
hidden->output) carry the discrete one-step delay z^-1, ``LinearFilter([1], [1, 0],
analog=False)``: Nengo runs a synapse as an update at the end of a step, so its output in step t
is its input of step t-1. Input spikes have amplitude 1/dt and the bias is the same current
(bias * rate scale), so ``J dt`` adds the same jump as the reference. The sums differ only in
floating-point order: on the benchmark work (360 images, 100 ms) the membranes differ by at most
2e-12 while no membrane comes closer than 1.7e-7 to the threshold, so every spike is the same.
"""

from __future__ import annotations

import functools
import time

import numpy as np

DT_MS = 0.1  # as in bench_spiking.py
RATE_HZ = 1000.0
SEED = 0
THRESHOLD = 1.0 - 1e-9


@functools.cache
def _neuron_type():
    """The IF neuron as a ``nengo.neurons.NeuronType`` (built by Nengo's generic SimNeurons builder)."""
    import nengo

    class IntegrateAndFire(nengo.neurons.NeuronType):
        """Non-leaky integrate-and-fire, reset by subtraction, at most one spike per step."""

        state = {"voltage": nengo.dists.Choice([0.0])}
        spiking = True
        negative = False

        def gain_bias(self, max_rates, intercepts):  # rate = max(J, 0), as RectifiedLinear
            gain = np.asarray(max_rates, dtype=float) / (1 - np.asarray(intercepts, dtype=float))
            return gain, -np.asarray(intercepts, dtype=float) * gain

        def max_rates_intercepts(self, gain, bias):
            intercepts = -bias / gain
            return gain * (1 - intercepts), intercepts

        def rates(self, x, gain, bias):
            return np.maximum(self.current(x, gain, bias), 0.0)

        def step(self, dt, J, output, voltage):
            voltage += J * dt
            spiked = voltage >= THRESHOLD
            output[:] = spiked / dt  # spikes of amplitude 1, as amplitude / dt
            voltage -= spiked

    return IntegrateAndFire()


def nengo_batch(work: dict, dt_ms: float = DT_MS, rate_hz: float = RATE_HZ) -> tuple[np.ndarray, dict]:
    """Output spike counts (images, 10) of the whole batch, from one ``nengo.Simulator`` run."""
    import nengo
    import scipy.sparse as sp

    w1, w2 = (np.asarray(w, dtype=float) for w in work["w"])
    n_in, n_hid, n_out = w1.shape[1], w1.shape[0], w2.shape[0]
    batch, steps = len(work["x"]), int(round(work["duration_ms"] / dt_ms))
    dt = dt_ms * 1e-3
    s_idx, n_idx, t_idx = work["raster"]
    # the input raster, one sparse row per step (built once; each step emits one row)
    frames = sp.csr_matrix((np.ones(len(t_idx)), (t_idx, s_idx * n_in + n_idx)), shape=(steps, batch * n_in))
    indptr, indices = frames.indptr, frames.indices

    def raster(t):
        out = np.zeros(batch * n_in)
        k = int(round(t / dt)) - 1  # Nengo's step n (1-based) runs at t = n dt and emits row n - 1
        out[indices[indptr[k]:indptr[k + 1]]] = 1.0 / dt
        return out

    big1 = sp.block_diag([sp.csr_matrix(w1)] * batch, format="csr")
    big2 = sp.block_diag([sp.csr_matrix(w2)] * batch, format="csr")
    b1, b2 = (np.tile(np.asarray(b, dtype=float) * rate_hz, batch) for b in work["b"])
    delay = nengo.LinearFilter([1], [1, 0], analog=False)  # z^-1
    neuron = _neuron_type()
    with nengo.Network(seed=SEED) as net:
        inp = nengo.Node(raster, size_out=batch * n_in)
        h = nengo.Ensemble(batch * n_hid, 1, neuron_type=neuron, gain=np.ones(batch * n_hid), bias=b1)
        o = nengo.Ensemble(batch * n_out, 1, neuron_type=neuron, gain=np.ones(batch * n_out), bias=b2)
        nengo.Connection(inp, h.neurons, transform=nengo.transforms.Sparse(big1.shape, init=big1), synapse=delay)
        nengo.Connection(h.neurons, o.neurons, transform=nengo.transforms.Sparse(big2.shape, init=big2),
                         synapse=delay)
        probe = nengo.Probe(o.neurons)
    with nengo.Simulator(net, dt=dt, progress_bar=False, optimize=True) as sim:
        start = time.perf_counter()
        sim.run_steps(steps)
        sim_s = time.perf_counter() - start
    counts = np.rint(sim.data[probe] * dt).astype(np.int64).sum(0).reshape(batch, n_out)
    return counts, {"nengo": nengo.__version__, "steps": steps, "sim_s": sim_s,
                    "mapping": "custom IF neuron type, z^-1 on both connections (Brian2's order)"}
