"""What changes when updates are asynchronous? Two mutually inhibiting neurons, stepped in sync or spiking.

Two neurons excite themselves from their inputs and inhibit each other (winner-take-all). The
artificial network updates both at once from the previous state, so near-equal inputs make it
oscillate (both on, both off, ...); spiking neurons update whenever one fires, so the first to
fire silences the other. The report shows the trajectories, the final states, where and when the
two disagree, and how an axonal delay on the inhibition changes the spiking outcome.
"""

import warnings

import numpy as np

from neurocompare import ArtificialBackend, LIF, Circuit, InputPopulation, NeuronPopulation, Projection, SpikingBackend
from neurocompare.compare import compare
from neurocompare.errors import NotConvergedWarning
from neurocompare.studies import model_dt, recurrent_dynamics, with_delays, with_models
from neurocompare.scenarios import run_script

INPUTS = np.array([[1.0, 1.0], [1.0, 0.9], [0.9, 1.0], [1.0, 0.7], [0.6, 1.0], [0.8, 0.8], [1.0, 0.3], [0.2, 1.0]])
QUICK = {"duration_ms": 200.0, "fast_dt": True}


def build_circuit(delay_ms=0.0):
    return Circuit("recurrent_loop", description="two LIF neurons with mutual inhibition (winner-take-all)",
                   inputs=[InputPopulation("x", 2)],
                   populations=[NeuronPopulation("wta", 2, activation="relu", neuron=LIF(tau_m_ms=20.0, t_ref_ms=2.0))],
                   projections=[Projection("x", "wta", [[4, 0], [0, 4]], 0.1),
                                Projection("wta", "wta", [[0, -30], [-30, 0]], 0.1, delay_ms=delay_ms)])


def run(*, seed=0, progress=None, duration_ms=1000.0, delay_ms=10.0, steps=40, encoding="poisson",
        rate_scale_hz=250.0, neuron="", synapse="", fast_dt=False):
    """``neuron``, ``synapse``: another neuron / synapse model for the pair (e.g. "hodgkin_huxley", "conductance");
    ``fast_dt``: the model's study step (neurocompare.studies.model_dt)."""
    spiking = SpikingBackend(duration_ms=duration_ms, dt_ms=model_dt(neuron, fast=fast_dt), encoding=encoding,
                             rate_scale_hz=rate_scale_hz)
    circuit = with_models(build_circuit(), neuron=neuron, synapse=synapse)
    with warnings.catch_warnings():  # expected: the oscillation is what this scenario measures and reports
        warnings.simplefilter("ignore", NotConvergedWarning)  # (ann_oscillating_fraction, the trajectories)
        comparison = compare(circuit, INPUTS, spiking=spiking, artificial=ArtificialBackend(steps=steps),
                             seed=seed, probes=("fi", "delays"), readout="argmax", progress=progress)
    delayed = spiking.run(with_delays(circuit, {"wta->wta": delay_ms}), INPUTS, seed=seed)
    metrics, panels = recurrent_dynamics(comparison, delayed, delay_ms=delay_ms)
    return comparison.with_extras(metrics=metrics, panels=panels)


if __name__ == "__main__":
    run_script()
