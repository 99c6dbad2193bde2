"""Reading a NIR graph: load it, flatten nested graphs, and trace the weighted paths between neurons.

Nodes fall into kinds: ``input`` and ``output`` (the top graph's ``nir.Input``/``nir.Output``), ``cell``
(``nir.LIF``, ``nir.IF``, ``nir.Threshold``: a neurocompare population), ``linear`` (``nir.Affine``,
``nir.Linear``, ``nir.Scale``), ``delay`` (``nir.Delay``) and ``pass`` (``nir.Flatten`` and the
``Input``/``Output`` nodes of a nested graph: the signal unchanged). A *path* runs from an input or
cell through linear, delay and pass nodes to a cell or output; its weights compose into one matrix and
its delays into one per connection. Any other node type is unsupported and named.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import numpy as np

from .._validation import fmt_number
from ..errors import BackendError, CircuitError
from ..limits import check_limit
from .report import UnsupportedNirError

__all__ = ["import_nir", "load_graph", "Flat", "flatten", "WirePath", "trace", "node_size"]

_INSTALL = 'pip install "neurocompare[nir]"'

#: Why a node type has no counterpart (the field named in the error).
_UNSUPPORTED = {
    "CubaLI": ("tau_syn", "a current-based leaky integrator (exponential synapse, no spikes)"),
    "LI": ("tau", "a non-spiking leaky integrator read-out: neurocompare's spiking side decodes spike counts and has "
                  "no non-spiking neuron"),
    "I": ("r", "a non-spiking integrator"),
}


def import_nir() -> Any:
    """The ``nir`` package, or a BackendError saying how to install it."""
    try:
        import nir
    except ImportError as exc:
        raise BackendError(f"NIR import/export needs the optional package 'nir' ({exc}); install it with '{_INSTALL}'.") from None
    return nir


def check_hdf5_size(path: str | os.PathLike, label: str) -> None:
    """Check the bytes an HDF5 file's datasets decompress to (their declared shapes) against the byte limit,
    before any is read; an unreadable file is left to the reader's own error."""
    import h5py

    total = 0

    def add(_name: str, obj: Any) -> None:
        nonlocal total
        if isinstance(obj, h5py.Dataset):
            total += int(np.prod(obj.shape or (1,), dtype=object)) * max(obj.dtype.itemsize, 1)

    try:
        with h5py.File(path, "r") as fh:
            fh.visititems(add)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError):
        return
    check_limit(f"{label} (decompressed)", "bytes", total)


def load_graph(source: Any) -> tuple[Any, str]:
    """``(graph, label)`` from a ``nir.NIRGraph`` or the path of a NIR (HDF5) file; errors name the file."""
    nir = import_nir()
    if isinstance(source, (str, os.PathLike)):
        path = FilePath(source)
        label = f"NIR file {str(path)!r}"
        if not path.is_file():
            raise CircuitError(f"{label}: no such file.")
        import h5py

        if not h5py.is_hdf5(path):
            with open(path, "rb") as fh:
                head = fh.read(16)
            raise CircuitError(f"{label}: not an HDF5 file (a NIR graph is an HDF5 file written by nir.write); "
                               f"it starts with {head!r}.")
        check_hdf5_size(path, label)
        try:
            graph = nir.read(path)
        except Exception as exc:  # h5py/nir raise KeyError, ValueError, AssertionError...
            raise CircuitError(f"{label}: not a readable NIR graph ({type(exc).__name__}: {exc}).") from None
        return graph, label
    if isinstance(source, nir.NIRGraph):
        return source, "NIR graph"
    raise CircuitError(f"NIR import: expected a nir.NIRGraph or the path of a NIR file; got {type(source).__name__} "
                       f"({source!r:.80}).")


@dataclass
class Flat:
    """A graph with nested graphs inlined: node names joined with '.', edges between flat names."""

    nodes: dict[str, Any]
    edges: list[tuple[str, str]]
    kinds: dict[str, str] = field(default_factory=dict)

    def successors(self, name: str) -> list[str]:
        return [b for a, b in self.edges if a == name]


def _kind(nir: Any, name: str, node: Any, top: bool) -> str:
    if isinstance(node, nir.Input):
        return "input" if top else "pass"
    if isinstance(node, nir.Output):
        return "output" if top else "pass"
    if isinstance(node, nir.Flatten):
        return "pass"
    if isinstance(node, (nir.LIF, nir.CubaLIF, nir.IF, nir.Threshold)):
        return "cell"
    if isinstance(node, (nir.Affine, nir.Linear, nir.Scale)):
        return "linear"
    if isinstance(node, nir.Delay):
        return "delay"
    kind = type(node).__name__
    field_, why = _UNSUPPORTED.get(kind, ("type", f"node type {kind} has no neurocompare counterpart (supported: Input, "
                                                   "Output, Affine, Linear, Scale, Delay, Flatten, IF, LIF, CubaLIF, Threshold, "
                                                   "nested graphs)"))
    raise UnsupportedNirError(f"NIR import: node {name!r} ({kind}): {field_}: {why}.")


def flatten(graph: Any, prefix: str = "") -> Flat:
    """Inline nested graphs (one Input and one Output each) and classify every node."""
    nir = import_nir()
    flat = Flat({}, [])
    entry: dict[str, str] = {}
    exit_: dict[str, str] = {}
    for name, node in graph.nodes.items():
        full = prefix + name
        if isinstance(node, nir.NIRGraph):
            ins = [n for n, v in node.nodes.items() if isinstance(v, nir.Input)]
            outs = [n for n, v in node.nodes.items() if isinstance(v, nir.Output)]
            if len(ins) != 1 or len(outs) != 1:
                raise UnsupportedNirError(f"NIR import: nested graph {full!r}: nodes: it has {len(ins)} Input and "
                                          f"{len(outs)} Output nodes; one of each is supported.")
            sub = flatten(node, full + ".")
            flat.nodes.update(sub.nodes)
            flat.edges += sub.edges
            flat.kinds.update(sub.kinds)
            entry[name], exit_[name] = f"{full}.{ins[0]}", f"{full}.{outs[0]}"
        else:
            flat.nodes[full] = node
            flat.kinds[full] = _kind(nir, full, node, top=not prefix)
    for a, b in graph.edges:
        a, b = str(a), str(b)
        for end in (a, b):
            if end not in graph.nodes:
                raise CircuitError(f"NIR import: edge ({prefix + a!r}, {prefix + b!r}) names node {prefix + end!r}, "
                                   f"which is not in the graph; nodes: {', '.join(prefix + n for n in graph.nodes)}.")
        flat.edges.append((exit_.get(a, prefix + a), entry.get(b, prefix + b)))
    return flat


def _as_array(name: str, field_: str, value: Any) -> np.ndarray:
    arr = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(arr)):
        bad = arr[~np.isfinite(arr)].flat[0]
        raise CircuitError(f"NIR import: node {name!r}: {field_} must be finite; got {fmt_number(bad)}.")
    return arr


def node_size(name: str, node: Any) -> int:
    """Number of channels a node outputs."""
    nir = import_nir()
    if isinstance(node, nir.Input):
        return int(np.prod(np.asarray(node.input_type["input"]).astype(int)))
    if isinstance(node, (nir.Affine, nir.Linear)):
        return int(np.asarray(node.weight).shape[0])
    for field_ in ("v_threshold", "threshold", "scale", "delay", "r"):
        if hasattr(node, field_):
            return int(np.size(getattr(node, field_)))
    raise CircuitError(f"NIR import: node {name!r} ({type(node).__name__}): cannot tell its size.")


@dataclass
class WirePath:
    """A path from ``source`` to ``target`` (a cell or an output): ``matrix`` (target x source) and per-connection
    ``delay_s``, through the wire nodes ``via``."""

    source: str
    target: str
    matrix: np.ndarray
    delay_s: np.ndarray
    via: tuple[str, ...]


def _linear_matrix(nir: Any, name: str, node: Any) -> np.ndarray:
    if isinstance(node, nir.Scale):
        return np.diag(_as_array(name, "scale", node.scale).ravel())
    w = _as_array(name, "weight", node.weight)
    if w.ndim != 2:
        raise UnsupportedNirError(f"NIR import: node {name!r} ({type(node).__name__}): weight: must be a 2-D matrix "
                                  f"(out, in); got shape {w.shape}.")
    return w


def trace(flat: Flat, start: str, matrix: np.ndarray, *, delays: bool = True) -> list[WirePath]:
    """Every path from the output of node ``start`` (its signal as ``matrix``: channels x source) to a cell or output.

    Delays before the first weight matrix are per source channel, delays after the last one per target; a
    non-uniform delay between two weight matrices cannot be written per connection and is unsupported.
    ``delays=False`` (a constant signal, such as a bias) ignores delays.
    """
    nir = import_nir()
    out: list[WirePath] = []
    n_src = matrix.shape[1]

    def walk(node: str, m: np.ndarray, d_src: np.ndarray, d_cur: np.ndarray, mapped: bool, via: tuple[str, ...]) -> None:
        for nxt in flat.successors(node):
            kind = flat.kinds[nxt]
            if nxt in via:
                raise UnsupportedNirError(f"NIR import: node {nxt!r}: edges: a loop through weight/delay nodes only "
                                          f"({' -> '.join((*via, nxt))}) has no neuron to integrate it.")
            if kind in ("cell", "output"):
                size = node_size(nxt, flat.nodes[nxt]) if kind == "cell" else m.shape[0]
                if m.shape[0] != size:
                    raise CircuitError(f"NIR import: node {nxt!r} ({type(flat.nodes[nxt]).__name__}) has {size} "
                                       f"neurons but receives {m.shape[0]} channels from {node!r}.")
                delay = d_cur[:, None] + d_src[None, :]
                out.append(WirePath(start, nxt, m, delay, via))
            elif kind == "pass":
                walk(nxt, m, d_src, d_cur, mapped, (*via, nxt))
            elif kind == "delay":
                d = _as_array(nxt, "delay", flat.nodes[nxt].delay).ravel()
                if d.size != m.shape[0] or np.any(d < 0):
                    raise CircuitError(f"NIR import: node {nxt!r} (Delay): delay must be {m.shape[0]} values >= 0 (s); "
                                       f"got {d.size} values, min {d.min() if d.size else 'none'}.")
                walk(nxt, m, d_src, d_cur + d, mapped, (*via, nxt))
            elif kind == "linear":
                w = _linear_matrix(nir, nxt, flat.nodes[nxt])
                if w.shape[1] != m.shape[0]:
                    raise CircuitError(f"NIR import: node {nxt!r} ({type(flat.nodes[nxt]).__name__}): weight has "
                                       f"{w.shape[1]} inputs but receives {m.shape[0]} channels from {node!r}.")
                new_src, new_cur = d_src, d_cur
                if not mapped and n_src == m.shape[0]:
                    new_src = d_src + d_cur  # delays so far are per source channel
                elif delays and np.ptp(d_cur) > 0:
                    raise UnsupportedNirError(f"NIR import: node {via[-1] if via else node!r}: delay: per-channel delays "
                                              "between two weight nodes cannot be written per connection.")
                else:
                    new_src = d_src + (d_cur[0] if d_cur.size else 0.0)
                new_cur = np.zeros(w.shape[0])
                walk(nxt, w @ m, new_src, new_cur, True, (*via, nxt))
            else:  # input
                raise CircuitError(f"NIR import: edge ({node!r}, {nxt!r}) leads into an Input node.")

    walk(start, matrix, np.zeros(n_src), np.zeros(matrix.shape[0]), False, ())
    return out
