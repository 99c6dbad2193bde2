"""Cross-check the Brian2 backend against the independent numpy reference, spike for spike.

:func:`crosscheck` runs one circuit on one batch of inputs through both
:class:`~neurocompare.backends.brian2.SpikingBackend` (Brian2) and
:class:`~neurocompare.backends.reference.ReferenceBackend` (plain numpy, no code shared),
with the same options and seed, and compares every population's spike trains. The input
spikes come from the same encoding code in both, so on any encoding (Poisson included) the
two simulators see identical input and should emit identical output; a difference means
one of them does not implement the model its docstring states.

>>> from neurocompare import Circuit, NeuronPopulation
>>> from neurocompare.crosscheck import crosscheck
>>> c = Circuit("one", populations=[NeuronPopulation("n", 2, bias=[0.5, 2.0])])
>>> report = crosscheck(c, None, duration_ms=50.0, target="numpy")
>>> report.identical
True
>>> report.raise_if_different()  # silent when identical
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

import numpy as np

from .backends.reference import ReferenceBackend
from .backends.brian2 import SpikingBackend
from .circuit import Circuit
from .errors import ParameterError, SimulationError, UnknownNameError
from .results import Result, SpikeTrains

__all__ = ["crosscheck", "CrosscheckReport", "PopulationCheck", "SpikeDifference", "SPIKING_ONLY_OPTIONS"]

#: Options that only the Brian2 backend takes (the reference has no code generation and always
#: delivers ``count x unit_weight``); :func:`crosscheck` passes them to the Brian2 side only.
SPIKING_ONLY_OPTIONS = ("target", "synapse_mode", "input_mode")

#: How many spike times of the differing neuron the summary shows.
_SHOWN_TIMES = 8


@dataclass(frozen=True)
class SpikeDifference:
    """The earliest spike present in one simulator's output and not in the other's.

    Attributes
    ----------
    population : str
    sample, neuron : int
    time_ms : float
        Time of the earliest spike that only one of the two runs has.
    only_in : {"spiking", "reference"}
        Which run has that spike.
    spiking_times_ms, reference_times_ms : tuple of float
        All spike times of this (sample, neuron) in each run.
    """

    population: str
    sample: int
    neuron: int
    time_ms: float
    only_in: str
    spiking_times_ms: tuple[float, ...]
    reference_times_ms: tuple[float, ...]

    def describe(self) -> str:
        """One line: where the runs first differ and the neuron's spike times in both."""

        def window(times: tuple[float, ...]) -> str:
            t = np.asarray(times)
            shown = t[t >= self.time_ms][:_SHOWN_TIMES]
            before = int(np.sum(t < self.time_ms))
            more = len(t) - before - len(shown)
            parts = ([f"({before} earlier)"] if before else []) + [f"{x:g}" for x in shown]
            parts += [f"... (+{more})"] if more > 0 else []
            return "[" + ", ".join(parts) + "]"

        return (
            f"{self.population!r} sample {self.sample}, neuron {self.neuron}: spike at {self.time_ms:g} ms only in "
            f"the {self.only_in} run; spike times (ms) Brian2 {window(self.spiking_times_ms)}, "
            f"reference {window(self.reference_times_ms)}"
        )


@dataclass(frozen=True)
class PopulationCheck:
    """How one population's spike trains compare between the two simulators.

    ``max_voltage_difference`` is the largest ``|v_brian2 - v_reference|`` over the recorded
    neurons (NaN if the population's voltage was not recorded).
    """

    population: str
    identical: bool
    n_spikes_spiking: int
    n_spikes_reference: int
    n_only_spiking: int
    n_only_reference: int
    first_difference: SpikeDifference | None
    max_voltage_difference: float = float("nan")
    matched_within_step: float = 1.0  # fraction of spikes (of the larger count) with a partner within one step
    count_difference: float = 0.0  # |count difference| / larger count, over the whole population

    @property
    def close(self) -> bool:
        """The tolerance for the nonlinear models: 99% of spikes within one step, counts within 1%."""
        return self.matched_within_step >= 0.99 and self.count_difference <= 0.01


@dataclass(frozen=True, eq=False)
class CrosscheckReport:
    """The outcome of :func:`crosscheck`.

    Attributes
    ----------
    identical : bool
        True if every population has the same spikes (sample, neuron, time) in both runs.
    close : bool
        True if every population is :attr:`PopulationCheck.close`: 99% of spikes with a partner in the same
        neuron within one time step and spike counts within 1% (the agreement the nonlinear models promise, whose
        floating-point operation order differs between the simulators).
    populations : tuple of PopulationCheck
        One entry per population with spikes (inputs first, in circuit order).
    first_difference : SpikeDifference or None
        The earliest differing spike over all populations.
    circuit_name : str
    seed : int
    dt_ms : float
    target : str
        The Brian2 code-generation target that was used.
    spiking, reference : Result
        The two runs, for closer inspection.
    """

    identical: bool
    populations: tuple[PopulationCheck, ...]
    first_difference: SpikeDifference | None
    circuit_name: str
    seed: int
    dt_ms: float
    target: str
    spiking: Result = field(repr=False)
    reference: Result = field(repr=False)

    @property
    def close(self) -> bool:
        return all(c.close for c in self.populations)

    def __getitem__(self, population: str) -> PopulationCheck:
        """The check of one population: ``report["out"]``."""
        for check in self.populations:
            if check.population == population:
                return check
        raise UnknownNameError(
            f"Crosscheck of {self.circuit_name!r}: no population {population!r}; known: "
            f"{', '.join(c.population for c in self.populations)}."
        )

    def summary(self) -> str:
        """A few lines: the verdict, then spike counts per population and the first difference."""
        verdict = "IDENTICAL" if self.identical else "DIFFERENT"
        lines = [
            f"Crosscheck of {self.circuit_name!r} (seed {self.seed}, dt {self.dt_ms:g} ms, Brian2 target "
            f"{self.target!r}) against the numpy reference: {verdict} spike trains."
        ]
        for c in self.populations:
            state = "identical" if c.identical else (
                f"DIFFER ({c.n_only_spiking} only in Brian2, {c.n_only_reference} only in the reference; "
                f"{100 * c.matched_within_step:.2f}% within one step, counts differ by "
                f"{100 * c.count_difference:.2f}%)"
            )
            volt = "" if np.isnan(c.max_voltage_difference) else f"; max |dv| {c.max_voltage_difference:.3g}"
            lines.append(
                f"  {c.population:<12} {c.n_spikes_spiking:>7} spikes (Brian2) {c.n_spikes_reference:>7} spikes "
                f"(reference)  {state}{volt}"
            )
        if self.first_difference is not None:
            lines.append("  first difference: " + self.first_difference.describe())
        return "\n".join(lines)

    def raise_if_different(self) -> None:
        """Raise :class:`~neurocompare.errors.SimulationError` with the summary unless identical."""
        if not self.identical:
            raise SimulationError(
                "The Brian2 backend and the numpy reference disagree; at least one does not implement the "
                "documented model (see neurocompare.backends.reference).\n" + self.summary()
            )


def crosscheck(
    circuit: Circuit,
    inputs: Any = None,
    *,
    seed: int = 0,
    record_voltage: Mapping[str, Sequence[int]] | None = None,
    **backend_options: Any,
) -> CrosscheckReport:
    """Run ``circuit`` on the Brian2 backend and on the numpy reference; compare the spikes.

    Parameters
    ----------
    circuit : Circuit
    inputs : mapping name -> array (batch, size) or GivenSpikes, or one of these if there is one input population
        A :class:`~neurocompare.spike_input.GivenSpikes` drives its population with exactly those spikes in
        both runs (its ``duration_ms`` and ``rate_scale_hz`` must be the backends').
    seed : int
        Seed of the input encoding, shared by both runs. Default 0.
    record_voltage : mapping population -> neuron indices, optional
        Also record these membrane potentials and report the largest difference.
    **backend_options
        Options of :class:`~neurocompare.backends.brian2.SpikingBackend` (``duration_ms``,
        ``dt_ms``, ``encoding``, ``rate_scale_hz``, ``neuron``, ``target``,
        ``synapse_mode``, ``input_mode``); the last three are used by the Brian2 run only.

    Returns
    -------
    CrosscheckReport
        ``identical`` is True iff every population's spikes agree in sample, neuron and time.
        Equality is exact: both simulators stamp spikes at ``step * dt_ms``.
    """
    if seed is None:
        raise ParameterError("crosscheck: seed must be a non-negative integer (both runs need the same seed); got None.")
    shared = {k: v for k, v in backend_options.items() if k not in SPIKING_ONLY_OPTIONS}
    spiking_be = SpikingBackend(**backend_options)
    reference_be = ReferenceBackend(**shared)
    a = spiking_be.run(circuit, inputs, seed=seed, record_voltage=record_voltage)
    b = reference_be.run(circuit, inputs, seed=seed, record_voltage=record_voltage)
    checks = []
    for name in [*a.spikes, *(n for n in b.spikes if n not in a.spikes)]:
        ta, tb = a.spikes.get(name), b.spikes.get(name)
        ta, tb = (ta if ta is not None else _empty_like(tb)), (tb if tb is not None else _empty_like(ta))
        check = _compare(name, ta, tb, reference_be.dt_ms)
        if name in a.voltages:
            diff = float(np.max(np.abs(a.voltages[name].v - b.voltages[name].v)))
            check = replace(check, max_voltage_difference=diff)
        checks.append(check)
    firsts = [c.first_difference for c in checks if c.first_difference is not None]
    first = min(firsts, key=lambda d: (d.time_ms, d.sample, d.neuron)) if firsts else None
    return CrosscheckReport(
        identical=all(c.identical for c in checks),
        populations=tuple(checks),
        first_difference=first,
        circuit_name=circuit.name,
        seed=int(a.info["seed"]),
        dt_ms=reference_be.dt_ms,
        target=str(a.info.get("target")),
        spiking=a,
        reference=b,
    )


def _empty_like(trains: SpikeTrains) -> SpikeTrains:
    """No spikes, for a population only one simulator reported (then any spike is a difference)."""
    none = np.zeros(0, dtype=np.int64)
    return SpikeTrains(trains.population, trains.batch_size, trains.size, none, none, none.astype(float),
                       trains.duration_ms)


def _keys(trains: SpikeTrains, dt_ms: float) -> np.ndarray:
    """Spikes as sortable integer triples (step, sample, neuron)."""
    steps = np.round(np.asarray(trains.time_ms) / dt_ms).astype(np.int64)
    return np.stack([steps, trains.sample, trains.neuron], axis=1)


def _compare(name: str, a: SpikeTrains, b: SpikeTrains, dt_ms: float) -> PopulationCheck:
    same = (
        len(a) == len(b)
        and np.array_equal(a.sample, b.sample)
        and np.array_equal(a.neuron, b.neuron)
        and np.array_equal(a.time_ms, b.time_ms)
    )
    if same:
        return PopulationCheck(name, True, len(a), len(b), 0, 0, None)
    matched = _matched_within_step(a, b, dt_ms)
    larger = max(len(a), len(b))
    close = {"matched_within_step": matched / larger, "count_difference": abs(len(a) - len(b)) / larger}
    ka, kb = _keys(a, dt_ms), _keys(b, dt_ms)
    # Multiset difference of the (step, sample, neuron) triples.
    view = np.dtype([("t", np.int64), ("s", np.int64), ("n", np.int64)])
    sa = np.ascontiguousarray(ka).view(view).ravel()
    sb = np.ascontiguousarray(kb).view(view).ravel()
    only_a = np.setdiff1d(sa, sb)
    only_b = np.setdiff1d(sb, sa)
    candidates = [(tuple(int(x) for x in only_a[0]), "spiking")] if len(only_a) else []
    candidates += [(tuple(int(x) for x in only_b[0]), "reference")] if len(only_b) else []
    if not candidates:  # same spikes in a different order or with float-different times
        n = min(len(ka), len(kb))
        mismatch = np.flatnonzero(np.any(ka[:n] != kb[:n], axis=1) | (a.time_ms[:n] != b.time_ms[:n]))
        i = int(mismatch[0]) if len(mismatch) else n
        key = ka[i] if i < len(ka) else kb[i]
        candidates = [(tuple(int(x) for x in key), "spiking" if i < len(ka) else "reference")]
    (step, sample, neuron), only_in = min(candidates)
    first = SpikeDifference(
        population=name,
        sample=sample,
        neuron=neuron,
        time_ms=step * dt_ms,
        only_in=only_in,
        spiking_times_ms=tuple(float(t) for t in a.times(sample, neuron)),
        reference_times_ms=tuple(float(t) for t in b.times(sample, neuron)),
    )
    return PopulationCheck(name, False, len(a), len(b), len(only_a), len(only_b), first, **close)


def _matched_within_step(a: SpikeTrains, b: SpikeTrains, dt_ms: float) -> int:
    """How many spikes of ``a`` pair up with a spike of ``b`` of the same (sample, neuron) at most one step away
    (each spike used once, in time order)."""
    ka, kb = _keys(a, dt_ms), _keys(b, dt_ms)
    trains: dict[tuple[int, int], list[list[int]]] = {}
    for which, keys in ((0, ka), (1, kb)):
        for step, sample, neuron in keys.tolist():
            trains.setdefault((sample, neuron), [[], []])[which].append(step)
    matched = 0
    for x, y in trains.values():
        x.sort()
        y.sort()
        i = j = 0
        while i < len(x) and j < len(y):
            if abs(x[i] - y[j]) <= 1:
                matched, i, j = matched + 1, i + 1, j + 1
            elif x[i] < y[j]:
                i += 1
            else:
                j += 1
    return matched
