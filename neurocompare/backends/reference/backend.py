"""The reference backend: an independent, clock-driven numpy simulator of the spiking models.

Why a second spiking simulator? The Brian2 backend (:mod:`neurocompare.backends.brian2`)
is what the comparison trusts; this package re-implements the *same* models from their written
definitions (one step class per model in :mod:`.models`), in plain numpy, without sharing simulation
code with it, so the two can be checked against
each other spike for spike (:func:`neurocompare.crosscheck.crosscheck`). If they agree on
deterministic input, a bug would have to be made twice, the same way, in two unrelated
code bases.

The LIF model (times in ms, potentials dimensionless; see :mod:`neurocompare.models`)
-------------------------------------------------------------------------------------
Neuron ``k`` of a population with bias ``b_k`` obeys, between spikes,

    dv/dt = (v_rest - v) / tau_m + I_k,   I_k = b_k * rate_scale_hz + analog input current

(the leak is dropped for the non-leaky ``tau_m_ms = inf``). With the currents constant over
a step ``dt`` the leaky equation is integrated exactly,

    v(t + dt) = V_inf + (v(t) - V_inf) exp(-dt / tau_m),   V_inf = v_rest + tau_m I,

(Rotter & Diesmann 1999, Biol. Cybern. 81:381; Dayan & Abbott 2001, sec. 5.4) written in the algebraic form Brian2's
``exact`` state updater generates for this equation (Brian2 2.9, numpy target; see
:func:`.models._exact_lif_coefficients`), so that both simulators round identically; the non-leaky
equation uses ``v(t + dt) = dt * I + v(t)``, which is exact for a constant ``I``.

Every membrane starts at ``v_rest``. Each time step ``n`` (start time ``n * dt``) runs in the field's
order of events (NEST's ``iaf_psc_delta``, snnTorch, Norse; the Brian2 backend's schedule ``groups,
synapses, thresholds, resets``):

1. record ``v`` (the value at the start of the step, as Brian2's ``StateMonitor``);
   switch on delayed analog currents whose onset step is ``n``;
2. **state update** of every population (its model's step, :mod:`.models`); a neuron that spiked at step
   ``s`` is clamped (``v`` not integrated) in steps ``s+1 .. s+R``, ``R = int((t_ref + 1e-3 dt) / dt)``
   (``t_ref`` truncated to the grid, with a tolerance of 1e-3 dt), and integrates again in step ``s+R+1``:
   NEST's count, so a LIF's interval is NEST's;
3. **synaptic delivery**: the spikes due in step ``n`` are added to ``v`` (or to the synaptic current or
   conductances, which then act from the next state update). A connection with ``counts[k, j] = n`` adds
   ``n * unit_weight`` in one addition (Brian2 adds ``unit_weight`` ``|n|`` times: equal up to
   floating-point summation order, which the threshold tolerance absorbs; ``synapse_mode`` therefore has
   no counterpart here). Input spikes encoding a negative value act with the opposite sign. If
   ``t_ref_ms > 0``, a delta jump reaching a clamped neuron is discarded;
4. **threshold**: ``v >= v_th - 1e-9 (v_th - v_reset)`` (and not clamped); a spike is stamped ``n * dt``.
   An input that lifts ``v`` over threshold therefore fires in the step it arrives in;
5. every spike of this step (input spikes from the encoding and neuron spikes) is written into a ring
   buffer ``1 + delay`` steps ahead: transmission takes at least one step (NEST's minimum delay), and a
   ``delay_ms`` adds to it;
6. **reset** of the neurons that spiked: ``v = v_reset`` or ``v += v_reset - v_th``.

Delays are put on the grid as Brian2 does: synaptic delays as ``int(delay_s / dt_s + 0.5)``
(Brian2's compiled spike queue: half-steps round up), analog onsets as
``numpy.round(delay_ms / dt_ms)`` (what the Brian2 backend computes for them: half-steps
round to even). The two differ only for delays at exact half-steps of ``dt``. Spikes and
analog onsets due at or after the end of the run never arrive. Everything is vectorised over
``(batch, neurons)`` per time step; samples never interact.

Where the reference deliberately differs from Brian2: only outside any sensible range. A
neuron that never fired is never clamped (Brian2 starts ``lastspike`` at -1e4 s, so a
``t_ref`` above 1e7 ms clamps it from the start), and delays of 2**31 steps or more never
deliver (they overflow the ``int`` of Brian2's spike queue).

Non-finite membrane potentials raise :class:`~neurocompare.errors.SimulationError` at the
step where they appear (never a silent NaN).
"""

from __future__ import annotations

import logging
import time
from typing import Callable

import numpy as np

from ...circuit import Circuit
from ...results import Result
from ..base import ClockSettings
from .models import THRESHOLD_TOLERANCE
from .simulation import TARGET, Simulation

__all__ = ["ReferenceBackend", "THRESHOLD_TOLERANCE", "TARGET", "MAX_STEPS"]

log = logging.getLogger(__name__)

#: Longest run in time steps (Brian2's SpikeGeneratorGroup keeps time bins as int32).
MAX_STEPS = 2**31 - 1


class ReferenceBackend(ClockSettings):
    """An independent numpy LIF simulator, for cross-checking the Brian2 backend spike for spike.

    Same model, options and :class:`~neurocompare.results.Result` as
    :class:`~neurocompare.backends.brian2.SpikingBackend` (see the module docstring for the
    exact per-step order). It has no code-generation ``target`` (``result.info["target"]`` is
    ``"numpy-reference"``) and no ``synapse_mode``: a connection of ``n`` synapses always
    delivers ``n * unit_weight`` in one addition.

    Parameters
    ----------
    duration_ms : float
        Simulated time per sample. Default 100 ms.
    dt_ms : float
        Time step. Default 0.1 ms.
    encoding : str or Encoding
        ``"poisson"`` (default), ``"regular"``, ``"latency"``, ``"analog"`` or an instance; the
        input spikes are generated by the same :mod:`~neurocompare.encoding` code (and seed)
        as for the Brian2 backend.
    rate_scale_hz : float
        The firing rate that stands for activation 1.0. Default 200 Hz.
    neuron : NeuronModel, optional
        The neuron model of populations that do not set their own. Default ``LIF()``.

    Examples
    --------
    >>> from neurocompare import Circuit, NeuronPopulation
    >>> from neurocompare.backends.reference import ReferenceBackend
    >>> c = Circuit("one", populations=[NeuronPopulation("n", 1, bias=0.5)])
    >>> ReferenceBackend(duration_ms=50.0).run(c, seed=0).spike_counts("n")
    array([[3]])
    """

    name = "reference"
    max_steps = MAX_STEPS

    # ------------------------------------------------------------------ API
    def _simulate(self, circuit: Circuit, values: dict, batch: int, seed: int, record: dict, *,
                  progress: Callable[[float, float], None] | None) -> Result:
        start = time.perf_counter()
        # Overflow is detected and raised as SimulationError, never left to numpy's warnings.
        with np.errstate(over="ignore", invalid="ignore"):
            sim = Simulation(self, circuit, values, batch, seed, record)
            built = time.perf_counter()
            sim.run(progress)
        done = time.perf_counter()
        log.debug("reference run of %r: %d steps x %d samples in %.3f s", circuit.name, self.n_steps, batch, done - start)
        return sim.result(build_time_s=built - start, run_time_s=done - built)
