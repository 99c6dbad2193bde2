"""The digits study: a trained ANN, its synapse-count twin, accuracy over time and an error budget.

Functions used by ``scenarios/digits.py``. They run backends on the converted circuit and return
numbers, :class:`~neurocompare.metrics.Metric` objects and report
:class:`~neurocompare.compare.Panel` objects; nothing here trains, plots or writes.

Read-outs of the output layer (both reported):

- ``rate``: class = argmax of the output spike counts so far (a tie, e.g. no spike yet, is no
  answer and counts as wrong: :func:`neurocompare.metrics.accuracy`, the rule of every accuracy reported);
- ``charge``: class = argmax of spike count x (v_th - v_reset) + v(t) - v(0), the input each
  output neuron has integrated so far (:func:`neurocompare.metrics.charge_decoded`); for the
  non-leaky IF neurons of a conversion this reads the linear output before any spike is due.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Mapping, Sequence

import numpy as np

from ..backends.brian2 import SpikingBackend
from ..circuit import Circuit
from ..comparison import Panel
from ..convert import convert_trained
from ..encoding import Encoding, get_encoding
from ..studies import metric, run_side_by_side, with_delays
from ..metrics import Metric, accuracy, decoded_at_times
from ..results import Result

__all__ = [
    "accuracy_over_time",
    "time_within",
    "coding_study",
    "error_budget",
    "training_panels",
    "confusion_panels",
    "sample_images_panel",
    "BudgetTerm",
]




def accuracy_over_time(
    result: Result, circuit: Circuit, output: str, labels: np.ndarray, times_ms: np.ndarray, *,
    readout_mode: str, backend: SpikingBackend,
) -> np.ndarray:
    """Classification accuracy when decoding the first t ms, for each t in ``times_ms``."""
    trains = result.spikes[output]
    if readout_mode == "rate":
        decoded = decoded_at_times(trains, times_ms, rate_scale_hz=backend.rate_scale_hz)
    elif readout_mode == "charge":
        vt = result.voltages.get(output)
        if vt is None or len(vt.neurons) != trains.size:
            raise ValueError("the charge read-out needs the membrane of every output neuron recorded")
        lif = backend.model_of(circuit.population(output))
        counts = decoded_at_times(trains, times_ms, rate_scale_hz=1e3) * times_ms[:, None, None]  # spikes in [0, t]
        idx = np.clip(np.searchsorted(vt.time_ms, times_ms, side="left"), 0, len(vt.time_ms) - 1)
        v_t = np.moveaxis(vt.v[:, :, idx], 2, 0)  # (T, batch, size), v at time t
        decoded = counts * lif.reset_step + v_t - vt.v[:, :, :1].transpose(2, 0, 1)
    else:
        raise ValueError(f"unknown read-out {readout_mode!r}; valid: rate, charge")
    return np.array([accuracy(d, labels, mode="argmax") for d in decoded])


def time_within(acc: np.ndarray, times_ms: np.ndarray, reference: float, *, tolerance: float = 0.01) -> float:
    """First time from which the accuracy stays within ``tolerance`` of ``reference`` (NaN if never)."""
    ok = acc >= reference - tolerance - 1e-12
    if not ok[-1]:
        return math.nan
    bad = np.flatnonzero(~ok)
    return float(times_ms[0] if not len(bad) else times_ms[bad[-1] + 1])


def coding_study(
    circuit: Circuit, x: np.ndarray, y: np.ndarray, ann_accuracy: float, *, backend: SpikingBackend,
    codings: Sequence[str | Encoding], seed: int, times_ms: np.ndarray, runs: Mapping[str, Result] | None = None,
) -> tuple[dict[str, Metric], Panel, dict[str, dict[str, np.ndarray]]]:
    """Accuracy vs simulated time for each input coding and read-out, and the time to within 1 pp.

    ``runs`` may hold results already computed (by encoding name) with the output membrane recorded.
    """
    output = circuit.population_names[-1]
    n_out = circuit.population(output).size
    metrics: dict[str, Metric] = {}
    curves: dict[str, dict[str, np.ndarray]] = {}
    series: dict[str, np.ndarray] = {}
    for coding in codings:
        enc = get_encoding(coding)
        be = backend.replace(encoding=enc)
        res = (runs or {}).get(enc.name)
        if res is None:
            res = be.run(circuit, x, seed=seed, record_voltage={output: list(range(n_out))})
        curves[enc.name] = {}
        for mode in ("rate", "charge"):
            acc = accuracy_over_time(res, circuit, output, y, times_ms, readout_mode=mode, backend=be)
            curves[enc.name][mode] = acc
            series[f"{enc.name}, {mode} read-out"] = acc
            t = time_within(acc, times_ms, ann_accuracy)
            metrics[f"time_to_within_1pp_ms.{enc.name}.{mode}"] = metric(
                t, "ms", f"shortest simulated time from which the SNN ({enc.name} coding, {mode} read-out) stays "
                         "within 1 pp of the ANN (NaN: never within the run)")
            metrics[f"snn_accuracy.{enc.name}.{mode}"] = metric(acc[-1], "fraction",
                                                               f"SNN accuracy at {times_ms[-1]:g} ms ({enc.name} "
                                                               f"coding, {mode} read-out)")
    series["ANN (reference)"] = np.full(len(times_ms), ann_accuracy)
    series["ANN - 1 pp"] = np.full(len(times_ms), ann_accuracy - 0.01)
    panel = Panel("accuracy_time", "Accuracy vs simulated time", "Test accuracy of the spiking network when "
                  "decoding only the first t ms, per input coding (colour) and read-out (line style), against the "
                  f"ANN (black) on {len(y)} test images; log time axis, the lower panel zooms on the ANN's accuracy.",
                  "lines", x=times_ms, series=series, xlabel="simulated time (ms)", ylabel="test accuracy")
    return metrics, panel, curves


# --------------------------------------------------------------------------- budget
@dataclass(frozen=True)
class BudgetTerm:
    """One non-ideality switched on alone: its effect on accuracy (pp) from the ideal."""

    name: str
    setting: str
    accuracy: float
    delta_pp: float
    in_actual: bool


def _with_reset(circuit: Circuit, reset: str, backend: SpikingBackend) -> Circuit:
    """The circuit with every population's neuron model (its own, else the backend's) reset by ``reset``."""
    pops = [replace(p, neuron=replace(backend.model_of(p), reset=reset)) for p in circuit.populations]
    return replace(circuit, populations=tuple(pops))


def _acc(result: Result, output: str, y: np.ndarray) -> float:
    """Accuracy of a run's output (argmax read-out; a tie is no answer and counts as wrong)."""
    return accuracy(result[output], y, mode="argmax")


def error_budget(
    trained: Any,
    *,
    actual: SpikingBackend,
    actual_bits: int,
    actual_accuracy: float,
    x: np.ndarray,
    y: np.ndarray,
    seed: int,
    ideal_dt_ms: float = 0.05,
    ideal_duration_ms: float = 300.0,
    ideal_bits: int = 16,
    whatif_delay_ms: float = 1.0,
    conversion_options: Mapping[str, Any] | None = None,
) -> tuple[list[BudgetTerm], dict[str, Metric], Panel, Panel]:
    """Attribute the ANN-SNN accuracy gap to its causes, one non-ideality at a time.

    The *ideal* spiking run uses near-float weights (``ideal_bits``), analog input, reset by
    subtraction, ``ideal_dt_ms`` and ``ideal_duration_ms``, no delays. Each term switches one
    setting to the actual configuration's value and measures the accuracy change (rate read-out):
    weight rounding (``actual_bits``), finite time (the ideal run decoded at the actual duration),
    input coding (the actual encoding), dt (the actual dt). Reset to a fixed value, Poisson
    coding and ``whatif_delay_ms`` axonal delays are what-if rows: non-idealities the actual
    configuration does not have, shown but not added to the budget. The gap is the actual SNN
    accuracy minus the float ANN's; the residual is what the terms do not explain (interactions).
    """
    opts = dict(conversion_options or {})
    ann_acc = float(trained.accuracy(x, y))
    ideal_conv = convert_trained(trained, bits=ideal_bits, **opts)
    rounded_conv = convert_trained(trained, bits=actual_bits, **opts)
    circuit = ideal_conv.circuit
    output = circuit.population_names[-1]
    ideal_be = actual.replace(dt_ms=ideal_dt_ms, duration_ms=ideal_duration_ms, encoding="analog",
                               synapse_mode="aggregate")
    lif_actual = actual.model_of(rounded_conv.circuit.population(output))
    delayed = with_delays(circuit, {p.name: whatif_delay_ms for p in circuit.projections})
    # the runs that differ only in the circuit share one Brian2 run
    ideal, rounded, reset_run, delayed_run = run_side_by_side(
        ideal_be, [circuit, rounded_conv.circuit, _with_reset(circuit, "value", ideal_be), delayed], x, seed=seed)
    ideal_acc = _acc(ideal, output, y)
    terms: list[BudgetTerm] = []

    def term(name, setting, acc, in_actual=True):
        terms.append(BudgetTerm(name, setting, acc, 100 * (acc - ideal_acc), in_actual))

    term("weight rounding", f"{actual_bits}-bit counts (|n| <= {2 ** actual_bits - 1})", _acc(rounded, output, y))
    t_actual = np.array([actual.duration_ms])
    finite = decoded_at_times(ideal.spikes[output], t_actual, rate_scale_hz=actual.rate_scale_hz)[0]
    term("finite simulated time", f"{actual.duration_ms:g} ms instead of {ideal_duration_ms:g} ms",
         accuracy(finite, y, mode="argmax"))
    if actual.encoding.name != "analog":
        term("input coding", f"{actual.encoding.name} instead of analog",
             _acc(ideal_be.replace(encoding=actual.encoding).run(circuit, x, seed=seed), output, y))
    term("time step", f"dt {actual.dt_ms:g} ms instead of {ideal_dt_ms:g} ms",
         _acc(ideal_be.replace(dt_ms=actual.dt_ms).run(circuit, x, seed=seed), output, y))
    if lif_actual.reset != "subtract":
        term("reset mode", "reset to value", _acc(reset_run, output, y))
    else:
        term("reset mode (what-if)", "reset to a fixed value instead of by subtraction", _acc(reset_run, output, y),
             in_actual=False)
    if actual.encoding.name != "poisson":
        term("input coding (what-if)", "Poisson instead of analog",
             _acc(ideal_be.replace(encoding="poisson").run(circuit, x, seed=seed), output, y), in_actual=False)
    term("axonal delays (what-if)", f"{whatif_delay_ms:g} ms on every synapse", _acc(delayed_run, output, y),
         in_actual=False)

    return terms, *_budget_report(terms, ann_acc=ann_acc, ideal_acc=ideal_acc, actual_accuracy=actual_accuracy,
                                  n_test=len(y), ideal_setting=f"{ideal_bits}-bit, analog, dt {ideal_dt_ms:g} ms, "
                                                               f"{ideal_duration_ms:g} ms")


def _budget_report(terms: Sequence[BudgetTerm], *, ann_acc: float, ideal_acc: float, actual_accuracy: float,
                   n_test: int, ideal_setting: str) -> tuple[dict[str, Metric], Panel, Panel]:
    """The budget's metrics, its table and its bar chart, from the measured terms."""
    gap_pp = 100 * (actual_accuracy - ann_acc)
    ideal_pp = 100 * (ideal_acc - ann_acc)
    explained = ideal_pp + sum(t.delta_pp for t in terms if t.in_actual)
    residual = gap_pp - explained
    metrics = {
        "budget_gap_pp": metric(gap_pp, "pp", "measured gap: actual SNN accuracy - ANN accuracy"),
        "budget_ideal_pp": metric(ideal_pp, "pp", "ideal spiking run (near-float weights, analog, fine dt, long run) "
                                                  "- ANN accuracy"),
        "budget_explained_pp": metric(explained, "pp", "ideal-run offset + the terms present in the actual run"),
        "budget_residual_pp": metric(residual, "pp", "gap - explained (interactions between non-idealities)"),
        "budget_resolution_pp": metric(100 / n_test, "pp", "one test image, the smallest accuracy change measurable"),
    }
    for t in terms:
        key = t.name.replace(" (what-if)", "").replace(" ", "_")
        metrics[f"budget.{key}{'_whatif' if not t.in_actual else ''}_pp"] = metric(
            t.delta_pp, "pp", f"accuracy change from the ideal run when switching on: {t.setting}")
    rows = [["ideal spiking run", ideal_setting, f"{100 * ideal_acc:.2f}", f"{ideal_pp:+.2f}", "yes"]]
    rows += [[t.name, t.setting, f"{100 * t.accuracy:.2f}", f"{t.delta_pp:+.2f}", "yes" if t.in_actual else "no"]
             for t in terms]
    rows += [["sum of counted terms", "", "", f"{explained:+.2f}", ""],
             ["measured gap (actual SNN - ANN)", f"ANN {100 * ann_acc:.2f}%, SNN {100 * actual_accuracy:.2f}%", "",
              f"{gap_pp:+.2f}", ""],
             ["residual (interactions)", "", "", f"{residual:+.2f}", ""]]
    table = Panel("error_budget", "Error budget: where the accuracy goes",
                  "One non-ideality switched on at a time from the ideal spiking run (rate read-out); 'counted' "
                  "terms are present in the actual configuration and should add up to the measured gap. One test "
                  f"image is {100 / n_test:.2f} pp: changes of that size are single images.", "table",
                  columns=["term", "setting", "accuracy (%)", "change (pp)", "counted"], rows=rows)
    bars = _budget_bars(terms, ideal_pp=ideal_pp, explained=explained, gap_pp=gap_pp, residual=residual, n_test=n_test)
    return metrics, table, bars


def _budget_bars(terms: Sequence[BudgetTerm], *, ideal_pp: float, explained: float, gap_pp: float, residual: float,
                 n_test: int) -> Panel:
    """The budget as bars: counted terms, then the totals, then the what-ifs (NaN where a series has no bar), and
    the one-test-image resolution (100 / n_test pp) as a constant series."""
    counted = [("ideal spiking run", ideal_pp)] + [(t.name, t.delta_pp) for t in terms if t.in_actual]
    totals = [("sum of counted terms", explained), ("measured gap (SNN - ANN)", gap_pp),
              ("residual (gap - sum)", residual)]
    whatif = [(t.name, t.delta_pp) for t in terms if not t.in_actual]
    names = [n for n, _ in (*counted, *totals, *whatif)]

    def column(part: int) -> list[float]:
        return [v if k == part else math.nan for k, group in enumerate((counted, totals, whatif)) for _, v in group]

    return Panel("error_budget_bars", "Error budget: accuracy change per non-ideality",
                 "Each counted term switches one non-ideality of the actual run on, alone, from the ideal spiking "
                 f"run; they should add up to the measured gap (sum {explained:+.2f} pp, gap {gap_pp:+.2f} pp, residual "
                 f"{residual:+.2f} pp). What-ifs are not in the actual run. Grey band: one test image of {n_test} "
                 f"({100 / n_test:.2f} pp); bars that reach no further than its edge are one image or none.", "bars",
                 x=names,
                 series={"counted term": column(0), "total": column(1), "what-if (not in the actual run)": column(2),
                         f"one test image (n = {n_test})": [100 / n_test] * len(names)},
                 xlabel="budget term (counted, totals, what-ifs)",
                 ylabel="accuracy change (pp)")


# ------------------------------------------------------------------------ panels
def training_panels(trained: Any) -> list[Panel]:
    """Loss and accuracy curves, weight histograms per epoch and bias trajectories."""
    h = trained.history
    epochs = h.epochs
    panels = [Panel("training_curves", "Training: loss and accuracy per epoch", "scikit-learn MLPClassifier, one "
                    "partial_fit per epoch.", "lines", x=epochs,
                    series={"loss": h.loss, "train accuracy": h.train_accuracy, "test accuracy": h.test_accuracy},
                    xlabel="epoch", ylabel="loss (cross-entropy) / accuracy (fraction)")]
    for layer in range(h.n_layers):
        counts, edges = h.weight_histograms(40, layer=layer)
        centers = (edges[:-1] + edges[1:]) / 2
        panels.append(Panel(f"weight_histograms_{layer}",
                            f"Weight histograms per epoch, layer {layer + 1} (colour: log(1 + weights in the bin))",
                            "Rows: epochs; columns: weight bins (centre value); colour: log(1 + number of weights).",
                            "heatmap", series={"values": np.log1p(counts)}, xlabel="weight (bin centre)",
                            ylabel="epoch",
                            columns=[f"{c:.2g}" if i % 5 == 0 else "" for i, c in enumerate(centers)],
                            rows=[[str(e) if (e - 1) % 5 == 0 else ""] for e in epochs]))
    out_b = h.bias_trajectories(h.n_layers - 1)
    panels.append(Panel("bias_trajectories", "Output biases during training", "Each line is one output neuron's "
                        "bias after every epoch.", "lines", x=epochs,
                        series={f"digit {k}": out_b[:, k] for k in range(out_b.shape[1])},
                        xlabel="epoch", ylabel="bias"))
    return panels


def confusion_panels(y: np.ndarray, predictions: Mapping[str, np.ndarray], n_classes: int = 10) -> list[Panel]:
    """One confusion matrix (true x predicted, -1 = no answer dropped) per network."""
    panels = []
    for name, pred in predictions.items():
        m = np.zeros((n_classes, n_classes))
        ok = pred >= 0
        np.add.at(m, (y[ok], pred[ok]), 1)
        key = "".join(c if c.isalnum() else "_" for c in name.lower())
        panels.append(Panel(f"confusion_{key}", f"Confusion matrix: {name} (colour: test images)",
                            f"Rows: true digit, columns: answer ({int((~ok).sum())} samples without an answer).",
                            "heatmap", series={"values": m}, columns=[str(k) for k in range(n_classes)],
                            rows=[[str(k)] for k in range(n_classes)], xlabel="predicted class (digit)",
                            ylabel="true class (digit)"))
    return panels


def sample_images_panel(x: np.ndarray, y: np.ndarray, ann: np.ndarray, snn: np.ndarray, *, n: int = 16) -> Panel:
    """Test images with the true digit and both networks' answers (mistakes first)."""
    wrong = np.flatnonzero((ann != y) | (snn != y))
    right = np.flatnonzero((ann == y) & (snn == y))
    pick = np.r_[wrong, right][:n]
    titles = [f"true {y[i]} ANN {ann[i]} SNN {snn[i] if snn[i] >= 0 else '-'}" for i in pick]
    return Panel("sample_images", "Test images and both answers", "True label, the ANN's and the SNN's answer "
                 "(mistakes first; '-' = no output spike).", "images", series={"images": x[pick].reshape(-1, 8, 8)},
                 columns=titles)
