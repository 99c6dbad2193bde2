"""One population of the reference simulator over the batch: its state, constants, and one step's phases.

Used by the clock loop (:mod:`.simulation`) and by the calibration of the biophysical models
(:mod:`neurocompare.backends.calibration`), so that both step a neuron the same way.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ...errors import ParameterError, SimulationError
from ...results import SpikeTrains
from ..grid import refractory_steps
from .synapses import SynapticState

__all__ = ["Population", "method_of"]

#: Seconds per millisecond (Brian2 works in seconds; the conversion is done once, here).
_S_PER_MS = 1e-3
#: Last-spike step of a neuron that never spiked (far enough in the past never to clamp).
_NEVER = -(2**62)


def method_of(pop: "Population") -> str:
    """The integration scheme a population ran with (its model's; exponential Euler for exact LIF with synaptic
    state)."""
    method = getattr(pop.model, "method", "as the model's step")
    return "exponential_euler" if method == "exact" and pop.syn is not None else method


@dataclass
class Population:
    """State and constants of one neuron population over the batch."""

    name: str
    model: Any  # the model's step object (see .models)
    v: np.ndarray  # (batch, size)
    i_bias: np.ndarray  # (batch, size), 1/s
    i_analog: np.ndarray  # (batch, size), 1/s
    onsets: dict[int, np.ndarray]  # step -> analog current switched on at that step
    dt_s: float
    last_spike: np.ndarray | None = None  # (batch, size) step of the last spike; None if t_ref = 0
    ref_steps: int = 0
    v_fire: float = 0.0
    buffers: list[np.ndarray] = field(default_factory=list)  # per channel: (slots, batch, size) ring buffer
    coeffs: tuple = ()
    unit: float = 1.0  # the model's potential unit (delta jumps are multiplied by it)
    syn: SynapticState | None = None  # synapses with state (None: delta jumps into v)
    i_total: Any = 0.0
    armed: np.ndarray | None = None  # models without reset: may spike (v has been below firing level)
    spike_steps: list[np.ndarray] = field(default_factory=list)
    spike_flat: list[np.ndarray] = field(default_factory=list)

    def __post_init__(self) -> None:
        model = self.model
        if not math.isfinite(model.fire_level):
            raise ParameterError(
                f"Population {self.name!r}: v_threshold - v_reset overflows float64 (firing level "
                f"{model.fire_level!r}); use potentials of a sensible magnitude."
            )
        self.v_fire = model.fire_level
        if model.t_ref_ms > 0:
            self.ref_steps = refractory_steps(model.t_ref_ms, self.dt_s)
            self.last_spike = np.full(self.v.shape, _NEVER, dtype=np.int64)
        if getattr(model, "rearm_below", False):
            self.armed = np.ones(self.v.shape, dtype=bool)
        self.update_coefficients()

    def update_coefficients(self) -> None:
        self.coeffs = self.model.prepare(self.i_analog, self.i_bias)
        self.i_total = self.i_analog + self.i_bias

    def integrate(self, step: int) -> np.ndarray | None:
        """State update of step ``step``; returns the not-clamped mask (None if t_ref = 0)."""
        if self.armed is not None:  # re-armed at the start of a step with v below the firing level (before the update)
            self.armed |= self.v < self.v_fire
        if self.syn is None:
            new = self.model.step(self.v, self.coeffs)
        else:
            drive, g = self.syn.drive_and_conductance()
            new = self.model.advance(self.v, self.i_total + drive, g)
            self.syn.advance()
        if self.last_spike is None:
            self.v = new
            return None
        free = (step - self.last_spike) > self.ref_steps  # clamped in steps s+1 .. s+R after a spike in step s
        self.v = np.where(free, new, self.v)
        return free

    def threshold(self, step: int, free: np.ndarray | None) -> np.ndarray:
        spiked = self.v >= self.v_fire
        if self.armed is not None:  # no reset: a neuron spikes again only once re-armed (see integrate)
            spiked &= self.armed
            self.armed &= ~spiked
        if free is not None:
            spiked &= free
        if spiked.any():
            if self.last_spike is not None:
                self.last_spike[spiked] = step
            flat = np.flatnonzero(spiked)  # row-major: by sample, then neuron
            self.spike_flat.append(flat)
            self.spike_steps.append(np.full(len(flat), step, dtype=np.int64))
        return spiked

    def deliver(self, step: int, free: np.ndarray | None) -> None:
        """Add the spikes due in step ``step`` (after the state update, before the threshold test)."""
        if not self.buffers:
            return
        if self.syn is not None:  # into the synaptic current or conductances, clamped or not
            slots = [buf[step % len(buf)] for buf in self.buffers]
            self.syn.receive(slots)
            for slot in slots:
                slot[...] = 0.0
            return
        slot = self.buffers[0][step % len(self.buffers[0])]
        if self.unit != 1.0:
            slot *= self.unit
        if free is None:
            self.v = self.v + slot
        else:  # discarded while clamped (NEST's iaf_psc_delta)
            self.v = np.where(free, self.v + slot, self.v)
        slot[...] = 0.0

    def check_finite(self, step: int) -> None:
        bad = ~np.isfinite(self.v)
        if bad.any():
            b, k = (int(i) for i in np.argwhere(bad)[0])
            raise SimulationError(
                f"Population {self.name!r}: the membrane potential became non-finite ({float(self.v[b, k])!r}) at "
                f"step {step} (t = {step * self.dt_s * 1e3:g} ms; sample {b}, neuron {k}) in the reference "
                "simulator; check the bias, weights "
                "and neuron parameters (a current or weight too large for float64?)."
            )

    def reset(self, spiked: np.ndarray) -> None:
        if not spiked.any():
            return
        self.model.reset(self.v, spiked)

    def trains(self, batch: int, size: int, dt_ms: float, duration_ms: float) -> SpikeTrains:
        steps = np.concatenate(self.spike_steps) if self.spike_steps else np.zeros(0, np.int64)
        flat = np.concatenate(self.spike_flat) if self.spike_flat else np.zeros(0, np.int64)
        return SpikeTrains(self.name, batch, size, flat // size, flat % size, steps * dt_ms, duration_ms)
