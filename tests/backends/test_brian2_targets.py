"""Brian2 code-generation targets: the choice, and numpy == cython on deterministic input."""

from __future__ import annotations

import numpy as np
import pytest

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection, SpikingBackend
from neurocompare.backends.brian2 import cython_available

from ..conftest import assert_same_spikes


def small_circuit() -> Circuit:
    rng = np.random.default_rng(21)
    return Circuit(
        "targets",
        inputs=[InputPopulation("x", 6)],
        populations=[NeuronPopulation("h", 8, bias=0.05), NeuronPopulation("o", 3)],
        projections=[
            Projection("x", "h", counts=rng.integers(-2, 7, (8, 6)), unit_weight=0.1, delay_ms=rng.uniform(0, 2, (8, 6))),
            Projection("h", "o", counts=rng.integers(-2, 7, (3, 8)), unit_weight=0.1, delay_ms=1.0),
        ],
    )


def test_auto_target_is_numpy_for_small_runs():
    be = SpikingBackend(duration_ms=50.0)
    assert be.choose_target(small_circuit(), batch=4) == "numpy"
    res = be.run(small_circuit(), np.full((2, 6), 0.5), seed=0)
    assert res.info["target"] == "numpy"


@pytest.mark.slow
@pytest.mark.cython
def test_numpy_and_cython_give_identical_spikes():
    if not cython_available():
        pytest.skip("Brian2's cython target does not work here (Cython or a C compiler missing)")
    x = np.random.default_rng(5).uniform(0, 1, (4, 6))
    runs = {
        t: SpikingBackend(duration_ms=200.0, encoding="regular", target=t).run(small_circuit(), x, seed=1)
        for t in ("numpy", "cython")
    }
    assert runs["cython"].info["target"] == "cython"
    for pop in ("h", "o"):
        assert_same_spikes(runs["numpy"].spikes[pop], runs["cython"].spikes[pop], at_least=21)


@pytest.mark.slow
@pytest.mark.cython
def test_compare_takes_the_two_targets_as_its_two_sides():
    """compare() with any two registered backends: here Brian2's numpy target against its cython target (the
    same network as above, so the compiled code is cached)."""
    if not cython_available():
        pytest.skip("Brian2's cython target does not work here (Cython or a C compiler missing)")
    from neurocompare.compare import compare

    x = np.random.default_rng(5).uniform(0, 1, (4, 6))
    options = dict(duration_ms=200.0, encoding="regular")
    c = compare(small_circuit(), x, spiking=SpikingBackend(target="numpy", **options),
                artificial=SpikingBackend(target="cython", **options), seed=1, probes=())
    assert c.snn.info["target"] == "numpy" and c.ann.info["target"] == "cython"
    assert c.snn.spike_counts("o").sum() > 20, "guard: neurons fired"
    assert np.array_equal(c.snn["o"], c.ann["o"]) and c.metric("output_agreement") == 1.0

