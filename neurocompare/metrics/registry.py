"""The metric registry: what a comparison reports, by name, with unit, table row and direction.

A registered metric is a :class:`MetricSpec`: a function of the comparison data (an object with the
attributes of :class:`neurocompare.compare.MetricData`, read duck-typed: the registry never imports
the comparison layer) and what its value means. Each row module (``amplitude``, ``timing``, ...)
registers its metrics next to the pure functions they call, so adding a metric is one function and
one :func:`register_metric` line. :func:`compute_metrics` evaluates them in registration order, which
is the order of ``metrics.json``.

>>> from neurocompare.metrics import METRICS
>>> METRICS["output_agreement"].direction
'higher'
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

from ..errors import ParameterError, UnknownNameError

__all__ = [
    "Metric",
    "MetricSpec",
    "METRICS",
    "TABLE_ROWS",
    "DIRECTIONS",
    "register_metric",
    "unregister_metric",
    "compute_metrics",
    "per_population",
]

#: The rows of the real-vs-artificial table, in order.
TABLE_ROWS = ("amplitude coding", "timing", "nonlinearity", "wires", "weights", "cost")

#: Which values are better: "higher" (larger is better), "lower" (smaller is better), "zero" (closer
#: to 0 is better), None (descriptive: a property of the circuit or the activity, neither better nor worse).
DIRECTIONS = ("higher", "lower", "zero", None)


@dataclass(frozen=True)
class Metric:
    """One measured value with its unit and what it means."""

    value: float
    unit: str
    description: str

    def to_dict(self) -> dict[str, Any]:
        """The JSON form: NaN becomes ``None`` (JSON has no NaN)."""
        v = self.value
        return {"value": None if isinstance(v, float) and math.isnan(v) else v, "unit": self.unit,
                "description": self.description}


@dataclass(frozen=True)
class MetricSpec:
    """A registered metric: ``fn(data) -> value``, or ``{suffix: value}`` for per-population ones.

    Parameters
    ----------
    name : str
        Key in ``metrics.json``; per-population metrics report ``"name.suffix"``.
    row : str
        The row of the real-vs-artificial table it measures, one of :data:`TABLE_ROWS`.
    unit, description : str
        What the value is measured in and what it means (written to every report).
    fn : callable
        ``fn(data)``, ``data`` having the attributes of :class:`neurocompare.compare.MetricData`.
    per_population : bool
        ``fn`` returns a mapping ``{suffix: value}`` (one entry per population, or per fitted form).
    direction : {"higher", "lower", "zero", None}
        Keyword-only and required: which values are better (see :data:`DIRECTIONS`).
    """

    name: str
    row: str
    unit: str
    description: str
    fn: Callable[[Any], Any] = field(repr=False)
    per_population: bool = False
    direction: str | None = field(kw_only=True)


_REGISTRY: dict[str, MetricSpec] = {}

#: Registered metrics by name, in registration order (a read-only live view of the registry).
METRICS: Mapping[str, MetricSpec] = MappingProxyType(_REGISTRY)


def register_metric(spec: MetricSpec) -> MetricSpec:
    """Add ``spec`` to :data:`METRICS` (after the metrics registered before it).

    Parameters
    ----------
    spec : MetricSpec
        Checked here: its row, direction and name (see Raises).

    Returns
    -------
    MetricSpec
        ``spec`` itself.

    Raises
    ------
    ParameterError
        ``spec`` is not a :class:`MetricSpec`, its name is empty or holds a ``"."`` (reserved for
        per-population keys), its ``fn`` is not callable, or a metric of that name is registered.
    UnknownNameError
        Its row is not in :data:`TABLE_ROWS` or its direction is not in :data:`DIRECTIONS`.
    """
    if not isinstance(spec, MetricSpec):
        raise ParameterError(f"register_metric: spec must be a MetricSpec; got {spec!r}.")
    owner = f"register_metric: metric {spec.name!r}"
    if not isinstance(spec.name, str) or not spec.name or "." in spec.name:
        raise ParameterError(f"{owner}: the name must be a non-empty string without '.' (the per-population "
                             f"separator); got {spec.name!r}.")
    if spec.row not in TABLE_ROWS:
        raise UnknownNameError(f"{owner}: unknown table row {spec.row!r}; valid: {', '.join(TABLE_ROWS)}.")
    if spec.direction not in DIRECTIONS:
        raise UnknownNameError(f"{owner}: unknown direction {spec.direction!r}; valid: "
                               f"{', '.join(map(repr, DIRECTIONS))}.")
    if not callable(spec.fn):
        raise ParameterError(f"{owner}: fn must be callable; got {spec.fn!r}.")
    if spec.name in _REGISTRY:
        raise ParameterError(f"{owner} is already registered (row {_REGISTRY[spec.name].row!r}); choose another "
                             f"name, or call unregister_metric({spec.name!r}) first.")
    _REGISTRY[spec.name] = spec
    return spec


def unregister_metric(name: str) -> MetricSpec:
    """Remove the metric ``name`` from :data:`METRICS` and return its spec (e.g. after a test).

    Raises
    ------
    UnknownNameError
        No metric of that name is registered; the message lists the registered ones.
    """
    if name not in _REGISTRY:
        raise UnknownNameError(f"unregister_metric: unknown metric {name!r}; valid: {', '.join(_REGISTRY)}.")
    return _REGISTRY.pop(name)


def per_population(fn: Callable[[Any, str], float]) -> Callable[[Any], dict[str, float]]:
    """``data -> {population: fn(data, population)}`` over the circuit's neuron populations.

    Parameters
    ----------
    fn : callable
        ``fn(data, population) -> float``, the metric of one population.

    Returns
    -------
    callable
        The ``fn`` of a per-population :class:`MetricSpec` (``per_population=True``).
    """
    return lambda d: {p: fn(d, p) for p in d.circuit.population_names}


def compute_metrics(data: Any, names: Sequence[str] | None = None) -> dict[str, Metric]:
    """Evaluate registered metrics on comparison data.

    Parameters
    ----------
    data : object
        The attributes of :class:`neurocompare.compare.MetricData` (duck-typed).
    names : sequence of str, optional
        The metrics to evaluate, in this order; default: all of :data:`METRICS`, in registration order.

    Returns
    -------
    dict of str to Metric
        Per-population metrics give one entry per population, named ``"name.population"``, whose
        description ends with ``" [population]"``.

    Raises
    ------
    UnknownNameError
        A name is not registered; the message lists the valid ones.
    """
    names = list(_REGISTRY) if names is None else list(names)
    unknown = [n for n in names if n not in _REGISTRY]
    if unknown:
        raise UnknownNameError(f"Unknown metric(s) {', '.join(map(repr, unknown))}; valid: {', '.join(_REGISTRY)}.")
    out: dict[str, Metric] = {}
    for name in names:
        spec = _REGISTRY[name]
        value = spec.fn(data)
        if spec.per_population:
            for suffix, v in value.items():
                out[f"{name}.{suffix}"] = Metric(float(v), spec.unit, f"{spec.description} [{suffix}]")
        else:
            out[name] = Metric(float(value), spec.unit, spec.description)
    return out
