"""Wires: axons with conduction delays against wires in a chip.

A pure function of the circuit, and the registration of the row's metrics: the largest axonal
delay, how much the delays move the output latency, and how many connections each network wires.
"""

from __future__ import annotations

from ..circuit import Circuit
from .registry import MetricSpec, register_metric

__all__ = ["max_delay_ms"]


def max_delay_ms(circuit: Circuit) -> float:
    """The largest axonal delay of the circuit: max over projections and synapses of d_kj (ms).

    Parameters
    ----------
    circuit : Circuit
        Delays as stored in its projections (a backend may round them to its time step).

    Returns
    -------
    float
        In ms; 0 for a circuit without projections (no axon, no delay: exactly true, not missing).
    """
    return float(max((p.delays.max() for p in circuit.projections), default=0.0))


# ------------------------------------------------------------------- registered metrics
# All descriptive: they say what the circuit is, and how much its delays matter, not which is better.
register_metric(MetricSpec(
    "max_delay_ms", "wires", "ms", "largest axonal delay in the circuit",
    lambda d: max_delay_ms(d.circuit), direction=None))
register_metric(MetricSpec(
    "delay_latency_shift_ms", "wires", "ms",
    "median change of the output neurons' first-spike latency between the two delay variants run (paired per "
    "neuron and sample)",
    lambda d: d.delay_shift_ms, direction=None))
register_metric(MetricSpec(
    "synapses", "wires", "synapses", "synapses in the spiking circuit (sum of |counts|)",
    lambda d: float(d.circuit.n_synapses), direction=None))
register_metric(MetricSpec(
    "weight_entries", "wires", "entries", "entries of the artificial weight matrices",
    lambda d: float(d.circuit.n_weights), direction=None))
