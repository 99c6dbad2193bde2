"""Is a synapse a weight? Delta, exponential-current and conductance synapses on the same neuron.

The same weight (charge) arrives as a jump (delta), as a current decaying with tau_syn (exp_current), or as a
conductance whose current g (e - v) depends on the membrane (conductance). The report measures, per synapse
model: how long two spikes still sum (summation curve and the interval up to which a pair of individually
subthreshold spikes fires), how one spike's PSP depends on the holding potential (and the reversal potential
that implies), and what inhibition does to the f-I curve (gain vs offset; conductance inhibition with e_inh at
rest = shunting). The real-vs-artificial table is a small circuit with delta synapses; a table compares it
with the other synapse models.
"""

import numpy as np

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection, SpikingBackend
from neurocompare.models import neuron_from_name
from neurocompare.parallel import Background
from neurocompare.scenarios import run_script
from neurocompare.studies import metric, model_dt
from neurocompare.studies.synapses import MODELS, compare_synapses, summary_panel, synapse_set, synapse_study

QUICK = {"interval_step_ms": 1.0, "holding_levels": 12, "inhibition_duration_ms": 500.0,
         "duration_ms": 200.0, "n_drives": 10, "fast_dt": True}


def build_circuit(neuron="lif"):
    return Circuit("synapses", description="two neurons reading three inputs through 2-5 synapses of 0.05",
                   inputs=[InputPopulation("x", 3)],
                   populations=[NeuronPopulation("neuron", 2, bias=0.05, neuron=neuron_from_name(neuron))],
                   projections=[Projection("x", "neuron", [[3, 2, 5], [4, -3, 2]], unit_weight=0.05)])


def run(*, seed=0, progress=None, neuron="lif", tau_syn_ms=5.0, rate_scale_hz=200.0, duration_ms=500.0,
        n_drives=20, max_interval_ms=30.0, interval_step_ms=0.5, holding_levels=30, inhibition_duration_ms=1000.0,
        fi_points=41, fast_dt=False):
    """``neuron``: a model name such as "lif" or "izhikevich:RS"; both exponential synapses decay with tau_syn_ms;
    ``fast_dt``: the model's study step (neurocompare.studies.model_dt)."""
    synapses = synapse_set(tau_syn_ms)
    spiking = SpikingBackend(duration_ms=duration_ms, dt_ms=model_dt(neuron, fast=fast_dt), encoding="regular",
                             rate_scale_hz=rate_scale_hz)
    x = np.outer(np.linspace(0, 2.5, n_drives), [1.0, 0.6, 0.8])
    study = dict(neuron=neuron_from_name(neuron), synapses=synapses, rate_scale_hz=rate_scale_hz, seed=seed,
                 dt_ms=spiking.dt_ms, max_interval_ms=max_interval_ms, interval_step_ms=interval_step_ms,
                 holding_levels=holding_levels, inhibition_duration_ms=inhibition_duration_ms, fi_points=fi_points)
    with Background(synapse_study, **study, parts=("holding", "inhibition")) as other:  # on a spare core, if any
        compared = compare_synapses(build_circuit(neuron), x, synapses, spiking=spiking, seed=seed, progress=progress,
                                    readout="threshold", threshold=0.0, probes=("fi", "delays"))
        metrics, panels = synapse_study(**study, parts=("summation",))
        more_metrics, more_panels = other.result()
    metrics, panels = metrics | more_metrics, panels + more_panels
    r = {m: f"{c.metric('rate_correlation.neuron'):.3f}" for m, c in compared.items()}
    metrics |= {f"compare_rate_correlation.{m}": metric(float(v), "r", f"{m} synapses: spiking vs artificial rate "
                                                        "correlation of the compared circuit") for m, v in r.items()}
    return compared["delta"].with_extras(metrics=metrics, panels=[*panels, summary_panel(MODELS, metrics, r)])


if __name__ == "__main__":
    run_script()
