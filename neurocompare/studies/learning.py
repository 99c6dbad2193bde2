"""How does a real neuron learn its weights? Learning on synapse counts beside two artificial learners, measured.

:func:`learning_study` trains three learners of the same 64 -> ``n_learners`` architecture on the bundled digits,
on the same images in the same order:

- **spiking, unsupervised**: :class:`~neurocompare.plasticity.LearningNetwork` (STDP on integer synapse counts,
  lateral inhibition, adaptive thresholds; :mod:`neurocompare.plasticity`) in Brian2 or the reference simulator;
- **artificial, unsupervised**: competitive learning (:func:`neurocompare.competitive.learn_competitive`);
- **artificial, with labels**: gradient descent (scikit-learn's Adam, a 64-100-10 network).

At each checkpoint the unsupervised learners' neurons are labelled by their responses, after that much training and
with plasticity off, to the first ``label_images`` training images (default 500; Diehl & Cook 2015 label on the
training set with learning off), and a test image's class is the label whose neurons responded most on average.
The spiking learners run with plasticity off, each image from rest for the presentation time, in batched runs;
their thresholds at test are the learned ones flattened to their mean
(``test_thresholds="mean"``): the thresholds are a learning device that shares the images out, and kept per
neuron they bias the competition (both are measured at the end). The study measures accuracy against training
images, receptive fields over training, counts and thresholds over training, selectivity, the cost of learning,
and what survives conversion the other way (learned counts read as an artificial winner-take-all layer, the
competitive weights rounded to synapse counts and run as spikes).
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping

import numpy as np

from ..backends.brian2 import SpikingBackend
from ..backends.learning import train_counts
from ..backends.reference import ReferenceBackend
from ..comparison import Panel
from ..competitive import (CompetitiveRun, gradient_curve, label_neurons, learn_competitive, one_hot_winners, respond,
                           vote)
from ..datasets import DigitsSplit, load_digits_split
from ..errors import ParameterError
from ..plasticity import SIMULATORS, LearningNetwork, LearningRun, cost_per_image
from .._validation import check_choice, check_int
from .common import image_count, metric, model_dt

__all__ = ["LearningStudy", "learning_study", "learning_checkpoints", "selectivity_of"]

#: Test thresholds: the learned ones flattened to their mean, or kept per neuron.
TEST_THRESHOLDS = ("mean", "learned")
LEARNERS = ("spiking", "competitive", "gradient")
#: Most images per batched spiking run (each holds its own copy of the network, inhibition included).
CHUNK = 360
#: Neuron models whose learners take delta synapses by default (the others: exponential-current synapses).
_DELTA_MODELS = ("lif", "adaptive_lif")
_NAMES = {"spiking": "spiking: STDP on synapse counts (no labels)",
          "competitive": "artificial: competitive learning (no labels)",
          "gradient": "artificial: gradient descent (labels)"}


def learning_checkpoints(n_train: int, passes: int) -> np.ndarray:
    """0, 25, 50, 100, 200, ... images (doubling) within the first pass, then the end of every pass."""
    marks = [0]
    m = 25
    while m < n_train:
        marks.append(m)
        m *= 2
    marks += [n_train * p for p in range(1, passes + 1)]
    return np.unique(marks).astype(np.int64)


def selectivity_of(responses: np.ndarray, labels: np.ndarray, n_classes: int = 10) -> np.ndarray:
    """Per neuron: its mean response to its preferred class over the sum of its mean responses to all classes
    (1/n_classes: no preference; 1: one class only); NaN for a neuron that never responded."""
    r = np.asarray(responses, dtype=float)
    means = np.stack([r[labels == k].mean(axis=0) if np.any(labels == k) else np.zeros(r.shape[1])
                      for k in range(n_classes)])
    total = means.sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(total > 0, means.max(axis=0) / np.where(total > 0, total, 1.0), np.nan)


@dataclass(frozen=True)
class LearningStudy:
    """Everything :func:`learning_study` measured (see the module docstring).

    ``accuracy[learner]`` is the test accuracy after each number of images in ``checkpoints`` (NaN where a learner
    cannot be asked yet); ``labels[learner]`` the final neuron labels of the unsupervised learners; ``times`` the wall
    times of the spiking training and of the labelling and test runs, with the Brian2 target and the steps (kept
    out of ``metrics``, which two runs of the same code must reproduce exactly).
    """

    network: LearningNetwork
    run: LearningRun
    competitive: CompetitiveRun
    checkpoints: np.ndarray
    accuracy: Mapping[str, np.ndarray]
    labels: Mapping[str, np.ndarray]
    test_values: np.ndarray
    y_test: np.ndarray
    test_theta: np.ndarray
    metrics: Mapping[str, Any]
    panels: list[Panel] = field(default_factory=list)
    times: Mapping[str, Any] = field(default_factory=dict)

    def circuit(self, *, inhibition: bool = True) -> Any:
        """The trained spiking network (final counts, test thresholds) as a circuit, without plasticity (and without
        the lateral inhibition with ``inhibition=False``)."""
        return self.network.circuit(self.run.final_counts, self.test_theta, name="learning", inhibition=inhibition)


class _Evaluator:
    """Responses of learned counts with plasticity off (batched spiking runs, each image from rest, at most
    :data:`CHUNK` images per run), and test accuracy by vote."""

    def __init__(self, net: LearningNetwork, simulator: str, target: str, x_values: np.ndarray, y: np.ndarray,
                 seed: int) -> None:
        clock = dict(duration_ms=net.presentation_ms, dt_ms=net.dt_ms, encoding="poisson",
                     rate_scale_hz=net.rate_scale_hz)
        self.backend = SpikingBackend(**clock, synapse_mode="aggregate", target=target) if simulator == "brian2" \
            else ReferenceBackend(**clock)
        self.net, self.x, self.y, self.seed = net, x_values, y, seed

    def responses(self, counts: np.ndarray, theta: np.ndarray, x: np.ndarray | None = None) -> np.ndarray:
        x = self.x if x is None else x
        circuit = self.net.circuit(counts, theta)
        return np.concatenate([self.backend.run(circuit, {"pixels": x[lo:lo + CHUNK]}, seed=self.seed + lo)
                               .spikes["learners"].counts() for lo in range(0, len(x), CHUNK)])

    def accuracy(self, responses: np.ndarray, labels: np.ndarray) -> float:
        return float(np.mean(vote(responses, labels) == self.y))


def learning_study(*, seed: int = 0, passes: int = 3, n_learners: int = 100, train_images: int = 0,
                   test_images: int = 0, neuron: Any = "", synapse: Any = "", simulator: str = "brian2",
                   target: str = "auto", test_thresholds: str = "mean", label_images: int = 500,
                   data: DigitsSplit | None = None,
                   progress: Callable[[str, float, float], None] | None = None) -> LearningStudy:
    """Train the three learners and measure them (see the module docstring).

    ``train_images``/``test_images``: the first that many of the seeded split (0: all); ``label_images``: the
    first that many training images label the neurons (0: all); ``passes``: over the
    training set (1-20); ``neuron``, ``synapse``: the spiking learners' models (names or specs); ``simulator``:
    "brian2" or "reference"; ``target``: Brian2's code generation.
    """
    owner = "learning_study"
    passes = check_int(owner, "passes", passes, minimum=1, maximum=20)
    n_learners = check_int(owner, "n_learners", n_learners, minimum=2, maximum=10_000)
    train_images, test_images, label_images = (image_count(owner, name, value) for name, value in (
        ("train_images", train_images), ("test_images", test_images), ("label_images", label_images)))
    simulator = check_choice(owner, "simulator", simulator, SIMULATORS)
    test_thresholds = check_choice(owner, "test_thresholds", test_thresholds, TEST_THRESHOLDS)
    data = data if data is not None else load_digits_split(seed=seed)
    x_train, y_train = data.x_train[:train_images or None], data.y_train[:train_images or None]
    x_test, y_test = data.x_test[:test_images or None], data.y_test[:test_images or None]
    if len(x_train) < 10 or len(x_test) < 1:
        raise ParameterError(f"{owner}: need at least 10 training images and 1 test image; got {len(x_train)} and "
                             f"{len(x_test)}.")
    base = LearningNetwork(n_learners=n_learners, neuron=neuron or None, synapse=synapse or None)
    if not synapse and base.neuron.model_name not in _DELTA_MODELS:
        # a delta synapse of one calibrated unit moves these membranes by tens to hundreds of mV (an Izhikevich
        # RS by ~430 mV at 200 Hz): one inhibitory spike throws the quadratic model into a runaway (learners fired
        # every other step); exponential-current synapses spread the same charge over tau_syn (as the model twins)
        base = base.replace(synapse="exp_current")
    # the learning step (0.5 ms, Diehl & Cook's) where the model allows it, else the model's study step
    net = base if base.neuron.max_dt_ms >= base.dt_ms else base.replace(dt_ms=model_dt(base.neuron, base.dt_ms,
                                                                                       fast=True))
    n_train = len(x_train)
    rng = np.random.default_rng([int(seed), 0x1EA4])
    order = np.concatenate([rng.permutation(n_train) for _ in range(passes)])
    marks = learning_checkpoints(n_train, passes)

    start = time.perf_counter()
    stream = net.stream(x_train, order, seed=seed)
    run = train_counts(net, stream, seed=seed, simulator=simulator, checkpoints=marks, target=target,
                       progress=(lambda f, s: progress("learning (spiking)", f, s)) if progress else None)
    train_time = time.perf_counter() - start
    comp = learn_competitive(x_train, order, n_units=n_learners, seed=seed, checkpoints=marks)
    grad, grad_cost = gradient_curve(x_train, y_train, x_test, y_test, order, marks, hidden=n_learners, seed=seed)

    x_values = net.input_values(x_test)
    n_label = min(label_images or n_train, n_train)  # labelling images: the first of the training set
    label_values, y_label = net.input_values(x_train[:n_label]), y_train[:n_label]
    evaluator = _Evaluator(net, simulator, "auto" if target == "cython" else target, x_values, y_test, seed)
    acc = {name: np.full(len(marks), np.nan) for name in (*LEARNERS, "spiking_as_ann")}
    acc["gradient"] = grad
    eval_start = time.perf_counter()
    final_responses = None
    for i, m in enumerate(marks):
        if m == 0:
            continue
        theta = _test_theta(run.theta[i], test_thresholds)
        label_resp = {"spiking": evaluator.responses(run.counts[i], theta, label_values),
                      "competitive": respond(x_train[:n_label], comp.weights[i])}
        lab_s = label_neurons(label_resp["spiking"], y_label)
        lab_c = label_neurons(label_resp["competitive"], y_label)
        resp = evaluator.responses(run.counts[i], theta)
        acc["spiking"][i] = evaluator.accuracy(resp, lab_s)
        acc["spiking_as_ann"][i] = evaluator.accuracy(one_hot_winners(x_values @ run.counts[i].T.astype(float)), lab_s)
        acc["competitive"][i] = evaluator.accuracy(respond(x_test, comp.weights[i]), lab_c)
        final_responses = resp
        if progress:
            progress("testing checkpoints", (i + 1) / len(marks), time.perf_counter() - eval_start)
    eval_time = time.perf_counter() - eval_start

    labels = {"spiking": lab_s, "competitive": lab_c}  # the last checkpoint's
    test_theta = _test_theta(run.final_theta, test_thresholds)
    other = _test_theta(run.final_theta, "learned" if test_thresholds == "mean" else "mean")
    other_labels = label_neurons(evaluator.responses(run.final_counts, other, label_values), y_label)
    other_acc = evaluator.accuracy(evaluator.responses(run.final_counts, other), other_labels)
    # the competitive weights as synapse counts (each row to the rule's norm, rounded, bounded), run as spikes
    comp_counts = np.clip(np.rint(comp.weights[-1] * net.rule.norm), 0, net.rule.c_max).astype(np.int64)
    comp_as_snn = evaluator.accuracy(evaluator.responses(comp_counts, np.full(n_learners, test_theta.mean())),
                                     labels["competitive"])
    study = LearningStudy(net, run, comp, marks, acc, labels, x_values, y_test, test_theta, {})
    found = _Found(selectivity={name: selectivity_of(label_resp[name], y_label) for name in label_resp},
                   cost=cost_per_image(run), gradient_cost=grad_cost, competitive_as_snn=comp_as_snn,
                   other_thresholds_accuracy=other_acc, test_thresholds=test_thresholds,
                   final_responses=final_responses, n_train=n_train)
    times = {"learning_train_time_s": train_time, "learning_test_time_s": eval_time,
             "learning_target": run.info["target"], "learning_dt_ms": net.dt_ms, "learning_steps": run.info["steps"]}
    return replace(study, metrics=_metrics(study, found), panels=_panels(study, found), times=times)


def _test_theta(theta: np.ndarray, how: str) -> np.ndarray:
    return np.full_like(theta, theta.mean()) if how == "mean" else np.asarray(theta, dtype=float)


def _specialists(sel: np.ndarray, labels: np.ndarray) -> tuple[int, int]:
    """(neurons with selectivity >= 0.5, distinct classes among them)."""
    good = np.nan_to_num(sel) >= 0.5
    return int(good.sum()), int(len(np.unique(labels[good & (labels >= 0)])))


@dataclass(frozen=True)
class _Found:
    """What :func:`learning_study` measured beyond the :class:`LearningStudy` fields, for its metrics and panels."""

    selectivity: Mapping[str, np.ndarray]
    cost: Mapping[str, float]
    gradient_cost: Mapping[str, float]
    competitive_as_snn: float
    other_thresholds_accuracy: float
    test_thresholds: str
    final_responses: np.ndarray | None
    n_train: int


def _metrics(study: LearningStudy, found: _Found) -> dict[str, Any]:
    run, comp, marks, acc, labels = study.run, study.competitive, study.checkpoints, study.accuracy, study.labels
    sel, cost, grad_cost, test_thresholds = found.selectivity, found.cost, found.gradient_cost, found.test_thresholds
    m: dict[str, Any] = {}
    for name in LEARNERS:
        m[f"learning_accuracy.{name}"] = metric(float(acc[name][-1]), "fraction",
                                                f"test accuracy of the {_NAMES[name]} after {int(marks[-1])} images")
        for i, k in enumerate(marks):
            if k and np.isfinite(acc[name][i]):
                m[f"learning_curve.{name}.{int(k)}"] = metric(float(acc[name][i]), "fraction",
                                                              f"test accuracy of the {_NAMES[name]} after {int(k)} "
                                                              "training images")
    m["learning_accuracy.spiking_as_ann"] = metric(float(acc["spiking_as_ann"][-1]), "fraction",
                                                   "the spiking-learned counts read as an artificial winner-take-all "
                                                   "layer (argmax of counts x input), labelled as the spiking neurons")
    m["learning_accuracy.competitive_as_snn"] = metric(found.competitive_as_snn, "fraction",
                                                       "the competitive network's weights rounded to synapse counts "
                                                       "(rows to the rule's norm) and run as the spiking network")
    other = "learned" if test_thresholds == "mean" else "mean"
    m[f"learning_accuracy.spiking_thresholds_{other}"] = metric(found.other_thresholds_accuracy, "fraction",
                                                                f"the spiking learners tested with thresholds {other} "
                                                                f"(instead of {test_thresholds})")
    for name in ("spiking", "competitive"):
        n_spec, n_classes = _specialists(sel[name], labels[name])
        m[f"specialists.{name}"] = metric(float(n_spec), "neurons",
                                          f"{name} neurons with selectivity >= 0.5 (preferred class's mean response "
                                          "over all classes')")
        m[f"specialist_classes.{name}"] = metric(float(n_classes), "classes", f"digits with a {name} specialist")
        m[f"selectivity_median.{name}"] = metric(float(np.nanmedian(sel[name])), "fraction",
                                                 f"median selectivity of the {name} neurons")
    m["learning_cost.spiking_synaptic_updates_per_image"] = metric(
        cost["trace_updates"] + cost["weight_updates"] + cost["scaling_updates"], "updates",
        "plasticity work per training image: trace updates (input spikes x learners), weight updates (learner "
        "spikes x inputs) and synaptic scaling (every synapse once)")
    m["learning_cost.spiking_transmissions_per_image"] = metric(cost["transmissions"], "synaptic events",
                                                                "synapses reached by spikes per training image "
                                                                "(multiplicity included, inhibition included)")
    m["learning_cost.competitive_macs_per_image"] = metric(float(comp.info["macs_per_image"]), "MACs",
                                                           "competitive learning per image: the layer's forward pass")
    m["learning_cost.gradient_macs_per_image"] = metric(grad_cost["macs_forward"] + grad_cost["macs_backward"], "MACs",
                                                        "gradient descent per image: forward and backward passes")
    m["learning_synapses"] = metric(float(run.final_counts.sum()), "synapses", "synapses of the learned network")
    m["learning_synapse_changes"] = metric(float(run.synapse_changes().sum()), "synapses",
                                           "synapses formed plus removed over training (net between checkpoints)")
    final = found.final_responses
    silent = float(np.mean(final.sum(axis=1) == 0)) if final is not None else float("nan")
    m["learning_silent_test_images"] = metric(silent, "fraction", "test images no spiking learner answered")
    return m


def _field_images(counts: np.ndarray, side: int) -> np.ndarray:
    return counts.reshape(len(counts), side, -1)


def _panels(study: LearningStudy, found: _Found) -> list[Panel]:
    net, run, comp, marks, acc, labels = (study.network, study.run, study.competitive, study.checkpoints,
                                          study.accuracy, study.labels)
    sel, cost, grad_cost, n_train = found.selectivity, found.cost, found.gradient_cost, found.n_train
    side = int(round(np.sqrt(net.n_inputs)))
    square = side * side == net.n_inputs
    panels = [Panel("learning_curves", "Accuracy against training images",
                    f"Test accuracy after each number of training images ({len(run.images) // n_train} passes over "
                    f"{n_train} images, the same order for all). Unsupervised learners: neurons labelled by their "
                    "responses to training images with learning off; no point before the first image. Three learners, "
                    "one architecture (64 inputs, the same number of learning neurons).",
                    "lines", x=marks, series={_NAMES[k]: acc[k] for k in LEARNERS},
                    xlabel="training images seen", ylabel="test accuracy (fraction)")]
    if square:
        # one neuron per digit (the most selective with that label), over training
        chosen = []
        for d in range(10):
            idx = np.flatnonzero(labels["spiking"] == d)
            if len(idx):
                chosen.append(int(idx[np.argmax(np.nan_to_num(sel["spiking"][idx]))]))
        rows = np.unique(np.linspace(0, len(marks) - 1, min(5, len(marks))).round().astype(int))
        images = np.concatenate([_field_images(run.counts[r][chosen], side) for r in rows])
        titles = [f"{int(marks[r])} img: n{k}" + (f" '{labels['spiking'][k]}'" if r == rows[-1] else "")
                  for r in rows for k in chosen]
        panels.append(Panel("receptive_fields_over_training", "Receptive fields (synapse counts) over training",
                            "Each image is one learner's synapse counts from the 8x8 pixels (dark: many synapses); "
                            "rows: after 0, ... images; columns: the most selective learner of each digit at the "
                            "end.", "images", series={"images": images}, columns=titles))
        for name, w in (("spiking", run.final_counts), ("competitive", comp.weights[-1])):
            lab = labels[name]
            panels.append(Panel(f"receptive_fields_{name}", f"All receptive fields at the end: {_NAMES[name]}",
                                "One image per neuron (its weights from the 8x8 pixels); title: its label and "
                                "selectivity.", "images", series={"images": _field_images(np.asarray(w, float), side)},
                                columns=[f"'{lab[k]}' {sel[name][k]:.2f}" if lab[k] >= 0 else "silent"
                                         for k in range(len(w))]))
    edges = np.arange(net.rule.c_max + 2)
    hist = np.stack([np.histogram(c.ravel(), bins=edges)[0] for c in run.counts])
    panels.append(Panel("count_histograms",
                        "Synapse counts per connection over training (colour: log(1 + connections))",
                        "Rows: checkpoints (images seen); columns: synapses per connection.", "heatmap",
                        series={"values": np.log1p(hist)}, xlabel="synapses per connection", ylabel="images seen",
                        columns=[str(c) if c % 5 == 0 else "" for c in edges[:-1]],
                        rows=[[str(int(k))] for k in marks]))
    th = run.theta
    panels.append(Panel("thresholds", "Adaptive thresholds over training (drive units)",
                        "Mean, 10th and 90th percentile over the learners; a threshold theta acts as a bias -theta.",
                        "lines", x=marks, series={"mean": th.mean(axis=1), "10th percentile": np.percentile(th, 10, 1),
                                                  "90th percentile": np.percentile(th, 90, 1)},
                        xlabel="training images seen", ylabel="threshold (drive units)"))
    bins = np.linspace(0.0, 1.0, 11)
    panels.append(Panel("selectivity", "Selectivity of each neuron at the end",
                        "Preferred class's mean response over the sum over classes (0.1: none; 1: one digit only).",
                        "bars", x=np.round((bins[:-1] + bins[1:]) / 2, 2),
                        series={name: np.histogram(np.nan_to_num(sel[name]), bins=bins)[0] for name in sel},
                        xlabel="selectivity", ylabel="neurons"))
    synapses = net.n_inputs * net.n_learners
    panels.append(Panel("learning_cost", "The cost of learning, per training image", "Counted from the runs: "
                        "plasticity updates of the spiking learners against the arithmetic of the artificial ones.",
                        "table", columns=["learner", "work per image", "of which"],
                        rows=[[_NAMES["spiking"], f"{cost['trace_updates'] + cost['weight_updates'] + synapses:,.0f} "
                               "synaptic updates", f"traces {cost['trace_updates']:,.0f}, weights "
                               f"{cost['weight_updates']:,.0f}, scaling {synapses:,}; plus "
                               f"{cost['transmissions']:,.0f} synaptic events"],
                              [_NAMES["competitive"], f"{comp.info['macs_per_image']:,} MACs",
                               f"forward pass; {comp.info['weight_updates_per_image']} weight updates"],
                              [_NAMES["gradient"],
                               f"{grad_cost['macs_forward'] + grad_cost['macs_backward']:,.0f} MACs",
                               f"forward {grad_cost['macs_forward']:,.0f}, backward {grad_cost['macs_backward']:,.0f}; "
                               f"{grad_cost['parameters_updated_per_image']:,.0f} parameters updated"]]))
    panels.append(Panel("conversion_both_ways", "What survives conversion the other way",
                        "Each unsupervised network run as itself and as the other kind of network (same labels).",
                        "table", columns=["learned by", "run as spikes", "run as artificial winner-take-all"],
                        rows=[["spiking (synapse counts)", f"{acc['spiking'][-1]:.1%}",
                               f"{acc['spiking_as_ann'][-1]:.1%} (counts x input)"],
                              ["artificial (competitive)", f"{found.competitive_as_snn:.1%} (weights to counts)",
                               f"{acc['competitive'][-1]:.1%}"]]))
    return panels
