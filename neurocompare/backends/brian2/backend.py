"""The spiking backend: the circuit as asynchronous threshold-spiking neurons in Brian2 (LIF by default).

This package is the only part of neurocompare that imports Brian2, and it does so lazily, when a
network is built. Each run builds an explicit ``brian2.Network`` (never the global "magic"
network); no state is kept at module level.

The model (times in ms, potentials dimensionless; see :mod:`neurocompare.models`)
---------------------------------------------------------------------------------
Neuron ``k`` of a population with bias ``b_k`` obeys, between spikes,

    dv/dt = (v_rest - v) / tau_m + I_k,   I_k = b_k * rate_scale_hz + analog input current

(``(v_rest - v)/tau_m`` is dropped for the non-leaky ``tau_m_ms = inf``), integrated exactly
over each step ``dt``. A spike is emitted when ``v`` reaches threshold, ``v >= v_threshold`` (within a relative
tolerance of 1e-9 of ``v_threshold - v_reset``, so that |n| additions of ``w`` and one of
``n * w`` agree despite floating-point summation order); ``v`` is then reset (to
``v_reset``, or by subtracting ``v_threshold - v_reset``) and, if ``t_ref_ms > 0``, clamped for
``t_ref_ms``; synaptic input arriving while clamped (including in the spike's own step) is
discarded.

A projection with ``counts[k, j] = n`` creates ``|n|`` Brian2 synapses from ``j`` to ``k``
(multi-synapses), each adding ``sign(n) * unit_weight`` to ``v_k`` when a spike of ``j``
arrives, after the projection's delay (rounded to ``dt`` by Brian2). With
``synapse_mode="aggregate"`` one synapse carries ``n * unit_weight`` instead: the same
membrane jump in one addition rather than ``|n|`` (equal up to floating-point summation
order; the tests show identical spikes).

Each step runs in Brian2's order: state update, threshold, synaptic delivery, reset.
Spike times are reported as ``step * dt`` in ms: Brian2 stamps a spike with the start of the
step in which ``v`` crossed threshold, and counts that step in the refractory period. For a
constant drive the inter-spike interval is therefore ``t_ref + (ceil(T / dt) - 1) * dt`` for a
continuous-time charging time ``T``: between one step shorter than and equal to the analytic
value (measured: -0.01 to -0.07 ms at dt = 0.1 ms, see tests/test_spiking.py).

Names and compilation
---------------------
Brian2 objects get fixed names derived from the circuit (``pop_NAME``, ``in_NAME``, ``syn_INDEX``,
...), never auto-numbered ones, so the generated code of a circuit is the same in every build and
the cython target's compile cache is hit on every run after the first.

Batching and groups
-------------------
``B`` samples run in ONE Brian2 run: a population of size ``n`` becomes ``B * n`` neurons
(sample ``b``'s neuron ``i`` is its ``b * n + i``-th) and synapses only connect neurons of the
same sample, so samples cannot talk to each other. Populations with the same neuron model share
one NeuronGroup (``pop_NAME`` for one, ``pops_FIRST_K`` for K more), one after the other: Brian2's
per-step cost is mostly a fixed overhead per object, so one state update, threshold, reset and
spike monitor serve them all. Each neuron's arithmetic is the same either way (tested).

Inputs and decoding
-------------------
Input populations become ``SpikeGeneratorGroup``s fed by an :mod:`~neurocompare.encoding`
(``poisson``, ``regular``, ``latency``), or constant currents (``analog``). A value of 1 is
the rate ``rate_scale_hz``; decoded activations are ``spike count / duration / rate_scale_hz``,
on the artificial backend's scale.
"""

from __future__ import annotations

import logging
from typing import Any, Callable, Mapping, Sequence

from ...circuit import Circuit
from ...errors import ParameterError, UnknownNameError
from ...results import Result
from ..base import CLOCK_SETTINGS, ClockSettings
from .build import Builder
from .models import brian2_model
from .runtime import cython_available, import_brian2
from .simulation import SpikingSimulation

__all__ = ["SpikingBackend", "SpikingSimulation", "TARGETS", "SYNAPSE_MODES", "INPUT_MODES", "import_brian2",
           "cython_available"]

log = logging.getLogger(__name__)

#: Code-generation targets: "auto" picks numpy for small runs and cython for large ones.
TARGETS = ("auto", "numpy", "cython")
#: One Brian2 synapse per synapse count ("multi"), or one per connected pair ("aggregate").
SYNAPSE_MODES = ("multi", "aggregate")
#: How input spikes reach their targets: "synapses" (a SpikeGeneratorGroup and Brian2 Synapses) or
#: "drive" (their jumps added per step by one operation per target population, in the synapses
#: slot); "auto" picks "drive" with ``synapse_mode="aggregate"``.
INPUT_MODES = ("auto", "synapses", "drive")
#: Relative tolerance of the threshold test (see the module docstring).
THRESHOLD_TOLERANCE = 1e-9
#: "auto" switches to cython above this many neuron-steps (batch x neurons x steps) ...
#: Measured (benchmarks/bench_spiking.py): for the digits batch (15k neurons, 1000 steps) cython and
#: numpy take the same time once compiled (Brian2's per-step overhead dominates), and the first
#: cython use compiles for about a minute, so only much larger runs are worth it.
AUTO_CYTHON_NEURON_STEPS = 2_000_000_000
#: ... or this many synapse-steps, if cython works here ...
AUTO_CYTHON_SYNAPSE_STEPS = 50_000_000_000
#: ... or when the numpy target's per-step overhead alone would take longer than this (s): each neuron group's
#: model states its cost per step (``Brian2Model.numpy_step_s``: Hodgkin-Huxley 170 us, a LIF ~30 us), each
#: projection :data:`NUMPY_PROJECTION_STEP_S`. Cython runs such overhead-bound runs 5-15x faster (Hodgkin-Huxley,
#: 100 neurons: 171 against 31 us per step) but compiles 10-15 s per network shape on first use, cached in
#: ~/.cython per interpreter: a new virtual environment compiles every shape again (a fresh-clone CI run at 5 s
#: compiled 26 modules, +100 s), so only runs whose overhead alone exceeds 20 s compile.
AUTO_CYTHON_NUMPY_SECONDS = 20.0
#: The numpy target's per-step cost of one projection (its Synapses' code objects), for the estimate above.
NUMPY_PROJECTION_STEP_S = 3e-5


class SpikingBackend(ClockSettings):
    """Asynchronous threshold-spiking neurons in Brian2 (the "real neuron" of the comparison).

    Parameters (keyword only)
    -------------------------
    duration_ms : float
        Simulated time per sample (all samples run in parallel). Default 100 ms.
    dt_ms : float
        Time step. Default 0.1 ms; keep it well below ``tau_m`` and ``t_ref`` (1 ms visibly
        distorts rates).
    encoding : str or Encoding
        ``"poisson"`` (default), ``"regular"``, ``"latency"``, ``"analog"`` or an instance.
    rate_scale_hz : float
        The firing rate that stands for activation 1.0 (inputs, biases and decoding). Default 200 Hz.
    neuron : NeuronModel, optional
        The neuron model of populations that do not set their own (a registered spec, see
        :mod:`neurocompare.models`). Default ``LIF()``.
    target : {"auto", "numpy", "cython"}
        Brian2 code-generation target. "auto": numpy for small runs (nothing to compile),
        cython for large ones when a compiler is present (first use compiles, then cached).
    synapse_mode : {"multi", "aggregate"}
        ``|n|`` Brian2 synapses per pair (literal, default) or one carrying ``n x unit``.
    input_mode : {"auto", "synapses", "drive"}
        How input spikes reach their targets. "synapses": a ``SpikeGeneratorGroup`` and Brian2
        ``Synapses`` (literal). "drive": one operation per target population adds, each step, the
        jumps the arriving input spikes cause, in Brian2's synapses slot with the same delays and
        refractory rule (identical spikes up to summation order, which the threshold tolerance
        covers; tested), in less than half the run time on input-heavy circuits. "auto"
        (default): "drive" with ``synapse_mode="aggregate"``, else "synapses".
    """

    name = "spiking"

    def __init__(self, *, target: str = "auto", synapse_mode: str = "multi", input_mode: str = "auto",
                 **settings: Any) -> None:
        owner = "SpikingBackend"
        unknown = sorted(set(settings) - set(CLOCK_SETTINGS))
        if unknown:
            raise TypeError(f"{owner}() got unexpected keyword argument(s) {', '.join(unknown)}; valid: "
                            f"{', '.join([*CLOCK_SETTINGS, 'target', 'synapse_mode', 'input_mode'])}.")
        super().__init__(**settings)
        for option, value, valid in (("target", target, TARGETS), ("synapse_mode", synapse_mode, SYNAPSE_MODES),
                                     ("input_mode", input_mode, INPUT_MODES)):
            if value not in valid:
                raise UnknownNameError(f"{owner}: unknown {option} {value!r}; valid: {', '.join(valid)}.")
        self.target, self.synapse_mode, self.input_mode = target, synapse_mode, input_mode

    def settings(self) -> dict[str, Any]:
        """The constructor arguments that give this backend again."""
        return {**super().settings(), "target": self.target, "synapse_mode": self.synapse_mode,
                "input_mode": self.input_mode}

    def options(self) -> dict[str, Any]:
        """The backend's settings as plain data."""
        return {**super().options(), "target": self.target, "synapse_mode": self.synapse_mode,
                "input_mode": self.input_mode}

    # ------------------------------------------------------------------ API
    def _simulate(self, circuit: Circuit, values: dict, batch: int, seed: int, record: dict, *,
                  progress: Callable[[float, float], None] | None) -> Result:
        return Builder(self, circuit, values, batch, seed, record).build().run(progress=progress)

    def build(self, circuit: Circuit, inputs: Any = None, *, seed: int | None = None,
              record_voltage: Mapping[str, Sequence[int]] | None = None) -> SpikingSimulation:
        """Build (but do not run) the Brian2 network, for inspection or custom monitoring."""
        return Builder(self, *self._checked(circuit, inputs, seed, record_voltage)).build()

    def choose_target(self, circuit: Circuit, batch: int) -> str:
        """The code-generation target "auto" resolves to for this circuit and batch size."""
        if self.target != "auto":
            return self.target
        neurons = batch * sum(p.size for p in circuit.populations)
        synapses = batch * (circuit.n_synapses if self.synapse_mode == "multi" else
                            sum(p.n_connections for p in circuit.projections))
        big = neurons * self.n_steps > AUTO_CYTHON_NEURON_STEPS or synapses * self.n_steps > AUTO_CYTHON_SYNAPSE_STEPS
        if not big:
            b2 = import_brian2()
            groups = {(self.model_of(p), self.synapse_of(p)) for p in circuit.populations}
            per_step = sum(brian2_model(neuron, b2).numpy_step_s for neuron, _ in groups) \
                + NUMPY_PROJECTION_STEP_S * len(circuit.projections)
            big = self.n_steps * per_step > AUTO_CYTHON_NUMPY_SECONDS
        return "cython" if big and cython_available() else "numpy"

    def choose_input_mode(self, circuit: Circuit, batch: int) -> str:
        """The input mode "auto" resolves to for this circuit and batch size."""
        if not self.encoding.is_spiking:
            return "synapses"  # analog inputs are constant currents: nothing to deliver per step
        stateful = [p.post for p in circuit.projections
                    if circuit.is_input(p.pre) and self.synapse_of(circuit.population(p.post)).has_state]
        if self.input_mode == "drive" and stateful:
            raise ParameterError(
                f"SpikingBackend: input_mode='drive' adds input spikes to membranes, but population {stateful[0]!r} "
                f"has {self.synapse_of(circuit.population(stateful[0])).model_name!r} synapses; use input_mode='auto' "
                "or 'synapses'.")
        if self.input_mode != "auto":
            return self.input_mode
        return "drive" if self.synapse_mode == "aggregate" and not stateful else "synapses"
