"""Logic gates: truth tables on both backends, agreement over noisy trials, and why XOR needs a nonlinearity."""

from __future__ import annotations

from typing import Mapping

import numpy as np

from ..backends.artificial import ArtificialBackend
from ..backends.brian2 import SpikingBackend
from ..circuit import Circuit
from ..comparison import Panel
from ..errors import ParameterError, UnknownNameError
from ..metrics import Metric, readout
from .common import metric, run_side_by_side, with_activation, with_delays

__all__ = ["TRUTH", "trial_agreement", "truth_table_rows", "gate_robustness", "linear_xor"]


#: Truth tables of the gates the logic-gates scenario knows.
TRUTH = {"and": np.array([0, 0, 0, 1]), "or": np.array([0, 1, 1, 1]), "xor": np.array([0, 1, 1, 0])}

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
