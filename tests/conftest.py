"""Shared fixtures. Every random thing in the tests is seeded."""

from __future__ import annotations

import os

import numpy as np
import pytest

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection, LIF

DT_MS = 0.1


def single_neuron(bias, *, neuron: LIF | None = None, name: str = "single") -> Circuit:
    """A population of neurons driven only by their biases (no inputs)."""
    bias = np.atleast_1d(np.asarray(bias, dtype=float))
    return Circuit(name, populations=[NeuronPopulation("n", len(bias), bias=bias, neuron=neuron)])


def random_feedforward(rng: np.random.Generator, *, n_in=4, n_hidden=5, n_out=3, max_count=4, unit=0.1, delay=0.0):
    """A seeded two-layer circuit with signed integer counts."""
    return Circuit(
        "random_ff",
        inputs=[InputPopulation("x", n_in)],
        populations=[
            NeuronPopulation("hidden", n_hidden, bias=rng.uniform(-0.2, 0.3, n_hidden)),
            NeuronPopulation("out", n_out, bias=rng.uniform(-0.1, 0.2, n_out)),
        ],
        projections=[
            Projection("x", "hidden", counts=rng.integers(-max_count, max_count + 1, (n_hidden, n_in)), unit_weight=unit,
                       delay_ms=delay),
            Projection("hidden", "out", counts=rng.integers(-max_count, max_count + 1, (n_out, n_hidden)),
                       unit_weight=unit, delay_ms=delay),
        ],
    )


def assert_same_spikes(a, b, *, at_least: int = 1) -> None:
    """Two SpikeTrains hold exactly the same spikes (sample, neuron, time), and enough of them to mean it."""
    assert len(a) >= at_least, f"guard: neurons fired ({len(a)} spikes, need {at_least})"
    np.testing.assert_array_equal(a.sample, b.sample)
    np.testing.assert_array_equal(a.neuron, b.neuron)
    np.testing.assert_array_equal(a.time_ms, b.time_ms)


@pytest.fixture(autouse=True, scope="session")
def _calibration_cache(tmp_path_factory):
    """Calibrations (neurocompare.backends.calibration) go to a per-session folder, never the user's cache; the
    pytest-xdist workers of one session share it (the cache file is replaced atomically)."""
    mp = pytest.MonkeyPatch()
    if os.environ.get("PYTEST_XDIST_WORKER"):  # basetemp is the worker's own folder; its parent is the session's
        folder = tmp_path_factory.getbasetemp().parent / "neurocompare_cache"
        folder.mkdir(exist_ok=True)
    else:
        folder = tmp_path_factory.mktemp("neurocompare_cache")
    mp.setenv("NEUROCOMPARE_CACHE_DIR", str(folder))
    yield
    mp.undo()


@pytest.fixture
def rng() -> np.random.Generator:
    return np.random.default_rng(12345)


@pytest.fixture(scope="session")
def trained():
    """The default 64-32-10 digits network, seed 0, trained once per test session (about 2 s)."""
    from neurocompare.training import train_mlp

    return train_mlp(seed=0)

