"""A spare core for a scenario's independent parts: one call runs in a second process while this one goes on.

``neurocompare run digits`` on its own leaves a core idle while it runs its per-model study and its error budget
one after the other; :class:`Background` runs the first in a spawned process while the second runs here. Where
every core is already busy - the scenario processes of ``run --all``, a sweep's workers, a test session's workers,
or ``NEUROCOMPARE_JOBS=1`` set by the user - the call runs here, when its result is asked for, as before. Either way
the result is the same: the call gets the same arguments (the seed among them) and nothing else.

Interrupts follow ``run --all``'s policy: the second process ignores SIGINT and SIGTERM (a terminal's Ctrl+C
reaches the whole group) and this one kills it when it stops for any reason, so nothing is left running.
"""

from __future__ import annotations

import contextlib
import os
import sys
import types
import warnings
from typing import Any, Callable, Iterator

from .errors import ParameterError

__all__ = ["JOBS_ENV", "spare_cores", "mark_worker", "worker_init", "kill_workers", "Background"]

#: Processes a neurocompare process may use at once, itself included (default: the cores it may run on).
JOBS_ENV = "NEUROCOMPARE_JOBS"


def spare_cores() -> int:
    """Cores this process may use besides its own: ``$NEUROCOMPARE_JOBS - 1``, else the cores it may run on - 1."""
    value = os.environ.get(JOBS_ENV, "").strip()
    if value:
        try:
            jobs = int(value)
        except ValueError:
            jobs = 0
        if jobs < 1:
            raise ParameterError(f"${JOBS_ENV} must be a whole number of processes, 1 or more; got {value!r}.")
        return jobs - 1
    try:
        return max(0, len(os.sched_getaffinity(0)) - 1)
    except AttributeError:  # no sched_getaffinity (macOS, Windows)
        return max(0, (os.cpu_count() or 1) - 1)


def mark_worker() -> None:
    """This process is one of several already sharing the cores: nothing it runs starts more processes."""
    os.environ[JOBS_ENV] = "1"


def worker_init(formatwarning: Callable[..., str]) -> None:
    """A worker process of ours (Background's, run --all's): one of several sharing the cores (it starts no more
    processes), Brian2 imported in its main thread, interrupts ignored (the parent decides), and warnings shown
    as the parent shows them."""
    from .backends.brian2.prefs import pool_initializer

    mark_worker()
    pool_initializer()
    warnings.formatwarning = formatwarning


def kill_workers(pool: Any) -> None:
    """Kill a ProcessPoolExecutor's processes (they ignore SIGINT/SIGTERM and would finish their call) and reap them."""
    # ProcessPoolExecutor has no public way to stop a running call; _processes is its pid -> process map.
    processes = list((getattr(pool, "_processes", None) or {}).values())
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=2)


@contextlib.contextmanager
def _main_not_imported() -> Iterator[None]:
    """Processes spawned inside this block do not import the parent's ``__main__`` (multiprocessing's spawn runs
    the main script again in every child, so a user's script without an ``if __name__ == "__main__":`` guard would
    run twice, and fail as the child starts a process of its own while it bootstraps). Our calls live in importable
    modules and need nothing from it; spawn finds the main module through ``sys.modules``, so it sees a bare one."""
    main = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if main is not None:
            sys.modules["__main__"] = main


class Background:
    """``fn(*args, **kwargs)`` in a spawned process if a core is spare (:func:`spare_cores`), else here.

    ``result()`` waits for it (or, with no spare core, calls it now) and returns its value or raises its
    exception. Use it as a context manager: leaving the block for any reason stops the process. ``fn`` and its
    arguments must be picklable (a function of an importable module and plain data; a function of the running
    script runs here). The second process does not run the script again: no ``__main__`` guard is needed.

    >>> from neurocompare.parallel import Background
    >>> with Background(sum, [1, 2, 3]) as job:
    ...     job.result()
    6
    """

    def __init__(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> None:
        self._call = (fn, args, kwargs)
        self._pool: Any = None
        self._future: Any = None
        if spare_cores() >= 1 and getattr(fn, "__module__", None) != "__main__":
            import multiprocessing
            from concurrent.futures import ProcessPoolExecutor

            ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: no inherited Brian2 state
            self._pool = ProcessPoolExecutor(1, mp_context=ctx, initializer=worker_init,
                                             initargs=(warnings.formatwarning,))
            with _main_not_imported():  # the process starts here, on the first submit
                self._future = self._pool.submit(fn, *args, **kwargs)

    @property
    def in_background(self) -> bool:
        """True if the call runs in a second process."""
        return self._future is not None

    def result(self) -> Any:
        if self._future is None:
            fn, args, kwargs = self._call
            return fn(*args, **kwargs)
        try:
            return self._future.result()
        finally:
            self.close()

    def close(self) -> None:
        """Stop the second process if it still runs (it ignores SIGINT/SIGTERM: killed) and wait for it."""
        if self._pool is None:
            return
        pool, self._pool = self._pool, None
        if not self._future.done():
            kill_workers(pool)
        pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> "Background":
        return self

    def __exit__(self, *exc: Any) -> None:
        self.close()
