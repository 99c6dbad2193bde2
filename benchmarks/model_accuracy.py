"""How accurate is each neuron model at the time step it runs at? Rates and rheobase against a fine-step solution.

For every shipped model and preset, on the reference simulator (which gives Brian2's spikes): the rheobase
(:func:`neurocompare.studies.neuron_fi.fi_profile`) and the rate (1 / mean interval of the spikes after a
200 ms warm-up) at currents from just above the rheobase to where the model fires about 200 Hz, at the model's
default step and at a step FINE times smaller; the fine solution is checked to be converged by a run at half
of it (the change must be far below the error reported). Errors: rate relative to the fine one (%), or
spikes/s where that is larger than the relative error allows (the issue's rule: within 2 % or 1 spike/s),
and the rheobase relative to the fine one.

Run:   .venv/bin/python benchmarks/model_accuracy.py [--models lif,izhikevich:CH] [--fine 10] [--out FILE.md]
       .venv/bin/python benchmarks/model_accuracy.py --fine 20 --fixture tests/fixtures/model_ground_truth.json

``--fixture`` writes only the fine solution (rheobase, and rates at the currents above) that
tests/models/test_model_accuracy.py holds every model against at the steps it runs at.

Slow at the fine step (with --fine 20: about 45 minutes on 2 cores, 30 of them Hodgkin-Huxley at 0.0005 ms); every
number is from the run itself. Results of the last run: benchmarks/results/model_accuracy.md.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from pathlib import Path

import numpy as np

from neurocompare.models import neuron_from_name
from neurocompare.studies import model_steps
from neurocompare.studies.neuron_models import DEFAULT_MODELS
from neurocompare.studies.neuron_fi import fi_profile, spike_trains_at

MODELS = DEFAULT_MODELS  # every model and preset the package ships
DURATION_MS, WARMUP_MS = 1200.0, 200.0


def _rates(neuron, currents, dt_ms):
    trains = spike_trains_at(neuron, currents, simulator="reference", dt_ms=dt_ms, duration_ms=DURATION_MS)
    out = []
    for t in trains:
        t = np.asarray(t)[np.asarray(t) > WARMUP_MS]
        out.append(1e3 * (len(t) - 1) / (t[-1] - t[0]) if len(t) >= 3 else math.nan)
    return np.array(out)


def ground_truth(name: str, fine: int) -> dict:
    """The fine solution of one model: its rheobase and its rates at 1.05 .. 5 x rheobase (all of them)."""
    neuron = neuron_from_name(name)
    fine_dt = neuron.default_dt_ms / fine
    rheo = fi_profile(neuron, simulator="reference", dt_ms=fine_dt, duration_ms=1000.0).rheobase
    currents = rheo * np.array([1.05, 1.2, 1.5, 2.0, 3.0, 5.0])
    rates = _rates(neuron, currents, fine_dt)
    return {"fine_dt_ms": fine_dt, "rheobase": rheo, "currents": currents.tolist(),
            "rates_hz": [None if not math.isfinite(r) else float(r) for r in rates],
            "duration_ms": DURATION_MS, "warmup_ms": WARMUP_MS}


def measure(name: str, fine: int) -> list[dict]:
    """One row per step of :func:`~neurocompare.studies.model_steps`, all against one fine solution
    (:func:`ground_truth`: the default step / ``fine``)."""
    neuron = neuron_from_name(name)
    start = time.perf_counter()
    truth = ground_truth(name, fine)
    fine_dt, rheo, currents = truth["fine_dt_ms"], truth["rheobase"], np.array(truth["currents"])
    r_fine = np.array([math.nan if r is None else r for r in truth["rates_hz"]])
    r_finer = _rates(neuron, currents, fine_dt / 2)
    keep = np.isfinite(r_fine) & (r_fine <= 250.0)
    rel_conv = 100 * (r_finer - r_fine) / r_fine
    rows = []
    for label, dt in model_steps(neuron):
        t0 = time.perf_counter()
        p_def = fi_profile(neuron, simulator="reference", dt_ms=dt, duration_ms=1000.0)
        r_def = _rates(neuron, currents, dt)
        seconds = time.perf_counter() - t0
        rel = 100 * (r_def - r_fine) / r_fine
        # within 2 % or 1 spike/s: per current
        ok = (np.abs(rel) <= 2.0) | (np.abs(r_def - r_fine) <= 1.0)
        rheo_err = 100 * (p_def.rheobase - rheo) / rheo
        rows.append({"model": name, "step": label, "dt_ms": dt, "fine_dt_ms": fine_dt,
                     "rheobase_err_pct": rheo_err,
                     "rate_err_pct_max": float(np.nanmax(np.abs(rel[keep]))) if keep.any() else math.nan,
                     "rate_err_pct": [round(float(x), 2) for x in rel[keep]],
                     "rates_fine_hz": [round(float(x), 1) for x in r_fine[keep]],
                     "within_2pct_or_1hz": bool(np.all(ok[keep])) and abs(rheo_err) <= 2.0,
                     "fine_converged_pct": float(np.nanmax(np.abs(rel_conv[keep]))) if keep.any() else math.nan,
                     "seconds": seconds})
    rows[0]["fine_seconds"] = time.perf_counter() - start
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", default=",".join(MODELS))
    parser.add_argument("--fine", type=int, default=10, help="the fine step is the default step / FINE")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--fixture", type=Path, help="write the fine solutions (JSON) for the tests and stop")
    args = parser.parse_args()
    if args.fixture:
        import json

        doc = {"fine": args.fine, "simulator": "reference", "models": {}}
        for name in args.models.split(","):
            start = time.perf_counter()
            doc["models"][name] = ground_truth(name, args.fine)
            print(name, doc["models"][name]["rheobase"], f"({time.perf_counter() - start:.0f} s)", flush=True)
        args.fixture.write_text(json.dumps(doc, indent=1) + "\n")
        return 0
    rows = ["| model | step | dt (ms) | rheobase error | max rate error (rates 1.05-5 x rheobase, <= 250 Hz) | within 2 % "
            "or 1 spike/s | fine step converged (max change at half of it) | time at dt (s) |",
            "|---|---|---|---|---|---|---|---|"]
    for name in args.models.split(","):
        for r in measure(name, args.fine):
            rows.append(f"| {r['model']} | {r['step']} | {r['dt_ms']:g} | {r['rheobase_err_pct']:+.2f} % | "
                        f"{r['rate_err_pct_max']:.2f} % ({', '.join(f'{x:+.1f}' for x in r['rate_err_pct'])} % at "
                        f"{', '.join(f'{x:g}' for x in r['rates_fine_hz'])} Hz) | "
                        f"{'yes' if r['within_2pct_or_1hz'] else 'no'} | {r['fine_converged_pct']:.2f} % | "
                        f"{r['seconds']:.1f} |")
            print(rows[-1], flush=True)
    text = "\n".join(rows) + f"\n\nfine step = default / {args.fine}; reference simulator; duration {DURATION_MS:g} ms\n"
    if args.out:
        args.out.write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
