"""Is a result converged in the time step? Halve dt until the spike times stop moving.

>>> from neurocompare import Circuit, NeuronPopulation, ReferenceBackend
>>> from neurocompare.convergence import converged_dt
>>> c = Circuit("one", populations=[NeuronPopulation("n", 2, bias=[1.0, 2.0])])
>>> conv = converged_dt(ReferenceBackend(duration_ms=100, dt_ms=0.4), c)
>>> conv.converged, conv.dt_ms <= 0.4
(True, True)
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ._validation import check_int, check_positive
from .errors import CoarseTimeStepWarning, NotConvergedWarning, ParameterError
from .results import Result

__all__ = ["Convergence", "ConvergenceStep", "converged_dt", "spike_shift"]


@dataclass(frozen=True)
class ConvergenceStep:
    """One comparison of a run at ``dt_ms`` with the run at ``dt_ms / 2``."""

    dt_ms: float
    spikes: int  # at dt_ms
    count_changes: int  # (sample, neuron) pairs whose spike count differs at dt_ms / 2
    max_shift_ms: float  # largest spike-time change where the counts agree (NaN if none spiked)


@dataclass(frozen=True)
class Convergence:
    """``dt_ms``: the largest dt tried whose spikes agree with the run at half of it (every count equal, no spike
    moved by more than ``tolerance_ms``); ``converged`` False if no pair agreed (then ``dt_ms`` is the finest tried)."""

    dt_ms: float
    converged: bool
    tolerance_ms: float
    steps: tuple[ConvergenceStep, ...]

    def table(self) -> str:
        """The halvings as a Markdown table."""
        rows = ["| dt (ms) | spikes | counts changed at dt/2 | max spike shift at dt/2 (ms) |", "|---|---|---|---|"]
        rows += [f"| {s.dt_ms:g} | {s.spikes} | {s.count_changes} | {s.max_shift_ms:.3g} |" for s in self.steps]
        return "\n".join(rows)


def spike_shift(a: Result, b: Result, populations: Sequence[str]) -> tuple[int, int, float]:
    """(spikes in ``a``, (sample, neuron) pairs whose counts differ, largest |time change| where they agree)."""
    spikes, changed, shift = 0, 0, -math.inf
    for name in populations:
        ta, tb = a.spikes[name], b.spikes[name]
        spikes += len(ta.time_ms)
        for s in range(ta.batch_size):
            for k in range(ta.size):
                x, y = ta.times(s, k), tb.times(s, k)
                if len(x) != len(y):
                    changed += 1
                elif len(x):
                    shift = max(shift, float(np.max(np.abs(np.asarray(x) - np.asarray(y)))))
    return spikes, changed, (shift if shift > -math.inf else math.nan)


def converged_dt(backend: Any, circuit: Any, inputs: Any = None, *, seed: int = 0, tolerance_ms: float = 0.1,
                 max_halvings: int = 4, populations: Sequence[str] | None = None) -> Convergence:
    """Run ``circuit`` at the backend's dt, then at dt/2, dt/4, ... until two runs agree.

    Two runs agree when every neuron of ``populations`` (default: all) fires the same number of spikes in each
    sample and no spike moves by more than ``tolerance_ms`` (default 0.1 ms). Forward Euler (Izhikevich, AdEx)
    converges to first order and its spike-time errors accumulate over a run, so long runs of those models
    need a fine dt.
    The inputs must be deterministic across dt for this to mean anything: analog inputs or given spikes (a
    Poisson encoding draws different spikes at each dt). The coarse-dt warning is not repeated for these runs.

    Returns
    -------
    Convergence
        The dt at which the result is converged, and each halving's spike count, count changes and largest
        spike-time shift. Warns (:class:`~neurocompare.errors.NotConvergedWarning`) if no halving agreed.
    """
    halvings = check_int("converged_dt", "max_halvings", max_halvings, minimum=1, maximum=12)
    tol = check_positive("converged_dt", "tolerance_ms", tolerance_ms)
    names = list(populations) if populations is not None else list(circuit.population_names)
    unknown = sorted(set(names) - set(circuit.population_names))
    if unknown:
        raise ParameterError(f"converged_dt: unknown population(s) {', '.join(unknown)}; valid: "
                             f"{', '.join(circuit.population_names)}.")
    dt = backend.dt_ms

    def run(be: Any) -> Result:
        with warnings.catch_warnings():  # a coarse dt is what is being measured here
            warnings.simplefilter("ignore", CoarseTimeStepWarning)
            return be.run(circuit, inputs, seed=seed)

    previous = run(backend)
    steps = []
    for _ in range(halvings):
        finer = run(backend.replace(dt_ms=dt / 2))
        spikes, changed, shift = spike_shift(previous, finer, names)
        steps.append(ConvergenceStep(dt, spikes, changed, shift))
        if changed == 0 and not shift > tol:
            return Convergence(dt, True, tol, tuple(steps))
        previous, dt = finer, dt / 2
    warnings.warn(f"converged_dt: {circuit.name!r} not converged down to dt = {dt:g} ms ({steps[-1].count_changes} "
                  f"spike counts still change, spikes move by up to {steps[-1].max_shift_ms:.3g} ms).",
                  NotConvergedWarning, stacklevel=2)
    return Convergence(dt, False, tol, tuple(steps))
