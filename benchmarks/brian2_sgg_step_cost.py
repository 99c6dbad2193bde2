"""Per-step cost of Brian2's SpikeGeneratorGroup (numpy target) against the size of its spike array.

A minimal reproduction for an upstream report: in Brian2 2.9's numpy template the group looks up
the current step with ``searchsorted`` on its int32 ``_timebins`` and an int64 needle, which makes
numpy convert the whole spike array on every step, so each step costs time proportional to the
number of spikes the group holds, not to the number it emits. neurocompare avoids the group
(``input_mode="drive"``). Usage::

    .venv/bin/python benchmarks/brian2_sgg_step_cost.py

Prints, for each number of spikes the group holds, its own time per step (Brian2 profiling) while
it emits 10 spikes per step: numpy target, dt 0.1 ms, 1000 steps, seed 0.
"""

from __future__ import annotations

import numpy as np


def step_cost(n_spikes: int, n_steps: int = 1000, per_step: int = 10, seed: int = 0) -> float:
    """Seconds per step of the group alone: ``per_step`` spikes emitted in each of ``n_steps`` steps,
    the rest of ``n_spikes`` scheduled after the run (held, never emitted)."""
    import brian2 as b2

    b2.prefs.codegen.target = "numpy"
    rng = np.random.default_rng(seed)
    n_now = per_step * n_steps
    later = rng.integers(n_steps + 1, 100 * n_steps, max(0, n_spikes - n_now))
    steps = np.concatenate([np.repeat(np.arange(n_steps), per_step), later])
    idx = np.concatenate([np.tile(np.arange(per_step), n_steps), rng.integers(0, 64, len(later))])
    keep = np.unique(steps * 64 + idx)  # one spike per neuron and step, sorted by step
    steps, idx = np.divmod(keep, 64)
    group = b2.SpikeGeneratorGroup(64, idx, (steps * 1e-4) * b2.second, dt=0.1 * b2.ms, sorted=True, name="gen")
    net = b2.Network(group)
    net.run(n_steps * 0.1 * b2.ms, profile=True, namespace={})
    seconds = dict((name, float(t / b2.second)) for name, t in net.profiling_info)
    return seconds["gen"] / n_steps


def main() -> None:
    print("| spikes held by the group | spikes emitted per step | time per step |")
    print("|---|---|---|")
    for n in (10_000, 100_000, 1_000_000, 4_000_000):
        print(f"| {n:,} | 10 | {step_cost(n) * 1e6:.0f} us |")


if __name__ == "__main__":
    main()
