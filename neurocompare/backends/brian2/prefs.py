"""Brian2 preferences for processes that run many simulations (sweep workers, parallel scenario runs).

The rest of neurocompare never imports or configures Brian2: it calls these.

- :func:`preimport`: import Brian2 now, in this (main) thread. Brian2 installs a signal handler on
  import, which only works in a process's main thread; worker processes call this first.
- :func:`configure_worker`: :func:`preimport`, a private Cython cache folder, and Ctrl+C no longer
  stopping a running simulation early (the truncated run would be reported as a complete one).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Callable

from ...errors import BackendError
from .backend import import_brian2

__all__ = ["preimport", "configure_worker", "is_imported"]


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
    """Set Brian2 up for a worker: imported here, ``cache_dir`` as its Cython cache, Ctrl+C not stopping runs.

    Parameters
    ----------
    cache_dir : path
        The Cython cache folder of this worker (created if missing).

    Returns
    -------
    version : str
        Brian2's version.
    undo : callable
        Restores the two preferences (a serial sweep in a user's process calls it when done).
    """
    version = preimport()
    b2 = import_brian2()
    folder = Path(cache_dir)
    folder.mkdir(parents=True, exist_ok=True)
    cython = b2.prefs.codegen.runtime.cython
    old = (cython.cache_dir, b2.prefs.core.stop_on_keyboard_interrupt)
    cython.cache_dir = str(folder)
    b2.prefs.core.stop_on_keyboard_interrupt = False

    def undo() -> None:
        cython.cache_dir, b2.prefs.core.stop_on_keyboard_interrupt = old

    return version, undo
