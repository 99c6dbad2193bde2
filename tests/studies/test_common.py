"""Tools the studies share: circuits run side by side are each circuit's own run."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection, SpikingBackend
from neurocompare.studies import run_side_by_side


@pytest.mark.parametrize("encoding", ["analog", "poisson"])
def test_circuits_run_side_by_side_give_their_own_runs_spikes(encoding):
    """run_side_by_side: one Brian2 run of several circuits = each circuit's own run, spike for spike."""
    rng = np.random.default_rng(5)
    base = Circuit("c", inputs=[InputPopulation("x", 4)],
                   populations=[NeuronPopulation("h", 6, bias=rng.uniform(0, 0.2, 6)), NeuronPopulation("out", 3)],
                   projections=[Projection("x", "h", counts=rng.integers(-2, 6, (6, 4)), unit_weight=0.1),
                                Projection("h", "out", counts=rng.integers(-2, 6, (3, 6)), unit_weight=0.15)])
    other = replace(base, projections=(base.projections[0], replace(base.projections[1], delay_ms=1.0)))
    be = SpikingBackend(duration_ms=80.0, dt_ms=0.1, encoding=encoding, target="numpy", synapse_mode="aggregate")
    x = rng.uniform(0.2, 1.0, (5, 4))
    together = run_side_by_side(be, [base, other], x, seed=2)
    for circuit, res in zip([base, other], together):
        alone = be.run(circuit, x, seed=2)
        assert set(res.activations) == set(alone.activations)
        for pop in ("h", "out"):
            assert len(alone.spikes[pop]) > 20, "guard: the population fired"
            np.testing.assert_array_equal(res.spikes[pop].time_ms, alone.spikes[pop].time_ms)
            np.testing.assert_array_equal(res.spikes[pop].neuron, alone.spikes[pop].neuron)
            np.testing.assert_array_equal(res[pop], alone[pop])
    assert not np.array_equal(together[0].spikes["out"].time_ms, together[1].spikes["out"].time_ms), \
        "guard: the delay changed the second circuit's output"
