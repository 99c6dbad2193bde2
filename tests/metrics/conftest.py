"""Hand-built data with known answers, shared by the metric tests."""

from __future__ import annotations

import numpy as np

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection, SpikeTrains


def trains(pop, batch, size, spikes, duration=100.0):
    """spikes: list of (sample, neuron, time_ms)."""
    arr = np.array(spikes, dtype=float).reshape(-1, 3)
    order = np.argsort(arr[:, 2], kind="stable")
    arr = arr[order]
    return SpikeTrains(pop, batch, size, arr[:, 0].astype(int), arr[:, 1].astype(int), arr[:, 2], duration)


def tiny_circuit():
    return Circuit(
        "tiny",
        inputs=[InputPopulation("x", 2)],
        populations=[NeuronPopulation("h", 2), NeuronPopulation("o", 1)],
        projections=[
            Projection("x", "h", counts=[[3, 0], [-2, 1]], unit_weight=0.1),
            Projection("h", "o", counts=[[5, -4]], unit_weight=0.1),
        ],
    )
