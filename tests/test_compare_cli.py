"""`neurocompare compare CIRCUIT --inputs FILE`: your own circuit from the command line, end to end."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from neurocompare.cli import COMPARE_EXAMPLE, main
from neurocompare.demo import XOR_INPUTS, xor_circuit


def _example_commands() -> list[list[str]]:
    """The --help example's commands, continuation lines joined, 'python'/'neurocompare' run by this Python."""
    text = re.sub(r"\\\n\s*", "", COMPARE_EXAMPLE)
    commands = [line.strip() for line in text.splitlines()[1:] if line.strip()]
    out = []
    for cmd in commands:
        if cmd.startswith("python -c "):
            out.append([sys.executable, "-c", cmd[len("python -c "):].strip().strip('"')])
        else:
            assert cmd.startswith("neurocompare "), cmd
            out.append([sys.executable, "-m", "neurocompare", *cmd.split()[1:]])
    return out


@pytest.mark.slow
def test_the_help_example_runs_as_written(tmp_path):
    for cmd in _example_commands():
        proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
        assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "xor-report" / "metrics.json").read_text())
    assert doc["metrics"]["snn_accuracy"]["value"] == 1.0 == doc["metrics"]["ann_accuracy"]["value"]
    assert doc["parameters"]["duration_ms"] == 200.0 and doc["parameters"]["probes"] == ["fi", "delays"]
    assert (tmp_path / "xor-report" / "report.html").is_file()


@pytest.mark.slow
def test_csv_and_npz_inputs_give_the_npy_inputs_results(tmp_path, capsys):
    xor_circuit().save(tmp_path / "xor.json")
    np.save(tmp_path / "x.npy", XOR_INPUTS)
    np.savez(tmp_path / "x.npz", x=XOR_INPUTS)
    rows = "\n".join(",".join(f"{v:g}" for v in row) for row in XOR_INPUTS)
    (tmp_path / "x.csv").write_text("x[1],x[0]\n" + "\n".join(",".join(r.split(",")[::-1]) for r in rows.split("\n")))
    outputs = {}
    for suffix in ("npy", "npz", "csv"):
        argv = ["compare", str(tmp_path / "xor.json"), "--inputs", str(tmp_path / f"x.{suffix}"), "--spiking",
                "encoding=regular", "--spiking", "duration_ms=50", "--out", str(tmp_path / suffix)]
        assert main(argv) == 0, capsys.readouterr().err
        outputs[suffix] = json.loads((tmp_path / suffix / "metrics.json").read_text())["metrics"]
    assert outputs["npy"] == outputs["npz"] == outputs["csv"]
    assert "xor: report written to" in capsys.readouterr().out


@pytest.mark.parametrize("make, message", [
    (lambda d: None, "Inputs file '{d}/missing.npz': the file does not exist."),
    (lambda d: (d / "bad.npz").write_text("not numpy"), "Inputs file '{d}/bad.npz': not an .npz archive"),
    (lambda d: np.save(d / "bad.npy", np.zeros((4, 3))),
     "Inputs file '{d}/bad.npy': Input 'x': values must have shape (batch, 2) or (2,); got (4, 3)."),
    (lambda d: np.savez(d / "bad.npz", y=np.zeros((4, 2))),
     "Inputs file '{d}/bad.npz': key 'y' is not an input population of 'xor'; inputs: x."),
    (lambda d: (d / "bad.csv").write_text("x[0],x[1]\n0,1\n1\n"),
     "Inputs file '{d}/bad.csv': line 3 has 1 values; the header has 2."),
    (lambda d: (d / "bad.csv").write_text("x[0],z[0]\n0,1\n"),
     "Inputs file '{d}/bad.csv': column 'z[0]': 'z' is not an input population of 'xor'; inputs: x."),
    (lambda d: (d / "bad.json").write_text("{}"), "unknown format '.json'"),
])
def test_bad_input_files_are_one_line_errors_naming_file_and_value(make, message, tmp_path, capsys):
    xor_circuit().save(tmp_path / "xor.json")
    make(tmp_path)
    path = next((p for p in tmp_path.iterdir() if p.name.startswith("bad")), tmp_path / "missing.npz")
    assert main(["compare", str(tmp_path / "xor.json"), "--inputs", str(path)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert message.format(d=tmp_path) in err, err


def test_a_missing_or_broken_circuit_file_is_named(tmp_path, capsys):
    (tmp_path / "c.json").write_text("{not json")
    assert main(["compare", str(tmp_path / "c.json")]) == 2
    assert f"Circuit file '{tmp_path}/c.json': not valid JSON" in capsys.readouterr().err
    assert main(["compare", str(tmp_path / "none.json")]) == 2
    assert "does not exist" in capsys.readouterr().err


@pytest.mark.slow
def test_labels_from_a_csv_give_both_accuracies(tmp_path, capsys):
    xor_circuit().save(tmp_path / "xor.json")
    np.save(tmp_path / "x.npy", XOR_INPUTS)
    (tmp_path / "y.csv").write_text("label\n0\n1\n1\n1\n")  # the last row is wrong on purpose
    argv = ["compare", str(tmp_path / "xor.json"), "--inputs", str(tmp_path / "x.npy"), "--labels",
            str(tmp_path / "y.csv"), "--spiking", "encoding=regular", "--spiking", "rate_scale_hz=100",
            "--spiking", "duration_ms=100", "--out", str(tmp_path / "r")]
    assert main(argv) == 0, capsys.readouterr().err
    metrics = json.loads((tmp_path / "r" / "metrics.json").read_text())["metrics"]
    assert metrics["ann_accuracy"]["value"] == 0.75 == metrics["snn_accuracy"]["value"]
    (tmp_path / "y.csv").write_text("label\n0\nyes\n")
    assert main(argv) == 2
    assert "Labels file" in capsys.readouterr().err
