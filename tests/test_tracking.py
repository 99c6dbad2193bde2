"""Logging a trained network to MLflow: the round trip through a sqlite store, and the error messages.

Seeded; the network is a 3-epoch 64-8-10 perceptron (well under a second). The round trip creates an
MLflow store (about 8 s on first use), so it is marked slow.
"""

from __future__ import annotations

import sys

import numpy as np
import pytest

from neurocompare.errors import BackendError, ParameterError
from neurocompare.tracking import log_to_mlflow
from neurocompare.training import TrainedNetwork, train_mlp


@pytest.fixture(scope="module")
def quick() -> TrainedNetwork:
    """Three epochs of a 64-8-10 network: enough to test the bookkeeping."""
    return train_mlp(hidden=(8,), epochs=3, seed=3)


# ---------------------------------------------------------------------------- MLflow
@pytest.mark.slow
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


@pytest.mark.slow
def test_log_to_mlflow_sqlite_needs_sqlalchemy(quick, monkeypatch, tmp_path):
    pytest.importorskip("mlflow", reason="mlflow-skinny is not installed (pip install 'neurocompare[mlflow]')")
    import importlib.util

    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "alembic" else real(name, *a))
    with pytest.raises(BackendError, match=r"needs alembic.*neurocompare\[mlflow\]"):
        log_to_mlflow(quick, tracking_uri=f"sqlite:///{tmp_path / 'x.db'}")
