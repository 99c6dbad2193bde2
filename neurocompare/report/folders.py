"""The one rule for every folder neurocompare writes (reports, ``run --all``'s sub-folders, sweeps).

A folder given as an output (``--out DIR``, ``out_dir=``) is

- **used** when it is missing (created) or empty;
- **replaced** (a report) or **written into** (a sweep) when it is a neurocompare output of the same kind:
  it holds the marker file :data:`MARKER` (written into every output folder; a report's marker lists the
  entries it wrote, so a file the user adds later makes the folder theirs), or it is a report or sweep
  folder written before markers existed (nothing in it but the files such a folder holds);
- **refused** otherwise, before anything is simulated: a :class:`~neurocompare.errors.ReportError` names
  the folder and what is in it that would be lost.

The path is resolved first, so ``.``, ``..``, a trailing slash and a symbolic link to a folder follow the
same rule as the folder they name (the home folder and ``/`` hold the user's files: refused). A link to a
missing folder is refused rather than followed.

A report is written into a new hidden folder inside the output folder and moved into place entry by entry
only when complete (:func:`replace_folder`), so a failed or interrupted write leaves the previous report;
temporary folders of a write that was killed are removed by the next write to the same folder (and so are
the sibling ``.NAME.tmp-*`` folders older versions left). Files the package creates or appends to inside an
output folder are opened with :func:`open_inside`, which refuses symbolic links.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import re
import shutil
import tempfile
from pathlib import Path
from typing import Any, Iterator, TextIO

from ..errors import ReportError

__all__ = ["MARKER", "KINDS", "claim_folder", "replace_folder", "mark_folder", "open_inside", "folder_kind",
           "record_run", "recorded_run"]

#: The file that marks a folder as neurocompare's output (JSON: ``{"neurocompare": "report"}``).
MARKER = ".neurocompare-output"
#: The kinds of output folder; a folder of one kind is never replaced by another.
KINDS = ("report", "sweep")
#: What a report or sweep folder held before markers existed (fixed history: these names never change).
_LEGACY = {
    "report": ({"metrics.json", "results"}, {"metrics.json", "metrics.csv", "table.md", "table.csv", "report.html",
                                             "report.md", "figures", "results", "nir_conversion.md"}),
    "sweep": ({"sweep.json"}, {"results.csv", "sweep.json", ".sweep.lock", "summary.csv", "sweep.md", "sweep.html",
                               "figures", ".brian2-cache"}),
}
#: A temporary folder of :func:`replace_folder` inside an output folder: ``.neurocompare-new-PID-XXXX``.
_TEMPORARY = re.compile(r"\.neurocompare-(?:new|old)-(\d+)-[A-Za-z0-9_]+")
#: A temporary file of an atomic write (``.results.csv.tmp-PID``) left by a killed sweep.
_TEMPORARY_FILE = re.compile(r"\..+\.tmp-\d+")


def _error(path: str | os.PathLike, what: str) -> ReportError:
    return ReportError(f"Output folder {str(path)!r}: {what}")


def _listing(names: list[str], limit: int = 4) -> str:
    shown = ", ".join(repr(n) for n in sorted(names)[:limit])
    return shown + (f" and {len(names) - limit} more" if len(names) > limit else "")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # it exists but is not ours
        return True
    return pid != 0


def _is_temporary(name: str) -> bool:
    return _TEMPORARY.fullmatch(name) is not None


def _marker(folder: Path) -> dict | None:
    marker = folder / MARKER
    if not marker.is_file() or marker.is_symlink():
        return None
    try:
        doc = json.loads(marker.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    return doc if isinstance(doc, dict) and doc.get("neurocompare") in KINDS else None


def _inspect(folder: Path) -> tuple[str | None, list[str]]:
    """``(kind, foreign)``: the kind of neurocompare output ``folder`` is (None: not one, or empty) and the entries
    neurocompare did not write (a marked report lists what it wrote; a sweep deletes nothing but its figures)."""
    names = {n for n in os.listdir(folder) if not _is_temporary(n) and not _TEMPORARY_FILE.fullmatch(n)}
    doc = _marker(folder)
    if doc is not None:
        written = doc.get("entries")
        foreign = [] if doc["neurocompare"] == "sweep" or not isinstance(written, list) else \
            sorted(names - {MARKER} - set(written))
        return (None if foreign else doc["neurocompare"]), foreign
    kind = next((k for k, (required, allowed) in _LEGACY.items() if required <= names <= allowed), None)
    return kind, ([] if kind else sorted(names))


def folder_kind(folder: Path) -> str | None:
    """``"report"`` or ``"sweep"`` if ``folder`` is neurocompare's output of that kind (nothing else in it), else
    None."""
    return _inspect(folder)[0]


def claim_folder(path: str | os.PathLike, kind: str) -> Path:
    """Check that neurocompare may write a ``kind`` output to ``path``; returns the resolved folder.

    Call it before simulating, so that a refused folder costs nothing. Nothing is created or changed.

    Raises
    ------
    ReportError
        If ``path`` is a file, a link to a missing folder, or a folder that holds anything but a
        neurocompare output of the same kind (the message names the folder and what is in it).
    """
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}; got {kind!r}")
    given = Path(path)
    if given.is_symlink() and not given.exists():
        raise _error(path, f"it is a symbolic link to {os.readlink(given)!r}, which does not exist; neurocompare "
                           "does not create folders through a link: give an existing folder or a new path.")
    real = Path(os.path.realpath(given))
    if real.exists() and not real.is_dir():
        raise _error(path, "it exists and is not a folder; remove the file or choose another folder.")
    _probe(path, real)
    if not real.is_dir():
        return real
    try:
        found, foreign = _inspect(real)
    except OSError as exc:
        raise _error(path, f"cannot be read ({exc.strerror or exc}); choose another folder.") from None
    if found == kind or not foreign and found is None:  # ours, or empty
        return real
    if found is not None:
        raise _error(path, f"it holds a neurocompare {found}, which a {kind} would overwrite; choose another folder.")
    raise _error(path, f"it holds files neurocompare did not write ({_listing(foreign)}); writing the {kind} there "
                       "could replace or delete them. Choose a new or empty folder (e.g. --out "
                       f"{str(Path(path) / ('neurocompare-' + kind))!r}).")


def _probe(path: str | os.PathLike, real: Path) -> None:
    """Check that ``real`` (or, if missing, its nearest existing ancestor) lets a folder be created in it."""
    at = real
    while not at.exists() and at != at.parent:
        at = at.parent
    if not at.is_dir():
        raise _error(path, f"cannot be created: {str(at)!r} is not a folder; choose another folder.")
    try:
        os.rmdir(tempfile.mkdtemp(prefix=f".neurocompare-new-{os.getpid()}-", dir=at))
    except OSError as exc:
        raise _error(path, f"cannot be written ({exc.strerror or exc} in {str(at)!r}); choose a writable folder."
                     ) from None


def mark_folder(folder: Path, kind: str, entries: list[str] | None = None) -> None:
    """Write the marker of a ``kind`` output into ``folder`` (replacing any); ``entries``: what it wrote there
    (a report), so that a file the user adds later is never replaced."""
    tmp = folder / f".{MARKER}.tmp-{os.getpid()}"
    doc = {"neurocompare": kind, **({"entries": sorted(entries)} if entries is not None else {})}
    with open_inside(tmp, "w", exclusive=True) as fh:
        fh.write(json.dumps(doc) + "\n")
    os.replace(tmp, folder / MARKER)


def record_run(folder: Path, run: dict[str, Any]) -> None:
    """Add to a finished report's marker what made it (``run``: scenario, seed, options, version; JSON data), so that
    ``neurocompare run --all`` can keep it instead of running it again (:func:`recorded_run`)."""
    doc = _marker(Path(folder))
    if doc is None or doc["neurocompare"] != "report":
        raise ReportError(f"Output folder {str(folder)!r} holds no finished neurocompare report to record a run in.")
    tmp = Path(folder) / f".{MARKER}.tmp-{os.getpid()}"
    with open_inside(tmp, "w", exclusive=True) as fh:
        fh.write(json.dumps({**doc, "run": run}, sort_keys=True) + "\n")
    os.replace(tmp, Path(folder) / MARKER)


def recorded_run(folder: str | os.PathLike) -> dict[str, Any] | None:
    """What made the finished report in ``folder`` (see :func:`record_run`); None if it is not one, holds a file
    neurocompare did not write, or records nothing."""
    folder = Path(folder)
    if not folder.is_dir() or _inspect(folder)[0] != "report":
        return None
    run = (_marker(folder) or {}).get("run")
    return run if isinstance(run, dict) else None


def _remove(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.is_symlink() or not path.is_dir():
            path.unlink()
        else:
            shutil.rmtree(path)


def _remove_leftovers(folder: Path) -> None:
    """Temporary folders of earlier writes to ``folder`` whose process has ended, inside it and beside it."""
    for name in os.listdir(folder):
        m = _TEMPORARY.fullmatch(name)
        if m and not _alive(int(m.group(1))):
            _remove(folder / name)
    legacy = re.compile(re.escape(f".{folder.name}.") + r"(?:tmp-[A-Za-z0-9_]{8}|old-\d+)")
    with contextlib.suppress(OSError):
        for entry in folder.parent.iterdir():
            if legacy.fullmatch(entry.name) and (entry.is_symlink() or entry.is_dir()
                                                 and set(os.listdir(entry)) <= _LEGACY["report"][1]):
                _remove(entry)


@contextlib.contextmanager
def replace_folder(path: str | os.PathLike, kind: str = "report", *, marked: bool = True) -> Iterator[Path]:
    """Write a folder completely, then put it in place of ``path``'s content.

    Yields a new, empty temporary folder inside ``path`` (created if missing, after
    :func:`claim_folder`); when the ``with`` block ends normally, the old entries of ``path`` are moved
    aside and the new ones moved in, and the old ones removed. If the block raises (``KeyboardInterrupt``
    included), the temporary folder is removed and ``path`` is left as it was (a folder this call created
    is removed again).

    ``marked=False`` is for a sub-folder of an output folder (a sweep's figures/): no marker; the folder
    may hold only PNG files, and may not be a link.

    Raises
    ------
    ReportError
        If the folder is refused (:func:`claim_folder`) or cannot be written; the previous content is kept.
    """
    if marked:
        real = claim_folder(path, kind)
    else:
        real = Path(path)
        if real.is_symlink() or (real.exists() and not real.is_dir()):
            raise _error(path, "it is a link or a file; neurocompare writes no file through a link: remove it.")
        if real.is_dir():
            foreign = [n for n in os.listdir(real) if not n.endswith(".png") and not _is_temporary(n)]
            if foreign:
                raise _error(path, f"it holds files neurocompare did not write ({_listing(foreign)}); move them "
                                   "away.")
    created = not real.exists()
    try:
        real.mkdir(parents=True, exist_ok=True)
        _remove_leftovers(real)
        tmp = Path(tempfile.mkdtemp(prefix=f".neurocompare-new-{os.getpid()}-", dir=real))
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a report folder is an ordinary folder
    except OSError as exc:
        if created:
            with contextlib.suppress(OSError):
                real.rmdir()
        raise _error(path, f"cannot be written ({exc.strerror or exc}); choose a writable folder.") from None
    try:
        yield tmp
        if marked:
            mark_folder(tmp, kind, os.listdir(tmp))
        _move_in(tmp, real)
    except BaseException as exc:
        _remove(tmp)
        if created:
            with contextlib.suppress(OSError):
                real.rmdir()  # only if empty
        if isinstance(exc, OSError) and not isinstance(exc, ReportError):
            where = f" ({exc.filename})" if getattr(exc, "filename", None) else ""
            raise _error(path, f"cannot be written: {exc.strerror or exc}{where}; the previous content is kept."
                         ) from None
        raise


def _move_in(new: Path, out: Path) -> None:
    """Move ``out``'s entries aside and ``new``'s in (each a rename); on failure the old entries return."""
    old = Path(tempfile.mkdtemp(prefix=f".neurocompare-old-{os.getpid()}-", dir=out))
    if (new / MARKER).exists():
        os.replace(new / MARKER, out / MARKER)  # first: the folder stays marked whatever happens next
    moved: list[str] = []
    try:
        for name in os.listdir(out):
            if name != MARKER and name not in (new.name, old.name) and not _is_temporary(name):
                os.rename(out / name, old / name)
                moved.append(name)
    except OSError:
        for name in moved:
            with contextlib.suppress(OSError):
                os.rename(old / name, out / name)
        _remove(old)
        raise
    for name in os.listdir(new):
        os.rename(new / name, out / name)
    new.rmdir()
    _remove(old)


def open_inside(path: Path, mode: str, *, exclusive: bool = False) -> TextIO:
    """Open a file inside an output folder without following a symbolic link (text, UTF-8).

    ``mode`` is "r", "w", "a" (append) or "a+"; ``exclusive`` creates a new file (O_EXCL). A link raises
    ReportError naming it.
    """
    if path.is_symlink():
        raise ReportError(f"{str(path)!r} is a symbolic link (to {os.readlink(path)!r}); neurocompare writes and "
                          "reads no file of an output folder through a link: remove the link.")
    flags = {"r": os.O_RDONLY, "w": os.O_WRONLY | os.O_CREAT | os.O_TRUNC,
             "a": os.O_WRONLY | os.O_CREAT | os.O_APPEND, "a+": os.O_RDWR | os.O_CREAT | os.O_APPEND}[mode]
    flags |= os.O_NOFOLLOW | (os.O_EXCL if exclusive else 0)
    try:
        fd = os.open(path, flags, 0o644)
    except OSError as exc:
        if exc.errno == errno.ELOOP:  # became a link meanwhile
            raise ReportError(f"{str(path)!r} is a symbolic link; neurocompare writes no file through a link."
                              ) from None
        raise
    return os.fdopen(fd, mode, encoding="utf-8", newline="")
