"""compare(): one circuit, both backends, every row of the real-vs-artificial table measured.

>>> from neurocompare.compare import compare
>>> from neurocompare.demo import xor_circuit, XOR_INPUTS
>>> c = compare(xor_circuit(), XOR_INPUTS, seed=0)          # doctest: +SKIP
>>> print(c.table_markdown())                              # doctest: +SKIP

Runs the artificial backend, the spiking backend (recording the output neurons' membranes),
a spiking f-I sweep of the output neuron model (the nonlinearity row) and a second spiking
run with the delays changed (the wires row), then measures everything listed in
:data:`neurocompare.metrics.METRICS`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .backends.artificial import ArtificialBackend
from .backends.brian2 import SpikingBackend
from .circuit import Circuit, NeuronPopulation, Projection, normalize_inputs
from .errors import InputError, ParameterError, UnknownNameError
from .metrics import (
    HOROWITZ_45NM,
    METRICS,
    TABLE_ROWS,
    EnergyModel,
    Metric,
    compute_metrics,
    dense_macs,
    energy_pj,
    fit_activation,
    first_spike_latency_ms,
    agreement_curve,
    memory_bytes,
    rounding_error,
    settle_times_ms,
    step_activity,
    synaptic_events,
)
from .comparison import SEED_TABLE, Comparison, TableRow
from .results import Result

__all__ = ["compare", "MetricData"]


@dataclass
class MetricData:
    """Everything the registered metrics read (see :mod:`neurocompare.metrics`)."""

    circuit: Circuit
    ann: Result
    snn: Result
    output: str
    readout: str
    threshold: float
    ann_steps: int
    time_to_agreement_ms: float
    activity: dict[str, float]
    transfer_rmse: dict[str, float]
    rheobase_drive: float
    delay_shift_ms: float
    memory: dict[str, float]
    rounding_relative: float
    events: np.ndarray
    macs: int
    energy: dict[str, float]
    energy_mem: dict[str, float]



# --------------------------------------------------------------------------- compare
def _default_output(circuit: Circuit) -> str:
    fed = {p.pre for p in circuit.projections}
    sinks = [n for n in circuit.population_names if n not in fed]
    return sinks[-1] if sinks else circuit.population_names[-1]


def _lif(circuit: Circuit, name: str, spiking: SpikingBackend):
    pop = circuit.population(name)
    return pop.neuron if pop.neuron is not None else spiking.neuron


def _with_delays(circuit: Circuit, delay_ms: float | None) -> Circuit:
    """The circuit with every delay set to ``delay_ms`` (None: keep), for the wires row."""
    projs = [Projection(p.pre, p.post, p.counts, p.unit_weight, delay_ms=delay_ms) for p in circuit.projections]
    return replace(circuit, projections=tuple(projs))


def _transfer_sweep(
    circuit: Circuit, output: str, spiking: SpikingBackend, seed: int, z_max: float, progress
) -> dict[str, np.ndarray]:
    """Spiking f-I curve of the output neuron model: rate / rate_scale vs drive z (activation units)."""
    pop = circuit.population(output)
    lif = _lif(circuit, output, spiking)
    z = np.linspace(-0.25 * z_max, z_max, 46)
    sweep = Circuit(
        f"{circuit.name}_transfer",
        populations=[NeuronPopulation("n", len(z), bias=z, activation=pop.activation, neuron=lif)],
    )
    duration = max(spiking.duration_ms, 200.0)
    duration = round(duration / spiking.dt_ms) * spiking.dt_ms
    be = SpikingBackend(
        duration_ms=duration, dt_ms=spiking.dt_ms, encoding=spiking.encoding, rate_scale_hz=spiking.rate_scale_hz,
        neuron=lif, target=spiking.target, synapse_mode=spiking.synapse_mode,
    )
    res = be.run(sweep, seed=seed, progress=progress)
    analytic = lif.analytic_rate_hz(z * spiking.rate_scale_hz) / spiking.rate_scale_hz
    return {"z": z, "spiking": res["n"][0], "analytic": analytic, "own": pop.activation_fn(z)}


def compare(
    circuit: Circuit,
    inputs: Any = None,
    *,
    spiking: SpikingBackend | Mapping[str, Any] | None = None,
    artificial: ArtificialBackend | Mapping[str, Any] | None = None,
    seed: int = 0,
    name: str | None = None,
    output: str | None = None,
    readout: str | None = None,
    threshold: float = 0.5,
    float_weights: Mapping[str, np.ndarray] | None = None,
    energy_model: EnergyModel = HOROWITZ_45NM,
    voltage_neurons: int = 3,
    progress: Callable[[str, float, float], None] | None = None,
) -> Comparison:
    """Run ``circuit`` on ``inputs`` through both backends and measure every row of the table.

    Parameters
    ----------
    circuit : Circuit
    inputs : mapping name -> (batch, size) array, or an array for a single input population
    spiking, artificial : backend instance or a mapping of its options, optional
    seed : int
        Seeds the spiking input encoding (all spiking runs of the comparison use it).
    name : str, optional
        Defaults to the circuit's name.
    output : str, optional
        The population whose activity is the answer. Default: the last population that
        projects nowhere.
    readout : {"argmax", "threshold"}, optional
        How an answer is read: the most active output neuron, or which outputs exceed
        ``threshold``. Default: ``threshold`` for a single output neuron, else ``argmax``.
    float_weights : mapping "pre->post" -> array, optional
        Float weights the counts were rounded from, for the rounding-error metric.
    energy_model : EnergyModel
        Per-operation energies (default Horowitz 2014, 45 nm, 32-bit float).
    voltage_neurons : int
        Record the membrane of this many output neurons (in every sample).
    progress : callable(stage, fraction_done, elapsed_s), optional
        Progress of the spiking runs, for progress bars.
    """
    if not isinstance(circuit, Circuit):
        raise ParameterError(f"compare: circuit must be a Circuit; got {type(circuit).__name__}.")
    spiking = _backend(spiking, SpikingBackend, "spiking")
    artificial = _backend(artificial, ArtificialBackend, "artificial")
    values, batch = normalize_inputs(circuit, inputs)
    output = output if output is not None else _default_output(circuit)
    if output not in circuit.population_names:
        raise UnknownNameError(
            f"compare: output {output!r} is not a neuron population of {circuit.name!r}; valid: "
            f"{', '.join(circuit.population_names)}."
        )
    out_size = circuit.population(output).size
    readout = readout if readout is not None else ("threshold" if out_size == 1 else "argmax")
    if readout not in ("argmax", "threshold"):
        raise UnknownNameError(f"compare: unknown readout {readout!r}; valid: argmax, threshold.")
    if isinstance(threshold, bool) or not isinstance(threshold, (int, float)) or not math.isfinite(threshold):
        raise ParameterError(f"compare: threshold must be a finite number; got {threshold!r}.")
    name = name or circuit.name

    def stage(label: str):
        return None if progress is None else (lambda frac, elapsed: progress(label, frac, elapsed))

    ann = artificial.run(circuit, values, seed=seed)
    snn = spiking.run(
        circuit, values, seed=seed, record_voltage={output: list(range(min(voltage_neurons, out_size)))},
        progress=stage("spiking run"),
    )
    dt, duration, rate_scale = spiking.dt_ms, spiking.duration_ms, spiking.rate_scale_hz

    # timing: agreement of the decoded answer over simulated time
    n_points = int(min(100, spiking.n_steps))
    times = np.linspace(duration / n_points, duration, n_points)
    out_trains = snn.spikes[output]
    agree = agreement_curve(out_trains, ann[output], times, rate_scale_hz=rate_scale, mode=readout, threshold=threshold)
    settle = settle_times_ms(out_trains, ann[output], times, rate_scale_hz=rate_scale, mode=readout, threshold=threshold)
    time_to_agreement = float(np.median(np.where(np.isnan(settle), duration, settle)))
    n_neurons = sum(p.size for p in circuit.populations)
    activity = step_activity([snn.spikes[p] for p in circuit.population_names], n_neurons=n_neurons,
                             n_steps=spiking.n_steps, dt_ms=dt)

    # nonlinearity: f-I sweep of the output neuron model, fits of relu/sigmoid/tanh
    z_pre = _preactivation(circuit, ann, output)
    lif_out = _lif(circuit, output, spiking)
    rheo_z = lif_out.rheobase_hz() / rate_scale
    candidates = [1.2 * float(np.max(z_pre))] if z_pre.size else []
    if math.isfinite(rheo_z) and rheo_z > 0:
        candidates.append(4.0 * rheo_z)
    z_max = max([c for c in candidates if c > 0], default=2.0)
    transfer = _transfer_sweep(circuit, output, spiking, seed, z_max, stage("f-I sweep"))
    fits = {kind: fit_activation(transfer["z"], transfer["spiking"], kind) for kind in ("relu", "sigmoid", "tanh")}
    rmse = {kind: fit[1] for kind, fit in fits.items()}
    rmse["own"] = float(np.sqrt(np.mean((transfer["own"] - transfer["spiking"]) ** 2)))
    fires = transfer["z"][transfer["spiking"] > 0]
    rheobase = float(fires.min()) if fires.size else math.nan

    # wires: a second run with the delays changed
    has_delays = any(np.any(p.delays > 0) for p in circuit.projections)
    variant_delay = None if has_delays else 1.0
    variant = _with_delays(circuit, 0.0 if has_delays else variant_delay)
    snn_variant = spiking.run(variant, values, seed=seed, progress=stage("delay variant"))
    lat_circuit = _latency_or_nan(snn.spikes[output])
    lat_variant = _latency_or_nan(snn_variant.spikes[output])
    delay_shift = (lat_circuit - lat_variant) if has_delays else (lat_variant - lat_circuit)

    # weights
    rel_errors = []
    for key, w in (float_weights or {}).items():
        pre, _, post = key.partition("->")
        proj = circuit.projection(pre, post)
        w = np.asarray(w, dtype=float)
        if w.shape != proj.counts.shape:
            raise InputError(f"compare: float_weights[{key!r}] has shape {w.shape}; the counts have {proj.counts.shape}.")
        rel_errors.append(rounding_error(proj.counts, proj.unit_weight, w)["relative"])
    rounding_rel = float(max(rel_errors)) if rel_errors else 0.0

    # cost
    events = synaptic_events(circuit, snn)
    ann_steps = int(ann.info.get("steps", 1))
    macs = dense_macs(circuit, steps=ann_steps)
    sync_steps = circuit.depth if not circuit.is_recurrent and ann_steps == 1 else ann_steps
    mean_events = float(np.mean(events))
    energy = energy_pj(energy_model, events=mean_events, macs=macs)
    energy_mem = energy_pj(energy_model, events=mean_events, macs=macs,
                           neuron_updates=n_neurons * spiking.n_steps, weight_reads=True)

    data = MetricData(
        circuit=circuit, ann=ann, snn=snn, output=output, readout=readout, threshold=threshold,
        ann_steps=sync_steps, time_to_agreement_ms=time_to_agreement, activity=activity, transfer_rmse=rmse,
        rheobase_drive=rheobase, delay_shift_ms=delay_shift, memory=memory_bytes(circuit),
        rounding_relative=rounding_rel, events=events, macs=macs, energy=energy, energy_mem=energy_mem,
    )
    metrics = compute_metrics(data)
    parameters = {
        "dt_ms": dt,
        "duration_ms": duration,
        "encoding": spiking.encoding.to_dict(),
        "rate_scale_hz": rate_scale,
        "target": snn.info["target"],
        "synapse_mode": spiking.synapse_mode,
        "input_mode": snn.info["input_mode"],
        "neuron": spiking.neuron.to_dict(),
        "batch_size": batch,
        "output": output,
        "readout": readout,
        "threshold": threshold,
        "artificial_steps": ann_steps,
        "delay_variant": "all delays set to 0 ms" if has_delays else "all delays set to 1 ms",
        "energy_model": {"mac_pj": energy_model.mac_pj, "add_pj": energy_model.add_pj,
                         "sram_read_pj": energy_model.sram_read_pj, "label": energy_model.label,
                         "source": energy_model.source},
        "spiking_wall_time_s": snn.info["wall_time_s"],
        "artificial_wall_time_s": ann.info["wall_time_s"],
    }
    curves = {
        "agreement_t_ms": times,
        "agreement": agree,
        "settle_ms": settle,
        "transfer_z": transfer["z"],
        "transfer_spiking": transfer["spiking"],
        "transfer_analytic": transfer["analytic"],
        "transfer_own": transfer["own"],
        **{f"transfer_fit_{kind}": params for kind, (params, _) in fits.items()},  # the fitted parameters
        "preactivation": z_pre,
        "events_per_sample": events,
        "variant_latency_ms": np.array([lat_circuit, lat_variant]),
    }
    table = _table(circuit, data, metrics, parameters, energy_model)
    return Comparison(
        name=name, circuit=circuit, inputs=MappingProxyType(values), ann=ann, snn=snn, output=output,
        readout=readout, threshold=float(threshold), seed=int(snn.info["seed"]), metrics=MappingProxyType(metrics),
        table=table, curves=MappingProxyType(curves), parameters=MappingProxyType(parameters),
    )


def _backend(spec: Any, cls: type, what: str):
    if spec is None:
        return cls()
    if isinstance(spec, cls):
        return spec
    if isinstance(spec, Mapping):
        return cls(**spec)
    raise ParameterError(f"compare: {what} must be a {cls.__name__}, a mapping of its options, or None; got {spec!r}.")


def _preactivation(circuit: Circuit, ann: Result, name: str) -> np.ndarray:
    pop = circuit.population(name)
    z = np.broadcast_to(pop.bias, (ann.batch_size, pop.size)).copy()
    for proj in circuit.projections_into(name):
        z += ann[proj.pre] @ proj.weights.T
    return z


def _latency_or_nan(trains) -> float:
    first = trains.first_spike_ms()
    fired = first[~np.isnan(first)]
    return float(np.median(fired)) if fired.size else math.nan


def _fmt(v: float, digits: int = 3) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if abs(v) >= 1e5 or (0 < abs(v) < 1e-3):
        return f"{v:.{digits}g}"
    return f"{v:.{digits}g}" if abs(v) < 1000 else f"{v:,.0f}"


def _table(circuit, d: MetricData, m: Mapping[str, Metric], p: Mapping[str, Any], energy: EnergyModel):
    v = {k: x.value for k, x in m.items()}
    pops = circuit.population_names
    out = d.output
    ann_out = d.ann[out]
    corr = ", ".join(f"{q} {_fmt(v[f'rate_correlation.{q}'])}" for q in pops)
    spk = ", ".join(f"{q} {_fmt(v[f'spikes_per_neuron.{q}'])}" for q in pops)
    rates_hz = d.snn.rates_hz(out)
    rows = {
        "amplitude coding": (
            f"spikes/neuron/sample: {spk}; output rates {_fmt(rates_hz.min())}-{_fmt(rates_hz.max())} Hz; "
            f"decoded vs artificial r: {corr}; NRMSE({out}) {_fmt(v[f'rate_nrmse.{out}'])}; "
            f"same answer on {_fmt(100 * v['output_agreement'])}% of samples",
            f"real values: {out} in [{_fmt(ann_out.min())}, {_fmt(ann_out.max())}], "
            f"{len(np.unique(np.round(ann_out, 9)))} distinct values",
        ),
        "timing": (
            f"asynchronous: first output spike at {_fmt(v['first_spike_latency_ms'])} ms (median); answer settles "
            f"after {_fmt(v['time_to_agreement_ms'])} ms; ISI CV {_fmt(v['isi_cv'])}; "
            f"{_fmt(v['neurons_per_active_step'])} neurons spike per active step, "
            f"{_fmt(100 * v['update_fraction'])}% of neuron-steps carry an event",
            f"synchronous: {int(v['synchronous_steps'])} step(s), all {sum(q.size for q in circuit.populations)} "
            f"neurons update every step (100%)",
        ),
        "nonlinearity": (
            f"threshold: fires above drive {_fmt(v['rheobase_drive'])}; f-I fit RMSE relu "
            f"{_fmt(v['transfer_fit_rmse.relu'])}, sigmoid {_fmt(v['transfer_fit_rmse.sigmoid'])}, tanh "
            f"{_fmt(v['transfer_fit_rmse.tanh'])}",
            f"{circuit.population(out).activation_name} (programmable); RMSE of it vs the spiking f-I curve "
            f"{_fmt(v['transfer_fit_rmse.own'])}",
        ),
        "wires": (
            f"axons: {int(v['synapses'])} synapses, delays up to {_fmt(v['max_delay_ms'])} ms; "
            f"{p['delay_variant']} shifts the output latency by {_fmt(v['delay_latency_shift_ms'])} ms",
            f"{int(v['weight_entries'])} weight entries, no delay (results ready after "
            f"{int(v['synchronous_steps'])} synchronous step(s))",
        ),
        "weights": (
            f"synapse counts {int(v['count_min'])}..{int(v['count_max'])}: {int(v['count_bits'])} bits per pair, "
            f"{_fmt(v['memory_counts_bytes'])} B; rounding error {_fmt(v['rounding_error_relative'])}",
            f"float32: 32 bits per weight, {_fmt(v['memory_float32_bytes'])} B",
        ),
        "cost": (
            f"{_fmt(v['synaptic_events_per_sample'])} synaptic events/sample = {_fmt(v['energy_snn_pj'])} pJ "
            f"({_fmt(v['energy_snn_with_memory_pj'])} pJ with memory); model: {energy.source}",
            f"{_fmt(v['macs_per_sample'])} MACs/sample = {_fmt(v['energy_ann_pj'])} pJ "
            f"({_fmt(v['energy_ann_with_memory_pj'])} pJ with memory)",
        ),
    }
    return tuple(TableRow(a, *SEED_TABLE[a], *rows[a]) for a in TABLE_ROWS)
