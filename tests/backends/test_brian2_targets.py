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


def test_auto_target_compiles_overhead_bound_runs_only():
    """Cython pays for its compile (10-15 s per shape, once per machine) where the numpy target's per-step overhead
    dominates: a long Hodgkin-Huxley run (200,000 steps x 170 us ~ 34 s estimated), not a short one (10 ms)."""
    from neurocompare.backends.brian2.backend import AUTO_CYTHON_NUMPY_SECONDS
    from neurocompare.models import HodgkinHuxley

    c = Circuit("hh", populations=[NeuronPopulation("n", 4, bias=0.5, neuron=HodgkinHuxley())])
    long, short = (SpikingBackend(duration_ms=d, dt_ms=0.01, rate_scale_hz=100.0) for d in (2000.0, 10.0))
    assert AUTO_CYTHON_NUMPY_SECONDS == 20.0
    assert long.choose_target(c, batch=1) == ("cython" if cython_available() else "numpy")
    assert short.choose_target(c, batch=1) == "numpy"
    assert SpikingBackend(duration_ms=2000.0, target="numpy").choose_target(c, batch=1) == "numpy"  # overridable


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
def test_hodgkin_huxley_gives_identical_spikes_on_both_targets():
    """The model whose numpy code calls a Brian2 function (exprel, given its unit-free implementation: see
    neurocompare.backends.brian2.runtime) fires the same spikes as the compiled code."""
    if not cython_available():
        pytest.skip("Brian2's cython target does not work here (Cython or a C compiler missing)")
    from neurocompare.models import HodgkinHuxley

    c = Circuit("hh_targets", populations=[NeuronPopulation("n", 12, bias=np.linspace(0.05, 3.0, 12),
                                                            neuron=HodgkinHuxley())])
    runs = {t: SpikingBackend(duration_ms=100.0, dt_ms=0.025, rate_scale_hz=100.0, target=t).run(c, seed=0)
            for t in ("numpy", "cython")}
    assert_same_spikes(runs["numpy"].spikes["n"], runs["cython"].spikes["n"], at_least=50)


def test_exprel_for_the_numpy_target_is_brian2s_function_without_its_unit_wrapper():
    """Brian2 2.9's unit-checked wrapper formatted the whole result array into a string on every call (19 ms per
    step for 1,000 Hodgkin-Huxley neurons); the unit-free implementation must give the same values, bit for bit,
    including exprel's special cases (1 near 0, inf above 717)."""
    from neurocompare.backends.brian2 import import_brian2

    import_brian2()
    from brian2.core.functions import DEFAULT_FUNCTIONS
    from brian2.units.unitsafefunctions import exprel

    fast = DEFAULT_FUNCTIONS["exprel"].implementations["numpy"].get_code(None)
    x = np.r_[np.linspace(-700.0, 700.0, 4001), 0.0, 1e-17, -1e-17, 717.1, 1e4, np.nan]
    np.testing.assert_array_equal(fast(x), np.asarray(exprel(x)))
    assert not hasattr(fast, "__wrapped__") and fast.__name__ == "exprel"


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

