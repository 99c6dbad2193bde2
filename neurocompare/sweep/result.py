"""A sweep's rows as typed data: :class:`SweepResult` and :func:`load_sweep`."""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType
from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import ReportError, UnknownNameError
from ..options import canonical_json
from .plan import SweepTask, plan_sweep
from .store import MANIFEST_FILE, RESULTS_FILE, ResultsFile, read_manifest, to_float

__all__ = ["SweepResult", "load_sweep", "build_result", "HEADLINE_METRICS"]

#: Metrics plotted by default, in this order, when a scenario reports them (at most 4).
HEADLINE_METRICS = ("snn_accuracy", "ann_accuracy", "output_agreement", "time_to_agreement_ms",
                    "energy_snn_pj", "synaptic_events_per_sample", "rate_correlation.out")
_MAX_HEADLINE = 4


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
    rerun : int
        Tasks of this call whose worker died while running them, run again (up to 3 times) on Dask.
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
    rerun: int = 0
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


def _typed_row(task: SweepTask, raw: Mapping[str, str], metric_info: Mapping[str, Mapping[str, str]]) -> dict[str, Any]:
    row: dict[str, Any] = {"task_id": task.task_id, "replicate": task.replicate, "seed": task.seed, **task.params}
    row.update(status=raw.get("status", ""), error=raw.get("error", ""), wall_s=to_float(raw.get("wall_s", "")),
               worker=raw.get("worker", ""), target=raw.get("target", ""), warnings=raw.get("warnings", ""))
    for info in metric_info.values():
        row[info["column"]] = to_float(raw.get(info["column"], ""))
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


def build_result(
    out: Path,
    manifest: Mapping[str, Any],
    tasks: Sequence[SweepTask],
    grid: Mapping[str, tuple],
    rows: Mapping[str, Mapping[str, str]],
    *,
    seeds: int,
    headline: Sequence[str] | None = None,
    ran: int = 0,
    resumed: int = 0,
    elapsed_s: float = 0.0,
    engine: str = "",
    workers: Mapping[str, Any] | None = None,
    rerun: int = 0,
) -> SweepResult:
    """The :class:`SweepResult` of ``tasks`` from the raw CSV ``rows`` (by task id) and the sweep's ``manifest``."""
    metric_info = manifest.get("metrics", {})
    typed = tuple(_typed_row(t, rows[t.task_id], metric_info) for t in tasks if t.task_id in rows)
    missing = tuple(t.task_id for t in tasks if t.task_id not in rows)
    return SweepResult(
        scenario=manifest["scenario"], out_dir=out, grid=MappingProxyType(dict(grid)), seeds=int(seeds),
        seed=int(manifest["seed"]), paired_seeds=bool(manifest["paired_seeds"]), quick=bool(manifest["quick"]),
        rows=typed, metrics=MappingProxyType({k: MappingProxyType(dict(v)) for k, v in metric_info.items()}),
        headline=_pick_headline(manifest["scenario"], metric_info, headline), missing=missing, ran=ran,
        resumed=resumed, elapsed_s=elapsed_s, engine=engine, workers=MappingProxyType(dict(workers or {})),
        rerun=rerun,
    )


def load_sweep(
    out_dir: str | os.PathLike,
    *,
    params: Mapping[str, Any] | None = None,
    seeds: int | None = None,
    metrics: Sequence[str] | None = None,
    extra_dirs: Sequence[str | os.PathLike] = (),
) -> SweepResult:
    """The rows of a sweep folder (no simulation), for the grid it was last run with (or ``params``/``seeds``).

    Parameters
    ----------
    out_dir : path
        A folder written by :func:`neurocompare.sweep.sweep`.
    params : mapping, optional
        Another grid to select rows of (default: the grid in ``sweep.json``).
    seeds : int, optional
        Replicates per combination (default: as in ``sweep.json``).
    metrics : sequence of str, optional
        Headline metrics (see :func:`neurocompare.sweep.sweep`).
    extra_dirs : sequence of paths
        More folders to find the scenario in.

    Returns
    -------
    SweepResult
    """
    out = Path(out_dir)
    manifest = read_manifest(out)
    if not manifest:
        raise ReportError(f"No sweep in {str(out)!r} (no {MANIFEST_FILE}); run 'neurocompare sweep' first.")
    results = ResultsFile(out / RESULTS_FILE)
    results.load()
    seeds = seeds or manifest["seeds"]
    grid, tasks = plan_sweep(manifest["scenario"], params=params if params is not None else manifest["grid"],
                             seeds=seeds, seed=manifest["seed"], paired_seeds=manifest["paired_seeds"],
                             quick=manifest["quick"], extra_dirs=extra_dirs)
    return build_result(out, manifest, tasks, grid, results.rows, seeds=seeds, headline=metrics,
                        resumed=len(results.rows))
