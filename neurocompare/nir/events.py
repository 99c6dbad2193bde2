"""Input spikes from a NIR data file (``nir.write_data``): one ``GivenSpikes`` per input population."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from ..errors import InputError, UnknownNameError
from ..limits import check_limit
from ..spike_input import GivenSpikes
from .graph import check_hdf5_size, import_nir

__all__ = ["read_events"]


def _observable(name: str, node: Any, label: str) -> Any:
    obs = getattr(node, "observables", None)
    if not isinstance(obs, dict) or not obs:
        raise InputError(f"{label}: node {name!r} holds no observables (expected spikes as EventData).")
    for key in ("spikes", "output", "input", "events"):
        if key in obs:
            return obs[key]
    if len(obs) == 1:
        return next(iter(obs.values()))
    raise InputError(f"{label}: node {name!r} has several observables ({', '.join(obs)}); name one 'spikes'.")


def _check_node(obs: Any, where: str, steps_per_unit: float) -> None:
    """The samples and the duration (in time steps) a node's data declares, against the limits."""
    shape = np.shape(getattr(obs, "idx", getattr(obs, "data", ())))
    if shape:
        check_limit(where, "samples", shape[0])
    if hasattr(obs, "t_max"):
        try:
            t_max = float(obs.t_max)
        except (TypeError, ValueError):
            raise InputError(f"{where}: t_max must be a number of seconds; got {obs.t_max!r:.80}.") from None
        if not np.isfinite(t_max) or t_max <= 0:
            raise InputError(f"{where}: t_max must be a positive finite time in seconds; got {t_max!r}.")
        check_limit(where, "steps", t_max * steps_per_unit)
    elif hasattr(obs, "dt") and len(shape) > 1:
        check_limit(where, "steps", shape[1] * float(obs.dt) * steps_per_unit)


def read_events(path: str | os.PathLike, inputs: Sequence[tuple[str, int]], *, rate_scale_hz: float,
                time_unit_s: float = 1.0, dt_ms: float = 0.1) -> dict[str, GivenSpikes]:
    """Spikes for the input populations ``inputs`` (``(name, size)`` pairs) from a NIR data file.

    Each top-level node of the file named like an input population gives that population's spikes (its
    ``spikes`` observable, or its only one): ``EventData``, ``ValuedEventData`` of +-1 or boolean
    ``TimeGriddedData``, times in seconds. Errors name the file, the node and the value. The file's arrays
    are checked against the byte limit before they are read, and each node's samples and duration (in steps of
    ``dt_ms``) against :mod:`neurocompare.limits`.
    """
    nir = import_nir()
    label = f"NIR data file {str(path)!r}"
    if not Path(path).is_file():
        raise InputError(f"{label}: no such file.")
    check_hdf5_size(path, label)
    try:
        data = nir.read_data(str(path))
    except Exception as exc:  # h5py/nir raise OSError, KeyError, ValueError...
        raise InputError(f"{label}: not a NIR data file written by nir.write_data ({type(exc).__name__}: {exc}).") from None
    sizes = dict(inputs)
    unknown = [n for n in data.nodes if n not in sizes]
    if unknown:
        raise UnknownNameError(f"{label}: node {unknown[0]!r} is not an input population of the circuit; "
                               f"inputs: {', '.join(sizes)}.")
    out = {}
    for name, node in data.nodes.items():
        obs = _observable(name, node, label)
        n = getattr(obs, "n_neurons", None) or getattr(obs, "shape", (0, 0, 0))[-1]
        if int(n) != sizes[name]:
            raise InputError(f"{label}: node {name!r} has {int(n)} neurons; input population {name!r} has "
                             f"{sizes[name]}.")
        _check_node(obs, f"{label}: node {name!r}", time_unit_s * 1e3 / dt_ms)
        try:
            out[name] = GivenSpikes.from_nir(obs, rate_scale_hz=rate_scale_hz, time_unit_s=time_unit_s)
        except InputError as exc:
            raise InputError(f"{label}: node {name!r}: {exc}") from None
    return out
