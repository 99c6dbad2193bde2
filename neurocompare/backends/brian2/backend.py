"""The spiking backend: the circuit as asynchronous threshold-spiking LIF neurons in Brian2.

This is the only module of neurocompare that imports Brian2, and it does so lazily, when a
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

import contextlib
import gc
import logging
import time
import warnings
from dataclasses import dataclass, field
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from ...circuit import Circuit, NeuronPopulation, Projection, normalize_inputs
from ...encoding import Encoding, get_encoding
from ...errors import BackendError, ParameterError, SimulationError, UnknownNameError
from ...models import LIF
from ...results import Result, SpikeTrains, VoltageTrace
from ..._validation import check_positive, check_seed

__all__ = ["SpikingBackend", "SpikingSimulation", "TARGETS", "SYNAPSE_MODES", "INPUT_MODES"]

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
#: ... or this many synapse-steps, if cython works here.
AUTO_CYTHON_SYNAPSE_STEPS = 50_000_000_000


def import_brian2() -> Any:
    """Import Brian2, hiding the deprecation warnings newer pyparsing raises inside it."""
    try:
        from pyparsing.warnings import PyparsingDeprecationWarning as _PDW  # pyparsing >= 3.3
    except ImportError:  # pragma: no cover - older pyparsing
        _PDW = DeprecationWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", _PDW)
        try:
            import brian2
        except ImportError as exc:  # pragma: no cover - brian2 is a core dependency
            raise BackendError(
                f"The spiking backend needs Brian2 2.9 ('pip install \"brian2>=2.9,<2.10\"'): {exc}"
            ) from exc
    return brian2


@contextlib.contextmanager
def _brian2_context(b2: Any, target: str) -> Iterator[None]:
    """Set Brian2's code-generation target for one build/run and restore it afterwards."""
    try:
        from pyparsing.warnings import PyparsingDeprecationWarning as _PDW
    except ImportError:  # pragma: no cover
        _PDW = DeprecationWarning
    old_target = b2.prefs.codegen.target
    b2.prefs.codegen.target = target
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", _PDW)
            yield
    finally:
        b2.prefs.codegen.target = old_target


@contextlib.contextmanager
def _gc_frozen() -> Iterator[None]:
    """Move the objects tracked by the garbage collector out of its reach for a while (gc.freeze)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def cython_available() -> bool:
    """True if Brian2's cython target works here (Cython and a C compiler present)."""
    b2 = import_brian2()
    from brian2.codegen.runtime.cython_rt import CythonCodeObject

    try:
        return bool(CythonCodeObject.is_available())
    except Exception:  # pragma: no cover - a broken toolchain counts as unavailable
        return False


def _lif_of(pop: NeuronPopulation, default: LIF) -> LIF:
    return pop.neuron if pop.neuron is not None else default


class SpikingBackend:
    """Asynchronous threshold-spiking LIF neurons in Brian2 (the "real neuron" of the comparison).

    Parameters
    ----------
    duration_ms : float
        Simulated time per sample (all samples run in parallel). Default 100 ms.
    dt_ms : float
        Time step. Default 0.1 ms; keep it well below ``tau_m`` and ``t_ref`` (1 ms visibly
        distorts rates).
    encoding : str or Encoding
        ``"poisson"`` (default), ``"regular"``, ``"latency"``, ``"analog"`` or an instance.
    rate_scale_hz : float
        The firing rate that stands for activation 1.0 (inputs, biases and decoding). Default 200 Hz.
    neuron : LIF, optional
        Parameters for populations that do not set their own. Default ``LIF()``.
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

    def __init__(
        self,
        *,
        duration_ms: float = 100.0,
        dt_ms: float = 0.1,
        encoding: str | Encoding = "poisson",
        rate_scale_hz: float = 200.0,
        neuron: LIF | None = None,
        target: str = "auto",
        synapse_mode: str = "multi",
        input_mode: str = "auto",
    ) -> None:
        owner = "SpikingBackend"
        self.duration_ms = check_positive(owner, "duration_ms", duration_ms)
        self.dt_ms = check_positive(owner, "dt_ms", dt_ms)
        if self.duration_ms < self.dt_ms:
            raise ParameterError(f"{owner}: duration_ms ({duration_ms!r}) must be at least dt_ms ({dt_ms!r}).")
        n_steps = self.duration_ms / self.dt_ms
        if abs(n_steps - round(n_steps)) > 1e-6 * max(1.0, n_steps):
            raise ParameterError(
                f"{owner}: duration_ms ({duration_ms!r}) must be a whole number of time steps of dt_ms ({dt_ms!r})."
            )
        self.encoding = get_encoding(encoding)
        self.rate_scale_hz = check_positive(owner, "rate_scale_hz", rate_scale_hz)
        if neuron is not None and not isinstance(neuron, LIF):
            raise ParameterError(f"{owner}: neuron must be a LIF instance or None; got {neuron!r}.")
        self.neuron = neuron if neuron is not None else LIF()
        if target not in TARGETS:
            raise UnknownNameError(f"{owner}: unknown target {target!r}; valid: {', '.join(TARGETS)}.")
        self.target = target
        if synapse_mode not in SYNAPSE_MODES:
            raise UnknownNameError(
                f"{owner}: unknown synapse_mode {synapse_mode!r}; valid: {', '.join(SYNAPSE_MODES)}."
            )
        self.synapse_mode = synapse_mode
        if input_mode not in INPUT_MODES:
            raise UnknownNameError(f"{owner}: unknown input_mode {input_mode!r}; valid: {', '.join(INPUT_MODES)}.")
        self.input_mode = input_mode

    def __repr__(self) -> str:
        return (
            f"SpikingBackend(duration_ms={self.duration_ms:g}, dt_ms={self.dt_ms:g}, "
            f"encoding={self.encoding.name!r}, rate_scale_hz={self.rate_scale_hz:g}, "
            f"target={self.target!r}, synapse_mode={self.synapse_mode!r}, input_mode={self.input_mode!r})"
        )

    @property
    def n_steps(self) -> int:
        return int(round(self.duration_ms / self.dt_ms))

    def options(self) -> dict[str, Any]:
        """The backend's settings as plain data."""
        return {
            "duration_ms": self.duration_ms,
            "dt_ms": self.dt_ms,
            "encoding": self.encoding.to_dict(),
            "rate_scale_hz": self.rate_scale_hz,
            "neuron": self.neuron.to_dict(),
            "target": self.target,
            "synapse_mode": self.synapse_mode,
            "input_mode": self.input_mode,
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
        """Simulate ``circuit`` on a batch of inputs (one Brian2 run for the whole batch).

        Parameters
        ----------
        circuit : Circuit
        inputs : mapping name -> array (batch, size), or an array if there is one input population
        seed : int, optional
            Seeds the input encoding; ``None`` draws one (recorded in ``result.info["seed"]``).
        record_voltage : mapping population -> neuron indices, optional
            Record the membrane potential of these neurons (in every sample).
        progress : callable(fraction_done, elapsed_s), optional
            Called about every half second of wall time while Brian2 runs (for progress bars).
        """
        return self.build(circuit, inputs, seed=seed, record_voltage=record_voltage).run(progress=progress)

    def build(
        self,
        circuit: Circuit,
        inputs: Any = None,
        *,
        seed: int | None = None,
        record_voltage: Mapping[str, Sequence[int]] | None = None,
    ) -> "SpikingSimulation":
        """Build (but do not run) the Brian2 network, for inspection or custom monitoring."""
        if not isinstance(circuit, Circuit):
            raise ParameterError(f"SpikingBackend: circuit must be a Circuit; got {type(circuit).__name__}.")
        values, batch = normalize_inputs(circuit, inputs)
        seed = check_seed(seed)
        record = _check_record(circuit, record_voltage)
        return _Builder(self, circuit, values, batch, seed, record).build()

    def choose_target(self, circuit: Circuit, batch: int) -> str:
        """The code-generation target "auto" resolves to for this circuit and batch size."""
        if self.target != "auto":
            return self.target
        neurons = batch * sum(p.size for p in circuit.populations)
        synapses = batch * (circuit.n_synapses if self.synapse_mode == "multi" else
                            sum(p.n_connections for p in circuit.projections))
        big = neurons * self.n_steps > AUTO_CYTHON_NEURON_STEPS or synapses * self.n_steps > AUTO_CYTHON_SYNAPSE_STEPS
        return "cython" if big and cython_available() else "numpy"

    def choose_input_mode(self, circuit: Circuit, batch: int) -> str:
        """The input mode "auto" resolves to for this circuit and batch size."""
        if not self.encoding.is_spiking:
            return "synapses"  # analog inputs are constant currents: nothing to deliver per step
        if self.input_mode != "auto":
            return self.input_mode
        return "drive" if self.synapse_mode == "aggregate" else "synapses"


def _check_record(circuit: Circuit, record: Mapping[str, Sequence[int]] | None) -> dict[str, np.ndarray]:
    if record is None:
        return {}
    if not isinstance(record, Mapping):
        raise ParameterError(f"record_voltage must map population names to neuron indices; got {record!r}.")
    out = {}
    for name, idx in record.items():
        if name not in circuit.population_names:
            raise UnknownNameError(
                f"record_voltage: {name!r} is not a neuron population of {circuit.name!r}; valid: "
                f"{', '.join(circuit.population_names)}."
            )
        size = circuit.population(name).size
        try:
            arr = np.atleast_1d(np.asarray(idx))
        except (ValueError, TypeError):  # ragged lists, exotic objects
            arr = np.zeros(0, dtype=object)
        if arr.dtype.kind not in "iu" or arr.ndim != 1 or len(arr) == 0:
            raise ParameterError(f"record_voltage[{name!r}]: expected a list of neuron indices; got {idx!r}.")
        if arr.min() < 0 or arr.max() >= size:
            raise ParameterError(
                f"record_voltage[{name!r}]: neuron index out of range 0..{size - 1}; got {arr.tolist()}."
            )
        out[name] = arr.astype(np.int64)
    return out


@dataclass
class SpikingSimulation:
    """A built Brian2 network for one circuit and batch, ready to :meth:`run` once.

    Attributes
    ----------
    network : brian2.Network
    groups : dict name -> NeuronGroup or SpikeGeneratorGroup (inputs with analog coding have none).
        Populations with the same neuron model share one NeuronGroup; each then has its slice of
        it here (a Brian2 Subgroup, usable like a group).
    synapses : dict projection name ("pre->post") -> brian2.Synapses (empty projections have none)
    spike_monitors : dict population name -> the SpikeMonitor of its NeuronGroup (indices are the
        group's: the population's neurons are ``neuron_slices[name]``)
    neuron_slices : dict population name -> slice of its neurons in its NeuronGroup
    """

    backend: SpikingBackend
    circuit: Circuit
    batch_size: int
    seed: int
    target: str
    input_mode: str
    values: dict[str, np.ndarray]
    input_trains: dict[str, SpikeTrains]
    network: Any
    groups: dict[str, Any]
    synapses: dict[str, Any]
    spike_monitors: dict[str, Any]
    neuron_slices: dict[str, slice]
    state_monitors: dict[str, tuple[Any, np.ndarray]]
    build_time_s: float
    _ran: bool = field(default=False, repr=False)

    def run(self, *, progress: Callable[[float, float], None] | None = None) -> Result:
        """Run the network for the backend's duration and collect the result.

        ``progress(fraction_done, elapsed_s)`` is called about every 0.5 s of wall time.
        """
        if self._ran:
            raise SimulationError("This SpikingSimulation has already run; build a new one.")
        self._ran = True
        b2 = import_brian2()
        be = self.backend
        report: Any = None
        if progress is not None:
            def report(elapsed, completed, start, duration):  # Brian2's report signature
                progress(float(completed), float(elapsed))
        start = time.perf_counter()
        # Overflow is reported as a SimulationError by _collect, not as numpy warnings from inside Brian2.
        # Network.run starts with gc.collect() (to warn about objects outside any network, which an explicit
        # Network cannot have); freezing the objects that already exist makes it ~0.1 s cheaper per run.
        with _brian2_context(b2, self.target), np.errstate(over="ignore", invalid="ignore"), _gc_frozen():
            self.network.run(
                be.duration_ms * b2.ms, namespace={}, report=report, report_period=0.5 * b2.second
            )
        run_time = time.perf_counter() - start
        stopped_ms = float(self.network.t / b2.ms)
        if stopped_ms < be.duration_ms - 0.5 * be.dt_ms:
            # Brian2 ends a run early on Ctrl+C (stop_on_keyboard_interrupt) and returns normally:
            # a truncated result must not pass for a full one.
            raise KeyboardInterrupt(f"the simulation stopped at {stopped_ms:g} of {be.duration_ms:g} ms")
        return self._collect(run_time)

    def _collect(self, run_time: float) -> Result:
        be, circuit, batch = self.backend, self.circuit, self.batch_size
        dt_s = be.dt_ms * 1e-3
        acts: dict[str, np.ndarray] = {}
        spikes: dict[str, SpikeTrains] = {}
        for pop in circuit.inputs:
            values = self.values[pop.name]
            trains = self.input_trains.get(pop.name)
            acts[pop.name] = be.encoding.decode(trains, values, rate_scale_hz=be.rate_scale_hz)
            if trains is not None:
                spikes[pop.name] = trains
        final_v: dict[str, np.ndarray] = {}
        recorded: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # per monitor: (steps, group indices)
        for pop in circuit.populations:
            group = self.groups[pop.name]
            v = np.asarray(group.v_[:])
            final_v[pop.name] = v.reshape(batch, pop.size).copy()
            if not np.all(np.isfinite(v)) or np.any(np.asarray(group.v_overflow[:]) > 0):
                raise SimulationError(
                    f"Population {pop.name!r}: the membrane potential became non-finite; check the bias, "
                    "weights and neuron parameters."
                )
            mon = self.spike_monitors[pop.name]
            if id(mon) not in recorded:
                # Brian2 keeps times in seconds; convert explicitly to integer steps, then to ms.
                recorded[id(mon)] = (np.round(np.asarray(mon.t_[:]) / dt_s).astype(np.int64),
                                     np.asarray(mon.i[:], dtype=np.int64))
            steps, gidx = recorded[id(mon)]
            sl = self.neuron_slices[pop.name]
            if sl != slice(0, mon.source.N):  # the group holds other populations too: keep this one's spikes
                mine = (gidx >= sl.start) & (gidx < sl.stop)
                steps, gidx = steps[mine], gidx[mine] - sl.start
            key = steps * (batch * pop.size) + gidx  # by step, then neuron; no overflow: < n_steps * neurons
            if len(key) > 1 and not np.all(key[1:] > key[:-1]):  # the monitor records in this order already
                key = np.sort(key)
            steps, gidx = np.divmod(key, batch * pop.size)
            trains = SpikeTrains(
                pop.name, batch, pop.size, gidx // pop.size, gidx % pop.size, steps * be.dt_ms, be.duration_ms
            )
            spikes[pop.name] = trains
            acts[pop.name] = trains.counts() / (be.duration_ms * 1e-3) / be.rate_scale_hz
        voltages = {}
        for name, (mon, neurons) in self.state_monitors.items():
            raw = np.asarray(mon.v_[:] if hasattr(mon, "v_") else mon.v[:])  # (len(record), T)
            trace = raw.reshape(batch, len(neurons), -1)
            t_ms = np.round(np.asarray(mon.t_[:]) / dt_s) * be.dt_ms
            voltages[name] = VoltageTrace(name, neurons, t_ms, trace)
        n_syn = {name: int(len(s)) for name, s in self.synapses.items()}
        b2 = import_brian2()
        info = {
            "backend": be.name,
            **be.options(),
            "target": self.target,
            "input_mode": self.input_mode,
            "seed": self.seed,
            "batch_size": batch,
            "neurons": {
                p.name: _lif_of(p, be.neuron).to_dict() for p in circuit.populations
            },
            "brian2_synapses": n_syn,
            "brian2_version": b2.__version__,
            "build_time_s": self.build_time_s,
            "run_time_s": run_time,
            "wall_time_s": self.build_time_s + run_time,
        }
        return Result(be.name, circuit.name, batch, acts, spikes=spikes, voltages=voltages, info=info,
                      final_v=final_v)


class _InputDrive:
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


class _Builder:
    """Turns (circuit, inputs) into Brian2 objects; used once per build."""

    def __init__(self, backend: SpikingBackend, circuit: Circuit, values, batch, seed, record) -> None:
        self.be = backend
        self.circuit = circuit
        self.values = values
        self.batch = batch
        self.seed = seed
        self.record = record

    def build(self) -> SpikingSimulation:
        be, circuit, batch = self.be, self.circuit, self.batch
        start = time.perf_counter()
        target = be.choose_target(circuit, batch)
        input_mode = be.choose_input_mode(circuit, batch)
        b2 = import_brian2()
        dt = be.dt_ms * b2.ms
        groups: dict[str, Any] = {}
        trains: dict[str, SpikeTrains] = {}
        objects: list[Any] = []
        with _brian2_context(b2, target):
            # Inputs -------------------------------------------------------------
            for pop in circuit.inputs:
                if not be.encoding.is_spiking:
                    continue
                tr = be.encoding.encode(
                    pop.name,
                    self.values[pop.name],
                    rate_scale_hz=be.rate_scale_hz,
                    duration_ms=be.duration_ms,
                    dt_ms=be.dt_ms,
                    seed=self.seed,
                )
                trains[pop.name] = tr
                if input_mode == "drive":
                    continue
                # Brian2 takes times with units; hand it seconds explicitly (ms -> s).
                group = b2.SpikeGeneratorGroup(
                    batch * pop.size,
                    tr.sample * pop.size + tr.neuron,
                    (tr.time_ms * 1e-3) * b2.second,
                    dt=dt,
                    sorted=True,
                    name=f"in_{pop.name}",
                )
                groups[pop.name] = group
                objects.append(group)
            # Neurons: one NeuronGroup per neuron model --------------------------------
            analog = self._analog_currents()
            drives = self._input_drives(trains) if input_mode == "drive" else {}
            self.operations: list[Any] = []
            spike_monitors: dict[str, Any] = {}
            slices: dict[str, slice] = {}  # each population's neurons in its group
            for pops in self._neuron_blocks():
                group, block_slices = self._neuron_group(b2, pops, analog, dt, drives)
                mon = b2.SpikeMonitor(group, record=True, name=f"spikes_{group.name}")
                objects += [group, mon]
                for pop in pops:
                    sl = slices[pop.name] = block_slices[pop.name]
                    groups[pop.name] = group if len(pops) == 1 else group[sl]
                    spike_monitors[pop.name] = mon
            objects.extend(self.operations)
            # Synapses ------------------------------------------------------------
            synapses: dict[str, Any] = {}
            for index, proj in enumerate(circuit.projections):
                if circuit.is_input(proj.pre) and (not be.encoding.is_spiking or input_mode == "drive"):
                    continue  # analog: folded into constant currents; drive: into the per-step drive
                syn = self._synapses(b2, proj, groups[proj.pre], groups[proj.post], dt, index)
                if syn is not None:
                    synapses[proj.name] = syn
                    objects.append(syn)
            # Voltage monitors --------------------------------------------------------
            state_monitors = {}
            for name, neurons in self.record.items():
                size = circuit.population(name).size
                idx = (np.arange(batch)[:, None] * size + neurons[None, :]).ravel()
                mon = b2.StateMonitor(groups[name], "v", record=idx, dt=dt, name=f"v_{name}")
                state_monitors[name] = (mon, neurons)
                objects.append(mon)
            network = b2.Network(*objects)
        return SpikingSimulation(
            backend=be,
            circuit=circuit,
            batch_size=batch,
            seed=self.seed,
            target=target,
            input_mode=input_mode,
            values=self.values,
            input_trains=trains,
            network=network,
            groups=groups,
            synapses=synapses,
            spike_monitors=spike_monitors,
            neuron_slices=slices,
            state_monitors=state_monitors,
            build_time_s=time.perf_counter() - start,
        )

    def _delay_steps(self, proj: Projection) -> np.ndarray:
        """Delays in whole steps, rounded like Brian2's spike queue, ``int(delay / dt + 0.5)``, capped at
        the run length in float (an arrival after the run never happens; no integer overflow)."""
        be = self.be
        return np.minimum(np.floor(proj.delays * 1e-3 / (be.dt_ms * 1e-3) + 0.5), be.n_steps).astype(np.int64)

    def _analog_currents(self) -> dict[str, dict[int, np.ndarray]]:
        """Analog inputs as constant currents (1/s): {post: {delay_steps: (batch, size)}}."""
        out: dict[str, dict[int, np.ndarray]] = {}
        if self.be.encoding.is_spiking:
            return out
        be = self.be
        for proj in self.circuit.projections:
            if not self.circuit.is_input(proj.pre):
                continue
            x = be.encoding.current_hz(self.values[proj.pre], rate_scale_hz=be.rate_scale_hz)
            steps = self._delay_steps(proj)
            per_post = out.setdefault(proj.post, {})
            for d in np.unique(steps):
                w = np.where(steps == d, proj.weights, 0.0)
                cur = x @ w.T  # (batch, post size)
                per_post[int(d)] = per_post.get(int(d), 0.0) + cur
        return out

    def _input_drives(self, trains: dict[str, SpikeTrains]) -> dict[str, "_InputDrive"]:
        """The jumps input spikes cause, as one per-step operation per target population.

        Spike ``(sample s, neuron j, step k)`` through a projection with counts ``n[i, j]`` adds
        ``sign * n[i, j] * unit_weight`` to neuron ``i`` of sample ``s`` at step ``k + d``, ``d`` the
        delay rounded like Brian2's spike queue, ``int(delay / dt + 0.5)``; arrivals after the run
        are dropped. This is what the input Synapses would deliver in that step.
        """
        be, circuit = self.be, self.circuit
        n_steps = be.n_steps
        out: dict[str, _InputDrive] = {}
        for proj in circuit.projections:
            if not circuit.is_input(proj.pre) or not np.any(proj.counts):
                continue
            tr = trains[proj.pre]
            step = np.round(tr.time_ms / be.dt_ms).astype(np.int64)
            sign = tr.sign if tr.sign is not None else np.ones(len(step))
            weights = proj.counts * float(proj.unit_weight)  # (post, pre)
            d_steps = np.broadcast_to(self._delay_steps(proj), weights.shape)
            drive = out.setdefault(proj.post, _InputDrive(self.batch, circuit.population(proj.post).size, n_steps))
            for d in np.unique(d_steps[weights != 0]):
                keep = step + d < n_steps
                if np.any(keep):
                    drive.add(step[keep] + d, tr.sample[keep], tr.neuron[keep], sign[keep],
                              np.where(d_steps == d, weights, 0.0))
        return out

    def _neuron_blocks(self) -> list[list[NeuronPopulation]]:
        """The populations grouped by neuron model, in circuit order: each block becomes ONE NeuronGroup.

        Populations of one model differ only in their per-neuron values (bias, input), so they can
        share a group: Brian2 then runs one state update, threshold, reset and spike monitor per
        step for all of them instead of one each (its per-object overhead dominates small groups).
        Each neuron's arithmetic is unchanged, and so are its spikes (tested).
        """
        blocks: dict[LIF, list[NeuronPopulation]] = {}
        for pop in self.circuit.populations:
            blocks.setdefault(_lif_of(pop, self.be.neuron), []).append(pop)
        return list(blocks.values())

    def _neuron_group(
        self, b2: Any, pops: Sequence[NeuronPopulation], analog: dict[str, dict[int, np.ndarray]], dt: Any,
        drives: dict[str, "_InputDrive"],
    ) -> tuple[Any, dict[str, slice]]:
        """One NeuronGroup for populations of one neuron model, and where each population lies in it.

        Population ``p`` occupies ``batch * p.size`` consecutive neurons, sample-major as usual.
        """
        be, batch = self.be, self.batch
        lif = _lif_of(pops[0], be.neuron)
        bounds = np.cumsum([0] + [batch * p.size for p in pops]).tolist()
        slices = {p.name: slice(lo, hi) for p, lo, hi in zip(pops, bounds, bounds[1:])}
        currents = [analog.get(p.name, {}) for p in pops]
        delays = sorted({d for cur in currents for d in cur})

        def stacked(d: int) -> np.ndarray:  # the analog current with delay d, zero where a population has none
            return np.concatenate([np.broadcast_to(cur.get(d, 0.0), (batch, p.size)).ravel()
                                   for p, cur in zip(pops, currents)])

        delayed = [d for d in delays if d > 0]
        leak = "(v_rest - v) / tau_m + " if lif.leaky else ""
        lines = [
            f"dv/dt = {leak}I_bias + I_analog : 1" + (" (unless refractory)" if lif.t_ref_ms > 0 else ""),
            "I_bias : Hz (constant)",
            "I_analog : Hz",
            "v_overflow : 1",  # counts spikes fired from a non-finite membrane (the reset would hide them)
        ]
        lines += [f"I_delayed_{d} : Hz (constant)" for d in delayed]
        namespace = {
            "v_rest": lif.v_rest,
            "v_th": lif.v_threshold,
            "v_reset": lif.v_reset,
            "v_fire": lif.v_threshold - THRESHOLD_TOLERANCE * lif.reset_step,
        }
        if lif.leaky:
            namespace["tau_m"] = lif.tau_m_ms * b2.ms
        reset = "v_overflow += int(v > 1.7976931348623157e308)\n" + (
            "v = v_reset" if lif.reset == "value" else "v = v - (v_th - v_reset)"
        )
        kwargs: dict[str, Any] = {}
        if lif.t_ref_ms > 0:
            # A clamp longer than the run ends with it: same spikes, and Brian2 cannot take t_ref > 1e4 s
            # (a neuron's lastspike starts at -1e4 s) nor t_ref beyond int64 steps.
            kwargs["refractory"] = min(lif.t_ref_ms, be.duration_ms + be.dt_ms) * b2.ms
        # A fixed name (see the module docstring), distinct from every other group's: "pop_" + the population's
        # name, or "pops_" + the first population's name and how many more share the group.
        name = f"pop_{pops[0].name}" if len(pops) == 1 else f"pops_{pops[0].name}_{len(pops) - 1}"
        group = b2.NeuronGroup(
            bounds[-1],
            "\n".join(lines),
            threshold="v >= v_fire",
            reset=reset,
            # Exact integration: linear ODE with currents constant over a step; without the leak
            # the right-hand side is constant and forward Euler is exact.
            method="exact" if lif.leaky else "euler",
            namespace=namespace,
            dt=dt,
            name=name,
            **kwargs,
        )
        group.v = lif.v_rest
        group.I_bias = np.concatenate([np.tile(p.bias * be.rate_scale_hz, batch) for p in pops]) * b2.Hz
        if 0 in delays:
            group.I_analog = stacked(0) * b2.Hz
        for d in delayed:
            setattr(group, f"I_delayed_{d}", stacked(d) * b2.Hz)
        if delayed:
            # Currents from delayed analog synapses switch on when their delay has elapsed.
            terms = " + ".join(f"I_delayed_{d} * int(t_in_timesteps == {d})" for d in delayed)
            group.run_regularly(f"I_analog += {terms}", when="start", name=f"onset_{name}")
        for pop in pops:
            if pop.name in drives:
                # Input spikes' jumps, in the synapses slot as the input Synapses would add them (input_mode="drive").
                drive = drives[pop.name]
                drive.attach(group, slices[pop.name], refractory=lif.t_ref_ms > 0)
                op = b2.NetworkOperation(drive, dt=dt, when="synapses", name=f"input_{pop.name}")
                drive.timestep = op.clock.variables["timestep"]
                self.operations.append(op)
        return group, slices

    def _synapses(self, b2: Any, proj: Projection, pre_group: Any, post_group: Any, dt: Any, index: int) -> Any | None:
        be, batch, circuit = self.be, self.batch, self.circuit
        k_idx, j_idx = np.nonzero(proj.counts)
        if len(k_idx) == 0:
            return None
        n = proj.counts[k_idx, j_idx]
        if be.synapse_mode == "multi":
            rep = np.abs(n)
            w_pair = np.sign(n) * proj.unit_weight
        else:
            rep = np.ones_like(n)
            w_pair = n * proj.unit_weight
        pre_local = np.repeat(j_idx, rep)
        post_local = np.repeat(k_idx, rep)
        w_local = np.repeat(w_pair, rep).astype(float)
        n_pre = circuit.population(proj.pre).size
        n_post = circuit.population(proj.post).size
        offsets = np.arange(batch)[:, None]
        pre = (offsets * n_pre + pre_local[None, :]).ravel()
        post = (offsets * n_post + post_local[None, :]).ravel()
        w = np.tile(w_local, batch)
        if circuit.is_input(proj.pre):
            # Spikes encoding a negative value act with the opposite sign (see encoding.py).
            sign = np.where(self.values[proj.pre] < 0, -1.0, 1.0)
            w = w * sign[:, pre_local].ravel()
        lif = _lif_of(circuit.population(proj.post), be.neuron)
        on_pre = "v_post += w * int(not_refractory_post)" if lif.t_ref_ms > 0 else "v_post += w"
        syn = b2.Synapses(
            pre_group,
            post_group,
            model="w : 1 (constant)",
            on_pre=on_pre,
            dt=dt,
            name=f"syn_{index}",
        )
        syn.connect(i=pre, j=post)
        syn.w = w
        # A delay beyond the run never delivers; capping it keeps Brian2's int step count from overflowing.
        delays = np.minimum(proj.delays, be.duration_ms + be.dt_ms)
        if np.any(delays > 0):
            if np.all(delays == delays.flat[0]):
                syn.delay = float(delays.flat[0]) * b2.ms
            else:
                d_local = np.repeat(delays[k_idx, j_idx], rep)
                syn.delay = (np.tile(d_local, batch) * 1e-3) * b2.second
        return syn
