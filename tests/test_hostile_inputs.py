"""Small hostile files: bounded work before any work, and one line instead of a traceback (issue 24).

Each file declares a large size cheaply (an HDF5 dataset that is never filled, an .npy header, a JSON size),
so every test here is fast; the limits (neurocompare.limits) stop each before anything is materialised.
"""

from __future__ import annotations

import json
import zipfile

import numpy as np
import pytest

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection
from neurocompare.cli import main
from neurocompare.errors import CircuitError, InputError, LimitError, ParameterError, ReportError
from neurocompare.input_files import load_inputs, load_labels
from neurocompare.limits import Limits, current_limits

from .hostile_files import big_nir_graph, nir_events, nir_graph, npy_bytes

nir = pytest.importorskip("nir")


def _cli_error(capsys, args) -> str:
    assert main(args) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("neurocompare: error: "), err
    return err


@pytest.fixture
def xor_json(tmp_path):
    from neurocompare.demo import xor_circuit

    return xor_circuit().save(tmp_path / "c.json")


# ----------------------------------------------------------------------------- NIR graphs and spike data
@pytest.mark.parametrize("n, quantity", [(20000, "bytes"), (4000, "synapse (pre, post) pairs")])
def test_a_small_nir_graph_declaring_a_huge_layer(n, quantity, tmp_path, capsys):
    path = big_nir_graph(tmp_path / "big.nir", n)
    assert path.stat().st_size < 100_000
    err = _cli_error(capsys, ["compare", str(path), "--convention", "snntorch", "--out", str(tmp_path / "o")])
    assert f"NIR file {str(path)!r}" in err and quantity in err and "NEUROCOMPARE_LIMITS" in err
    assert not (tmp_path / "o").exists()


def test_nir_spike_data_asking_for_hours_or_a_million_samples(tmp_path, capsys):
    nir.write(tmp_path / "g.nir", nir_graph(nir))
    nir_events(tmp_path / "long.h5", t_max=1e5)
    args = ["compare", str(tmp_path / "g.nir"), "--convention", "snntorch", "--out", str(tmp_path / "o")]
    err = _cli_error(capsys, [*args, "--inputs", str(tmp_path / "long.h5")])
    assert "node 'x'" in err and "1,000,000,000 time steps (duration / dt) exceed the limit of 10,000,000" in err
    nir_events(tmp_path / "wide.h5", samples=10 ** 6)
    err = _cli_error(capsys, [*args, "--inputs", str(tmp_path / "wide.h5")])
    assert "1,000,000 samples exceed the limit of 100,000" in err


@pytest.mark.parametrize("meta, message", [
    ({"populations": ["lif"]}, "'populations' must be an object of {population: {'activation': name}}"),
    ({"populations": {"lif": {"activation": 3}}}, "'populations' must be"),
    ({"name": 7}, "'name' must be a string"),
    ({"projections": {"x->lif": {"unit_weight": "big"}}}, "'projections' must be"),
    ([1, 2], "must be a JSON object; got list"),
])
def test_nir_metadata_of_the_wrong_type_is_one_error(meta, message, tmp_path):
    from neurocompare.nir.importer import METADATA_KEY

    graph = nir_graph(nir)
    graph.metadata = {METADATA_KEY: json.dumps(meta)}
    nir.write(tmp_path / "m.nir", graph)
    with pytest.raises(CircuitError, match=message.replace("{", r"\{").replace("}", r"\}").replace("(", r"\(")
                       .replace(")", r"\)").replace("[", r"\[")):
        Circuit.from_nir(tmp_path / "m.nir", convention="snntorch")


# ----------------------------------------------------------------------------- circuit files
def test_a_149_byte_circuit_of_ten_million_neurons(tmp_path, capsys):
    doc = {"format": "neurocompare.circuit", "version": 2, "name": "big",
           "populations": [{"name": "out", "size": 10 ** 7}]}
    path = tmp_path / "big.json"
    path.write_text(json.dumps(doc))
    assert path.stat().st_size < 150
    err = _cli_error(capsys, ["compare", str(path)])
    assert f"Circuit file {str(path)!r}: 10,000,000 neurons exceed the limit of 100,000" in err


def test_empty_sparse_projections_declaring_a_billion_pairs(tmp_path):
    doc = {"format": "neurocompare.circuit", "version": 3, "name": "sparse",
           "inputs": [{"name": "x", "size": 10000}],
           "populations": [{"name": f"p{i}", "size": 10000} for i in range(9)],
           "projections": [{"pre": "x", "post": f"p{i}", "unit_weight": 1.0,
                            "counts": {"shape": [10000, 10000], "rows": [], "cols": [],
                                         "values": []}} for i in range(9)]}
    path = tmp_path / "sparse.json"
    path.write_text(json.dumps(doc))
    with pytest.raises(LimitError, match="900,000,000 synapse .pre, post. pairs exceed the limit of 10,000,000"):
        Circuit.load(path)


def test_a_json_integer_of_5001_digits_and_a_name_with_a_newline(tmp_path):
    path = tmp_path / "digits.json"
    path.write_text('{"format": "neurocompare.circuit", "version": 2, "name": "x", "populations": '
                    '[{"name": "out", "size": ' + "9" * 5001 + "}]}")
    with pytest.raises(CircuitError, match="not a valid circuit file .Exceeds the limit"):
        Circuit.load(path)
    with pytest.raises(CircuitError, match="name"):
        NeuronPopulation("out\n", 1)
    doc = {"format": "neurocompare.circuit", "version": 2, "name": "x", "populations": [{"name": "out\n", "size": 1}]}
    path.write_text(json.dumps(doc))
    with pytest.raises(CircuitError, match=r"'out\\n'"):
        Circuit.load(path)


# ----------------------------------------------------------------------------- .npy, .npz, .csv
@pytest.fixture
def one_input():
    return Circuit("one", inputs=[InputPopulation("x", 2)], populations=[NeuronPopulation("out", 1)],
                   projections=[Projection("x", "out", [[1, 1]], 0.5)])


def test_npz_and_npy_that_decompress_to_gigabytes(tmp_path, one_input):
    bomb = tmp_path / "bomb.npz"
    with zipfile.ZipFile(bomb, "w") as zf:
        zf.writestr("x.npy", npy_bytes((150_000_000, 2)))
    with pytest.raises(LimitError, match=r"array 'x': 2,400,000,000 bytes exceed the limit of 268,435,456"):
        load_inputs(bomb, one_input)
    (tmp_path / "big.npy").write_bytes(npy_bytes((10 ** 6, 2)))
    with pytest.raises(LimitError, match=r"big.npy'.*1,000,000 samples exceed the limit of 100,000"):
        load_inputs(tmp_path / "big.npy", one_input)
    with pytest.raises(LimitError, match="samples exceed"):
        load_labels(tmp_path / "big.npy")


def test_the_decompressed_size_of_an_archive_is_checked_first(tmp_path, one_input, monkeypatch):
    monkeypatch.setenv("NEUROCOMPARE_LIMITS", "bytes=100000")
    path = tmp_path / "zeros.npz"
    np.savez_compressed(path, x=np.zeros((20000, 2)))  # 320 kB of zeros in a 1 kB archive
    assert path.stat().st_size < 5000
    with pytest.raises(LimitError, match=r"zeros.npz' \(decompressed\): 320,\d{3} bytes exceed the limit of 100,000"):
        load_inputs(path, one_input)


def test_broken_numpy_files_are_one_error_each(tmp_path, one_input):
    (tmp_path / "header.npy").write_bytes(npy_bytes((2, 2), header_pad=200_000))
    with pytest.raises(InputError, match="header.npy'.*not a readable numpy array"):
        load_inputs(tmp_path / "header.npy", one_input)
    np.savez(tmp_path / "objects.npz", x=np.array([{"a": 1}, None], dtype=object))
    with pytest.raises(InputError, match="array 'x': holds Python objects"):
        load_inputs(tmp_path / "objects.npz", one_input)
    np.savez(tmp_path / "crc.npz", x=np.arange(64.0).reshape(32, 2))
    data = bytearray((tmp_path / "crc.npz").read_bytes())
    data[200] ^= 0xFF  # a byte of the array's data: the CRC no longer matches
    (tmp_path / "crc.npz").write_bytes(bytes(data))
    with pytest.raises(InputError, match="crc.npz'.*(Bad CRC-32|unreadable)"):
        load_inputs(tmp_path / "crc.npz", one_input)


def test_a_csv_header_of_30000_columns_is_checked_in_linear_time(tmp_path):
    n = 30000
    circuit = Circuit("wide", inputs=[InputPopulation("x", n)], populations=[NeuronPopulation("out", 1)],
                      projections=[Projection("x", "out", np.ones((1, n), dtype=int), 0.001)])
    path = tmp_path / "wide.csv"
    columns = [f"x[{i}]" for i in range(n)]
    path.write_text(",".join(reversed(columns)) + "\n" + ",".join(["0.5"] * n) + "\n")
    x = load_inputs(path, circuit)["x"]
    assert x.shape == (1, n) and np.all(x == 0.5)
    path.write_text(",".join(columns[:-1] + ["x[0]"]) + "\n" + ",".join(["0.5"] * n) + "\n")
    with pytest.raises(InputError, match=r"missing x\[29999\]"):
        load_inputs(path, circuit)


# ----------------------------------------------------------------------------- the limits themselves
def test_limits_are_raised_by_the_environment_and_misspellings_are_named(monkeypatch):
    assert current_limits() == Limits()
    monkeypatch.setenv("NEUROCOMPARE_LIMITS", "neurons=1e6, steps=20000000")
    assert (current_limits().neurons, current_limits().steps) == (1_000_000, 20_000_000)
    monkeypatch.setenv("NEUROCOMPARE_LIMITS", "neuron=5")
    with pytest.raises(ParameterError, match="'neuron=5' is not NAME=VALUE with NAME one of neurons, pairs"):
        current_limits()
    monkeypatch.setenv("NEUROCOMPARE_LIMITS", "steps=-1")
    with pytest.raises(ParameterError, match="steps must be a whole number >= 1; got '-1'"):
        current_limits()


def test_a_long_run_is_refused_by_the_backend_before_it_starts():
    from neurocompare import SpikingBackend

    with pytest.raises(LimitError, match="SpikingBackend: 100,000,000 time steps"):
        SpikingBackend(duration_ms=1e7, dt_ms=0.1)


# ----------------------------------------------------------------------------- reports, figures, memory
def test_saved_results_of_the_wrong_shape_are_one_error(tmp_path, capsys):
    out = tmp_path / "r"
    (out / "results").mkdir(parents=True)
    (out / "results" / "comparison.json").write_text(json.dumps({"metrics": []}))
    np.savez(out / "results" / "arrays.npz", a=np.zeros(1))
    err = _cli_error(capsys, ["report", str(out)])
    assert "are unreadable or incomplete" in err


def test_a_chain_of_300_populations_draws_bounded_figures():
    from types import SimpleNamespace

    from neurocompare.report.figures import COUNTS_MAX_MATRICES, DIAGRAM_MAX_INCHES, circuit_diagram, synapse_counts

    n = 300
    circuit = Circuit("chain", inputs=[InputPopulation("x", 1)],
                      populations=[NeuronPopulation(f"p{i}", 1) for i in range(n)],
                      projections=[Projection("x" if i == 0 else f"p{i - 1}", f"p{i}", [[1 + i % 3]], 0.5)
                                   for i in range(n)])
    fig = synapse_counts(SimpleNamespace(circuit=circuit))
    assert len(fig.axes) <= COUNTS_MAX_MATRICES + 2  # matrices, histogram, colour bar
    assert "of 300" in fig._suptitle.get_text()
    fig = circuit_diagram(circuit)
    w, h = fig.get_size_inches()
    assert w <= DIAGRAM_MAX_INCHES[0] + 1e-9 and h <= DIAGRAM_MAX_INCHES[1] + 1e-9


def test_out_of_memory_is_one_line(xor_json, tmp_path, capsys, monkeypatch):
    import neurocompare.circuit_io as circuit_io

    def exhausted(*args, **kwargs):
        raise MemoryError

    monkeypatch.setattr(circuit_io, "circuit_from_json", exhausted)
    err = _cli_error(capsys, ["compare", str(xor_json), "--out", str(tmp_path / "o")])
    assert "out of memory" in err and "NEUROCOMPARE_LIMITS" in err
