"""The engines that run a sweep's tasks: serially in this process, or on a Dask cluster.

Tasks are plain specs (scenario name, options, seed, quick; never Brian2 objects) run by
:func:`run_task`:

- serial (``workers=0``): in this process, one after another (the reference the tests compare with);
- an embedded ``LocalCluster`` of ``K`` worker *processes* with one thread each, started and
  closed by the sweep;
- an existing Dask cluster (``scheduler="tcp://host:port"``; its workers need neurocompare
  installed, must find the scenario, and should run with ``--nthreads 1``).

A worker plugin sets Brian2 up in each worker's *main* thread when the worker starts
(:func:`neurocompare.backends.brian2.prefs.configure_worker`: imported there, its own Cython cache
folder, Ctrl+C not stopping a running simulation), and checks that it ran there. The cache folder is
``OUT/.brian2-cache/worker-NAME`` on the embedded cluster (kept, so a resumed sweep does not compile
again), ``neurocompare-brian2`` in the worker's Dask scratch folder on an existing one. BLAS runs
single-threaded inside a task, so results do not depend on how many threads the machine would have
given it. Dask's own log messages below ERROR are hidden unless neurocompare logs at DEBUG.

An engine yields one :class:`Outcome` per task: its row, or ``lost`` when the engine itself failed
(a lost connection, a cancelled future: no result of the task, run it again later).

Interrupts (Ctrl+C, SIGTERM, or the caller closing the iterator): the serial engine lets the
``KeyboardInterrupt`` through (the task in hand is not recorded); the Dask engine cancels the futures
not finished, stops the embedded cluster's workers within about a second (they ignore SIGINT and
SIGTERM themselves, see :mod:`.worker`) and leaves an existing cluster running. A worker that dies
while running a task (killed, out of memory) costs only that attempt: Dask runs the task again on
another worker, up to 3 times (``distributed.scheduler.allowed-failures``); a task whose 4th worker
dies is recorded as failed (``KilledWorker``).
"""

from __future__ import annotations

import contextlib
import logging
import math
import os
import threading
import time
import uuid
import warnings
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from .. import scenarios as _scenarios
from ..backends.brian2.prefs import configure_worker, is_imported
from ..errors import BackendError
from .store import one_line

__all__ = ["run_task", "task_row", "Outcome", "open_engine", "default_workers"]

log = logging.getLogger(__name__)

#: Seconds the embedded cluster's workers get to leave after an interrupt before they are killed.
INTERRUPT_GRACE_S = 0.5


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
    from .worker import PLUGIN_NAME  # distributed is loaded on a worker already

    return str(worker.name), worker.plugins.get(PLUGIN_NAME)


def run_task(spec: Mapping[str, Any]) -> dict[str, Any]:
    """Run one task of a sweep (on a worker or in this process) and return its row as plain data.

    ``spec`` holds ``task_id, scenario, options, seed, quick, dirs``
    (see :meth:`neurocompare.sweep.plan.SweepTask.spec`).
    An exception in the scenario becomes ``status="error"`` with its message; warnings are
    collected into the row instead of being raised, so the outcome does not depend on the
    caller's warning filters.
    """
    name, plugin = _this_worker()
    lock = plugin.lock if plugin is not None else contextlib.nullcontext()
    row = task_row(spec["task_id"], worker=f"{name}:{os.getpid()}")
    with lock:
        start = time.perf_counter()
        try:
            if not is_imported() and threading.current_thread() is not threading.main_thread():
                raise BackendError("Brian2 was not imported in this worker's main thread: the neurocompare sweep "
                                   "worker plugin did not run here.")
            with warnings.catch_warnings(record=True) as caught, _single_thread_blas():
                warnings.simplefilter("always")
                comparison = _scenarios.compare_scenario(spec["scenario"], seed=spec["seed"], quick=spec["quick"],
                                                         options=spec["options"], extra_dirs=spec["dirs"])
                row["metrics"] = {k: (float(m.value), str(m.unit), str(m.description))
                                  for k, m in comparison.metrics.items()}
                row["target"] = str(getattr(comparison, "parameters", {}).get("target", "") or "")
            row["warnings"] = _warning_summary(caught)
        except Exception as exc:  # recorded, never raised: one failing task must not stop the sweep
            row.update(status="error", error=one_line(f"{type(exc).__name__}: {exc}"), metrics={})
            log.info("task %s failed: %s", spec["task_id"], row["error"])
        row["wall_s"] = time.perf_counter() - start
    return row


def task_row(task_id: str, *, worker: str = "", error: str = "", wall_s: float = math.nan) -> dict[str, Any]:
    """A task's raw row: ``status`` "ok", or "error" with ``error``; metrics filled in by the caller."""
    return {"task_id": task_id, "status": "error" if error else "ok", "error": error, "metrics": {}, "target": "",
            "warnings": "", "worker": worker, "wall_s": wall_s}


def default_workers() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


class Outcome:
    """A finished task (row) or one the engine could not run (``lost``: not recorded, run again later)."""

    __slots__ = ("task_id", "row", "lost", "reruns")

    def __init__(self, task_id: str, row: dict[str, Any] | None, lost: str = "", reruns: int = 0) -> None:
        self.task_id, self.row, self.lost, self.reruns = task_id, row, lost, reruns


def _serial_engine(specs: Sequence[dict[str, Any]], cache_root: Path, info: dict[str, Any]) -> Iterator[Outcome]:
    version, undo = configure_worker(cache_root / "serial")
    info["serial"] = {"name": "serial", "pid": os.getpid(),
                      "main_thread": threading.current_thread() is threading.main_thread(),
                      "thread": threading.current_thread().name, "brian2": version,
                      "cache_dir": str(cache_root / "serial")}
    try:
        for spec in specs:
            yield Outcome(spec["task_id"], run_task(spec))
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
) -> Iterator[Outcome]:
    distributed = _import_distributed()
    from .worker import PLUGIN_NAME, WorkerSetup, worker_info  # imports distributed

    cluster = None
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
        client.register_plugin(WorkerSetup(str(cache_root) if cache_root is not None else None,
                                           embedded=scheduler is None), name=PLUGIN_NAME)
        info.update({str(k): v for k, v in client.run(worker_info).items()})
        bad = [v.get("name") for v in info.values() if not v.get("main_thread")]
        if bad:
            raise BackendError(f"Dask workers {bad} did not import Brian2 in their main thread.")
        token = uuid.uuid4().hex[:8]
        futures = {client.submit(run_task, spec, key=f"neurocompare-{spec['task_id']}-{token}", pure=False):
                   spec["task_id"] for spec in specs}
        try:
            yield from _outcomes(distributed, client, futures)
        except BaseException:  # Ctrl+C, SIGTERM, the caller closing the iterator: stop now, record nothing more
            _abandon(client, futures, cluster if scheduler is None else None)
            raise


def _outcomes(distributed: Any, client: Any, futures: dict[Any, str]) -> Iterator[Outcome]:
    """The outcome of each future as it finishes (removed from ``futures``)."""
    # as_completed must wait in this client's event loop: by default it takes the loop of the
    # process's *default* client, and a second client in the process (a notebook's, a test's)
    # then breaks result() with "Event ... bound to a different event loop".
    for future in distributed.as_completed(list(futures), loop=client.loop):
        task_id = futures.pop(future)
        try:
            row = future.result()
        except distributed.KilledWorker as exc:  # the task itself killed its workers too often
            yield Outcome(task_id, task_row(task_id, error=one_line(f"{type(exc).__name__}: {exc}")))
        except Exception as exc:  # the engine's trouble, not the task's: not recorded, run it again later
            log.debug("task %s: engine error", task_id, exc_info=True)
            yield Outcome(task_id, None, lost=one_line(f"{type(exc).__name__}: {exc}"))
        else:
            yield Outcome(task_id, row, reruns=_reruns(client, future.key))
        future.release()


def _worker_deaths(dask_scheduler: Any, key: str) -> int:
    """Run on the scheduler: how many workers died while running task ``key``."""
    task = dask_scheduler.tasks.get(key)
    return int(getattr(task, "suspicious", 0) or 0)


def _reruns(client: Any, key: str) -> int:
    """Times a finished task was run again because its worker died (0 if the scheduler cannot say)."""
    try:
        return int(client.run_on_scheduler(_worker_deaths, key=key))
    except Exception:  # an old or foreign scheduler: the count is informative only
        return 0


def _abandon(client: Any, futures: Mapping[Any, str], cluster: Any | None) -> None:
    """Interrupted: cancel the futures not finished; on the embedded cluster, stop its workers at once.

    An existing cluster keeps running (its workers finish the task in hand and drop the result).
    The embedded cluster's worker processes get :data:`INTERRUPT_GRACE_S` to leave, then SIGKILL
    (Dask's default, 4 s, is most of the 5 s a Ctrl+C may take).
    """
    with contextlib.suppress(Exception):
        client.cancel(list(futures), force=True)
    if cluster is None:
        return

    async def close_workers() -> None:
        import asyncio

        await asyncio.gather(*(w.close(timeout=INTERRUPT_GRACE_S, reason="neurocompare-interrupted")
                               for w in list(cluster.workers.values())), return_exceptions=True)

    with contextlib.suppress(Exception):
        cluster.sync(close_workers)


def _quietly_close(thing: Any) -> None:
    with contextlib.suppress(Exception):
        thing.close(timeout=10)


def open_engine(
    specs: Sequence[dict[str, Any]],
    *,
    workers: int | None,
    scheduler: str | None,
    cache_root: Path,
    info: dict[str, Any],
) -> Iterator[Outcome]:
    """The outcomes of ``specs`` as tasks finish: serially (``workers == 0``) or on Dask.

    ``cache_root`` holds the Brian2 caches (on an existing cluster each worker uses its own scratch
    folder instead); ``info`` is filled with one entry per worker. Closing the iterator shuts the
    engine down (cluster, client).
    """
    if not specs:
        return iter(())
    if workers == 0:
        return _serial_engine(specs, cache_root, info)
    return _dask_engine(specs, workers=workers, scheduler=scheduler,
                        cache_root=cache_root if scheduler is None else None, info=info)
