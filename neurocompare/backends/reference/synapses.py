"""Synapses with state in the reference simulator: an exponentially decaying current or pair of conductances.

Written from :mod:`neurocompare.models.synapses`: a current ``I`` (1/s, the circuit's units) jumps by
``w / tau_syn`` per spike of weight ``w`` and acts on the membrane as ``potential_unit * I``; conductances
``g_exc``, ``g_inh`` (1/s) jump by ``k |w|`` and act as ``g_exc (e_exc - v) + g_inh (e_inh - v)``. Both decay
with ``tau_syn`` in the state update, exactly or by forward Euler as the neuron model's scheme does, from the
step's start values (the membrane sees the values at the start of the step; spikes arriving in a step act from
the next one).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ...errors import BackendError
from ...models import ExpConductanceSynapse, ExpCurrentSynapse

__all__ = ["SynapticState", "synaptic_state"]


class SynapticState:
    """The synaptic variables of one population over the batch.

    ``channels`` is 1 (a current: signed weights) or 2 (conductances: excitatory weights, then the magnitudes of
    inhibitory ones); :meth:`receive` takes one array per channel.
    """

    def __init__(self, synapse: Any, neuron: Any, potential_unit: float, shape: tuple[int, int], dt_s: float,
                 scheme: str, owner: str) -> None:
        tau_s = synapse.tau_syn_ms * 1e-3
        self.decay = math.exp(-dt_s / tau_s) if scheme == "exponential" else None
        self.dt_s, self.tau_s, self.unit = dt_s, tau_s, potential_unit
        self.conductance = isinstance(synapse, ExpConductanceSynapse)
        if self.conductance:
            self.k_exc, self.k_inh, self.e_exc, self.e_inh = synapse.jumps(neuron, potential_unit, owner=owner)
            self.state = [np.zeros(shape), np.zeros(shape)]
        else:
            self.state = [np.zeros(shape)]
        self.channels = len(self.state)

    def drive_and_conductance(self) -> tuple[np.ndarray, Any]:
        """(drive in potential units per second, conductance in 1/s) at the start of the step."""
        if self.conductance:
            g_exc, g_inh = self.state
            return g_exc * self.e_exc + g_inh * self.e_inh, g_exc + g_inh
        return self.unit * self.state[0], 0.0

    def advance(self) -> None:
        """Decay over one step."""
        for k, x in enumerate(self.state):
            self.state[k] = x * self.decay if self.decay is not None else x + self.dt_s * (-x / self.tau_s)

    def receive(self, slots: list[np.ndarray]) -> None:
        """Add the weights arriving in this step (one array per channel)."""
        if self.conductance:
            self.state[0] = self.state[0] + self.k_exc * slots[0]
            self.state[1] = self.state[1] + self.k_inh * slots[1]
        else:
            self.state[0] = self.state[0] + slots[0] / self.tau_s


def synaptic_state(synapse: Any, neuron: Any, step: Any, potential_unit: float, shape: tuple[int, int],
                   dt_s: float, owner: str) -> SynapticState | None:
    """The state of a population's synapses, or None for delta synapses (jumps straight into ``v``)."""
    if not isinstance(synapse, (ExpCurrentSynapse, ExpConductanceSynapse)):
        return None
    scheme = getattr(step, "synaptic_decay", None)
    if scheme is None or not hasattr(step, "advance"):
        raise BackendError(f"{owner}: the reference step of neuron model {neuron.model_name!r} has no advance() and "
                           f"synaptic_decay, so it runs with delta synapses only; got {synapse.model_name!r} synapses.")
    return SynapticState(synapse, neuron, potential_unit, shape, dt_s, scheme, owner)
