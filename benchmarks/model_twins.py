"""Issue 28: each neuron model's ReLU twin against its model twin (trained on the model's measured activation).

Runs neurocompare.studies.twins.twin_accuracies for every model of DIGITS_MODELS and each seed, regular coding
at 1000 Hz, the model's study dt (dt 0.1 ms, Hodgkin-Huxley and AdEx/Izhikevich at 0.025 ms), 5-bit counts,
the whole test set (360 images), and writes benchmarks/results/model_twins.md (mean and spread over seeds).

    python benchmarks/model_twins.py [--seeds 0 1 2] [--models if lif ...]
"""

import argparse
import time
from pathlib import Path

import numpy as np

from neurocompare import SpikingBackend
from neurocompare.studies import DIGITS_MODELS
from neurocompare.studies.twins import design_of, twin_accuracies

TIMES = (5.0, 10.0, 100.0)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--models", nargs="+", default=list(DIGITS_MODELS))
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "model_twins.md"))
    args = ap.parse_args()
    be = SpikingBackend(duration_ms=max(TIMES), encoding="regular", rate_scale_hz=1000.0, synapse_mode="aggregate")
    runs, t0 = [], time.perf_counter()
    for seed in args.seeds:
        runs.append(twin_accuracies(args.models, seed=seed, backend=be, times_ms=TIMES))
        print(f"seed {seed} done ({time.perf_counter() - t0:.0f} s)", flush=True)
    pm = lambda v: f"{100 * np.mean(v):.2f} ± {100 * np.std(v):.2f}"  # noqa: E731
    lines = ["# Model twins: ReLU-trained against trained on the model's own activation (issue 28)", "",
             f"`python benchmarks/model_twins.py --seeds {' '.join(map(str, args.seeds))}`: Brian2 target auto (numpy), "
             "regular coding at 1000 Hz, 5-bit counts, 360 test images, mean ± sd over the seeds (%), rate read-out "
             f"(a tie is wrong). {time.perf_counter() - t0:.0f} s.", "",
             "| model | design | ReLU ANN | ReLU twin 5 ms | ReLU twin 10 ms | ReLU twin 100 ms | model ANN | "
             "model twin 5 ms | model twin 10 ms | model twin 100 ms | model twin - its ANN at 100 ms (pp) |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for m in args.models:
        d = design_of(m)
        r = [run[m] for run in runs]
        gap = [100 * (x["model_twin"][-1] - x["model_ann"]) for x in r]
        lines.append(f"| {m} | smooth {d.smooth:g}, synapse {d.synapse or 'delta'}, {d.epochs} epochs, T {d.temperature:g} | "
                     f"{pm([x['relu_ann'] for x in r])} | "
                     + " | ".join(pm([x["relu_twin"][i] for x in r]) for i in range(len(TIMES))) + " | "
                     + f"{pm([x['model_ann'] for x in r])} | "
                     + " | ".join(pm([x["model_twin"][i] for x in r]) for i in range(len(TIMES)))
                     + f" | {np.mean(gap):+.2f} (worst {min(gap):+.2f}) |")
    text = "\n".join(lines) + "\n"
    Path(args.out).write_text(text)
    print(text)


if __name__ == "__main__":
    main()
