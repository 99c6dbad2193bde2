"""Training the artificial network on the bundled 8x8 digits: the network, its history, its options.

Everything is seeded; the real 64-32-10 network trains once per module (about 2 s).
"""

from __future__ import annotations

import numpy as np
import pytest

from neurocompare.datasets import load_digits_split
from neurocompare.errors import InputError, ParameterError
from neurocompare.training import TrainedNetwork, forward_pass, train_mlp


@pytest.fixture(scope="module")
def quick() -> TrainedNetwork:
    """Three epochs of a 64-8-10 network: enough to test the bookkeeping."""
    return train_mlp(hidden=(8,), epochs=3, seed=3)


# ------------------------------------------------------------------------- training
def test_real_network_reaches_97_percent(trained):
    """The default 64-32-10 network: test accuracy >= 97 % (measured 97.22 % for seed 0)."""
    assert trained.layer_sizes == (64, 32, 10)
    assert trained.test_accuracy >= 0.97
    assert trained.history.test_accuracy[-1] == pytest.approx(trained.test_accuracy, abs=1e-12)
    assert trained.history.loss[-1] < trained.history.loss[0]


def test_weights_are_post_pre_and_history_ends_at_the_final_weights(quick):
    h = quick.history
    assert quick.weights[0].shape == (8, 64) and quick.weights[1].shape == (10, 8)
    assert h.n_epochs == 3 and h.n_layers == 2
    assert list(h.epochs) == [1, 2, 3]
    assert h.weights[0].shape == (3, 8, 64) and h.biases[1].shape == (3, 10)
    for l in range(2):
        assert np.array_equal(h.weights[l][-1], quick.weights[l])
        assert np.array_equal(h.biases[l][-1], quick.biases[l])
    # The weights change from epoch to epoch (they are recorded, not aliased).
    assert not np.array_equal(h.weights[0][0], h.weights[0][-1])
    for series in (h.loss, h.train_accuracy, h.test_accuracy):
        assert series.shape == (3,) and np.all(np.isfinite(series))


def test_forward_pass_is_relu_then_linear(quick):
    x = quick.x_test[:5]
    hidden = np.maximum(x @ quick.weights[0].T + quick.biases[0], 0.0)
    logits = hidden @ quick.weights[1].T + quick.biases[1]
    acts = quick.forward(x)
    np.testing.assert_allclose(acts[0], hidden, rtol=0, atol=1e-12)
    np.testing.assert_allclose(acts[1], logits, rtol=0, atol=1e-12)
    assert np.array_equal(quick.predict(x), np.argmax(logits, axis=1))
    assert quick.predict(x[0]).shape == (1,)


def test_history_accuracies_match_the_recorded_weights(quick):
    """Recomputing epoch 2's test accuracy from its recorded weights gives the recorded number."""
    h = quick.history
    w0, w1, b0, b1 = h.weights[0][1], h.weights[1][1], h.biases[0][1], h.biases[1][1]
    pred = np.argmax(np.maximum(quick.x_test @ w0.T + b0, 0) @ w1.T + b1, axis=1)
    assert np.mean(pred == quick.y_test) == pytest.approx(h.test_accuracy[1], abs=1e-12)


def test_training_is_seeded():
    a = train_mlp(hidden=(4,), epochs=2, seed=5)
    b = train_mlp(hidden=(4,), epochs=2, seed=5)
    c = train_mlp(hidden=(4,), epochs=2, seed=6)
    assert np.array_equal(a.weights[0], b.weights[0]) and np.array_equal(a.history.loss, b.history.loss)
    assert not np.array_equal(a.weights[0], c.weights[0])


def test_two_hidden_layers_and_a_given_split():
    data = load_digits_split(seed=4)
    t = train_mlp(hidden=(12, 6), epochs=2, seed=4, data=data)
    assert t.layer_sizes == (64, 12, 6, 10)
    assert [w.shape for w in t.weights] == [(12, 64), (6, 12), (10, 6)]
    assert np.array_equal(t.x_test, data.x_test)
    assert t.hyperparameters["hidden"] == (12, 6)


def test_weight_histograms_and_trajectories(quick):
    h = quick.history
    counts, edges = h.weight_histograms(10)
    assert counts.shape == (3, 10) and edges.shape == (11,)
    assert np.all(counts.sum(axis=1) == 8 * 64 + 10 * 8)  # every weight of every epoch is binned
    c1, e1 = h.weight_histograms(np.linspace(-1, 1, 5), layer=1)
    assert c1.shape == (3, 4) and np.array_equal(e1, np.linspace(-1, 1, 5))
    assert np.array_equal(h.bias_trajectories(0), h.biases[0])
    assert h.weight_trajectories(1).shape == (3, 80)
    assert h.weight_norms().shape == (3, 2)
    with pytest.raises(ParameterError, match="layer"):
        h.bias_trajectories(2)
    with pytest.raises(ParameterError, match="bins"):
        h.weight_histograms(0)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"hidden": ()}, "hidden"),
        ({"hidden": (0,)}, "hidden"),
        ({"hidden": "32"}, "hidden"),
        ({"epochs": 0}, "epochs"),
        ({"seed": -1}, "seed"),
        ({"learning_rate": 0.0}, "learning_rate"),
        ({"alpha": -1.0}, "alpha"),
        ({"batch_size": 0}, "batch_size"),
        ({"data": "digits"}, "DigitsSplit"),
    ],
)
def test_train_rejects_bad_options(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        train_mlp(**kwargs)


def test_predict_rejects_wrong_shapes(quick):
    with pytest.raises(InputError, match=r"\(batch, 64\)"):
        quick.predict(np.zeros((2, 63)))
    with pytest.raises(InputError, match="finite"):
        quick.predict(np.full((1, 64), np.nan))


def test_forward_pass_is_the_networks_forward(quick):
    """forward_pass on the raw arrays = TrainedNetwork.forward; relu_output clips the logits at 0 (exact)."""
    x = quick.x_test[:7]
    plain = forward_pass(quick.weights, quick.biases, x)
    for a, b in zip(plain, quick.forward(x)):
        np.testing.assert_array_equal(a, b)
    relu = forward_pass(quick.weights, quick.biases, x, relu_output=True)
    np.testing.assert_array_equal(relu[0], plain[0])
    np.testing.assert_array_equal(relu[-1], np.maximum(plain[-1], 0.0))
