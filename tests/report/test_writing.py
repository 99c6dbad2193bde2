"""neurocompare.report.writing: the report folder, its files, the atomic swap-in and re-rendering."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from neurocompare import SpikingBackend
from neurocompare.comparison import Panel
from neurocompare.errors import ReportError
from neurocompare.metrics import Metric
from neurocompare.report import REPORT_FILES, load_comparison, render_panels, render_report, write_report
from neurocompare.report.folders import replace_folder
from neurocompare.report.writing import process_command

FIGURES = {"circuit", "raster_heatmap", "membrane", "transfer", "rate_scatter", "synapse_counts", "agreement_time"}


@pytest.fixture(scope="module")
def report_dir(comparison, tmp_path_factory) -> Path:
    extra = comparison.with_extras(
        metrics={"xor_agreement": Metric(1.0, "fraction", "test metric")},
        panels=[Panel("curve", "a curve", "a caption", "lines", x=[1, 2, 3], series={"a": [1, 2, 3]}),
                Panel("tab", "a table", "table caption", "table", columns=["k", "v"], rows=[["a", "1"]])],
    )
    return write_report(extra, tmp_path_factory.mktemp("rep") / "demo", command="pytest")


def test_report_folder_has_every_file(report_dir):
    for name in REPORT_FILES:
        assert (report_dir / name).is_file(), name
    assert {p.stem for p in (report_dir / "figures").glob("*.png")} == FIGURES | {"extra_curve"}  # a table is text
    doc = json.loads((report_dir / "metrics.json").read_text())
    assert {"scenario", "seed", "versions", "parameters", "metrics", "table"} <= set(doc)
    assert doc["seed"] == 3 and doc["parameters"]["target"] == "numpy" and doc["parameters"]["dt_ms"] == 0.1
    assert doc["metrics"]["xor_agreement"] == {"value": 1.0, "unit": "fraction", "description": "test metric"}
    for entry in doc["metrics"].values():
        assert set(entry) == {"value", "unit", "description"}
    assert [set(r) for r in doc["table"]] == [{"aspect", "takeaway", "real_neuron", "artificial_neuron",
                                               "measured_spiking", "measured_artificial", "figures"}] * 6
    csv_lines = (report_dir / "table.csv").read_text().splitlines()
    assert csv_lines[0].startswith("aspect,takeaway,real_neuron,artificial_neuron,measured_spiking,measured_artificial,")
    assert len(csv_lines) == 7


def test_html_is_self_contained_and_embeds_every_figure(report_dir):
    text = (report_dir / "report.html").read_text()
    assert len(re.findall(r'<img alt="[^"]+" src="data:image/png;base64,', text)) == len(FIGURES) + 1
    refs = re.findall(r'(?:src|href)="([^"]+)"', text)
    assert all(r.startswith("data:") for r in refs), refs
    assert "http://" not in text and "https://" not in text and "<script" not in text
    assert text.index("<table") < text.index("<figure")  # the table comes first
    assert "Reproducibility" in text and "seed: 3" in text and "target numpy" in text
    md = (report_dir / "report.md").read_text()
    assert all(f"figures/{f}.png" in md for f in FIGURES)


def test_scenario_tables_and_metrics_appear_in_html_and_markdown(report_dir):
    text = (report_dir / "report.html").read_text()
    assert "<h2>a table</h2>" in text and "<td>xor_agreement</td><td>1</td><td>fraction</td>" in text
    md = (report_dir / "report.md").read_text().splitlines()
    assert md[md.index("## a table") + 2:md.index("## a table") + 5] == ["| k | v |", "|---|---|", "| a | 1 |"]
    assert "| xor_agreement | 1 | fraction | test metric |" in md


@pytest.mark.slow
def test_report_dir_reproduces_the_report_without_simulating(report_dir, monkeypatch):
    before = {p: (report_dir / p).read_text() for p in ("table.md", "table.csv", "report.md", "report.html")}
    metrics_before = json.loads((report_dir / "metrics.json").read_text())

    def no_simulation(*a, **k):
        raise AssertionError("re-rendering must not simulate")

    monkeypatch.setattr(SpikingBackend, "run", no_simulation)
    render_report(report_dir)
    assert {p: (report_dir / p).read_text() for p in before} == before
    assert json.loads((report_dir / "metrics.json").read_text()) == metrics_before
    comparison, prov = load_comparison(report_dir)
    assert prov["command"] == "pytest" and [p.name for p in comparison.extras] == ["curve", "tab"]


@pytest.mark.slow
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


def test_replace_folder_swaps_in_only_a_complete_folder(tmp_path):
    out = tmp_path / "figures"
    with replace_folder(out) as tmp:
        (tmp / "a.txt").write_text("first")
    assert (out / "a.txt").read_text() == "first"
    with pytest.raises(RuntimeError, match="half-way"):
        with replace_folder(out) as tmp:
            (tmp / "a.txt").write_text("second")
            raise RuntimeError("half-way")
    assert (out / "a.txt").read_text() == "first"
    with replace_folder(out) as tmp:
        (tmp / "b.txt").write_text("third")
    assert sorted(p.name for p in out.iterdir()) == [".neurocompare-output", "b.txt"]  # replaced, not merged
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures"]


def test_render_panels_writes_one_png_per_panel(tmp_path):
    panels = [Panel("bars", "b", "c", "bars", x=["p", "q"], series={"s": [1, 2], "t": [2, 1]}),
              Panel("heat", "h", "c", "heatmap", series={"values": [[0, 1], [1, 0]]}, columns=["a", "b"])]
    paths = render_panels(panels, tmp_path)
    assert paths == [tmp_path / "bars.png", tmp_path / "heat.png"]
    assert all(p.read_bytes().startswith(b"\x89PNG") for p in paths)


def test_unwritable_and_bad_locations(comparison, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(ReportError, match="cannot be created: .* is not a folder"):
        write_report(comparison, blocker / "sub")
    with pytest.raises(ReportError, match="not a folder"):
        write_report(comparison, blocker)
    with pytest.raises(ReportError, match="has no saved results"):
        render_report(tmp_path)
    with pytest.raises(ReportError, match="No report folder"):
        load_comparison(tmp_path / "missing")


@pytest.mark.parametrize("argv, expected", [
    (["/venv/bin/neurocompare", "run", "a b"], "neurocompare run 'a b'"),
    (["/x/neurocompare/__main__.py", "report", "d"], "neurocompare report d"),
    (["scenarios/demo.py", "--quick"], "demo.py --quick"),
])
def test_process_command_is_a_shell_line(monkeypatch, argv, expected):
    monkeypatch.setattr("sys.argv", argv)
    assert process_command() == expected
