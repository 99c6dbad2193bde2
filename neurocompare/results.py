"""Result objects: the same shape of answer from every backend.

Every backend returns a :class:`Result` whose ``activations`` map each population (inputs
included) to an array of shape ``(batch, size)`` on the artificial scale: the artificial
backend's real values, the spiking backend's firing rates divided by its rate scale. Spiking
runs also fill ``spikes`` (one :class:`SpikeTrains` per population) and, on request,
``voltages``; synchronous runs fill ``trajectory``. Times are in milliseconds throughout.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from types import MappingProxyType
from collections.abc import Mapping
from typing import Any

import numpy as np

from .errors import InputError, NoSpikesWarning

__all__ = ["SpikeTrains", "VoltageTrace", "Result", "RunInfo"]


def _frozen(a: Any, dtype: Any) -> np.ndarray:
    arr = np.array(a, dtype=dtype, copy=True)
    arr.setflags(write=False)
    return arr


def _is_sorted(time_ms: np.ndarray, sample: np.ndarray, neuron: np.ndarray) -> bool:
    """True if the spikes are in (time, sample, neuron) order (equal triples allowed); NaN times count as unsorted."""
    if len(time_ms) < 2:
        return True
    d_t = np.diff(time_ms)
    if np.all(d_t > 0):
        return True
    d_s, d_n = np.diff(sample), np.diff(neuron)
    tie = d_t == 0
    return bool(np.all((d_t > 0) | (tie & ((d_s > 0) | ((d_s == 0) & (d_n >= 0))))))


@dataclass(frozen=True, eq=False)
class SpikeTrains:
    """All spikes of one population over a batch, as three aligned arrays (one entry per spike).

    Attributes
    ----------
    population : str
    batch_size, size : int
        Number of samples and of neurons.
    sample, neuron : int arrays
        Which sample and which neuron emitted each spike.
    time_ms : float array
        Spike times in ms, sorted by time, ties by sample, then neuron (the order Brian2's
        ``SpikeGeneratorGroup(sorted=True)`` needs). Data given in another order is sorted on
        construction (stably, so the sign follows its spike); sorted data, what the backends and
        encodings produce, is only checked (one pass over the spikes).
    sign : float array
        +1 for ordinary spikes; -1 for input spikes that encode a negative value.
    duration_ms : float
        Length of the recording.
    """

    population: str
    batch_size: int
    size: int
    sample: np.ndarray
    neuron: np.ndarray
    time_ms: np.ndarray
    duration_ms: float
    sign: np.ndarray | None = None

    def __post_init__(self) -> None:
        sample = _frozen(self.sample, np.int64)
        neuron = _frozen(self.neuron, np.int64)
        time_ms = _frozen(self.time_ms, float)
        sign = _frozen(np.ones(len(time_ms)) if self.sign is None else self.sign, float)
        if not (len(sample) == len(neuron) == len(time_ms) == len(sign)):
            raise ValueError("SpikeTrains: sample, neuron, time_ms and sign must have the same length.")
        if len(sample) and (sample.min() < 0 or sample.max() >= self.batch_size):
            raise ValueError(f"SpikeTrains {self.population!r}: sample index out of range.")
        if len(neuron) and (neuron.min() < 0 or neuron.max() >= self.size):
            raise ValueError(f"SpikeTrains {self.population!r}: neuron index out of range.")
        if not _is_sorted(time_ms, sample, neuron):
            order = np.lexsort((neuron, sample, time_ms))
            sample, neuron, time_ms, sign = (_frozen(a[order], a.dtype) for a in (sample, neuron, time_ms, sign))
        object.__setattr__(self, "sample", sample)
        object.__setattr__(self, "neuron", neuron)
        object.__setattr__(self, "time_ms", time_ms)
        object.__setattr__(self, "sign", sign)

    def __len__(self) -> int:
        return len(self.time_ms)

    def counts(self) -> np.ndarray:
        """Spike counts, shape (batch, size)."""
        flat = np.bincount(self.sample * self.size + self.neuron, minlength=self.batch_size * self.size)
        return flat.reshape(self.batch_size, self.size)

    def times(self, sample: int, neuron: int) -> np.ndarray:
        """Spike times (ms) of one neuron in one sample."""
        if not (0 <= sample < self.batch_size and 0 <= neuron < self.size):
            raise InputError(
                f"Spikes of {self.population!r}: (sample, neuron) = ({sample}, {neuron}) is out of range "
                f"(batch {self.batch_size}, size {self.size})."
            )
        return self.time_ms[(self.sample == sample) & (self.neuron == neuron)]

    def first_spike_ms(self) -> np.ndarray:
        """Time of each neuron's first spike, shape (batch, size); NaN where it never fired."""
        out = np.full(self.batch_size * self.size, np.nan)
        flat = self.sample * self.size + self.neuron
        if len(flat):
            order = np.lexsort((self.time_ms, flat))
            flat_sorted = flat[order]
            first = np.ones(len(flat_sorted), dtype=bool)
            first[1:] = flat_sorted[1:] != flat_sorted[:-1]
            out[flat_sorted[first]] = self.time_ms[order][first]
        return out.reshape(self.batch_size, self.size)

    def select(self, samples: Any) -> "SpikeTrains":
        """The spikes of the given samples only, renumbered 0..len(samples)-1."""
        samples = np.atleast_1d(np.asarray(samples, dtype=np.int64))
        remap = np.full(self.batch_size, -1)
        remap[samples] = np.arange(len(samples))
        keep = remap[self.sample] >= 0
        return SpikeTrains(
            self.population,
            len(samples),
            self.size,
            remap[self.sample[keep]],
            self.neuron[keep],
            self.time_ms[keep],
            self.duration_ms,
            self.sign[keep],
        )


@dataclass(frozen=True, eq=False)
class VoltageTrace:
    """Membrane potential of chosen neurons: ``v[sample, k, t]`` for neuron ``neurons[k]``."""

    population: str
    neurons: np.ndarray
    time_ms: np.ndarray
    v: np.ndarray

    def __post_init__(self) -> None:
        object.__setattr__(self, "neurons", _frozen(self.neurons, np.int64))
        object.__setattr__(self, "time_ms", _frozen(self.time_ms, float))
        object.__setattr__(self, "v", _frozen(self.v, float))

    def of(self, neuron: int, sample: int = 0) -> np.ndarray:
        """The trace of one recorded neuron in one sample."""
        hits = np.flatnonzero(self.neurons == neuron)
        if not len(hits):
            raise InputError(
                f"Voltage of {self.population!r}: neuron {neuron} was not recorded; recorded: "
                f"{self.neurons.tolist()}."
            )
        return self.v[sample, hits[0]]


_RUNINFO_FIELDS = ("backend", "seed", "batch_size", "target", "dt_ms", "duration_ms", "build_time_s", "run_time_s",
                   "wall_time_s")


@dataclass(frozen=True, eq=False)
class RunInfo(Mapping):
    """How a result was produced: the facts every backend reports, typed, and the rest in ``details``.

    Attributes
    ----------
    backend : str
        The backend's registered name.
    seed : int or None
        The seed the run used (drawn and recorded if none was given); None for deterministic backends.
    batch_size : int
    target : str or None
        Code-generation target (Brian2: "numpy" or "cython"; the reference: "numpy-reference").
    dt_ms, duration_ms : float or None
        Time step and simulated time per sample of a clock-driven run.
    build_time_s, run_time_s, wall_time_s : float
        Wall-clock seconds spent building, running, and both.
    details : mapping
        Everything else the backend records (its options, neuron models, integration methods, versions...).

    A RunInfo is also a read-only mapping over all of these (``info["target"]``, ``info.get("steps")``),
    the form results had before it existed.
    """

    backend: str = ""
    seed: int | None = None
    batch_size: int = 0
    target: str | None = None
    dt_ms: float | None = None
    duration_ms: float | None = None
    build_time_s: float = 0.0
    run_time_s: float = 0.0
    wall_time_s: float = 0.0
    details: Mapping[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "details", MappingProxyType(dict(self.details)))

    @classmethod
    def from_mapping(cls, data: "Mapping[str, Any] | RunInfo | None") -> "RunInfo":
        """A RunInfo from a plain mapping: known keys become fields, the rest ``details``."""
        if isinstance(data, RunInfo):
            return data
        data = dict(data or {})
        known = {k: data.pop(k) for k in _RUNINFO_FIELDS if k in data}
        return cls(**known, details=data)

    def to_dict(self) -> dict[str, Any]:
        """Plain data: the fields that are set, then the details."""
        return dict(self.items())

    def _present(self) -> list[str]:
        return [k for k in _RUNINFO_FIELDS if getattr(self, k) is not None] + list(self.details)

    def __getitem__(self, key: str) -> Any:
        if key in _RUNINFO_FIELDS and getattr(self, key) is not None:
            return getattr(self, key)
        return self.details[key]

    def __iter__(self):
        return iter(self._present())

    def __len__(self) -> int:
        return len(self._present())

    def __repr__(self) -> str:
        return (f"RunInfo(backend={self.backend!r}, target={self.target!r}, dt_ms={self.dt_ms}, seed={self.seed}, "
                f"wall_time_s={self.wall_time_s:.3g}, details: {', '.join(self.details)})")


def _freeze_mapping(m: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(m or {}))


@dataclass(frozen=True, eq=False)
class Result:
    """What a backend returns for one circuit and one batch of inputs.

    Attributes
    ----------
    backend : str
        ``"artificial"``, ``"spiking"``, ``"reference"``...
    circuit_name : str
    batch_size : int
    activations : mapping name -> array (batch, size)
        Every population, inputs included, on the artificial scale.
    spikes : mapping name -> SpikeTrains
        Spiking backends: every population that emits spikes. Empty for the artificial backend.
    voltages : mapping name -> VoltageTrace
        Membrane traces that were asked for; otherwise empty.
    trajectory : mapping name -> array (steps + 1, batch, size)
        Synchronous backends: the state after each update step (index 0 = initial state).
    final_v : mapping name -> array (batch, size)
        Spiking backends: each neuron's membrane potential at the end of the run (for read-outs
        that use the charge left below threshold, see :func:`neurocompare.metrics.charge_decoded`).
    info : RunInfo
        How the result was produced: backend, code-generation target, dt, seed, duration, wall
        times as typed fields; backend options, encoding, neuron models, versions in ``details``.
        A plain mapping given here is turned into a RunInfo.
    """

    backend: str
    circuit_name: str
    batch_size: int
    activations: Mapping[str, np.ndarray]
    spikes: Mapping[str, SpikeTrains] = field(default_factory=dict)
    voltages: Mapping[str, VoltageTrace] = field(default_factory=dict)
    trajectory: Mapping[str, np.ndarray] = field(default_factory=dict)
    info: RunInfo = field(default_factory=RunInfo)
    final_v: Mapping[str, np.ndarray] = field(default_factory=dict)

    def __post_init__(self) -> None:
        acts = {}
        for name, a in self.activations.items():
            arr = _frozen(a, float)
            if arr.ndim != 2 or arr.shape[0] != self.batch_size:
                raise ValueError(f"Result: activations of {name!r} must be (batch, size); got {arr.shape}.")
            acts[name] = arr
        object.__setattr__(self, "activations", _freeze_mapping(acts))
        object.__setattr__(self, "spikes", _freeze_mapping(self.spikes))
        object.__setattr__(self, "voltages", _freeze_mapping(self.voltages))
        object.__setattr__(
            self, "trajectory", _freeze_mapping({k: _frozen(v, float) for k, v in self.trajectory.items()})
        )
        object.__setattr__(self, "info", RunInfo.from_mapping(self.info))
        object.__setattr__(
            self, "final_v", _freeze_mapping({k: _frozen(v, float) for k, v in self.final_v.items()})
        )

    def __getitem__(self, population: str) -> np.ndarray:
        """``result["out"]`` is ``result.activations["out"]``."""
        try:
            return self.activations[population]
        except KeyError:
            raise InputError(
                f"Result of {self.circuit_name!r}: no population {population!r}; known: "
                f"{', '.join(self.activations)}."
            ) from None

    @property
    def is_spiking(self) -> bool:
        return bool(self.spikes)

    def spike_counts(self, population: str) -> np.ndarray:
        """Spike counts (batch, size) of a population of a spiking run."""
        return self._spikes_of(population).counts()

    def rates_hz(self, population: str) -> np.ndarray:
        """Mean firing rates (Hz), shape (batch, size), over the whole run."""
        trains = self._spikes_of(population)
        return trains.counts() / (trains.duration_ms * 1e-3)

    def first_spike_ms(self, population: str) -> np.ndarray:
        """First-spike times (ms), NaN (with a :class:`NoSpikesWarning`) where a neuron never fired."""
        first = self._spikes_of(population).first_spike_ms()
        if np.all(np.isnan(first)):
            warnings.warn(
                f"Result of {self.circuit_name!r}: population {population!r} emitted no spikes; "
                "first-spike times are NaN.",
                NoSpikesWarning,
                stacklevel=2,
            )
        return first

    def _spikes_of(self, population: str) -> SpikeTrains:
        if not self.spikes:
            raise InputError(f"Result of {self.circuit_name!r} from the {self.backend} backend has no spikes.")
        try:
            return self.spikes[population]
        except KeyError:
            raise InputError(
                f"Result of {self.circuit_name!r}: no spikes for {population!r}; known: {', '.join(self.spikes)}."
            ) from None

    # ----------------------------------------------------------- persistence
    def to_state(self, prefix: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """Plain data for saving: (JSON-ready metadata, arrays keyed ``prefix.kind.name.field``)."""
        arrays: dict[str, np.ndarray] = {}
        for name, a in self.activations.items():
            arrays[f"{prefix}.act.{name}"] = np.asarray(a)
        for name, a in self.trajectory.items():
            arrays[f"{prefix}.traj.{name}"] = np.asarray(a)
        for name, a in self.final_v.items():
            arrays[f"{prefix}.vend.{name}"] = np.asarray(a)
        spikes_meta = {}
        for name, tr in self.spikes.items():
            for fld in ("sample", "neuron", "time_ms", "sign"):
                arrays[f"{prefix}.spk.{name}.{fld}"] = getattr(tr, fld)
            spikes_meta[name] = {"batch_size": tr.batch_size, "size": tr.size, "duration_ms": tr.duration_ms}
        for name, vt in self.voltages.items():
            for fld in ("neurons", "time_ms", "v"):
                arrays[f"{prefix}.vm.{name}.{fld}"] = getattr(vt, fld)
        meta = {
            "backend": self.backend,
            "circuit_name": self.circuit_name,
            "batch_size": self.batch_size,
            "populations": list(self.activations),
            "trajectory": list(self.trajectory),
            "final_v": list(self.final_v),
            "spikes": spikes_meta,
            "voltages": list(self.voltages),
            "info": _jsonable(self.info.to_dict()),
        }
        return meta, arrays

    @classmethod
    def from_state(cls, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray], prefix: str) -> "Result":
        """Inverse of :meth:`to_state`."""
        acts = {n: arrays[f"{prefix}.act.{n}"] for n in meta["populations"]}
        traj = {n: arrays[f"{prefix}.traj.{n}"] for n in meta["trajectory"]}
        spikes = {
            n: SpikeTrains(
                n, m["batch_size"], m["size"], *(arrays[f"{prefix}.spk.{n}.{f}"] for f in ("sample", "neuron", "time_ms")),
                m["duration_ms"], arrays[f"{prefix}.spk.{n}.sign"],
            )
            for n, m in meta["spikes"].items()
        }
        volts = {
            n: VoltageTrace(n, *(arrays[f"{prefix}.vm.{n}.{f}"] for f in ("neurons", "time_ms", "v")))
            for n in meta["voltages"]
        }
        final_v = {n: arrays[f"{prefix}.vend.{n}"] for n in meta.get("final_v", [])}
        return cls(meta["backend"], meta["circuit_name"], meta["batch_size"], acts, spikes=spikes, voltages=volts,
                   trajectory=traj, info=meta["info"], final_v=final_v)

    def __repr__(self) -> str:
        pops = ", ".join(f"{k}{tuple(v.shape)}" for k, v in self.activations.items())
        extra = ""
        if self.spikes:
            n = sum(len(s) for s in self.spikes.values())
            extra = f", {n} spikes, target={self.info.get('target')!r}, dt_ms={self.info.get('dt_ms')}"
        return f"Result(backend={self.backend!r}, circuit={self.circuit_name!r}, {pops}{extra})"


def _jsonable(obj: Any) -> Any:
    """Convert numpy scalars/arrays and nested containers into JSON-ready Python objects."""
    if isinstance(obj, Mapping):
        return {str(k): _jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [_jsonable(v) for v in obj]
    if isinstance(obj, np.ndarray):
        return _jsonable(obj.tolist())
    if isinstance(obj, np.generic):
        return _jsonable(obj.item())
    if isinstance(obj, float) and not math.isfinite(obj):
        return None if math.isnan(obj) else ("inf" if obj > 0 else "-inf")
    return obj
