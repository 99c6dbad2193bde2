"""compare(): one circuit, two backends, every row of the real-vs-artificial table measured.

>>> from neurocompare.compare import compare
>>> from neurocompare.demo import xor_circuit, XOR_INPUTS
>>> c = compare(xor_circuit(), XOR_INPUTS, seed=0, probes=("fi", "delays"))  # doctest: +SKIP
>>> print(c.table_markdown())                                               # doctest: +SKIP

The pipeline: run the artificial side and the spiking side (recording the output neurons' membranes),
run the probes the caller asks for (:mod:`neurocompare.probes`: an f-I sweep for the nonlinearity row,
a delay variant for the wires row), compute every registered metric (:mod:`neurocompare.metrics`) and
write the table (:mod:`neurocompare.table`). Either side can be any registered backend, given by
name, instance or a mapping of options: the Brian2 backend against the artificial one (the default),
the independent reference simulator against the artificial one, or two Brian2 configurations against
each other.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .backends import get_backend
from .backends.base import Backend
from .circuit import Circuit
from .inputs import normalize_inputs
from .comparison import Comparison
from .errors import InputError, ParameterError, UnknownNameError
from .models import neuron_to_dict, synapse_to_dict
from .metrics import (
    HOROWITZ_45NM,
    EnergyModel,
    agreement_curve,
    check_labels,
    compute_metrics,
    energy_pj,
    nonzero_macs,
    rounding_error,
    settle_times_ms,
    step_activity,
    synaptic_events,
    time_to_agreement_ms,
)
from .probes import ProbeContext, ProbeResult, check_probes, run_probes, stage
from .progress import progress_callback
from .results import Result
from .table import build_table

__all__ = ["compare", "MetricData", "resolve_backend"]


@dataclass
class MetricData:
    """Everything the registered metrics read (see :mod:`neurocompare.metrics`)."""

    circuit: Circuit
    ann: Result
    snn: Result
    output: str
    readout: str
    threshold: float
    labels: np.ndarray | None
    ann_steps: int
    time_to_agreement_ms: float
    activity: dict[str, float]
    transfer_rmse: dict[str, float]
    rheobase_drive: float
    first_spike_drive: float
    transfer_drive_max: float
    delay_shift_ms: float
    rounding_relative: float
    events: np.ndarray
    macs: int
    energy: dict[str, float]
    energy_mem: dict[str, float]


def resolve_backend(spec: Any, default: str, what: str) -> Backend:
    """A backend from an instance, a registered name, a mapping of options for ``default``, or None."""
    if spec is None:
        return get_backend(default)
    if isinstance(spec, str):
        return get_backend(spec)
    if isinstance(spec, Mapping):
        return get_backend(default, **spec)
    if isinstance(spec, Backend):
        return spec
    raise ParameterError(
        f"compare: {what} must be a backend, a registered backend name, a mapping of options, or None; got {spec!r}."
    )


def default_output(circuit: Circuit) -> str:
    """The population whose answer compare() reads by default: the last one that projects nowhere (else the last)."""
    return (circuit.sink_names or circuit.population_names)[-1]


def _check_readout(circuit: Circuit, output: str | None, readout: str | None, threshold: Any, labels: Any,
                   batch: int) -> tuple[str, str, np.ndarray | None]:
    """The output population, the read-out and the checked labels (None: no labels), or an error naming them."""
    output = output if output is not None else default_output(circuit)
    if output not in circuit.population_names:
        raise UnknownNameError(
            f"compare: output {output!r} is not a neuron population of {circuit.name!r}; valid: "
            f"{', '.join(circuit.population_names)}."
        )
    readout = readout if readout is not None else ("threshold" if circuit.population(output).size == 1 else "argmax")
    if readout not in ("argmax", "threshold"):
        raise UnknownNameError(f"compare: unknown readout {readout!r}; valid: argmax, threshold.")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not math.isfinite(threshold):
        raise ParameterError(f"compare: threshold must be a finite number; got {threshold!r}.")
    if labels is not None:
        labels = check_labels(labels, batch=batch, size=circuit.population(output).size, mode=readout,
                              owner="compare")
    return output, readout, labels


def _preactivation(circuit: Circuit, ann: Result, name: str) -> np.ndarray:
    """W x + b of population ``name`` from the artificial activations of its sources."""
    pop = circuit.population(name)
    z = np.broadcast_to(pop.bias, (ann.batch_size, pop.size)).copy()
    for proj in circuit.projections_into(name):
        z += ann[proj.pre] @ proj.weights.T
    return z


def _rounding(circuit: Circuit, float_weights: Mapping[str, Any] | None) -> float:
    """Largest relative rounding error over the projections whose float weights are given (0 if none)."""
    rel = []
    for key, w in (float_weights or {}).items():
        pre, _, post = key.partition("->")
        proj = circuit.projection(pre, post)
        w = np.asarray(w, dtype=float)
        if w.shape != proj.counts.shape:
            raise InputError(f"compare: float_weights[{key!r}] has shape {w.shape}; the counts have {proj.counts.shape}.")
        rel.append(rounding_error(proj.counts, proj.unit_weight, w)["relative"])
    return float(max(rel)) if rel else 0.0


def _timing(snn: Result, ann: Result, output: str, readout: str, threshold: float, spiking: Any) -> dict[str, Any]:
    """Agreement of the decoded answer over simulated time, and when it settles."""
    duration = spiking.duration_ms
    n_points = int(min(100, spiking.n_steps))
    times = np.linspace(duration / n_points, duration, n_points)
    kw = dict(rate_scale_hz=spiking.rate_scale_hz, mode=readout, threshold=threshold)
    agree = agreement_curve(snn.spikes[output], ann[output], times, **kw)
    settle = settle_times_ms(snn.spikes[output], ann[output], times, **kw)
    return {"agreement_t_ms": times, "agreement": agree, "settle_ms": settle,
            "time_to_agreement_ms": time_to_agreement_ms(settle, duration_ms=duration)}


def _metric_data(circuit, ann, snn, spiking, output, readout, threshold, labels, timing, probes, float_weights,
                 energy_model) -> MetricData:
    n_neurons = sum(p.size for p in circuit.populations)
    activity = step_activity([snn.spikes[p] for p in circuit.population_names], n_neurons=n_neurons,
                             n_steps=spiking.n_steps, dt_ms=spiking.dt_ms)
    ann_steps = int(ann.info.get("steps", 1))
    events = synaptic_events(circuit, snn)
    macs = nonzero_macs(circuit, steps=ann_steps)
    fi = probes.get("fi", ProbeResult()).values
    delays = probes.get("delays", ProbeResult()).values
    mean_events = float(np.mean(events))
    return MetricData(
        circuit=circuit, ann=ann, snn=snn, output=output, readout=readout, threshold=threshold, labels=labels,
        ann_steps=circuit.depth if not circuit.is_recurrent and ann_steps == 1 else ann_steps,
        time_to_agreement_ms=timing["time_to_agreement_ms"], activity=activity,
        transfer_rmse=dict(fi.get("transfer_rmse", {})), rheobase_drive=fi.get("rheobase_drive", math.nan),
        first_spike_drive=fi.get("first_spike_drive", math.nan), transfer_drive_max=fi.get("transfer_drive_max", math.nan),
        delay_shift_ms=delays.get("delay_shift_ms", math.nan),
        rounding_relative=_rounding(circuit, float_weights), events=events, macs=macs,
        energy=energy_pj(energy_model, events=mean_events, macs=macs),
        energy_mem=energy_pj(energy_model, events=mean_events, macs=macs,
                             neuron_updates=n_neurons * spiking.n_steps, weight_reads=True),
    )


def _curves(timing: Mapping[str, Any], context: ProbeContext, data: MetricData,
            probe_results: Mapping[str, ProbeResult]) -> dict[str, Any]:
    """The comparison's curves: agreement over time, preactivation, events per sample and the probes' curves."""
    return {**{k: timing[k] for k in ("agreement_t_ms", "agreement", "settle_ms")},
            "preactivation": context.preactivation, "events_per_sample": data.events,
            **{k: v for result in probe_results.values() for k, v in result.curves.items()}}


def _parameters(spiking: Any, artificial: Any, snn: Result, ann: Result, batch: int, output: str, readout: str,
                threshold: float, probes: Mapping[str, ProbeResult], energy_model: EnergyModel) -> dict[str, Any]:
    params = {
        "dt_ms": spiking.dt_ms,
        "duration_ms": spiking.duration_ms,
        "encoding": spiking.encoding.to_dict(),
        "rate_scale_hz": spiking.rate_scale_hz,
        "target": snn.info.get("target"),
        "synapse_mode": getattr(spiking, "synapse_mode", None),
        "input_mode": snn.info.get("input_mode"),
        "neuron": neuron_to_dict(spiking.neuron),
        "synapse": synapse_to_dict(spiking.synapse) if getattr(spiking, "synapse", None) is not None else None,
        "batch_size": batch,
        "output": output,
        "readout": readout,
        "threshold": threshold,
        "artificial_steps": int(ann.info.get("steps", 1)),
    }
    if "delays" in probes:
        params["delay_variant"] = probes["delays"].values["delay_variant"]
    params["energy_model"] = {"mac_pj": energy_model.mac_pj, "add_pj": energy_model.add_pj,
                              "sram_read_pj": energy_model.sram_read_pj, "label": energy_model.label,
                              "source": energy_model.source}
    params.update({"spiking_backend": spiking.name, "artificial_backend": artificial.name, "probes": list(probes),
                   "spiking_wall_time_s": snn.info["wall_time_s"], "artificial_wall_time_s": ann.info["wall_time_s"]})
    return params


def compare(
    circuit: Circuit,
    inputs: Any = None,
    *,
    spiking: Any = None,
    artificial: Any = None,
    probes: Sequence[str] = (),
    seed: int = 0,
    name: str | None = None,
    output: str | None = None,
    readout: str | None = None,
    threshold: float = 0.5,
    labels: Any = None,
    float_weights: Mapping[str, np.ndarray] | None = None,
    energy_model: EnergyModel = HOROWITZ_45NM,
    voltage_neurons: int = 3,
    progress: bool | Callable[[str, float, float], None] | None = None,
) -> Comparison:
    """Run ``circuit`` on ``inputs`` through two backends and measure every row of the table.

    Parameters
    ----------
    circuit : Circuit
    inputs : mapping name -> (batch, size) array, or an array for a single input population
    spiking : backend, registered name, mapping of options, or None
        The real-neuron side: a clock-driven spiking backend (default ``"spiking"``, Brian2; or
        ``"reference"``, or any backend with ``dt_ms``, ``duration_ms``, ``rate_scale_hz`` and spike trains).
        A mapping gives the options of a Brian2 backend.
    artificial : backend, registered name, mapping of options, or None
        The other side (default ``"artificial"``, the numpy ANN; a second spiking configuration works too).
    probes : sequence of str
        Extra runs to make (:mod:`neurocompare.probes`): ``"fi"`` (the output model's f-I curve and its
        relu/sigmoid/tanh fits) and ``"delays"`` (the circuit with its delays changed). Metrics that need a
        probe that did not run are NaN and the table says "not measured".
    seed : int
        Seeds the spiking input encoding (every spiking run of the comparison uses it).
    name : str, optional
        Defaults to the circuit's name.
    output : str, optional
        The population whose activity is the answer. Default: the last population that projects nowhere.
    readout : {"argmax", "threshold"}, optional
        How an answer is read: the most active output neuron, or which outputs exceed ``threshold``.
        Default: ``threshold`` for a single output neuron, else ``argmax``.
    labels : array_like, optional
        The right answers, for ``ann_accuracy`` and ``snn_accuracy`` (NaN without): ``argmax``, one class per
        sample (a tie for the top is no answer, counted wrong); ``threshold``, the expected 0/1 output pattern,
        shape (batch, output size) or (batch,) for one output (:func:`~neurocompare.metrics.accuracy`).
    float_weights : mapping "pre->post" -> array, optional
        Float weights the counts were rounded from, for the rounding-error metric.
    energy_model : EnergyModel
        Per-operation energies (default Horowitz 2014, 45 nm, 32-bit float).
    voltage_neurons : int
        Record the membrane of this many output neurons (in every sample): the most active ones by their largest
        artificial activation, so the membrane figure shows the neurons that carry the answer.
    progress : bool or callable(stage, fraction_done, elapsed_s), optional
        ``True``: one progress bar over the whole comparison (``tqdm.auto``: a widget in Jupyter, text in a
        terminal; it advances through the spiking run and each probe and fills when the comparison is done;
        needs ``tqdm``, see :mod:`neurocompare.progress`). A callable receives the progress of each spiking
        run (``stage`` is "spiking run", then one per probe), for your own progress bars.
    """
    if not isinstance(circuit, Circuit):
        raise ParameterError(f"compare: circuit must be a Circuit; got {type(circuit).__name__}.")
    spiking = resolve_backend(spiking, "spiking", "spiking")
    artificial = resolve_backend(artificial, "artificial", "artificial")
    probe_names, (values, batch) = check_probes(probes), normalize_inputs(circuit, inputs)
    output, readout, labels = _check_readout(circuit, output, readout, threshold, labels, batch)
    with progress_callback(progress, label=f"compare {name or circuit.name}", stages=1 + len(probe_names)) as bar:
        return _compare(circuit, values, batch, spiking=spiking, artificial=artificial, probe_names=probe_names,
                        seed=seed, name=name, output=output, readout=readout, threshold=threshold, labels=labels,
                        float_weights=float_weights, energy_model=energy_model, voltage_neurons=voltage_neurons,
                        progress=bar)


def _answer_neurons(activations: np.ndarray, limit: int) -> list[int]:
    """The output neurons whose membranes to record: the ``limit`` most active ones (by their largest artificial
    activation over the samples, ties by index), so the membrane figure shows the neurons that carry the answer."""
    act = np.asarray(activations, dtype=float).reshape(-1, np.shape(activations)[-1])
    top = np.argsort(-np.nan_to_num(act.max(axis=0), nan=-np.inf), kind="stable")[:limit]
    return sorted(int(k) for k in top)


def _compare(circuit: Circuit, values: dict[str, np.ndarray], batch: int, *, spiking: Any, artificial: Any,
             probe_names: Sequence[str], seed: int, name: str | None, output: str, readout: str, threshold: float,
             labels: np.ndarray | None, float_weights: Mapping[str, np.ndarray] | None, energy_model: EnergyModel,
             voltage_neurons: int, progress: Callable[[str, float, float], None] | None) -> Comparison:
    """The comparison pipeline of :func:`compare`, on checked arguments."""
    ann = artificial.run(circuit, values, seed=seed)
    recorded = {output: _answer_neurons(ann[output], voltage_neurons)}
    snn = spiking.run(circuit, values, seed=seed, record_voltage=recorded, progress=stage(progress, "spiking run"))
    context = ProbeContext(circuit, MappingProxyType(values), spiking, seed, output, ann, snn,
                           _preactivation(circuit, ann, output), progress)
    probe_results = run_probes(probe_names, context)
    timing = _timing(snn, ann, output, readout, threshold, spiking)
    data = _metric_data(circuit, ann, snn, spiking, output, readout, threshold, labels, timing, probe_results,
                        float_weights, energy_model)
    metrics = compute_metrics(data)
    parameters = _parameters(spiking, artificial, snn, ann, batch, output, readout, threshold, probe_results,
                             energy_model)
    curves = _curves(timing, context, data, probe_results)
    table = build_table(circuit, metrics, parameters, ann=ann, snn=snn, output=output, energy_model=energy_model)
    return Comparison(name=name or circuit.name, circuit=circuit, inputs=MappingProxyType(values), ann=ann, snn=snn,
                      output=output, readout=readout, threshold=float(threshold), seed=int(snn.info["seed"]),
                      metrics=MappingProxyType(metrics), table=table, curves=MappingProxyType(curves),
                      parameters=MappingProxyType(parameters))
