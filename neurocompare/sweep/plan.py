"""A sweep's plan: the grid of option values, its tasks, their ids and their seeds (nothing runs here).

Seeds
-----
A task is the scenario, ``quick``, the complete option set (defaults filled in, the scenario's
``QUICK`` values among them when ``quick``) and a replicate index. Its seed is derived from the
sweep seed, the replicate and the options, never from the worker or the order in which tasks run::

    words = the first 16 bytes of sha256(canonical JSON of the complete option set), as 4 little-endian uint32
    task seed = SeedSequence([sweep_seed, replicate, *words]).generate_state(1, uint32)[0]

(canonical JSON: keys sorted, no spaces, tuples as lists, floats as Python writes them). So
the same sweep gives the same rows with 1 worker, 2 workers or serially, and every parameter
combination gets its own random stream. With ``paired_seeds=True`` the words are left out:
replicate ``r`` has the same seed for every parameter combination (common random numbers).
"""

from __future__ import annotations

import hashlib
import itertools
import numbers
import os
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import numpy as np

from .. import scenarios as _scenarios
from ..errors import ParameterError
from ..options import canonical_json, convert_value, is_sequence, unknown_options_error

__all__ = ["SweepTask", "plan_sweep", "task_seed", "task_id", "SEED_DERIVATION"]

#: The seed derivation, as recorded in ``sweep.json``.
SEED_DERIVATION = ("task seed = numpy SeedSequence([sweep seed, replicate] + (none if paired_seeds else "
                   "4 little-endian uint32 words of sha256(canonical JSON of the complete option set)))"
                   ".generate_state(1, uint32)[0]")


def task_seed(sweep_seed: int, replicate: int, options: Mapping[str, Any], *, paired: bool = False) -> int:
    """The seed of one task (see the module docstring): independent of workers and order.

    Parameters
    ----------
    sweep_seed : int
        The sweep's seed (``--seed``), >= 0.
    replicate : int
        The replicate index, 0 .. seeds - 1.
    options : mapping
        The task's complete option set (scenario defaults filled in).
    paired : bool
        Leave the options out: every parameter combination of a replicate gets the same seed.

    Returns
    -------
    int
        A seed in 0 .. 2**32 - 1.
    """
    words: list[int] = []
    if not paired:
        digest = hashlib.sha256(canonical_json(dict(options)).encode("ascii")).digest()
        words = [int.from_bytes(digest[i:i + 4], "little") for i in range(0, 16, 4)]
    ss = np.random.SeedSequence([int(sweep_seed), int(replicate), *words])
    return int(ss.generate_state(1, dtype=np.uint32)[0])


def task_id(scenario: str, quick: bool, options: Mapping[str, Any], replicate: int, seed: int) -> str:
    """16 hex digits identifying a task: a hash of scenario, quick, the complete options, replicate and seed."""
    text = canonical_json({"scenario": scenario, "quick": bool(quick), "options": dict(options),
                           "replicate": int(replicate), "seed": int(seed)})
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16]


@dataclass(frozen=True)
class SweepTask:
    """One task of a sweep: a parameter combination and a replicate, as plain data.

    Attributes
    ----------
    task_id : str
        16 hex digits, a hash of scenario, quick, the complete options, replicate and seed.
    replicate : int
    seed : int
        Derived by :func:`task_seed`.
    params : mapping
        The swept options' values for this task.
    options : mapping
        The complete option set passed to the scenario (defaults filled in).
    index : int
        Position in the grid (the order rows are reported in).
    """

    task_id: str
    replicate: int
    seed: int
    params: Mapping[str, Any]
    options: Mapping[str, Any]
    index: int

    def spec(self, scenario: str, quick: bool, dirs: Sequence[str]) -> dict[str, Any]:
        """The plain spec a worker runs (see :func:`neurocompare.sweep.engine.run_task`)."""
        return {"task_id": self.task_id, "scenario": scenario, "options": dict(self.options), "seed": self.seed,
                "quick": bool(quick), "dirs": list(dirs)}


def _check_params(scenario: str, params: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, tuple]:
    if not isinstance(params, Mapping):
        raise ParameterError(f"Sweep of {scenario!r}: params must map option names to lists of values; "
                             f"got {type(params).__name__}.")
    grid: dict[str, tuple] = {}
    for name, values in params.items():
        if name not in defaults:
            raise unknown_options_error(scenario, [name], defaults)
        default = defaults[name]
        if not is_sequence(values) or (isinstance(default, (tuple, list)) and len(values) and
                                       not is_sequence(values[0])):
            values = [values]
        converted = tuple(convert_value(scenario, name, v, default) for v in values)
        for value in converted:  # a misspelt model is named before any task runs
            _scenarios.check_model_option(scenario, name, value)
        if not converted:
            raise ParameterError(f"Scenario {scenario!r}: option {name!r} has no values to sweep.")
        keys = [canonical_json(v) for v in converted]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ParameterError(f"Scenario {scenario!r}: option {name!r} lists {', '.join(dup)} more than once.")
        grid[name] = converted
    return grid


def _plain_defaults(scenario: str, *, quick: bool, extra_dirs: Sequence[str | os.PathLike]) -> dict[str, Any]:
    """The scenario's options with their defaults (``QUICK`` values when ``quick``), checked to be plain data."""
    module = _scenarios.load_scenario(_scenarios.get_scenario(scenario, extra_dirs))
    defaults = _scenarios.scenario_options(module, quick=quick)
    for name, default in defaults.items():
        try:
            canonical_json(default)
        except ParameterError:
            raise ParameterError(f"Scenario {scenario!r}: option {name!r} has a default that is not plain data "
                                 f"({default!r}); sweeps identify tasks by their options as JSON.") from None
    return defaults


def plan_sweep(
    scenario: str,
    *,
    params: Mapping[str, Any],
    seeds: int = 1,
    seed: int = 0,
    paired_seeds: bool = False,
    quick: bool = False,
    extra_dirs: Sequence[str | os.PathLike] = (),
) -> tuple[dict[str, tuple], list[SweepTask]]:
    """Validate a sweep and list its tasks, without running anything.

    Parameters
    ----------
    scenario : str
        A scenario name.
    params : mapping option name -> sequence of values
        The grid; values are converted to the options' types (:func:`.options.convert_value`).
    seeds : int
        Replicates per parameter combination (>= 1).
    seed : int
        The sweep seed (>= 0).
    paired_seeds : bool
        The same seed for every parameter combination of a replicate.
    quick : bool
        Options not swept take the scenario's ``QUICK`` values (else their defaults).
    extra_dirs : sequence of paths
        More folders to find the scenario in.

    Returns
    -------
    grid : dict option name -> tuple of values (converted to the options' types)
    tasks : list of SweepTask, in grid order (parameters as given, replicate innermost)
    """
    if isinstance(seeds, bool) or not isinstance(seeds, numbers.Integral) or seeds < 1:
        raise ParameterError(f"Sweep of {scenario!r}: seeds must be a positive integer (replicates); got {seeds!r}.")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ParameterError(f"Sweep of {scenario!r}: seed must be a non-negative integer; got {seed!r}.")
    defaults = _plain_defaults(scenario, quick=quick, extra_dirs=extra_dirs)
    grid = _check_params(scenario, params, defaults)
    tasks = []
    names = list(grid)
    for combo in itertools.product(*(grid[n] for n in names)):
        swept = dict(zip(names, combo))
        options = {**defaults, **swept}
        for r in range(int(seeds)):
            s = task_seed(seed, r, options, paired=paired_seeds)
            tid = task_id(scenario, quick, options, r, s)
            tasks.append(SweepTask(tid, r, s, MappingProxyType(swept), MappingProxyType(options), len(tasks)))
    return grid, tasks
