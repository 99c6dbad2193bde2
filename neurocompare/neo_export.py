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


def from_neo(trains: Iterable[Any]) -> dict[str, SpikeTrains]:
    """Rebuild :class:`~neurocompare.results.SpikeTrains` from Neo trains made by :func:`to_neo`.

    Times are rescaled to ms whatever unit the trains carry (``train.rescale("ms")``), so
    trains converted to seconds by other tools come back in ms.

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
    _, pq = _import_neo()
    groups: dict[str, list[tuple[int, int, np.ndarray, float, float]]] = {}
    for i, st in enumerate(trains):
        ann = getattr(st, "annotations", None)
        if not isinstance(ann, dict) or not {"population", "sample", "neuron"} <= set(ann):
            raise InputError(
                f"from_neo: train #{i} lacks the annotations population/sample/neuron that to_neo writes; "
                f"got {sorted(ann) if isinstance(ann, dict) else ann!r}."
            )
        try:
            times = np.asarray(st.rescale(pq.ms).magnitude, dtype=float)
            t_stop = float(st.t_stop.rescale(pq.ms).magnitude)
        except (ValueError, AttributeError) as exc:
            raise InputError(f"from_neo: train #{i} has no time units convertible to ms ({exc}).") from None
        sign = float(ann.get("sign", 1.0))
        groups.setdefault(str(ann["population"]), []).append(
            (int(ann["sample"]), int(ann["neuron"]), times, t_stop, sign)
        )
    out: dict[str, SpikeTrains] = {}
    for name, items in groups.items():
        batch = 1 + max(it[0] for it in items)
        size = 1 + max(it[1] for it in items)
        durations = {it[3] for it in items}
        if len(durations) != 1:
            raise InputError(f"from_neo: trains of {name!r} disagree on t_stop: {sorted(durations)} ms.")
        sample = np.concatenate([np.full(len(it[2]), it[0]) for it in items]).astype(np.int64)
        neuron = np.concatenate([np.full(len(it[2]), it[1]) for it in items]).astype(np.int64)
        time_ms = np.concatenate([it[2] for it in items])
        sign = np.concatenate([np.full(len(it[2]), it[4]) for it in items])
        order = np.lexsort((neuron, sample, time_ms))
        out[name] = SpikeTrains(
            name, batch, size, sample[order], neuron[order], time_ms[order], durations.pop(), sign[order]
        )
    return out
