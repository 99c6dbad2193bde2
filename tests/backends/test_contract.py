"""The contract every registered backend keeps: what the comparison layer relies on.

Runs over ``available_backends()``, so a newly registered backend is checked without writing a test.
"""

from __future__ import annotations

import numpy as np
import pytest

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection, Result
from neurocompare.backends import Backend, available_backends, get_backend, register_backend, unregister_backend
from neurocompare.errors import InputError, ParameterError, UnknownNameError

#: Small, fast options for the backends the package registers (a new backend is run with its defaults).
OPTIONS = {
    "spiking": dict(duration_ms=60.0, encoding="regular", rate_scale_hz=200.0, target="numpy"),
    "reference": dict(duration_ms=60.0, encoding="regular", rate_scale_hz=200.0),
}
BACKENDS = available_backends()


def _circuit() -> Circuit:
    return Circuit(
        "contract", inputs=[InputPopulation("x", 3)],
        populations=[NeuronPopulation("h", 4, bias=[0.0, 0.1, 0.2, -0.1]), NeuronPopulation("out", 2, bias=0.05)],
        projections=[Projection("x", "h", [[2, 1, 0], [0, 3, 1], [1, 1, 1], [-1, 2, 2]], 0.25),
                     Projection("h", "out", [[2, -1, 1, 0], [0, 2, 2, -1]], 0.25, delay_ms=1.0)],
    )


X = np.array([[0.0, 0.0, 0.0], [1.0, 0.5, 0.2], [0.3, 0.9, 0.6], [0.8, 0.8, 0.8]])


@pytest.fixture(params=BACKENDS)
def backend(request) -> Backend:
    return get_backend(request.param, **OPTIONS.get(request.param, {}))


def test_the_package_registers_its_three_backends():
    assert {"artificial", "spiking", "reference"} <= set(BACKENDS)


def test_a_backend_is_a_backend_with_its_registered_name(backend):
    assert isinstance(backend, Backend)
    assert backend.name in BACKENDS


def test_result_holds_every_population_as_batch_by_size(backend):
    circuit = _circuit()
    res = backend.run(circuit, X, seed=0)
    assert isinstance(res, Result) and res.backend == backend.name and res.batch_size == len(X)
    for name in circuit.all_names:
        assert res[name].shape == (len(X), circuit.population(name).size), name
        assert np.all(np.isfinite(res[name])), name
    assert res.info["wall_time_s"] >= 0


def test_the_same_seed_gives_the_same_result(backend):
    a, b = backend.run(_circuit(), X, seed=3), backend.run(_circuit(), X, seed=3)
    for name in _circuit().all_names:
        assert np.array_equal(a[name], b[name]), name


def test_spiking_results_decode_their_spikes(backend):
    res = backend.run(_circuit(), X, seed=0)
    if not res.is_spiking:
        pytest.skip(f"{backend.name} does not spike")
    assert res.spike_counts("h").sum() > 0, "the contract means something only if neurons fired"
    for name in ("h", "out"):
        trains = res.spikes[name]
        assert np.all((trains.time_ms >= 0) & (trains.time_ms < backend.duration_ms)), name
        expected = trains.counts() / (backend.duration_ms * 1e-3) / backend.rate_scale_hz
        np.testing.assert_allclose(res[name], expected, rtol=1e-12, err_msg=name)


@pytest.mark.parametrize("inputs, error, message", [
    (np.zeros((4, 2)), InputError, r"Input 'x': values must have shape \(batch, 3\)"),
    (np.full((2, 3), np.nan), InputError, "values must be finite; got nan at"),
    ({"y": X}, InputError, "unknown input population"),
])
def test_bad_inputs_are_named_errors(backend, inputs, error, message):
    with pytest.raises(error, match=message):
        backend.run(_circuit(), inputs, seed=0)


def test_a_non_circuit_is_a_parameter_error(backend):
    with pytest.raises(ParameterError, match="circuit must be a Circuit"):
        backend.run("circuit.json", X, seed=0)


def test_a_registered_backend_is_found_by_name_and_removed_again():
    class Constant:
        """A toy backend: every activation 0.5."""

        name = "constant"

        def run(self, circuit, inputs=None, *, seed=None):
            from neurocompare.inputs import normalize_inputs

            values, batch = normalize_inputs(circuit, inputs)
            acts = {**values, **{p.name: np.full((batch, p.size), 0.5) for p in circuit.populations}}
            return Result(self.name, circuit.name, batch, acts, info={"wall_time_s": 0.0})

    register_backend("constant", Constant)
    try:
        assert "constant" in available_backends()
        assert get_backend("constant").run(_circuit(), X)["out"].tolist() == [[0.5, 0.5]] * 4
        with pytest.raises(ParameterError, match="registered already"):
            register_backend("constant", Constant)
    finally:
        unregister_backend("constant")
    with pytest.raises(UnknownNameError, match="Unknown backend 'constant'; valid: artificial, spiking, reference"):
        get_backend("constant")
