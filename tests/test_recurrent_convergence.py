"""compare() reports where the artificial side's synchronous trajectory ended, and how many samples settle."""

from __future__ import annotations

import numpy as np
import pytest

from neurocompare import ArtificialBackend, Circuit, InputPopulation, NeuronPopulation, Projection, ReferenceBackend
from neurocompare.errors import NotConvergedWarning
from neurocompare.compare import compare

from .backends.test_artificial import winner_take_all

SPIKING = ReferenceBackend(duration_ms=100.0, encoding="regular")
PARITY_X = np.array([[1.0, 0.9, 0.8, 0.7, 0.6], [1.0, 0.0, 0.0, 0.0, 0.0]])


@pytest.mark.parametrize("steps", [50, 51])
def test_compare_reports_the_two_cycle_at_either_parity(steps):
    with pytest.warns(NotConvergedWarning, match="'wta' oscillates with period 2 on 1 of 2 samples"):
        c = compare(winner_take_all(), PARITY_X, spiking=SPIKING, artificial=ArtificialBackend(steps=steps), seed=0)
    assert c.metric("artificial_converged") == 0.0
    assert c.metric("artificial_converged_fraction") == 0.5
    assert c.metric("artificial_period") == 2.0
    assert c.metrics["artificial_period"].unit == "steps"
    # settled_fraction is the share of samples whose settle time is a time, not "never"
    assert c.metric("settled_fraction") == np.mean(~np.isnan(c.curves["settle_ms"]))


def test_feedforward_comparison_is_a_fixed_point():
    c = Circuit("ff", inputs=[InputPopulation("x", 2)], populations=[NeuronPopulation("o", 2)],
                projections=[Projection("x", "o", [[3, 0], [0, 3]], 0.2)])
    cmp = compare(c, [[1.0, 0.2], [0.1, 1.0]], spiking=SPIKING, seed=0)
    assert (cmp.metric("artificial_converged"), cmp.metric("artificial_converged_fraction"),
            cmp.metric("artificial_period")) == (1.0, 1.0, 1.0)
    assert cmp.metric("settled_fraction") == np.mean(~np.isnan(cmp.curves["settle_ms"])) == 1.0
