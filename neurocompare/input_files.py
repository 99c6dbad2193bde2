"""Input values and labels from files, for comparing your own circuit from the command line.

Formats (the file's suffix decides):

- ``.npz``: one array per input population, named by the population, each ``(batch, size)``;
- ``.npy``: one ``(batch, size)`` array, for a circuit with exactly one input population;
- ``.csv``: a header of ``population[index]`` columns (every neuron of every input population, any
  order), then one row per sample;
- ``.h5``, ``.hdf5``, ``.nir``: spikes in a NIR data file (``nir.write_data``; extra ``nir``): one node per
  input population, named by it, holding ``EventData`` (times in seconds) that drive it as given spikes.

Labels: ``.npy`` (an array with one entry per sample, or ``(batch, outputs)`` of 0/1 for a threshold
read-out) or ``.csv`` (one column; a header line is allowed). Nothing is executed: ``.npy``/``.npz`` are
read with ``allow_pickle=False``. Errors name the file, the key, line or column, and the value; the
values are then checked against the circuit by :func:`neurocompare.inputs.normalize_inputs`.
"""

from __future__ import annotations

import csv
import os
import re
import zipfile
from pathlib import Path
from typing import Any

import numpy as np

from .circuit import Circuit
from .errors import InputError
from .inputs import normalize_inputs

__all__ = ["load_inputs", "load_labels", "INPUT_SUFFIXES"]

#: The input file formats understood.
INPUT_SUFFIXES = (".npz", ".npy", ".csv", ".h5", ".hdf5", ".nir")
#: Of those, NIR data files (spike events).
NIR_DATA_SUFFIXES = (".h5", ".hdf5", ".nir")
_COLUMN = re.compile(r"^\s*([A-Za-z][A-Za-z0-9_]*)\[(\d+)\]\s*$")


def _npy(path: Path, where: str) -> Any:
    if path.is_file():
        with path.open("rb") as fh:
            head = fh.read(6)
        if head[:4] != b"PK\x03\x04" and head != b"\x93NUMPY":
            kind = "an .npz archive" if path.suffix == ".npz" else "a .npy array"
            raise InputError(f"{where}: not {kind} (it starts with {head!r}); save one with numpy.save/savez.")
    try:
        return np.load(path, allow_pickle=False)
    except FileNotFoundError:
        raise InputError(f"{where}: the file does not exist.") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        raise InputError(f"{where}: not a readable numpy file ({exc}).") from None


def _csv_rows(path: Path, where: str) -> list[list[str]]:
    try:
        with path.open(newline="", encoding="utf-8") as fh:
            return [row for row in csv.reader(fh) if row and any(cell.strip() for cell in row)]
    except FileNotFoundError:
        raise InputError(f"{where}: the file does not exist.") from None
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise InputError(f"{where}: not a readable CSV file ({exc}).") from None


def _number(cell: str, where: str) -> float:
    try:
        return float(cell)
    except ValueError:
        raise InputError(f"{where}: {cell!r} is not a number.") from None


def _from_csv(path: Path, circuit: Circuit, where: str) -> dict[str, np.ndarray]:
    rows = _csv_rows(path, where)
    if len(rows) < 2:
        raise InputError(f"{where}: needs a header of population[index] columns and at least one row of values.")
    header, sizes = rows[0], {p.name: p.size for p in circuit.inputs}
    columns = []
    for j, name in enumerate(header):
        m = _COLUMN.match(name)
        if not m:
            raise InputError(f"{where}: column {j + 1} header {name!r} is not population[index], e.g. 'x[0]'.")
        pop, idx = m.group(1), int(m.group(2))
        if pop not in sizes:
            raise InputError(f"{where}: column {name!r}: {pop!r} is not an input population of {circuit.name!r}; "
                             f"inputs: {', '.join(sizes) or 'none'}.")
        if idx >= sizes[pop]:
            raise InputError(f"{where}: column {name!r}: {pop!r} has {sizes[pop]} neurons (0..{sizes[pop] - 1}).")
        columns.append((pop, idx))
    missing = [f"{p}[{i}]" for p, n in sizes.items() for i in range(n) if (p, i) not in columns]
    if missing or len(set(columns)) != len(columns):
        what = f"missing {', '.join(missing[:5])}" if missing else "a repeated column"
        raise InputError(f"{where}: the header must name every input neuron once; {what}.")
    out = {p: np.zeros((len(rows) - 1, n)) for p, n in sizes.items()}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(f"{where}: line {line} has {len(row)} values; the header has {len(header)}.")
        for (pop, idx), cell in zip(columns, row):
            out[pop][line - 2, idx] = _number(cell, f"{where}: line {line}, column {pop}[{idx}]")
    return out


def load_inputs(path: str | os.PathLike, circuit: Circuit, *, rate_scale_hz: float = 200.0) -> dict[str, np.ndarray]:
    """The input values in ``path`` for ``circuit``, checked against it: ``{population: (batch, size) array}``.

    From a NIR data file the values are given spikes (:class:`~neurocompare.spike_input.GivenSpikes`), stated
    for ``rate_scale_hz`` (the spiking backend's).
    """
    where = f"Inputs file {str(path)!r}"
    if Path(path).suffix in NIR_DATA_SUFFIXES:
        from .nir.events import read_events

        values = read_events(path, [(p.name, p.size) for p in circuit.inputs], rate_scale_hz=rate_scale_hz)
    else:
        values = _read_inputs(Path(path), circuit, where)
    try:
        return normalize_inputs(circuit, values)[0]
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None


def _read_inputs(path: Path, circuit: Circuit, where: str) -> Any:
    if path.suffix not in INPUT_SUFFIXES:
        raise InputError(f"{where}: unknown format {path.suffix or '(no suffix)'!r}; use {', '.join(INPUT_SUFFIXES)}.")
    if path.suffix == ".csv":
        return _from_csv(path, circuit, where)
    data = _npy(path, where)
    if path.suffix == ".npy":
        if not isinstance(data, np.ndarray):
            raise InputError(f"{where}: expected one array; got {type(data).__name__}.")
        return data
    with data:
        keys = list(data.keys())
        unknown = [k for k in keys if k not in circuit.input_names]
        if unknown:
            raise InputError(f"{where}: key {unknown[0]!r} is not an input population of {circuit.name!r}; inputs: "
                             f"{', '.join(circuit.input_names) or 'none'}.")
        return {k: data[k] for k in keys}


def load_labels(path: str | os.PathLike) -> np.ndarray:
    """The labels in ``path`` (``.npy`` or a one-column ``.csv``, a header line allowed)."""
    path = Path(path)
    where = f"Labels file {str(path)!r}"
    if path.suffix == ".npy":
        labels = _npy(path, where)
        if not isinstance(labels, np.ndarray):
            raise InputError(f"{where}: expected one array; got {type(labels).__name__}.")
        return labels
    if path.suffix != ".csv":
        raise InputError(f"{where}: unknown format {path.suffix or '(no suffix)'!r}; use .npy or .csv.")
    rows = _csv_rows(path, where)
    if rows and not _COLUMN.match(rows[0][0]) and not rows[0][0].strip().lstrip("-").replace(".", "").isdigit():
        rows = rows[1:]  # a header line
    return np.array([_number(row[0], f"{where}: line {i}") for i, row in enumerate(rows, start=1)])
