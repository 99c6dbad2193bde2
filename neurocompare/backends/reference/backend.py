"""The reference backend: an independent, clock-driven numpy simulator of the spiking model.

Why a second spiking simulator? The Brian2 backend (:mod:`neurocompare.backends.brian2`)
is what the comparison trusts; this module re-implements the *same* model from its written
definition, in plain numpy, without sharing code with it, so the two can be checked against
each other spike for spike (:func:`neurocompare.crosscheck.crosscheck`). If they agree on
deterministic input, a bug would have to be made twice, the same way, in two unrelated
code bases.

The model (times in ms, potentials dimensionless; see :mod:`neurocompare.models`)
---------------------------------------------------------------------------------
Neuron ``k`` of a population with bias ``b_k`` obeys, between spikes,

    dv/dt = (v_rest - v) / tau_m + I_k,   I_k = b_k * rate_scale_hz + analog input current

(the leak is dropped for the non-leaky ``tau_m_ms = inf``). With the currents constant over
a step ``dt`` the leaky equation is integrated exactly,

    v(t + dt) = V_inf + (v(t) - V_inf) exp(-dt / tau_m),   V_inf = v_rest + tau_m I,

(Rotter & Diesmann 1999, Biol. Cybern. 81:381; Dayan & Abbott 2001, sec. 5.4) written in the algebraic form Brian2's
``exact`` state updater generates for this equation (Brian2 2.9, numpy target; see
:func:`_exact_lif_coefficients`), so that both simulators round identically; the non-leaky
equation uses ``v(t + dt) = dt * I + v(t)``, which is exact for a constant ``I``.

Every membrane starts at ``v_rest``. Each time step ``n`` (start time ``n * dt``) runs, like
one Brian2 clock tick,

1. record ``v`` (the value at the start of the step, as Brian2's ``StateMonitor``);
   switch on delayed analog currents whose onset step is ``n``;
2. **state update** of every population; a neuron that spiked at step ``s`` is clamped
   (``v`` not integrated) while ``n - s < R``, ``R = int((t_ref + 1e-3 dt) / dt)``
   (Brian2's ``timestep(t_ref, dt)``: ``t_ref`` is *truncated* to the grid, with a tolerance
   of 1e-3 dt; integration resumes at step ``s + R``);
3. **threshold**: ``v >= v_th - 1e-9 (v_th - v_reset)`` (and not clamped); a spike is
   stamped ``n * dt``;
4. **synaptic delivery**: every spike emitted at this step (input spikes from the encoding
   and neuron spikes) is written into a ring buffer ``delay`` steps ahead, then the slot of
   step ``n`` (zero-delay spikes of this step plus delayed ones due now) is added to ``v``.
   A connection with ``counts[k, j] = n`` adds ``n * unit_weight`` in one addition (Brian2
   adds ``unit_weight`` ``|n|`` times: equal up to floating-point summation order, which the
   threshold tolerance absorbs; ``synapse_mode`` therefore has no counterpart here). Input
   spikes encoding a negative value act with the opposite sign. If ``t_ref_ms > 0``, input
   reaching a clamped neuron, or one that spiked in this very step, is discarded;
5. **reset** of the neurons that spiked: ``v = v_reset`` or ``v += v_reset - v_th``.

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
import math
import time
from dataclasses import dataclass, field
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from ...circuit import Circuit, NeuronPopulation, normalize_inputs
from ...encoding import Encoding, get_encoding
from ...errors import InputError, ParameterError, SimulationError, UnknownNameError
from ...models import LIF
from ...results import Result, SpikeTrains, VoltageTrace
from ..._validation import check_positive, check_seed

__all__ = ["ReferenceBackend", "THRESHOLD_TOLERANCE", "TARGET", "MAX_STEPS"]

log = logging.getLogger(__name__)

#: Relative tolerance of the threshold test, as a fraction of ``v_threshold - v_reset``.
THRESHOLD_TOLERANCE = 1e-9
#: What ``result.info["target"]`` says for this backend.
TARGET = "numpy-reference"
#: Longest run in time steps (Brian2's SpikeGeneratorGroup keeps time bins as int32).
MAX_STEPS = 2**31 - 1
#: Last-spike step of a neuron that never spiked (far enough in the past never to clamp).
_NEVER = -(2**62)
#: Wall time between two progress reports.
_REPORT_PERIOD_S = 0.5
#: Seconds per millisecond (Brian2 works in seconds; the conversion is done once, here).
_S_PER_MS = 1e-3


def _exact_lif_coefficients(lif: LIF, i_total: tuple[np.ndarray, np.ndarray], dt_s: float) -> tuple:
    """Per-step constants of the exact LIF update, in Brian2's generated form.

    For ``dv/dt = (v_rest - v)/tau + I_analog + I_bias`` Brian2 2.9's ``exact`` updater
    (sympy solution, numpy target, loop invariants hoisted) generates::

        E  = exp((-dt) / tau)
        v' = v_rest + ((((tau*I_analog) + (tau*I_bias)) + (E*v))
                       + (E*(((0.0 - v_rest) + (tau*(-I_analog))) - (tau*I_bias))))

    i.e. ``V_inf + E (v - V_inf)`` with ``V_inf = v_rest + tau I``. Returned as
    ``(E, A, C)`` with ``v' = v_rest + ((A + E*v) + C)``, the same floating-point operations
    in the same order. ``tau`` and ``dt`` are in seconds, currents in 1/s.
    """
    i_analog, i_bias = i_total
    tau = lif.tau_m_ms * _S_PER_MS
    decay = np.exp(np.float64(-dt_s) / tau)
    a = (tau * i_analog) + (tau * i_bias)
    c = decay * (((0.0 - lif.v_rest) + (tau * (-i_analog))) - (tau * i_bias))
    return decay, a, c


def _refractory_steps(t_ref_ms: float, dt_s: float) -> int:
    """Brian2's ``timestep(t_ref, dt) = int((t_ref + 1e-3 dt) / dt)`` (t_ref truncated to the grid).

    Capped at ``2**61`` steps (a clamp longer than any run), so that no integer overflows.
    """
    t_ref_s = t_ref_ms * _S_PER_MS
    return int(min(math.floor((t_ref_s + 1e-3 * dt_s) / dt_s), 2**61))


def _synaptic_delay_steps(delays_ms: np.ndarray, dt_s: float, n_steps: int) -> np.ndarray:
    """Synaptic delays in steps as Brian2's C++ spike queue computes them: ``int(delay_s / dt_s + 0.5)``.

    (Half-steps round up. Brian2's pure-Python fallback queue uses numpy's round-half-to-even
    instead; the compiled queue is the one Brian2 uses whenever it can be imported, for the
    numpy and the cython targets alike.) Delays of ``n_steps`` or more can never deliver
    within the run; they are returned as ``n_steps`` (computed in floating point, so that
    astronomically long delays cannot overflow an integer).
    """
    steps = np.floor((delays_ms * _S_PER_MS) / dt_s + 0.5)
    return np.minimum(steps, n_steps).astype(np.int64)


@dataclass
class _Population:
    """State and constants of one neuron population over the batch."""

    name: str
    lif: LIF
    v: np.ndarray  # (batch, size)
    i_bias: np.ndarray  # (batch, size), 1/s
    i_analog: np.ndarray  # (batch, size), 1/s
    onsets: dict[int, np.ndarray]  # step -> analog current switched on at that step
    dt_s: float
    last_spike: np.ndarray | None = None  # (batch, size) step of the last spike; None if t_ref = 0
    ref_steps: int = 0
    v_fire: float = 0.0
    buffer: np.ndarray | None = None  # (slots, batch, size) ring buffer of synaptic input
    coeffs: tuple = ()
    spike_steps: list[np.ndarray] = field(default_factory=list)
    spike_flat: list[np.ndarray] = field(default_factory=list)

    def __post_init__(self) -> None:
        lif = self.lif
        if not math.isfinite(lif.v_threshold - lif.v_reset):
            raise ParameterError(
                f"Population {self.name!r}: v_threshold - v_reset overflows float64 ({lif.v_threshold!r} - "
                f"{lif.v_reset!r}); use potentials of a sensible magnitude."
            )
        self.v_fire = lif.v_threshold - THRESHOLD_TOLERANCE * (lif.v_threshold - lif.v_reset)
        if lif.t_ref_ms > 0:
            self.ref_steps = _refractory_steps(lif.t_ref_ms, self.dt_s)
            self.last_spike = np.full(self.v.shape, _NEVER, dtype=np.int64)
        self.update_coefficients()

    def update_coefficients(self) -> None:
        if self.lif.leaky:
            self.coeffs = _exact_lif_coefficients(self.lif, (self.i_analog, self.i_bias), self.dt_s)
        else:
            # Brian2's euler form for dv/dt = I_analog + I_bias: v' = (dt * (I_analog + I_bias)) + v
            self.coeffs = (self.dt_s * (self.i_analog + self.i_bias),)

    def integrate(self, step: int) -> np.ndarray | None:
        """State update of step ``step``; returns the not-clamped mask (None if t_ref = 0)."""
        if self.lif.leaky:
            decay, a, c = self.coeffs
            new = self.lif.v_rest + ((a + (decay * self.v)) + c)
        else:
            new = self.coeffs[0] + self.v
        if self.last_spike is None:
            self.v = new
            return None
        free = (step - self.last_spike) >= self.ref_steps
        self.v = np.where(free, new, self.v)
        return free

    def threshold(self, step: int, free: np.ndarray | None) -> np.ndarray:
        spiked = self.v >= self.v_fire
        if free is not None:
            spiked &= free
        if spiked.any():
            if self.last_spike is not None:
                self.last_spike[spiked] = step
            flat = np.flatnonzero(spiked)  # row-major: by sample, then neuron
            self.spike_flat.append(flat)
            self.spike_steps.append(np.full(len(flat), step, dtype=np.int64))
        return spiked

    def deliver(self, step: int, free: np.ndarray | None, spiked: np.ndarray) -> None:
        if self.buffer is None:
            return
        slot = self.buffer[step % len(self.buffer)]
        if free is None:
            self.v = self.v + slot
        else:
            self.v = np.where(free & ~spiked, self.v + slot, self.v)
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
        lif = self.lif
        if lif.reset == "value":
            self.v[spiked] = lif.v_reset
        else:
            self.v[spiked] = self.v[spiked] + (lif.v_reset - lif.v_threshold)

    def trains(self, batch: int, size: int, dt_ms: float, duration_ms: float) -> SpikeTrains:
        steps = np.concatenate(self.spike_steps) if self.spike_steps else np.zeros(0, np.int64)
        flat = np.concatenate(self.spike_flat) if self.spike_flat else np.zeros(0, np.int64)
        return SpikeTrains(self.name, batch, size, flat // size, flat % size, steps * dt_ms, duration_ms)


@dataclass(frozen=True)
class _Pathway:
    """Spikes of ``pre`` reaching ``post``: one dense (pre, post) weight matrix per delay (steps)."""

    pre: str
    post: str
    by_delay: tuple[tuple[int, np.ndarray], ...]


class ReferenceBackend:
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
    neuron : LIF, optional
        Parameters for populations that do not set their own. Default ``LIF()``.

    Examples
    --------
    >>> from neurocompare import Circuit, NeuronPopulation
    >>> from neurocompare.backends.reference import ReferenceBackend
    >>> c = Circuit("one", populations=[NeuronPopulation("n", 1, bias=0.5)])
    >>> ReferenceBackend(duration_ms=50.0).run(c, seed=0).spike_counts("n")
    array([[3]])
    """

    name = "reference"

    def __init__(
        self,
        *,
        duration_ms: float = 100.0,
        dt_ms: float = 0.1,
        encoding: str | Encoding = "poisson",
        rate_scale_hz: float = 200.0,
        neuron: LIF | None = None,
    ) -> None:
        owner = "ReferenceBackend"
        self.duration_ms = check_positive(owner, "duration_ms", duration_ms)
        self.dt_ms = check_positive(owner, "dt_ms", dt_ms)
        if self.duration_ms < self.dt_ms:
            raise ParameterError(f"{owner}: duration_ms ({duration_ms!r}) must be at least dt_ms ({dt_ms!r}).")
        n_steps = self.duration_ms / self.dt_ms
        if abs(n_steps - round(n_steps)) > 1e-6 * max(1.0, n_steps):
            raise ParameterError(
                f"{owner}: duration_ms ({duration_ms!r}) must be a whole number of time steps of dt_ms ({dt_ms!r})."
            )
        if n_steps > MAX_STEPS:
            raise ParameterError(
                f"{owner}: duration_ms / dt_ms = {n_steps:.4g} time steps; at most {MAX_STEPS} are supported "
                "(Brian2 numbers spike time bins with int32); shorten duration_ms or enlarge dt_ms."
            )
        self.encoding = get_encoding(encoding)
        self.rate_scale_hz = check_positive(owner, "rate_scale_hz", rate_scale_hz)
        if neuron is not None and not isinstance(neuron, LIF):
            raise ParameterError(f"{owner}: neuron must be a LIF instance or None; got {neuron!r}.")
        self.neuron = neuron if neuron is not None else LIF()

    def __repr__(self) -> str:
        return (
            f"ReferenceBackend(duration_ms={self.duration_ms:g}, dt_ms={self.dt_ms:g}, "
            f"encoding={self.encoding.name!r}, rate_scale_hz={self.rate_scale_hz:g})"
        )

    @property
    def n_steps(self) -> int:
        """Number of time steps per run, ``round(duration_ms / dt_ms)``."""
        return int(round(self.duration_ms / self.dt_ms))

    def options(self) -> dict[str, Any]:
        """The backend's settings as plain data."""
        return {
            "duration_ms": self.duration_ms,
            "dt_ms": self.dt_ms,
            "encoding": self.encoding.to_dict(),
            "rate_scale_hz": self.rate_scale_hz,
            "neuron": self.neuron.to_dict(),
        }

    # ------------------------------------------------------------------ API
    def run(
        self,
        circuit: Circuit,
        inputs: Any = None,
        *,
        seed: int | None = None,
        record_voltage: Mapping[str, Sequence[int]] | None = None,
        progress: Callable[[float, float], None] | None = None,
    ) -> Result:
        """Simulate ``circuit`` on a batch of inputs.

        Parameters
        ----------
        circuit : Circuit
        inputs : mapping name -> array (batch, size), or an array if there is one input population
        seed : int, optional
            Seeds the input encoding; ``None`` draws one (recorded in ``result.info["seed"]``).
        record_voltage : mapping population -> neuron indices, optional
            Record the membrane potential of these neurons (in every sample) at the start of
            every step.
        progress : callable(fraction_done, elapsed_s), optional
            Called about every half second of wall time while the simulation runs (the
            Brian2 backend's signature).

        Returns
        -------
        Result
            ``activations`` (inputs decoded by the encoding; neuron populations as
            ``count / duration / rate_scale_hz``), ``spikes`` (every spiking population),
            ``voltages``, ``final_v`` (each membrane at the end of the run, after the last
            reset) and ``info``.

        Raises
        ------
        SimulationError
            If a membrane potential becomes non-finite.
        """
        if not isinstance(circuit, Circuit):
            raise ParameterError(f"ReferenceBackend: circuit must be a Circuit; got {type(circuit).__name__}.")
        values, batch = normalize_inputs(circuit, inputs)
        seed = check_seed(seed)
        record = _check_record(circuit, record_voltage)
        start = time.perf_counter()
        # Overflow is detected and raised as SimulationError, never left to numpy's warnings.
        with np.errstate(over="ignore", invalid="ignore"):
            sim = _Simulation(self, circuit, values, batch, seed, record)
            built = time.perf_counter()
            sim.run(progress)
        done = time.perf_counter()
        log.debug("reference run of %r: %d steps x %d samples in %.3f s", circuit.name, self.n_steps, batch, done - start)
        return sim.result(build_time_s=built - start, run_time_s=done - built)


def _check_record(circuit: Circuit, record: Mapping[str, Sequence[int]] | None) -> dict[str, np.ndarray]:
    """Validate ``record_voltage``: known neuron populations, integer indices in range."""
    if record is None:
        return {}
    if not isinstance(record, Mapping):
        raise ParameterError(f"record_voltage must map population names to neuron indices; got {record!r}.")
    out: dict[str, np.ndarray] = {}
    for name, idx in record.items():
        if name not in circuit.population_names:
            raise UnknownNameError(
                f"record_voltage: {name!r} is not a neuron population of {circuit.name!r}; valid: "
                f"{', '.join(circuit.population_names)}."
            )
        size = circuit.population(name).size
        try:
            arr = np.atleast_1d(np.asarray(idx))
        except Exception:  # ragged or exotic objects
            arr = np.zeros(0, dtype=object)
        if arr.dtype.kind not in "iu" or arr.ndim != 1 or len(arr) == 0:
            raise ParameterError(f"record_voltage[{name!r}]: expected a list of neuron indices; got {idx!r}.")
        if arr.min() < 0 or arr.max() >= size:
            raise ParameterError(
                f"record_voltage[{name!r}]: neuron index out of range 0..{size - 1}; got {arr.tolist()}."
            )
        out[name] = arr.astype(np.int64)
    return out


class _Simulation:
    """One reference run: built from (circuit, inputs), stepped once, turned into a Result."""

    def __init__(self, be: ReferenceBackend, circuit: Circuit, values, batch: int, seed: int, record) -> None:
        self.be, self.circuit, self.values, self.batch, self.seed = be, circuit, values, batch, seed
        self.record = record
        self.n_steps = be.n_steps
        self.dt_s = be.dt_ms * _S_PER_MS
        self.input_trains: dict[str, SpikeTrains] = {}
        self.input_events: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._encode_inputs()
        self.pops: dict[str, _Population] = {}
        analog = self._analog_currents()
        for pop in circuit.populations:
            self.pops[pop.name] = self._population(pop, analog.get(pop.name, {}))
        self.pathways = self._pathways()
        self.traces = {
            name: np.zeros((self.n_steps, batch, len(idx))) for name, idx in record.items()
        }

    # ------------------------------------------------------------------ setup
    def _lif(self, pop: NeuronPopulation) -> LIF:
        return pop.neuron if pop.neuron is not None else self.be.neuron

    def _encode_inputs(self) -> None:
        be = self.be
        if not be.encoding.is_spiking:
            return
        for pop in self.circuit.inputs:
            tr = be.encoding.encode(
                pop.name,
                self.values[pop.name],
                rate_scale_hz=be.rate_scale_hz,
                duration_ms=be.duration_ms,
                dt_ms=be.dt_ms,
                seed=self.seed,
            )
            self.input_trains[pop.name] = tr
            # The time bin Brian2's SpikeGeneratorGroup puts a spike in: int((t + 1e-3 dt) / dt), in seconds.
            t_s = np.asarray(tr.time_ms) * _S_PER_MS
            steps = np.asarray((t_s + 1e-3 * self.dt_s) / self.dt_s).astype(np.int64)
            flat = tr.sample * pop.size + tr.neuron
            keep = (steps >= 0) & (steps < self.n_steps)
            order = np.lexsort((flat[keep], steps[keep]))
            steps, flat, sign = steps[keep][order], flat[keep][order], np.asarray(tr.sign)[keep][order]
            dup = (np.diff(steps) == 0) & (np.diff(flat) == 0)
            if dup.any():
                raise InputError(
                    f"Input {pop.name!r}: encoding {be.encoding.name!r} emitted two spikes of one channel in "
                    f"one time step (step {int(steps[1:][dup][0])}); lower the rate or dt_ms."
                )
            bounds = np.searchsorted(steps, np.arange(self.n_steps + 1))
            self.input_events[pop.name] = (bounds, flat, sign)

    def _analog_currents(self) -> dict[str, dict[int, np.ndarray]]:
        """Analog inputs as currents (1/s) per target and onset step: {post: {step: (batch, size)}}."""
        be = self.be
        out: dict[str, dict[int, np.ndarray]] = {}
        if be.encoding.is_spiking:
            return out
        for proj in self.circuit.projections:
            if not self.circuit.is_input(proj.pre):
                continue
            x = be.encoding.current_hz(self.values[proj.pre], rate_scale_hz=be.rate_scale_hz)
            # onsets at or after the end of the run never happen (kept in float: no integer overflow)
            onset = _synaptic_delay_steps(proj.delays, self.dt_s, self.n_steps)
            per_post = out.setdefault(proj.post, {})
            for d in np.unique(onset):
                w = np.where(onset == d, proj.weights, 0.0)
                per_post[int(d)] = per_post.get(int(d), 0.0) + x @ w.T
        return out

    def _population(self, pop: NeuronPopulation, analog: dict[int, np.ndarray]) -> _Population:
        shape = (self.batch, pop.size)
        i_bias = np.broadcast_to(pop.bias * self.be.rate_scale_hz, shape).copy()
        i_analog = np.array(analog[0], dtype=float) if 0 in analog else np.zeros(shape)
        onsets = {d: np.asarray(c, dtype=float) for d, c in analog.items() if 0 < d < self.n_steps}
        for what, cur in (("bias current (bias x rate_scale_hz)", i_bias), ("analog input current", i_analog),
                          *(("delayed analog input current", c) for c in onsets.values())):
            if not np.all(np.isfinite(cur)):
                raise SimulationError(
                    f"Population {pop.name!r}: the {what} is not finite in float64; scale the bias, the "
                    "inputs or rate_scale_hz down."
                )
        lif = self._lif(pop)
        return _Population(
            name=pop.name,
            lif=lif,
            v=np.full(shape, lif.v_rest),
            i_bias=i_bias,
            i_analog=i_analog,
            onsets=onsets,
            dt_s=self.dt_s,
        )

    def _pathways(self) -> list[_Pathway]:
        circuit, be = self.circuit, self.be
        paths = []
        max_delay: dict[str, int] = {}
        for proj in circuit.projections:
            if circuit.is_input(proj.pre) and not be.encoding.is_spiking:
                continue  # analog: constant currents
            weights = proj.weights
            if not np.all(np.isfinite(weights)):
                raise SimulationError(
                    f"Projection {proj.name!r}: counts x unit_weight overflows float64; use a smaller unit_weight."
                )
            connected = proj.counts != 0
            if not connected.any():
                continue
            steps = _synaptic_delay_steps(proj.delays, self.dt_s, self.n_steps)
            connected &= steps < self.n_steps  # spikes that would arrive after the run are dropped
            if not connected.any():
                continue
            by_delay = []
            for d in np.unique(steps[connected]):
                w = np.where(connected & (steps == d), weights, 0.0)
                by_delay.append((int(d), np.ascontiguousarray(w.T)))
            paths.append(_Pathway(proj.pre, proj.post, tuple(by_delay)))
            max_delay[proj.post] = max(max_delay.get(proj.post, 0), max(d for d, _ in by_delay))
        for name, d in max_delay.items():
            pop = self.pops[name]
            pop.buffer = np.zeros((d + 1, *pop.v.shape))
        return paths

    # -------------------------------------------------------------------- run
    def _input_spikes(self, name: str, step: int) -> np.ndarray | None:
        bounds, flat, sign = self.input_events[name]
        lo, hi = bounds[step], bounds[step + 1]
        if lo == hi:
            return None
        size = self.circuit.population(name).size
        vec = np.zeros(self.batch * size)
        vec[flat[lo:hi]] = sign[lo:hi]
        return vec.reshape(self.batch, size)

    def run(self, progress: Callable[[float, float], None] | None = None) -> None:
        pops = list(self.pops.values())
        recorded = [(self.traces[name], self.pops[name], idx) for name, idx in self.record.items()]
        start = last_report = time.perf_counter()
        for step in range(self.n_steps):
            if progress is not None and step % 256 == 0 and time.perf_counter() - last_report >= _REPORT_PERIOD_S:
                last_report = time.perf_counter()
                progress(step / self.n_steps, last_report - start)
            # 1. monitors (start of step) and analog onsets
            for trace, pop, idx in recorded:
                trace[step] = pop.v[:, idx]
            for pop in pops:
                if step in pop.onsets:
                    pop.i_analog = pop.i_analog + pop.onsets[step]
                    pop.update_coefficients()
            # 2. state update
            free = [pop.integrate(step) for pop in pops]
            # 3. threshold
            spiked = {pop.name: pop.threshold(step, f) for pop, f in zip(pops, free)}
            # 4. synaptic delivery: this step's spikes into the ring buffers, then the due slot
            for path in self.pathways:
                if path.pre in spiked:
                    s = spiked[path.pre]
                    if not s.any():
                        continue
                    vec = s.astype(float)
                else:
                    vec = self._input_spikes(path.pre, step)
                    if vec is None:
                        continue
                buffer = self.pops[path.post].buffer
                n_slots = len(buffer)
                for d, w_t in path.by_delay:
                    buffer[(step + d) % n_slots] += vec @ w_t
            for pop, f in zip(pops, free):
                pop.deliver(step, f, spiked[pop.name])
                pop.check_finite(step)
            # 5. reset
            for pop in pops:
                pop.reset(spiked[pop.name])
        if progress is not None:
            progress(1.0, time.perf_counter() - start)

    def result(self, *, build_time_s: float, run_time_s: float) -> Result:
        be, circuit, batch = self.be, self.circuit, self.batch
        acts: dict[str, np.ndarray] = {}
        spikes: dict[str, SpikeTrains] = {}
        for pop in circuit.inputs:
            trains = self.input_trains.get(pop.name)
            acts[pop.name] = be.encoding.decode(trains, self.values[pop.name], rate_scale_hz=be.rate_scale_hz)
            if trains is not None:
                spikes[pop.name] = trains
        for pop in circuit.populations:
            trains = self.pops[pop.name].trains(batch, pop.size, be.dt_ms, be.duration_ms)
            spikes[pop.name] = trains
            acts[pop.name] = trains.counts() / (be.duration_ms * 1e-3) / be.rate_scale_hz
        t_ms = np.arange(self.n_steps) * be.dt_ms
        voltages = {
            name: VoltageTrace(name, self.record[name], t_ms, np.transpose(trace, (1, 2, 0)))
            for name, trace in self.traces.items()
        }
        info = {
            "backend": be.name,
            **be.options(),
            "target": TARGET,
            "seed": self.seed,
            "batch_size": batch,
            "n_steps": self.n_steps,
            "neurons": {p.name: self._lif(p).to_dict() for p in circuit.populations},
            "synapses": {p.name: p.n_synapses for p in circuit.projections},
            "delivery": "count x unit_weight per connection",
            "numpy_version": np.__version__,
            "build_time_s": build_time_s,
            "run_time_s": run_time_s,
            "wall_time_s": build_time_s + run_time_s,
        }
        final_v = {name: pop.v.copy() for name, pop in self.pops.items()}
        return Result(be.name, circuit.name, batch, acts, spikes=spikes, voltages=voltages, info=info,
                      final_v=final_v)
