"""The durable record of a sweep: ``results.csv`` (one row per task), ``sweep.json`` and a folder lock.

The output folder ``OUT`` holds:

``results.csv``
    One row per finished task, appended as each task finishes (flushed and fsync-ed), with
    ``task_id, replicate, seed``, the swept options, ``status`` (``ok``/``error``), ``error``
    (the message), ``wall_s``, ``worker`` (``NAME:PID``), ``target`` (Brian2 code generation),
    ``warnings`` and one column per scenario metric (floats written exactly, ``nan`` for NaN).
    Only the sweep's own process writes it (workers return their rows), so a task is recorded at
    most once even when a worker dies while running it and Dask runs it again elsewhere. Every row
    is one line; a torn last line (a crash while writing) is detected and dropped on load. A row
    that brings new metric columns rewrites the file atomically with the wider header; so does a
    retried task's row, which replaces its ``error`` row.
``sweep.json``
    The sweep: scenario, quick, sweep seed, seed derivation, grid, metric units and
    descriptions, versions, command.
``.sweep.lock``
    One sweep at a time may write to a folder.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as _dt
import io
import json
import logging
import math
import numbers
import os
from pathlib import Path
from typing import Any, Iterator, Mapping, Sequence

from ..comparison import versions
from ..errors import ParameterError, ReportError
from ..report.folders import open_inside
from ..report.writing import process_command
from ..options import canonical_json
from .plan import SEED_DERIVATION, SweepTask

__all__ = ["RESULTS_FILE", "MANIFEST_FILE", "LEAD_COLUMNS", "TAIL_COLUMNS", "ResultsFile", "open_folder",
           "folder_lock", "csv_row", "read_manifest", "write_manifest", "atomic_write", "csv_line", "cell",
           "to_float", "one_line"]

log = logging.getLogger(__name__)

#: The durable results file and the sweep's description inside the output folder.
RESULTS_FILE = "results.csv"
MANIFEST_FILE = "sweep.json"
LEAD_COLUMNS = ("task_id", "replicate", "seed")
TAIL_COLUMNS = ("status", "error", "wall_s", "worker", "target", "warnings")
_STATUSES = ("ok", "error")
_LOCK_FILE = ".sweep.lock"


def one_line(text: str) -> str:
    """``text`` with control characters (newlines) escaped: every CSV row stays one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


def atomic_write(path: Path, text: str) -> None:
    """Write ``path`` whole or not at all (temporary sibling, fsync, rename, fsync the folder)."""
    tmp = path.with_name(f".{path.name}.tmp-{os.getpid()}")
    if tmp.is_symlink() or tmp.exists():  # a leftover of a killed process with this pid, or planted
        tmp.unlink()
    try:
        with open_inside(tmp, "w", exclusive=True) as fh:
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


def csv_line(cells: Sequence[str]) -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerow(cells)
    return buf.getvalue()


class ResultsFile:
    """``results.csv``: one row per task, each appended with flush + fsync; crash-safe on load."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.columns: list[str] = []
        self.rows: dict[str, dict[str, str]] = {}
        self._fh: Any = None

    def load(self) -> int:
        """Read the file; returns how many lines were dropped (torn, malformed, duplicate)."""
        if not self.path.exists() and not self.path.is_symlink():
            return 0
        try:
            with open_inside(self.path, "r") as fh:
                data = fh.read()
        except ReportError:
            raise
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
        if header[:len(LEAD_COLUMNS)] != list(LEAD_COLUMNS) or "status" not in header:
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
        text = csv_line(self.columns) + "".join(
            csv_line([row.get(c, "") for c in self.columns]) for row in self.rows.values())
        atomic_write(self.path, text)

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
            self._fh = open_inside(self.path, "a")
        self._fh.write(csv_line([row.get(c, "") for c in self.columns]))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


@contextlib.contextmanager
def folder_lock(out: Path) -> Iterator[None]:
    """Hold ``OUT/.sweep.lock`` (ReportError if another sweep holds it)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX: no lock
        yield
        return
    with open_inside(out / _LOCK_FILE, "a+") as fh:
        try:
            fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            raise ReportError(f"Another sweep is writing to {str(out)!r}; wait for it or use another --out.") from None
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def cell(value: Any) -> str:
    """An option value as one CSV cell (floats exactly, lists as canonical JSON)."""
    if isinstance(value, str):
        return one_line(value)
    if isinstance(value, bool) or isinstance(value, numbers.Integral):
        return str(value)
    if isinstance(value, float):
        return repr(value)
    return one_line(canonical_json(value))


def to_float(text: str) -> float:
    """A CSV cell as a float (NaN when empty or not a number)."""
    try:
        return float(text)
    except ValueError:
        return math.nan


def open_folder(out: Path, identity: Mapping[str, Any], grid: Mapping[str, tuple], seeds: int, command: str | None,
                question: str) -> tuple[ResultsFile, dict[str, dict[str, str]], dict[str, Any]]:
    """Check that ``out`` holds this sweep (or none), load its rows, write the manifest."""
    manifest = read_manifest(out)
    if manifest:
        old = {k: manifest.get(k) for k in identity}
        if old != identity:
            diff = ", ".join(f"{k} {old[k]!r} (now {identity[k]!r})" for k in identity if old[k] != identity[k])
            raise ParameterError(f"{str(out)!r} holds another sweep ({diff}); use another --out, or remove the "
                                 "folder to start over.")
    results = ResultsFile(out / RESULTS_FILE)
    changed = results.load() > 0  # torn or malformed lines dropped: write the file back clean
    param_cols = [p for p in grid if p not in results.columns]
    if not results.columns:
        results.columns = [*LEAD_COLUMNS, *param_cols, *TAIL_COLUMNS]
        changed = True
    else:
        changed |= results.ensure_columns(param_cols)
    if changed:
        results.rewrite()
    metric_info: dict[str, dict[str, str]] = dict((manifest or {}).get("metrics", {}))
    manifest = manifest_doc(identity, grid, seeds, metric_info, command, question)
    write_manifest(out, manifest)
    return results, metric_info, manifest


def csv_row(task: SweepTask, raw: Mapping[str, Any], grid: Mapping[str, tuple],
            metric_info: dict[str, dict[str, str]]) -> tuple[dict[str, str], bool]:
    """The CSV row of a finished task; registers new metrics in ``metric_info`` (True if any)."""
    row = {"task_id": task.task_id, "replicate": str(task.replicate), "seed": str(task.seed)}
    row.update({p: cell(task.params[p]) for p in grid})
    wall = float(raw.get("wall_s", math.nan))
    row.update(status=str(raw["status"]), error=one_line(raw.get("error", "")),
               wall_s="" if math.isnan(wall) else f"{wall:.3f}", worker=one_line(raw.get("worker", "")),
               target=one_line(raw.get("target", "")), warnings=one_line(raw.get("warnings", "")))
    new = False
    taken = set(LEAD_COLUMNS) | set(TAIL_COLUMNS) | set(grid)
    for name, (value, unit, description) in raw.get("metrics", {}).items():
        if name not in metric_info:
            column = name if name not in taken else f"metric.{name}"
            metric_info[name] = {"unit": unit, "description": description, "column": column}
            new = True
        row[metric_info[name]["column"]] = repr(float(value))
    return row, new


def read_manifest(out: Path) -> dict[str, Any]:
    """``OUT/sweep.json`` ({} when there is none); ReportError when it is not a sweep description."""
    path = out / MANIFEST_FILE
    if not path.exists() and not path.is_symlink():
        return {}
    try:
        with open_inside(path, "r") as fh:
            doc = json.loads(fh.read())
    except ReportError:
        raise
    except (OSError, ValueError) as exc:
        raise ReportError(f"{str(path)!r} is unreadable ({exc}); remove it to start the sweep over.") from None
    if not isinstance(doc, dict) or "scenario" not in doc:
        raise ReportError(f"{str(path)!r} is not a neurocompare sweep description; use another output folder.")
    return doc


def manifest_doc(identity: Mapping[str, Any], grid: Mapping[str, tuple], seeds: int, metric_info: dict[str, Any],
                 command: str | None, question: str) -> dict[str, Any]:
    """The content of ``sweep.json``: ``identity`` (scenario, quick, seed, paired_seeds), grid, metrics, provenance."""
    return {
        **identity,
        "question": question,
        "grid": {k: list(v) for k, v in grid.items()},
        "seeds": int(seeds),
        "seed_derivation": SEED_DERIVATION,
        "metrics": metric_info,  # filled in as tasks report them (same dict object)
        "versions": versions(),
        "command": command or process_command(),
        "updated": _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
    }


def write_manifest(out: Path, manifest: Mapping[str, Any]) -> None:
    """Replace ``OUT/sweep.json`` (atomically)."""
    atomic_write(out / MANIFEST_FILE, json.dumps(manifest, indent=1, allow_nan=False) + "\n")
