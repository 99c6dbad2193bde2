"""The artificial learners beside the spiking one: competitive learning, labelling and voting, gradient descent."""

from __future__ import annotations

import numpy as np
import pytest

from neurocompare.competitive import gradient_curve, label_neurons, learn_competitive, vote
from neurocompare.datasets import load_digits_split
from neurocompare.errors import ParameterError


def _clusters(seed=0, n=200):
    """Two well-separated clusters on the positive quadrant of 4-D space."""
    rng = np.random.default_rng(seed)
    centres = np.array([[1.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 1.0]])
    y = rng.integers(0, 2, n)
    return np.abs(centres[y] + 0.1 * rng.normal(size=(n, 4))), y, centres


def test_competitive_units_move_to_the_clusters_and_share_them():
    x, y, centres = _clusters()
    run = learn_competitive(x, np.arange(len(x)), n_units=2, seed=0, checkpoints=[50])
    w = run.weights[-1]
    unit = centres / np.linalg.norm(centres, axis=1, keepdims=True)
    cos = w @ unit.T  # each unit points at one centre (cosine > 0.98), not both at the same one
    assert sorted(np.argmax(cos, axis=1).tolist()) == [0, 1]
    assert np.all(cos.max(axis=1) > 0.98)
    np.testing.assert_allclose(np.linalg.norm(w, axis=1), 1.0, rtol=1e-12)  # scaled to norm 1
    assert run.weights.shape == (3, 2, 4) and list(run.checkpoints) == [0, 50, 200]
    labels = label_neurons(run.responses, y[run.images], n_classes=2)
    assert sorted(labels.tolist()) == [0, 1]
    assert np.array_equal(np.bincount(run.winners, minlength=2) > 60, [True, True])  # the thresholds share out


def test_vote_reads_labelled_responses_and_calls_ties_no_answer():
    responses = np.array([[3, 0, 1], [0, 2, 0], [1, 1, 0], [0, 0, 0]])
    labels = np.array([0, 1, -1])  # the third neuron never answered: it does not vote
    assert vote(responses, labels, n_classes=2).tolist() == [0, 1, -1, -1]


def test_label_neurons_uses_mean_responses_per_class():
    responses = np.array([[2, 0], [2, 0], [0, 1], [1, 0]])
    y = np.array([0, 0, 1, 1])  # neuron 0: class 0 mean 2, class 1 mean 0.5; neuron 1: class 1 only
    assert label_neurons(responses, y, n_classes=2).tolist() == [0, 1]
    with pytest.raises(ParameterError, match="one label per image"):
        label_neurons(responses, y[:3])


@pytest.mark.slow
def test_gradient_descent_learns_the_digits_within_three_passes():
    d = load_digits_split(seed=0)
    order = np.concatenate([np.random.default_rng(0).permutation(len(d.x_train)) for _ in range(3)])
    acc, cost = gradient_curve(d.x_train, d.y_train, d.x_test, d.y_test, order, [100, 1437], hidden=100, seed=0)
    assert np.isnan(acc[0])  # nothing to ask before the first image
    assert acc[-1] > 0.85 and acc[1] < acc[-1]
    assert cost["macs_forward"] == 64 * 100 + 100 * 10


def test_bad_inputs_are_named():
    x, _, _ = _clusters()
    with pytest.raises(ParameterError, match="order must index the 200 images"):
        learn_competitive(x, [0, 200])
    with pytest.raises(ParameterError, match="eta must be a finite number > 0"):
        learn_competitive(x, [0], eta=0.0)
    with pytest.raises(ParameterError, match="images must be finite"):
        learn_competitive(np.full((2, 4), np.nan), [0])
