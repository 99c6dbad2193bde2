"""neurocompare.report.figures: figures drawn from a comparison's saved data, nothing recomputed."""

from __future__ import annotations

import dataclasses
from types import MappingProxyType

import numpy as np
import pytest

import neurocompare.metrics
import neurocompare.metrics.nonlinearity
from neurocompare.comparison import PANEL_KINDS, Panel
from neurocompare.metrics import evaluate_fit
from neurocompare.report import figures


def _line(fig, label_start: str):
    (ax,) = fig.axes
    lines = [ln for ln in ax.get_lines() if str(ln.get_label()).startswith(label_start)]
    assert len(lines) == 1, [ln.get_label() for ln in ax.get_lines()]
    return lines[0]


def test_transfer_draws_the_fits_compare_made_without_refitting(comparison, monkeypatch):
    def no_fit(*a, **k):
        raise AssertionError("figures must not fit")

    monkeypatch.setattr(neurocompare.metrics, "fit_activation", no_fit)
    monkeypatch.setattr(neurocompare.metrics.nonlinearity, "fit_activation", no_fit)
    fig = figures.transfer_function(comparison)
    for kind in ("relu", "sigmoid", "tanh"):
        line = _line(fig, f"best {kind} fit")
        rmse = comparison.metrics[f"transfer_fit_rmse.{kind}"].value
        assert line.get_label() == f"best {kind} fit (RMSE {rmse:.3g})"
        expected = evaluate_fit(kind, comparison.curves[f"transfer_fit_{kind}"], line.get_xdata())
        np.testing.assert_array_equal(line.get_ydata(), expected)


def _with_backend_threshold(comparison, v_threshold: float, *, population_neuron: bool):
    """The comparison as if the backend's neuron had ``v_threshold``, the output population keeping its own or not."""
    params = dict(comparison.parameters)
    params["neuron"] = {**params["neuron"], "v_threshold": v_threshold}
    circuit = comparison.circuit
    if not population_neuron:
        pops = [dataclasses.replace(p, neuron=None) for p in circuit.populations]
        circuit = dataclasses.replace(circuit, populations=pops)
    return dataclasses.replace(comparison, circuit=circuit, parameters=MappingProxyType(params))


@pytest.mark.parametrize("population_neuron, expected", [(True, 1.0), (False, 0.75)])
def test_membrane_threshold_is_the_populations_else_the_backends(comparison, population_neuron, expected):
    assert comparison.circuit.population(comparison.output).neuron.v_threshold == 1.0
    c = _with_backend_threshold(comparison, 0.75, population_neuron=population_neuron)
    fig = figures.membrane_traces(c)
    np.testing.assert_array_equal(_line(fig, "threshold").get_ydata(), [expected, expected])


@pytest.mark.parametrize("kind", PANEL_KINDS)
def test_every_panel_kind_has_a_drawer(kind):
    panel = {
        "lines": Panel("p", "t", "c", "lines", x=[0, 1], series={"a": [0, 1]}, errors={"a": [0.1, 0.1]}),
        "bars": Panel("p", "t", "c", "bars", x=["u", "v"], series={"a": [1, 2], "b": [2, 1]}),
        "table": Panel("p", "t", "c", "table", columns=["k", "v"], rows=[["a", "1"]]),
        "heatmap": Panel("p", "t", "c", "heatmap", series={"values": [[0, 1], [1, 0]]}, columns=["x", "y"]),
        "images": Panel("p", "t", "c", "images", series={"images": np.zeros((3, 4, 4))}, columns=["i", "j", "k"]),
    }[kind]
    fig = figures.panel_figure(panel)
    assert fig.axes


def test_the_synapse_count_histogram_shows_non_zero_counts_only():
    from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection
    from neurocompare.compare import compare

    counts = np.zeros((150, 4), dtype=int)
    counts[np.arange(0, 150, 10), np.arange(15) % 4] = 2  # 15 connected pairs of 600
    counts[3, 1] = -1
    c = compare(Circuit("sparse", inputs=[InputPopulation("x", 4)], populations=[NeuronPopulation("net", 150)],
                        projections=[Projection("x", "net", counts=counts)]),
                np.linspace(0.1, 0.9, 8).reshape(2, 4), spiking="reference", seed=0)
    fig = figures.synapse_counts(c)
    hist = fig.axes[1]
    heights = {round(p.get_x() + p.get_width() / 2): p.get_height() for p in hist.patches}
    assert heights.get(0, 0) == 0 and heights[2] == 15 and heights[-1] == 1
    assert "16 of 600 pairs connected" in hist.get_title() and "non-zero" in hist.get_xlabel()
    # the raster shows the most active 50 of the 150 neurons (most spikes in the shown samples, ties: lower index)
    shown = figures.shown_neurons(c, "net", np.arange(2))
    spikes = np.asarray(c.snn.spikes["net"].counts()).sum(axis=0)
    assert len(shown) == figures.RASTER_SHOWN == 50 and np.all(np.diff(shown) > 0) and spikes.max() > 0
    assert spikes[shown].min() >= np.delete(spikes, shown).max()
    raster = figures.raster_and_heatmap(c)
    labels = [t.get_text() for t in raster.axes[0].get_legend().get_texts()]
    assert "net (50 most active of 150)" in labels and "x" in labels
