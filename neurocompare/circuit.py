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
  one synapse (``unit_weight``, > 0) and an axonal delay in ms (scalar or per connection). Counts
  may be given as ``scipy.sparse`` matrices; files store them sparse when that is smaller.

The artificial weight matrix is exactly ``counts * unit_weight`` (:attr:`Projection.weights`),
so the artificial neuron computes ``y_k = f(sum_j W_kj x_j + b_k)`` with the very numbers the
spiking neuron receives as ``|counts|`` synapses of ``unit_weight`` each.

Circuits are saved as JSON (never pickle) with an exact round trip: ``circuit.save(path)``,
``Circuit.load(path)`` (the file format lives in :mod:`neurocompare.circuit_io`). NIR graphs (the
neuromorphic exchange format) are read and written by ``Circuit.from_nir`` and ``circuit.to_nir()``
(:mod:`neurocompare.nir`).
"""


from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Sequence

from . import circuit_io
from .errors import CircuitError
from .populations import InputPopulation, NeuronPopulation, Projection, check_name

__all__ = ["InputPopulation", "NeuronPopulation", "Projection", "Circuit"]


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
        check_name("Circuit", self.name)
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

    @property
    def n_nonzero_weights(self) -> int:
        """Non-zero entries of the artificial weight matrices: the connected pairs (non-zero counts)."""
        return sum(p.n_connections for p in self.projections)

    @property
    def sink_names(self) -> tuple[str, ...]:
        """Neuron populations that are the source of no projection (a circuit's read-outs), in order."""
        fed = {p.pre for p in self.projections}
        return tuple(n for n in self.population_names if n not in fed)

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

    # ------------------------------------------------------------- persistence (format: neurocompare.circuit_io)
    def to_dict(self) -> dict[str, Any]:
        """Plain-data form, the content of a circuit file."""
        return circuit_io.circuit_to_dict(self)

    @classmethod
    def from_dict(cls, data: Any, *, source: str = "circuit data") -> "Circuit":
        """Build a circuit from :meth:`to_dict` output (file version 1, 2 or 3); every key and value is checked."""
        return circuit_io.circuit_from_dict(data, factory=cls, source=source)

    def to_json(self) -> str:
        """The circuit as JSON text (floats written with full precision: exact round trip)."""
        return circuit_io.circuit_to_json(self)

    @classmethod
    def from_json(cls, text: str, *, source: str = "circuit JSON") -> "Circuit":
        """Parse :meth:`to_json` output. Plain data only: nothing in the file is executed."""
        return circuit_io.circuit_from_json(text, factory=cls, source=source)

    def save(self, path: str | os.PathLike) -> Path:
        """Write the circuit to a JSON file atomically (a failed write leaves any old file intact)."""
        return circuit_io.save_circuit(self, path)

    @classmethod
    def load(cls, path: str | os.PathLike) -> "Circuit":
        """Read a circuit file written by :meth:`save` (or a version-1 file of an older neurocompare)."""
        return circuit_io.load_circuit(path, factory=cls)

    @classmethod
    def from_nir(cls, source: Any, **options: Any) -> Any:
        """A circuit from a NIR graph or file, with its conversion report: ``circuit, report = Circuit.from_nir(...)``.

        Needs the ``nir`` extra. ``options``: ``convention`` ("snntorch", "norse", "rockpool", "continuous";
        required unless neurocompare wrote the file), ``dt_s``, ``unit_weight`` or ``bits``,
        ``rate_scale_hz``, ``activation``, ``name``. Returns a :class:`neurocompare.nir.NirImport`; see
        :func:`neurocompare.nir.importer.from_nir`.
        """
        from .nir.importer import from_nir

        return from_nir(source, factory=cls, **options)

    def to_nir(self, **options: Any) -> Any:
        """The spiking side as a NIR graph with its conversion report: ``graph, report = circuit.to_nir()``.

        Needs the ``nir`` extra. ``options``: ``rate_scale_hz``, ``dt_ms``, ``neuron``, ``convention`` ("neurocompare",
        or "snntorch" for snnTorch's ``import_from_nir``; see :func:`neurocompare.nir.exporter.to_nir`).
        ``circuit.to_nir().write(path)`` saves it.
        """
        from .nir.exporter import to_nir

        return to_nir(self, **options)

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
            models = "".join(f"  {what} {m.label() if what == 'neuron' else m.model_name}"
                             for what, m in (("neuron", p.neuron), ("synapse", p.synapse)) if m is not None)
            lines.append(f"  neuron {p.name:<12} size {p.size}  activation {p.activation_name}{models}")
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
