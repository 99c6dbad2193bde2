"""The circuit: populations and projections, described once, simulated by every backend.

A :class:`Circuit` is plain, immutable data, validated on construction. It knows nothing
about backends. Its pieces:

- :class:`InputPopulation` -- ``size`` input channels whose values the caller provides;
- :class:`NeuronPopulation` -- ``size`` neurons with a per-neuron ``bias``, the ``activation``
  used by the artificial side, and optional :class:`~neurocompare.models.LIF` parameters
  (a registered :class:`~neurocompare.models.NeuronModel`) for the spiking side;
- :class:`Projection` -- ``pre -> post`` connections as an integer matrix of **synapse
  counts** of shape ``(post.size, pre.size)`` (``counts[k, j]`` synapses from pre neuron
  ``j`` to post neuron ``k``; positive = excitatory, negative = inhibitory), the weight of
  one synapse (``unit_weight``, > 0) and an axonal delay in ms (scalar or per connection).

The artificial weight matrix is exactly ``counts * unit_weight`` (:attr:`Projection.weights`),
so the artificial neuron computes ``y_k = f(sum_j W_kj x_j + b_k)`` with the very numbers the
spiking neuron receives as ``|counts|`` synapses of ``unit_weight`` each.

Circuits are saved as JSON (never pickle) with an exact round trip: ``circuit.save(path)``,
``Circuit.load(path)`` (the file format lives in :mod:`neurocompare.circuit_io`).
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass, field
from numbers import Integral, Real
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

import numpy as np

from ._validation import first_index, fmt_index, fmt_number
from .activations import BUILTIN_ACTIVATIONS
from .errors import CircuitError, ParameterError
from .models import NeuronModel, check_neuron

__all__ = [
    "InputPopulation",
    "NeuronPopulation",
    "Projection",
    "Circuit",
]

_NAME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")
# Counts beyond this are rejected: 2**31 synapses between two cells is no circuit.
_MAX_COUNT = 2**31 - 1
# Populations beyond this are rejected before numpy tries to allocate them.
_MAX_SIZE = 10**7


def _check_name(kind: str, name: Any) -> str:
    if not isinstance(name, str) or not _NAME_RE.match(name):
        raise CircuitError(
            f"{kind} name must start with a letter and contain only letters, digits and '_' "
            f"(at most 64 characters); got {name!r}."
        )
    return name


def _check_size(owner: str, size: Any) -> int:
    if isinstance(size, bool) or not isinstance(size, Integral):
        raise CircuitError(f"{owner}: size must be a positive integer; got {size!r}.")
    if size < 1:
        raise CircuitError(f"{owner}: size must be a positive integer; got {size!r}.")
    if size > _MAX_SIZE:
        raise CircuitError(f"{owner}: size {size!r} exceeds the supported maximum of {_MAX_SIZE} neurons.")
    return int(size)


def _readonly(a: np.ndarray) -> np.ndarray:
    a = np.array(a, copy=True)
    a.setflags(write=False)
    return a


def _real_array(owner: str, what: str, value: Any) -> np.ndarray:
    """Convert to a float array, rejecting non-numeric data with a named error."""
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged nested lists, exotic objects
        raise CircuitError(f"{owner}: {what} is not an array of numbers ({exc}); got {value!r}.") from None
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        if arr.dtype.kind == "O":
            try:
                arr = arr.astype(float)
            except (TypeError, ValueError):
                raise CircuitError(f"{owner}: {what} must contain only numbers; got {value!r}.") from None
        else:
            raise CircuitError(
                f"{owner}: {what} must contain only numbers; got dtype {arr.dtype} ({value!r})."
            )
    return arr.astype(float) if arr.dtype.kind == "f" else arr


@dataclass(frozen=True, eq=False)
class InputPopulation:
    """``size`` input channels; their values are given at run time, one row per sample."""

    name: str
    size: int

    def __post_init__(self) -> None:
        _check_name("Input population", self.name)
        object.__setattr__(self, "size", _check_size(f"Input population {self.name!r}", self.size))

    def __repr__(self) -> str:
        return f"InputPopulation({self.name!r}, size={self.size})"


@dataclass(frozen=True, eq=False)
class NeuronPopulation:
    """``size`` neurons sharing an activation (artificial side) and LIF parameters (spiking side).

    Parameters
    ----------
    name : str
        Unique within the circuit.
    size : int
        Number of neurons, >= 1.
    bias : float or array of shape (size,)
        Constant input b_k. The artificial neuron adds it to W x; the spiking neuron receives
        it as a constant current of ``bias * rate_scale_hz`` (see the spiking backend).
    activation : str or callable
        ``"relu"``, ``"sigmoid"``, ``"tanh"``, ``"step"``, ``"identity"``, or any callable
        array -> array of the same shape. Callables cannot be saved to a circuit file.
    neuron : NeuronModel, optional
        The spiking neuron model of this population (a registered spec such as
        :class:`~neurocompare.models.LIF`); ``None`` uses the backend's default.
    """

    name: str
    size: int
    bias: Any = 0.0
    activation: str | Callable[[np.ndarray], np.ndarray] = "relu"
    neuron: NeuronModel | None = None

    def __post_init__(self) -> None:
        _check_name("Population", self.name)
        owner = f"Population {self.name!r}"
        size = _check_size(owner, self.size)
        object.__setattr__(self, "size", size)
        bias = _real_array(owner, "bias", self.bias).astype(float)
        if bias.ndim == 0:
            bias = np.full(size, float(bias))
        if bias.shape != (size,):
            raise CircuitError(
                f"{owner}: bias must be a number or have shape ({size},); got shape {bias.shape}."
            )
        if not np.all(np.isfinite(bias)):
            bad = first_index(~np.isfinite(bias))
            raise CircuitError(f"{owner}: bias must be finite; got {fmt_number(bias[bad])} at {fmt_index(bad)}.")
        object.__setattr__(self, "bias", _readonly(bias))
        act = self.activation
        if isinstance(act, str):
            if act not in BUILTIN_ACTIVATIONS:
                raise CircuitError(
                    f"{owner}: unknown activation {act!r}; valid: {', '.join(BUILTIN_ACTIVATIONS)} "
                    "or a callable."
                )
        elif not callable(act):
            raise CircuitError(f"{owner}: activation must be a name or a callable; got {act!r}.")
        try:
            check_neuron(owner, self.neuron)
        except ParameterError as exc:
            raise CircuitError(str(exc)) from None

    @property
    def activation_name(self) -> str:
        """The activation's name (a callable's ``__name__``)."""
        act = self.activation
        return act if isinstance(act, str) else getattr(act, "__name__", type(act).__name__)

    @property
    def activation_fn(self) -> Callable[[np.ndarray], np.ndarray]:
        """The activation as a function."""
        act = self.activation
        return BUILTIN_ACTIVATIONS[act] if isinstance(act, str) else act

    def __repr__(self) -> str:
        return (
            f"NeuronPopulation({self.name!r}, size={self.size}, activation={self.activation_name!r}"
            + (f", neuron={self.neuron!r}" if self.neuron is not None else "")
            + ")"
        )


@dataclass(frozen=True, eq=False)
class Projection:
    """Connections ``pre -> post`` as integer synapse counts.

    Parameters
    ----------
    pre, post : str
        Population names; ``pre`` may be an input or neuron population, ``post`` a neuron
        population (``pre == post`` is a recurrent projection onto itself).
    counts : array of int, shape (post size, pre size)
        ``counts[k, j]``: number of synapses from pre neuron ``j`` to post neuron ``k``;
        negative numbers are inhibitory synapses. Floats are accepted only if integral.
    unit_weight : float
        What one synapse is worth (membrane jump, in units of the threshold gap), > 0.
    delay_ms : float or array of shape (post size, pre size)
        Axonal conduction delay, >= 0 ms. Brian2 rounds it to the time step (``int(delay / dt + 0.5)``:
        half-steps round up).
    """

    pre: str
    post: str
    counts: Any
    unit_weight: float = 1.0
    delay_ms: Any = 0.0

    def __post_init__(self) -> None:
        _check_name("Projection source", self.pre)
        _check_name("Projection target", self.post)
        owner = f"Projection {self.pre!r}->{self.post!r}"
        counts = _real_array(owner, "synapse counts", self.counts)
        if counts.ndim != 2:
            raise CircuitError(
                f"{owner}: synapse counts must be a 2-D matrix (post size, pre size); got shape {counts.shape}."
            )
        if counts.dtype.kind == "f":
            if not np.all(np.isfinite(counts)):
                bad = first_index(~np.isfinite(counts))
                raise CircuitError(
                    f"{owner}: synapse counts must be finite integers; got {fmt_number(counts[bad])} at {fmt_index(bad)}."
                )
            frac = counts != np.round(counts)
            if np.any(frac):
                bad = first_index(frac)
                raise CircuitError(
                    f"{owner}: synapse counts must be integers; got {fmt_number(counts[bad])} at {fmt_index(bad)}. "
                    "Round float weights with neurocompare.convert, or pass integers."
                )
        too_big = np.abs(counts) > _MAX_COUNT
        if np.any(too_big):
            bad = first_index(too_big)
            raise CircuitError(
                f"{owner}: synapse count {fmt_number(counts[bad])} at {fmt_index(bad)} exceeds {_MAX_COUNT}."
            )
        object.__setattr__(self, "counts", _readonly(counts.astype(np.int64)))
        if isinstance(self.unit_weight, bool) or not isinstance(self.unit_weight, Real):
            raise CircuitError(f"{owner}: unit_weight must be a positive number; got {self.unit_weight!r}.")
        uw = float(self.unit_weight)
        if not math.isfinite(uw) or uw <= 0:
            raise CircuitError(
                f"{owner}: unit_weight must be a finite number > 0 (the sign lives in the counts); "
                f"got {self.unit_weight!r}."
            )
        object.__setattr__(self, "unit_weight", uw)
        delay = _real_array(owner, "delay_ms", self.delay_ms).astype(float)
        if delay.ndim != 0 and delay.shape != self.counts.shape:
            raise CircuitError(
                f"{owner}: delay_ms must be a number or have the counts' shape {self.counts.shape}; "
                f"got shape {delay.shape}."
            )
        bad_delay = ~np.isfinite(delay) | (delay < 0)
        if np.any(bad_delay):
            if delay.ndim == 0:
                raise CircuitError(f"{owner}: delay_ms must be finite and >= 0; got {fmt_number(delay)}.")
            bad = first_index(bad_delay)
            raise CircuitError(
                f"{owner}: delay_ms must be finite and >= 0; got {fmt_number(delay[bad])} at {fmt_index(bad)}."
            )
        object.__setattr__(self, "delay_ms", float(delay) if delay.ndim == 0 else _readonly(delay))

    @property
    def name(self) -> str:
        """``"pre->post"``, how messages and results refer to the projection."""
        return f"{self.pre}->{self.post}"

    @property
    def weights(self) -> np.ndarray:
        """The artificial weight matrix, exactly ``counts * unit_weight``."""
        return self.counts * self.unit_weight

    @property
    def delays(self) -> np.ndarray:
        """Per-connection delays (ms), shape of ``counts``."""
        return np.broadcast_to(np.asarray(self.delay_ms, dtype=float), self.counts.shape)

    @property
    def n_synapses(self) -> int:
        """Total number of synapses, sum of |counts|."""
        return int(np.abs(self.counts).sum())

    @property
    def n_connections(self) -> int:
        """Number of connected pairs (nonzero counts)."""
        return int(np.count_nonzero(self.counts))

    def __repr__(self) -> str:
        return (
            f"Projection({self.pre!r}->{self.post!r}, shape={self.counts.shape}, "
            f"synapses={self.n_synapses}, unit_weight={self.unit_weight!r})"
        )


@dataclass(frozen=True, eq=False)
class Circuit:
    """A small circuit: input populations, neuron populations and projections between them.

    Validated on construction; raises :class:`~neurocompare.errors.CircuitError` naming the
    population or projection, the bad value and the fix.

    Examples
    --------
    >>> from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection
    >>> c = Circuit(
    ...     name="and_gate",
    ...     inputs=[InputPopulation("x", 2)],
    ...     populations=[NeuronPopulation("out", 1, bias=-1.5, activation="step")],
    ...     projections=[Projection("x", "out", counts=[[1, 1]], unit_weight=1.0)],
    ... )
    >>> c.projection("x", "out").weights
    array([[1., 1.]])
    """

    name: str
    inputs: Sequence[InputPopulation] = ()
    populations: Sequence[NeuronPopulation] = ()
    projections: Sequence[Projection] = ()
    description: str = ""
    _index: dict = field(init=False, repr=False, default_factory=dict)

    def __post_init__(self) -> None:
        _check_name("Circuit", self.name)
        if not isinstance(self.description, str):
            raise CircuitError(f"Circuit {self.name!r}: description must be a string; got {self.description!r}.")
        owner = f"Circuit {self.name!r}"
        inputs = self._tuple_of(owner, "inputs", self.inputs, InputPopulation)
        pops = self._tuple_of(owner, "populations", self.populations, NeuronPopulation)
        projs = self._tuple_of(owner, "projections", self.projections, Projection)
        if not pops:
            raise CircuitError(f"{owner}: needs at least one neuron population; got none.")
        sizes: dict[str, int] = {}
        for p in (*inputs, *pops):
            if p.name in sizes:
                raise CircuitError(f"{owner}: duplicate population name {p.name!r}; names must be unique.")
            sizes[p.name] = p.size
        input_names = {p.name for p in inputs}
        seen: set[tuple[str, str]] = set()
        for proj in projs:
            if proj.pre not in sizes:
                raise CircuitError(
                    f"Projection {proj.name!r}: unknown source population {proj.pre!r}; "
                    f"known: {', '.join(sizes)}."
                )
            if proj.post not in sizes:
                raise CircuitError(
                    f"Projection {proj.name!r}: unknown target population {proj.post!r}; "
                    f"known: {', '.join(sizes)}."
                )
            if proj.post in input_names:
                raise CircuitError(
                    f"Projection {proj.name!r}: target {proj.post!r} is an input population; "
                    "inputs receive no connections."
                )
            expected = (sizes[proj.post], sizes[proj.pre])
            if proj.counts.shape != expected:
                raise CircuitError(
                    f"Projection {proj.name!r}: synapse counts must have shape (post size, pre size) = "
                    f"{expected}; got {proj.counts.shape}."
                )
            key = (proj.pre, proj.post)
            if key in seen:
                raise CircuitError(
                    f"Projection {proj.name!r}: duplicate projection; merge the counts into one projection."
                )
            seen.add(key)
        object.__setattr__(self, "inputs", inputs)
        object.__setattr__(self, "populations", pops)
        object.__setattr__(self, "projections", projs)
        object.__setattr__(self, "_index", {p.name: p for p in (*inputs, *pops)})

    @staticmethod
    def _tuple_of(owner: str, what: str, items: Any, cls: type) -> tuple:
        if isinstance(items, (str, bytes)) or not isinstance(items, Iterable):
            raise CircuitError(f"{owner}: {what} must be a list of {cls.__name__}; got {items!r}.")
        items = tuple(items)
        for item in items:
            if not isinstance(item, cls):
                raise CircuitError(f"{owner}: {what} must contain {cls.__name__} objects; got {item!r}.")
        return items

    # ------------------------------------------------------------------ queries
    def population(self, name: str) -> InputPopulation | NeuronPopulation:
        """The input or neuron population called ``name``."""
        try:
            return self._index[name]
        except (KeyError, TypeError):
            raise CircuitError(
                f"Circuit {self.name!r}: no population named {name!r}; known: {', '.join(self._index)}."
            ) from None

    def projection(self, pre: str, post: str) -> Projection:
        """The projection ``pre -> post``."""
        for proj in self.projections:
            if proj.pre == pre and proj.post == post:
                return proj
        known = ", ".join(p.name for p in self.projections) or "none"
        raise CircuitError(f"Circuit {self.name!r}: no projection {pre!r}->{post!r}; known: {known}.")

    @property
    def input_names(self) -> tuple[str, ...]:
        return tuple(p.name for p in self.inputs)

    @property
    def population_names(self) -> tuple[str, ...]:
        """Names of the neuron populations, in declaration order."""
        return tuple(p.name for p in self.populations)

    @property
    def all_names(self) -> tuple[str, ...]:
        """Inputs first, then neuron populations."""
        return self.input_names + self.population_names

    def is_input(self, name: str) -> bool:
        return isinstance(self.population(name), InputPopulation)

    def projections_into(self, name: str) -> tuple[Projection, ...]:
        return tuple(p for p in self.projections if p.post == name)

    def projections_from(self, name: str) -> tuple[Projection, ...]:
        return tuple(p for p in self.projections if p.pre == name)

    @property
    def n_synapses(self) -> int:
        """Total synapses in the circuit (sum of |counts| over projections)."""
        return sum(p.n_synapses for p in self.projections)

    @property
    def n_weights(self) -> int:
        """Total entries of the artificial weight matrices (dense, zeros included)."""
        return sum(p.counts.size for p in self.projections)

    def topological_order(self) -> tuple[str, ...] | None:
        """Neuron populations in an order where every source precedes its targets.

        ``None`` if the projections between neuron populations form a cycle (a recurrent circuit).
        """
        names = self.population_names
        indeg = {n: 0 for n in names}
        edges: dict[str, list[str]] = {n: [] for n in names}
        for proj in self.projections:
            if proj.pre in indeg:
                if proj.pre == proj.post:
                    return None
                edges[proj.pre].append(proj.post)
                indeg[proj.post] += 1
        ready = [n for n in names if indeg[n] == 0]
        order: list[str] = []
        while ready:
            n = ready.pop(0)
            order.append(n)
            for m in edges[n]:
                indeg[m] -= 1
                if indeg[m] == 0:
                    ready.append(m)
        return tuple(order) if len(order) == len(names) else None

    @property
    def is_recurrent(self) -> bool:
        """True if some projection closes a loop between neuron populations."""
        return self.topological_order() is None

    @property
    def depth(self) -> int:
        """Longest chain of projections from an input to a neuron population (feed-forward only)."""
        order = self.topological_order()
        if order is None:
            raise CircuitError(f"Circuit {self.name!r}: a recurrent circuit has no depth.")
        level = {n: 0 for n in self.input_names}
        for name in order:
            level[name] = 1 + max((level[p.pre] for p in self.projections_into(name)), default=0)
        return max(level[n] for n in order)

    # ------------------------------------------------------------- persistence
    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, the content of a circuit file (see :mod:`neurocompare.circuit_io`)."""
        from .circuit_io import circuit_to_dict

        return circuit_to_dict(self)

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "circuit data") -> "Circuit":
        """Build a circuit from :meth:`to_dict` output (file version 1 or 2); every key and value is checked."""
        from .circuit_io import circuit_from_dict

        return circuit_from_dict(data, source=source)

    def to_json(self) -> str:
        """The circuit as JSON text (floats written with full precision: exact round trip)."""
        from .circuit_io import circuit_to_json

        return circuit_to_json(self)

    @classmethod
    def from_json(cls, text: str, *, source: str = "circuit JSON") -> "Circuit":
        """Parse :meth:`to_json` output. Plain data only: nothing in the file is executed."""
        from .circuit_io import circuit_from_json

        return circuit_from_json(text, source=source)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the circuit to a JSON file atomically (a failed write leaves any old file intact)."""
        from .circuit_io import save_circuit

        return save_circuit(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Circuit":
        """Read a circuit file written by :meth:`save`."""
        from .circuit_io import load_circuit

        return load_circuit(path)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Circuit):
            return NotImplemented
        try:
            return self.to_dict() == other.to_dict()
        except CircuitError:  # callable activations: compare by identity
            return self is other

    __hash__ = None  # type: ignore[assignment]

    def summary(self) -> str:
        """A few lines describing the circuit."""
        lines = [f"Circuit {self.name!r}" + (f": {self.description}" if self.description else "")]
        for p in self.inputs:
            lines.append(f"  input  {p.name:<12} size {p.size}")
        for p in self.populations:
            lines.append(f"  neuron {p.name:<12} size {p.size}  activation {p.activation_name}")
        for pr in self.projections:
            d = pr.delays
            delay = f"{d.min():g} ms" if d.min() == d.max() else f"{d.min():g}-{d.max():g} ms"
            lines.append(
                f"  {pr.name:<20} {pr.n_synapses} synapses on {pr.n_connections} pairs "
                f"(counts {pr.counts.min()}..{pr.counts.max()}, unit {pr.unit_weight:g}, delay {delay})"
            )
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"Circuit({self.name!r}, inputs={list(self.input_names)}, populations="
            f"{list(self.population_names)}, projections={[p.name for p in self.projections]})"
        )
