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
from neurocompare.report import panels as figures_panels


def _line(fig, label_start: str, ax=None):
    if ax is None:
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
    for ax in fig.axes:
        np.testing.assert_array_equal(_line(fig, "threshold", ax).get_ydata(), [expected, expected])


def test_membrane_shows_the_neurons_that_spike_with_their_spikes(comparison):
    """The XOR output fires for inputs 01 and 10 only: the figure shows those samples, not the silent sample 0."""
    counts = np.asarray(comparison.snn.spikes["out"].counts())[:, 0]
    assert counts[0] == 0 and counts[1] > 0 and counts[2] > 0  # guard: the fixture's output fires on 01, 10
    picks = figures.membrane_choice(comparison)
    assert picks == [(1, [0]), (2, [0])]
    fig = figures.membrane_traces(comparison)
    assert [ax.get_title() for ax in fig.axes] == ["sample 1", "sample 2"]
    for ax, (b, _) in zip(fig.axes, picks):
        trace = _line(fig, "neuron 0 (most spikes", ax)
        window = trace.get_xdata().max()
        spikes = comparison.snn.spikes["out"].times(b, 0)
        marks = _line(fig, "spikes of neuron 0", ax).get_xdata()
        np.testing.assert_array_equal(marks, spikes[spikes <= window])
        assert len(marks) >= min(len(spikes), figures.MEMBRANE_SPIKES) > 0


def _overlaps(fig, legend, ax) -> bool:
    fig.draw_without_rendering()  # constrained layout places everything on draw
    return legend.get_window_extent().overlaps(ax.get_window_extent())


def test_legends_sit_outside_the_data(comparison):
    for make in (figures.transfer_function, figures.rate_scatter, figures.agreement_vs_time):
        fig = make(comparison)
        (legend,), (ax,) = fig.legends, fig.axes
        assert not _overlaps(fig, legend, ax), make.__name__
    fig = figures.membrane_traces(comparison)
    for ax in fig.axes:
        assert not _overlaps(fig, ax.get_legend(), ax)
    panel = Panel("p", "t", "c", "lines", x=np.arange(5), series={"a": np.arange(5), "b": np.arange(5)})
    fig = figures.panel_figure(panel)
    assert not _overlaps(fig, fig.legends[0], fig.axes[0])


def test_agreement_time_axis_is_logarithmic(comparison):
    ax = figures.agreement_vs_time(comparison).axes[0]
    assert ax.get_xscale() == "log" and "log scale" in ax.get_xlabel()


def test_identical_lines_stay_distinguishable():
    """Two series with the same data differ in colour, line style and marker; "GROUP, VARIANT" labels share the
    group's colour and the variant's style; 10 unlabelled-by-group series are 10 different (colour, style) pairs."""
    y = np.tile([0.0, 0.4], 10)
    fig = figures.panel_figure(Panel("p", "t", "c", "lines", x=np.arange(20), series={"neuron 0": y, "neuron 1": y}))
    a, b = _line(fig, "neuron 0"), _line(fig, "neuron 1")
    assert a.get_color() != b.get_color() and a.get_linestyle() != b.get_linestyle()
    assert a.get_marker() != b.get_marker() and a.get_markersize() > b.get_markersize()
    styles = figures_panels.line_styles(["regular, rate", "regular, charge", "poisson, rate"])
    assert styles[0]["color"] == styles[1]["color"] != styles[2]["color"]
    assert styles[0]["ls"] == styles[2]["ls"] != styles[1]["ls"]
    many = figures_panels.line_styles([f"digit {k}" for k in range(10)])
    assert len({(s["color"], s["ls"]) for s in many}) == 10


def test_accuracy_time_has_a_log_axis_a_zoom_and_the_ann_as_reference():
    t = np.arange(1.0, 101.0)
    acc = 0.97 * (1 - np.exp(-t / 5))
    panel = Panel("accuracy_time", "Accuracy vs simulated time", "c", "lines", x=t,
                  series={"regular, rate read-out": acc, "regular, charge read-out": acc,
                          "ANN (reference)": np.full(100, 0.97), "ANN - 1 pp": np.full(100, 0.96)},
                  xlabel="simulated time (ms)", ylabel="test accuracy")
    fig = figures.panel_figure(panel)
    full, zoom = fig.axes
    assert full.get_xscale() == zoom.get_xscale() == "log" and "log scale" in zoom.get_xlabel()
    assert zoom.get_ylim()[0] > 0.85 and zoom.get_ylim()[1] <= 1.01  # the zoom is near the ANN's accuracy
    ann = _line(fig, "ANN (reference): 97.00%", full)
    assert tuple(ann.get_ydata()) == (0.97, 0.97)  # a horizontal line, not a data series
    assert fig.legends and not _overlaps(fig, fig.legends[0], full)


def test_error_budget_bars_draw_the_one_image_resolution():
    from neurocompare.studies.conversion import BudgetTerm, _budget_report

    terms = [BudgetTerm("weight rounding", "5-bit", 0.95, -1.0, True),
             BudgetTerm("axonal delays (what-if)", "1 ms", 0.96, 0.5, False)]
    _, _, bars = _budget_report(terms, ann_acc=0.97, ideal_acc=0.96, actual_accuracy=0.95, n_test=200,
                                ideal_setting="ideal", at_ms=10.0, suffix="_10ms")
    assert bars.name == "error_budget_bars_10ms" and "at 10 ms" in bars.title  # drawn like error_budget_bars
    assert list(bars.x) == ["ideal spiking run", "weight rounding", "sum of counted terms",
                            "measured gap (SNN - ANN)", "residual (gap - sum)", "axonal delays (what-if)"]
    shown = np.array([bars.series[k] for k in ("counted term", "total", "what-if (not in the actual run)")])
    assert np.all(np.sum(np.isfinite(shown), axis=0) == 1)  # each term is one bar of one series
    fig = figures.panel_figure(bars)
    (ax,) = fig.axes
    band = [p for p in ax.patches if p.get_label().startswith("one test image (n = 200)")]
    assert len(band) == 1
    y0, height = band[0].get_y(), band[0].get_height()  # axhspan: a rectangle spanning the axes' width
    assert y0 == pytest.approx(-0.5) and y0 + height == pytest.approx(0.5)  # +/- 100 / 200 pp
    assert len([p for p in ax.patches if p.get_label() != band[0].get_label()]) == 6  # one bar per term
    assert ax.get_xlabel() and ax.get_ylabel() == "accuracy change (pp)"


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
    labels = [t.get_text() for t in raster.legends[0].get_texts()]
    assert "net (50 most active of 150)" in labels and "x" in labels


def test_the_membrane_figure_says_what_the_model_that_ran_did(comparison):
    """Issue 26: the caption described integrate-and-reset whatever ran; silent outputs and models without a reset
    are said as such."""
    assert figures.membrane_story(comparison).startswith("the most active output neurons integrate to the threshold")
    silent = dataclasses.replace(comparison, snn=dataclasses.replace(
        comparison.snn, spikes={**comparison.snn.spikes, comparison.output: dataclasses.replace(
            comparison.snn.spikes[comparison.output], time_ms=np.zeros(0), neuron=np.zeros(0, int),
            sample=np.zeros(0, int), sign=None)}))
    story = figures.membrane_story(silent)
    assert "never reached the threshold (black dashed) in this run: silent; the largest mean drive they received " \
           "was " in story  # measured, not assumed to be below what the model needs
    caption = dict((stem, text) for stem, text, _ in figures.all_figures(silent))["membrane"]
    assert "silent" in caption and "reset" not in caption
