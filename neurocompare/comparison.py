"""The result of a comparison as plain data: :class:`Comparison`, its table rows and its figure panels.

A :class:`Comparison` holds both runs of one circuit on one batch of inputs, the measured
:class:`~neurocompare.metrics.Metric` values, the real-vs-artificial table (:class:`TableRow`) and the
data behind the figures (``curves`` and scenario-specific :class:`Panel` objects). It is built by
:func:`neurocompare.compare.compare`, saved and re-rendered by :mod:`neurocompare.report`, and knows
no backend.
"""

from __future__ import annotations

import html
import importlib.metadata
import math
import platform
import re
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import numpy as np

from .circuit import Circuit
from .errors import ParameterError, UnknownNameError
from .metrics import Metric
from .models import effective_neuron, effective_synapse, neuron_from_dict, synapse_from_dict
from .results import Result, _jsonable

__all__ = ["Comparison", "TableRow", "Panel", "PANEL_KINDS", "SEED_TABLE", "TABLE_HEADER", "versions"]

#: The classic table's words, per row: (real neuron, artificial neuron).
SEED_TABLE: Mapping[str, tuple[str, str]] = MappingProxyType(
    {
        "amplitude coding": ("pulses (spikes)", "real values"),
        "timing": ("asynchronous", "synchronous"),
        "nonlinearity": ("threshold", "programmable function (ReLU, sigmoid, tanh)"),
        "wires": ("axons", "electrical wires in a chip"),
        "weights": ("stored in synapses (how many synapses connect two cells)", "stored in computer memory"),
        "cost": ("synaptic events (accumulate per spike per synapse)", "multiply-accumulates (every non-zero weight, every pass)"),
    }
)

_PANEL_NAME = re.compile(r"[a-z][a-z0-9_]{0,48}")
PANEL_KINDS = ("lines", "bars", "table", "heatmap", "images")


def versions() -> dict[str, str]:
    """Versions of Python and the packages a result depends on."""
    out = {"python": platform.python_version()}
    for pkg in ("neurocompare", "brian2", "numpy", "scipy", "matplotlib"):
        try:
            out[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            out[pkg] = "not installed"
    return out


#: Header of the table as rendered (Markdown, HTML), one per :class:`TableRow` text field.
TABLE_HEADER = ("aspect", "in one sentence", "real neuron", "artificial neuron", "measured: spiking",
                "measured: artificial")


@dataclass(frozen=True)
class TableRow:
    """One row of the real-vs-artificial table with the two measured columns.

    ``takeaway`` is the row in one plain sentence; ``figures`` holds its key numbers by name (the
    numeric columns of ``table.csv``; see :data:`neurocompare.table.FIGURE_COLUMNS` for their units).
    Rows saved before these fields existed load with an empty takeaway and no figures.
    """

    aspect: str
    real_neuron: str
    artificial_neuron: str
    measured_spiking: str
    measured_artificial: str
    takeaway: str = ""
    figures: Mapping[str, float] = field(default_factory=dict)

    def cells(self) -> tuple[str, ...]:
        """The text cells in the order of :data:`TABLE_HEADER`."""
        return (self.aspect, self.takeaway, self.real_neuron, self.artificial_neuron, self.measured_spiking,
                self.measured_artificial)

    def to_dict(self) -> dict[str, Any]:
        return {
            "aspect": self.aspect,
            "takeaway": self.takeaway,
            "real_neuron": self.real_neuron,
            "artificial_neuron": self.artificial_neuron,
            "measured_spiking": self.measured_spiking,
            "measured_artificial": self.measured_artificial,
            "figures": {k: float(v) for k, v in self.figures.items()},
        }


@dataclass(frozen=True, eq=False)
class Panel:
    """Extra report content from plain data, re-renderable from the saved report.

    ``kind`` is ``"lines"`` / ``"bars"`` (``x`` and one y array per label in ``series``, optional
    ``errors`` of the same shapes), ``"heatmap"`` (``series={"values": 2-D array}``, optional
    ``x``/``y`` tick labels in ``columns``/``rows``), ``"images"`` (``series={"images": (n, h, w)}``,
    one title per image in ``columns``) or ``"table"`` (``columns`` and ``rows``).
    """

    name: str
    title: str
    caption: str
    kind: str
    x: Any = None
    series: Mapping[str, Any] = field(default_factory=dict)
    errors: Mapping[str, Any] = field(default_factory=dict)
    xlabel: str = ""
    ylabel: str = ""
    columns: Sequence[str] = ()
    rows: Sequence[Sequence[Any]] = ()

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not _PANEL_NAME.fullmatch(self.name):
            raise ParameterError(
                f"Panel name must be lower-case letters, digits and '_' (it becomes a file name); got {self.name!r}."
            )
        if self.kind not in PANEL_KINDS:
            raise UnknownNameError(f"Panel {self.name!r}: unknown kind {self.kind!r}; valid: {', '.join(PANEL_KINDS)}.")
        object.__setattr__(self, "x", None if self.x is None else np.asarray(self.x))
        object.__setattr__(self, "series", MappingProxyType({k: np.asarray(v, dtype=float) for k, v in self.series.items()}))
        object.__setattr__(self, "errors", MappingProxyType({k: np.asarray(v, dtype=float) for k, v in self.errors.items()}))
        object.__setattr__(self, "columns", tuple(str(c) for c in self.columns))
        object.__setattr__(self, "rows", tuple(tuple(str(c) for c in r) for r in self.rows))

    def __reduce__(self) -> tuple[Any, tuple[Any, ...]]:
        """Pickled with plain dicts (a mappingproxy cannot be): a study's panels come back from worker processes."""
        return (Panel, (self.name, self.title, self.caption, self.kind, self.x, dict(self.series), dict(self.errors),
                        self.xlabel, self.ylabel, self.columns, self.rows))

    def to_state(self, prefix: str) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        arrays = {f"{prefix}.s.{k}": v for k, v in self.series.items()}
        arrays.update({f"{prefix}.e.{k}": v for k, v in self.errors.items()})
        if self.x is not None:
            arrays[f"{prefix}.x"] = self.x
        meta = {
            "name": self.name, "title": self.title, "caption": self.caption, "kind": self.kind,
            "series": list(self.series), "errors": list(self.errors), "has_x": self.x is not None,
            "xlabel": self.xlabel, "ylabel": self.ylabel, "columns": list(self.columns),
            "rows": [list(r) for r in self.rows],
        }
        return meta, arrays

    @classmethod
    def from_state(cls, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray], prefix: str) -> "Panel":
        return cls(
            name=meta["name"], title=meta["title"], caption=meta["caption"], kind=meta["kind"],
            x=arrays[f"{prefix}.x"] if meta["has_x"] else None,
            series={k: arrays[f"{prefix}.s.{k}"] for k in meta["series"]},
            errors={k: arrays[f"{prefix}.e.{k}"] for k in meta["errors"]},
            xlabel=meta["xlabel"], ylabel=meta["ylabel"], columns=meta["columns"], rows=meta["rows"],
        )


def spiking_models(circuit: Any, parameters: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """Population -> (neuron model, synapse model) of a comparison's spiking run: the population's own, else the
    backend's (kept as plain data in ``parameters``; LIF and delta when a saved report predates them)."""
    neuron = neuron_from_dict(parameters.get("neuron") or {}, owner="comparison parameters")
    synapse = parameters.get("synapse")
    synapse = synapse_from_dict(synapse, owner="comparison parameters") if synapse else None
    return {p.name: (effective_neuron(p, neuron), effective_synapse(p, synapse)) for p in circuit.populations}


@dataclass(frozen=True, eq=False)
class Comparison:
    """Both runs of one circuit on one batch of inputs, the measurements and the table.

    Attributes
    ----------
    name : str
        Scenario or circuit name (used in reports).
    circuit, inputs, ann, snn
        The circuit, the input values, and the two results.
    output, readout, threshold
        Which population is the answer and how it is read (``argmax`` or ``threshold``).
    metrics : mapping name -> Metric
    table : tuple of TableRow
    curves : mapping name -> array
        Data behind the figures (transfer sweep, agreement vs time, delay variant).
    parameters : mapping
        dt, duration, encoding, code-generation target, rate scale, seed, ...
    extras : tuple of Panel
        Scenario-specific figures and tables.
    """

    name: str
    circuit: Circuit
    inputs: Mapping[str, np.ndarray]
    ann: Result
    snn: Result
    output: str
    readout: str
    threshold: float
    seed: int
    metrics: Mapping[str, Metric]
    table: tuple[TableRow, ...]
    curves: Mapping[str, np.ndarray]
    parameters: Mapping[str, Any]
    extras: tuple[Panel, ...] = ()

    def metric(self, name: str) -> float:
        """The value of one metric."""
        try:
            return self.metrics[name].value
        except KeyError:
            raise UnknownNameError(f"Comparison {self.name!r}: no metric {name!r}; valid: {', '.join(self.metrics)}.") from None

    def spiking_models(self) -> dict[str, tuple[Any, Any]]:
        """Population -> (neuron model, synapse model) of the spiking run (:func:`spiking_models`)."""
        return spiking_models(self.circuit, self.parameters)

    def with_extras(
        self, *, metrics: Mapping[str, Metric] | None = None, panels: Sequence[Panel] = ()
    ) -> "Comparison":
        """A copy with scenario-specific metrics and panels added."""
        merged = dict(self.metrics)
        for name, m in (metrics or {}).items():
            if not isinstance(m, Metric):
                raise ParameterError(f"Comparison.with_extras: metric {name!r} must be a Metric; got {m!r}.")
            merged[name] = m
        names = [p.name for p in (*self.extras, *panels)]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ParameterError(f"Comparison.with_extras: duplicate panel name(s) {', '.join(sorted(dup))}.")
        return replace(self, metrics=MappingProxyType(merged), extras=(*self.extras, *panels))

    def table_markdown(self) -> str:
        """The table as GitHub-flavoured Markdown."""
        lines = ["| " + " | ".join(TABLE_HEADER) + " |", "|" + "---|" * len(TABLE_HEADER)]
        for r in self.table:
            lines.append("| " + " | ".join(c.replace("|", "\\|") for c in r.cells()) + " |")
        return "\n".join(lines)

    def table_html(self) -> str:
        """The table as an HTML ``<table>``."""
        head = "".join(f"<th>{h}</th>" for h in TABLE_HEADER)
        body = "".join(
            "<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r.cells()) + "</tr>" for r in self.table
        )
        return f'<table class="nc-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'

    def _repr_html_(self) -> str:
        p = self.parameters
        return (
            f"<p><b>{html.escape(self.name)}</b>: spiking target {html.escape(str(p.get('target')))}, "
            f"dt {p.get('dt_ms')} ms, {p.get('duration_ms')} ms, seed {self.seed}</p>" + self.table_html()
        )

    def __repr__(self) -> str:
        return (
            f"Comparison({self.name!r}, batch={self.ann.batch_size}, output={self.output!r}, "
            f"output_agreement={self.metrics['output_agreement'].value:.3f})"
        )

    # ---------------------------------------------------------- persistence
    def to_state(self) -> tuple[dict[str, Any], dict[str, np.ndarray]]:
        """(JSON-ready metadata, arrays): everything needed to re-render the report."""
        ann_meta, arrays = self.ann.to_state("ann")
        snn_meta, snn_arrays = self.snn.to_state("snn")
        arrays.update(snn_arrays)
        arrays.update({f"input.{k}": v for k, v in self.inputs.items()})
        arrays.update({f"curve.{k}": v for k, v in self.curves.items()})
        panels = []
        for i, panel in enumerate(self.extras):
            pm, pa = panel.to_state(f"panel{i}")
            panels.append(pm)
            arrays.update(pa)
        meta = {
            "name": self.name,
            "circuit": self.circuit.to_dict(),
            "inputs": list(self.inputs),
            "ann": ann_meta,
            "snn": snn_meta,
            "output": self.output,
            "readout": self.readout,
            "threshold": self.threshold,
            "seed": self.seed,
            "metrics": {k: m.to_dict() for k, m in self.metrics.items()},
            "table": [r.to_dict() for r in self.table],
            "curves": list(self.curves),
            "parameters": _jsonable(dict(self.parameters)),
            "panels": panels,
        }
        return meta, arrays

    @classmethod
    def from_state(cls, meta: Mapping[str, Any], arrays: Mapping[str, np.ndarray]) -> "Comparison":
        """Inverse of :meth:`to_state`."""
        metrics = {
            k: Metric(math.nan if m["value"] is None else float(m["value"]), m["unit"], m["description"])
            for k, m in meta["metrics"].items()
        }
        return cls(
            name=meta["name"],
            circuit=Circuit.from_dict(meta["circuit"], source="saved comparison"),
            inputs={k: arrays[f"input.{k}"] for k in meta["inputs"]},
            ann=Result.from_state(meta["ann"], arrays, "ann"),
            snn=Result.from_state(meta["snn"], arrays, "snn"),
            output=meta["output"],
            readout=meta["readout"],
            threshold=float(meta["threshold"]),
            seed=int(meta["seed"]),
            metrics=MappingProxyType(metrics),
            table=tuple(TableRow(**r) for r in meta["table"]),  # rows of old reports: no takeaway, no figures
            curves=MappingProxyType({k: arrays[f"curve.{k}"] for k in meta["curves"]}),
            parameters=MappingProxyType(dict(meta["parameters"])),
            extras=tuple(Panel.from_state(pm, arrays, f"panel{i}") for i, pm in enumerate(meta["panels"])),
        )
