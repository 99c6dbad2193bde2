"""Measured quantities: pure functions on results, one per quantity, and a registry by name.

Each function takes plain data (arrays, :class:`~neurocompare.results.SpikeTrains`,
:class:`~neurocompare.circuit.Circuit`) and returns a number or an array; none runs a
simulation or knows a backend. Degenerate cases are explicit: a quantity that needs spikes
(or variance) and has none is NaN with a :class:`~neurocompare.errors.NoSpikesWarning`,
never a silent 0.

The registry (:data:`METRICS`, :func:`compute_metrics`) names the quantities that a
:class:`~neurocompare.compare.Comparison` reports, each with its unit, a description and the
row of the real-vs-artificial table it belongs to.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .circuit import Circuit
from .errors import InputError, NoSpikesWarning, UnknownNameError
from .results import Result, SpikeTrains

__all__ = [
    "pearson_r",
    "normalized_rmse",
    "readout",
    "output_agreement",
    "isi_cv",
    "first_spike_latency_ms",
    "decoded_at_times",
    "charge_decoded",
    "agreement_curve",
    "settle_times_ms",
    "step_activity",
    "synaptic_events",
    "dense_macs",
    "bits_needed",
    "memory_bytes",
    "rounding_error",
    "EnergyModel",
    "HOROWITZ_45NM",
    "energy_pj",
    "fit_activation",
    "MetricSpec",
    "Metric",
    "METRICS",
    "TABLE_ROWS",
    "compute_metrics",
]


def _nan(what: str) -> float:
    warnings.warn(f"{what}; the value is NaN.", NoSpikesWarning, stacklevel=3)
    return math.nan


# --------------------------------------------------------------------- amplitude coding
def pearson_r(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two equally shaped arrays (flattened).

    r = cov(a, b) / (sd(a) sd(b)). NaN (with a warning) if either array is constant.
    """
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    if a.shape != b.shape:
        raise InputError(f"pearson_r: shapes differ, {a.shape} vs {b.shape}.")
    if a.size < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return _nan("pearson_r: an input is constant (e.g. no spikes at all), correlation undefined")
    return float(np.corrcoef(a, b)[0, 1])


def normalized_rmse(estimate: np.ndarray, reference: np.ndarray) -> float:
    """Root-mean-square error normalised by the reference's range.

    NRMSE = sqrt(mean((estimate - reference)^2)) / (max(reference) - min(reference)).
    NaN (with a warning) if the reference is constant.
    """
    est = np.asarray(estimate, dtype=float)
    ref = np.asarray(reference, dtype=float)
    if est.shape != ref.shape:
        raise InputError(f"normalized_rmse: shapes differ, {est.shape} vs {ref.shape}.")
    span = float(np.ptp(ref)) if ref.size else 0.0
    if span == 0:
        return _nan("normalized_rmse: the reference is constant, no scale to normalise by")
    return float(np.sqrt(np.mean((est - ref) ** 2)) / span)


READOUTS = ("argmax", "threshold")


def readout(activations: np.ndarray, *, mode: str, threshold: float = 0.5) -> np.ndarray:
    """The network's answer per sample: the winning neuron (``argmax``), or which outputs
    exceed ``threshold`` (``threshold``, a boolean row per sample).

    With ``argmax``, a sample whose largest value is shared by several neurons (e.g. a spiking
    output that has not fired yet) has no answer, -1: silence never counts as class 0.
    """
    acts = np.asarray(activations, dtype=float)
    if mode == "argmax":
        winner = np.argmax(acts, axis=1)
        top = np.max(acts, axis=1, keepdims=True)
        tied = np.sum(acts == top, axis=1) > 1
        return np.where(tied, -1, winner)
    if mode == "threshold":
        return acts > threshold
    raise UnknownNameError(f"Unknown readout {mode!r}; valid: {', '.join(READOUTS)}.")


def output_agreement(a: np.ndarray, b: np.ndarray, *, mode: str, threshold: float = 0.5) -> float:
    """Fraction of samples on which two networks give the same answer (see :func:`readout`)."""
    ra, rb = readout(a, mode=mode, threshold=threshold), readout(b, mode=mode, threshold=threshold)
    same = ra == rb if ra.ndim == 1 else np.all(ra == rb, axis=1)
    return float(np.mean(same))


# ------------------------------------------------------------------------------ timing
def isi_cv(trains: Sequence[SpikeTrains], *, min_spikes: int = 3) -> float:
    """Mean coefficient of variation of inter-spike intervals over neurons with enough spikes.

    CV = sd(ISI) / mean(ISI) per (sample, neuron) with at least ``min_spikes`` spikes, averaged
    (Softky & Koch 1993). 0 for perfectly regular trains, about 1 for Poisson trains. NaN
    (with a warning) if no neuron has enough spikes.
    """
    cvs = []
    for tr in trains:
        if not len(tr):
            continue
        key = tr.sample * tr.size + tr.neuron
        order = np.lexsort((tr.time_ms, key))
        k, t = key[order], tr.time_ms[order]
        bounds = np.flatnonzero(np.diff(k)) + 1
        for seg in np.split(t, bounds):
            if len(seg) >= min_spikes:
                isi = np.diff(seg)
                m = isi.mean()
                cvs.append(isi.std() / m if m > 0 else 0.0)
    if not cvs:
        return _nan(f"isi_cv: no neuron fired {min_spikes} or more spikes")
    return float(np.mean(cvs))


def first_spike_latency_ms(trains: SpikeTrains) -> float:
    """Median first-spike time (ms) over the (sample, neuron) pairs that fired; NaN if none did."""
    first = trains.first_spike_ms()
    fired = first[~np.isnan(first)]
    if not fired.size:
        return _nan(f"first_spike_latency_ms: population {trains.population!r} never fired")
    return float(np.median(fired))


def decoded_at_times(trains: SpikeTrains, times_ms: np.ndarray, *, rate_scale_hz: float) -> np.ndarray:
    """Activations decoded from the spikes in [0, t] for each t: count / t / rate_scale.

    Returns shape (len(times_ms), batch, size).
    """
    times_ms = np.asarray(times_ms, dtype=float)
    out = np.zeros((len(times_ms), trains.batch_size, trains.size))
    if len(trains):
        # index of the first time point at which each spike is already counted
        idx = np.searchsorted(times_ms, trains.time_ms, side="left")
        np.add.at(out, (idx[idx < len(times_ms)], trains.sample[idx < len(times_ms)],
                        trains.neuron[idx < len(times_ms)]), 1.0)
        out = np.cumsum(out, axis=0)
    return out / (times_ms[:, None, None] * 1e-3) / rate_scale_hz


def charge_decoded(
    counts: np.ndarray, final_v: np.ndarray, *, v_start: float, reset_step: float, duration_ms: float,
    rate_scale_hz: float,
) -> np.ndarray:
    """Activations read from spikes *and* the charge left on the membrane.

    a = (count * (v_threshold - v_reset) + v_end - v_start) / (T * rate_scale).

    For a non-leaky integrate-and-fire neuron with reset by subtraction and no refractory period
    this is exactly its integrated input divided by T * rate_scale, i.e. the linear drive W x + b
    on the artificial scale, negative values included (spike counts alone truncate it to
    multiples of 1 / (T * rate_scale) and clip it at 0). With leak or reset to a value it is an
    approximation.
    """
    return (np.asarray(counts) * reset_step + np.asarray(final_v) - v_start) / (duration_ms * 1e-3 * rate_scale_hz)


def agreement_curve(
    trains: SpikeTrains,
    reference: np.ndarray,
    times_ms: np.ndarray,
    *,
    rate_scale_hz: float,
    mode: str,
    threshold: float = 0.5,
) -> np.ndarray:
    """Output agreement with ``reference`` when decoding only the first t ms, for each t."""
    decoded = decoded_at_times(trains, times_ms, rate_scale_hz=rate_scale_hz)
    return np.array([output_agreement(d, reference, mode=mode, threshold=threshold) for d in decoded])


def settle_times_ms(
    trains: SpikeTrains,
    reference: np.ndarray,
    times_ms: np.ndarray,
    *,
    rate_scale_hz: float,
    mode: str,
    threshold: float = 0.5,
) -> np.ndarray:
    """Per sample, the first time from which the decoded answer equals the reference's and stays so.

    NaN for samples that do not agree at the end of the run.
    """
    decoded = decoded_at_times(trains, times_ms, rate_scale_hz=rate_scale_hz)
    ref = readout(reference, mode=mode, threshold=threshold)
    agree = np.stack([
        (r == ref) if ref.ndim == 1 else np.all(r == ref, axis=1)
        for r in (readout(d, mode=mode, threshold=threshold) for d in decoded)
    ])  # (T, batch)
    out = np.full(agree.shape[1], np.nan)
    for b in range(agree.shape[1]):
        if agree[-1, b]:
            bad = np.flatnonzero(~agree[:, b])
            out[b] = times_ms[0] if not len(bad) else times_ms[min(bad[-1] + 1, len(times_ms) - 1)]
    return out


def step_activity(trains: Sequence[SpikeTrains], *, n_neurons: int, n_steps: int, dt_ms: float) -> dict[str, float]:
    """How asynchronous a spiking run is, from its spike times on the dt grid.

    Returns ``neurons_per_active_step`` (mean number of neurons spiking in a step that has any
    spike, per sample), ``active_step_fraction`` (share of steps with at least one spike) and
    ``update_fraction`` (spikes / (neurons x steps): the share of neuron-steps that carry an
    event; a synchronous network updates all neurons every step, i.e. 1).
    """
    per_step: dict[tuple[int, int], int] = {}
    total = 0
    batch = trains[0].batch_size if trains else 1
    for tr in trains:
        steps = np.round(tr.time_ms / dt_ms).astype(np.int64)
        keys, counts = np.unique(tr.sample * (n_steps + 1) + steps, return_counts=True)
        for k, c in zip(keys.tolist(), counts.tolist()):
            per_step[k] = per_step.get(k, 0) + c
        total += len(tr)
    if not per_step:
        nan = _nan("step_activity: no spikes")
        return {"neurons_per_active_step": nan, "active_step_fraction": 0.0, "update_fraction": 0.0}
    return {
        "neurons_per_active_step": float(np.mean(list(per_step.values()))),
        "active_step_fraction": len(per_step) / (batch * n_steps),
        "update_fraction": total / (batch * n_neurons * n_steps),
    }


# ------------------------------------------------------------------------- wires & cost
def synaptic_events(circuit: Circuit, result: Result) -> np.ndarray:
    """Synaptic events delivered per sample: sum over spikes of the spiking neuron's outgoing
    synapses, multiplicity included (a pair with count n delivers |n| events per spike).

    Analog inputs emit no spikes and count no events.
    """
    events = np.zeros(result.batch_size)
    for proj in circuit.projections:
        trains = result.spikes.get(proj.pre)
        if trains is None:
            continue
        fanout = np.abs(proj.counts).sum(axis=0)  # synapses leaving each pre neuron
        events += trains.counts() @ fanout
    return events


def dense_macs(circuit: Circuit, *, steps: int = 1) -> int:
    """Multiply-accumulates of the artificial network per sample: n_in x n_out per projection
    per synchronous step (dense matrix-vector products)."""
    return circuit.n_weights * steps


def bits_needed(counts: np.ndarray) -> int:
    """Bits per connection to store the synapse counts: ceil(log2(max|n| + 1)) magnitude bits,
    plus one sign bit if any count is negative (1 bit if every count is 0)."""
    counts = np.asarray(counts)
    m = int(np.max(np.abs(counts))) if counts.size else 0
    if m == 0:
        return 1
    return int(math.ceil(math.log2(m + 1))) + (1 if np.any(counts < 0) else 0)


def memory_bytes(circuit: Circuit) -> dict[str, float]:
    """Storage of the weights: dense float32 matrices vs dense counts at :func:`bits_needed` bits
    vs a synapse list (one 32-bit target index per synapse, as a biological/event-driven
    representation stores it)."""
    float32 = 4.0 * circuit.n_weights
    counts = sum(p.counts.size * bits_needed(p.counts) for p in circuit.projections) / 8.0
    synapse_list = 4.0 * circuit.n_synapses
    return {"float32": float32, "counts": counts, "synapse_list": synapse_list}


def rounding_error(counts: np.ndarray, unit_weight: float, float_weights: np.ndarray) -> dict[str, float]:
    """Error of representing ``float_weights`` as ``counts * unit_weight``.

    ``max_abs`` = max |n u - w|, ``relative`` = ||n u - w||_F / ||w||_F (NaN if w = 0).
    """
    w = np.asarray(float_weights, dtype=float)
    diff = np.asarray(counts) * unit_weight - w
    norm = float(np.linalg.norm(w))
    return {
        "max_abs": float(np.max(np.abs(diff))) if diff.size else 0.0,
        "relative": float(np.linalg.norm(diff) / norm) if norm > 0 else math.nan,
    }


@dataclass(frozen=True)
class EnergyModel:
    """Energy per operation (pJ). A model, not a measurement: the source is stated.

    Defaults: Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm, 0.9 V: 32-bit float
    multiply 3.7 pJ + add 0.9 pJ (MAC 4.6 pJ), 32-bit float add 0.9 pJ, and a 32-bit read from
    an 8 kB SRAM of about 5 pJ (10 pJ per 64-bit read).
    """

    mac_pj: float = 4.6
    add_pj: float = 0.9
    sram_read_pj: float = 5.0
    label: str = "32-bit float, 45 nm"
    source: str = "Horowitz, ISSCC 2014 (45 nm, 0.9 V)"


HOROWITZ_45NM = EnergyModel()
HOROWITZ_45NM_INT8 = EnergyModel(mac_pj=0.23, add_pj=0.03, sram_read_pj=5.0, label="int8, 45 nm")


def energy_pj(
    model: EnergyModel, *, events: float, macs: float, neuron_updates: float = 0.0, weight_reads: bool = False
) -> dict[str, float]:
    """Energy estimate (pJ per sample) of both networks under ``model``.

    Compute only: SNN = events x add; ANN = MACs x MAC.
    With memory (``weight_reads=True``): every synaptic event and every MAC also reads one
    weight from SRAM, and the SNN's membranes are read and written once per neuron update
    (``neuron_updates`` = neurons x time steps for a clock-driven simulation), each with one add.
    """
    snn = events * model.add_pj
    ann = macs * model.mac_pj
    if weight_reads:
        snn += events * model.sram_read_pj + neuron_updates * (model.add_pj + 2 * model.sram_read_pj)
        ann += macs * model.sram_read_pj
    return {"snn_pj": float(snn), "ann_pj": float(ann)}


# ----------------------------------------------------------------------- nonlinearity
def _fit_forms() -> dict[str, Callable[..., np.ndarray]]:
    return {
        "relu": lambda z, a, c: a * np.maximum(z - c, 0.0),
        "sigmoid": lambda z, a, b, c: a / (1.0 + np.exp(-np.clip(b * (z - c), -500, 500))),
        "tanh": lambda z, a, b, c, d: a * np.tanh(b * (z - c)) + d,
    }


def fit_activation(z: np.ndarray, y: np.ndarray, kind: str) -> tuple[np.ndarray, float]:
    """Least-squares fit of a scaled activation to a measured transfer curve y(z).

    Forms: relu a max(z - c, 0); sigmoid a / (1 + exp(-b (z - c))); tanh a tanh(b (z - c)) + d.
    Returns (parameters, RMSE of the fit). Uses scipy.optimize.curve_fit.
    """
    from scipy.optimize import curve_fit

    forms = _fit_forms()
    if kind not in forms:
        raise UnknownNameError(f"fit_activation: unknown form {kind!r}; valid: {', '.join(forms)}.")
    z = np.asarray(z, dtype=float)
    y = np.asarray(y, dtype=float)
    top = float(np.max(y)) if y.size else 1.0
    z_on = float(z[np.argmax(y > 0.01 * top)]) if top > 0 else 0.0
    starts = {
        "relu": [max(top, 1e-3) / max(np.ptp(z), 1e-3), z_on],
        "sigmoid": [max(top, 1e-3), 4.0 / max(np.ptp(z), 1e-3), float(np.median(z))],
        "tanh": [max(top, 1e-3) / 2, 2.0 / max(np.ptp(z), 1e-3), float(np.median(z)), max(top, 1e-3) / 2],
    }
    fn = forms[kind]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # OptimizeWarning on flat data: the RMSE tells the story
        try:
            params, _ = curve_fit(fn, z, y, p0=starts[kind], maxfev=20000)
        except (RuntimeError, ValueError):
            params = np.asarray(starts[kind], dtype=float)
    rmse = float(np.sqrt(np.mean((fn(z, *params) - y) ** 2)))
    return np.asarray(params, dtype=float), rmse


# ------------------------------------------------------------------------- registry
@dataclass(frozen=True)
class Metric:
    """One measured value with its unit and what it means."""

    value: float
    unit: str
    description: str

    def to_dict(self) -> dict[str, Any]:
        v = self.value
        return {"value": None if isinstance(v, float) and math.isnan(v) else v, "unit": self.unit,
                "description": self.description}


@dataclass(frozen=True)
class MetricSpec:
    """A registered metric: ``fn(data) -> value`` or ``{suffix: value}`` for per-population ones."""

    name: str
    row: str
    unit: str
    description: str
    fn: Callable[[Any], Any] = field(repr=False)
    per_population: bool = False


#: The rows of the real-vs-artificial table, in order.
TABLE_ROWS = ("amplitude coding", "timing", "nonlinearity", "wires", "weights", "cost")


def _spec_list() -> tuple[MetricSpec, ...]:
    # Each fn takes a compare.MetricData (duck-typed: attributes documented there).
    def per_pop(f):
        return lambda d: {p: f(d, p) for p in d.circuit.population_names}

    return (
        MetricSpec("spikes_per_neuron", "amplitude coding", "spikes",
                   "mean spikes per neuron per sample, per population",
                   per_pop(lambda d, p: float(d.snn.spike_counts(p).mean())), per_population=True),
        MetricSpec("rate_correlation", "amplitude coding", "1",
                   "Pearson r between decoded spiking rates and artificial activations, per population",
                   per_pop(lambda d, p: pearson_r(d.snn[p], d.ann[p])), per_population=True),
        MetricSpec("rate_nrmse", "amplitude coding", "1",
                   "RMSE of decoded rates vs artificial activations / range of the activations, per population",
                   per_pop(lambda d, p: normalized_rmse(d.snn[p], d.ann[p])), per_population=True),
        MetricSpec("output_agreement", "amplitude coding", "fraction",
                   "fraction of samples where both backends give the same answer (readout of the output)",
                   lambda d: output_agreement(d.snn[d.output], d.ann[d.output], mode=d.readout, threshold=d.threshold)),
        MetricSpec("first_spike_latency_ms", "timing", "ms",
                   "median time of the output neurons' first spike (over neurons that fired)",
                   lambda d: first_spike_latency_ms(d.snn.spikes[d.output])),
        MetricSpec("time_to_agreement_ms", "timing", "ms",
                   "median over samples of the time from which the spiking answer equals the artificial one "
                   "and stays so (decoding the first t ms); samples that never agree count as the full duration",
                   lambda d: d.time_to_agreement_ms),
        MetricSpec("isi_cv", "timing", "1",
                   "mean coefficient of variation of inter-spike intervals of the neurons (>= 3 spikes)",
                   lambda d: isi_cv([d.snn.spikes[p] for p in d.circuit.population_names])),
        MetricSpec("neurons_per_active_step", "timing", "neurons",
                   "mean number of neurons spiking in a time step that has any spike (asynchronous events)",
                   lambda d: d.activity["neurons_per_active_step"]),
        MetricSpec("update_fraction", "timing", "fraction",
                   "spikes / (neurons x time steps): share of neuron-steps carrying an event "
                   "(the artificial network updates every neuron every step: 1)",
                   lambda d: d.activity["update_fraction"]),
        MetricSpec("synchronous_steps", "timing", "steps",
                   "synchronous update steps of the artificial network (depth, or the recurrent step count)",
                   lambda d: float(d.ann_steps)),
        MetricSpec("transfer_fit_rmse", "nonlinearity", "activation units",
                   "RMSE of the best scaled relu / sigmoid / tanh fit to the measured spiking f-I curve, and of "
                   "the population's own activation used as is ('own')",
                   lambda d: d.transfer_rmse, per_population=True),
        MetricSpec("rheobase_drive", "nonlinearity", "activation units",
                   "smallest drive W x + b (activation units) at which the spiking neuron fires in the f-I sweep",
                   lambda d: d.rheobase_drive),
        MetricSpec("max_delay_ms", "wires", "ms", "largest axonal delay in the circuit",
                   lambda d: float(max((p.delays.max() for p in d.circuit.projections), default=0.0))),
        MetricSpec("delay_latency_shift_ms", "wires", "ms",
                   "change of the median output first-spike latency between the two delay variants run",
                   lambda d: d.delay_shift_ms),
        MetricSpec("synapses", "wires", "synapses", "synapses in the spiking circuit (sum of |counts|)",
                   lambda d: float(d.circuit.n_synapses)),
        MetricSpec("weight_entries", "wires", "entries", "entries of the artificial weight matrices",
                   lambda d: float(d.circuit.n_weights)),
        MetricSpec("count_min", "weights", "synapses", "most negative synapse count (inhibitory)",
                   lambda d: float(min(p.counts.min() for p in d.circuit.projections)) if d.circuit.projections else 0.0),
        MetricSpec("count_max", "weights", "synapses", "largest synapse count (excitatory)",
                   lambda d: float(max(p.counts.max() for p in d.circuit.projections)) if d.circuit.projections else 0.0),
        MetricSpec("count_bits", "weights", "bits", "bits per connection for the signed counts (vs 32 for float32)",
                   lambda d: float(max((bits_needed(p.counts) for p in d.circuit.projections), default=1))),
        MetricSpec("memory_counts_bytes", "weights", "bytes", "dense count matrices at count_bits bits",
                   lambda d: d.memory["counts"]),
        MetricSpec("memory_float32_bytes", "weights", "bytes", "dense float32 weight matrices",
                   lambda d: d.memory["float32"]),
        MetricSpec("rounding_error_relative", "weights", "1",
                   "||n u - w|| / ||w|| where counts came from float weights (0: counts given as integers)",
                   lambda d: d.rounding_relative),
        MetricSpec("synaptic_events_per_sample", "cost", "events",
                   "synaptic events delivered per sample (spikes x outgoing synapses, multiplicity included)",
                   lambda d: float(np.mean(d.events))),
        MetricSpec("macs_per_sample", "cost", "MACs", "multiply-accumulates of the artificial network per sample",
                   lambda d: float(d.macs)),
        MetricSpec("energy_snn_pj", "cost", "pJ",
                   "energy model, compute only: synaptic events x float add (Horowitz 2014, 45 nm)",
                   lambda d: d.energy["snn_pj"]),
        MetricSpec("energy_ann_pj", "cost", "pJ",
                   "energy model, compute only: MACs x float MAC (Horowitz 2014, 45 nm)",
                   lambda d: d.energy["ann_pj"]),
        MetricSpec("energy_snn_with_memory_pj", "cost", "pJ",
                   "energy model with memory: + one SRAM weight read per event + membrane read/write/add per "
                   "neuron per time step (clock-driven)",
                   lambda d: d.energy_mem["snn_pj"]),
        MetricSpec("energy_ann_with_memory_pj", "cost", "pJ",
                   "energy model with memory: + one SRAM weight read per MAC",
                   lambda d: d.energy_mem["ann_pj"]),
    )


#: Registered metrics by name (read-only).
METRICS: Mapping[str, MetricSpec] = MappingProxyType({s.name: s for s in _spec_list()})


def compute_metrics(data: Any, names: Sequence[str] | None = None) -> dict[str, Metric]:
    """Evaluate registered metrics on comparison data; per-population metrics give one entry
    per population, named ``"name.population"``."""
    names = list(METRICS) if names is None else list(names)
    unknown = [n for n in names if n not in METRICS]
    if unknown:
        raise UnknownNameError(f"Unknown metric(s) {', '.join(map(repr, unknown))}; valid: {', '.join(METRICS)}.")
    out: dict[str, Metric] = {}
    for name in names:
        spec = METRICS[name]
        value = spec.fn(data)
        if spec.per_population:
            for suffix, v in value.items():
                out[f"{name}.{suffix}"] = Metric(float(v), spec.unit, f"{spec.description} [{suffix}]")
        else:
            out[name] = Metric(float(value), spec.unit, spec.description)
    return out
