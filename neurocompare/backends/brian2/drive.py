"""Input spikes as a per-step drive: one Brian2 operation per target population (``input_mode="drive"``)."""

from __future__ import annotations

from typing import Any

import numpy as np

__all__ = ["InputDrive"]


class InputDrive:
    """Adds the jumps of input spikes to a population's membranes, one step at a time (input_mode="drive").

    The jumps are computed a chunk of steps at a time: the input spikes arriving in the chunk are
    counted per (step, sample, input neuron) in a sparse matrix and multiplied by the weights (one
    product per delay), which gives what Brian2's input Synapses would add in each of those
    steps. Each step then adds one precomputed row, gated by the refractory state. Without a
    SpikeGeneratorGroup (whose numpy template converts its whole spike array on every step).
    Memory: the spikes, plus a buffer of at most ``CHUNK_FLOATS`` floats (or one step's jumps).
    """

    #: Upper bound on the floats in one chunk's jump buffer (16 MB of float64).
    CHUNK_FLOATS = 2_000_000

    def __init__(self, batch: int, size: int, n_steps: int) -> None:
        self.batch, self.size, self.n_steps = batch, size, n_steps
        # (arrival steps ascending, sample, input neuron, sign, weights.T (pre, post))
        self.blocks: list[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]] = []
        self.chunk = max(1, self.CHUNK_FLOATS // (batch * size))
        self.buf = np.zeros((0, batch * size))
        self.k0 = 0
        self.v: Any = None
        self.not_refractory: Any = None
        self.neurons = slice(None)
        self.timestep: Any = None

    def add(self, step, sample, neuron, sign, weights) -> None:
        """Arrivals at ``step`` (ascending) of input ``neuron`` in ``sample``; ``weights`` is (post, pre)."""
        self.blocks.append((step, sample, neuron, np.asarray(sign, dtype=float),
                            np.ascontiguousarray(weights.T, dtype=float)))

    def attach(self, group: Any, neurons: slice, *, refractory: bool) -> None:
        """Add to the membranes of ``group``'s ``neurons`` (the target population's place in its group)."""
        self.v = group.variables["v"]
        self.not_refractory = group.variables["not_refractory"] if refractory else None
        self.neurons = neurons

    def _fill(self, k0: int) -> None:
        """Jumps of steps ``k0 .. k0 + chunk - 1`` into ``self.buf`` (one row per step)."""
        import scipy.sparse  # here, not at import time: ~0.2 s that only the drive needs

        n = min(self.chunk, self.n_steps - k0)
        rows = n * self.batch
        buf = np.zeros((rows, self.size))
        for step, sample, neuron, sign, w_t in self.blocks:
            lo, hi = np.searchsorted(step, (k0, k0 + n))
            if lo == hi:
                continue
            row = (step[lo:hi] - k0) * self.batch + sample[lo:hi]
            # spike counts per (step, sample) row and input neuron; sparse, so the cost follows the spikes
            counts = scipy.sparse.csr_matrix((sign[lo:hi], (row, neuron[lo:hi])), shape=(rows, w_t.shape[0]))
            buf += counts @ w_t
        self.buf = buf.reshape(n, self.batch * self.size)
        self.k0 = k0

    def __call__(self) -> None:
        k = int(self.timestep.get_value()[0])  # the clock's integer step (no float time to round)
        if not self.k0 <= k < self.k0 + len(self.buf):
            self._fill(k)
        row = self.buf[k - self.k0]
        v = self.v.get_value()[self.neurons]  # a view: adds in place
        if self.not_refractory is not None:
            v += row * self.not_refractory.get_value()[self.neurons]
        else:
            v += row
