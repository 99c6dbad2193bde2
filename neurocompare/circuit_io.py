"""The circuit file format: JSON, plain data only (never pickle), exact round trip, versioned.

Version 2 (written since the neuron-model registry) tags each population's neuron with its model::

    {"format": "neurocompare.circuit", "version": 2, "name": "xor", "description": "...",
     "inputs": [{"name": "x", "size": 2}],
     "populations": [{"name": "out", "size": 1, "bias": [0.0], "activation": "relu",
                      "neuron": {"model": "lif", "tau_m_ms": "inf", "v_rest": 0.0, ...}}],
     "projections": [{"pre": "x", "post": "out", "counts": [[2, 2]], "unit_weight": 0.5, "delay_ms": 0.0}]}

Version 3 adds a sparse form of the counts, written for a projection when it is smaller: when fewer than a
third of the pairs are connected (``3 * nnz < post size x pre size``; each stored pair takes three
numbers, a dense entry one). It lists the connected pairs in row-major order, every pair once (written
without zeros; a listed 0 reads as an unconnected pair)::

    "counts": {"shape": [3, 4], "rows": [0, 2, 2], "cols": [1, 0, 3], "values": [2, -1, 5]}

(``counts[rows[i], cols[i]] = values[i]``, every other entry 0). A circuit without sparse counts is written
as version 2, which older neurocompare versions read; per-connection delays are always written dense.
Version 1 is version 2 without the ``"model"`` tag (every neuron was a LIF); it still loads. An infinite
parameter (``tau_m_ms`` of a non-leaky neuron) is written as the string ``"inf"``; NaN and infinities
anywhere else are rejected. Every key and value is checked on load, and errors name the file, the entry
(``population #1``) and the value.
"""

from __future__ import annotations

import json
import os
import tempfile
from numbers import Integral
from pathlib import Path
from typing import Any, Callable

import numpy as np
import scipy.sparse

from .activations import BUILTIN_ACTIVATIONS, canonical_activation_name, valid_activation_names
from .populations import InputPopulation, NeuronPopulation, Projection
from .errors import CircuitError, ParameterError
from .limits import check_limit
from .models import neuron_from_dict, neuron_to_dict, synapse_from_dict, synapse_to_dict

__all__ = ["FILE_FORMAT", "FILE_VERSION", "READABLE_VERSIONS", "SPARSE_KEYS", "stores_sparse", "circuit_to_dict",
           "circuit_from_dict", "circuit_to_json", "circuit_from_json", "save_circuit", "load_circuit"]

FILE_FORMAT = "neurocompare.circuit"
#: The newest version this neurocompare writes (4 when a population names its synapse model, else 3 when some
#: counts are stored sparse, else 2).
FILE_VERSION = 4
#: The versions it reads.
READABLE_VERSIONS = (1, 2, 3, 4)
#: The keys of the sparse form of a projection's counts (version 3).
SPARSE_KEYS = ("shape", "rows", "cols", "values")

_TOP_KEYS = {"format", "version", "name", "description", "inputs", "populations", "projections"}
_POP_KEYS = {"name", "size", "bias", "activation", "neuron", "synapse"}
_PROJ_KEYS = {"pre", "post", "counts", "unit_weight", "delay_ms"}


# ----------------------------------------------------------------------------- writing
def _saved_name(fn: Any) -> str | None:
    """The name a callable activation is saved by (a measured one's ``fi:...`` name), or None."""
    name = getattr(fn, "name", None)
    try:
        return canonical_activation_name(name) if isinstance(name, str) and name not in BUILTIN_ACTIVATIONS else None
    except ParameterError:
        return None


def _population_dict(pop: NeuronPopulation) -> dict[str, Any]:
    activation = pop.activation if isinstance(pop.activation, str) else _saved_name(pop.activation)
    if activation is None:
        raise CircuitError(
            f"Population {pop.name!r}: a callable activation ({pop.activation_name}) cannot be saved to a circuit "
            f"file; use one of {valid_activation_names()} or keep the circuit in Python."
        )
    data: dict[str, Any] = {"name": pop.name, "size": pop.size, "bias": [float(b) for b in pop.bias],
                            "activation": activation}
    if pop.neuron is not None:
        data["neuron"] = neuron_to_dict(pop.neuron)
    if pop.synapse is not None:
        data["synapse"] = synapse_to_dict(pop.synapse)
    return data


def stores_sparse(proj: Projection) -> bool:
    """Whether a file stores ``proj``'s counts in the sparse form: ``3 x connected pairs < entries``."""
    return 3 * proj.n_connections < proj.counts.size


def _counts_data(proj: Projection) -> list | dict[str, list]:
    if not stores_sparse(proj):
        return proj.counts.tolist()
    rows, cols, values = proj.nonzero
    return {"shape": list(proj.counts.shape), "rows": rows.tolist(), "cols": cols.tolist(),
            "values": values.tolist()}


def _projection_dict(proj: Projection) -> dict[str, Any]:
    delay = proj.delay_ms
    return {"pre": proj.pre, "post": proj.post, "counts": _counts_data(proj), "unit_weight": proj.unit_weight,
            "delay_ms": delay if isinstance(delay, float) else delay.tolist()}


def circuit_to_dict(circuit: Any) -> dict[str, Any]:
    """Plain-data form of a circuit, the content of a circuit file (version 4 if a population names its synapse
    model, else 3 if some counts are sparse, else 2: the oldest version that can hold it)."""
    projections = [_projection_dict(p) for p in circuit.projections]
    version = 3 if any(isinstance(p["counts"], dict) for p in projections) else 2
    return {
        "format": FILE_FORMAT,
        "version": 4 if any(p.synapse is not None for p in circuit.populations) else version,
        "name": circuit.name,
        "description": circuit.description,
        "inputs": [{"name": p.name, "size": p.size} for p in circuit.inputs],
        "populations": [_population_dict(p) for p in circuit.populations],
        "projections": projections,
    }


def circuit_to_json(circuit: Any) -> str:
    """The circuit as JSON text (floats with full precision: an exact round trip)."""
    return json.dumps(circuit_to_dict(circuit), indent=1, allow_nan=False) + "\n"


def save_circuit(circuit: Any, path: str | os.PathLike) -> Path:
    """Write ``circuit`` to a JSON file atomically (a failed write leaves any old file intact)."""
    path = Path(path)
    text = circuit_to_json(circuit)  # raises before touching the disk if the circuit cannot be saved
    directory = path.parent if str(path.parent) else Path(".")
    where = f"Circuit {circuit.name!r}: cannot save to {str(path)!r}"
    if not directory.is_dir():
        raise CircuitError(f"{where}: folder does not exist.")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise CircuitError(f"{where}: {exc.strerror}.") from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
        os.replace(tmp, path)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise CircuitError(f"{where}: {exc.strerror}.") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# ----------------------------------------------------------------------------- reading
def _mapping(where: str, obj: Any, what: str, keys: set[str], required: set[str]) -> dict:
    if not isinstance(obj, dict):
        raise CircuitError(f"{where}: {what} must be a JSON object; got {obj!r}.")
    unknown = sorted(set(obj) - keys)
    if unknown:
        raise CircuitError(
            f"{where}: {what} has unknown key(s) {', '.join(map(repr, unknown))}; valid: {', '.join(sorted(keys))}."
        )
    missing = sorted(required - set(obj))
    if missing:
        raise CircuitError(f"{where}: {what} is missing key(s) {', '.join(map(repr, missing))}.")
    return obj


def _header(where: str, data: Any) -> dict:
    top = _mapping(where, data, "the circuit", _TOP_KEYS, {"format", "version", "name", "populations"})
    if top["format"] != FILE_FORMAT:
        raise CircuitError(f"{where}: format must be {FILE_FORMAT!r}; got {top['format']!r}.")
    if isinstance(top["version"], bool) or top["version"] not in READABLE_VERSIONS:
        raise CircuitError(
            f"{where}: unsupported circuit file version {top['version']!r}; this neurocompare reads versions "
            f"{', '.join(map(str, READABLE_VERSIONS))}."
        )
    for key in ("inputs", "populations", "projections"):
        if not isinstance(top.get(key, []), list):
            raise CircuitError(f"{where}: {key!r} must be a list; got {top[key]!r}.")
    return top


def _no_synapse(where: str, i: int, entry: Any) -> Any:
    """An input entry; one naming a synapse or neuron model gets an error saying why inputs take none."""
    if isinstance(entry, dict):
        for key in ("synapse", "neuron"):
            if key in entry:
                raise CircuitError(f"{where}: input #{i} ({entry.get('name')!r}) has a {key} model "
                                   f"({entry[key]!r}); inputs receive no synapses and have no neurons: give the "
                                   f"{key} model to the population the input projects to.")
    return entry


def _population(where: str, i: int, entry: Any, version: int) -> NeuronPopulation:
    p = dict(_mapping(where, entry, f"population #{i}", _POP_KEYS, {"name", "size"}))
    if not isinstance(p.get("activation", "relu"), str):
        raise CircuitError(f"{where}: population #{i}: activation must be a name; got {p['activation']!r}.")
    if "neuron" in p:
        neuron = p["neuron"]
        if version == 1 and isinstance(neuron, dict) and "model" in neuron:
            raise CircuitError(f"{where}: population #{i}: a version-1 file has no neuron 'model' tag; "
                               "write version 2 to name the model.")
        p["neuron"] = neuron_from_dict(neuron, owner=f"Population {p.get('name')!r}")
    if "synapse" in p:
        if version < 4:
            raise CircuitError(f"{where}: population #{i}: a synapse model needs file version 4; this file says "
                               f"version {version}. Write version 4.")
        p["synapse"] = synapse_from_dict(p["synapse"], owner=f"Population {p.get('name')!r}")
    return NeuronPopulation(**p)


def _index_list(what: str, value: Any, length: int, bound: int) -> np.ndarray:
    if not isinstance(value, list) or len(value) != length:
        raise CircuitError(f"{what} must be a list of {length} integers (one per stored pair); got "
                           f"{type(value).__name__} of length {len(value) if isinstance(value, list) else 'n/a'}.")
    bad = [v for v in value if isinstance(v, bool) or not isinstance(v, Integral) or not 0 <= v < bound]
    if bad:
        raise CircuitError(f"{what} must hold integers in [0, {bound}); got {bad[0]!r}.")
    return np.asarray(value, dtype=np.int64).reshape(length)


def _sparse_counts(where: str, i: int, entry: Any, version: int) -> scipy.sparse.coo_array:
    """The sparse form of projection #i's counts (see the module docstring) as a scipy.sparse matrix."""
    what = f"{where}: projection #{i}: sparse counts"
    if version < 3:
        raise CircuitError(f"{what} need file version 3; this file says version {version}. Write version 3.")
    obj = _mapping(where, entry, f"projection #{i}: sparse counts", set(SPARSE_KEYS), set(SPARSE_KEYS))
    shape = obj["shape"]
    if (not isinstance(shape, list) or len(shape) != 2
            or any(isinstance(n, bool) or not isinstance(n, Integral) or n < 1 for n in shape)):
        raise CircuitError(f"{what}: 'shape' must be [post size, pre size], two positive integers; got {shape!r}.")
    values = obj["values"]
    if not isinstance(values, list):
        raise CircuitError(f"{what}: 'values' must be a list of integers; got {values!r}.")
    rows = _index_list(f"{what}: 'rows'", obj["rows"], len(values), shape[0])
    cols = _index_list(f"{what}: 'cols'", obj["cols"], len(values), shape[1])
    flat = rows * shape[1] + cols
    if flat.size and np.any(np.diff(flat) <= 0):
        k = int(np.flatnonzero(np.diff(flat) <= 0)[0]) + 1
        raise CircuitError(f"{what}: pairs must be listed once each in row-major order; pair #{k} "
                           f"({int(rows[k])}, {int(cols[k])}) is out of order or repeated.")
    if any(isinstance(v, bool) or not isinstance(v, (int, float)) for v in values):
        raise CircuitError(f"{what}: 'values' must be a list of numbers; got {values!r:.200}.")
    try:  # floats hold every valid count exactly (|n| < 2**31); Projection rejects the rest by value
        data = np.asarray(values, dtype=float)
    except OverflowError:
        raise CircuitError(f"{what}: 'values' holds a number too large for a synapse count.") from None
    return scipy.sparse.coo_array((data, (rows, cols)), shape=tuple(shape))


def _projection(where: str, i: int, entry: Any, version: int) -> Projection:
    p = dict(_mapping(where, entry, f"projection #{i}", _PROJ_KEYS, {"pre", "post", "counts"}))
    if "unit_weight" not in p:  # no silent 1.0: the weight of a synapse decides every number the circuit gives
        raise CircuitError(f"{where}: projection #{i} ({p['pre']!r}->{p['post']!r}) is missing 'unit_weight', the "
                           "weight of one synapse (weight = count x unit_weight; e.g. \"unit_weight\": 0.5); "
                           "Circuit.save writes it.")
    if isinstance(p["counts"], dict):
        p["counts"] = _sparse_counts(where, i, p["counts"], version)
    return Projection(**p)


def _declared_size(where: str, data: dict) -> None:
    """Check the neurons and (pre, post) pairs the file declares against the limits, before any array exists.

    Only well-formed entries count here; malformed ones get their own error when they are built.
    """
    sizes = {}
    for entry in [*data.get("inputs", []), *data["populations"]]:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            size = entry.get("size")
            if isinstance(size, Integral) and not isinstance(size, bool) and size > 0:
                sizes[entry["name"]] = int(size)
    check_limit(where, "neurons", sum(sizes.values()))
    pairs = 0
    for entry in data.get("projections", []):
        if isinstance(entry, dict):
            counts = entry.get("counts")
            shape = counts.get("shape") if isinstance(counts, dict) else None
            if (isinstance(shape, list) and len(shape) == 2
                    and all(isinstance(n, Integral) and not isinstance(n, bool) and n > 0 for n in shape)):
                pairs += int(shape[0]) * int(shape[1])
            else:
                pre, post = entry.get("pre"), entry.get("post")
                if isinstance(pre, str) and isinstance(post, str):
                    pairs += sizes.get(pre, 0) * sizes.get(post, 0)
    check_limit(where, "pairs", pairs)


def circuit_from_dict(data: Any, *, factory: Callable[..., Any], source: str = "circuit data") -> Any:
    """Build a circuit (``factory(**parts)``, the Circuit class) from :func:`circuit_to_dict` output, version 1, 2
    or 3; every key and value is checked, the declared size against :mod:`neurocompare.limits` first, and every
    error names ``source``."""
    where = source
    top = _header(where, data)
    _declared_size(where, top)
    try:
        inputs = [InputPopulation(**_mapping(where, _no_synapse(where, i, p), f"input #{i}", {"name", "size"},
                                             {"name", "size"}))
                  for i, p in enumerate(top.get("inputs", []))]
        pops = [_population(where, i, p, top["version"]) for i, p in enumerate(top["populations"])]
        projs = [_projection(where, i, p, top["version"]) for i, p in enumerate(top.get("projections", []))]
        return factory(name=top["name"], description=top.get("description", ""), inputs=inputs, populations=pops,
                       projections=projs)
    except (CircuitError, ParameterError, LookupError) as exc:
        msg = str(exc).strip("'\"")
        if msg.startswith(where):
            raise
        raise CircuitError(f"{where}: {msg}") from None


def circuit_from_json(text: str, *, factory: Callable[..., Any], source: str = "circuit JSON") -> Any:
    """Parse :func:`circuit_to_json` output. Plain data only: nothing in the file is executed."""

    def reject_constant(name: str) -> Any:
        raise CircuitError(f"{source}: {name} is not allowed in a circuit file; values must be finite.")

    try:
        data = json.loads(text, parse_constant=reject_constant)
    except json.JSONDecodeError as exc:
        raise CircuitError(f"{source}: not valid JSON ({exc}).") from None
    except ValueError as exc:  # e.g. an integer of more than 4300 digits
        raise CircuitError(f"{source}: not a valid circuit file ({str(exc).split(';')[0][:120]}).") from None
    except RecursionError:
        raise CircuitError(f"{source}: JSON nested too deeply.") from None
    return circuit_from_dict(data, factory=factory, source=source)


def load_circuit(path: str | os.PathLike, *, factory: Callable[..., Any]) -> Any:
    """Read a circuit file written by :func:`save_circuit` (or by an older neurocompare: version 1)."""
    path = Path(path)
    try:
        check_limit(f"Circuit file {str(path)!r}", "bytes", path.stat().st_size)
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise CircuitError(f"Circuit file {str(path)!r} does not exist.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CircuitError(f"Circuit file {str(path)!r} cannot be read: {exc}.") from None
    return circuit_from_json(text, factory=factory, source=f"Circuit file {str(path)!r}")
