"""The Dask worker plugin of a sweep: Brian2 set up in each worker's main thread, one task at a time.

Workers ignore SIGINT (a terminal's Ctrl+C reaches every process of its group: the sweep's process
decides, cancels and closes), and on the embedded cluster SIGTERM too (the sweep's process stops them;
they exit by themselves when it dies). Workers of an existing cluster keep SIGTERM: their owner's.

Imported by :mod:`.engine` only when a sweep runs on Dask (importing ``distributed`` takes a while),
and by each worker when it receives the plugin.
"""

from __future__ import annotations

import os
import re
import tempfile
import threading
from pathlib import Path
from typing import Any

from distributed import WorkerPlugin

from ..backends.brian2.prefs import configure_worker, ignore_interrupts
from ..parallel import mark_worker
from ..errors import BackendError

#: The name the worker plugin is registered under (one per cluster).
PLUGIN_NAME = "neurocompare-sweep"

__all__ = ["WorkerSetup", "worker_info", "PLUGIN_NAME"]


def _safe_name(name: Any) -> str:
    """``name`` usable in a folder name."""
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", str(name)) or "worker"


class WorkerSetup(WorkerPlugin):  # type: ignore[misc, valid-type]
    """Dask worker plugin: Brian2 in the worker's main thread, a per-worker cache, one task at a time."""

    name = PLUGIN_NAME

    def __init__(self, cache_root: str | None, *, embedded: bool = False) -> None:
        self.cache_root = cache_root
        self.embedded = embedded
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
        version, _ = configure_worker(folder)  # for the worker's lifetime: no undo
        ignore_interrupts(sigterm=self.embedded)
        mark_worker()  # the cluster shares the cores: a task starts no processes of its own
        self.lock = threading.Lock()
        self.info = {"name": str(worker.name), "pid": os.getpid(), "main_thread": main,
                     "thread": threading.current_thread().name, "brian2": version, "cache_dir": str(folder)}


def worker_info(dask_worker: Any) -> dict[str, Any]:
    """What the plugin recorded in ``dask_worker`` (name, pid, main_thread, brian2, cache_dir); run by ``client.run``."""
    plugin = dask_worker.plugins.get(PLUGIN_NAME)
    return dict(getattr(plugin, "info", {}) or {"name": str(dask_worker.name), "pid": os.getpid(),
                                                 "main_thread": False})
