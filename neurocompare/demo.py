"""The built-in demo circuit: XOR with integer synapse counts, run through both backends."""

from __future__ import annotations

import numpy as np

from .backends import ArtificialBackend, SpikingBackend
from .circuit import Circuit, InputPopulation, NeuronPopulation, Projection
from .neurons import LIF

__all__ = ["xor_circuit", "XOR_INPUTS", "run_demo"]

#: The four rows of the truth table.
XOR_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def xor_circuit(*, activation: str = "relu") -> Circuit:
    """XOR from an OR-like and an AND-like hidden neuron: out = relu(h_or - 4 h_and).

    All weights are counts x 0.5: ``h_or = f(x1 + x2)``, ``h_and = f(x1 + x2 - 1.5)``,
    ``out = f(h_or - 4 h_and)``; with ``f`` = relu or step the output is XOR (read out with
    a threshold of 0.5). The spiking twin uses non-leaky integrate-and-fire neurons with reset
    by subtraction and no refractory period, whose rates approximate relu.
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


def run_demo(*, seed: int = 0) -> str:
    """Run XOR through both backends and return a small text table of the outputs."""
    circuit = xor_circuit()
    ann = ArtificialBackend().run(circuit, XOR_INPUTS, seed=seed)
    snn = SpikingBackend(encoding="regular", rate_scale_hz=100.0, duration_ms=200.0).run(
        circuit, XOR_INPUTS, seed=seed
    )
    lines = [
        circuit.summary(),
        "",
        f"{'x1 x2':<8}{'artificial out':>16}{'spiking out':>14}{'spikes':>8}{'XOR':>5}",
    ]
    counts = snn.spike_counts("out")[:, 0]
    for row, a, s, n in zip(XOR_INPUTS, ann["out"][:, 0], snn["out"][:, 0], counts):
        lines.append(f"{int(row[0])}  {int(row[1]):<5}{a:>16.3f}{s:>14.3f}{n:>8d}{int(row[0]) ^ int(row[1]):>5}")
    lines.append(
        f"\nspiking: Brian2 target {snn.info['target']}, dt {snn.info['dt_ms']} ms, "
        f"{snn.info['duration_ms']:g} ms, regular coding at {snn.info['rate_scale_hz']:g} Hz, seed {seed}"
    )
    return "\n".join(lines)
