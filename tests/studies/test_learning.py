"""The learning study: three learners on one architecture, measured; its MLflow record; the scenario's report."""

from __future__ import annotations

import json

import numpy as np
import pytest

from neurocompare.errors import NeurocompareError
from neurocompare.studies.learning import learning_checkpoints, learning_study, selectivity_of


@pytest.fixture(scope="module")
def small():
    """300 training images, one pass, 120 test images, the reference simulator (about 8 s)."""
    return learning_study(seed=0, train_images=300, test_images=120, passes=1, simulator="reference")


@pytest.mark.slow
def test_the_small_study_learns_and_measures_every_learner(small):
    s = small
    assert list(s.checkpoints) == [0, 25, 50, 100, 200, 300]
    for name in ("spiking", "competitive", "gradient"):
        assert np.isnan(s.accuracy[name][0])  # nothing to ask before the first image
    # after 300 images (one pass over a fifth of the training set): well above chance (0.1) for the unsupervised
    # learners, and the spiking one improves with training
    assert s.accuracy["spiking"][-1] > 0.6 and s.accuracy["competitive"][-1] > 0.6
    assert s.accuracy["spiking"][-1] > s.accuracy["spiking"][1] + 0.2
    m = s.metrics
    assert m["learning_accuracy.spiking"].value == pytest.approx(s.accuracy["spiking"][-1])
    assert m["specialist_classes.spiking"].value >= 8  # most digits have a specialist
    assert m["learning_silent_test_images"].value < 0.05
    assert m["learning_cost.gradient_macs_per_image"].value == 2 * (64 * 100 + 100 * 10) + 100 * 10
    names = {p.name for p in s.panels}
    assert {"learning_curves", "receptive_fields_over_training", "receptive_fields_spiking",
            "receptive_fields_competitive", "count_histograms", "thresholds", "selectivity", "learning_cost",
            "conversion_both_ways"} <= names
    circuit = s.circuit()
    assert [p.name for p in circuit.projections] == ["pixels->learners", "learners->learners"]
    np.testing.assert_array_equal(circuit.projections[0].counts, s.run.final_counts)
    assert [p.name for p in s.circuit(inhibition=False).projections] == ["pixels->learners"]


def test_checkpoints_double_in_the_first_pass_then_mark_each_pass():
    assert learning_checkpoints(1437, 3).tolist() == [0, 25, 50, 100, 200, 400, 800, 1437, 2874, 4311]
    assert learning_checkpoints(30, 1).tolist() == [0, 25, 30]


def test_selectivity_is_preferred_over_all_classes():
    responses = np.array([[4, 1, 0], [0, 1, 0], [4, 1, 0], [0, 1, 0]])
    y = np.array([0, 1, 0, 1])
    sel = selectivity_of(responses, y, n_classes=2)
    assert sel[0] == 1.0 and sel[1] == 0.5 and np.isnan(sel[2])


@pytest.mark.parametrize("kwargs, match", [
    ({"passes": 0}, "passes must be an integer in 1..20"),
    ({"simulator": "nest"}, "unknown simulator 'nest'"),
    ({"test_thresholds": "median"}, "unknown test_thresholds 'median'"),
    ({"train_images": 5}, "need at least 10 training images"),
    ({"neuron": "izhikevich:XX"}, "XX"),
])
def test_bad_options_are_named_before_any_training(kwargs, match):
    with pytest.raises(NeurocompareError, match=match):
        learning_study(**kwargs)


@pytest.mark.slow
def test_log_learning_records_every_checkpoint(small, tmp_path):
    mlflow = pytest.importorskip("mlflow", reason="mlflow-skinny is not installed (pip install 'neurocompare[mlflow]')")
    from neurocompare.tracking import log_learning

    uri = f"sqlite:///{tmp_path / 'mlflow.db'}"
    run_id = log_learning(small, tracking_uri=uri, metrics={"final": 0.5})
    client = mlflow.tracking.MlflowClient(tracking_uri=uri)
    run = client.get_run(run_id)
    assert run.data.params["rule.eta"] == "0.01" and run.data.params["simulator"] == "reference"
    history = client.get_metric_history(run_id, "accuracy_spiking")
    assert [h.step for h in history] == small.checkpoints.tolist()
    assert history[-1].value == pytest.approx(small.accuracy["spiking"][-1])
    synapses = client.get_metric_history(run_id, "synapses")
    assert synapses[-1].value == small.run.final_counts.sum()
    artifacts = {a.path for a in client.list_artifacts(run_id)}
    assert {"learning_checkpoints.npz", "learning_curves.png"} <= artifacts
    local = client.download_artifacts(run_id, "learning_checkpoints.npz", str(tmp_path))
    with np.load(local) as f:
        np.testing.assert_array_equal(f["counts"], small.run.counts)


@pytest.mark.slow
def test_the_quick_scenario_writes_its_report(tmp_path):
    from neurocompare.scenarios import run_scenario

    c = run_scenario("learning", out_dir=tmp_path, seed=0, quick=True)
    doc = json.loads((tmp_path / "metrics.json").read_text())
    assert doc["scenario"] == "learning"
    assert c.metric("learning_accuracy.spiking") > 0.4  # 200 images, one pass: learning has begun
    figures = {p.stem for p in (tmp_path / "figures").glob("*.png")}
    assert {"extra_learning_curves", "extra_receptive_fields_over_training", "circuit"} <= figures
    html = (tmp_path / "report.html").read_text()
    assert "What survives conversion the other way" in html
    # wall times are parameters, not metrics (a second run of the same code reproduces every metric)
    assert not [k for k in doc["metrics"] if "time_s" in k]
    assert doc["parameters"]["learning_train_time_s"] > 0 and doc["parameters"]["learning_target"] == "numpy"
