"""What does one neuron compute? A weighted sum through relu/sigmoid/tanh, or integration to a threshold.

One neuron reads three inputs through 3, 2 and 5 synapses (unit weight 0.01) with a bias. The
artificial neuron computes f(w.x + b); the spiking leaky integrate-and-fire neuron integrates
input spikes to its threshold. The report sweeps the input drive, shows the spiking transfer
function against the analytic LIF curve and against relu, sigmoid and tanh, and the membrane
at three drives (below, near and well above threshold).
"""

import numpy as np

from neurocompare import LIF, Circuit, InputPopulation, NeuronPopulation, Projection, SpikingBackend
from neurocompare.compare import compare
from neurocompare.studies import activation_sweep, fi_curve, fi_panel, membrane_panel, metric, model_dt, with_models
from neurocompare.scenarios import run_script

NEURON = LIF(tau_m_ms=20.0, t_ref_ms=2.0, reset="value")
QUICK = {"duration_ms": 100.0, "fi_points": 17, "fast_dt": True}


def build_circuit():
    return Circuit("single_neuron", description="one LIF neuron, three inputs through 3, 2 and 5 synapses of 0.01",
                   inputs=[InputPopulation("x", 3)],
                   populations=[NeuronPopulation("neuron", 1, bias=0.01, activation="relu", neuron=NEURON)],
                   projections=[Projection("x", "neuron", counts=[[3, 2, 5]], unit_weight=0.01)])


def run(*, seed=0, progress=None, duration_ms=500.0, encoding="regular", rate_scale_hz=1000.0, n_drives=40,
        fi_points=41, neuron="", synapse="", fast_dt=False):
    """``fi_points`` input rates from 0 to 0.4 x rate_scale_hz for the f-I curve (at least 500 ms each);
    ``neuron``, ``synapse``: another neuron / synapse model (e.g. "izhikevich:RS", "conductance"); ``fast_dt``: the
    model's study step (neurocompare.studies.model_dt)."""
    x = np.outer(np.r_[0.3, 0.55, 2.0, np.linspace(0, 2.5, n_drives)], [1.0, 0.6, 0.8])  # 3 example drives first
    spiking = SpikingBackend(duration_ms=duration_ms, dt_ms=model_dt(neuron, fast=fast_dt), encoding=encoding,
                             rate_scale_hz=rate_scale_hz)
    circuit = with_models(build_circuit(), neuron=neuron, synapse=synapse)
    comparison = compare(circuit, x, spiking=spiking, seed=seed, probes=("fi", "delays"), readout="threshold",
                         threshold=0.0, progress=progress)
    sweep, fits = activation_sweep(comparison)
    model = circuit.populations[0].neuron  # the f-I curve below in the model's own units, against the LIF formula
    fi = fi_curve(model, rate_scale_hz * np.linspace(0, 0.4, fi_points), duration_ms=max(duration_ms, 500.0),
                  dt_ms=spiking.dt_ms, rate_scale_hz=rate_scale_hz)
    extras = {"fi_max_isi_error_ms": metric(fi.max_isi_error_ms, "ms", "largest |ISI - analytic ISI| of the f-I curve")}
    return comparison.with_extras(metrics={**fits, **extras}, panels=[
        sweep, fi_panel(fi, rate_scale_hz=rate_scale_hz, model=model.label()),
        membrane_panel(comparison, [0, 1, 2], ["below threshold", "near threshold", "well above"])])


if __name__ == "__main__":
    run_script()
