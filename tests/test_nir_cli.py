"""`neurocompare compare model.nir`: a NIR graph (and NIR spike data) from the command line, end to end."""

from __future__ import annotations

import json

import numpy as np
import pytest

nir = pytest.importorskip("nir")

from neurocompare.cli import main  # noqa: E402


def _graph() -> object:
    """A user-written NIR graph in continuous time: 2 inputs -> Affine -> 2 LIF (r = tau: a weight is a jump)."""
    return nir.NIRGraph(
        nodes={"x": nir.Input(input_type=np.array([2])),
               "fc": nir.Affine(weight=np.array([[0.4, 0.4], [0.8, -0.4]]), bias=np.array([5.0, 0.0])),
               "lif": nir.LIF(tau=np.full(2, 0.02), r=np.full(2, 0.02), v_leak=np.zeros(2), v_threshold=np.ones(2),
                              v_reset=np.zeros(2)),
               "y": nir.Output(output_type=np.array([2]))},
        edges=[("x", "fc"), ("fc", "lif"), ("lif", "y")])


@pytest.mark.slow
def test_a_nir_file_on_npy_csv_and_event_inputs(tmp_path, capsys):
    nir.write(tmp_path / "mine.nir", _graph())
    x = np.random.default_rng(0).random((6, 2))
    np.save(tmp_path / "x.npy", x)
    (tmp_path / "x.csv").write_text("x[0],x[1]\n" + "\n".join(f"{float(a)!r},{float(b)!r}" for a, b in x))
    common = ["--convention", "continuous", "--spiking", "duration_ms=80"]
    for suffix in ("npy", "csv"):
        argv = ["compare", str(tmp_path / "mine.nir"), "--inputs", str(tmp_path / f"x.{suffix}"), *common,
                "--out", str(tmp_path / suffix)]
        assert main(argv) == 0, capsys.readouterr().err
    out = capsys.readouterr().out
    assert "NIR import (continuous convention): 10 fields, 9 faithful, 1 approximate" in out
    a, b = (json.loads((tmp_path / s / "metrics.json").read_text())["metrics"] for s in ("npy", "csv"))
    assert a == b
    conversion = (tmp_path / "npy" / "nir_conversion.md").read_text()
    assert "| fc (x->lif) | weight | faithful | integer multiples of unit 0.4" in conversion
    # spikes in a NIR data file drive the input; the run lasts the data's t_max (50 ms)
    grid = np.random.default_rng(1).random((3, 500, 2)) < 0.03
    events = nir.TimeGriddedData(grid, 1e-4).to_event(100)
    nir.write_data(tmp_path / "spikes.h5", nir.NIRGraphData({"x": nir.NIRNodeData({"spikes": events})}))
    argv = ["compare", str(tmp_path / "mine.nir"), "--inputs", str(tmp_path / "spikes.h5"), "--convention",
            "continuous", "--out", str(tmp_path / "ev")]
    assert main(argv) == 0, capsys.readouterr().err
    doc = json.loads((tmp_path / "ev" / "metrics.json").read_text())
    assert doc["parameters"]["duration_ms"] == 50.0


@pytest.mark.parametrize("make, extra, message", [
    (lambda d: None, [], "NIR file '{d}/missing.nir': no such file."),
    (lambda d: (d / "bad.nir").write_text("hello"), [], "NIR file '{d}/bad.nir': not an HDF5 file"),
    (lambda d: nir.write(d / "bad.nir", _graph()), ["--inputs", "{d}/x3.npy"],
     "Inputs file '{d}/x3.npy': Input 'x': values must have shape (batch, 2) or (2,); got (4, 3)."),
    (lambda d: nir.write(d / "bad.nir", _graph()), ["--inputs", "{d}/z.npz"],
     "Inputs file '{d}/z.npz': key 'z' is not an input population of 'bad'; inputs: x."),
    (lambda d: nir.write(d / "bad.nir", _graph()), ["--inputs", "{d}/z.h5"],
     "NIR data file '{d}/z.h5': node 'z' is not an input population of the circuit; inputs: x."),
    (lambda d: nir.write(d / "bad.nir", _graph()), ["--inputs", "{d}/x3.h5"],
     "NIR data file '{d}/x3.h5': node 'x' has 3 neurons; input population 'x' has 2."),
])
def test_bad_nir_files_are_one_line_errors(make, extra, message, tmp_path, capsys):
    make(tmp_path)
    np.save(tmp_path / "x3.npy", np.zeros((4, 3)))
    np.savez(tmp_path / "z.npz", z=np.zeros((4, 2)))
    ev = nir.EventData(idx=np.array([[0]]), time=np.array([[0.001]]), n_neurons=3, t_max=0.01)
    nir.write_data(tmp_path / "x3.h5", nir.NIRGraphData({"x": nir.NIRNodeData({"spikes": ev})}))
    nir.write_data(tmp_path / "z.h5", nir.NIRGraphData({"z": nir.NIRNodeData({"spikes": ev})}))
    path = tmp_path / ("bad.nir" if (tmp_path / "bad.nir").exists() else "missing.nir")
    argv = ["compare", str(path), "--convention", "continuous", *[a.format(d=tmp_path) for a in extra]]
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert message.format(d=tmp_path) in err, err


def test_a_nir_file_without_a_convention_says_which_to_give(tmp_path, capsys):
    nir.write(tmp_path / "g.nir", _graph())
    assert main(["compare", str(tmp_path / "g.nir")]) == 2
    assert "say which convention it was written with" in capsys.readouterr().err
    (tmp_path / "c.json").write_text("{}")
    assert main(["compare", str(tmp_path / "c.json"), "--convention", "norse"]) == 2
    assert "--convention is for NIR files" in capsys.readouterr().err
