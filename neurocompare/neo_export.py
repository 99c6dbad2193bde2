"""Export spike trains to Neo (and back), for the Elephant / Neo analysis ecosystem.

`Neo <https://neuralensemble.org/neo/>`_ (Garcia et al. 2014, Front. Neuroinform. 8:10)
represents a spike train as a ``neo.SpikeTrain``: spike times as a ``quantities`` array with
explicit units, plus ``t_start``/``t_stop``. neurocompare keeps times in milliseconds
(:mod:`neurocompare.models`); every train exported here carries the unit ``ms`` explicitly,
so Neo/Elephant code that rescales to seconds gets seconds, never a factor of 1000 off.

Neo is optional: ``pip install neurocompare[neo]`` (or ``pip install neo``). Importing this
module works without it; calling :func:`to_neo` or :func:`from_neo` raises
:class:`~neurocompare.errors.BackendError` with the install command.

One ``neo.SpikeTrain`` is made per (sample, neuron) of each population, silent neurons
included, annotated with ``population``, ``sample``, ``neuron``, ``backend``, ``circuit``
and ``sign`` (-1 for an input channel that encodes a negative value, else +1).
"""

from __future__ import annotations

from typing import Any, Iterable

import numpy as np

from .errors import BackendError, InputError
from .results import Result, SpikeTrains

__all__ = ["to_neo", "from_neo"]

_INSTALL = "pip install neurocompare[neo]"


def _import_neo() -> tuple[Any, Any]:
    """Import ``neo`` and ``quantities`` or raise a BackendError saying how to install them."""
    try:
        import neo
        import quantities as pq
    except ImportError as exc:
        raise BackendError(
            f"Exporting spike trains to Neo needs the optional package 'neo' ({exc}); "
            f"install it with '{_INSTALL}' (or 'pip install neo')."
        ) from None
    return neo, pq


def to_neo(result: Result, population: str | None = None) -> list:
    """The spike trains of a spiking result as ``neo.SpikeTrain`` objects.

    Parameters
    ----------
    result : Result
        A result with spikes (spiking or reference backend).
    population : str, optional
        Only this population; default: every population with spikes, in ``result.spikes``
        order (inputs first).

    Returns
    -------
    list of neo.SpikeTrain
        One train per (population, sample, neuron), in that nesting order; times in ms,
        ``t_start = 0 ms``, ``t_stop`` = the simulated duration. Annotations: ``population``,
        ``sample``, ``neuron``, ``backend``, ``circuit``, ``sign``.

    Raises
    ------
    BackendError
        If neo is not installed.
    InputError
        If the result has no spikes or no population of that name.
    """
    if not isinstance(result, Result):
        raise InputError(f"to_neo: expected a neurocompare Result; got {type(result).__name__}.")
    if not result.spikes:
        raise InputError(
            f"to_neo: the result of {result.circuit_name!r} from the {result.backend} backend has no spike trains."
        )
    if population is None:
        names = list(result.spikes)
    elif population in result.spikes:
        names = [population]
    else:
        raise InputError(
            f"to_neo: no spikes for population {population!r} in the result of {result.circuit_name!r}; "
            f"known: {', '.join(result.spikes)}."
        )
    neo, pq = _import_neo()
    out = []
    for name in names:
        trains = result.spikes[name]
        key = trains.sample * trains.size + trains.neuron
        order = np.lexsort((trains.time_ms, key))  # by (sample, neuron), then time
        key_sorted = key[order]
        bounds = np.searchsorted(key_sorted, np.arange(trains.batch_size * trains.size + 1))
        times_sorted = trains.time_ms[order]
        sign_sorted = trains.sign[order]
        for flat in range(trains.batch_size * trains.size):
            lo, hi = bounds[flat], bounds[flat + 1]
            sample, neuron = divmod(flat, trains.size)
            st = neo.SpikeTrain(
                np.array(times_sorted[lo:hi], dtype=float),
                units=pq.ms,
                t_start=0.0 * pq.ms,
                t_stop=float(trains.duration_ms) * pq.ms,
                name=f"{name}[{sample},{neuron}]",
            )
            st.annotate(
                population=name,
                sample=int(sample),
                neuron=int(neuron),
                backend=result.backend,
                circuit=result.circuit_name,
                sign=float(sign_sorted[lo]) if hi > lo else 1.0,
            )
            out.append(st)
    return out


def _read_train(i: int, st: Any, pq: Any) -> tuple[np.ndarray, float]:
    """Train #i's times and t_stop in ms."""
    try:
        times = np.asarray(st.rescale(pq.ms).magnitude, dtype=float).reshape(-1)
        return times, float(st.t_stop.rescale(pq.ms).magnitude)
    except (ValueError, AttributeError) as exc:
        raise InputError(f"from_neo: train #{i} has no time units convertible to ms ({exc}).") from None


def _annotated(trains: Iterable[Any], *, required: bool) -> tuple[dict[str, list], list | None]:
    """Trains grouped by population as (sample, neuron, times, t_stop, sign); or (``{}``, plain list) when
    none is annotated and ``required`` is False (a plain list of per-neuron trains)."""
    _, pq = _import_neo()
    trains = list(trains)
    keys = {"population", "sample", "neuron"}
    marked = [isinstance(getattr(st, "annotations", None), dict) and keys <= set(st.annotations) for st in trains]
    if not required and not any(marked):
        return {}, [(*_read_train(i, st, pq), 1.0) for i, st in enumerate(trains)]
    groups: dict[str, list[tuple[int, int, np.ndarray, float, float]]] = {}
    for i, (st, ok) in enumerate(zip(trains, marked)):
        ann = getattr(st, "annotations", None)
        if not ok:
            raise InputError(
                f"from_neo: train #{i} lacks the annotations population/sample/neuron that to_neo writes; "
                f"got {sorted(ann) if isinstance(ann, dict) else ann!r}."
            )
        times, t_stop = _read_train(i, st, pq)
        groups.setdefault(str(ann["population"]), []).append(
            (int(ann["sample"]), int(ann["neuron"]), times, t_stop, float(ann.get("sign", 1.0)))
        )
    return groups, None


def _common_t_stop(name: str, t_stops: Iterable[float]) -> float:
    durations = set(t_stops)
    if len(durations) != 1:
        raise InputError(f"from_neo: trains of {name!r} disagree on t_stop: {sorted(durations)} ms.")
    return durations.pop()


def _flatten(items: list[tuple[int, int, np.ndarray, float, float]]) -> tuple[np.ndarray, ...]:
    sample = np.concatenate([np.full(len(it[2]), it[0]) for it in items]).astype(np.int64)
    neuron = np.concatenate([np.full(len(it[2]), it[1]) for it in items]).astype(np.int64)
    time_ms = np.concatenate([it[2] for it in items])
    sign = np.concatenate([np.full(len(it[2]), it[4]) for it in items])
    return sample, neuron, time_ms, sign


def neo_spike_arrays(trains: Iterable[Any]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, float, int]:
    """``(sample, neuron, time_ms, sign, t_stop_ms, batch_size)`` of ``neo.SpikeTrain`` objects for one population.

    Trains annotated by :func:`to_neo` keep their sample, neuron and sign (they must be of one population);
    a plain list is one sample, train ``j`` being neuron ``j``. Times are rescaled to ms.
    """
    groups, plain = _annotated(trains, required=False)
    if plain is not None:
        if not plain:
            raise InputError("from_neo: no spike trains given; pass one neo.SpikeTrain per neuron.")
        items = [(0, j, times, t_stop, sign) for j, (times, t_stop, sign) in enumerate(plain)]
        name = "the trains"
    elif len(groups) == 1:
        name, items = next(iter(groups.items()))
    else:
        raise InputError(f"from_neo: the trains belong to {len(groups)} populations ({', '.join(map(repr, groups))});"
                         " pass the trains of one population.")
    t_stop = _common_t_stop(name, (it[3] for it in items))
    return (*_flatten(items), t_stop, 1 + max(it[0] for it in items))


def from_neo(trains: Iterable[Any]) -> dict[str, SpikeTrains]:
    """Rebuild :class:`~neurocompare.results.SpikeTrains` from Neo trains made by :func:`to_neo`.

    Times are rescaled to ms whatever unit the trains carry (``train.rescale("ms")``), so
    trains converted to seconds by other tools come back in ms. To drive a circuit's input with
    Neo trains, use :meth:`neurocompare.spike_input.GivenSpikes.from_neo`.

    Parameters
    ----------
    trains : iterable of neo.SpikeTrain
        Each annotated with ``population``, ``sample`` and ``neuron``; the batch size and the
        population size are taken as 1 + the largest index seen.

    Returns
    -------
    dict population -> SpikeTrains
        Spikes sorted by time (ties by sample, then neuron), ``duration_ms = t_stop``.
    """
    groups, _ = _annotated(trains, required=True)
    out: dict[str, SpikeTrains] = {}
    for name, items in groups.items():
        batch = 1 + max(it[0] for it in items)
        size = 1 + max(it[1] for it in items)
        t_stop = _common_t_stop(name, (it[3] for it in items))
        sample, neuron, time_ms, sign = _flatten(items)
        out[name] = SpikeTrains(name, batch, size, sample, neuron, time_ms, t_stop, sign)
    return out
