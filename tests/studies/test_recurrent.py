"""The recurrent study: a synchronous trajectory's final state is its cycle's mean, whatever the step count."""

from __future__ import annotations

import numpy as np
import pytest

from neurocompare import ArtificialBackend, Circuit, InputPopulation, NeuronPopulation, Projection, ReferenceBackend
from neurocompare.errors import NotConvergedWarning
from neurocompare.compare import compare
from neurocompare.studies import recurrent_dynamics


def three_cycle() -> Circuit:
    """Three relu neurons whose synchronous trajectory from 0, input (1, 0, 0), cycles with period 3:
    (0.5, 1, 0) -> (0, 0, 0.25) -> (1, 0, 0) -> (0.5, 1, 0) -> ... (found by a search, checked by hand)."""
    return Circuit("three_cycle", inputs=[InputPopulation("x", 3)],
                   populations=[NeuronPopulation("r", 3, bias=[0.0, -0.5, -0.5])],
                   projections=[Projection("x", "r", np.eye(3, dtype=int), 1.0),
                                Projection("r", "r", [[-1, -2, 0], [3, -1, 3], [-1, 2, -2]], 0.5)])


def study(steps: int):
    with pytest.warns(NotConvergedWarning, match="population 'r' oscillates with period 3 on 1 of 1 samples"):
        c = compare(three_cycle(), [[1.0, 0.0, 0.0]], spiking=ReferenceBackend(duration_ms=40.0, encoding="regular"),
                    artificial=ArtificialBackend(steps=steps), seed=0, readout="argmax")
    return c, recurrent_dynamics(c, c.snn, delay_ms=1.0, bin_ms=10.0, examples=())


@pytest.mark.parametrize("steps", [30, 31, 32])
def test_final_state_is_the_cycle_mean_whatever_the_step_count(steps):
    c, (metrics, panels) = study(steps)
    assert (c.metric("artificial_converged"), c.metric("artificial_period")) == (0.0, 3.0)
    assert metrics["ann_oscillating_fraction"].value == 1.0
    row = panels[0].rows[0]
    assert panels[0].columns[3] == "artificial ends on" and row[3] == "period-3 cycle"
    # (0.5 + 0 + 1) / 3, (1 + 0 + 0) / 3, (0 + 0.25 + 0) / 3: before, the mean of the last two steps
    assert row[2] == " ".join(f"{v:.2g}" for v in (0.5, 1 / 3, 0.25 / 3))
