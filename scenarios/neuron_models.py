"""Which activation does a real neuron compute? The f-I curves of 13 neuron models against relu, sigmoid and tanh.

Every model the package ships (LIF, adaptive LIF, Izhikevich RS IB CH FS LTS RZ, AdEx tonic adapting
initial_burst bursting, Hodgkin-Huxley) is driven by constant currents in calibrated units (drive 1.0 fires at
the rate scale). The report fits a scaled relu, sigmoid and tanh to each f-I curve and names the best, measures
onset type, rheobase, saturation, adaptation and first-spike latency, and the spike-time reliability of 20
noisy trials under a frozen fluctuating vs a constant input (Mainen & Sejnowski 1995). The real-vs-artificial
table is that of one neuron of the first model reading three inputs.
"""

import numpy as np

from neurocompare import SpikingBackend
from neurocompare.compare import compare
from neurocompare.scenarios import run_script
from neurocompare.studies import model_dt
from neurocompare.studies.neuron_models import (DEFAULT_MODELS, fi_panels, latency_panel, measure_models,
                                                one_neuron_circuit, profile_metrics, reliability_panel,
                                                summary_panel)

QUICK = {"models": ("lif", "izhikevich:RS", "adex:adapting", "hodgkin_huxley"), "duration_ms": 300.0, "trials": 10,
         "compare_duration_ms": 100.0, "n_drives": 16}


def build_circuit(model="lif"):
    return one_neuron_circuit(model)


def run(*, seed=0, progress=None, models=DEFAULT_MODELS, rate_scale_hz=100.0, duration_ms=500.0, trials=20,
        reliability_drive=1.0, fluct_sd=0.5, noise_sd=0.1, compare_duration_ms=300.0, n_drives=30):
    """``models``: names as ``neurocompare.models.neuron_from_name`` reads them; the first one is compared."""
    circuit = build_circuit(models[0])
    x = np.outer(np.linspace(0.0, 2.5, n_drives), [1.0, 0.6, 0.8])
    neuron = circuit.populations[0].neuron
    spiking = SpikingBackend(duration_ms=compare_duration_ms, dt_ms=model_dt(neuron, fast=True),
                             encoding="regular", rate_scale_hz=rate_scale_hz)
    comparison = compare(circuit, x, spiking=spiking, seed=seed, probes=("fi",), readout="threshold",
                         threshold=0.0, progress=progress)
    profiles = measure_models(models, rate_scale_hz=rate_scale_hz, duration_ms=duration_ms, trials=trials,
                              reliability_drive=reliability_drive, fluct_sd=fluct_sd, noise_sd=noise_sd, seed=seed)
    return comparison.with_extras(metrics=profile_metrics(profiles), panels=[
        summary_panel(profiles), *fi_panels(profiles, rate_scale_hz=rate_scale_hz), latency_panel(profiles),
        reliability_panel(profiles, trials=trials)])


if __name__ == "__main__":
    run_script()
