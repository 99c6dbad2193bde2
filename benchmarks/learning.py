"""Issue 29: learning on synapse counts (STDP) beside competitive learning and gradient descent, over seeds.

Runs neurocompare.studies.learning.learning_study for each seed (the whole digits split: 1437 training images,
three passes, 360 test images; 100 learners) and writes benchmarks/results/learning.md: accuracy against training
images for the three learners (mean ± sd over the seeds), conversion both ways, specialists, cost and times. The
seeds run in parallel processes (one per core).

    python benchmarks/learning.py [--seeds 0 1 2] [--simulator brian2|reference] [--jobs 2]
"""

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

KEYS = ("learning_accuracy.spiking_as_ann", "learning_accuracy.competitive_as_snn",
        "learning_accuracy.spiking_thresholds_learned", "specialists.spiking", "specialist_classes.spiking",
        "specialists.competitive", "selectivity_median.spiking", "selectivity_median.competitive",
        "learning_cost.spiking_synaptic_updates_per_image", "learning_cost.spiking_transmissions_per_image",
        "learning_cost.competitive_macs_per_image", "learning_cost.gradient_macs_per_image",
        "learning_synapses", "learning_synapse_changes")
TIMES = ("learning_train_time_s", "learning_test_time_s")


def one(seed: int, simulator: str) -> dict:
    from neurocompare.studies.learning import learning_study

    t0 = time.perf_counter()
    s = learning_study(seed=seed, simulator=simulator)
    return {"seed": seed, "checkpoints": s.checkpoints, "accuracy": dict(s.accuracy),
            "metrics": {**{k: m.value for k, m in s.metrics.items()}, **{k: s.times[k] for k in TIMES}},
            "info": dict(s.run.info),
            "wall": time.perf_counter() - t0}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    ap.add_argument("--simulator", default="brian2", choices=["brian2", "reference"])
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--out", default=str(Path(__file__).parent / "results" / "learning.md"))
    args = ap.parse_args()
    t0 = time.perf_counter()
    with ProcessPoolExecutor(args.jobs) as pool:
        runs = list(pool.map(one, args.seeds, [args.simulator] * len(args.seeds)))
    marks = runs[0]["checkpoints"]
    pm = lambda v: f"{100 * np.mean(v):.1f} ± {100 * np.std(v):.1f}"  # noqa: E731
    info = runs[0]["info"]
    lines = ["# Learning on synapse counts against two artificial learners (issue 29)", "",
             f"`python benchmarks/learning.py --seeds {' '.join(map(str, args.seeds))} --simulator {args.simulator}`: "
             f"{info['simulator']} (target {info['target']}), dt {info['dt_ms']} ms, 100 learners, 1437 training "
             "images x 3 passes (the same order for the three learners), 360 test images; test accuracy in %, mean "
             f"± sd over the seeds (each seed its own split, order and Poisson spikes). {time.perf_counter() - t0:.0f} "
             f"s with {args.jobs} processes.", "",
             "| training images | " + " | ".join(f"{int(m)}" for m in marks[1:]) + " |",
             "|---|" + "---|" * (len(marks) - 1)]
    names = {"spiking": "spiking, STDP on counts (no labels)", "competitive": "artificial, competitive (no labels)",
             "gradient": "artificial, gradient descent (labels)", "spiking_as_ann": "spiking counts read as ANN"}
    for key, label in names.items():
        acc = np.array([r["accuracy"][key] for r in runs])
        lines.append(f"| {label} | " + " | ".join(pm(acc[:, i]) for i in range(1, len(marks))) + " |")
    lines += ["", "Per seed, at the end: " + "; ".join(
        f"seed {r['seed']}: spiking {100 * r['accuracy']['spiking'][-1]:.2f}, competitive "
        f"{100 * r['accuracy']['competitive'][-1]:.2f}, gradient {100 * r['accuracy']['gradient'][-1]:.2f}"
        for r in runs) + ".", "", "| measure | mean | per seed |", "|---|---|---|"]
    for key in (*KEYS, *TIMES):
        v = [r["metrics"][key] for r in runs]
        fmt = (lambda x: f"{100 * x:.2f} %") if key.startswith(("learning_accuracy", "selectivity")) else \
            (lambda x: f"{x:,.1f}")
        lines.append(f"| {key} | {fmt(np.mean(v))} | {', '.join(fmt(x) for x in v)} |")
    walls = [r["wall"] for r in runs]
    lines.append(f"| wall time per seed (s) | {np.mean(walls):.1f} | " + ", ".join(f"{w:.1f}" for w in walls) + " |")
    Path(args.out).write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
