"""Training the artificial network on the bundled 8x8 digits, and logging it to MLflow.

Everything is seeded; the real 64-32-10 network trains once per module (about 3 s).
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from neurocompare.errors import BackendError, InputError, ParameterError
from neurocompare.datasets import DigitsSplit, load_digits_split
from neurocompare.tracking import log_to_mlflow
from neurocompare.training import TrainedNetwork, train_mlp

N_DIGITS = 1797


@pytest.fixture(scope="module")
def trained() -> TrainedNetwork:
    """The default 64-32-10 network, seed 0 (about 3 s)."""
    return train_mlp(seed=0)


@pytest.fixture(scope="module")
def quick() -> TrainedNetwork:
    """Three epochs of a 64-8-10 network: enough to test the bookkeeping."""
    return train_mlp(hidden=(8,), epochs=3, seed=3)


# ----------------------------------------------------------------------------- data
def test_split_shapes_range_and_stratification():
    d = load_digits_split(test_fraction=0.2, seed=0)
    assert isinstance(d, DigitsSplit)
    assert d.x_train.shape == (1437, 64) and d.x_test.shape == (360, 64)
    assert len(d.y_train) + len(d.y_test) == N_DIGITS
    assert d.x_train.min() >= 0.0 and max(d.x_train.max(), d.x_test.max()) == 1.0
    # Stratified: every class's share of the test set is within one image of 20 % of the class.
    total = np.bincount(np.concatenate([d.y_train, d.y_test]), minlength=10)
    test = np.bincount(d.y_test, minlength=10)
    assert np.all(np.abs(test - 0.2 * total) <= 1.0)
    assert not d.x_train.flags.writeable


def test_split_is_seeded():
    a, b, c = load_digits_split(seed=1), load_digits_split(seed=1), load_digits_split(seed=2)
    assert np.array_equal(a.x_test, b.x_test) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_test, c.y_test)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, float("nan"), "0.2"])
def test_split_rejects_bad_fraction(fraction):
    with pytest.raises(ParameterError, match="test_fraction"):
        load_digits_split(test_fraction=fraction)


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


# ---------------------------------------------------------------------------- MLflow
def test_log_to_mlflow_round_trip(quick, tmp_path):
    mlflow = pytest.importorskip("mlflow", reason="mlflow-skinny is not installed (pip install 'neurocompare[mlflow]')")
    pytest.importorskip("sqlalchemy", reason="the sqlite tracking store needs sqlalchemy")
    pytest.importorskip("alembic", reason="the sqlite tracking store needs alembic")
    fig = tmp_path / "weights.png"
    fig.write_bytes(b"\x89PNG\r\n\x1a\n")
    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    run_id = log_to_mlflow(quick, tracking_uri=uri, experiment="test", figures=[fig],
                           extra_metrics={"snn_accuracy": 0.5})
    client = mlflow.tracking.MlflowClient(tracking_uri=uri)
    history = client.get_metric_history(run_id, "test_accuracy")
    assert [m.step for m in sorted(history, key=lambda m: m.step)] == [1, 2, 3]
    values = [m.value for m in sorted(history, key=lambda m: m.step)]
    np.testing.assert_allclose(values, quick.history.test_accuracy, rtol=0, atol=1e-12)
    run = client.get_run(run_id)
    assert run.data.params["seed"] == "3" and run.data.params["hidden"] == "8"
    assert run.data.metrics["snn_accuracy"] == 0.5
    assert [a.path for a in client.list_artifacts(run_id)] == ["weights.png"]
    assert (tmp_path / "mlartifacts").is_dir()  # artifacts beside the database, not in ./mlruns


def test_log_to_mlflow_without_mlflow_says_how_to_install(quick, monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "mlflow", None)  # makes "import mlflow" raise ImportError
    with pytest.raises(BackendError, match=r"neurocompare\[mlflow\]"):
        log_to_mlflow(quick, tracking_uri=f"sqlite:///{tmp_path / 'x.db'}")


def test_log_to_mlflow_rejects_missing_figures(quick, tmp_path):
    with pytest.raises(ParameterError, match="not found"):
        log_to_mlflow(quick, tracking_uri=f"sqlite:///{tmp_path / 'x.db'}", figures=[tmp_path / "nope.png"])
    with pytest.raises(ParameterError, match="TrainedNetwork"):
        log_to_mlflow("model")


def test_log_to_mlflow_sqlite_needs_sqlalchemy(quick, monkeypatch, tmp_path):
    pytest.importorskip("mlflow", reason="mlflow-skinny is not installed (pip install 'neurocompare[mlflow]')")
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "alembic" else real(name, *a))
    with pytest.raises(BackendError, match=r"needs alembic.*neurocompare\[mlflow\]"):
        log_to_mlflow(quick, tracking_uri=f"sqlite:///{tmp_path / 'x.db'}")
