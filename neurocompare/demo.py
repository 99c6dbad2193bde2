"""Can a spiking circuit with integer synapse counts compute XOR like an artificial network does? (built-in demo)

XOR from an OR-like and an AND-like hidden neuron, ``out = f(h_or - 4 h_and)``, every weight a
synapse count x 0.5. The spiking twin uses non-leaky integrate-and-fire neurons with reset by
subtraction and no refractory period, whose firing rates approximate relu.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .backends import SpikingBackend
from .circuit import Circuit, InputPopulation, NeuronPopulation, Projection
from .models import LIF

__all__ = ["xor_circuit", "build_circuit", "XOR_INPUTS", "run", "main"]

#: The four rows of the truth table.
XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def xor_circuit(*, activation: str = "relu") -> Circuit:
    """XOR from an OR-like and an AND-like hidden neuron: out = relu(h_or - 4 h_and).

    All weights are counts x 0.5: ``h_or = f(x1 + x2)``, ``h_and = f(x1 + x2 - 1.5)``,
    ``out = f(h_or - 4 h_and)``; with ``f`` = relu or step the output is XOR (read out with
    a threshold of 0.5).
    """
    if_neuron = LIF(tau_m_ms=float("inf"), reset="subtract", t_ref_ms=0.0)
    return Circuit(
        name="xor",
        description="XOR with a hidden layer and integer synapse counts (unit weight 0.5)",
        inputs=[InputPopulation("x", 2)],
        populations=[
            NeuronPopulation("hidden", 2, bias=[0.0, -1.5], activation=activation, neuron=if_neuron),
            NeuronPopulation("out", 1, bias=0.0, activation=activation, neuron=if_neuron),
        ],
        projections=[
            Projection("x", "hidden", counts=[[2, 2], [2, 2]], unit_weight=0.5),
            Projection("hidden", "out", counts=[[2, -8]], unit_weight=0.5),
        ],
    )


build_circuit = xor_circuit


def run(*, seed=0, quick=False, progress=None, duration_ms=200.0, encoding="regular", rate_scale_hz=100.0):
    """Compare both backends on the XOR truth table."""
    from .compare import compare

    spiking = SpikingBackend(encoding=encoding, rate_scale_hz=rate_scale_hz, duration_ms=50.0 if quick else duration_ms)
    return compare(xor_circuit(), XOR_INPUTS, spiking=spiking, seed=seed, name="demo", progress=progress)


def main(out_dir="neurocompare-output/demo", **options):
    """Run the demo and write its report."""
    from .report import write_report

    comparison = run(**options)
    write_report(comparison, Path(out_dir))
    return comparison
