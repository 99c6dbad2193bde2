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
import warnings
from dataclasses import dataclass, field, replace
from typing import Any, Mapping, Sequence

import numpy as np

from ..backends.brian2 import SpikingBackend
from .._validation import check_int
from ..circuit import Circuit
from ..comparison import Panel
from ..convert import convert_trained
from ..encoding import Encoding, get_encoding
from ..errors import CalibrationWarning
from ..models import LIF, neuron_from_name
from ..studies import metric, model_dt, run_side_by_side, with_delays, with_models
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
    "DIGITS_MODELS",
    "model_study",
    "measure_model_study",
    "model_study_results",
    "model_parts",
    "ModelRuns",
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


#: The neuron models of the digits' per-model study: the converted integrate-and-fire neuron ("if") and five others.
DIGITS_MODELS = ("if", "lif", "adaptive_lif", "izhikevich:RS", "adex:tonic", "hodgkin_huxley")


@dataclass
class ModelRuns:
    """What :func:`measure_model_study` measured, per model name (merge two with ``|``): the accuracy over time of the
    ReLU twin (``curves``) and, where twins were trained, of the model twin (``twin_curves``), the model ANN's
    accuracy, the twin's design and activation, each model's label and dt, and the calibration notes."""

    labels: dict[str, str] = field(default_factory=dict)
    dts: dict[str, float] = field(default_factory=dict)
    curves: dict[str, np.ndarray] = field(default_factory=dict)
    twin_curves: dict[str, np.ndarray] = field(default_factory=dict)
    model_ann: dict[str, float] = field(default_factory=dict)
    designs: dict[str, Any] = field(default_factory=dict)
    activations: dict[str, Any] = field(default_factory=dict)
    notes: set[str] = field(default_factory=set)

    def __or__(self, other: "ModelRuns") -> "ModelRuns":
        return ModelRuns(**{f: (getattr(self, f) | getattr(other, f)) for f in
                            ("labels", "dts", "curves", "twin_curves", "model_ann", "designs", "activations", "notes")})

    def ordered(self, models: Sequence[str]) -> list[str]:
        """The measured models in the order of ``models``."""
        return [m for m in models if m in self.curves]


def measure_model_study(
    circuit: Circuit, x: np.ndarray, y: np.ndarray, *, backend: SpikingBackend, seed: int, times_ms: np.ndarray,
    models: Sequence[str] = DIGITS_MODELS, data: Any = None, bits: int = 5, twin_epochs: int = 0,
) -> ModelRuns:
    """The runs of :func:`model_study` for ``models`` (any subset: each model's numbers do not depend on the others
    measured with it, so parts measured in two processes and merged with ``|`` are the whole)."""
    from .twins import design_of, model_twin

    twin_epochs = check_int("measure_model_study", "twin_epochs", twin_epochs, minimum=0, hint="(0: each twin's own design)")
    output = circuit.population_names[-1]
    specs = {m: (circuit.population(output).neuron if m == "if" else neuron_from_name(m)) for m in models}
    out = ModelRuns(labels={n: s.label() for n, s in specs.items()},
                    dts={name: model_dt(spec, backend.dt_ms, fast=True) for name, spec in specs.items()})
    by_dt: dict[float, list[str]] = {}
    for name in specs:
        by_dt.setdefault(out.dts[name], []).append(name)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", CalibrationWarning)
        for dt, names in by_dt.items():
            variants = [with_models(circuit, neuron=specs[n]) for n in names]
            if data is not None:
                for n in names:
                    model = specs[n] if n != "if" else "if"
                    design = replace(design_of(model), epochs=twin_epochs) if twin_epochs else design_of(model)
                    trained, twin = model_twin(model, seed=seed, bits=bits, data=data, design=design,
                                               rate_scale_hz=backend.rate_scale_hz, dt_ms=backend.dt_ms)
                    variants.append(twin)
                    out.model_ann[n], out.designs[n] = trained.accuracy(x, y), design
                    act = trained.activation_fn  # the measured activation it was trained on
                    out.activations[n] = (act.x, act.measured[1], act.y)
            results = run_side_by_side(backend.replace(dt_ms=dt), variants, x, seed=seed)
            for k, res in enumerate(results):
                acc = accuracy_over_time(res, circuit, output, y, times_ms, readout_mode="rate", backend=backend)
                (out.curves if k < len(names) else out.twin_curves)[names[k % len(names)]] = acc
    out.notes = {str(w.message).split(":")[0] for w in caught if issubclass(w.category, CalibrationWarning)}
    return out


def model_parts(models: Sequence[str], dt_ms: float) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``models`` in two parts for two processes: those that run at a finer step than ``dt_ms`` (Izhikevich, AdEx,
    Hodgkin-Huxley: four times the steps, the larger share of the work) and the others."""
    fine = tuple(m for m in models if m != "if" and model_dt(m, dt_ms, fast=True) < dt_ms)
    return fine, tuple(m for m in models if m not in fine)


def model_study(
    circuit: Circuit, x: np.ndarray, y: np.ndarray, ann_accuracy: float, *, backend: SpikingBackend, seed: int,
    times_ms: np.ndarray, models: Sequence[str] = DIGITS_MODELS, data: Any = None, bits: int = 5,
    twin_epochs: int = 0,
) -> tuple[dict[str, Metric], list[Panel]]:
    """Accuracy vs simulated time with each neuron model in place of the converted one, rate read-out: the ReLU
    twin (the same converted weights, calibrated drive: :mod:`neurocompare.backends.calibration`) and, with
    ``data`` (the :class:`~neurocompare.datasets.DigitsSplit` the ANN was trained on), the model twin trained on
    the model's own measured activation (:mod:`neurocompare.studies.twins`, ``bits``-bit counts).

    "if" is the circuit's own (converted) neuron; the others are names for :func:`~neurocompare.models.
    neuron_from_name`. Each model runs at ``model_dt(model, backend dt, fast=True)`` (Hodgkin-Huxley and AdEx at
    0.025 ms); the circuits of one dt run side by side in one Brian2 run. A model that cannot fire at the rate scale
    (Hodgkin-Huxley at 1000 Hz) runs at its ceiling: the caption says so. Returns the metrics and the panels: the
    ReLU twins over time, and with ``data`` both twins per model and each model's trained activation over its
    measured f-I points. ``twin_epochs`` (> 0) trains the model twins for that many epochs instead of their
    design's (a quick run). :func:`measure_model_study` and :func:`model_study_results` are its two halves.
    """
    runs = measure_model_study(circuit, x, y, backend=backend, seed=seed, times_ms=times_ms, models=models, data=data,
                          bits=bits, twin_epochs=twin_epochs)
    return model_study_results(runs, ann_accuracy=ann_accuracy, times_ms=times_ms, backend=backend, n_test=len(y),
                               bits=bits, models=models)


def model_study_results(runs: ModelRuns, *, ann_accuracy: float, times_ms: np.ndarray, backend: SpikingBackend,
                        n_test: int, bits: int = 5, models: Sequence[str] = DIGITS_MODELS
                        ) -> tuple[dict[str, Metric], list[Panel]]:
    """The metrics and panels of :func:`model_study` from its runs (in the order of ``models``)."""
    names = runs.ordered(models)
    label = runs.labels
    metrics: dict[str, Metric] = {}
    for name in names:
        key = name.replace(":", "_")
        for t in (10.0, float(times_ms[-1])):
            i = int(np.argmin(np.abs(times_ms - t)))
            metrics[f"model_accuracy_{times_ms[i]:g}ms.{key}"] = metric(
                runs.curves[name][i], "fraction", f"SNN accuracy at {times_ms[i]:g} ms with the {label[name]} neuron "
                                                  "(same converted weights, calibrated drive, rate read-out)")
            if name in runs.twin_curves:
                metrics[f"model_twin_accuracy_{times_ms[i]:g}ms.{key}"] = metric(
                    runs.twin_curves[name][i], "fraction", f"model twin's accuracy at {times_ms[i]:g} ms: the network "
                    f"trained on the {label[name]} neuron's measured activation, run on that neuron (rate read-out)")
        if name in runs.model_ann:
            metrics[f"model_ann_accuracy.{key}"] = metric(
                runs.model_ann[name], "fraction", f"ANN trained on the {label[name]} neuron's measured activation "
                "(its own outputs through it; a tie is wrong)")
    series = {f"{label[n]} (dt {runs.dts[n]:g} ms)": runs.curves[n] for n in names}
    series["ANN (reference)"] = np.full(len(times_ms), ann_accuracy)
    caption = (f"Test accuracy over simulated time with each neuron model in place of the converted integrate-and-fire"
               f" neuron ({backend.encoding.name} coding at {backend.rate_scale_hz:g} Hz, rate read-out, {n_test} test "
               "images); the weights are the same synapse counts, drive 1.0 is calibrated per model.")
    if runs.notes:
        caption += " " + "; ".join(sorted(runs.notes)) + f": cannot fire at {backend.rate_scale_hz:g} Hz, so drive " \
                                                          "1.0 is its fastest firing."
    panels = [Panel("accuracy_time_models", "Accuracy vs simulated time per neuron model", caption, "lines",
                    x=times_ms, series=series, xlabel="simulated time (ms)", ylabel="test accuracy")]
    twins = [n for n in names if n in runs.twin_curves]
    if twins:
        panels += _twin_panels(runs, twins, ann_accuracy, times_ms=times_ms, backend=backend, n_test=n_test,
                               bits=bits)
    return metrics, panels


def _twin_panels(runs: ModelRuns, names: Sequence[str], ann_accuracy: float, *, times_ms: np.ndarray,
                 backend: SpikingBackend, n_test: int, bits: int) -> list[Panel]:
    """Both twins per model over time, and each model's trained activation over its measured f-I points."""
    series: dict[str, np.ndarray] = {}
    act_series: dict[str, np.ndarray] = {}
    designs = []
    t_end = float(times_ms[-1])
    for n in names:
        lab = runs.labels[n]
        group = (f"{lab} (dt {runs.dts[n]:g} ms)\nat {t_end:g} ms: ReLU twin {100 * runs.curves[n][-1]:.1f}%, "
                 f"model twin {100 * runs.twin_curves[n][-1]:.1f}%")
        series[f"{group} | ReLU twin"] = runs.curves[n]
        series[f"{group} | model twin"] = runs.twin_curves[n]
        series[f"{group} | ReLU ANN"] = np.full(len(times_ms), ann_accuracy)
        series[f"{group} | model ANN"] = np.full(len(times_ms), runs.model_ann[n])
        d = runs.designs[n]
        drives, measured, curve = runs.activations[n]
        act_series[f"{lab} | measured f-I (from rest, 1 s)"] = measured
        act_series[f"{lab} | trained activation" + (f" (drive noise sd {d.smooth:g})" if d.smooth else "")] = curve
        designs.append(f"{lab}: {d.synapse or 'delta'} synapses, noise sd {d.smooth:g}")
    twins = Panel(
        "grid_model_twins", "Two spiking twins per neuron model: trained with ReLU, or with the model's own activation",
        f"Test accuracy over simulated time ({backend.encoding.name} coding at {backend.rate_scale_hz:g} Hz, rate "
        f"read-out, {n_test} test images, a tie is wrong). ReLU twin: the ReLU network's converted counts on the model "
        f"(today's conversion). Model twin: a network trained on the model's measured activation (drive -> rate / "
        f"rate scale), its weights rounded to {bits}-bit counts without normalisation, run on the model "
        f"({'; '.join(designs)}). The flat lines are the two ANNs.", "lines", x=times_ms, series=series,
        xlabel="simulated time (ms)", ylabel="test accuracy")
    acts = Panel(
        "activations_models", "What each neuron computes: the activation its twin was trained with",
        "Dots: the firing rate / rate scale of the neuron started from rest under a constant drive, counted over 1 s "
        f"on the reference simulator at the model's step (drive 1.0 = the current of {backend.rate_scale_hz:g} Hz, or "
        "of the fastest firing). Line: the trained activation, a shape-preserving cubic through the points averaged "
        "over Gaussian drive noise of the sd shown (what a neuron with fluctuating input computes; it gives gradient "
        "training finite slopes). Drives from -0.5 to 4 shown.", "lines", x=drives, series=act_series,
        xlabel="drive (circuit units)", ylabel="rate / rate scale")
    return [twins, acts]


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
    actual_circuit: Circuit,
    actual_result: Result,
    x: np.ndarray,
    y: np.ndarray,
    seed: int,
    times_ms: Sequence[float] | None = None,
    ideal_dt_ms: float = 0.05,
    ideal_duration_ms: float = 300.0,
    ideal_bits: int = 16,
    whatif_delay_ms: float = 1.0,
    whatif_neuron: Any = None,
    whatif_v_init_fraction: float = 0.5,
    conversion_options: Mapping[str, Any] | None = None,
    activation_term: bool = True,
    twin_epochs: int = 0,
) -> tuple[dict[float, list[BudgetTerm]], dict[str, Metric], list[Panel]]:
    """Attribute the ANN-SNN accuracy gap to its causes, one non-ideality at a time, at each read-out time.

    The *ideal* spiking run uses near-float weights (``ideal_bits``), analog input, the converted integrate-and-fire
    neuron (reset by subtraction), membranes starting at rest, ``ideal_dt_ms`` and ``ideal_duration_ms``, no delays.
    Each term switches one setting to the actual configuration's value; every run is decoded at each read-out time
    ``T`` in ``times_ms`` (default: the actual duration) and the term is its accuracy change from the ideal run
    decoded at the same ``T``: weight rounding (``actual_bits``), input coding (the actual encoding), dt (the actual
    dt), neuron model (the actual output population's model instead of the integrate-and-fire neuron) and initial
    membrane potential (the actual ``v_init_fraction``); finite time is the ideal run at ``T`` against the ideal
    run at ``ideal_duration_ms``. Terms the actual run does not have are what-ifs, shown but not added up: reset to
    a fixed value, Poisson coding, ``whatif_delay_ms`` axonal delays, ``whatif_neuron`` (a LIF by default) when the
    actual neuron is the integrate-and-fire one, and membranes starting ``whatif_v_init_fraction`` of the way to
    threshold when the actual ones start at rest. With ``activation_term`` (and a ``trained`` network that has its
    ``split``), the neuron model term is split once more: *activation mismatch* is the model's run with the ReLU
    network's counts against its run with counts trained on its own measured activation
    (:func:`~neurocompare.studies.twins.model_twin`, same synapse, ``ideal_bits``, ``twin_epochs`` if > 0), shown,
    not added up (it is part of the neuron model term). The gap at ``T`` is the actual run (``actual_result``) decoded at
    ``T`` minus the float ANN; the residual is what the terms do not explain (interactions).

    Returns ``({T: terms}, metrics, panels)``: metrics of the actual duration keep their names (``budget_gap_pp``,
    ``budget.weight_rounding_pp``); another ``T``'s are ``budget_{T}ms...``; each ``T`` has a table and a bar chart.
    """
    twin_epochs = check_int("error_budget", "twin_epochs", twin_epochs, minimum=0, hint="(0: each twin's own design)")
    opts = dict(conversion_options or {})
    times = sorted({float(t) for t in (times_ms or [actual.duration_ms])})
    ann_acc = float(trained.accuracy(x, y))
    ideal_conv = convert_trained(trained, bits=ideal_bits, **opts)
    circuit = ideal_conv.circuit
    output = circuit.population_names[-1]
    ideal_be = actual.replace(dt_ms=ideal_dt_ms, duration_ms=ideal_duration_ms, encoding="analog",
                               synapse_mode="aggregate", neuron=None, synapse=None, v_init_fraction=0.0)
    model = actual.model_of(actual_circuit.population(output))
    converted = ideal_be.model_of(circuit.population(output))
    other = model if model != converted else (whatif_neuron or LIF())
    v_init = actual.v_init_fraction or whatif_v_init_fraction
    synapse = actual.synapse_of(actual_circuit.population(output))
    variants = {"rounded": convert_trained(trained, bits=actual_bits, **opts).circuit,
                "neuron": with_models(circuit, neuron=other, synapse=synapse)}
    split = getattr(trained, "split", None)
    if activation_term and callable(split):  # the same neuron, counts trained on its own activation
        from .twins import design_of, model_twin

        design = replace(design_of(other), epochs=twin_epochs) if twin_epochs else None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", CalibrationWarning)  # the calibration of `other` warned in its own run
            _, variants["neuron_trained"] = model_twin(other, seed=seed, data=split(), bits=ideal_bits, design=design,
                                                       rate_scale_hz=actual.rate_scale_hz, dt_ms=ideal_dt_ms,
                                                       synapse=synapse, exact_dt=True)
    runs = _budget_runs(circuit, variants, ideal_be, actual, x, seed=seed, v_init=v_init, delay_ms=whatif_delay_ms)
    ideal_full = _acc(runs["ideal"], output, y)

    described = [  # (term, setting, run, counted)
        ("weight rounding", f"{actual_bits}-bit counts (|n| <= {2 ** actual_bits - 1})", "rounded", True),
        ("input coding", f"{actual.encoding.name} instead of analog", "coding", True),
        ("time step", f"dt {actual.dt_ms:g} ms instead of {ideal_dt_ms:g} ms", "dt", True),
        ("neuron model", f"{other.label()} instead of {converted.label()} (the converted neuron)", "neuron",
         model != converted),
        ("initial membrane potential", f"membranes start {v_init:g} of the way to threshold instead of at rest",
         "v_init", bool(actual.v_init_fraction)),
        ("reset mode", "reset to a fixed value instead of by subtraction", "reset",
         getattr(model, "reset", "subtract") != "subtract"),
        ("input coding", "Poisson instead of analog", "poisson", False),
        ("axonal delays", f"{whatif_delay_ms:g} ms on every synapse", "delayed", False),
    ]
    budgets: dict[float, list[BudgetTerm]] = {}
    metrics: dict[str, Metric] = {}
    panels: list[Panel] = []
    for t in times:
        terms = _terms_at(t, runs, described, output, y, ideal_acc=ideal_full, ideal_duration_ms=ideal_duration_ms)
        if "neuron_trained" in runs:
            relu_acc, own_acc = (_acc_at(runs[k], output, y, t) for k in ("neuron", "neuron_trained"))
            terms.append(BudgetTerm(
                "activation mismatch (part of the neuron model term)",
                f"{other.label()} with ReLU-trained counts instead of counts trained on its own activation "
                f"({100 * own_acc:.2f}%)", relu_acc, 100 * (relu_acc - own_acc), False))
        m, *ps = _budget_report(terms, ann_acc=ann_acc, ideal_acc=ideal_full, actual_accuracy=_acc_at(actual_result, output, y, t),
                                n_test=len(y), ideal_setting=f"{ideal_bits}-bit, analog, dt {ideal_dt_ms:g} ms, "
                                                             f"{ideal_duration_ms:g} ms",
                                at_ms=t, suffix="" if t == actual.duration_ms else f"_{t:g}ms")
        budgets[t] = terms
        metrics.update(m)
        panels.extend(ps)
    return budgets, metrics, panels


def _acc_at(result: Result, output: str, y: np.ndarray, t_ms: float) -> float:
    """Accuracy of a run's output decoded from its first ``t_ms`` (argmax of the spike counts; a tie is wrong)."""
    return accuracy(decoded_at_times(result.spikes[output], np.array([t_ms]), rate_scale_hz=1.0)[0], y, mode="argmax")


def _terms_at(t: float, runs: Mapping[str, Result], described: Sequence[tuple[str, str, str, bool]], output: str,
              y: np.ndarray, *, ideal_acc: float, ideal_duration_ms: float) -> list[BudgetTerm]:
    """The budget's terms read out at ``t``: finite time (the ideal run at ``t`` vs its full length), then each
    described run against the ideal run at ``t``; what-ifs (not counted) named so."""
    ideal_t = _acc_at(runs["ideal"], output, y, t)
    terms = [BudgetTerm("finite simulated time", f"{t:g} ms instead of {ideal_duration_ms:g} ms", ideal_t,
                        100 * (ideal_t - ideal_acc), True)]
    for name, setting, key, counted in described:
        if key in runs:
            acc = _acc_at(runs[key], output, y, t)
            terms.append(BudgetTerm(name if counted else f"{name} (what-if)", setting, acc, 100 * (acc - ideal_t),
                                    counted))
    return terms


def _budget_runs(circuit: Circuit, variants: dict[str, Circuit], ideal_be: SpikingBackend, actual: SpikingBackend,
                 x: np.ndarray, *, seed: int, v_init: float, delay_ms: float) -> dict[str, Result]:
    """The budget's runs by key: the ideal one, the circuit ``variants``, reset to value and delays (all side by side
    in one Brian2 run), and the backend variants (coding, Poisson, dt, initial membrane potential)."""
    variants = {"ideal": circuit, **variants, "reset": _with_reset(circuit, "value", ideal_be),
                "delayed": with_delays(circuit, {p.name: delay_ms for p in circuit.projections})}
    runs = dict(zip(variants, run_side_by_side(ideal_be, list(variants.values()), x, seed=seed)))
    settings = {"coding": {"encoding": actual.encoding} if actual.encoding.name != "analog" else None,
                "poisson": {"encoding": "poisson"} if actual.encoding.name != "poisson" else None,
                "dt": {"dt_ms": actual.dt_ms}, "v_init": {"v_init_fraction": v_init}}
    runs.update({key: ideal_be.replace(**change).run(circuit, x, seed=seed)
                 for key, change in settings.items() if change is not None})
    return runs


def _budget_report(terms: Sequence[BudgetTerm], *, ann_acc: float, ideal_acc: float, actual_accuracy: float,
                   n_test: int, ideal_setting: str, at_ms: float, suffix: str = "") -> tuple[dict[str, Metric], Panel, Panel]:
    """The budget's metrics, its table and its bar chart, from the measured terms (read out at ``at_ms``; metric
    and panel names get ``suffix``)."""
    gap_pp = 100 * (actual_accuracy - ann_acc)
    ideal_pp = 100 * (ideal_acc - ann_acc)
    explained = ideal_pp + sum(t.delta_pp for t in terms if t.in_actual)
    residual = gap_pp - explained
    at = f" (read out at {at_ms:g} ms)"
    metrics = {
        f"budget{suffix}_gap_pp": metric(gap_pp, "pp", "measured gap: actual SNN accuracy - ANN accuracy" + at),
        f"budget{suffix}_ideal_pp": metric(ideal_pp, "pp", "ideal spiking run (near-float weights, analog, fine dt, "
                                                           "long run) - ANN accuracy"),
        f"budget{suffix}_explained_pp": metric(explained, "pp", "ideal-run offset + the terms present in the actual "
                                                                "run" + at),
        f"budget{suffix}_residual_pp": metric(residual, "pp", "gap - explained (interactions between non-idealities)"
                                              + at),
        f"budget{suffix}_resolution_pp": metric(100 / n_test, "pp", "one test image, the smallest accuracy change "
                                                                    "measurable"),
    }
    for t in terms:
        key = t.name.split(" (")[0].replace(" ", "_")
        metrics[f"budget{suffix}.{key}{'_whatif' if not t.in_actual else ''}_pp"] = metric(
            t.delta_pp, "pp", f"accuracy change from the ideal run when switching on: {t.setting}" + at)
    rows = [["ideal spiking run", ideal_setting, f"{100 * ideal_acc:.2f}", f"{ideal_pp:+.2f}", "yes"]]
    rows += [[t.name, t.setting, f"{100 * t.accuracy:.2f}", f"{t.delta_pp:+.2f}", "yes" if t.in_actual else "no"]
             for t in terms]
    rows += [["sum of counted terms", "", "", f"{explained:+.2f}", ""],
             ["measured gap (actual SNN - ANN)", f"ANN {100 * ann_acc:.2f}%, SNN {100 * actual_accuracy:.2f}%", "",
              f"{gap_pp:+.2f}", ""],
             ["residual (interactions)", "", "", f"{residual:+.2f}", ""]]
    table = Panel(f"error_budget{suffix}", f"Error budget at {at_ms:g} ms: where the accuracy goes",
                  f"One non-ideality switched on at a time from the ideal spiking run (rate read-out at {at_ms:g} ms); "
                  "'counted' "
                  "terms are present in the actual configuration and should add up to the measured gap. One test "
                  f"image is {100 / n_test:.2f} pp: changes of that size are single images.", "table",
                  columns=["term", "setting", "accuracy (%)", "change (pp)", "counted"], rows=rows)
    bars = _budget_bars(terms, ideal_pp=ideal_pp, explained=explained, gap_pp=gap_pp, residual=residual, n_test=n_test,
                        at_ms=at_ms, suffix=suffix)
    return metrics, table, bars


def _budget_bars(terms: Sequence[BudgetTerm], *, ideal_pp: float, explained: float, gap_pp: float, residual: float,
                 n_test: int, at_ms: float, suffix: str) -> Panel:
    """The budget as bars: counted terms, then the totals, then the what-ifs (NaN where a series has no bar), and
    the one-test-image resolution (100 / n_test pp) as a constant series."""
    counted = [("ideal spiking run", ideal_pp)] + [(t.name, t.delta_pp) for t in terms if t.in_actual]
    totals = [("sum of counted terms", explained), ("measured gap (SNN - ANN)", gap_pp),
              ("residual (gap - sum)", residual)]
    whatif = [(t.name, t.delta_pp) for t in terms if not t.in_actual]
    names = [n for n, _ in (*counted, *totals, *whatif)]

    def column(part: int) -> list[float]:
        return [v if k == part else math.nan for k, group in enumerate((counted, totals, whatif)) for _, v in group]

    return Panel(f"error_budget_bars{suffix}", f"Error budget at {at_ms:g} ms: accuracy change per non-ideality",
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
