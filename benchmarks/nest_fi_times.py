"""Wall time of one batched NEST f-I simulation (tests/models/nest_oracle.py) per model.

For each of iaf_psc_delta, izhikevich, aeif_psc_delta and hh_psc_alpha: 50 currents over the
model's range, 1 s of biological time, one ``nest_fi`` call (one NEST simulation, 1 thread). Each
timing is the fastest of ``--repeat`` calls after one warm-up call; prints a Markdown table.

Run:  .venv/bin/python benchmarks/nest_fi_times.py [--repeat N] [--currents 50] [--duration-ms 1000]

Needs the optional test oracle ``nest-simulator`` 3.10 (GPL-2). This is a measurement script, not a test.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "models"))
import nest_oracle  # noqa: E402

AEIF_TONIC = dict(
    C_m=200.0, g_L=10.0, E_L=-70.0, V_th=-50.0, Delta_T=2.0, a=2.0, tau_w=30.0, b=0.0, V_reset=-58.0, V_peak=0.0,
    t_ref=0.0,
)  # fmt: skip

# model, params, initial state, current range (pA; mV/ms for izhikevich), resolution (ms)
CASES = [
    (
        "iaf_psc_delta",
        dict(C_m=250.0, tau_m=20.0, E_L=-70.0, V_m=-70.0, V_th=-55.0, V_reset=-70.0, t_ref=2.0),
        None,
        (0.0, 1000.0),
        0.1,
    ),
    (
        "izhikevich",
        dict(a=0.02, b=0.2, c=-65.0, d=8.0, V_th=30.0, V_min=-1e6, consistent_integration=True),
        dict(V_m=-65.0, U_m=-13.0),
        (0.0, 20.0),
        0.1,
    ),
    ("aeif_psc_delta", AEIF_TONIC, dict(V_m=-70.0, w=0.0), (0.0, 800.0), 0.1),
    ("hh_psc_alpha", {}, None, (0.0, 2000.0), 0.01),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--currents", type=int, default=50)
    parser.add_argument("--duration-ms", type=float, default=1000.0)
    args = parser.parse_args()

    ok, reason = nest_oracle.nest_available()
    if not ok:
        sys.exit(f"NEST not available: {reason}")

    rows = []
    for model, params, initial, (lo, hi), resolution in CASES:
        currents = np.linspace(lo, hi, args.currents)

        def run():
            return nest_oracle.nest_fi(
                model, params, currents, duration_ms=args.duration_ms, resolution_ms=resolution, initial=initial
            )

        run()  # warm-up
        best = float("inf")
        for _ in range(args.repeat):
            start = time.perf_counter()
            rates = run()
            best = min(best, time.perf_counter() - start)
        rows.append((model, resolution, best, float(rates.max())))

    print(f"{args.currents} currents, {args.duration_ms:g} ms, 1 thread, best of {args.repeat}\n")
    print("| model | resolution (ms) | wall (s) | max rate (Hz) |")
    print("|---|---|---|---|")
    for model, resolution, wall, max_rate in rows:
        print(f"| {model} | {resolution:g} | {wall:.3f} | {max_rate:.0f} |")


if __name__ == "__main__":
    main()
