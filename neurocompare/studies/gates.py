"""Logic gates: truth tables on both backends, agreement over noisy trials, and why XOR needs a nonlinearity."""

from __future__ import annotations

import math
from typing import Mapping

import numpy as np

from ..backends.artificial import ArtificialBackend
from ..backends.brian2 import SpikingBackend
from ..circuit import Circuit, InputPopulation, NeuronPopulation, Projection
from ..comparison import Panel
from ..errors import ParameterError, UnknownNameError
from ..metrics import Metric, readout
from ..models import LIF
from ..results import Result
from ..table import why_spiking_differs
from .common import metric, run_side_by_side, with_activation, with_delays

__all__ = ["TRUTH", "XOR_INPUTS", "IF_NEURON", "xor_circuit", "trial_agreement", "truth_table_rows",
           "gate_robustness", "linear_xor"]


#: Truth tables of the gates the logic-gates scenario knows.
TRUTH = {"and": np.array([0, 0, 0, 1]), "or": np.array([0, 1, 1, 1]), "xor": np.array([0, 1, 1, 0])}
#: The four rows of a two-input truth table, in the order of :data:`TRUTH`.
XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])
#: Non-leaky integrate-and-fire with reset by subtraction and no refractory period: its rate is relu.
IF_NEURON = LIF(tau_m_ms=float("inf"), reset="subtract", t_ref_ms=0.0)


def xor_circuit(*, activation: str = "relu") -> Circuit:
    """XOR from an OR-like and an AND-like hidden neuron: ``out = f(h_or - 4 h_and)``.

    All weights are synapse counts x 0.5: ``h_or = f(x1 + x2)``, ``h_and = f(x1 + x2 - 1.5)``,
    ``out = f(h_or - 4 h_and)``; with ``f`` = relu or step the output is XOR (read out with a
    threshold between 0 and 1). The spiking neurons are :data:`IF_NEURON`.

    Parameters
    ----------
    activation : str
        The artificial neurons' activation (``"relu"``, ``"step"``, ``"identity"``, ...).
    """
    return Circuit(
        "xor", description="XOR: out = f(h_or - 4 h_and), weights = synapse counts x 0.5",
        inputs=[InputPopulation("x", 2)],
        populations=[NeuronPopulation("hidden", 2, bias=[0.0, -1.5], activation=activation, neuron=IF_NEURON),
                     NeuronPopulation("out", 1, bias=0.0, activation=activation, neuron=IF_NEURON)],
        projections=[Projection("x", "hidden", counts=[[2, 2], [2, 2]], unit_weight=0.5),
                     Projection("hidden", "out", counts=[[2, -8]], unit_weight=0.5)],
    )


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


def _bit(value: float, threshold: float) -> str:
    """An output cell that explains itself: value, comparison with the threshold and bit, e.g. "0.5 > 0.25: 1"."""
    return f"{value:.3g} > {threshold:g}: 1" if value > threshold else f"{value:.3g} <= {threshold:g}: 0"


def truth_table_rows(
    gate: str, rows: np.ndarray, expected: np.ndarray, ann: np.ndarray, snn: np.ndarray, *, threshold: float
) -> list[list[str]]:
    """Rows of a truth-table panel: inputs, expected, artificial and spiking outputs (value vs threshold: bit)."""
    out = []
    for x, e, a, s in zip(rows, expected, ann[:, 0], snn[:, 0]):
        out.append([gate, _row(x), str(int(e)), _bit(a, threshold), _bit(s, threshold)])
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
    given: Mapping[str, Result] | None = None,
    thresholds: tuple[float, float] = (math.nan, math.nan),
) -> tuple[dict[str, Metric], list[Panel]]:
    """Truth tables of each gate on both backends, and spiking agreement over noisy trials.

    ``deterministic`` gives the truth table; each entry of ``conditions`` (e.g. Poisson input,
    jittered input) and a "delays" condition (the first condition with every projection delayed by
    ``delay_ms``) gives ``{gate}_agreement_{condition}`` = fraction of rows x trials where the spiking
    output equals the artificial one. The first condition is also reported as ``{gate}_agreement``.
    All gates run side by side: one Brian2 run for the truth tables and one per condition.
    ``given`` maps gates to their ``deterministic`` runs on ``rows`` with ``seed`` made already (e.g. a
    comparison's spiking result); those gates are left out of the truth-table run. ``thresholds``: the output
    model's threshold for a first spike and rheobase (a comparison's ``first_spike_drive`` and ``rheobase_drive``),
    for the sentence on why a spiking row misses the truth table.
    """
    unknown = [g for g in gates if g not in TRUTH]
    if not gates or unknown:
        raise UnknownNameError(f"gate_robustness: gates must be some of {', '.join(TRUTH)}; got {list(gates)}.")
    if not conditions:
        raise ParameterError("gate_robustness: give at least one noise condition (name -> SpikingBackend).")
    metrics: dict[str, Metric] = {}
    table: list[list[str]] = []
    wrong: list[str] = []  # "XOR 1 1 -> 1.1 (expected 0)": spiking rows that miss the truth table
    why: list[str] = []  # per gate that misses a row: why its first missed row differs, from the measured drives
    bars: dict[str, list[float]] = {}
    first = next(iter(conditions))
    circuits = list(gates.values())
    x = np.repeat(np.asarray(rows, dtype=float), trials, axis=0)
    # every gate in one Brian2 run per condition (same input spikes as its own run, so the same outputs)
    truth_runs = _truth_runs(gates, rows, deterministic, seed, given or {})
    delayed = [with_delays(c, {p.name: delay_ms for p in c.projections}) for c in circuits]
    noisy = {label: run_side_by_side(backend, delayed if label == "delays" else circuits, x, seed=seed)
             for label, backend in (*conditions.items(), ("delays", conditions[first]))}
    for k, (gate, circuit) in enumerate(gates.items()):
        ann_run = ArtificialBackend().run(circuit, rows)
        ann, snn = ann_run[output], truth_runs[k][output]
        truth = TRUTH[gate]
        table += truth_table_rows(gate, rows, truth, ann, snn, threshold=threshold)
        missed = [i for i, (e, s) in enumerate(zip(truth, snn[:, 0])) if (s > threshold) != bool(e)]
        wrong += [f"{gate.upper()} {_row(rows[i])} -> {snn[i, 0]:.2g} (expected {int(truth[i])})" for i in missed]
        if missed:
            why.append(f"{gate.upper()} {_row(rows[missed[0]])}: " + why_spiking_differs(
                circuit, ann_run, truth_runs[k], output, missed[0],
                neurons={p.name: deterministic.model_of(p) for p in circuit.populations},
                synapses={p.name: deterministic.synapse_of(p) for p in circuit.populations},
                first_spike=thresholds[0], rheobase=thresholds[1], duration_ms=deterministic.duration_ms))
        for side, vals in (("artificial", ann), ("spiking", snn)):
            metrics[f"{gate}_truth_table_correct_{side}"] = metric(
                np.mean((vals[:, 0] > threshold) == truth), "fraction",
                f"{gate.upper()} truth-table rows the {side} backend gets right (deterministic input)")
        ann_trials = np.repeat(ann, trials, axis=0)  # deterministic, per sample; delays do not change it
        for label, runs in noisy.items():
            agree, _ = _agreement(ann_trials, runs[k][output], len(rows), trials, threshold)
            desc = f"{gate.upper()}: fraction of rows x {trials} trials where spiking = artificial ({label}" + (
                f", {first} input, every axon delayed {delay_ms:g} ms)" if label == "delays" else " input)")
            metrics[f"{gate}_agreement_{label}"] = metric(agree, "fraction", desc)
            bars.setdefault(label, []).append(agree)
        metrics[f"{gate}_agreement"] = metric(metrics[f"{gate}_agreement_{first}"].value, "fraction",
                                              f"{gate.upper()}: headline agreement ({first} input, {trials} trials)")
    panels = [
        Panel("truth_tables", "Truth tables", f"Deterministic (regular) input. Each output cell reads 'value > "
              f"threshold: bit': the artificial activation, or the spiking rate divided by the rate scale, and the "
              f"bit it counts as (1 above {threshold:g})." + _why_wrong(wrong, why), "table",
              columns=["gate", "x1 x2", "expected bit", "artificial output: bit", "spiking rate / rate scale: bit"],
              rows=table),
        Panel("gate_robustness", "Robustness over noisy trials",
              f"Fraction of truth-table rows x {trials} trials where the spiking output equals the artificial one.",
              "bars", x=list(gates), series=bars, xlabel="gate",
              ylabel=f"agreement (fraction of {len(rows)} rows x {trials} trials)"),
    ]
    return metrics, panels


def _row(x: np.ndarray) -> str:
    """A truth-table row's inputs as they read: "1 0"."""
    return " ".join(str(int(v)) for v in x)


def _why_wrong(wrong: list[str], why: list[str]) -> str:
    """The spiking rows that miss the truth table, and why the first of each gate's does, from measured drives."""
    if not wrong:
        return ""
    return (f" The spiking side misses {len(wrong)} row(s): {'; '.join(wrong)}. Why, from the drives measured in these "
            f"runs: {' '.join(why)}")


def _truth_runs(gates: Mapping[str, Circuit], rows: np.ndarray, backend: SpikingBackend, seed: int,
                given: Mapping[str, Result]) -> list[Result]:
    """Each gate's deterministic run on ``rows``: ``given`` ones as they are, the others in one side-by-side run."""
    unknown = [g for g in given if g not in gates]
    if unknown:
        raise UnknownNameError(f"gate_robustness: given results for gates {unknown} that are not among the gates "
                               f"{list(gates)}; give results only for gates being studied.")
    todo = [g for g in gates if g not in given]
    runs = dict(zip(todo, run_side_by_side(backend, [gates[g] for g in todo], rows, seed=seed))) if todo else {}
    return [given[g] if g in given else runs[g] for g in gates]


def linear_xor(
    circuit: Circuit,
    rows: np.ndarray,
    *,
    threshold: float,
    snn: Result | None = None,
    spiking: SpikingBackend | None = None,
    seed: int = 0,
    output: str = "out",
) -> tuple[dict[str, Metric], Panel]:
    """XOR with the identity activation collapses into one linear map; the spiking threshold solves it.

    The spiking side is ``snn``, the circuit's run on ``rows`` made already (e.g. a comparison's
    spiking result), or else a run of ``spiking`` with ``seed``.
    """
    if snn is None:
        if spiking is None:
            raise ParameterError("linear_xor: give the spiking result (snn=...) or a spiking backend (spiking=...).")
        snn = spiking.run(circuit, rows, seed=seed)
    linear = ArtificialBackend().run(with_activation(circuit, "identity"), rows)[output][:, 0]
    step = ArtificialBackend().run(with_activation(circuit, "step"), rows)[output][:, 0]
    spikes = snn[output][:, 0]
    truth = TRUTH["xor"]
    w = np.linalg.lstsq(np.c_[rows, np.ones(len(rows))], linear, rcond=None)[0]
    metrics = {
        "xor_identity_correct": metric(np.mean((linear > threshold) == truth), "fraction",
                                       "XOR rows right with the identity activation (a linear network)"),
        "xor_spiking_correct": metric(np.mean((spikes > threshold) == truth), "fraction",
                                      "XOR rows right with the same synapse counts in spiking neurons"),
        "xor_identity_linear_fit_residual": metric(float(np.max(np.abs(np.c_[rows, np.ones(4)] @ w - linear))), "1",
                                                   "max |residual| of fitting the identity network by one affine map "
                                                   "(0: the layers collapsed into a single linear map)"),
    }
    rows_txt = [[_row(x), str(int(t)), _bit(a, threshold), _bit(b, threshold),
                 _bit(s, threshold)] for x, t, a, b, s in zip(rows, truth, linear, step, spikes)]
    panel = Panel("linear_xor", "Why the nonlinearity matters",
                  f"The XOR network with the identity activation is the affine map {w[0]:.3g} x1 + {w[1]:.3g} x2 + "
                  f"{w[2]:.3g} and fails; with a step, or as spiking neurons (threshold alone), it solves XOR. Each "
                  f"output cell reads 'value > threshold: bit' (1 above {threshold:g}).",
                  "table", columns=["x1 x2", "XOR", "identity: bit", "step: bit", "spiking: bit"], rows=rows_txt)
    return metrics, panel
