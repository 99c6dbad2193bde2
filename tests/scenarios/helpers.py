"""A small scenario script in the new style (QUICK, run, no main), for tests that need a cheap one."""

AND_GATE = '''
"""Does one neuron compute AND?"""
import numpy as np
from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection, SpikingBackend
from neurocompare.compare import compare
from neurocompare.scenarios import run_script

QUICK = {"duration_ms": 20.0}

def build_circuit():
    return Circuit("and", inputs=[InputPopulation("x", 2)], projections=[Projection("x", "out", [[2, 2]], 0.5)],
                   populations=[NeuronPopulation("out", 1, bias=-1.5)])

def run(*, seed=0, progress=None, duration_ms=50.0):
    x = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)
    return compare(build_circuit(), x, spiking=SpikingBackend(duration_ms=duration_ms, target="numpy"),
                   seed=seed, progress=progress)


if __name__ == "__main__":
    run_script()
'''
