"""Can both compute AND, OR and XOR? Single neurons, a hidden layer, integer synapse counts, noise and delays.

AND and OR are single neurons; XOR needs a hidden layer (an OR-like and an AND-like neuron), the
classic case one neuron cannot solve. All weights are synapse counts x 0.5, the spiking neurons are
non-leaky integrate-and-fire cells. The report gives each backend's truth tables, the spiking
agreement over many trials with Poisson input, with +/- 2 ms spike-time jitter and with axonal
delays, and shows that XOR with the identity activation collapses into one linear map.
"""

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection, Regular, SpikingBackend
from neurocompare.compare import compare
from neurocompare.scenarios import run_script
from neurocompare.studies import model_dt, with_models
from neurocompare.studies.gates import IF_NEURON, XOR_INPUTS as ROWS, gate_robustness, linear_xor, xor_circuit

THRESHOLD = 0.25  # an output is "1" above a quarter of the rate scale (step outputs are 0 or 1)
QUICK = {"duration_ms": 60.0, "trials": 4, "fast_dt": True}


def build_circuit(gate="xor", activation="step"):
    if gate == "xor":
        return xor_circuit(activation=activation)
    return Circuit(gate, inputs=[InputPopulation("x", 2)], projections=[Projection("x", "out", [[2, 2]], 0.5)],
                   populations=[NeuronPopulation("out", 1, bias=-1.5 if gate == "and" else -0.5,
                                                 activation=activation, neuron=IF_NEURON)])


def run(*, seed=0, progress=None, duration_ms=200.0, trials=25, jitter_ms=2.0, delay_ms=2.0, rate_scale_hz=100.0,
        neuron="", synapse="", fast_dt=False):
    """``neuron``, ``synapse``: another neuron / synapse model for every gate (e.g. "adex:tonic", "exp_current");
    ``fast_dt``: the model's study step (neurocompare.studies.model_dt)."""
    be = dict(duration_ms=duration_ms, rate_scale_hz=rate_scale_hz, dt_ms=model_dt(neuron, fast=fast_dt))
    regular = SpikingBackend(encoding="regular", **be)
    gates = {g: with_models(build_circuit(g), neuron=neuron, synapse=synapse) for g in ("and", "or", "xor")}
    comparison = compare(gates["xor"], ROWS, spiking=regular, seed=seed,
                         probes=("fi", "delays"), threshold=THRESHOLD, progress=progress)
    noisy = {"poisson": SpikingBackend(encoding="poisson", **be),
             "jitter": SpikingBackend(encoding=Regular(jitter_ms), **be)}
    metrics, panels = gate_robustness(gates, ROWS, deterministic=regular, conditions=noisy, delay_ms=delay_ms,
                                      trials=trials, seed=seed, threshold=THRESHOLD, given={"xor": comparison.snn},
                                      thresholds=(comparison.metric("first_spike_drive"),
                                                  comparison.metric("rheobase_drive")))
    lin_metrics, lin_panel = linear_xor(gates["xor"], ROWS, snn=comparison.snn, threshold=THRESHOLD)
    return comparison.with_extras(metrics={**metrics, **lin_metrics}, panels=[*panels, lin_panel])


if __name__ == "__main__":
    run_script()
