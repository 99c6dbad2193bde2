"""The command line: list, run, report, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from neurocompare.cli import ProgressBar, main


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "neurocompare.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


def test_list_shows_scenarios(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "demo" in out and "XOR" in out


def test_run_and_report(tmp_path):
    out = tmp_path / "demo"
    res = run_cli("run", "demo", "--quick", "--out", str(out), "--seed", "4", "--set", "encoding=poisson")
    assert res.returncode == 0, res.stderr
    assert "report written" in res.stdout
    doc = json.loads((out / "metrics.json").read_text())
    assert doc["seed"] == 4 and doc["parameters"]["encoding"]["name"] == "poisson"
    assert doc["command"].startswith("neurocompare run demo --quick")
    res = run_cli("report", str(out))
    assert res.returncode == 0, res.stderr and (out / "report.html").is_file()


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "nope"], "Unknown scenario 'nope'; valid:"),
        (["run", "demo", "--set", "duration_ms=abc"], "Option 'duration_ms': expected float, got 'abc'"),
        (["run", "demo", "--set", "colour=red"], "unknown option 'colour'"),
        (["run", "demo", "--set", "novalue"], "--set expects NAME=VALUE"),
        (["run", "demo", "--seed", "-1"], "seed must be a non-negative integer"),
        (["run"], "give a scenario NAME or --all"),
        (["run", "demo", "--out", "/proc/neurocompare-test/x"], "Cannot write the report to"),
        (["report", "/nonexistent/folder"], "No report folder"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_errors_exit_nonzero_with_one_line(args, message, capsys):
    with pytest.raises(SystemExit) if args[0] == "frobnicate" or "--seed" in args else _nullcontext():
        code = main(args)
        assert code == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1, err
    assert message in err
    assert "Traceback" not in err


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def test_progress_bar_only_for_long_runs():
    import io

    stream = io.StringIO()
    bar = ProgressBar("x", stream=stream, delay_s=2.0, always=True)
    bar("spiking run", 0.5, 1.0)
    bar("spiking run", 1.0, 1.5)
    assert stream.getvalue() == ""  # finished within the delay: nothing drawn
    bar = ProgressBar("x", stream=stream, delay_s=2.0, always=True)
    bar("spiking run", 0.4, 2.5)
    bar("spiking run", 1.0, 5.0)
    text = stream.getvalue()
    assert "40.0%" in text and "100.0%" in text and text.endswith("\n")
    quiet = io.StringIO()
    ProgressBar("x", stream=quiet)("spiking run", 0.5, 10.0)  # not a terminal: no bar
    assert quiet.getvalue() == ""
