"""Input values a circuit runs on: checked once, against the circuit, for every backend.

:func:`normalize_inputs` turns what a caller passes (a mapping of input-population names to arrays, a
bare array for a circuit with one input population, or None for a circuit without inputs) into
``{name: (batch, size) float array}`` and the batch size, with an error naming the population, the
shape or the value when something does not fit.

An input population can be driven by given spikes instead of values: pass a
:class:`~neurocompare.spike_input.GivenSpikes` for it. Its values are then the spikes' signed rate on
the common scale (a :class:`~neurocompare.spike_input.SpikeValues` array that carries the checked
spikes to the spiking backends; see :mod:`neurocompare.spike_input`).
"""

from __future__ import annotations

from typing import Any, Mapping

import numpy as np

from ._validation import first_index, fmt_index, fmt_number
from .circuit import Circuit
from .errors import InputError
from .results import SpikeTrains
from .spike_input import GivenSpikes, SpikeValues

__all__ = ["normalize_inputs"]


def normalize_inputs(circuit: Circuit, inputs: Any) -> tuple[dict[str, np.ndarray], int]:
    """Check run-time input values against a circuit; return ``({name: (batch, size)}, batch)``.

    ``inputs`` is a mapping from input-population name to an array of shape ``(batch, size)``
    (or ``(size,)`` for one sample), or a :class:`~neurocompare.spike_input.GivenSpikes` to drive that
    population with given spikes (its values: ``sign * rate / rate_scale_hz``, see
    :mod:`neurocompare.spike_input`). A bare array (or GivenSpikes) is accepted when the circuit has
    exactly one input population. A circuit without inputs takes ``None`` (or ``{}``) and runs one sample.
    """
    owner = f"Circuit {circuit.name!r}"
    if not circuit.inputs:
        if inputs is None or (isinstance(inputs, Mapping) and not inputs):
            return {}, 1
        if isinstance(inputs, Mapping):
            raise InputError(
                f"{owner} has no input populations; got values for {', '.join(map(repr, inputs))}."
            )
        raise InputError(f"{owner} has no input populations; pass inputs=None.")
    if inputs is None:
        raise InputError(f"{owner}: input values are required for {', '.join(map(repr, circuit.input_names))}.")
    if not isinstance(inputs, Mapping):
        if len(circuit.inputs) != 1:
            raise InputError(
                f"{owner} has {len(circuit.inputs)} input populations; pass a mapping "
                f"{{name: array}} for {', '.join(map(repr, circuit.input_names))}."
            )
        inputs = {circuit.inputs[0].name: inputs}
    unknown = [k for k in inputs if k not in circuit.input_names]
    if unknown:
        raise InputError(
            f"{owner}: unknown input population(s) {', '.join(map(repr, unknown))}; "
            f"inputs are {', '.join(map(repr, circuit.input_names))}."
        )
    missing = [n for n in circuit.input_names if n not in inputs]
    if missing:
        raise InputError(f"{owner}: missing values for input population(s) {', '.join(map(repr, missing))}.")
    out: dict[str, np.ndarray] = {}
    batch: int | None = None
    for pop in circuit.inputs:
        arr = _population_values(pop.name, pop.size, inputs[pop.name])
        if batch is None:
            batch = arr.shape[0]
        elif arr.shape[0] != batch:
            raise InputError(
                f"{owner}: all inputs need the same batch size; {pop.name!r} has {arr.shape[0]}, "
                f"{circuit.inputs[0].name!r} has {batch}."
            )
        out[pop.name] = arr
    assert batch is not None
    return out, batch


def _spikes_hint(name: str) -> str:
    return (f"inputs are values (one number per sample and neuron); to drive {name!r} with spike times, pass "
            "neurocompare.spike_input.GivenSpikes(sample, neuron, time_ms, duration_ms=..., rate_scale_hz=...) "
            "or GivenSpikes.from_times([...per-neuron times...], ...) instead")


def _population_values(name: str, size: int, raw: Any) -> np.ndarray:
    """One input population's values, (batch, size) read-only floats (a SpikeValues for given spikes)."""
    where = f"Input {name!r}"
    if isinstance(raw, SpikeValues) and raw.given is not None:  # normalised before (compare() hands values on)
        if raw.trains is not None and raw.trains.population == name and raw.trains.size == size:
            return raw
        raw = raw.given
    if isinstance(raw, GivenSpikes):
        return SpikeValues.make(name, size, raw)
    if isinstance(raw, SpikeTrains):
        raise InputError(f"{where}: got SpikeTrains; {_spikes_hint(name)} (GivenSpikes.from_trains(trains, "
                         "rate_scale_hz=...)).")
    try:
        arr = np.asarray(raw)
    except Exception as exc:
        raise InputError(f"{where}: values are not an array of numbers ({str(exc).split('.')[0]}); "
                         f"{_spikes_hint(name)}.") from None
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        try:
            arr = arr.astype(float) if arr.dtype.kind == "O" else None
        except (TypeError, ValueError):
            arr = None
        if arr is None:
            raise InputError(f"{where}: values must be numbers; got {raw!r}; {_spikes_hint(name)}.")
    arr = arr.astype(float)
    if arr.ndim == 1:
        arr = arr[None, :]
    if arr.ndim != 2 or arr.shape[1] != size:
        raise InputError(
            f"{where}: values must have shape (batch, {size}) or ({size},); got {np.shape(raw)}. If these are "
            f"spike times: {_spikes_hint(name)}."
        )
    if arr.shape[0] == 0:
        raise InputError(f"{where}: the batch is empty (shape {arr.shape}).")
    if not np.all(np.isfinite(arr)):
        bad = first_index(~np.isfinite(arr))
        raise InputError(
            f"{where}: values must be finite; got {fmt_number(arr[bad])} at {fmt_index(bad)} (sample, neuron)."
        )
    arr.setflags(write=False)
    return arr
