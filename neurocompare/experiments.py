"""Building blocks the scenarios share: measurements beyond one comparison, as Panels and Metrics.

Each function runs backends on plain data and returns numbers, :class:`~neurocompare.metrics.Metric`
objects and :class:`~neurocompare.compare.Panel` objects that a scenario attaches to its
:class:`~neurocompare.compare.Comparison` with ``with_extras``; nothing here plots or writes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

import numpy as np

from .backends.artificial import ArtificialBackend
from .backends.spiking import SpikingBackend
from .circuit import Circuit, NeuronPopulation, Projection
from .compare import Comparison, Panel
from .encoding import Encoding
from .errors import ParameterError, UnknownNameError
from .metrics import Metric, readout
from .neurons import LIF
from .results import Result

__all__ = [
    "FICurve",
    "fi_curve",
    "fi_panel",
    "membrane_panel",
    "with_activation",
    "with_delays",
    "run_side_by_side",
    "activation_sweep",
    "trial_agreement",
    "truth_table_rows",
    "rank_correlations",
    "binned_rates",
    "metric",
]


def metric(value: float, unit: str, description: str) -> Metric:
    """Shorthand for a :class:`~neurocompare.metrics.Metric` with a float value."""
    return Metric(float(value), unit, description)


# ----------------------------------------------------------------------------- f-I curve
@dataclass(frozen=True)
class FICurve:
    """A measured f-I curve: constant drive in, firing rate out, against the analytic LIF rate.

    ``rate_hz`` is 1 / mean inter-spike interval where a neuron fired at least twice (count /
    duration otherwise); ``isi_error_ms`` = |mean ISI - analytic ISI| (NaN with < 2 spikes).
    """

    drive_hz: np.ndarray
    rate_hz: np.ndarray
    analytic_hz: np.ndarray
    isi_error_ms: np.ndarray
    dt_ms: float
    target: str

    @property
    def max_isi_error_ms(self) -> float:
        errs = self.isi_error_ms[~np.isnan(self.isi_error_ms)]
        return float(errs.max()) if errs.size else math.nan


def fi_curve(
    lif: LIF, drive_hz: Sequence[float], *, dt_ms: float = 0.1, duration_ms: float = 1000.0, target: str = "auto"
) -> FICurve:
    """Drive one neuron per entry of ``drive_hz`` (1/s) with a constant current and measure its rate."""
    drive = np.asarray(drive_hz, dtype=float)
    circuit = Circuit("fi_curve", populations=[NeuronPopulation("n", len(drive), bias=drive, neuron=lif)])
    res = SpikingBackend(duration_ms=duration_ms, dt_ms=dt_ms, rate_scale_hz=1.0, target=target).run(circuit, seed=0)
    trains = res.spikes["n"]
    analytic = lif.analytic_rate_hz(drive)
    rate = np.zeros(len(drive))
    err = np.full(len(drive), np.nan)
    for k in range(len(drive)):
        t = trains.times(0, k)
        if len(t) >= 2:
            isi = float(np.mean(np.diff(t)))
            rate[k] = 1e3 / isi
            if analytic[k] > 0:
                err[k] = abs(isi - 1e3 / analytic[k])
        else:
            rate[k] = len(t) / (duration_ms * 1e-3)
    return FICurve(drive, rate, analytic, err, dt_ms, res.info["target"])


def fi_panel(curve: FICurve, *, rate_scale_hz: float, name: str = "fi_curve") -> Panel:
    """The f-I curve against the analytic LIF rate, in activation units (drive / rate scale)."""
    return Panel(
        name, "f-I curve: simulated vs analytic LIF rate",
        f"Constant drive in, rate out (rate = 1 / mean ISI). Largest ISI error {curve.max_isi_error_ms:.3g} ms at "
        f"dt {curve.dt_ms} ms (Brian2 target {curve.target}).",
        "lines", x=curve.drive_hz / rate_scale_hz,
        series={"spiking (simulated)": curve.rate_hz, "LIF analytic": curve.analytic_hz},
        xlabel="drive (activation units)", ylabel="rate (Hz)",
    )


def membrane_panel(
    comparison: Comparison, samples: Sequence[int], labels: Sequence[str], *, neuron: int = 0,
    window_ms: float = 100.0, name: str = "membrane_drives",
) -> Panel:
    """Membrane traces of one output neuron for chosen samples (first ``window_ms``), with the threshold.

    Potentials are recorded at the start of each step, after the previous step's synaptic input and
    before its threshold test, so a jump across threshold shows once above it before the reset.
    """
    vt = comparison.snn.voltages[comparison.output]
    k = int(np.flatnonzero(vt.neurons == neuron)[0])
    lif = comparison.circuit.population(comparison.output).neuron or LIF()
    keep = vt.time_ms <= window_ms
    series = {lab: vt.v[s, k][keep] for s, lab in zip(samples, labels)}
    series["threshold"] = np.full(int(keep.sum()), lif.v_threshold)
    return Panel(name, "Membrane potential at three drives", "Below threshold the membrane settles; near it, "
                 "it fires rarely; well above, it fires regularly (reset after each spike).",
                 "lines", x=vt.time_ms[keep], series=series, xlabel="time (ms)", ylabel="membrane potential")


# ------------------------------------------------------------------- circuit variants
def with_activation(circuit: Circuit, activation: Any) -> Circuit:
    """The circuit with every neuron population's activation replaced."""
    pops = [replace(p, activation=activation) for p in circuit.populations]
    return replace(circuit, populations=tuple(pops), name=circuit.name)


def with_delays(circuit: Circuit, delays: Mapping[str, Any]) -> Circuit:
    """The circuit with the delays of the named projections ("pre->post") replaced."""
    projs = [
        Projection(p.pre, p.post, p.counts, p.unit_weight, delay_ms=delays.get(p.name, p.delay_ms))
        for p in circuit.projections
    ]
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


def activation_sweep(
    comparison: Comparison, activations: Sequence[str] = ("relu", "sigmoid", "tanh"), *, name: str = "activations"
) -> tuple[Panel, dict[str, Metric]]:
    """The output's spiking response vs its drive next to the artificial neuron with each activation."""
    c, out = comparison.circuit, comparison.output
    z = comparison.curves["preactivation"][:, 0]
    order = np.argsort(z)
    spiking = comparison.snn[out][:, 0]
    series = {"spiking (rate / rate scale)": spiking[order]}
    metrics = {}
    for act in activations:
        y = ArtificialBackend().run(with_activation(c, act), dict(comparison.inputs))[out][:, 0]
        series[act] = y[order]
        rmse = float(np.sqrt(np.mean((y - spiking) ** 2)))
        metrics[f"activation_rmse.{act}"] = metric(rmse, "activation units",
                                                   f"RMSE between the spiking output and the artificial {act} neuron")
    panel = Panel(name, "One neuron, four answers", "The same weighted inputs through the spiking neuron and through "
                  "artificial neurons with relu, sigmoid and tanh.", "lines", x=z[order], series=series,
                  xlabel="drive w.x + b", ylabel="output")
    return panel, metrics


# -------------------------------------------------------------------- trials & gates
def trial_agreement(
    circuit: Circuit,
    rows: np.ndarray,
    *,
    trials: int,
    spiking: SpikingBackend,
    seed: int,
    threshold: float,
    output: str,
) -> tuple[float, np.ndarray]:
    """Fraction of rows x trials where the spiking answer equals the artificial one (one batched run).

    Returns (agreement, per-row agreement). Each trial is a separate sample with its own random
    input stream (Poisson or jitter), all in one Brian2 run.
    """
    x = np.repeat(np.asarray(rows, dtype=float), trials, axis=0)
    ann = ArtificialBackend().run(circuit, x)[output]
    snn = spiking.run(circuit, x, seed=seed)[output]
    return _agreement(ann, snn, len(rows), trials, threshold)


def _agreement(ann: np.ndarray, snn: np.ndarray, n_rows: int, trials: int, threshold: float) -> tuple[float, np.ndarray]:
    """(overall, per-row) fraction of samples (rows repeated ``trials`` times) whose thresholded outputs agree."""
    same = np.all(readout(ann, mode="threshold", threshold=threshold) ==
                  readout(snn, mode="threshold", threshold=threshold), axis=1)
    return float(same.mean()), same.reshape(n_rows, trials).mean(axis=1)


def truth_table_rows(
    gate: str, rows: np.ndarray, expected: np.ndarray, ann: np.ndarray, snn: np.ndarray, *, threshold: float
) -> list[list[str]]:
    """Rows of a truth-table panel: inputs, expected, artificial and spiking outputs (value and bit)."""
    out = []
    for x, e, a, s in zip(rows, expected, ann[:, 0], snn[:, 0]):
        out.append([gate, " ".join(str(int(v)) for v in x), str(int(e)), f"{a:.3g} -> {int(a > threshold)}",
                    f"{s:.3g} -> {int(s > threshold)}"])
    return out


# ------------------------------------------------------------------- selectivity
def rank_correlations(ann: np.ndarray, snn: np.ndarray) -> np.ndarray:
    """Spearman rank correlation per neuron (column) between two (samples, neurons) arrays.

    NaN where a column is constant (no ranking to compare).
    """
    from scipy.stats import spearmanr

    out = np.full(ann.shape[1], np.nan)
    for k in range(ann.shape[1]):
        if np.ptp(ann[:, k]) > 0 and np.ptp(snn[:, k]) > 0:
            out[k] = spearmanr(ann[:, k], snn[:, k]).statistic
    return out


# ------------------------------------------------------------------- trajectories
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


# ----------------------------------------------------------------------- logic gates
#: Truth tables of the gates the logic-gates scenario knows.
TRUTH = {"and": np.array([0, 0, 0, 1]), "or": np.array([0, 1, 1, 1]), "xor": np.array([0, 1, 1, 0])}


def gate_robustness(
    gates: Mapping[str, Circuit],
    rows: np.ndarray,
    *,
    deterministic: SpikingBackend,
    conditions: Mapping[str, SpikingBackend],
    delay_ms: float,
    trials: int,
    seed: int,
    threshold: float,
    output: str = "out",
) -> tuple[dict[str, Metric], list[Panel]]:
    """Truth tables of each gate on both backends, and spiking agreement over noisy trials.

    ``deterministic`` gives the truth table; each entry of ``conditions`` (e.g. Poisson input,
    jittered input) and a "delays" condition (the first condition with every projection delayed by
    ``delay_ms``) gives ``{gate}_agreement_{condition}`` = fraction of rows x trials where the spiking
    output equals the artificial one. The first condition is also reported as ``{gate}_agreement``.
    All gates run side by side: one Brian2 run for the truth tables and one per condition.
    """
    unknown = [g for g in gates if g not in TRUTH]
    if not gates or unknown:
        raise UnknownNameError(f"gate_robustness: gates must be some of {', '.join(TRUTH)}; got {list(gates)}.")
    if not conditions:
        raise ParameterError("gate_robustness: give at least one noise condition (name -> SpikingBackend).")
    metrics: dict[str, Metric] = {}
    table: list[list[str]] = []
    bars: dict[str, list[float]] = {}
    first = next(iter(conditions))
    circuits = list(gates.values())
    x = np.repeat(np.asarray(rows, dtype=float), trials, axis=0)
    # every gate in one Brian2 run per condition (same input spikes as its own run, so the same outputs)
    truth_runs = run_side_by_side(deterministic, circuits, rows, seed=seed)
    delayed = [with_delays(c, {p.name: delay_ms for p in c.projections}) for c in circuits]
    noisy = {label: run_side_by_side(backend, delayed if label == "delays" else circuits, x, seed=seed)
             for label, backend in (*conditions.items(), ("delays", conditions[first]))}
    for k, (gate, circuit) in enumerate(gates.items()):
        ann = ArtificialBackend().run(circuit, rows)[output]
        snn = truth_runs[k][output]
        truth = TRUTH[gate]
        table += truth_table_rows(gate, rows, truth, ann, snn, threshold=threshold)
        for side, vals in (("artificial", ann), ("spiking", snn)):
            metrics[f"{gate}_truth_table_correct_{side}"] = metric(
                np.mean((vals[:, 0] > threshold) == truth), "fraction",
                f"{gate.upper()} truth-table rows the {side} backend gets right (deterministic input)")
        ann_trials = ArtificialBackend().run(circuit, x)[output]  # delays do not change the artificial answer
        for label, runs in noisy.items():
            agree, _ = _agreement(ann_trials, runs[k][output], len(rows), trials, threshold)
            desc = f"{gate.upper()}: fraction of rows x {trials} trials where spiking = artificial ({label}" + (
                f", {first} input, every axon delayed {delay_ms:g} ms)" if label == "delays" else " input)")
            metrics[f"{gate}_agreement_{label}"] = metric(agree, "fraction", desc)
            bars.setdefault(label, []).append(agree)
        metrics[f"{gate}_agreement"] = metric(metrics[f"{gate}_agreement_{first}"].value, "fraction",
                                              f"{gate.upper()}: headline agreement ({first} input, {trials} trials)")
    panels = [
        Panel("truth_tables", "Truth tables", f"Deterministic (regular) input; an output counts as 1 above "
              f"{threshold:g} of the rate scale.", "table",
              columns=["gate", "x1 x2", "expected", "artificial", "spiking"], rows=table),
        Panel("gate_robustness", "Robustness over noisy trials",
              f"Fraction of truth-table rows x {trials} trials where the spiking output equals the artificial one.",
              "bars", x=list(gates), series=bars, xlabel="gate", ylabel="agreement"),
    ]
    return metrics, panels


def linear_xor(
    circuit: Circuit, rows: np.ndarray, *, spiking: SpikingBackend, seed: int, threshold: float, output: str = "out"
) -> tuple[dict[str, Metric], Panel]:
    """XOR with the identity activation collapses into one linear map; the spiking threshold solves it."""
    linear = ArtificialBackend().run(with_activation(circuit, "identity"), rows)[output][:, 0]
    step = ArtificialBackend().run(with_activation(circuit, "step"), rows)[output][:, 0]
    snn = spiking.run(circuit, rows, seed=seed)[output][:, 0]
    truth = TRUTH["xor"]
    w = np.linalg.lstsq(np.c_[rows, np.ones(len(rows))], linear, rcond=None)[0]
    metrics = {
        "xor_identity_correct": metric(np.mean((linear > threshold) == truth), "fraction",
                                       "XOR rows right with the identity activation (a linear network)"),
        "xor_spiking_correct": metric(np.mean((snn > threshold) == truth), "fraction",
                                      "XOR rows right with the same synapse counts in spiking neurons"),
        "xor_identity_linear_fit_residual": metric(float(np.max(np.abs(np.c_[rows, np.ones(4)] @ w - linear))), "1",
                                                   "max |residual| of fitting the identity network by one affine map "
                                                   "(0: the layers collapsed into a single linear map)"),
    }
    rows_txt = [[" ".join(str(int(v)) for v in x), str(int(t)), f"{a:.3g} -> {int(a > threshold)}",
                 f"{b:.3g} -> {int(b > threshold)}", f"{s:.3g} -> {int(s > threshold)}"]
                for x, t, a, b, s in zip(rows, truth, linear, step, snn)]
    panel = Panel("linear_xor", "Why the nonlinearity matters",
                  f"The XOR network with the identity activation is the affine map {w[0]:.3g} x1 + {w[1]:.3g} x2 + "
                  f"{w[2]:.3g} and fails; with a step, or as spiking neurons (threshold alone), it solves XOR.",
                  "table", columns=["x1 x2", "XOR", "identity", "step", "spiking"], rows=rows_txt)
    return metrics, panel


# ------------------------------------------------------------------ feature detectors
def synthetic_houses(n: int, *, seed: int) -> tuple[np.ndarray, tuple[str, ...]]:
    """Seeded housing-style features scaled to [0, 1]: floor area, rooms, age, distance to centre.

    Area ~ 30-250 m2 (log-normal), rooms grow with area (1-7), age 0-100 years, distance
    0.5-30 km (larger homes further out). Each column is min-max scaled over fixed ranges.
    """
    rng = np.random.default_rng(np.random.SeedSequence([seed, 0x40053]))
    distance = rng.uniform(0.5, 30.0, n)
    area = np.clip(np.exp(rng.normal(np.log(60 + 4 * distance), 0.35)), 30, 250)
    rooms = np.clip(np.round(area / 35 + rng.normal(0, 0.7, n)), 1, 7)
    age = rng.uniform(0, 100, n)
    raw = np.c_[area, rooms, age, distance]
    lo, hi = np.array([30, 1, 0, 0.5]), np.array([250, 7, 100, 30])
    return (raw - lo) / (hi - lo), ("floor area", "rooms", "age", "distance to centre")


def selectivity(
    comparison: Comparison, features: Sequence[str], detectors: Sequence[str]
) -> tuple[dict[str, Metric], list[Panel]]:
    """Each detector's preferred input and tuning to each feature, on both backends, and rank agreement."""
    x = comparison.inputs[comparison.circuit.input_names[0]]
    out = comparison.output
    ann, snn = np.asarray(comparison.ann[out]), np.asarray(comparison.snn[out])
    rho = rank_correlations(ann, snn)
    metrics: dict[str, Metric] = {}
    tuning = {}
    for side, acts in (("artificial", ann), ("spiking", snn)):
        tuning[side] = np.array([[np.corrcoef(x[:, f], acts[:, d])[0, 1] if np.ptp(acts[:, d]) > 0 else np.nan
                                  for f in range(len(features))] for d in range(len(detectors))])
    for d, name in enumerate(detectors):
        metrics[f"rank_correlation.{name}"] = metric(rho[d], "1", f"Spearman rank correlation of spiking rates vs "
                                                     f"artificial activations over the inputs [{name}]")
        for side, acts in (("artificial", ann), ("spiking", snn)):
            metrics[f"preferred_input.{name}.{side}"] = metric(int(np.argmax(acts[:, d])), "index",
                                                               f"input that drives {name} most ({side})")
    metrics["mean_rank_correlation"] = metric(np.nanmean(rho), "1", "mean Spearman rank correlation over detectors")
    metrics["preferred_input_match"] = metric(np.mean(np.argmax(ann, 0) == np.argmax(snn, 0)), "fraction",
                                              "detectors whose preferred input is the same in both backends")
    panels = [
        Panel(f"tuning_{side}", f"Feature tuning ({side})", f"Correlation of each detector's response with each "
              f"feature over the inputs ({side}).", "heatmap", series={"values": tuning[side]},
              columns=list(features), rows=[[d] for d in detectors])
        for side in ("artificial", "spiking")
    ]
    panels.append(Panel("rank_correlation", "Do spiking detectors rank inputs like artificial ones?",
                        "Spearman rank correlation per detector between spiking rates and artificial activations.",
                        "bars", x=list(detectors), series={"rank correlation": rho}, xlabel="detector",
                        ylabel="Spearman rho"))
    return metrics, panels


# -------------------------------------------------------------------- recurrent loop
def _winner(a: np.ndarray, share: float) -> np.ndarray:
    """Index of the neuron holding at least ``share`` of the total activity, else -1 (no single winner)."""
    total = a.sum(axis=1)
    top = np.argmax(a, axis=1)
    ok = (total > 0) & (a[np.arange(len(a)), top] >= share * np.where(total > 0, total, 1))
    return np.where(ok, top, -1)


def recurrent_dynamics(
    comparison: Comparison, delayed: Any, *, delay_ms: float, bin_ms: float = 20.0, share: float = 0.8,
    examples: Sequence[int] = (0, 1),
) -> tuple[dict[str, Metric], list[Panel]]:
    """Synchronous trajectories vs asynchronous spiking in a recurrent circuit, and what a delay changes.

    The artificial "final state" averages the last two synchronous steps (a period-2 oscillation
    shows as two active neurons); the spiking one decodes the second half of the run. A sample has a
    single winner when one neuron carries >= ``share`` of the activity.
    """
    out = comparison.output
    traj = np.asarray(comparison.ann.trajectory[out])  # (steps + 1, batch, n)
    rate_scale = comparison.parameters["rate_scale_hz"]
    t, binned = binned_rates(comparison.snn.spikes[out], bin_ms, rate_scale_hz=rate_scale)
    _, binned_d = binned_rates(delayed.spikes[out], bin_ms, rate_scale_hz=rate_scale)
    half = len(t) // 2
    ann_final = traj[-2:].mean(axis=0)
    snn_final, snn_final_d = binned[half:].mean(axis=0), binned_d[half:].mean(axis=0)
    oscillating = np.max(np.abs(traj[-1] - traj[-2]), axis=1) > 1e-6 * (1 + np.max(np.abs(traj[-1]), axis=1))
    w_ann, w_snn, w_del = _winner(ann_final, share), _winner(snn_final, share), _winner(snn_final_d, share)
    # decision time: from when the cumulative spike-count leader is the final winner for good
    cum = np.cumsum(binned, axis=0)
    decided = np.full(len(w_snn), np.nan)
    for b in np.flatnonzero(w_snn >= 0):
        wrong = np.flatnonzero(_winner(cum[:, b, :], 0.5 + 1e-9) != w_snn[b])
        decided[b] = t[0] if not len(wrong) else t[min(wrong[-1] + 1, len(t) - 1)]
    scale = max(float(np.max(ann_final)), float(np.max(snn_final)), 1e-12)
    metrics = {
        "ann_oscillating_fraction": metric(oscillating.mean(), "fraction",
                                           "samples whose synchronous trajectory still alternates at the last step"),
        "ann_single_winner_fraction": metric(np.mean(w_ann >= 0), "fraction",
                                             f"samples where one artificial neuron holds >= {share:g} of the activity"),
        "snn_single_winner_fraction": metric(np.mean(w_snn >= 0), "fraction",
                                             f"samples where one spiking neuron holds >= {share:g} of the spikes"),
        "winner_agreement": metric(np.mean(w_ann == w_snn), "fraction",
                                   "samples where both backends end with the same winner (or both with none)"),
        "final_state_divergence": metric(np.mean(np.abs(ann_final - snn_final)) / scale, "1",
                                         "mean |final artificial state - final spiking rates| / largest activity"),
        "snn_decision_time_ms": metric(np.nanmedian(decided) if np.any(~np.isnan(decided)) else np.nan, "ms",
                                       "median time from which the spiking winner is fixed"),
        "snn_single_winner_fraction_delayed": metric(np.mean(w_del >= 0), "fraction",
                                                     f"as snn_single_winner_fraction, recurrent axons delayed "
                                                     f"{delay_ms:g} ms"),
        "delay_changed_outcome_fraction": metric(np.mean(w_del != w_snn), "fraction",
                                                 f"samples whose spiking outcome changes when the recurrent axons "
                                                 f"are delayed {delay_ms:g} ms"),
    }
    x = comparison.inputs[comparison.circuit.input_names[0]]
    label = {-1: "none"}
    rows = [[str(b), " ".join(f"{v:.2g}" for v in x[b]), " ".join(f"{v:.2g}" for v in ann_final[b]),
             "yes" if oscillating[b] else "no", " ".join(f"{v:.2g}" for v in snn_final[b]),
             label.get(int(w_ann[b]), str(w_ann[b])), label.get(int(w_snn[b]), str(w_snn[b])),
             label.get(int(w_del[b]), str(w_del[b])),
             "-" if np.isnan(decided[b]) else f"{decided[b]:.3g}"] for b in range(len(x))]
    panels = [Panel("outcomes", "Where they diverge: final states per input", "Artificial: mean of the last two "
                    "synchronous steps; spiking: rates over the second half of the run (rate-scale units).", "table",
                    columns=["sample", "input", "artificial final", "oscillates", "spiking final", "winner (art.)",
                             "winner (spk.)", f"winner (spk., {delay_ms:g} ms delay)", "decided at (ms)"], rows=rows)]
    for b in examples:
        series = {f"neuron {k} (artificial, per step)": traj[:, b, k] for k in range(traj.shape[2])}
        panels.append(Panel(f"trajectory_artificial_{b}", f"Synchronous trajectory, sample {b}",
                            f"Every neuron updates at once from the previous state (input {x[b].round(2).tolist()}).",
                            "lines", x=np.arange(traj.shape[0]), series=series, xlabel="synchronous step",
                            ylabel="activation"))
        series = {f"neuron {k}": binned[:, b, k] for k in range(binned.shape[2])}
        series.update({f"neuron {k}, {delay_ms:g} ms delay": binned_d[:, b, k] for k in range(binned.shape[2])})
        panels.append(Panel(f"trajectory_spiking_{b}", f"Asynchronous spiking, sample {b}",
                            f"Rates in {bin_ms:g} ms bins; the first spike inhibits the rival at once (solid) or "
                            f"after {delay_ms:g} ms (delayed axons).", "lines", x=t, series=series,
                            xlabel="time (ms)", ylabel="rate / rate scale"))
    return metrics, panels
