"""The tiny scenario the sweep tests run, and helpers to read a sweep's rows."""

from __future__ import annotations

import csv

from neurocompare.sweep import RESULTS_FILE

TINY = '''
"""Tiny test scenario: one integrate-and-fire neuron driven by Poisson input (sleeps, fails or logs on request)."""

import time
from types import SimpleNamespace

import numpy as np

from neurocompare import LIF, Circuit, InputPopulation, NeuronPopulation, Projection, SpikingBackend
from neurocompare.metrics import Metric

QUICK = {"duration_ms": 20.0}


def build_circuit():
    return Circuit("tiny", inputs=[InputPopulation("x", 1)],
                   populations=[NeuronPopulation("out", 1, neuron=LIF(tau_m_ms=float("inf"), reset="subtract",
                                                                      t_ref_ms=0.0))],
                   projections=[Projection("x", "out", [[2]], 0.5)])


def run(*, seed=0, progress=None, rate=0.5, sleep_s=0.0, fail=False, log="", duration_ms=50.0):
    if log:
        with open(log, "a") as fh:
            fh.write(f"{seed}\\n")
    if fail:
        raise RuntimeError(f"tiny: asked to fail\\n(rate={rate})")
    time.sleep(sleep_s)
    res = SpikingBackend(encoding="poisson", duration_ms=duration_ms, rate_scale_hz=200.0).run(
        build_circuit(), np.array([[rate]]), seed=seed)
    return SimpleNamespace(
        metrics={"out_rate": Metric(float(res["out"][0, 0]), "rate / scale", "decoded output rate"),
                 "in_rate": Metric(float(res["x"][0, 0]), "rate / scale", "decoded input rate"),
                 "duration": Metric(float(duration_ms), "ms", "simulated time"),
                 "labelled_accuracy": Metric(float("nan"), "fraction", "accuracy on labels (none here: n/a)")},
        parameters={"target": res.info["target"]})
'''

#: Columns that legitimately differ between runs of the same task.
VOLATILE = ("wall_s", "worker")


def read_rows(folder):
    text = (folder / RESULTS_FILE).read_text()
    assert text.endswith("\n")
    return list(csv.DictReader(text.splitlines()))


def stable(rows):
    return sorted(({k: v for k, v in r.items() if k not in VOLATILE} for r in rows), key=lambda r: r["task_id"])
