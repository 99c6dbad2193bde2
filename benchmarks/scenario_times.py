"""Wall time of whole scenario runs as a user starts them (`neurocompare run ...`), in any checkout.

Each case runs twice in a fresh process: the first may compile (Brian2's cython target caches what it compiles
in ~/.cython, so the first ever run of a network shape pays 10-15 s), the second is the warm time. Runs happen
one after the other, never in parallel, so two checkouts measured in turn are comparable.

Run:   .venv/bin/python benchmarks/scenario_times.py [--repo DIR] [--cases hh|default|all] [--once] [--out FILE]

``--repo`` times another checkout (e.g. a `git worktree` of an older commit) with this interpreter: its
package is imported from there (``python -m neurocompare`` with the checkout first on sys.path).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ("single_neuron", "logic_gates", "feature_detectors", "recurrent_loop", "digits", "synapses")
CASES = {
    "hh": [(f"{s} --quick --set neuron=hodgkin_huxley", [s, "--quick", "--set", "neuron=hodgkin_huxley"])
           for s in SCENARIOS],
    "default": [("digits", ["digits"]), ("--all", ["--all"])],
}


def timed(repo: Path, args: list[str]) -> float:
    with tempfile.TemporaryDirectory() as out:
        cmd = [sys.executable, "-m", "neurocompare", "run", *args, "--out", out, "--no-progress"]
        env = {**os.environ, "PYTHONPATH": str(repo)}
        start = time.perf_counter()
        done = subprocess.run(cmd, cwd=repo, env=env, capture_output=True, text=True)
        elapsed = time.perf_counter() - start
    if done.returncode:
        raise SystemExit(f"{' '.join(args)} failed in {repo}:\n{done.stderr[-2000:]}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repo", type=Path, default=ROOT)
    ap.add_argument("--cases", choices=[*CASES, "all"], default="all")
    ap.add_argument("--out", type=Path)
    ap.add_argument("--once", action="store_true", help="one run per case (a checkout that compiles nothing)")
    args = ap.parse_args(argv)
    cases = [c for name, cs in CASES.items() if args.cases in (name, "all") for c in cs]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=args.repo, capture_output=True,
                            text=True).stdout.strip()
    rows = []
    for label, run_args in cases:
        first = timed(args.repo, run_args)
        warm = first if args.once else timed(args.repo, run_args)
        rows.append({"case": label, "first_s": round(first, 1), "warm_s": round(warm, 1)})
        print(f"{commit} | neurocompare run {label} | {first:.1f} s | {warm:.1f} s", flush=True)
    if args.out:
        args.out.write_text(json.dumps({"commit": commit, "python": platform.python_version(), "cpus": os.cpu_count(),
                                        "rows": rows}, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
