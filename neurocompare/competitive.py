"""Unsupervised competitive learning in an artificial network: the fair counterpart of learning on synapse counts.

The spiking learners of :mod:`neurocompare.plasticity` learn without labels: the best-matching neuron fires first
and inhibits the others, its synapses move towards the input that made it fire, every neuron's synapses are scaled
to one size, and adaptive thresholds give every neuron its share of the images. :func:`learn_competitive` is the
same learning for synchronous real-valued neurons, one image at a time (Rumelhart & Zipser 1985; "conscience"
thresholds, DeSieno 1988)::

    a_k = w_k . x_hat - theta_k,    x_hat = x / ||x||            (the layer's activation)
    k* = argmax_k a_k                                            (winner-take-all: the inhibition's limit)
    w_k* <- w_k* + eta (x_hat - w_k*),  then w_k* <- w_k* / ||w_k*||     (instar step and scaling to norm 1)
    theta_k* += theta_plus;  theta_k -= theta_plus / n_units for every k  (each unit steers to 1/n of the images)

Real-valued weights (float64), no spikes, no time. Neurons are labelled and tested as the spiking learners are
(:func:`label_neurons`, :func:`vote`). :func:`gradient_curve` trains the same 64-100(-10) architecture with labels,
by scikit-learn's Adam (today's training), on the same image order, for the learning curve.
"""

from __future__ import annotations

import time
import warnings
from dataclasses import dataclass
from typing import Any, Mapping, Sequence

import numpy as np

from ._validation import check_int, check_positive, check_real, float_array
from .errors import ParameterError
from .plasticity import check_checkpoints

__all__ = ["CompetitiveRun", "learn_competitive", "respond", "one_hot_winners", "unit_rows", "label_neurons", "vote",
           "gradient_curve"]


@dataclass(frozen=True)
class CompetitiveRun:
    """Weights (n_checkpoints, n_units, n_inputs), thresholds (n_checkpoints, n_units), the winner of every image
    shown (-1: none) and the checkpoints (images seen), as :class:`~neurocompare.plasticity.LearningRun` has them."""

    images: np.ndarray
    winners: np.ndarray
    checkpoints: np.ndarray
    weights: np.ndarray
    theta: np.ndarray
    info: Mapping[str, Any]

    @property
    def responses(self) -> np.ndarray:
        """(n_images, n_units): 1 for the winner of each image shown."""
        out = np.zeros((len(self.winners), self.weights.shape[1]), dtype=np.int64)
        out[np.arange(len(self.winners)), self.winners] = 1
        return out


def unit_rows(x: np.ndarray) -> np.ndarray:
    """Each row divided by its Euclidean norm (rows of zeros stay)."""
    n = np.linalg.norm(x, axis=1, keepdims=True)
    return x / np.where(n > 0, n, 1.0)


def one_hot_winners(scores: np.ndarray) -> np.ndarray:
    """(n, units) int: 1 where each row's score is largest (the first of equal ones), else 0."""
    out = np.zeros_like(scores, dtype=np.int64)
    out[np.arange(len(scores)), np.argmax(scores, axis=1)] = 1
    return out


def respond(x: Any, weights: np.ndarray) -> np.ndarray:
    """The trained layer's answer to images ``x``, learning off: one-hot winners of ``w_k . x_hat`` (the thresholds,
    flattened to their mean as the spiking learners' at test, cancel out)."""
    return one_hot_winners(unit_rows(np.asarray(x, dtype=float)) @ np.asarray(weights).T)


def learn_competitive(x: Any, order: Sequence[int], *, n_units: int = 100, eta: float = 0.1,
                      theta_plus: float = 0.01, seed: int = 0, checkpoints: Any = None) -> CompetitiveRun:
    """Competitive learning on images ``x[order]`` shown one at a time (see the module docstring)."""
    owner = "learn_competitive"
    x = float_array(owner, "images", x, shape=("n", "n_inputs"))
    order = np.asarray(order, dtype=np.int64)
    if order.ndim != 1 or (len(order) and (order.min() < 0 or order.max() >= len(x))):
        raise ParameterError(f"{owner}: order must index the {len(x)} images.")
    n_units = check_int(owner, "n_units", n_units, minimum=1, maximum=10**5)
    eta = check_real(owner, "eta", eta, low=0.0, high=1.0)
    theta_plus = check_positive(owner, "theta_plus", theta_plus, allow_zero=True)
    marks = check_checkpoints(checkpoints, len(order), owner=owner)
    start = time.perf_counter()
    xs = unit_rows(x)
    rng = np.random.default_rng([int(seed), 0xC0F])
    w = unit_rows(rng.uniform(0.0, 1.0, (n_units, x.shape[1])))
    theta = np.zeros(n_units)
    winners = np.empty(len(order), dtype=np.int64)
    snaps_w, snaps_t = [w.copy()], [theta.copy()]
    for i, idx in enumerate(order):
        v = xs[idx]
        k = int(np.argmax(w @ v - theta))
        winners[i] = k
        w[k] += eta * (v - w[k])
        w[k] /= max(float(np.linalg.norm(w[k])), 1e-300)
        theta[k] += theta_plus
        theta -= theta_plus / n_units
        if i + 1 in marks:
            snaps_w.append(w.copy())
            snaps_t.append(theta.copy())
    info = {"wall_time_s": time.perf_counter() - start, "images": len(order),
            "macs_per_image": n_units * x.shape[1], "weight_updates_per_image": 2 * x.shape[1]}
    return CompetitiveRun(order, winners, marks, np.stack(snaps_w), np.stack(snaps_t), info)


def label_neurons(responses: Any, labels: Any, n_classes: int = 10) -> np.ndarray:
    """Each neuron's class: the one whose images it responded to most on average (Diehl & Cook 2015); -1 for a
    neuron that never responded.

    ``responses`` (n_images, n_neurons) are spike counts (or 0/1 wins), ``labels`` the images' classes.
    """
    r = np.asarray(responses, dtype=float)
    y = np.asarray(labels, dtype=np.int64)
    if r.ndim != 2 or len(r) != len(y):
        raise ParameterError(f"label_neurons: responses must be (n_images, n_neurons) with one label per image; got "
                             f"{r.shape} and {y.shape}.")
    means = np.zeros((n_classes, r.shape[1]))
    for k in range(n_classes):
        if np.any(y == k):
            means[k] = r[y == k].mean(axis=0)
    out = np.argmax(means, axis=0)
    out[means.max(axis=0) <= 0] = -1
    return out


def vote(responses: Any, neuron_labels: Any, n_classes: int = 10) -> np.ndarray:
    """The class whose labelled neurons responded most on average to each image (Diehl & Cook 2015); -1 when no
    labelled neuron responded or classes tie (no answer, as a tie of spiking outputs)."""
    r = np.asarray(responses, dtype=float)
    lab = np.asarray(neuron_labels)
    score = np.full((len(r), n_classes), 0.0)
    for k in range(n_classes):
        if np.any(lab == k):
            score[:, k] = r[:, lab == k].mean(axis=1)
    best = score.max(axis=1)
    pred = np.argmax(score, axis=1)
    tie = (score == best[:, None]).sum(axis=1) > 1
    pred[(best <= 0) | tie] = -1
    return pred


def gradient_curve(x_train: Any, y_train: Any, x_test: Any, y_test: Any, order: Sequence[int], checkpoints: Any, *,
                   hidden: int = 100, seed: int = 0) -> tuple[np.ndarray, dict[str, float]]:
    """Test accuracy of a 64-``hidden``-10 ReLU network trained with labels (scikit-learn's Adam, minibatch 32, as
    :func:`~neurocompare.training.train_mlp`) after each number of images in ``checkpoints``, shown in ``order``;
    and its cost per training image (multiply-accumulates forward and backward, parameters updated)."""
    from .datasets import import_sklearn

    owner = "gradient_curve"
    marks = check_checkpoints(checkpoints, len(order), owner=owner)
    _, _, neural_network = import_sklearn()
    net = neural_network.MLPClassifier(hidden_layer_sizes=(hidden,), batch_size=32, learning_rate_init=1e-3,
                                       alpha=1e-3, random_state=seed)
    xtr, ytr = np.asarray(x_train, dtype=float), np.asarray(y_train)
    order = np.asarray(order, dtype=np.int64)
    acc = [np.nan]  # before any image: no network to ask (scikit-learn fits before it predicts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scikit-learn's convergence notices per partial_fit
        for lo, hi in zip(marks[:-1], marks[1:]):
            idx = order[lo:hi]
            net.partial_fit(xtr[idx], ytr[idx], classes=np.arange(10))
            acc.append(float(np.mean(net.predict(np.asarray(x_test, dtype=float)) == np.asarray(y_test))))
    n_in = xtr.shape[1]
    forward = n_in * hidden + hidden * 10
    cost = {"macs_forward": float(forward), "macs_backward": float(forward + hidden * 10),
            "parameters_updated_per_image": float((forward + hidden + 10) / 32)}
    return np.asarray(acc), cost
