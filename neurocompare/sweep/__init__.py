"""Sweeps: one scenario over a grid of options x seeds, many comparisons in parallel, nothing lost.

>>> from neurocompare.sweep import sweep
>>> result = sweep("demo", params={"duration_ms": [20, 50], "encoding": ["regular", "poisson"]},
...                seeds=3, out_dir="neurocompare-output/demo-sweep")       # doctest: +SKIP
>>> result.summary("output_agreement")                                       # doctest: +SKIP

The same from the command line::

    neurocompare sweep demo --param duration_ms=20,50 --param encoding=regular,poisson --seeds 3

``params`` maps documented options of the scenario to the values to try; values take the type of
the option's default and an unknown name or a bad value raises
:class:`~neurocompare.errors.ParameterError` naming the option and the valid ones. The grid is the
Cartesian product of the values, each run for replicates ``0 .. seeds - 1``. Options that are not
swept keep their defaults (with ``quick``, the scenario's quick values); a single value fixes an
option (``--param budget=false``).

One module per concern:

- :mod:`.options`: typing option values from text or Python values (the one option parser; the
  command line and :mod:`neurocompare.scenarios` use it too);
- :mod:`.plan`: the grid, task ids and seeds (:func:`plan_sweep`, :func:`task_seed`);
- :mod:`.engine`: running tasks serially or on Dask worker processes (:func:`run_task`);
- :mod:`.store`: the durable ``results.csv``, ``sweep.json`` and the folder lock;
- :mod:`.result`: :class:`SweepResult` and :func:`load_sweep`;
- :mod:`.report`: ``sweep.html``, ``sweep.md``, ``summary.csv`` and ``figures/``;
- :mod:`.runner`: :func:`sweep`, which ties them together (resume, retries, lost tasks, interrupts:
  :class:`SweepInterrupted`).

From a script, call :func:`sweep` under ``if __name__ == "__main__":`` (worker processes are
started with ``spawn`` and import the main module).
"""

from .engine import run_task
from ..options import canonical_json, parse_values
from .plan import SweepTask, plan_sweep, task_seed
from .result import HEADLINE_METRICS, SweepResult, load_sweep
from .runner import SweepInterrupted, sweep
from .store import MANIFEST_FILE, RESULTS_FILE

__all__ = [
    "sweep",
    "SweepInterrupted",
    "SweepResult",
    "SweepTask",
    "plan_sweep",
    "task_seed",
    "canonical_json",
    "run_task",
    "load_sweep",
    "parse_values",
    "RESULTS_FILE",
    "MANIFEST_FILE",
    "HEADLINE_METRICS",
]
