"""Brian2 preferences for processes that run many simulations (sweep workers, parallel scenario runs).

The rest of neurocompare never imports or configures Brian2: it calls these.

- :func:`preimport`: import Brian2 now, in this (main) thread. Brian2 installs a signal handler on
  import, which only works in a process's main thread; worker processes call this first.
- :func:`configure_worker`: :func:`preimport` and a private Cython cache folder. Ctrl+C during a run
  stops Brian2 at the end of the current time step and the simulation raises ``KeyboardInterrupt``
  (a truncated run is never reported as a complete one).
- :func:`ignore_interrupts`: SIGINT (and SIGTERM) ignored in a worker process: a terminal's Ctrl+C
  reaches the whole process group, and the process that started the workers stops them.
- :func:`pool_initializer`: both, for the processes of ``neurocompare run --all``.
- :func:`silence`: no more Brian2 log messages (after an interrupt: the half-built objects'
  "never included in a network" warnings).
"""

from __future__ import annotations

import logging
import os
import signal
import sys
from pathlib import Path
from typing import Callable

from ...errors import BackendError
from .backend import import_brian2

__all__ = ["preimport", "configure_worker", "is_imported", "ignore_interrupts", "pool_initializer", "silence"]


def is_imported() -> bool:
    """Whether Brian2 has been imported in this process (a worker checks it set Brian2 up first)."""
    return "brian2" in sys.modules


def preimport() -> str:
    """Import Brian2 in this thread (it must be a main thread); returns Brian2's version.

    Raises
    ------
    BackendError
        Called outside a main thread, or Brian2 is missing.
    """
    try:
        b2 = import_brian2()
    except ValueError as exc:  # "signal only works in main thread"
        raise BackendError(f"Brian2 must be imported in a main thread (it installs a signal handler): {exc}. "
                           "Call neurocompare.backends.brian2.prefs.preimport() in the main thread first, or run "
                           "the sweep with workers >= 1.") from None
    return str(b2.__version__)


def configure_worker(cache_dir: str | os.PathLike) -> tuple[str, Callable[[], None]]:
    """Set Brian2 up for a worker: imported here, ``cache_dir`` as its Cython cache.

    Parameters
    ----------
    cache_dir : path
        The Cython cache folder of this worker (created if missing).

    Returns
    -------
    version : str
        Brian2's version.
    undo : callable
        Restores the preference (a serial sweep in a user's process calls it when done).
    """
    version = preimport()
    b2 = sys.modules["brian2"]  # imported (and set up) by preimport()
    folder = Path(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    cython = b2.prefs.codegen.runtime.cython
    old = cython.cache_dir
    cython.cache_dir = str(folder)

    def undo() -> None:
        cython.cache_dir = old

    return version, undo


def ignore_interrupts(*, sigterm: bool = True) -> None:
    """Ignore SIGINT (and SIGTERM unless ``sigterm=False``) in this worker process, Brian2's handler included.

    Its parent stops it (Dask's nanny: a stop message, then SIGKILL; ``run --all``: SIGKILL), and it
    exits by itself when the parent dies. Call it in the worker's main thread, after :func:`preimport`.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sigterm:
        signal.signal(signal.SIGTERM, signal.SIG_IGN)


def pool_initializer() -> None:
    """Initializer of the processes of ``neurocompare run --all``: :func:`preimport`, then :func:`ignore_interrupts`."""
    preimport()
    ignore_interrupts()


def silence() -> None:
    """Brian2 logs nothing more in this process (called after an interrupt, before the process exits)."""
    if is_imported():
        logging.getLogger("brian2").setLevel(logging.CRITICAL + 1)
