"""Tools the studies share: circuit variants, side-by-side runs, binned rates, and a Metric shorthand.

Each study module (:mod:`.fi`, :mod:`.gates`, :mod:`.selectivity`, :mod:`.recurrent`, :mod:`.conversion`)
runs backends on plain data and returns numbers, :class:`~neurocompare.metrics.Metric` objects and
:class:`~neurocompare.comparison.Panel` objects that a scenario attaches to its
:class:`~neurocompare.comparison.Comparison` with ``with_extras``; nothing here plots or writes.
"""

from __future__ import annotations

import math

from dataclasses import replace
from typing import Any, Mapping, Sequence

import numpy as np

from ..backends.brian2 import SpikingBackend
from ..circuit import Circuit
from .._validation import check_int
from ..errors import ParameterError
from ..metrics import Metric
from ..models import neuron_from_name, synapse_from_dict
from ..results import Result

__all__ = ["metric", "with_activation", "with_delays", "with_models", "model_dt", "model_steps", "run_side_by_side",
           "binned_rates"]


def image_count(owner: str, name: str, value: Any) -> int:
    """A number of images to use, ``0`` for all: an integer >= 0, else a ParameterError naming it (a negative count
    would otherwise slice off images from the end, silently)."""
    return check_int(owner, name, value, minimum=0, hint="(0: all)")


def metric(value: float, unit: str, description: str) -> Metric:
    """Shorthand for a :class:`~neurocompare.metrics.Metric` with a float value."""
    return Metric(float(value), unit, description)


def with_activation(circuit: Circuit, activation: Any) -> Circuit:
    """The circuit with every neuron population's activation replaced."""
    pops = [replace(p, activation=activation) for p in circuit.populations]
    return replace(circuit, populations=tuple(pops), name=circuit.name)


def with_models(circuit: Circuit, *, neuron: Any = "", synapse: Any = "") -> Circuit:
    """The circuit with every neuron population's neuron and/or synapse model replaced.

    ``neuron``: a spec, or a model name or ``"model:PRESET"`` (``"izhikevich:RS"``, ``"adex:adapting"``,
    ``"hodgkin_huxley"``); ``synapse``: a spec, or ``"delta"``, ``"exp_current"`` or ``"conductance"`` (defaults of
    each). ``""`` (or None) keeps the circuit's. Unknown names are errors listing the valid ones. The scenarios'
    ``--set neuron=...`` / ``--set synapse=...``.
    """
    changes: dict[str, Any] = {}
    if neuron:
        changes["neuron"] = neuron_from_name(neuron, owner=f"{circuit.name}: option neuron") \
            if isinstance(neuron, str) else neuron
    if synapse:
        changes["synapse"] = synapse_from_dict(synapse, owner=f"{circuit.name}: option synapse") \
            if isinstance(synapse, str) else synapse
    if not changes:
        return circuit
    return replace(circuit, populations=tuple(replace(p, **changes) for p in circuit.populations))


def model_dt(neuron: Any, dt_ms: float = 0.1, *, fast: bool = False) -> float:
    """The time step to run ``neuron`` (a spec or a name; ``""`` for none) at in a study whose dt is ``dt_ms``.

    The model's default dt where that is finer than ``dt_ms`` (Hodgkin-Huxley: 0.01 ms); with ``fast``, its
    default but not finer than 0.025 ms where its coarsest acceptable dt allows (Hodgkin-Huxley at 0.025 ms, 4x
    fewer steps, still without the coarse-dt warning). The one rule the scenarios and studies share.
    """
    if not neuron:
        return dt_ms
    spec = neuron_from_name(neuron) if isinstance(neuron, str) else neuron
    own = max(spec.default_dt_ms, min(0.025, spec.max_dt_ms)) if fast else spec.default_dt_ms
    return min(dt_ms, own)


def model_steps(neuron: Any) -> list[tuple[str, float]]:
    """The time steps ``neuron`` (a spec or a name) runs at, each once: ``("default", its default)``, ``("study",
    model_dt(neuron, fast=True))`` and ``("max", max_dt_ms)``, the coarsest without a CoarseTimeStepWarning (if finite).
    Where its accuracy is measured (benchmarks/model_accuracy.py, tests/models/test_model_accuracy.py)."""
    spec = neuron_from_name(neuron) if isinstance(neuron, str) else neuron
    out: list[tuple[str, float]] = []
    for label, dt in (("default", spec.default_dt_ms), ("study", model_dt(spec, fast=True)), ("max", spec.max_dt_ms)):
        if math.isfinite(dt) and all(abs(dt - d) > 1e-12 for _, d in out):
            out.append((label, dt))
    return out


def with_delays(circuit: Circuit, delays: Mapping[str, Any]) -> Circuit:
    """The circuit with the delays of the named projections ("pre->post") replaced."""
    projs = [replace(p, delay_ms=delays.get(p.name, p.delay_ms)) for p in circuit.projections]
    return replace(circuit, projections=tuple(projs))


def run_side_by_side(backend: SpikingBackend, circuits: Sequence[Circuit], x: np.ndarray, *, seed: int) -> list[Result]:
    """Several circuits with the same input populations as ONE Brian2 run, split back into one result each.

    The copies share the input populations (so the same input spikes or currents) and nothing
    else, so each copy's spikes are those of its own run with the same seed; Brian2's per-step
    overhead is paid once instead of once per circuit.
    """
    if not circuits:
        raise ParameterError("run_side_by_side: give at least one circuit.")
    first = circuits[0]
    pops, projs = [], []
    for k, c in enumerate(circuits):
        if [p.name for p in c.inputs] != [p.name for p in first.inputs]:
            raise ParameterError("run_side_by_side: the circuits must have the same input populations; "
                                 f"{c.name!r} has {[p.name for p in c.inputs]}, {first.name!r} {[p.name for p in first.inputs]}.")
        rename = {p.name: f"c{k}_{p.name}" for p in c.populations}
        pops += [replace(p, name=rename[p.name]) for p in c.populations]
        projs += [replace(q, pre=rename.get(q.pre, q.pre), post=rename[q.post]) for q in c.projections]
    together = Circuit(f"{first.name}_x{len(circuits)}", inputs=first.inputs, populations=pops, projections=projs)
    res = backend.run(together, x, seed=seed)
    out = []
    for k, c in enumerate(circuits):
        acts = {p.name: res.activations[p.name] for p in c.inputs}
        acts |= {p.name: res.activations[f"c{k}_{p.name}"] for p in c.populations}
        spikes = {p.name: res.spikes[p.name] for p in c.inputs if p.name in res.spikes}
        spikes |= {p.name: replace(res.spikes[f"c{k}_{p.name}"], population=p.name) for p in c.populations}
        out.append(Result(res.backend, c.name, res.batch_size, acts, spikes=spikes, info=dict(res.info)))
    return out

def binned_rates(trains, bin_ms: float, *, rate_scale_hz: float) -> tuple[np.ndarray, np.ndarray]:
    """Spike counts in consecutive bins as activations: (bin centres in ms, array (bins, batch, size))."""
    n_bins = max(1, int(round(trains.duration_ms / bin_ms)))
    edges = np.linspace(0.0, trains.duration_ms, n_bins + 1)
    out = np.zeros((n_bins, trains.batch_size, trains.size))
    if len(trains):
        b = np.clip(np.searchsorted(edges, trains.time_ms, side="right") - 1, 0, n_bins - 1)
        np.add.at(out, (b, trains.sample, trains.neuron), 1.0)
    width_s = (edges[1] - edges[0]) * 1e-3
    return (edges[:-1] + edges[1:]) / 2, out / width_s / rate_scale_hz
