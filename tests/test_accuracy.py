"""Accuracy against labels: one tie rule everywhere (a tie for the top is no answer and counts as wrong)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection
from neurocompare.compare import compare
from neurocompare.errors import InputError
from neurocompare.metrics import METRICS, accuracy, check_labels


def test_a_tie_for_the_top_counts_as_wrong_never_as_the_first_class():
    acts = [[0.2, 0.9, 0.1], [0.5, 0.5, 0.0], [0.0, 0.0, 0.0], [0.7, 0.1, 0.1]]
    labels = [1, 0, 0, 0]
    assert accuracy(acts, labels) == pytest.approx(2 / 4)  # np.argmax would say 4 / 4
    assert np.mean(np.argmax(acts, axis=1) == labels) == 1.0


def test_threshold_labels_are_the_expected_pattern_of_every_output():
    acts = np.array([[0.9, 0.1], [0.9, 0.9], [0.1, 0.1]])
    assert accuracy(acts, [[1, 0], [1, 0], [0, 0]], mode="threshold") == pytest.approx(2 / 3)
    assert accuracy([[0.2], [0.8]], [0, 1], mode="threshold") == 1.0  # one output: a 0/1 per sample


@pytest.mark.parametrize("labels, mode, message", [
    ([0, 1], "argmax", r"labels must have shape \(3,\)"),
    ([0, 1, 2], "argmax", r"integer classes in \[0, 2\).*got 2"),
    ([0, 1.5, 1], "argmax", r"integer classes in \[0, 2\).*got 1.5"),
    ([[1, 0], [0, 2], [0, 0]], "threshold", r"must be 0 or 1 per output; got 2"),
])
def test_bad_labels_name_the_value_and_the_rule(labels, mode, message):
    with pytest.raises(InputError, match=message):
        check_labels(labels, batch=3, size=2, mode=mode, owner="compare")


def _winner_circuit():
    """Two inputs copied to two outputs: the answer is the larger input; equal inputs tie."""
    return Circuit("winner", inputs=[InputPopulation("x", 2)], populations=[NeuronPopulation("out", 2)],
                   projections=[Projection("x", "out", counts=[[1, 0], [0, 1]])])


def test_compare_with_labels_reports_both_accuracies_and_counts_a_tie_wrong():
    x = np.array([[0.8, 0.2], [0.1, 0.7], [0.0, 0.0], [0.6, 0.3]])
    labels = [0, 1, 0, 1]  # sample 2: silent outputs tie (no answer, not class 0); sample 3 is wrong
    c = compare(_winner_circuit(), x, spiking="reference", seed=0, labels=labels)
    assert c.metrics["ann_accuracy"].value == pytest.approx(2 / 4)
    assert c.snn.spike_counts("out")[2].tolist() == [0, 0]
    assert c.metrics["snn_accuracy"].value == pytest.approx(2 / 4)
    assert "tie" in METRICS["ann_accuracy"].description and METRICS["snn_accuracy"].direction == "higher"
    for result in (c.ann, c.snn):  # plain argmax would credit the tie
        assert np.mean(np.argmax(result["out"], axis=1) == labels) == 0.75


def test_compare_without_labels_measures_no_accuracy_and_rejects_bad_labels_before_running():
    x = np.array([[0.8, 0.2], [0.1, 0.7]])
    c = compare(_winner_circuit(), x, spiking="reference", seed=0)
    assert math.isnan(c.metrics["ann_accuracy"].value) and math.isnan(c.metrics["snn_accuracy"].value)
    with pytest.raises(InputError, match=r"compare: labels must have shape \(2,\)"):
        compare(_winner_circuit(), x, spiking="reference", seed=0, labels=[0, 1, 1])
