"""The sweep report (through the command line) and reading a sweep folder back without simulating."""

from __future__ import annotations

import csv
import json

import pytest

from neurocompare.cli import main
from neurocompare.sweep import load_sweep

from .helpers import read_rows


def test_cli_sweep_writes_a_report(tmp_path, tiny_dir, capsys):
    out = tmp_path / "out"
    code = main(["sweep", "tiny", "--scenarios", str(tiny_dir), "--param", "rate=0.25,0.75", "--param",
                 "sleep_s=0", "--seeds", "2", "--workers", "0", "--out", str(out), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    assert "4 rows (4 ran, 0 reused, 0 failed)" in capsys.readouterr().out
    page = (out / "sweep.html").read_text()
    assert "data:image/png;base64," in page and "src=\"http" not in page
    assert (out / "figures" / "out_rate_vs_rate.png").is_file()
    summary = list(csv.DictReader((out / "summary.csv").read_text().splitlines()))
    assert [s["rate"] for s in summary] == ["0.25", "0.75"] and all(s["n_ok"] == "2" for s in summary)
    doc = json.loads((out / "sweep.json").read_text())
    assert doc["grid"] == {"rate": [0.25, 0.75], "sleep_s": [0.0]} and doc["metrics"]["out_rate"]["unit"]
    assert "| 0.25 | 2/2 |" in (out / "sweep.md").read_text()
    loaded = load_sweep(out, extra_dirs=[tiny_dir])  # the rows again, without simulating
    assert [r["task_id"] for r in loaded.rows] == [s["task_id"] for s in read_rows(out)] and loaded.complete
    mean = [s["mean"] for s in loaded.summary("out_rate")]
    assert mean == pytest.approx([float(s["out_rate.mean"]) for s in summary])


def test_a_metric_without_values_is_listed_as_na_not_drawn(tmp_path, tiny_dir, capsys):
    """A headline metric that is n/a in every row (an accuracy where the scenario has no labels) gets no panel with
    blank axes: the report lists it as n/a."""
    out = tmp_path / "out"
    code = main(["sweep", "tiny", "--scenarios", str(tiny_dir), "--param", "rate=0.25,0.75", "--metric",
                 "labelled_accuracy", "--metric", "out_rate", "--workers", "0", "--out", str(out), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    assert sorted(f.name for f in (out / "figures").iterdir()) == ["out_rate_vs_rate.png"]
    assert "n/a in every row (not drawn): labelled_accuracy" in (out / "sweep.md").read_text()
    assert "n/a in every row (not drawn): labelled_accuracy" in (out / "sweep.html").read_text()
