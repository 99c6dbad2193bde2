"""Given spikes: drive an input population with spike times instead of an encoding of values.

An input population normally receives an :mod:`~neurocompare.encoding` of values. A
:class:`GivenSpikes` in place of the values drives it with exactly the spikes given instead, on every
backend (``backend.run(circuit, {"x": given}, seed=...)``, :func:`neurocompare.compare.compare`,
:func:`neurocompare.crosscheck.crosscheck`); the backend's encoding then applies to the other input
populations only. Make one from arrays (:class:`GivenSpikes`), from one sample's per-neuron time
arrays (:meth:`GivenSpikes.from_times`), from a result's trains (:meth:`GivenSpikes.from_trains`) or
from ``neo.SpikeTrain`` objects (:meth:`GivenSpikes.from_neo`, extra ``neo``).

Rules (checked once, in :func:`~neurocompare.inputs.normalize_inputs` and :func:`trains_for_run`;
every error names the population and the offending sample, neuron and time):

- **Order**: any order is accepted; the spikes are sorted by time, then sample, then neuron.
- **Range**: ``0 <= time_ms < duration_ms``; ``0 <= neuron < population size``;
  ``0 <= sample < batch_size`` (default: 1 + the largest sample given, at least 1). Times are
  relative to the start of the run; the backend must run exactly ``duration_ms``.
- **Time grid**: a spike at ``t`` goes to step ``floor(t / dt + 1e-3)`` and is stamped
  ``step * dt``: the step whose interval ``[k dt, (k + 1) dt)`` holds it, a time less than a
  thousandth of a step below a grid point counting as on it (float round-off: 0.3 ms is
  2.9999999999999996 steps of 0.1 ms). This is the rule of Brian2's ``SpikeGeneratorGroup``
  (``int((t + 1e-3 dt) / dt)``), which the reference simulator copies, and it agrees with the
  encodings' ``floor(t / dt + 1e-9)`` on their own (on-grid) times. A time that lands on step
  ``duration_ms / dt`` (within 1e-3 dt of the end) is out of range.
- **Several spikes of one channel in one step are rejected** (:class:`~neurocompare.errors.InputError`
  naming the two times and the step): a spike is one event per step, as in the encodings (which
  refuse rates above one spike per step) and in a ``SpikeGeneratorGroup``. Merge them or lower ``dt_ms``.
- **Sign**: ``sign`` (+1 default, -1: the spike's synapses act with the opposite sign, like an
  encoded negative value) must be the same for all spikes of one (sample, neuron).
- **Values for the artificial side**: the population's value is its signed rate on the common
  scale, ``sign * count / (duration_ms / 1000) / rate_scale_hz`` per (sample, neuron), with the
  ``rate_scale_hz`` the caller states. A spiking backend refuses given spikes stated for another
  ``rate_scale_hz`` or ``duration_ms`` than its own (the values would be on another scale); its
  decoded input activations are these values.
"""

from __future__ import annotations

import math
from dataclasses import KW_ONLY, dataclass
from typing import Any, Iterable, Sequence

import numpy as np

from ._validation import check_int, check_positive, fmt_number
from .errors import InputError
from .results import SpikeTrains

__all__ = ["GivenSpikes", "SpikeValues", "given_trains", "trains_for_run", "grid_steps", "input_activations",
           "GRID_TOLERANCE"]

#: Fraction of a step below a grid point that still counts as on it (Brian2's SpikeGeneratorGroup shift).
GRID_TOLERANCE = 1e-3


def _int_array(owner: str, name: str, value: Any) -> np.ndarray:
    arr = np.asarray(value)
    if arr.size == 0:
        return np.zeros(0, np.int64)
    if arr.ndim != 1 or arr.dtype == bool or arr.dtype.kind not in "iuf" or not np.all(np.isfinite(arr)) \
            or not np.all(arr == np.round(arr)):
        raise InputError(f"{owner}: {name} must be a 1-D array of integers; got {value!r}.")
    return arr.astype(np.int64)


@dataclass(frozen=True, eq=False)
class GivenSpikes:
    """Spikes to drive an input population with, in place of its values (see the module docstring).

    Parameters
    ----------
    sample, neuron : int arrays
        Which sample and which neuron of the input population each spike belongs to.
    time_ms : float array
        Spike times in ms from the start of the run, in any order.
    duration_ms : float (keyword only)
        The run these spikes belong to: times must lie in ``[0, duration_ms)``, and a spiking
        backend must run exactly this long.
    rate_scale_hz : float (keyword only)
        The rate that stands for value 1, for the artificial side (values = rate / rate_scale_hz);
        a spiking backend must use the same.
    batch_size : int, optional (keyword only)
        Number of samples; default 1 + the largest ``sample`` (1 without spikes).
    sign : float array of +1/-1, optional (keyword only)
        -1 makes a spike's synapses act with the opposite sign; one sign per (sample, neuron).

    Examples
    --------
    >>> given = GivenSpikes([0, 0, 0], [0, 0, 1], [50.0, 10.0, 20.0], duration_ms=100.0, rate_scale_hz=100.0)
    >>> given.values(2)  # 2 spikes in 0.1 s = 20 Hz = 0.2 at 100 Hz; 1 spike = 0.1
    array([[0.2, 0.1]])
    """

    sample: Any
    neuron: Any
    time_ms: Any
    _: KW_ONLY
    duration_ms: float
    rate_scale_hz: float
    batch_size: int | None = None
    sign: Any = None

    def __post_init__(self) -> None:
        owner = "GivenSpikes"
        sample = _int_array(owner, "sample", self.sample)
        neuron = _int_array(owner, "neuron", self.neuron)
        try:
            time_ms = np.asarray(self.time_ms, dtype=float)
        except (TypeError, ValueError):
            raise InputError(f"{owner}: time_ms must be a 1-D array of numbers (ms); got {self.time_ms!r}.") from None
        time_ms = time_ms.reshape(-1) if time_ms.size == 0 else time_ms
        sign = np.ones(len(time_ms)) if self.sign is None else np.asarray(self.sign, dtype=float).reshape(-1)
        if time_ms.ndim != 1 or not (len(sample) == len(neuron) == len(time_ms) == len(sign)):
            raise InputError(f"{owner}: sample, neuron, time_ms (and sign) must be 1-D and of one length; got "
                             f"lengths {len(sample)}, {len(neuron)}, {np.shape(self.time_ms)}, {len(sign)}.")
        if not np.all(np.isin(sign, (-1.0, 1.0))):
            raise InputError(f"{owner}: sign must be +1 or -1 per spike; got {np.unique(sign).tolist()}.")
        duration = check_positive(owner, "duration_ms", self.duration_ms)
        scale = check_positive(owner, "rate_scale_hz", self.rate_scale_hz)
        batch = 1 + int(sample.max()) if len(sample) else 1
        if self.batch_size is not None:
            batch = check_int(owner, "batch_size", self.batch_size, minimum=1)
        for name, arr in (("sample", sample), ("neuron", neuron), ("time_ms", time_ms), ("sign", sign)):
            arr.setflags(write=False)
            object.__setattr__(self, name, arr)
        object.__setattr__(self, "duration_ms", duration)
        object.__setattr__(self, "rate_scale_hz", scale)
        object.__setattr__(self, "batch_size", batch)

    def __len__(self) -> int:
        return len(self.time_ms)

    def __repr__(self) -> str:
        return (f"GivenSpikes({len(self)} spikes, batch_size={self.batch_size}, duration_ms={self.duration_ms:g}, "
                f"rate_scale_hz={self.rate_scale_hz:g})")

    # ----------------------------------------------------------- constructors
    @classmethod
    def from_times(cls, times_ms: Sequence[Any], *, duration_ms: float, rate_scale_hz: float) -> "GivenSpikes":
        """One sample: ``times_ms[j]`` holds the spike times (ms) of neuron ``j`` (any order, may be empty)."""
        if isinstance(times_ms, (str, bytes)) or not isinstance(times_ms, Sequence):
            raise InputError(f"GivenSpikes.from_times: expected a list with one array of times (ms) per neuron; "
                             f"got {type(times_ms).__name__}.")
        per_neuron = [np.atleast_1d(np.asarray(t, dtype=float)).reshape(-1) for t in times_ms]
        neuron = np.concatenate([np.full(len(t), j) for j, t in enumerate(per_neuron)] or [np.zeros(0)])
        time_ms = np.concatenate(per_neuron or [np.zeros(0)])
        return cls(np.zeros(len(time_ms), np.int64), neuron, time_ms, duration_ms=duration_ms,
                   rate_scale_hz=rate_scale_hz, batch_size=1)

    @classmethod
    def from_trains(cls, trains: SpikeTrains, *, rate_scale_hz: float) -> "GivenSpikes":
        """The spikes of a :class:`~neurocompare.results.SpikeTrains` (e.g. ``result.spikes["x"]``), its
        batch size, duration and signs."""
        if not isinstance(trains, SpikeTrains):
            raise InputError(f"GivenSpikes.from_trains: expected a SpikeTrains; got {type(trains).__name__}.")
        return cls(trains.sample, trains.neuron, trains.time_ms, duration_ms=trains.duration_ms,
                   rate_scale_hz=rate_scale_hz, batch_size=trains.batch_size, sign=trains.sign)

    @classmethod
    def from_neo(cls, trains: Iterable[Any], *, rate_scale_hz: float,
                 duration_ms: float | None = None) -> "GivenSpikes":
        """Spikes from ``neo.SpikeTrain`` objects (needs the ``neo`` extra); times rescaled to ms.

        Trains made by :func:`neurocompare.neo_export.to_neo` (annotated ``population``, ``sample``,
        ``neuron``; one population) keep their sample, neuron and sign; any other list is one sample,
        train ``j`` the spikes of neuron ``j``. ``duration_ms`` defaults to the trains' common ``t_stop``.
        """
        from .neo_export import neo_spike_arrays

        sample, neuron, time_ms, sign, t_stop, batch = neo_spike_arrays(trains)
        return cls(sample, neuron, time_ms, duration_ms=t_stop if duration_ms is None else duration_ms,
                   rate_scale_hz=rate_scale_hz, sign=sign, batch_size=batch)

    @classmethod
    def from_nir(cls, data: Any, *, rate_scale_hz: float, time_unit_s: float = 1.0) -> "GivenSpikes":
        """Spikes from NIR data (``nir.EventData``, ``nir.ValuedEventData`` of +-1, or boolean
        ``nir.TimeGriddedData``, e.g. an observable of ``nir.read_data``), times in ``time_unit_s`` (NIR: seconds).

        ``EventData`` pads with index -1 and time inf; those entries are skipped. The run lasts ``t_max``
        (or ``n_time_steps x dt``); a valued event of -1 is a spike of sign -1; other values are refused.
        """
        owner = "GivenSpikes.from_nir"
        unit_ms = check_positive(owner, "time_unit_s", time_unit_s) * 1e3
        if hasattr(data, "idx") and hasattr(data, "time") and hasattr(data, "t_max"):
            idx, time = np.asarray(data.idx), np.asarray(data.time, dtype=float)
            if idx.shape != time.shape or idx.ndim != 2:
                raise InputError(f"{owner}: EventData idx and time must both have shape (n_samples, n_events); "
                                 f"got {idx.shape} and {time.shape}.")
            keep = (idx >= 0) & np.isfinite(time)
            sample = np.nonzero(keep)[0]
            sign = np.ones(len(sample))
            if hasattr(data, "value"):
                value = np.asarray(data.value, dtype=float)[keep]
                if not np.all(np.abs(value) == 1):
                    bad = value[np.abs(value) != 1][0]
                    raise InputError(f"{owner}: valued events must be +1 or -1 (a spike and its sign); got {fmt_number(bad)}.")
                sign = value
            return cls(sample, idx[keep], time[keep] * unit_ms, duration_ms=float(data.t_max) * unit_ms,
                       rate_scale_hz=rate_scale_hz, sign=sign, batch_size=max(1, idx.shape[0]))
        if hasattr(data, "data") and hasattr(data, "dt"):
            grid = np.asarray(data.data)
            if grid.ndim != 3 or grid.dtype != bool:
                raise InputError(f"{owner}: TimeGriddedData must be boolean with shape (n_samples, n_steps, "
                                 f"n_neurons); got dtype {grid.dtype}, shape {grid.shape}.")
            sample, step, neuron = np.nonzero(grid)
            dt_ms = float(data.dt) * unit_ms
            return cls(sample, neuron, step * dt_ms, duration_ms=grid.shape[1] * dt_ms, rate_scale_hz=rate_scale_hz,
                       batch_size=max(1, grid.shape[0]))
        raise InputError(f"{owner}: expected nir.EventData, nir.ValuedEventData or nir.TimeGriddedData; "
                         f"got {type(data).__name__}.")

    # ------------------------------------------------------------- checks
    def trains(self, population: str, size: int) -> SpikeTrains:
        """The spikes as sorted :class:`SpikeTrains` of ``population`` (``size`` neurons), after every range check."""
        where = f"Input {population!r}"
        for name, arr, limit in (("sample", self.sample, self.batch_size), ("neuron", self.neuron, size)):
            bad = np.flatnonzero((arr < 0) | (arr >= limit))
            if len(bad):
                i = int(bad[0])
                raise InputError(
                    f"{where}: given spike #{i} (sample {int(self.sample[i])}, neuron {int(self.neuron[i])}, "
                    f"{fmt_number(self.time_ms[i])} ms) has {name} {int(arr[i])}, outside 0..{limit - 1} "
                    f"({'batch_size' if name == 'sample' else 'population size'} {limit}); "
                    f"fix the index or {'pass batch_size=' if name == 'sample' else 'drive another population'}."
                )
        t = self.time_ms
        bad = np.flatnonzero(~((t >= 0) & (t < self.duration_ms)))
        if len(bad):
            i = int(bad[0])
            raise InputError(
                f"{where}: given spike of sample {int(self.sample[i])}, neuron {int(self.neuron[i])} at "
                f"{fmt_number(t[i])} ms is outside the run [0, {fmt_number(self.duration_ms)}) ms; drop it or "
                "pass a longer duration_ms (times count from the start of the run)."
            )
        trains = SpikeTrains(population, self.batch_size, size, self.sample, self.neuron, t, self.duration_ms,
                             self.sign)
        _check_sign_per_channel(where, trains)
        return trains

    def values(self, size: int, *, population: str = "given spikes") -> np.ndarray:
        """The values the artificial side sees: ``sign * count / duration / rate_scale_hz``, shape (batch, size)."""
        return _values(self.trains(population, size), self.rate_scale_hz)


def _check_sign_per_channel(where: str, trains: SpikeTrains) -> None:
    flat = trains.sample * trains.size + trains.neuron
    neg = np.zeros(trains.batch_size * trains.size, bool)
    neg[flat[trains.sign < 0]] = True
    mixed = np.flatnonzero(neg[flat] & (trains.sign > 0))
    if len(mixed):
        i = int(mixed[0])
        raise InputError(f"{where}: sample {int(trains.sample[i])}, neuron {int(trains.neuron[i])} has given spikes "
                         "of both signs; one channel carries one sign (split it into two neurons).")


def _values(trains: SpikeTrains, rate_scale_hz: float) -> np.ndarray:
    """Signed rate / rate_scale_hz, computed as the rate encodings decode (same float operations)."""
    sign = np.ones((trains.batch_size, trains.size))
    sign[trains.sample, trains.neuron] = trains.sign
    return trains.counts() / (trains.duration_ms * 1e-3) / rate_scale_hz * sign


class SpikeValues(np.ndarray):
    """The values of an input population driven by given spikes, carrying those spikes.

    What :func:`~neurocompare.inputs.normalize_inputs` returns for a :class:`GivenSpikes`: a read-only
    ``(batch, size)`` float array (the artificial side's values) with ``.given`` (the GivenSpikes) and
    ``.trains`` (checked, sorted :class:`SpikeTrains`). Arrays derived from it (slices, arithmetic) are
    plain values: the spikes stay with this array only.
    """

    given: GivenSpikes | None
    trains: SpikeTrains | None

    @classmethod
    def make(cls, population: str, size: int, given: GivenSpikes) -> "SpikeValues":
        trains = given.trains(population, size)
        out = _values(trains, given.rate_scale_hz).view(cls)
        out.given, out.trains = given, trains
        out.setflags(write=False)
        return out

    def __array_finalize__(self, obj: Any) -> None:
        self.given = None
        self.trains = None

    def __array_wrap__(self, obj: Any, context: Any = None, return_scalar: bool = False) -> Any:
        arr = np.asarray(obj).view(np.ndarray)
        return arr[()] if return_scalar else arr

    def __reduce__(self) -> Any:  # pickles (Dask, multiprocessing) as plain values plus the given spikes
        return (_rebuild, (np.asarray(self).view(np.ndarray).copy(), self.given, self.trains))


def _rebuild(values: np.ndarray, given: GivenSpikes | None, trains: SpikeTrains | None) -> np.ndarray:
    if given is None:
        return values
    out = values.view(SpikeValues)
    out.given, out.trains = given, trains
    out.setflags(write=False)
    return out


def given_trains(values: Any) -> SpikeTrains | None:
    """The checked given spikes an input's values carry, or None for values to encode."""
    return values.trains if isinstance(values, SpikeValues) and values.trains is not None else None


def trains_for_run(population: str, values: Any, *, duration_ms: float, dt_ms: float,
                   rate_scale_hz: float) -> SpikeTrains:
    """The given spikes of ``population`` on a run's time grid, for a spiking backend.

    Times go to step ``floor(t / dt + GRID_TOLERANCE)``, stamped ``step * dt`` (:func:`grid_steps`); two
    spikes of one channel in one step, a step at or beyond the end, or a run of another duration or rate
    scale than the spikes were stated for raise :class:`~neurocompare.errors.InputError`.
    """
    given, trains = values.given, values.trains
    where = f"Input {population!r}"
    for name, theirs, ours in (("duration_ms", given.duration_ms, duration_ms),
                               ("rate_scale_hz", given.rate_scale_hz, rate_scale_hz)):
        if not math.isclose(theirs, ours, rel_tol=1e-12):
            raise InputError(f"{where}: the given spikes were stated for {name}={fmt_number(theirs)}, the backend "
                             f"runs with {name}={fmt_number(ours)}; make them equal (GivenSpikes(..., {name}=...)).")
    step = grid_steps(population, trains, dt_ms=dt_ms, n_steps=int(round(duration_ms / dt_ms)), source="given")
    return SpikeTrains(population, trains.batch_size, trains.size, trains.sample, trains.neuron, step * dt_ms,
                       trains.duration_ms, trains.sign)


def grid_steps(population: str, trains: SpikeTrains, *, dt_ms: float, n_steps: int, source: str) -> np.ndarray:
    """The step of every spike, ``floor(t / dt + GRID_TOLERANCE)``, after checking that each lies inside the run
    and that no channel spikes twice in one step (an :class:`~neurocompare.errors.InputError` naming it if so).

    ``source`` says where the spikes came from in the message ("given", or the encoding's name).
    """
    where = f"Input {population!r}"
    step = np.floor(trains.time_ms / dt_ms + GRID_TOLERANCE).astype(np.int64)
    late = np.flatnonzero(step >= n_steps)
    if len(late):
        i = int(late[0])
        raise InputError(f"{where}: {source} spike of sample {int(trains.sample[i])}, neuron {int(trains.neuron[i])} "
                         f"at {fmt_number(trains.time_ms[i])} ms falls on step {n_steps}, the end of the run "
                         f"(dt {fmt_number(dt_ms)} ms); drop it.")
    key = (step * trains.batch_size + trains.sample) * trains.size + trains.neuron
    order = np.argsort(key, kind="stable")  # within a step the (sample, neuron) order may differ from time order
    dup = np.flatnonzero(key[order][1:] == key[order][:-1])
    if len(dup):
        i, j = int(order[dup[0]]), int(order[dup[0] + 1])
        raise InputError(
            f"{where}: sample {int(trains.sample[i])}, neuron {int(trains.neuron[i])} has {source} spikes at "
            f"{fmt_number(trains.time_ms[i])} and {fmt_number(trains.time_ms[j])} ms, both in step {int(step[i])} "
            f"of dt {fmt_number(dt_ms)} ms; a channel spikes at most once per step: merge them or lower dt_ms."
        )
    return step


def input_activations(encoding: Any, trains: SpikeTrains | None, values: Any, *, rate_scale_hz: float) -> np.ndarray:
    """An input population's activations in a spiking result: the values for given spikes, else the decoding."""
    if given_trains(values) is not None:
        return np.asarray(values).view(np.ndarray).copy()
    return encoding.decode(trains, values, rate_scale_hz=rate_scale_hz)
