"""Wires: delays of the circuit."""

from __future__ import annotations

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection
from neurocompare.metrics import max_delay_ms

from .conftest import tiny_circuit


def test_max_delay_is_the_largest_projection_delay_and_zero_without_projections():
    assert max_delay_ms(tiny_circuit()) == 0.0
    delayed = Circuit(
        "delayed",
        inputs=[InputPopulation("x", 1)],
        populations=[NeuronPopulation("h", 1), NeuronPopulation("o", 1)],
        projections=[Projection("x", "h", counts=[[1]], unit_weight=0.1, delay_ms=1.5),
                     Projection("h", "o", counts=[[1]], unit_weight=0.1, delay_ms=4.0)],
    )
    assert max_delay_ms(delayed) == 4.0
    assert max_delay_ms(Circuit("alone", populations=[NeuronPopulation("n", 1)])) == 0.0
