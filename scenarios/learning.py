"""How does a real neuron learn its weights? Spike-timing-dependent plasticity on synapse counts, beside gradient descent.

A hundred spiking neurons see the bundled 8x8 digits as Poisson spike trains, one image after another, with no
labels: their weights are integer synapse counts that spike-timing-dependent plasticity adds and removes (an
accumulated structural potential per connection), they inhibit each other, and adaptive thresholds give each its
share of the images (neurocompare.plasticity; Diehl & Cook 2015). The same 64 -> 100 architecture learns twice
more on the same images in the same order: by unsupervised competitive learning and by gradient descent with
labels. The report shows accuracy against training images for the three, receptive fields over training,
synapse counts and thresholds over training, selectivity, the cost of learning, what survives conversion the other
way. The table's rows compare the learned feed-forward synapse counts on both backends (the lateral inhibition
left out: a synchronous artificial layer would turn it into an oscillation; the winner-take-all read-out of both
kinds is in the study's figures).
"""

from dataclasses import replace

import numpy as np

from neurocompare.backends.brian2 import SpikingBackend
from neurocompare.backends.reference import ReferenceBackend
from neurocompare.compare import compare
from neurocompare.scenarios import run_script
from neurocompare.studies.learning import learning_study

QUICK = {"train_images": 160, "test_images": 80, "passes": 1, "label_images": 160}


def build_circuit(*, seed=0):
    """The network after learning (a short run: 300 training images, one pass, the reference simulator)."""
    return learning_study(seed=seed, train_images=300, test_images=10, passes=1, simulator="reference").circuit()


def run(*, seed=0, progress=None, passes=3, n_learners=100, train_images=0, test_images=0, neuron="", synapse="",
        simulator="brian2", target="auto", test_thresholds="mean", label_images=500, mlflow=""):
    """``passes`` over the training set (1-20); ``train_images``/``test_images``: the first that many (0: all);
    ``neuron``, ``synapse``: the learners' models (e.g. "izhikevich:RS", "exp_current"); ``simulator``: "brian2"
    or "reference"; ``test_thresholds``: "mean" (learned thresholds flattened for testing) or "learned";
    ``label_images``: training images that label the neurons after training (0: all);
    ``mlflow``: a tracking URI to log the counts, thresholds and accuracy per checkpoint to."""
    study = learning_study(seed=seed, passes=passes, n_learners=n_learners, train_images=train_images,
                           test_images=test_images, neuron=neuron, synapse=synapse, simulator=simulator,
                           target=target, test_thresholds=test_thresholds, label_images=label_images,
                           progress=progress)
    net = study.network
    clock = dict(duration_ms=net.presentation_ms, dt_ms=net.dt_ms, encoding="poisson",
                 rate_scale_hz=net.rate_scale_hz)
    spiking = SpikingBackend(**clock, synapse_mode="aggregate") if simulator == "brian2" else ReferenceBackend(**clock)
    c = compare(study.circuit(inhibition=False), {"pixels": study.test_values}, spiking=spiking, seed=seed, name="learning",
                progress=progress)
    metrics = dict(study.metrics)
    if mlflow:
        from neurocompare.tracking import log_learning
        log_learning(study, tracking_uri=mlflow,
                     metrics={k: m.value for k, m in metrics.items() if np.isfinite(m.value)})
    # wall times go with the parameters (metrics are what a second run of the same code reproduces)
    return replace(c.with_extras(metrics=metrics, panels=study.panels), parameters={**c.parameters, **study.times})


if __name__ == "__main__":
    run_script()
