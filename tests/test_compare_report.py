"""compare(), the report folder and its re-rendering."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest

from neurocompare import SpikingBackend
from neurocompare.compare import compare
from neurocompare.comparison import Comparison, Panel
from neurocompare.demo import XOR_INPUTS, xor_circuit
from neurocompare.errors import ParameterError, ReportError, UnknownNameError
from neurocompare.metrics import Metric
from neurocompare.report import REPORT_FILES, load_comparison, render_report, write_report

FIGURES = {"circuit", "raster_heatmap", "membrane", "transfer", "rate_scatter", "synapse_counts", "agreement_time"}


@pytest.fixture(scope="module")
def comparison() -> Comparison:
    spiking = SpikingBackend(encoding="regular", rate_scale_hz=100.0, duration_ms=100.0, target="numpy")
    return compare(xor_circuit(), XOR_INPUTS, spiking=spiking, seed=3)


@pytest.fixture(scope="module")
def report_dir(comparison, tmp_path_factory) -> Path:
    extra = comparison.with_extras(
        metrics={"xor_agreement": Metric(1.0, "fraction", "test metric")},
        panels=[Panel("curve", "a curve", "a caption", "lines", x=[1, 2, 3], series={"a": [1, 2, 3]}),
                Panel("tab", "a table", "table caption", "table", columns=["k", "v"], rows=[["a", "1"]])],
    )
    return write_report(extra, tmp_path_factory.mktemp("rep") / "demo", command="pytest")


def test_every_table_cell_is_measured(comparison):
    assert [r.aspect for r in comparison.table] == ["amplitude coding", "timing", "nonlinearity", "wires",
                                                   "weights", "cost"]
    for row in comparison.table:
        for cell in (row.measured_spiking, row.measured_artificial):
            assert cell and "n/a" not in cell and re.search(r"\d", cell), (row.aspect, cell)


def test_xor_agrees_and_metrics_are_finite(comparison):
    m = comparison.metrics
    assert m["output_agreement"].value == 1.0
    assert m["synaptic_events_per_sample"].value > 0 and m["macs_per_sample"].value == 6
    for name, metric in m.items():
        assert math.isfinite(metric.value), name
    assert comparison.parameters["target"] == "numpy" and comparison.parameters["dt_ms"] == 0.1
    assert comparison.seed == 3
    assert "<table" in comparison._repr_html_()


def test_state_round_trip(comparison):
    meta, arrays = comparison.to_state()
    back = Comparison.from_state(json.loads(json.dumps(meta)), arrays)
    assert back.circuit == comparison.circuit
    assert back.table == comparison.table
    for pop in comparison.circuit.all_names:
        np.testing.assert_array_equal(back.snn[pop], comparison.snn[pop])
        np.testing.assert_array_equal(back.ann[pop], comparison.ann[pop])
    np.testing.assert_array_equal(back.snn.spikes["out"].time_ms, comparison.snn.spikes["out"].time_ms)
    np.testing.assert_array_equal(back.snn.voltages["out"].v, comparison.snn.voltages["out"].v)


def test_report_folder_has_every_file(report_dir):
    for name in REPORT_FILES:
        assert (report_dir / name).is_file(), name
    assert {p.stem for p in (report_dir / "figures").glob("*.png")} == FIGURES | {"extra_curve", "extra_tab"}
    doc = json.loads((report_dir / "metrics.json").read_text())
    assert {"scenario", "seed", "versions", "parameters", "metrics", "table"} <= set(doc)
    assert doc["seed"] == 3 and doc["parameters"]["target"] == "numpy" and doc["parameters"]["dt_ms"] == 0.1
    assert doc["metrics"]["xor_agreement"] == {"value": 1.0, "unit": "fraction", "description": "test metric"}
    for entry in doc["metrics"].values():
        assert set(entry) == {"value", "unit", "description"}
    assert [set(r) for r in doc["table"]] == [{"aspect", "real_neuron", "artificial_neuron", "measured_spiking",
                                               "measured_artificial"}] * 6
    csv_lines = (report_dir / "table.csv").read_text().splitlines()
    assert csv_lines[0] == "aspect,real_neuron,artificial_neuron,measured_spiking,measured_artificial"
    assert len(csv_lines) == 7


def test_html_is_self_contained_and_embeds_every_figure(report_dir):
    text = (report_dir / "report.html").read_text()
    assert len(re.findall(r'<img alt="[^"]+" src="data:image/png;base64,', text)) == len(FIGURES) + 2
    refs = re.findall(r'(?:src|href)="([^"]+)"', text)
    assert all(r.startswith("data:") for r in refs), refs
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert text.index("<table") < text.index("<figure")  # the table comes first
    assert "Reproducibility" in text and "seed: 3" in text and "target numpy" in text
    md = (report_dir / "report.md").read_text()
    assert all(f"figures/{f}.png" in md for f in FIGURES)


def test_report_dir_reproduces_the_report_without_simulating(report_dir, monkeypatch):
    before = {p: (report_dir / p).read_text() for p in ("table.md", "table.csv")}
    metrics_before = json.loads((report_dir / "metrics.json").read_text())

    def no_simulation(*a, **k):
        raise AssertionError("re-rendering must not simulate")

    monkeypatch.setattr(SpikingBackend, "run", no_simulation)
    render_report(report_dir)
    assert {p: (report_dir / p).read_text() for p in before} == before
    assert json.loads((report_dir / "metrics.json").read_text()) == metrics_before
    comparison, prov = load_comparison(report_dir)
    assert prov["command"] == "pytest" and [p.name for p in comparison.extras] == ["curve", "tab"]


def test_interrupted_writing_leaves_previous_report_intact(comparison, tmp_path, monkeypatch):
    out = write_report(comparison, tmp_path / "r")
    snapshot = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    import neurocompare.report.figures as plots

    def boom(c):
        raise KeyboardInterrupt

    monkeypatch.setattr(plots, "rate_scatter", boom)
    with pytest.raises(KeyboardInterrupt):
        write_report(comparison, out)
    after = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    assert after == snapshot
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]  # no temporary folders left behind


def test_unwritable_and_bad_locations(comparison, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ReportError, match="Cannot write the report to"):
        write_report(comparison, blocker / "sub")
    with pytest.raises(ReportError, match="not a folder"):
        write_report(comparison, blocker)
    with pytest.raises(ReportError, match="has no saved results"):
        render_report(tmp_path)


def test_compare_rejects_bad_options():
    with pytest.raises(UnknownNameError, match="output 'nope' is not a neuron population"):
        compare(xor_circuit(), XOR_INPUTS, output="nope")
    with pytest.raises(UnknownNameError, match="unknown readout"):
        compare(xor_circuit(), XOR_INPUTS, readout="vote")
    with pytest.raises(ParameterError, match="Panel name"):
        Panel("../x", "t", "c", "lines")
