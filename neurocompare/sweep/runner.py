""":func:`sweep`: plan the grid, run the tasks not done yet on an engine, record each row, write the report.

Running the same sweep into the same folder again resumes it: tasks with an ``ok`` row are not
run again. Failed tasks are retried by default (a failure may be transient: a worker out of
memory, a full disk); the new row replaces the ``error`` row, so a task never has two rows;
``retry_failed=False`` keeps them. A task whose worker dies while running it (killed, out of
memory) is run again on Dask, up to 3 times (Dask's ``allowed-failures``), and counted in
:attr:`SweepResult.rerun`. A failing task (an exception in the scenario, or a 4th worker dying
while running it) is recorded with its message and does not stop the others. Trouble of the engine itself (a lost connection, a cancelled future) is no
result of the task and is not recorded: the sweep finishes the other tasks, then raises
``BackendError`` (run it again to resume). Resuming needs the same scenario, ``quick``, sweep seed
and seed pairing; the grid may grow (new values run, finished ones are reused).

Interrupts: Ctrl+C (SIGINT) raises :class:`SweepInterrupted`, a ``KeyboardInterrupt``, within a
few seconds: the tasks not finished are cancelled and never recorded (neither failed nor done),
the embedded cluster is closed, the rows so far stay saved, and running the sweep again resumes
with no duplicate and no lost row. While :func:`sweep` runs in a main thread whose SIGTERM has its
default action (a plain script), SIGTERM does the same (``SweepInterrupted.signum`` tells which);
a SIGTERM handler of the caller's (the command line's) is left alone.
"""

from __future__ import annotations

import contextlib
import logging
import numbers
import os
import signal
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Mapping, Sequence

from .. import scenarios as _scenarios
from ..errors import BackendError, ParameterError, ReportError
from ..report.folders import MARKER, claim_folder, mark_folder
from ..report.writing import process_command
from .engine import Outcome, default_workers, open_engine
from .plan import SweepTask, plan_sweep
from .report import write_sweep_report
from .result import SweepResult, build_result
from .store import RESULTS_FILE, ResultsFile, csv_row, folder_lock, open_folder, to_float, write_manifest

__all__ = ["sweep", "SweepInterrupted"]

log = logging.getLogger(__name__)

_CACHE_FOLDER = ".brian2-cache"
Progress = Callable[[str, float, float], None]


class SweepInterrupted(KeyboardInterrupt):
    """A sweep stopped by Ctrl+C or SIGTERM; the rows so far are saved and running it again resumes.

    Attributes: ``saved`` (rows in the folder), ``total`` (tasks of the grid), ``out_dir``,
    ``signum`` (``signal.SIGINT`` or ``signal.SIGTERM``).
    """

    def __init__(self, saved: int, total: int, out_dir: Path, signum: int = signal.SIGINT) -> None:
        super().__init__(f"sweep interrupted: {saved} of {total} rows saved in {str(out_dir / RESULTS_FILE)!r}; "
                         "run the same sweep again to resume")
        self.saved, self.total, self.out_dir, self.signum = saved, total, out_dir, signum


class _Terminated(KeyboardInterrupt):
    """SIGTERM while :func:`sweep` runs in a plain script."""


def _raise_terminated(signum: int, frame: Any) -> None:
    raise _Terminated()


@contextlib.contextmanager
def _sigterm_as_interrupt() -> Iterator[None]:
    """SIGTERM raises a KeyboardInterrupt while the sweep runs, when it would otherwise kill the process outright."""
    if threading.current_thread() is not threading.main_thread() or signal.getsignal(signal.SIGTERM) != signal.SIG_DFL:
        yield
        return
    signal.signal(signal.SIGTERM, _raise_terminated)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)


def _check_engine(scenario: str, workers: int | None, scheduler: str | None) -> tuple[int | None, str]:
    """(worker processes: None for the scheduler's, 0 for serial; the engine's name) from the arguments."""
    if workers is not None and (isinstance(workers, bool) or not isinstance(workers, numbers.Integral) or workers < 0):
        raise ParameterError(f"Sweep of {scenario!r}: workers must be a non-negative integer (0: serial in this "
                             f"process); got {workers!r}.")
    if scheduler is not None and workers is not None:
        raise ParameterError("Give workers (--workers: an embedded cluster on this machine) or scheduler "
                             "(--scheduler: an existing Dask cluster), not both.")
    if scheduler is not None and (not isinstance(scheduler, str) or not scheduler.strip()):
        raise ParameterError(f"scheduler must be an address like 'tcp://host:8786'; got {scheduler!r}.")
    n_workers = workers if workers is not None else (None if scheduler else default_workers())
    engine = "serial" if n_workers == 0 else (f"local:{n_workers}" if scheduler is None else scheduler)
    return n_workers, engine


def _output_folder(scenario: str, out_dir: str | os.PathLike | None) -> Path:
    """The sweep's folder, created and marked: new, empty or a sweep's (the package's rule for output folders)."""
    given = Path(out_dir) if out_dir is not None else _scenarios.DEFAULT_OUTPUT_ROOT / f"{scenario}-sweep"
    out = claim_folder(given, "sweep")
    try:
        out.mkdir(parents=True, exist_ok=True)
        if not (out / MARKER).is_file():  # new, empty, or a sweep written before markers
            mark_folder(out, "sweep")
    except OSError as exc:
        if isinstance(exc, ReportError):
            raise
        raise ReportError(f"Cannot create the sweep folder {str(given)!r}: {exc.strerror or exc}.") from None
    return given


def _worker_dirs(info: _scenarios.ScenarioInfo, extra_dirs: Sequence[str | os.PathLike]) -> list[str]:
    """The folders a worker searches for the scenario: its own folder first, then ``extra_dirs``."""
    dirs = [str(Path(d).resolve()) for d in extra_dirs]
    if info.path is not None and str(info.path.parent) not in dirs:
        dirs.insert(0, str(info.path.parent))
    return dirs


@dataclass(frozen=True)
class _Job:
    """What a sweep's helpers share: the plan, the output folder, where workers find the scenario."""

    scenario: str
    quick: bool
    grid: Mapping[str, tuple]
    tasks: Sequence[SweepTask]
    seeds: int
    out: Path
    dirs: Sequence[str]
    identity: Mapping[str, Any]
    question: str
    engine_args: Mapping[str, Any]
    engine: str


def _run_tasks(job: _Job, todo: Sequence[SweepTask], *, results: ResultsFile, manifest: dict[str, Any],
               progress: Progress | None, start: float) -> tuple[int, list[str], dict[str, Any], int]:
    """Run ``todo`` on the engine, append each row as it comes; (rows recorded, lost tasks, worker info, re-run)."""
    done, lost, total, workers_info, rerun = 0, [], len(todo), {}, 0
    tasks = {t.task_id: t for t in todo}
    specs = [t.spec(job.scenario, job.quick, job.dirs) for t in todo]
    outcomes: Iterator[Outcome] = open_engine(specs, cache_root=job.out.resolve() / _CACHE_FOLDER,
                                              info=workers_info, **job.engine_args)
    try:
        if progress is not None and total:
            progress(f"0/{total} tasks", 0.0, time.perf_counter() - start)
        for outcome in outcomes:
            if outcome.row is None:
                lost.append(outcome.lost)
                continue
            task = tasks[outcome.task_id]
            rerun += outcome.reruns > 0
            row, new_metrics = csv_row(task, outcome.row, job.grid, manifest["metrics"])
            if new_metrics:
                write_manifest(job.out, manifest)
            results.append(row)
            done += 1
            log.info("task %s %s in %.1f s (%d/%d)", task.task_id, row["status"], to_float(row["wall_s"]), done,
                     total)
            if progress is not None:
                progress(f"{done}/{total} tasks", done / total, time.perf_counter() - start)
    finally:
        if hasattr(outcomes, "close"):
            outcomes.close()  # shuts the engine down (cluster, client) also when interrupted
        results.close()
    return done, lost, workers_info, rerun


def _run_in_folder(job: _Job, *, retry_failed: bool, headline: Sequence[str] | str | None, report: bool,
                   progress: Progress | None, command: str | None, start: float) -> tuple[SweepResult, list[str]]:
    """The sweep in its (locked) folder: the tasks not done yet, their rows, the report; (result, lost tasks)."""
    if headline is not None:
        headline = [str(m) for m in ([headline] if isinstance(headline, str) else headline)]
    results, _, manifest = open_folder(job.out, job.identity, job.grid, job.seeds, command, job.question)
    todo = [t for t in job.tasks if t.task_id not in results.rows
            or (retry_failed and results.rows[t.task_id]["status"] != "ok")]
    log.info("sweep %s: %d tasks (%d already done) on %s, output %s", job.scenario, len(job.tasks),
             len(job.tasks) - len(todo), job.engine, job.out)
    try:
        done, lost, workers_info, rerun = _run_tasks(job, todo, results=results, manifest=manifest, progress=progress,
                                              start=start)
    except KeyboardInterrupt as exc:
        if isinstance(exc, SweepInterrupted):
            raise
        signum = signal.SIGTERM if isinstance(exc, _Terminated) else signal.SIGINT
        ok = sum(1 for r in results.rows.values() if r["status"] == "ok")
        raise SweepInterrupted(ok, len(job.tasks), job.out, signum) from None
    result = build_result(job.out, manifest, job.tasks, job.grid, results.rows, seeds=job.seeds, headline=headline,
                          ran=done, resumed=len(job.tasks) - len(todo), elapsed_s=time.perf_counter() - start,
                          engine=job.engine, workers=workers_info, rerun=rerun)
    if report:
        write_sweep_report(result, manifest, command=command or process_command())
    return result, lost


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
    progress: Progress | None = None,
    extra_dirs: Sequence[str | os.PathLike] = (),
    command: str | None = None,
) -> SweepResult:
    """Run ``scenario`` over the grid ``params`` x ``seeds`` replicates; resumable, in parallel.

    Parameters
    ----------
    scenario : str
        A scenario name (``neurocompare list``).
    params, seeds, seed, paired_seeds, quick
        The grid: as for :func:`~neurocompare.sweep.plan.plan_sweep` (with ``quick``, options not swept
        take the scenario's ``QUICK`` values; swept values always win).
    workers : int, optional
        Worker processes of an embedded Dask ``LocalCluster`` (default: one per core);
        ``0`` runs serially in this process. Not with ``scheduler``.
    scheduler : str, optional
        Address of an existing Dask scheduler (``tcp://host:port``).
    out_dir : path, optional
        The output folder (default ``neurocompare-output/SCENARIO-sweep``); re-running into it resumes.
    retry_failed : bool
        Run tasks again whose earlier rows are errors (default); False keeps those rows.
    metrics : sequence of str, optional
        Headline metrics to plot (default: the first 4 of :data:`~neurocompare.sweep.result.HEADLINE_METRICS`
        the scenario reports, else its first 3 metrics).
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
        No Dask, an unreachable scheduler, workers without Brian2 in their main thread, or tasks
        the engine lost (rows so far are saved: run again to resume).
    SweepInterrupted
        (a ``KeyboardInterrupt``) Ctrl+C or SIGTERM: rows so far saved, run again to resume."""
    start = time.perf_counter()
    n_workers, engine = _check_engine(scenario, workers, scheduler)
    info = _scenarios.get_scenario(scenario, extra_dirs)
    grid, tasks = plan_sweep(scenario, params=params, seeds=seeds, seed=seed, paired_seeds=paired_seeds, quick=quick,
                             extra_dirs=extra_dirs)
    job = _Job(scenario, quick, grid, tasks, seeds, _output_folder(scenario, out_dir), _worker_dirs(info, extra_dirs),
               {"scenario": scenario, "quick": bool(quick), "seed": int(seed), "paired_seeds": bool(paired_seeds)},
               info.question, {"workers": n_workers, "scheduler": scheduler}, engine)
    with _sigterm_as_interrupt(), folder_lock(job.out):
        result, lost = _run_in_folder(job, retry_failed=retry_failed, headline=metrics, report=report, progress=progress,
                                      command=command, start=start)
    if lost:
        raise BackendError(f"The Dask engine lost {len(lost)} task(s) ({lost[0]}); {len(result.rows)} of {len(tasks)} "
                           f"rows are saved in {str(job.out / RESULTS_FILE)!r}: run the sweep again to resume.")
    return result
