"""Sweeps: one scenario over a grid of options x seeds, many comparisons in parallel, nothing lost.

>>> from neurocompare.sweep import sweep
>>> result = sweep("demo", params={"duration_ms": [20, 50], "encoding": ["regular", "poisson"]},
...                seeds=3, out_dir="neurocompare-output/demo-sweep")       # doctest: +SKIP
>>> result.summary("output_agreement")                                       # doctest: +SKIP

The same from the command line::

    neurocompare sweep demo --param duration_ms=20,50 --param encoding=regular,poisson --seeds 3

The grid
--------
``params`` maps documented options of the scenario (see
:func:`neurocompare.scenarios.scenario_options`) to the values to try; values are converted to
the type of the option's default (``"10"`` -> ``10.0`` for a float option) and an unknown name
or a bad value raises :class:`~neurocompare.errors.ParameterError` naming the option and the
valid ones. The grid is the Cartesian product of the values, each run for replicates
``0 .. seeds - 1``: ``len(grid) x seeds`` tasks. Options that are not swept keep their defaults;
a single value fixes an option (``--param budget=false``).

Seeds
-----
A task is the scenario, ``quick``, the complete option set (defaults filled in) and a replicate
index. Its seed is derived from the sweep seed, the replicate and the options, never from the
worker or the order in which tasks run::

    words = the first 16 bytes of sha256(canonical JSON of the complete option set), as 4 little-endian uint32
    task seed = SeedSequence([sweep_seed, replicate, *words]).generate_state(1, uint32)[0]

(canonical JSON: keys sorted, no spaces, tuples as lists, floats as Python writes them). So
the same sweep gives the same rows with 1 worker, 2 workers or serially, and every parameter
combination gets its own random stream. With ``paired_seeds=True`` the words are left out:
replicate ``r`` has the same seed for every parameter combination (common random numbers,
e.g. the same trained network and the same input spikes at every simulated duration), which
removes the seed-to-seed variation from differences *between* parameter values.

The engine
----------
Tasks are plain specs (scenario name, options, seed, quick; never Brian2 objects) run by
:func:`run_task` on a Dask ``distributed`` cluster:

- ``workers=None`` (default) or ``K >= 1``: an embedded ``LocalCluster`` of ``K`` worker
  *processes* (default: one per core) with one thread each, started and closed by the sweep;
- ``scheduler="tcp://host:port"``: the same sweep on an existing Dask cluster (its workers need
  neurocompare installed and must find the scenario: by the same path, or through
  ``$NEUROCOMPARE_SCENARIOS``); start its workers with ``--nthreads 1`` (a worker runs one
  task at a time anyway: Brian2 keeps global preferences);
- ``workers=0``: serially in this process (the reference, and what the tests compare with).

A worker plugin imports Brian2 in each worker's *main* thread when the worker starts (Brian2
installs a signal handler on import, which fails in Dask's task threads), checks that it runs
there, turns Brian2's "Ctrl+C stops the simulation early" off (an early stop would be recorded
as a complete result), and gives each worker its own Brian2 cython cache folder:
``OUT/.brian2-cache/worker-NAME`` on the embedded cluster (kept, so a resumed sweep does not
compile again), ``neurocompare-brian2`` in the worker's Dask scratch folder on an existing one.
BLAS runs single-threaded inside a task, so results do not depend on how many threads the
machine would have given it. Dask's own log messages below ERROR are hidden during a sweep
unless neurocompare logs at DEBUG.

Results: nothing lost, nothing twice
------------------------------------
The output folder ``OUT`` holds:

``results.csv``
    One row per finished task, appended as each task finishes (flushed and fsync-ed), with
    ``task_id, replicate, seed``, the swept options, ``status`` (``ok``/``error``), ``error``
    (the message), ``wall_s``, ``worker`` (``NAME:PID``), ``target`` (Brian2 code generation),
    ``warnings`` and one column per scenario metric (floats written exactly, ``nan`` for NaN).
    Only this process writes it (workers return their rows), so a task is recorded at most
    once even when a worker dies while running it and Dask runs it again elsewhere. Every row
    is one line; a torn last line (a crash while writing) is detected and dropped on load. A
    row that brings new metric columns rewrites the file atomically with the wider header.
``sweep.json``
    The sweep: scenario, quick, sweep seed, seed derivation, grid, metric units and
    descriptions, versions, command.
``sweep.html``, ``sweep.md``, ``summary.csv``, ``figures/``
    The report (each file replaced atomically; the HTML is self-contained): mean +/- SD over
    seeds of every metric per parameter combination, plots of the headline metrics against each
    swept parameter (other swept parameters as separate series, error bars = SD over seeds),
    and every row.

Running the same sweep into the same folder again resumes it: tasks with an ``ok`` row are not
run again. Failed tasks are retried by default (a failure may be transient: a worker out of
memory, a full disk); the new row replaces the ``error`` row when the retry finishes (the file is
rewritten atomically), so a task never has two rows; ``retry_failed=False`` keeps them. A failing
task (an exception in the scenario, or a worker that died three times running it: Dask's
``allowed-failures``) is recorded with its message and does not stop the others. Trouble of the
engine itself (a lost connection, a cancelled future) is no result of the task and is not
recorded: the sweep finishes the other tasks, then raises ``BackendError`` (run it again to
resume). Resuming needs the same scenario, ``quick``, sweep seed and seed pairing; the grid may
grow (new values run, finished ones are reused). One sweep at a time may write to a folder (a
lock file guards it).

From a script, call :func:`sweep` under ``if __name__ == "__main__":`` (worker processes are
started with ``spawn`` and import the main module).
"""

from __future__ import annotations

import base64
import contextlib
import csv
import datetime as _dt
import hashlib
import html
import io
import itertools
import json
import logging
import math
import numbers
import os
import re
import shutil
import sys
import tempfile
import threading
import time
import uuid
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Callable, Iterator, Mapping, Sequence

import numpy as np

from ..errors import BackendError, ParameterError, ReportError, UnknownNameError
from ..report.writing import _html_table, _md_cell, _process_command, _swap_in
from ..scenarios import (DEFAULT_OUTPUT_ROOT, describe_options, get_scenario, load_scenario, parse_option,
                       scenario_options)

try:  # the engine; only the serial mode (workers=0) works without it
    from distributed import WorkerPlugin as _PluginBase
except ImportError:  # pragma: no cover - distributed is a dependency
    _PluginBase = object

__all__ = [
    "sweep",
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

log = logging.getLogger(__name__)

#: The durable results file and the sweep's description inside the output folder.
RESULTS_FILE = "results.csv"
MANIFEST_FILE = "sweep.json"
#: Metrics plotted by default, in this order, when a scenario reports them (at most 4).
HEADLINE_METRICS = ("snn_accuracy", "ann_accuracy", "output_agreement", "time_to_agreement_ms",
                    "energy_snn_pj", "synaptic_events_per_sample", "rate_correlation.out")
_MAX_HEADLINE = 4
_MAX_SERIES = 8
_PLUGIN_NAME = "neurocompare-sweep"
_LEAD_COLUMNS = ("task_id", "replicate", "seed")
_TAIL_COLUMNS = ("status", "error", "wall_s", "worker", "target", "warnings")
_STATUSES = ("ok", "error")
_CACHE_FOLDER = ".brian2-cache"
_LOCK_FILE = ".sweep.lock"


# =========================================================================== the grid
def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON: keys sorted, no spaces, tuples as lists, no NaN.

    Two equal option sets give the same text on every machine and Python session, so hashes
    of it identify tasks and seed them.
    """
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"Sweep options must be JSON numbers, strings, booleans or lists; {exc}.") from None


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


def _task_id(scenario: str, quick: bool, options: Mapping[str, Any], replicate: int, seed: int) -> str:
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
        """The plain spec a worker runs (see :func:`run_task`)."""
        return {"task_id": self.task_id, "scenario": scenario, "options": dict(self.options), "seed": self.seed,
                "quick": bool(quick), "dirs": list(dirs)}


def _is_sequence(value: Any) -> bool:
    return isinstance(value, (list, tuple, range, np.ndarray))


def _convert(scenario: str, name: str, value: Any, default: Any) -> Any:
    """``value`` for option ``name`` as the type of its default (a text is parsed like ``--set``)."""
    kind = type(default).__name__

    def bad() -> ParameterError:
        return ParameterError(f"Scenario {scenario!r}: option {name!r} takes {kind} values (default {default!r}); "
                              f"got {value!r}.")

    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, str) and not isinstance(default, str) and default is not None:
        try:
            return parse_option(name, value, default)
        except ParameterError:
            raise bad() from None
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise bad()
        return value
    if isinstance(default, int):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral):
            raise bad()
        return int(value)
    if isinstance(default, float):
        if isinstance(value, bool) or not isinstance(value, numbers.Real) or not math.isfinite(value):
            raise bad()
        return float(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise bad()
        return value
    if isinstance(default, (tuple, list)):
        if not _is_sequence(value):
            raise bad()
        inner = default[0] if len(default) else ""
        return type(default)(_convert(scenario, name, v, inner) for v in value)
    canonical_json(value)  # any other default (None): JSON-able values only
    return value


def parse_values(scenario: str, name: str, text: str, default: Any) -> list[Any]:
    """The values of ``--param NAME=TEXT``: comma-separated (``;``-separated for list options)."""
    sep = ";" if isinstance(default, (tuple, list)) else ","
    items = [t.strip() for t in text.split(sep)]
    if any(not t for t in items):
        raise ParameterError(f"Scenario {scenario!r}: --param {name}= needs values separated by {sep!r}; "
                             f"got {text!r}.")
    return items


def _check_params(scenario: str, params: Mapping[str, Any], defaults: Mapping[str, Any]) -> dict[str, tuple]:
    if not isinstance(params, Mapping):
        raise ParameterError(f"Sweep of {scenario!r}: params must map option names to lists of values; "
                             f"got {type(params).__name__}.")
    grid: dict[str, tuple] = {}
    for name, values in params.items():
        if name not in defaults:
            raise ParameterError(f"Scenario {scenario!r}: unknown option {name!r}; valid: {describe_options(defaults)}.")
        default = defaults[name]
        if not _is_sequence(values) or (isinstance(default, (tuple, list)) and len(values) and
                                         not _is_sequence(values[0])):
            values = [values]
        converted = tuple(_convert(scenario, name, v, default) for v in values)
        if not converted:
            raise ParameterError(f"Scenario {scenario!r}: option {name!r} has no values to sweep.")
        keys = [canonical_json(v) for v in converted]
        dup = sorted({k for k in keys if keys.count(k) > 1})
        if dup:
            raise ParameterError(f"Scenario {scenario!r}: option {name!r} lists {', '.join(dup)} more than once.")
        grid[name] = converted
    return grid


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

    Returns
    -------
    grid : dict option name -> tuple of values (converted to the options' types)
    tasks : list of SweepTask, in grid order (parameters as given, replicate innermost)
    """
    if isinstance(seeds, bool) or not isinstance(seeds, numbers.Integral) or seeds < 1:
        raise ParameterError(f"Sweep of {scenario!r}: seeds must be a positive integer (replicates); got {seeds!r}.")
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral) or seed < 0:
        raise ParameterError(f"Sweep of {scenario!r}: seed must be a non-negative integer; got {seed!r}.")
    info = get_scenario(scenario, extra_dirs)
    defaults = scenario_options(load_scenario(info))
    for name, default in defaults.items():
        try:
            canonical_json(default)
        except ParameterError:
            raise ParameterError(f"Scenario {scenario!r}: option {name!r} has a default that is not plain data "
                                 f"({default!r}); sweeps identify tasks by their options as JSON.") from None
    grid = _check_params(scenario, params, defaults)
    tasks = []
    names = list(grid)
    for combo in itertools.product(*(grid[n] for n in names)):
        swept = dict(zip(names, combo))
        options = {**defaults, **swept}
        for r in range(int(seeds)):
            s = task_seed(seed, r, options, paired=paired_seeds)
            tid = _task_id(scenario, quick, options, r, s)
            tasks.append(SweepTask(tid, r, s, MappingProxyType(swept), MappingProxyType(options), len(tasks)))
    return grid, tasks


# =========================================================================== one task
@contextlib.contextmanager
def _single_thread_blas() -> Iterator[None]:
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:  # pragma: no cover - threadpoolctl comes with scikit-learn
        yield
        return
    with threadpool_limits(limits=1):
        yield


def _warning_summary(caught: Sequence[warnings.WarningMessage]) -> str:
    seen: list[str] = []
    for w in caught:
        if issubclass(w.category, (DeprecationWarning, PendingDeprecationWarning)):
            continue
        text = f"{w.category.__name__}: {w.message}"
        if text not in seen:
            seen.append(text)
    out = " | ".join(seen)
    return out if len(out) <= 500 else out[:497] + "..."


def _this_worker() -> tuple[str, Any]:
    """(name, plugin) of the Dask worker running this task, or ("serial", None)."""
    try:
        from distributed import get_worker
        worker = get_worker()
    except (ImportError, ValueError):
        return "serial", None
    return str(worker.name), worker.plugins.get(_PLUGIN_NAME)


def run_task(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Run one task of a sweep (on a worker or in this process) and return its row as plain data.

    ``spec`` holds ``task_id, scenario, options, seed, quick, dirs`` (see :meth:`SweepTask.spec`).
    An exception in the scenario becomes ``status="error"`` with its message; warnings are
    collected into the row instead of being raised, so the outcome does not depend on the
    caller's warning filters.
    """
    from ..scenarios import compare_scenario

    name, plugin = _this_worker()
    lock = plugin.lock if plugin is not None else contextlib.nullcontext()
    row = _task_row(spec["task_id"], worker=f"{name}:{os.getpid()}")
    with lock:
        start = time.perf_counter()
        try:
            if "brian2" not in sys.modules and threading.current_thread() is not threading.main_thread():
                raise BackendError("Brian2 was not imported in this worker's main thread: the neurocompare sweep "
                                   "worker plugin did not run here.")
            with warnings.catch_warnings(record=True) as caught, _single_thread_blas():
                warnings.simplefilter("always")
                comparison = compare_scenario(spec["scenario"], seed=spec["seed"], quick=spec["quick"],
                                              options=spec["options"], extra_dirs=spec["dirs"])
                row["metrics"] = {k: (float(m.value), str(m.unit), str(m.description))
                                  for k, m in comparison.metrics.items()}
                row["target"] = str(getattr(comparison, "parameters", {}).get("target", "") or "")
            row["warnings"] = _warning_summary(caught)
        except Exception as exc:  # recorded, never raised: one failing task must not stop the sweep
            row.update(status="error", error=_one_line(f"{type(exc).__name__}: {exc}"), metrics={})
            log.info("task %s failed: %s", spec["task_id"], row["error"])
        row["wall_s"] = time.perf_counter() - start
    return row


def _task_row(task_id: str, *, worker: str = "", error: str = "", wall_s: float = math.nan) -> dict[str, Any]:
    """A task's raw row: ``status`` "ok", or "error" with ``error``; metrics filled in by the caller."""
    return {"task_id": task_id, "status": "error" if error else "ok", "error": error, "metrics": {}, "target": "",
            "warnings": "", "worker": worker, "wall_s": wall_s}


def _one_line(text: str) -> str:
    """``text`` with control characters (newlines) escaped: every CSV row stays one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


# =========================================================================== Brian2 set-up
def _configure_brian2(cache_dir: Path) -> tuple[str, Callable[[], None]]:
    """Import Brian2 here (must be a main thread), give it ``cache_dir``; returns (its version, undo)."""
    from ..backends.brian2 import import_brian2

    try:
        b2 = import_brian2()
    except ValueError as exc:  # "signal only works in main thread"
        raise BackendError(f"Brian2 must be imported in a main thread (it installs a signal handler): {exc}. "
                           "Import neurocompare.backends.brian2.import_brian2 in the main thread first, or run the "
                           "sweep with workers >= 1.") from None
    cache_dir.mkdir(parents=True, exist_ok=True)
    cython = b2.prefs.codegen.runtime.cython
    old = (cython.cache_dir, b2.prefs.core.stop_on_keyboard_interrupt)
    cython.cache_dir = str(cache_dir)
    # Ctrl+C would otherwise end a running simulation early and the scenario would report the
    # truncated run as a complete one.
    b2.prefs.core.stop_on_keyboard_interrupt = False

    def undo() -> None:
        cython.cache_dir, b2.prefs.core.stop_on_keyboard_interrupt = old

    return str(b2.__version__), undo


def _safe_name(name: Any) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)) or "worker"


class _WorkerSetup(_PluginBase):  # type: ignore[misc, valid-type]
    """Dask worker plugin: Brian2 in the worker's main thread, a per-worker cache, one task at a time."""

    name = _PLUGIN_NAME

    def __init__(self, cache_root: str | None) -> None:
        self.cache_root = cache_root
        self.info: dict[str, Any] = {}

    def setup(self, worker: Any) -> None:
        main = threading.current_thread() is threading.main_thread()
        if not main:
            raise BackendError(f"Dask worker {worker.name!r} sets up plugins outside its main thread "
                               f"({threading.current_thread().name}); Brian2 needs the main thread: use worker "
                               "processes (LocalCluster(processes=True) or 'dask worker').")
        if self.cache_root:
            folder = Path(self.cache_root) / f"worker-{_safe_name(worker.name)}"
        else:  # the worker's own scratch folder, which Dask removes when the worker closes
            folder = Path(getattr(worker, "local_directory", None) or tempfile.mkdtemp()) / "neurocompare-brian2"
        version, _ = _configure_brian2(folder)  # for the worker's lifetime: no undo
        self.lock = threading.Lock()
        self.info = {"name": str(worker.name), "pid": os.getpid(), "main_thread": main,
                     "thread": threading.current_thread().name, "brian2": version, "cache_dir": str(folder)}


def _worker_info(dask_worker: Any) -> dict[str, Any]:
    plugin = dask_worker.plugins.get(_PLUGIN_NAME)
    return dict(getattr(plugin, "info", {}) or {"name": str(dask_worker.name), "pid": os.getpid(),
                                                 "main_thread": False})


# =========================================================================== engines
def _default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class _Outcome:
    """A finished task (row) or one the engine could not run (``lost``: not recorded, run again later)."""

    __slots__ = ("task_id", "row", "lost")

    def __init__(self, task_id: str, row: dict[str, Any] | None, lost: str = "") -> None:
        self.task_id, self.row, self.lost = task_id, row, lost


def _serial_engine(specs: Sequence[dict[str, Any]], cache_root: Path, info: dict[str, Any]) -> Iterator[_Outcome]:
    version, undo = _configure_brian2(cache_root / "serial")
    info["serial"] = {"name": "serial", "pid": os.getpid(),
                      "main_thread": threading.current_thread() is threading.main_thread(),
                      "thread": threading.current_thread().name, "brian2": version,
                      "cache_dir": str(cache_root / "serial")}
    try:
        for spec in specs:
            yield _Outcome(spec["task_id"], run_task(spec))
    finally:
        undo()


def _import_distributed() -> Any:
    try:
        import distributed
    except ImportError as exc:  # pragma: no cover - distributed is a dependency
        raise BackendError(f"Sweeps on workers need Dask distributed ('pip install \"distributed>=2024.8\"'), or run "
                           f"serially with workers=0 (--workers 0): {exc}.") from None
    return distributed


@contextlib.contextmanager
def _engine_logs() -> Iterator[None]:
    """Dask's chatter (scheduler start, connections, shutdown) hidden unless neurocompare logs at DEBUG."""
    logger = logging.getLogger("distributed")
    old = logger.level
    if log.getEffectiveLevel() > logging.DEBUG and logger.getEffectiveLevel() < logging.ERROR:
        logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(old)


def _dask_engine(
    specs: Sequence[dict[str, Any]],
    *,
    workers: int | None,
    scheduler: str | None,
    cache_root: Path | None,
    info: dict[str, Any],
) -> Iterator[_Outcome]:
    distributed = _import_distributed()
    with _engine_logs(), contextlib.ExitStack() as opened:  # closes the client, then the cluster
        if scheduler is None:
            # Worker processes on this machine; the scheduler's HTTP server on a free local port, so
            # that sweeps side by side do not fight over 8787; no statistical profiler in the workers
            # (it samples the running task every 10 ms: ~4 % of a sweep's time, for a dashboard
            # nobody looks at).
            import dask

            try:
                with dask.config.set({"distributed.worker.profile.enabled": False}):
                    cluster = distributed.LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,
                                                       host="127.0.0.1", dashboard_address="127.0.0.1:0",
                                                       silence_logs=logging.ERROR)
            except (RuntimeError, OSError, TimeoutError) as exc:
                cause = exc.__cause__ or exc
                raise BackendError(f"Cannot start {workers} Dask worker process(es) here: {cause}. Worker processes "
                                   "import the main script: call sweep() under 'if __name__ == \"__main__\":' (not "
                                   "from stdin), or run serially with workers=0.") from None
            opened.callback(_quietly_close, cluster)
            client = distributed.Client(cluster, set_as_default=False)
        else:
            try:
                client = distributed.Client(scheduler, timeout="20s", set_as_default=False)
            except (OSError, TimeoutError, ValueError, TypeError) as exc:
                raise BackendError(f"Cannot connect to the Dask scheduler {scheduler!r}: {exc}. Start one ('dask "
                                   "scheduler', then 'dask worker ADDRESS --nthreads 1') or drop --scheduler to run "
                                   "on this machine.") from None
        opened.callback(_quietly_close, client)
        client.register_plugin(_WorkerSetup(str(cache_root) if cache_root is not None else None), name=_PLUGIN_NAME)
        info.update({str(k): v for k, v in client.run(_worker_info).items()})
        bad = [v.get("name") for v in info.values() if not v.get("main_thread")]
        if bad:
            raise BackendError(f"Dask workers {bad} did not import Brian2 in their main thread.")
        token = uuid.uuid4().hex[:8]
        futures = {client.submit(run_task, spec, key=f"neurocompare-{spec['task_id']}-{token}", pure=False):
                   spec["task_id"] for spec in specs}
        # as_completed must wait in this client's event loop: by default it takes the loop of the
        # process's *default* client, and a second client in the process (a notebook's, a test's)
        # then breaks result() with "Event ... bound to a different event loop".
        for future in distributed.as_completed(futures, loop=client.loop):
            task_id = futures.pop(future)
            try:
                row = future.result()
            except distributed.KilledWorker as exc:  # the task itself killed its workers too often
                yield _Outcome(task_id, _task_row(task_id, error=_one_line(f"{type(exc).__name__}: {exc}")))
            except Exception as exc:  # the engine's trouble, not the task's: not recorded, run it again later
                log.debug("task %s: engine error", task_id, exc_info=True)
                yield _Outcome(task_id, None, lost=_one_line(f"{type(exc).__name__}: {exc}"))
            else:
                yield _Outcome(task_id, row)
            future.release()


def _quietly_close(thing: Any) -> None:
    with contextlib.suppress(Exception):
        thing.close(timeout=10)


# =========================================================================== the results file
def _atomic_write(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all (temporary sibling, fsync, rename, fsync the folder)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    try:
        with open(tmp, "w", encoding="utf-8", newline="") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _csv_line(cells: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


class _ResultsFile:
    """``results.csv``: one row per task, each appended with flush + fsync; crash-safe on load."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.columns: list[str] = []
        self.rows: dict[str, dict[str, str]] = {}
        self._fh: Any = None

    def load(self) -> int:
        """Read the file; returns how many lines were dropped (torn, malformed, duplicate)."""
        if not self.path.exists():
            return 0
        try:
            data = self.path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise ReportError(f"Cannot read the sweep results {str(self.path)!r}: {exc}; move it away to start "
                              "over.") from None
        lines = data.split("\n")
        dropped = 0
        if lines and lines[-1] != "":
            log.warning("%s: dropped a torn last line (an interrupted write): %r", self.path, lines[-1][:80])
            dropped += 1
        lines = lines[:-1]
        if not lines:
            return dropped
        header = next(csv.reader([lines[0]]), [])
        if header[:len(_LEAD_COLUMNS)] != list(_LEAD_COLUMNS) or "status" not in header:
            raise ReportError(f"{str(self.path)!r} is not a neurocompare sweep results file (header {lines[0][:80]!r}); "
                              "use another output folder.")
        self.columns = header
        for n, line in enumerate(lines[1:], start=2):
            cells = next(csv.reader([line]), [])
            row = dict(zip(header, cells))
            if len(cells) != len(header) or row["status"] not in _STATUSES or not row["task_id"]:
                log.warning("%s: dropped malformed line %d: %r", self.path, n, line[:80])
                dropped += 1
            elif row["task_id"] in self.rows:
                log.warning("%s: dropped a second row of task %s (line %d)", self.path, row["task_id"], n)
                dropped += 1
            else:
                self.rows[row["task_id"]] = row
        return dropped

    def rewrite(self) -> None:
        """Replace the file by the rows held (atomically) and reopen it for appending."""
        self.close()
        text = _csv_line(self.columns) + "".join(
            _csv_line([row.get(c, "") for c in self.columns]) for row in self.rows.values())
        _atomic_write(self.path, text)

    def ensure_columns(self, columns: Sequence[str]) -> bool:
        new = [c for c in columns if c not in self.columns]
        self.columns.extend(new)
        return bool(new)

    def append(self, row: dict[str, str]) -> None:
        """Record a finished task: appended, or replacing the task's earlier error row (file rewritten)."""
        old = self.rows.get(row["task_id"])
        if old is not None and old["status"] == "ok":  # exactly once, whatever the engine reports
            log.warning("task %s finished twice; the second result is ignored", row["task_id"])
            return
        self.rows[row["task_id"]] = row
        if self.ensure_columns(list(row)) or old is not None or not self.path.exists():
            self.rewrite()
            return
        if self._fh is None:
            self._fh = open(self.path, "a", encoding="utf-8", newline="")
        self._fh.write(_csv_line([row.get(c, "") for c in self.columns]))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


@contextlib.contextmanager
def _folder_lock(out: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        yield
        return
    with open(out / _LOCK_FILE, "a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ReportError(f"Another sweep is writing to {str(out)!r}; wait for it or use another --out.") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _cell(value: Any) -> str:
    if isinstance(value, str):
        return _one_line(value)
    if isinstance(value, bool) or isinstance(value, numbers.Integral):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return _one_line(canonical_json(value))


def _float(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return math.nan


# =========================================================================== the result
@dataclass(frozen=True, eq=False)
class SweepResult:
    """Every row of a sweep, in grid order, and where its files are.

    Attributes
    ----------
    scenario : str
    out_dir : Path
    grid : mapping option name -> tuple of values
    seeds, seed : int
        Replicates per parameter combination, and the sweep seed.
    paired_seeds, quick : bool
    rows : tuple of dict
        One per finished task of the grid: ``task_id, replicate, seed``, the swept options (typed),
        ``status, error, wall_s, worker, target, warnings`` and one float per metric column
        (see :attr:`metric_columns`; NaN where a task failed).
    metrics : mapping metric name -> {"unit", "description", "column"}
    headline : tuple of str
        The metrics plotted in the report.
    missing : tuple of str
        Task ids of the grid without a row (the sweep was interrupted or lost its engine).
    ran, resumed : int
        Tasks run by this call, and rows reused from an earlier run.
    elapsed_s : float
    engine : str
        ``serial``, ``local:K`` or the scheduler address.
    workers : mapping
        Per worker: name, pid, main_thread (where Brian2 was imported), cache_dir.
    """

    scenario: str
    out_dir: Path
    grid: Mapping[str, tuple]
    seeds: int
    seed: int
    paired_seeds: bool
    quick: bool
    rows: tuple[Mapping[str, Any], ...]
    metrics: Mapping[str, Mapping[str, str]]
    headline: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    ran: int = 0
    resumed: int = 0
    elapsed_s: float = 0.0
    engine: str = ""
    workers: Mapping[str, Mapping[str, Any]] = field(default_factory=dict)

    @property
    def metric_columns(self) -> dict[str, str]:
        """Metric name -> its column in :attr:`rows` and ``results.csv``."""
        return {k: v["column"] for k, v in self.metrics.items()}

    @property
    def failed(self) -> tuple[Mapping[str, Any], ...]:
        """The rows with ``status == "error"``."""
        return tuple(r for r in self.rows if r["status"] != "ok")

    @property
    def complete(self) -> bool:
        """Every task of the grid has a row."""
        return not self.missing

    def column(self, name: str) -> np.ndarray:
        """One column over all rows (a metric name or any row key)."""
        key = self.metrics[name]["column"] if name in self.metrics else name
        if not self.rows or key not in self.rows[0]:
            valid = ", ".join([*self.metrics, *(self.rows[0] if self.rows else ())])
            raise UnknownNameError(f"Sweep of {self.scenario!r}: no column {name!r}; valid: {valid}.")
        return np.array([r[key] for r in self.rows])

    def groups(self) -> list[list[Mapping[str, Any]]]:
        """The rows of each parameter combination (replicates together), in grid order."""
        groups: dict[tuple, list[Mapping[str, Any]]] = {}
        for r in self.rows:
            groups.setdefault(tuple(canonical_json(r[p]) for p in self.grid), []).append(r)
        return list(groups.values())

    def summary(self, metric: str) -> list[dict[str, Any]]:
        """Mean and SD over seeds of ``metric`` per parameter combination.

        Returns one dict per combination (grid order) with the swept options, ``mean``,
        ``sd`` (sample SD, ddof=1; NaN for fewer than 2 values), ``n`` (finite values; failed
        tasks and NaN are left out) and ``n_tasks``.
        """
        if metric not in self.metrics:
            raise UnknownNameError(f"Sweep of {self.scenario!r}: no metric {metric!r}; valid: "
                                   f"{', '.join(self.metrics) or 'none (no task succeeded)'}.")
        col = self.metrics[metric]["column"]
        out = []
        for rows in self.groups():
            values = np.array([r[col] for r in rows if r["status"] == "ok"], dtype=float)
            values = values[np.isfinite(values)]
            out.append({**{p: rows[0][p] for p in self.grid},
                        "mean": float(values.mean()) if len(values) else math.nan,
                        "sd": (0.0 if np.all(values == values[0]) else float(values.std(ddof=1)))
                        if len(values) > 1 else math.nan,
                        "n": int(len(values)), "n_tasks": len(rows)})
        return out

    def __repr__(self) -> str:
        return (f"SweepResult({self.scenario!r}, rows={len(self.rows)}, failed={len(self.failed)}, "
                f"missing={len(self.missing)}, ran={self.ran}, resumed={self.resumed}, out_dir={str(self.out_dir)!r})")


# =========================================================================== sweep()
def sweep(
    scenario: str,
    *,
    params: Mapping[str, Any],
    seeds: int = 1,
    seed: int = 0,
    paired_seeds: bool = False,
    workers: int | None = None,
    scheduler: str | None = None,
    out_dir: str | os.PathLike | None = None,
    quick: bool = False,
    retry_failed: bool = True,
    metrics: Sequence[str] | None = None,
    report: bool = True,
    progress: Callable[[str, float, float], None] | None = None,
    extra_dirs: Sequence[str | os.PathLike] = (),
    command: str | None = None,
) -> SweepResult:
    """Run ``scenario`` over the grid ``params`` x ``seeds`` replicates; resumable, in parallel.

    Parameters
    ----------
    scenario : str
        A scenario name (``neurocompare list``).
    params : mapping option name -> sequence of values
        Documented options of the scenario and the values to try (a single value fixes an option).
    seeds : int
        Replicates per parameter combination (>= 1).
    seed : int
        The sweep seed every task's seed is derived from (see the module docstring).
    paired_seeds : bool
        Give replicate ``r`` the same seed in every parameter combination (common random numbers).
    workers : int, optional
        Worker processes of an embedded Dask ``LocalCluster`` (default: one per core);
        ``0`` runs serially in this process. Not with ``scheduler``.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:port``).
    out_dir : path, optional
        The output folder (default ``neurocompare-output/SCENARIO-sweep``); re-running into it resumes.
    quick : bool
        Passed to the scenario (short simulations).
    retry_failed : bool
        Run tasks again whose earlier rows are errors (default); False keeps those rows.
    metrics : sequence of str, optional
        Headline metrics to plot (default: the first 4 of :data:`HEADLINE_METRICS` the scenario
        reports, else its first 3 metrics).
    report : bool
        Write the report (``sweep.html``, ``sweep.md``, ``summary.csv``, ``figures/``).
    progress : callable, optional
        ``progress(stage, fraction, elapsed_s)`` after each finished task.
    extra_dirs : sequence of paths
        More folders to find scenarios in (like ``--scenarios``); workers search them too.
    command : str, optional
        The command line recorded in ``sweep.json`` and the report.

    Returns
    -------
    SweepResult
        Every row of the grid (this run's and resumed ones), in grid order. Failed tasks are
        rows with ``status="error"``; check :attr:`SweepResult.failed`.

    Raises
    ------
    ParameterError
        Unknown option, bad value, bad seeds/workers, or an output folder holding another sweep.
    UnknownNameError
        Unknown scenario or headline metric.
    BackendError
        No Dask, an unreachable scheduler, or workers without Brian2 in their main thread; also
        when the engine lost tasks (rows so far are saved: run again to resume).
    """
    start = time.perf_counter()
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 0):
        raise ParameterError(f"Sweep of {scenario!r}: workers must be a non-negative integer (0: serial in this "
                             f"process); got {workers!r}.")
    if scheduler is not None and workers is not None:
        raise ParameterError("Give workers (--workers: an embedded cluster on this machine) or scheduler "
                             "(--scheduler: an existing Dask cluster), not both.")
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise ParameterError(f"scheduler must be an address like 'tcp://host:8786'; got {scheduler!r}.")
    info = get_scenario(scenario, extra_dirs)
    grid, tasks = plan_sweep(scenario, params=params, seeds=seeds, seed=seed, paired_seeds=paired_seeds, quick=quick,
                             extra_dirs=extra_dirs)
    if metrics is not None:
        metrics = [str(m) for m in ([metrics] if isinstance(metrics, str) else metrics)]
    out = Path(out_dir) if out_dir is not None else DEFAULT_OUTPUT_ROOT / f"{scenario}-sweep"
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ReportError(f"Cannot create the sweep folder {str(out)!r}: {exc.strerror or exc}.") from None
    dirs = [str(Path(d).resolve()) for d in extra_dirs]
    if info.path is not None and str(info.path.parent) not in dirs:
        dirs.insert(0, str(info.path.parent))
    n_workers = workers if workers is not None else (None if scheduler else _default_workers())
    engine = "serial" if n_workers == 0 else (f"local:{n_workers}" if scheduler is None else scheduler)
    identity = {"scenario": scenario, "quick": bool(quick), "seed": int(seed), "paired_seeds": bool(paired_seeds)}

    with _folder_lock(out):
        results, metric_info, manifest = _open_folder(out, identity, grid, seeds, command, info.question)
        by_id = {t.task_id: t for t in tasks}
        todo = [t for t in tasks if t.task_id not in results.rows
                or (retry_failed and results.rows[t.task_id]["status"] != "ok")]
        resumed = len(tasks) - len(todo)
        log.info("sweep %s: %d tasks (%d already done) on %s, output %s", scenario, len(tasks), resumed, engine, out)
        specs = [t.spec(scenario, quick, dirs) for t in todo]
        workers_info: dict[str, Any] = {}
        lost: list[str] = []
        done = 0
        outcomes: Iterator[_Outcome] = iter(())
        try:
            if progress is not None and todo:
                progress(f"0/{len(todo)} tasks", 0.0, time.perf_counter() - start)
            if todo and n_workers == 0:
                outcomes = _serial_engine(specs, out.resolve() / _CACHE_FOLDER, workers_info)
            elif todo:
                cache_root = out.resolve() / _CACHE_FOLDER if scheduler is None else None
                outcomes = _dask_engine(specs, workers=n_workers, scheduler=scheduler, cache_root=cache_root,
                                        info=workers_info)
            for outcome in outcomes:
                if outcome.row is None:
                    lost.append(outcome.lost)
                    continue
                task = by_id[outcome.task_id]
                row, new_metrics = _csv_row(task, outcome.row, grid, metric_info)
                if new_metrics:
                    _atomic_write(out / MANIFEST_FILE, json.dumps(manifest, indent=1, allow_nan=False) + "\n")
                results.append(row)
                done += 1
                log.info("task %s %s in %.1f s (%d/%d)", task.task_id, row["status"], _float(row["wall_s"]), done,
                         len(todo))
                if progress is not None:
                    progress(f"{done}/{len(todo)} tasks", done / len(todo), time.perf_counter() - start)
        finally:
            if hasattr(outcomes, "close"):
                outcomes.close()  # shuts the engine down (cluster, client) also when interrupted
            results.close()
        result = _result(out, scenario, grid, seeds, seed, paired_seeds, quick, tasks, results.rows, metric_info,
                         headline=metrics, ran=done, resumed=resumed, elapsed=time.perf_counter() - start,
                         engine=engine, workers=workers_info)
        if report:
            _write_report(result, manifest, command=command or _process_command())
    if lost:
        raise BackendError(f"The Dask engine lost {len(lost)} task(s) ({lost[0]}); {len(result.rows)} of "
                           f"{len(tasks)} rows are saved in {str(out / RESULTS_FILE)!r}: run the sweep again to resume.")
    return result


def _open_folder(out: Path, identity: Mapping[str, Any], grid: Mapping[str, tuple], seeds: int, command: str | None,
                 question: str) -> tuple[_ResultsFile, dict[str, dict[str, str]], dict[str, Any]]:
    """Check that ``out`` holds this sweep (or none), load its rows, write the manifest."""
    manifest = _read_manifest(out)
    if manifest:
        old = {k: manifest.get(k) for k in identity}
        if old != identity:
            diff = ", ".join(f"{k} {old[k]!r} (now {identity[k]!r})" for k in identity if old[k] != identity[k])
            raise ParameterError(f"{str(out)!r} holds another sweep ({diff}); use another --out, or remove the "
                                 "folder to start over.")
    results = _ResultsFile(out / RESULTS_FILE)
    changed = results.load() > 0  # torn or malformed lines dropped: write the file back clean
    param_cols = [p for p in grid if p not in results.columns]
    if not results.columns:
        results.columns = [*_LEAD_COLUMNS, *param_cols, *_TAIL_COLUMNS]
        changed = True
    else:
        changed |= results.ensure_columns(param_cols)
    if changed:
        results.rewrite()
    metric_info: dict[str, dict[str, str]] = dict((manifest or {}).get("metrics", {}))
    manifest = _manifest(identity, grid, seeds, metric_info, command, question)
    _atomic_write(out / MANIFEST_FILE, json.dumps(manifest, indent=1, allow_nan=False) + "\n")
    return results, metric_info, manifest


def _csv_row(task: SweepTask, raw: Mapping[str, Any], grid: Mapping[str, tuple],
             metric_info: dict[str, dict[str, str]]) -> tuple[dict[str, str], bool]:
    """The CSV row of a finished task; registers new metrics in ``metric_info`` (True if any)."""
    row = {"task_id": task.task_id, "replicate": str(task.replicate), "seed": str(task.seed)}
    row.update({p: _cell(task.params[p]) for p in grid})
    wall = float(raw.get("wall_s", math.nan))
    row.update(status=str(raw["status"]), error=_one_line(raw.get("error", "")),
               wall_s="" if math.isnan(wall) else f"{wall:.3f}", worker=_one_line(raw.get("worker", "")),
               target=_one_line(raw.get("target", "")), warnings=_one_line(raw.get("warnings", "")))
    new = False
    taken = set(_LEAD_COLUMNS) | set(_TAIL_COLUMNS) | set(grid)
    for name, (value, unit, description) in raw.get("metrics", {}).items():
        if name not in metric_info:
            column = name if name not in taken else f"metric.{name}"
            metric_info[name] = {"unit": unit, "description": description, "column": column}
            new = True
        row[metric_info[name]["column"]] = repr(float(value))
    return row, new


def _read_manifest(out: Path) -> dict[str, Any]:
    path = out / MANIFEST_FILE
    if not path.exists():
        return {}
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportError(f"{str(path)!r} is unreadable ({exc}); remove it to start the sweep over.") from None
    if not isinstance(doc, dict) or "scenario" not in doc:
        raise ReportError(f"{str(path)!r} is not a neurocompare sweep description; use another output folder.")
    return doc


def _manifest(identity: Mapping[str, Any], grid: Mapping[str, tuple], seeds: int, metric_info: dict[str, Any],
              command: str | None, question: str) -> dict[str, Any]:
    from ..comparison import versions

    return {
        **identity,
        "question": question,
        "grid": {k: list(v) for k, v in grid.items()},
        "seeds": int(seeds),
        "seed_derivation": ("task seed = numpy SeedSequence([sweep seed, replicate] + (none if paired_seeds else "
                            "4 little-endian uint32 words of sha256(canonical JSON of the complete option set)))"
                            ".generate_state(1, uint32)[0]"),
        "metrics": metric_info,  # filled in as tasks report them (same dict object)
        "versions": versions(),
        "command": command or _process_command(),
        "updated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def _typed_row(task: SweepTask, raw: Mapping[str, str], metric_info: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    row: dict[str, Any] = {"task_id": task.task_id, "replicate": task.replicate, "seed": task.seed, **task.params}
    row.update(status=raw.get("status", ""), error=raw.get("error", ""), wall_s=_float(raw.get("wall_s", "")),
               worker=raw.get("worker", ""), target=raw.get("target", ""), warnings=raw.get("warnings", ""))
    for info in metric_info.values():
        row[info["column"]] = _float(raw.get(info["column"], ""))
    return row


def _pick_headline(scenario: str, metric_info: Mapping[str, Any], chosen: Sequence[str] | None) -> tuple[str, ...]:
    if chosen:
        unknown = [m for m in chosen if m not in metric_info]
        if unknown and metric_info:
            raise UnknownNameError(f"Sweep of {scenario!r}: unknown metric(s) {', '.join(unknown)}; valid: "
                                   f"{', '.join(metric_info)}.")
        return tuple(m for m in chosen if m in metric_info)
    found = tuple(m for m in HEADLINE_METRICS if m in metric_info)[:_MAX_HEADLINE]
    return found or tuple(metric_info)[:3]


def _result(out, scenario, grid, seeds, seed, paired, quick, tasks, rows, metric_info, *, headline, ran, resumed,
            elapsed, engine, workers) -> SweepResult:
    typed = tuple(_typed_row(t, rows[t.task_id], metric_info) for t in tasks if t.task_id in rows)
    missing = tuple(t.task_id for t in tasks if t.task_id not in rows)
    return SweepResult(
        scenario=scenario, out_dir=out, grid=MappingProxyType(dict(grid)), seeds=int(seeds), seed=int(seed),
        paired_seeds=bool(paired), quick=bool(quick), rows=typed,
        metrics=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in metric_info.items()}),
        headline=_pick_headline(scenario, metric_info, headline), missing=missing, ran=ran, resumed=resumed,
        elapsed_s=elapsed, engine=engine, workers=MappingProxyType(dict(workers)),
    )


def load_sweep(
    out_dir: str | os.PathLike,
    *,
    params: Mapping[str, Any] | None = None,
    seeds: int | None = None,
    metrics: Sequence[str] | None = None,
    extra_dirs: Sequence[str | os.PathLike] = (),
) -> SweepResult:
    """The rows of a sweep folder (no simulation), for the grid it was last run with (or ``params``/``seeds``)."""
    out = Path(out_dir)
    manifest = _read_manifest(out)
    if not manifest:
        raise ReportError(f"No sweep in {str(out)!r} (no {MANIFEST_FILE}); run 'neurocompare sweep' first.")
    results = _ResultsFile(out / RESULTS_FILE)
    results.load()
    grid, tasks = plan_sweep(manifest["scenario"], params=params if params is not None else manifest["grid"],
                             seeds=seeds or manifest["seeds"], seed=manifest["seed"],
                             paired_seeds=manifest["paired_seeds"], quick=manifest["quick"], extra_dirs=extra_dirs)
    return _result(out, manifest["scenario"], grid, seeds or manifest["seeds"], manifest["seed"],
                   manifest["paired_seeds"], manifest["quick"], tasks, results.rows, manifest.get("metrics", {}),
                   headline=metrics, ran=0, resumed=len(results.rows), elapsed=0.0, engine="", workers={})


# =========================================================================== the report
def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "n/a" if math.isnan(v) else f"{v:.4g}"
    return str(v)


def _mean_sd(s: Mapping[str, Any]) -> str:
    if s["n"] == 0:
        return "n/a"
    sd = "" if math.isnan(s["sd"]) else f" ± {s['sd']:.3g}"
    return f"{s['mean']:.4g}{sd} (n={s['n']})"


def _is_numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values)


def _panel_name(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")[:44] or "metric"
    if not base[0].isalpha():
        base = f"m_{base}"[:44]
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}_{k}"
    taken.add(name)
    return name


def _panels(result: SweepResult) -> list[Any]:
    """Each headline metric against each swept option with >= 2 values: mean +/- SD over seeds."""
    from ..comparison import Panel

    swept = [p for p, v in result.grid.items() if len(v) > 1]
    panels, taken = [], set()
    for metric in result.headline:
        info = result.metrics[metric]
        summary = result.summary(metric)
        for param in swept:
            xs = list(result.grid[param])
            numeric = _is_numeric(xs)
            if numeric:
                xs = sorted(xs)
            others = [p for p in swept if p != param]
            combos = list(itertools.product(*(result.grid[p] for p in others)))
            shown = combos[:_MAX_SERIES]
            series, errors = {}, {}
            for combo in shown:
                label = ", ".join(f"{p}={_fmt(v)}" for p, v in zip(others, combo)) or metric
                mean, sd = [], []
                for x in xs:
                    want = {param: x, **dict(zip(others, combo))}
                    hit = [s for s in summary if all(canonical_json(s[p]) == canonical_json(v) for p, v in want.items())]
                    mean.append(hit[0]["mean"] if hit else math.nan)
                    sd.append(hit[0]["sd"] if hit and not math.isnan(hit[0]["sd"]) else 0.0)
                series[label], errors[label] = mean, sd
            fixed = ", ".join(f"{p}={_fmt(v[0])}" for p, v in result.grid.items() if len(v) == 1)
            more = f" First {_MAX_SERIES} of {len(combos)} series shown; every value is in summary.csv." \
                if len(combos) > _MAX_SERIES else ""
            caption = (f"{metric} ({info['unit']}): {info['description']}. Mean ± SD over {result.seeds} seed(s) per "
                       f"point{'; other swept options as series' if others else ''}"
                       f"{'; fixed: ' + fixed if fixed else ''}.{more}")
            panels.append(Panel(
                name=_panel_name(f"{metric}_vs_{param}", taken), title=f"{metric} vs {param}", caption=caption,
                kind="lines" if numeric else "bars", x=np.asarray(xs, dtype=float) if numeric else
                np.asarray([_fmt(x) for x in xs]), series=series, errors=errors, xlabel=param,
                ylabel=f"{metric} ({info['unit']})" if info["unit"] else metric,
            ))
    return panels


def _summary_csv(result: SweepResult) -> str:
    names = list(result.metrics)
    cells = [*result.grid, "n_tasks", "n_ok"]
    for m in names:
        cells += [f"{m}.mean", f"{m}.sd", f"{m}.n"]
    lines = [_csv_line(cells)]
    summaries = {m: result.summary(m) for m in names}
    for i, rows in enumerate(result.groups()):
        row = [_cell(rows[0][p]) for p in result.grid]
        row += [str(len(rows)), str(sum(r["status"] == "ok" for r in rows))]
        for m in names:
            s = summaries[m][i]
            row += [repr(s["mean"]), repr(s["sd"]), str(s["n"])]
        lines.append(_csv_line(row))
    return "".join(lines)


def _tables(result: SweepResult) -> tuple[list[str], list[list[str]], list[str], list[list[str]]]:
    """(summary columns, rows, results columns, rows) with the headline metrics, as text."""
    params = [p for p, v in result.grid.items() if len(v) > 1]  # fixed options are in the description
    s_cols = [*params, "tasks ok", *result.headline]
    summaries = {m: result.summary(m) for m in result.headline}
    s_rows = []
    for i, rows in enumerate(result.groups()):
        s_rows.append([_fmt(rows[0][p]) for p in params] + [f"{sum(r['status'] == 'ok' for r in rows)}/{len(rows)}"]
                      + [_mean_sd(summaries[m][i]) for m in result.headline])
    cols = {m: result.metrics[m]["column"] for m in result.headline}
    r_cols = ["task", *params, "replicate", "seed", "status", "wall (s)", "worker", *result.headline]
    r_rows = [[r["task_id"], *(_fmt(r[p]) for p in params), str(r["replicate"]), str(r["seed"]),
               r["status"] if r["status"] == "ok" else f"error: {r['error']}", _fmt(r["wall_s"]), r["worker"],
               *(_fmt(r[cols[m]]) for m in result.headline)] for r in result.rows]
    return s_cols, s_rows, r_cols, r_rows


def _describe(result: SweepResult, manifest: Mapping[str, Any], command: str) -> list[str]:
    grid = "; ".join(f"{p} = {', '.join(_fmt(v) for v in vals)}" for p, vals in result.grid.items()
                     if len(vals) > 1) or "(no swept option)"
    fixed = ", ".join(f"{p} = {_fmt(vals[0])}" for p, vals in result.grid.items() if len(vals) == 1)
    if fixed:
        grid += f" (fixed: {fixed})"
    n = len(result.rows) + len(result.missing)
    lines = [
        f"scenario: {result.scenario} ({manifest.get('question', '')})",
        f"grid: {grid}; {result.seeds} seed(s) each: {n} tasks",
        f"rows: {len(result.rows)} ({len(result.failed)} failed, {len(result.missing)} missing); this run ran "
        f"{result.ran} and reused {result.resumed} in {result.elapsed_s:.1f} s on {result.engine or 'n/a'}",
        f"seeds: sweep seed {result.seed}, {'paired' if result.paired_seeds else 'independent'} per parameter "
        f"combination; {manifest.get('seed_derivation', '')}",
        f"quick: {result.quick}; code-generation targets: "
        f"{', '.join(sorted({r['target'] for r in result.rows if r['target']})) or 'n/a'}",
        f"command: {command}",
        "versions: " + ", ".join(f"{k} {v}" for k, v in manifest.get("versions", {}).items()),
    ]
    return lines


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1200px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ddd}
.scroll{overflow-x:auto}
table.nc-table{border-collapse:collapse;font-size:.85em}
.nc-table th,.nc-table td{border:1px solid #ccc;padding:.3em .5em;vertical-align:top;text-align:left}
.nc-table th{background:#f3f3f3}
figure{margin:1.2em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9em}
pre{background:#f6f6f6;padding:.8em;overflow-x:auto;font-size:.85em;white-space:pre-wrap}
"""


def _scroll_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    return f'<div class="scroll">{_html_table(columns, rows)}</div>'


def _md_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return ["| " + " | ".join(_md_cell(c) for c in columns) + " |", "|" + "---|" * len(columns),
            *("| " + " | ".join(_md_cell(c) for c in r) + " |" for r in rows)]


def _write_report(result: SweepResult, manifest: Mapping[str, Any], *, command: str) -> None:
    """sweep.html, sweep.md, summary.csv and figures/ in the output folder, each replaced atomically."""
    from ..report.writing import render_panels

    out = result.out_dir
    panels = _panels(result) if result.rows else []
    tmp = Path(tempfile.mkdtemp(prefix=".figures.tmp-", dir=out))
    try:
        os.chmod(tmp, 0o755)
        paths = render_panels(panels, tmp)
        figures = [(p, path.read_bytes()) for p, path in zip(panels, paths)]
        _swap_in(tmp, out / "figures")
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    s_cols, s_rows, r_cols, r_rows = _tables(result)
    about = _describe(result, manifest, command)
    defs = [[m, result.metrics[m]["unit"], result.metrics[m]["description"]] for m in result.headline]
    failed = [[r["task_id"], ", ".join(f"{p}={_fmt(r[p])}" for p in result.grid), str(r["replicate"]), r["error"]]
              for r in result.failed]
    _atomic_write(out / "summary.csv", _summary_csv(result))
    title = f"Sweep: {result.scenario}"
    md = [f"# {title}", "", *(f"- {line}" for line in about), "",
          f"Every row with every metric: `{RESULTS_FILE}`; mean, SD and n of every metric per parameter "
          "combination: `summary.csv`.", "", "## Summary: mean ± SD over seeds", "", *_md_table(s_cols, s_rows), "",
          "Headline metrics:", "", *_md_table(["metric", "unit", "description"], defs), ""]
    if figures:
        md += ["## Figures", ""]
        for p, _ in figures:
            md += [f"![{p.name}](figures/{p.name}.png)", "", f"*{p.caption}*", ""]
    if failed:
        md += ["## Failed tasks", "", "Run the sweep again to retry them.", "",
               *_md_table(["task", "parameters", "replicate", "error"], failed), ""]
    md += ["## Results", "", *_md_table(r_cols, r_rows), ""]
    figs = "".join(
        f'<figure id="{p.name}"><img alt="{html.escape(p.title)}" src="data:image/png;base64,'
        f'{base64.b64encode(data).decode()}"><figcaption>{html.escape(p.caption)}</figcaption></figure>'
        for p, data in figures)
    doc = (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>neurocompare: {html.escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{html.escape(title)}</h1><pre>{html.escape(chr(10).join(about))}</pre>"
        f"<p>Every row with every metric: <code>{RESULTS_FILE}</code>; mean, SD and n of every metric per parameter "
        "combination: <code>summary.csv</code>.</p>"
        f"<h2>Summary: mean ± SD over seeds</h2>{_scroll_table(s_cols, s_rows)}"
        f"<h3>Headline metrics</h3>{_scroll_table(['metric', 'unit', 'description'], defs)}"
        + (f"<h2>Figures</h2>{figs}" if figs else "")
        + (f"<h2>Failed tasks</h2><p>Run the sweep again to retry them.</p>"
           f"{_scroll_table(['task', 'parameters', 'replicate', 'error'], failed)}" if failed else "")
        + f"<h2>Results</h2>{_scroll_table(r_cols, r_rows)}</body></html>\n"
    )
    _atomic_write(out / "sweep.md", "\n".join(md))
    _atomic_write(out / "sweep.html", doc)
    log.info("sweep report written to %s", out / "sweep.html")

