"""Ctrl+C and SIGTERM: one policy for sweep (Dask, serial), run --all and Brian2's own SIGINT handler.

Each subprocess test starts a command in a new process group, sends the signal to the whole group
(what a terminal's Ctrl+C does) once the first result is saved, and checks: exit status 130/143
within a few seconds, one line and no traceback, no live process of the group left (zombies, dead
processes a sandbox's PID 1 may not reap, do not count), then that the same command completes the
set. Every started group is killed in a ``finally``.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import psutil
import pytest

from neurocompare.scenarios import find_scenarios
from neurocompare.sweep import sweep

from .sweep.helpers import TINY, read_rows, stable

NC = [sys.executable, "-m", "neurocompare"]
#: The scenarios ``run --all`` runs (the installed scripts).
N_ALL = len(find_scenarios()) - 1  # the built-in demo is not part of --all
#: Seconds from the signal to the exit of the command's process (the policy says 5; CI may be slow).
LIMIT_S = 6.0


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    (folder / "tiny.py").write_text(textwrap.dedent(TINY))
    return folder


def _live_group(pgid: int) -> list[psutil.Process]:
    out = []
    for proc in psutil.process_iter():
        try:
            if os.getpgid(proc.pid) == pgid and proc.status() != psutil.STATUS_ZOMBIE:
                out.append(proc)
        except (ProcessLookupError, psutil.Error):
            continue
    return out


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _interrupt(cmd: list[str], sig: int, ready, *, cwd: Path, ignored: bool = False,
               group: bool = True) -> tuple[int, float, str, list]:
    """Run ``cmd`` in its own group, send ``sig`` to the group once ``ready()``; (status, seconds, output, left).

    ``ignored``: started with SIGINT ignored (as a shell script's background job is); ``group=False``:
    the signal goes to the command's process alone.
    """
    proc = subprocess.Popen(cmd, cwd=cwd, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True, preexec_fn=_ignore_sigint if ignored else None)
    try:
        deadline = time.monotonic() + 90
        while not ready():
            assert proc.poll() is None, f"finished before the signal: {proc.communicate()[0]}"
            assert time.monotonic() < deadline, "no result within 90 s"
            time.sleep(0.1)
        sent = time.monotonic()
        (os.killpg if group else os.kill)(proc.pid, sig)
        out, _ = proc.communicate(timeout=30)
        took = time.monotonic() - sent
        time.sleep(0.5)
        return proc.returncode, took, out, _live_group(proc.pid)
    finally:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait(timeout=10)


def _has_rows(folder: Path, n: int = 1):
    def ready() -> bool:
        path = folder / "results.csv"
        return path.exists() and len(path.read_text().splitlines()) > n
    return ready


def _check_stopped(status: int, took: float, out: str, left: list, sig: int) -> None:
    assert status == 128 + sig, out
    assert took < LIMIT_S, (took, out)
    assert "Traceback" not in out, out
    lines = [line for line in out.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"neurocompare: interrupted ({signal.Signals(sig).name})"), out
    assert not left, [(p.pid, p.cmdline()) for p in left]


@pytest.fixture(scope="module")
def serial_rows(tiny_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("serial")
    sweep("tiny", params={"sleep_s": [1.0]}, seeds=4, workers=0, out_dir=out, extra_dirs=[tiny_dir], report=False)
    return stable(read_rows(out))


SWEEP_CASES = [  # signal, workers (0: serial), started with SIGINT ignored, to the group (else the main process),
    # then run again: the resume is the same code after any signal, so once per executor (a run again costs ~4 s)
    pytest.param(signal.SIGINT, 2, False, True, True, id="INT-dask"),
    pytest.param(signal.SIGINT, 2, True, True, False, id="INT-dask-started-ignoring-INT"),
    pytest.param(signal.SIGINT, 2, False, False, False, id="INT-dask-main-process-only"),
    pytest.param(signal.SIGTERM, 2, False, True, False, id="TERM-dask"),
    pytest.param(signal.SIGINT, 0, False, True, True, id="INT-serial"),
    pytest.param(signal.SIGINT, 0, True, True, False, id="INT-serial-started-ignoring-INT"),
    pytest.param(signal.SIGTERM, 0, False, True, False, id="TERM-serial"),
]


@pytest.mark.slow
@pytest.mark.parametrize("sig, workers, ignored, group, again", SWEEP_CASES)
def test_signal_stops_a_sweep_and_the_same_command_resumes(tmp_path, tiny_dir, serial_rows, sig, workers, ignored,
                                                           group, again):
    out = tmp_path / "sweep"
    cmd = NC + ["sweep", "tiny", "--scenarios", str(tiny_dir), "--param", "sleep_s=1", "--seeds", "4", "--workers",
                str(workers), "--out", str(out), "--no-progress"]
    status, took, text, left = _interrupt(cmd, sig, _has_rows(out), cwd=tmp_path, ignored=ignored, group=group)
    _check_stopped(status, took, text, left, sig)
    rows = read_rows(out)
    assert 1 <= len(rows) < 4 and all(r["status"] == "ok" for r in rows)  # the interrupted tasks: not recorded
    assert all(r in serial_rows for r in stable(rows))  # what was recorded is the serial run's
    if again:
        done = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert stable(read_rows(out)) == serial_rows  # no duplicate, no lost row, the serial run's values


@pytest.mark.slow
@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_to_the_group_stops_run_all_and_keeps_finished_reports(tmp_path, sig):
    """run --all prints each report as it finishes; interrupted, it counts the finished ones right, and (once: the
    same code after either signal) the same command keeps the finished reports (same seed, options and version) and
    runs only the rest. A whole run again and --force: tests/test_cli.py, on two small scenarios."""
    from neurocompare.report.folders import recorded_run

    out = tmp_path / "reports"
    cmd = NC + ["run", "--all", "--quick", "--jobs", "2", "--out", str(out), "--no-progress"]

    def one_recorded() -> bool:
        return any(recorded_run(p) for p in out.iterdir()) if out.is_dir() else False

    status, took, text, left = _interrupt(cmd, sig, one_recorded, cwd=tmp_path)
    lines = [line for line in text.splitlines() if line.strip()]
    assert status == 128 + sig and took < LIMIT_S and "Traceback" not in text and not left, (status, took, text, left)
    assert lines[0].startswith(f"running {N_ALL} scenario(s), 2 at a time:"), text
    recorded = {p.name for p in out.iterdir() if recorded_run(p)}
    printed = {line.split(":")[0] for line in lines if "report written" in line}
    assert recorded and printed == recorded, (printed, recorded)
    assert lines[-1].startswith(f"neurocompare: interrupted ({signal.Signals(sig).name}); {len(recorded)} of {N_ALL} "
                                "report(s) finished and intact ("), lines[-1]
    if sig != signal.SIGINT:
        return
    # The same command again keeps what finished and starts the rest: its first lines say so, then it is stopped
    # (running the rest to the end is what the first run does; tests/test_cli.py runs a whole --all again).
    proc = subprocess.Popen(cmd, cwd=tmp_path, start_new_session=True, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)
    head: list[str] = []
    try:
        for line in proc.stdout:
            head.append(line.rstrip("\n"))
            if line.startswith("running ") or len(head) > 20:
                break
    finally:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate(timeout=30)
    kept = {line.split(":")[0] for line in head if "kept the finished report" in line}
    assert kept == recorded, head
    rest = N_ALL - len(recorded)
    assert head[-1].startswith(f"running {rest} scenario(s), {min(2, rest)} at a time:"), head
    assert not set(head[-1].split(":", 1)[1].replace(",", " ").split()) & recorded, head  # only the rest runs


def test_brian2_imported_with_sigint_ignored_neither_crashes_nor_unignores_it():
    """The root cause: Brian2 saved SIG_IGN (not callable) and called it on Ctrl+C: TypeError 'Handlers'."""
    code = textwrap.dedent("""
        import os, signal, time
        from neurocompare.backends.brian2.runtime import import_brian2
        b2 = import_brian2()
        assert callable(b2._int_handler.previous_handler)
        os.kill(os.getpid(), signal.SIGINT)
        time.sleep(0.2)
        print("still here")
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60,
                          preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
    assert done.returncode == 0 and "still here" in done.stdout, done.stderr
    assert "Traceback" not in done.stderr
