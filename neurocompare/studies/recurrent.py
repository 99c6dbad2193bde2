"""Recurrent circuits: synchronous trajectories vs asynchronous spiking, and what an axonal delay changes."""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from ..backends.artificial import MAX_PERIOD, trajectory_periods
from ..comparison import Comparison, Panel
from ..metrics import Metric
from .common import binned_rates, metric

__all__ = ["recurrent_dynamics"]


def _winner(a: np.ndarray, share: float) -> np.ndarray:
    """Index of the neuron holding at least ``share`` of the total activity, else -1 (no single winner)."""
    total = a.sum(axis=1)
    top = np.argmax(a, axis=1)
    ok = (total > 0) & (a[np.arange(len(a)), top] >= share * np.where(total > 0, total, 1))
    return np.where(ok, top, -1)


def _ending(period: int) -> str:
    """How a synchronous trajectory ends, in words, from its period (0: neither)."""
    if period == 1:
        return "fixed point"
    return f"period-{period} cycle" if period else f"still moving (no cycle up to {MAX_PERIOD} steps)"


def recurrent_dynamics(
    comparison: Comparison, delayed: Any, *, delay_ms: float, bin_ms: float = 20.0, share: float = 0.8,
    examples: Sequence[int] = (0, 1),
) -> tuple[dict[str, Metric], list[Panel]]:
    """Synchronous trajectories vs asynchronous spiking in a recurrent circuit, and what a delay changes.

    The artificial "final state" of a sample is the mean over the cycle its synchronous trajectory
    ends on (:func:`~neurocompare.backends.artificial.trajectory_periods` of the output population:
    the fixed point itself, the mean of the last two steps for a period-2 alternation, of the last p
    for period p), so it does not depend on the parity of the step count; a sample still moving (no
    cycle of up to 16 steps) is averaged over its last two steps and flagged. The spiking final state
    decodes the second half of the run. A sample has a single winner when one neuron carries >=
    ``share`` of the activity.
    """
    out = comparison.output
    traj = np.asarray(comparison.ann.trajectory[out])  # (steps + 1, batch, n)
    rate_scale = comparison.parameters["rate_scale_hz"]
    t, binned = binned_rates(comparison.snn.spikes[out], bin_ms, rate_scale_hz=rate_scale)
    _, binned_d = binned_rates(delayed.spikes[out], bin_ms, rate_scale_hz=rate_scale)
    half = len(t) // 2
    periods = trajectory_periods(traj)
    ann_final = np.stack([traj[-(p if p else 2):, b].mean(axis=0) for b, p in enumerate(periods)])
    snn_final, snn_final_d = binned[half:].mean(axis=0), binned_d[half:].mean(axis=0)
    oscillating = periods != 1
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
                                           "samples whose synchronous trajectory ends on no fixed point (a cycle, "
                                           "or still moving)"),
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
             _ending(int(periods[b])), " ".join(f"{v:.2g}" for v in snn_final[b]),
             label.get(int(w_ann[b]), str(w_ann[b])), label.get(int(w_snn[b]), str(w_snn[b])),
             label.get(int(w_del[b]), str(w_del[b])),
             "-" if np.isnan(decided[b]) else f"{decided[b]:.3g}"] for b in range(len(x))]
    panels = [Panel("outcomes", "Where they diverge: final states per input", "Artificial: mean over the cycle the "
                    "synchronous trajectory ends on (the fixed point, or the mean of a period-p cycle's p states); "
                    "spiking: rates over the second half of the run (rate-scale units).", "table",
                    columns=["sample", "input", "artificial final", "artificial ends on", "spiking final",
                             "winner (art.)", "winner (spk.)", f"winner (spk., {delay_ms:g} ms delay)",
                             "decided at (ms)"], rows=rows)]
    for b in examples:
        series = {f"neuron {k}": traj[:, b, k] for k in range(traj.shape[2])}
        panels.append(Panel(f"trajectory_artificial_{b}", f"Synchronous trajectory, sample {b}",
                            f"Every neuron updates at once from the previous state (input {x[b].round(2).tolist()}); "
                            "where the lines coincide, both neurons have the same activation (nested markers).",
                            "lines", x=np.arange(traj.shape[0]), series=series, xlabel="synchronous step",
                            ylabel="activation (real value)"))
        series = {f"neuron {k}, no delay": binned[:, b, k] for k in range(binned.shape[2])}
        series.update({f"neuron {k}, {delay_ms:g} ms delay": binned_d[:, b, k] for k in range(binned.shape[2])})
        panels.append(Panel(f"trajectory_spiking_{b}", f"Asynchronous spiking, sample {b}",
                            f"Rates in {bin_ms:g} ms bins; the first spike inhibits the rival at once (solid) or "
                            f"after {delay_ms:g} ms (delayed axons, other line style).", "lines", x=t, series=series,
                            xlabel="time (ms)", ylabel=f"rate / rate scale ({rate_scale:g} Hz)"))
    return metrics, panels
