"""Do neurons specialise through their weights? Four detectors read the same house features, each with its own synapses.

Synthetic housing-style features (floor area, rooms, age, distance to centre; generated with a
seed, scaled to [0, 1]) feed four detector neurons whose synapse counts make each prefer a
different kind of house. The report shows each detector's selectivity on both backends and
whether the spiking neurons rank the houses as the artificial ones do (rank correlation).
"""

from neurocompare import LIF, Circuit, InputPopulation, NeuronPopulation, Projection, SpikingBackend
from neurocompare.compare import compare
from neurocompare.studies import model_dt, selectivity, synthetic_houses, with_models
from neurocompare.scenarios import run_script

DETECTORS = ("family_home", "city_flat", "new_build", "fixer_upper")
COUNTS = [[4, 4, 0, 1],     # family home: large, many rooms, a bit out of town
          [-3, -2, 0, -4],  # city flat: small and central (positive bias)
          [1, 0, -5, 0],    # new build: young
          [-1, 0, 4, 2]]    # fixer-upper: old, cheap area further out
BIAS = [-0.6, 1.2, 0.2, -0.3]
QUICK = {"n_houses": 30, "duration_ms": 80.0, "fast_dt": True}


def build_circuit():
    return Circuit("feature_detectors", description="four detector neurons over four house features",
                   inputs=[InputPopulation("house", 4)],
                   populations=[NeuronPopulation("detectors", 4, bias=BIAS, activation="relu",
                                                 neuron=LIF(tau_m_ms=20.0, t_ref_ms=2.0, reset="subtract"))],
                   projections=[Projection("house", "detectors", COUNTS, unit_weight=0.25)])


def run(*, seed=0, progress=None, n_houses=60, duration_ms=300.0, encoding="poisson", rate_scale_hz=200.0, neuron="",
        synapse="", fast_dt=False):
    """``neuron``, ``synapse``: another neuron / synapse model for the detectors (e.g. "izhikevich:RS", "conductance");
    ``fast_dt``: the model's study step (neurocompare.studies.model_dt)."""
    x, features = synthetic_houses(n_houses, seed=seed)
    spiking = SpikingBackend(duration_ms=duration_ms, dt_ms=model_dt(neuron, fast=fast_dt), encoding=encoding,
                             rate_scale_hz=rate_scale_hz)
    comparison = compare(with_models(build_circuit(), neuron=neuron, synapse=synapse), x, spiking=spiking, seed=seed,
                         probes=("fi", "delays"), readout="argmax", progress=progress)
    metrics, panels = selectivity(comparison, features, DETECTORS)
    return comparison.with_extras(metrics=metrics, panels=panels)


if __name__ == "__main__":
    run_script()
