"""Sparse circuits: scipy.sparse counts are accepted, stored sparse in files, run like dense counts, and the
artificial side is charged for its non-zero weights only."""

from __future__ import annotations

import json

import numpy as np
import pytest
import scipy.sparse

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection
from neurocompare.backends import get_backend
from neurocompare.circuit_io import stores_sparse
from neurocompare.errors import CircuitError
from neurocompare.metrics import METRICS, dense_macs, nonzero_macs


def _sparse_counts(shape, density, seed):
    rng = np.random.default_rng(seed)
    return scipy.sparse.random_array(shape, density=density, format="csr", rng=rng,
                                     data_sampler=lambda size: rng.integers(1, 4, size) * rng.choice([-1, 1], size))


def _circuit(counts_in, counts_rec) -> Circuit:
    return Circuit("sparse", inputs=[InputPopulation("x", 20)],
                   populations=[NeuronPopulation("net", 60, bias=0.05)],
                   projections=[Projection("x", "net", counts=counts_in, unit_weight=0.2),
                                Projection("net", "net", counts=counts_rec, unit_weight=0.05, delay_ms=1.0)])


@pytest.fixture(scope="module")
def sparse_circuit() -> Circuit:
    return _circuit(_sparse_counts((60, 20), 0.2, 1), _sparse_counts((60, 60), 0.05, 2))


def test_sparse_counts_are_accepted_and_checked_like_dense_ones():
    coo = scipy.sparse.coo_array(([2, -1, 3], ([0, 2, 0], [1, 0, 1])), shape=(3, 4))  # (0, 1) listed twice: summed
    p = Projection("a", "b", counts=coo)
    assert p.counts.tolist() == [[0, 5, 0, 0], [0, 0, 0, 0], [-1, 0, 0, 0]] and p.counts.dtype == np.int64
    assert p.n_connections == 2 and p.n_synapses == 6 and not p.counts.flags.writeable
    assert (p.sparse_counts != scipy.sparse.csr_array(p.counts)).nnz == 0
    with pytest.raises(CircuitError, match=r"'a'->'b': synapse counts must be integers; got 2.5 at \(1, 3\)"):
        Projection("a", "b", counts=scipy.sparse.csr_array(np.array([[0, 0, 0, 0], [0, 0, 0, 2.5]])))
    with pytest.raises(CircuitError, match=r"synapse count 4294967296 at \(0, 2\) exceeds 2147483647"):
        Projection("a", "b", counts=scipy.sparse.csr_array(np.array([[0, 0, 2.0**32]])))


def test_macs_count_the_non_zero_weights_and_the_dense_figure_is_kept(sparse_circuit):
    nnz = sum(int(np.count_nonzero(p.counts)) for p in sparse_circuit.projections)
    assert 0 < nnz < 60 * 20 + 60 * 60
    assert nonzero_macs(sparse_circuit) == sparse_circuit.n_nonzero_weights == nnz
    assert nonzero_macs(sparse_circuit, steps=7) == 7 * nnz
    assert dense_macs(sparse_circuit, steps=7) == 7 * (60 * 20 + 60 * 60)
    assert "non-zero" in METRICS["macs_per_sample"].description
    assert "every matrix entry" in METRICS["macs_dense_per_sample"].description
    assert "non-zero" in METRICS["energy_ann_pj"].description


def test_sparse_counts_round_trip_through_a_file_stored_sparse(sparse_circuit, tmp_path):
    path = sparse_circuit.save(tmp_path / "sparse.json")
    data = json.loads(path.read_text())
    assert data["version"] == 3
    for entry, proj in zip(data["projections"], sparse_circuit.projections):
        assert stores_sparse(proj) and set(entry["counts"]) == {"shape", "rows", "cols", "values"}
        assert len(entry["counts"]["values"]) == proj.n_connections and 0 not in entry["counts"]["values"]
    loaded = Circuit.load(path)
    assert loaded == sparse_circuit
    for a, b in zip(loaded.projections, sparse_circuit.projections):
        assert np.array_equal(a.counts, b.counts) and a.unit_weight == b.unit_weight
    dense = _circuit(*(p.counts.tolist() for p in sparse_circuit.projections))
    assert dense.to_dict() == sparse_circuit.to_dict()  # the file does not depend on how counts were given
    assert len(path.read_text()) < len(json.dumps(circuit_dense_dict(dense), indent=1))


def circuit_dense_dict(circuit: Circuit) -> dict:
    data = circuit.to_dict()
    for entry, proj in zip(data["projections"], circuit.projections):
        entry["counts"] = proj.counts.tolist()
    return data


def test_dense_files_and_dense_counts_in_a_version_3_file_still_load(sparse_circuit):
    data = circuit_dense_dict(sparse_circuit)
    assert Circuit.from_dict(data) == sparse_circuit
    data["version"] = 2
    assert Circuit.from_dict(data) == sparse_circuit


@pytest.mark.parametrize("change, message", [
    (lambda c: c.update(rows=c["rows"][:-1]), r"'rows' must be a list of \d+ integers"),
    (lambda c: c["cols"].__setitem__(0, 20), r"'cols' must hold integers in \[0, 20\); got 20"),
    (lambda c: c.update(rows=c["rows"][::-1], cols=c["cols"][::-1], values=c["values"][::-1]),
     "pairs must be listed once each in row-major order"),
    (lambda c: c.update(extra=1), "unknown key"),
    (lambda c: c.update(shape=[60]), r"'shape' must be \[post size, pre size\]"),
])
def test_bad_sparse_entries_name_the_file_the_projection_and_the_value(sparse_circuit, change, message):
    data = sparse_circuit.to_dict()
    change(data["projections"][0]["counts"])
    with pytest.raises(CircuitError, match=f"c.json: projection #0: sparse counts.*{message}"):
        Circuit.from_dict(data, source="c.json")
    data = sparse_circuit.to_dict()
    data["version"] = 2
    with pytest.raises(CircuitError, match="need file version 3"):
        Circuit.from_dict(data, source="c.json")


@pytest.mark.parametrize("backend", ["reference", "spiking"])
def test_sparse_and_dense_counts_give_the_same_spikes(sparse_circuit, tmp_path, backend):
    loaded = Circuit.load(sparse_circuit.save(tmp_path / "sparse.json"))
    dense = _circuit(*(p.counts.tolist() for p in sparse_circuit.projections))
    x = np.random.default_rng(0).uniform(0, 1, (3, 20))
    kw = dict(duration_ms=50.0, encoding="regular", rate_scale_hz=200.0)
    if backend == "spiking":
        kw["target"] = "numpy"
    be = get_backend(backend, **kw)
    a, b = be.run(loaded, x, seed=1), be.run(dense, x, seed=1)
    ta, tb = a.spikes["net"], b.spikes["net"]
    assert len(ta) > 0
    assert np.array_equal(ta.sample, tb.sample) and np.array_equal(ta.neuron, tb.neuron)
    assert np.array_equal(ta.time_ms, tb.time_ms)


def test_the_artificial_backend_multiplies_sparse_projections_sparse_with_the_dense_result():
    """Projections with < 1/3 of their pairs connected go through scipy.sparse (the cost of the connected
    pairs); the activations equal the dense product's to 1e-12 (only the summation order differs)."""
    from neurocompare import ArtificialBackend
    from neurocompare.backends.artificial import ArtificialBackend as AB

    rng = np.random.default_rng(8)
    counts = np.where(rng.random((300, 200)) < 0.05, rng.integers(-3, 4, (300, 200)), 0)
    circuit = Circuit("s", inputs=[InputPopulation("x", 200)], populations=[NeuronPopulation("n", 300)],
                      projections=[Projection("x", "n", counts, unit_weight=0.1)])
    weights = AB._weights(circuit)
    assert not isinstance(weights["x->n"], np.ndarray), "the sparse path is taken"
    x = rng.uniform(0, 1, (7, 200))
    got = ArtificialBackend().run(circuit, x)["n"]
    np.testing.assert_allclose(got, np.maximum(x @ (counts * 0.1).T, 0.0), rtol=1e-12, atol=1e-12)
