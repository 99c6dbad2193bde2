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
from .errors import InputError, NeurocompareError
from .inputs import normalize_inputs
from .limits import check_limit, current_limits

__all__ = ["load_inputs", "load_labels", "INPUT_SUFFIXES"]

#: The input file formats understood.
INPUT_SUFFIXES = (".npz", ".npy", ".csv", ".h5", ".hdf5", ".nir")
#: Of those, NIR data files (spike events).
NIR_DATA_SUFFIXES = (".h5", ".hdf5", ".nir")
_COLUMN = re.compile(r"[ \t]*([A-Za-z][A-Za-z0-9_]{0,63})\[(\d{1,9})\][ \t]*")


def _npy_header(fh: Any, where: str) -> tuple[tuple[int, ...], np.dtype]:
    """The shape and dtype an .npy stream declares (its header only; nothing else is read)."""
    try:
        version = np.lib.format.read_magic(fh)
        if version == (1, 0):
            shape, _, dtype = np.lib.format.read_array_header_1_0(fh)
        else:
            shape, _, dtype = np.lib.format.read_array_header_2_0(fh)
    except (ValueError, OSError, EOFError, SyntaxError, zipfile.BadZipFile) as exc:
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise InputError(f"{where}: not a readable numpy array ({first[:160]}).") from None
    if dtype.hasobject:
        raise InputError(f"{where}: holds Python objects (dtype {dtype}); save numbers (pickles are never loaded).")
    return shape, dtype


def _check_declared(shape: tuple[int, ...], dtype: np.dtype, where: str) -> int:
    """Check an array's declared size against the limits; returns its size in bytes."""
    nbytes = int(np.prod(shape, dtype=object)) * dtype.itemsize
    check_limit(where, "bytes", nbytes)
    if shape:
        check_limit(where, "samples", shape[0])
    return nbytes


def _npy(path: Path, where: str) -> Any:
    """An .npy array or the arrays of an .npz archive ({name: array}), checked against the limits first."""
    try:
        with path.open("rb") as fh:
            head = fh.read(6)
            if head[:4] != b"PK\x03\x04" and head != b"\x93NUMPY":
                kind = "an .npz archive" if path.suffix == ".npz" else "a .npy array"
                raise InputError(f"{where}: not {kind} (it starts with {head!r}); save one with numpy.save/savez.")
            fh.seek(0)
            if head == b"\x93NUMPY":
                _check_declared(*_npy_header(fh, where), where)
                fh.seek(0)
                return np.load(fh, allow_pickle=False)
        return _npz(path, where)
    except FileNotFoundError:
        raise InputError(f"{where}: the file does not exist.") from None
    except (OSError, ValueError, zipfile.BadZipFile, EOFError) as exc:
        if isinstance(exc, NeurocompareError):
            raise
        raise InputError(f"{where}: not a readable numpy file ({str(exc)[:160]}).") from None


def _npz(path: Path, where: str) -> dict[str, np.ndarray]:
    """Every array of an .npz archive; each member's declared size is checked before it is decompressed."""
    limits = current_limits()
    with zipfile.ZipFile(path) as archive:
        members = archive.infolist()
        check_limit(f"{where} (decompressed)", "bytes", sum(m.file_size for m in members), limits=limits)
        arrays = {}
        for member in members:
            key = member.filename.removesuffix(".npy")
            at = f"{where}: array {key!r}"
            with archive.open(member) as fh:
                _check_declared(*_npy_header(fh, at), at)
            with archive.open(member) as fh:
                try:
                    arrays[key] = np.lib.format.read_array(fh, allow_pickle=False)
                except (ValueError, OSError, EOFError, zipfile.BadZipFile) as exc:
                    raise InputError(f"{at}: unreadable ({str(exc)[:160]}).") from None
        return arrays


def _csv_rows(path: Path, where: str) -> list[list[str]]:
    try:
        check_limit(where, "bytes", path.stat().st_size)
        limit = current_limits().samples + 1  # and a header
        rows = []
        with path.open(newline="", encoding="utf-8") as fh:
            for row in csv.reader(fh):
                if row and any(cell.strip() for cell in row):
                    rows.append(row)
                    if len(rows) > limit:
                        check_limit(where, "samples", len(rows) - 1)
        return rows
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
        m = _COLUMN.fullmatch(name)
        if not m:
            raise InputError(f"{where}: column {j + 1} header {name!r} is not population[index], e.g. 'x[0]'.")
        pop, idx = m.group(1), int(m.group(2))
        if pop not in sizes:
            raise InputError(f"{where}: column {name!r}: {pop!r} is not an input population of {circuit.name!r}; "
                             f"inputs: {', '.join(sizes) or 'none'}.")
        if idx >= sizes[pop]:
            raise InputError(f"{where}: column {name!r}: {pop!r} has {sizes[pop]} neurons (0..{sizes[pop] - 1}).")
        columns.append((pop, idx))
    named = set(columns)  # a set: the check stays linear in the number of columns
    missing = [f"{p}[{i}]" for p, n in sizes.items() for i in range(n) if (p, i) not in named]
    if missing or len(named) != len(columns):
        what = f"missing {', '.join(missing[:5])}" if missing else "a repeated column"
        raise InputError(f"{where}: the header must name every input neuron once; {what}.")
    out = {p: np.zeros((len(rows) - 1, n)) for p, n in sizes.items()}
    for line, row in enumerate(rows[1:], start=2):
        if len(row) != len(header):
            raise InputError(f"{where}: line {line} has {len(row)} values; the header has {len(header)}.")
        for (pop, idx), cell in zip(columns, row):
            out[pop][line - 2, idx] = _number(cell, f"{where}: line {line}, column {pop}[{idx}]")
    return out


def load_inputs(path: str | os.PathLike, circuit: Circuit, *, rate_scale_hz: float = 200.0,
                dt_ms: float = 0.1) -> dict[str, np.ndarray]:
    """The input values in ``path`` for ``circuit``, checked against it: ``{population: (batch, size) array}``.

    From a NIR data file the values are given spikes (:class:`~neurocompare.spike_input.GivenSpikes`), stated
    for ``rate_scale_hz`` (the spiking backend's); their duration is checked against the step limit at ``dt_ms``.
    What a file declares (its size, samples, decompressed bytes) is checked against :mod:`neurocompare.limits`
    before it is read.
    """
    where = f"Inputs file {str(path)!r}"
    if Path(path).suffix in NIR_DATA_SUFFIXES:
        from .nir.events import read_events

        values = read_events(path, [(p.name, p.size) for p in circuit.inputs], rate_scale_hz=rate_scale_hz,
                             dt_ms=dt_ms)
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
            raise InputError(f"{where}: expected one array; got an .npz archive of {len(data)}.")
        return data
    if isinstance(data, np.ndarray):
        raise InputError(f"{where}: expected an .npz archive (one array per input population); got one .npy array.")
    unknown = [k for k in data if k not in circuit.input_names]
    if unknown:
        raise InputError(f"{where}: key {unknown[0]!r} is not an input population of {circuit.name!r}; inputs: "
                         f"{', '.join(circuit.input_names) or 'none'}.")
    return data


def load_labels(path: str | os.PathLike) -> np.ndarray:
    """The labels in ``path`` (``.npy`` or a one-column ``.csv``, a header line allowed)."""
    path = Path(path)
    where = f"Labels file {str(path)!r}"
    if path.suffix == ".npy":
        labels = _npy(path, where)
        if not isinstance(labels, np.ndarray):
            raise InputError(f"{where}: expected one array; got an .npz archive.")
        return labels
    if path.suffix != ".csv":
        raise InputError(f"{where}: unknown format {path.suffix or '(no suffix)'!r}; use .npy or .csv.")
    rows = _csv_rows(path, where)
    if rows and not _COLUMN.fullmatch(rows[0][0]) and not rows[0][0].strip().lstrip("-").replace(".", "").isdigit():
        rows = rows[1:]  # a header line
    return np.array([_number(row[0], f"{where}: line {i}") for i, row in enumerate(rows, start=1)])
