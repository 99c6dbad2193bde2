"""Feature detectors: which input each neuron prefers, on both backends, and whether they rank inputs alike."""

from __future__ import annotations

from typing import Sequence

import numpy as np

from ..comparison import Comparison, Panel
from ..metrics import Metric
from .common import metric

__all__ = ["synthetic_houses", "selectivity", "rank_correlations"]


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
        Panel(f"tuning_{side}", f"Feature tuning ({side}; colour: Pearson r)", f"Correlation of each detector's "
              f"response with each feature over the inputs ({side}).", "heatmap", series={"values": tuning[side]},
              columns=list(features), rows=[[d] for d in detectors], xlabel="input feature", ylabel="detector")
        for side in ("artificial", "spiking")
    ]
    panels.append(Panel("rank_correlation", "Do spiking detectors rank inputs like artificial ones?",
                        "Spearman rank correlation per detector between spiking rates and artificial activations.",
                        "bars", x=list(detectors), series={"rank correlation": rho}, xlabel="detector",
                        ylabel="Spearman rank correlation (rho)"))
    return metrics, panels
