"""Can a spiking circuit with integer synapse counts compute XOR like an artificial network does? (built-in demo)

XOR from an OR-like and an AND-like hidden neuron, ``out = f(h_or - 4 h_and)``, every weight a
synapse count x 0.5. The spiking twin uses non-leaky integrate-and-fire neurons with reset by
subtraction and no refractory period, whose firing rates approximate relu.
"""

from __future__ import annotations

from .backends import SpikingBackend
from .compare import compare
from .scenarios import run_script
from .studies.gates import XOR_INPUTS, xor_circuit

__all__ = ["xor_circuit", "build_circuit", "XOR_INPUTS", "QUICK", "run"]

#: ``--quick``: a short simulation.
QUICK = {"duration_ms": 50.0}


def build_circuit():
    """The XOR circuit with the relu activation."""
    return xor_circuit(activation="relu")


def run(*, seed=0, progress=None, duration_ms=200.0, encoding="regular", rate_scale_hz=100.0):
    """Compare both backends on the XOR truth table."""
    spiking = SpikingBackend(encoding=encoding, rate_scale_hz=rate_scale_hz, duration_ms=duration_ms)
    return compare(build_circuit(), XOR_INPUTS, spiking=spiking, seed=seed,
                   probes=("fi", "delays"), name="demo", progress=progress)


if __name__ == "__main__":  # pragma: no cover
    run_script()
