"""Can both compute AND, OR and XOR? Single neurons, a hidden layer, integer synapse counts, noise and delays.

AND and OR are single neurons; XOR needs a hidden layer (an OR-like and an AND-like neuron), the
classic case one neuron cannot solve. All weights are synapse counts x 0.5, the spiking neurons are
non-leaky integrate-and-fire cells. The report gives each backend's truth tables, the spiking
agreement over many trials with Poisson input, with +/- 2 ms spike-time jitter and with axonal
delays, and shows that XOR with the identity activation collapses into one linear map.
"""

import numpy as np

from neurocompare import LIF, Circuit, InputPopulation, NeuronPopulation, Projection, Regular, SpikingBackend
from neurocompare.compare import compare
from neurocompare.studies import gate_robustness, linear_xor
from neurocompare.report import write_report

IF = LIF(tau_m_ms=float("inf"), reset="subtract", t_ref_ms=0.0)
ROWS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
THRESHOLD = 0.25  # an output is "1" above a quarter of the rate scale (step outputs are 0 or 1)


def build_circuit(gate="xor", activation="step"):
    if gate in ("and", "or"):
        return Circuit(gate, inputs=[InputPopulation("x", 2)], projections=[Projection("x", "out", [[2, 2]], 0.5)],
                       populations=[NeuronPopulation("out", 1, bias=-1.5 if gate == "and" else -0.5,
                                                     activation=activation, neuron=IF)])
    return Circuit("xor", description="XOR: out = f(h_or - 4 h_and), weights = synapse counts x 0.5",
                   inputs=[InputPopulation("x", 2)],
                   populations=[NeuronPopulation("hidden", 2, bias=[0.0, -1.5], activation=activation, neuron=IF),
                                NeuronPopulation("out", 1, activation=activation, neuron=IF)],
                   projections=[Projection("x", "hidden", [[2, 2], [2, 2]], 0.5), Projection("hidden", "out", [[2, -8]], 0.5)])


def run(*, seed=0, quick=False, progress=None, duration_ms=200.0, trials=25, jitter_ms=2.0,
        delay_ms=2.0, rate_scale_hz=100.0):
    duration_ms, trials = (60.0, 4) if quick else (duration_ms, trials)
    be = dict(duration_ms=duration_ms, rate_scale_hz=rate_scale_hz)
    regular = SpikingBackend(encoding="regular", **be)
    comparison = compare(build_circuit("xor"), ROWS, spiking=regular, seed=seed, threshold=THRESHOLD, progress=progress)
    gates = {g: build_circuit(g) for g in ("and", "or", "xor")}
    noisy = {"poisson": SpikingBackend(encoding="poisson", **be), "jitter": SpikingBackend(encoding=Regular(jitter_ms), **be)}
    metrics, panels = gate_robustness(gates, ROWS, deterministic=regular, conditions=noisy, delay_ms=delay_ms,
                                      trials=trials, seed=seed, threshold=THRESHOLD)
    lin_metrics, lin_panel = linear_xor(gates["xor"], ROWS, spiking=regular, seed=seed, threshold=THRESHOLD)
    comparison = comparison.with_extras(metrics={**metrics, **lin_metrics}, panels=[*panels, lin_panel])
    return comparison


def main(out_dir="neurocompare-output/logic_gates", **options):
    comparison = run(**options)
    write_report(comparison, out_dir)
    return comparison


if __name__ == "__main__":
    main()
