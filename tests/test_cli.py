"""The command line: list, run, report, sweep, and one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import neurocompare.scenarios as scenario_module
from neurocompare.cli import ProgressBar, main

from .scenarios.helpers import AND_GATE


def run_cli(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "neurocompare.cli", *args], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


def test_list_shows_scenarios_and_their_options(capsys):
    assert main(["list"]) == 0
    out = capsys.readouterr().out
    assert "demo" in out and "XOR" in out
    logic = out[out.index("logic_gates"):out.index("neuron_models")]  # what --set takes, with the defaults
    assert "options: duration_ms=200.0, trials=25," in logic and "neuron=''" in logic


@pytest.mark.slow
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


@pytest.mark.slow
def test_quick_gives_defaults_and_set_wins(tmp_path):
    """--quick runs the demo for 50 ms; --set duration_ms=20 with --quick runs it for 20 ms."""
    for extra, expected in (([], 50.0), (["--set", "duration_ms=20"], 20.0)):
        out = tmp_path / str(expected)
        assert main(["run", "demo", "--quick", *extra, "--out", str(out), "--no-progress"]) == 0
        assert json.loads((out / "metrics.json").read_text())["parameters"]["duration_ms"] == expected


@pytest.mark.slow
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_run_all_writes_one_report_per_scenario(jobs, tmp_path, monkeypatch, capsys):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    for name in ("gate_a", "gate_b"):
        (folder / f"{name}.py").write_text(AND_GATE)
    monkeypatch.setattr(scenario_module, "_dirs", lambda extra=(): [folder])  # only these two (workers: --scenarios)
    out = tmp_path / "out"
    assert main(["run", "--all", "--quick", "--jobs", jobs, "--scenarios", str(folder), "--out", str(out),
                 "--no-progress"]) == 0
    printed = capsys.readouterr().out
    for name in ("gate_a", "gate_b"):
        assert f"{name}: report written to" in printed
        assert json.loads((out / name / "metrics.json").read_text())["parameters"]["duration_ms"] == 20.0
    args = ["run", "--all", "--quick", "--jobs", jobs, "--scenarios", str(folder), "--out", str(out), "--no-progress"]
    assert main(args) == 0  # the same command again keeps both finished reports
    printed = capsys.readouterr().out
    assert printed.count("kept the finished report") == 2 and "report written" not in printed, printed
    args.remove("--quick")
    assert main(args) == 0  # other options (not --quick): a finished report is not this run's
    assert capsys.readouterr().out.count("report written") == 2
    assert json.loads((out / "gate_a" / "metrics.json").read_text())["parameters"]["duration_ms"] == 50.0
    assert main(args + ["--force"]) == 0  # --force runs every scenario again
    printed = capsys.readouterr().out
    assert printed.count("report written") == 2 and "kept" not in printed, printed


@pytest.mark.parametrize(
    "args, message",
    [
        (["run", "nope"], "Unknown scenario 'nope'; valid:"),
        (["run", "myscen/wta5.py"], "looks like a scenario script: run it with `python myscen/wta5.py`, or pass its "
                                    "folder with --scenarios myscen and its name 'wta5'."),
        (["run", "wta5.json"], "'wta5.json' looks like a file: a scenario is a script"),
        (["run", "demo", "--scenarios", "/nonexistent/scenarios"],
         "Scenario folder '/nonexistent/scenarios' does not exist: --scenarios takes a folder of scenario scripts."),
        (["list", "--scenarios", "/nonexistent/s.py"], "--scenarios takes a folder of scenario scripts"),
        (["run", "demo", "--set", "duration_ms=abc"],
         "Scenario 'demo': option 'duration_ms' takes float values (default 200.0); got 'abc'."),
        (["run", "demo", "--set", "colour=red"], "unknown option 'colour'"),
        (["run", "demo", "--set", "novalue"], "--set expects NAME=VALUE"),
        (["run", "demo", "--seed", "-1"], "seed must be a non-negative integer"),
        (["run"], "give a scenario NAME or --all"),
        (["run", "demo", "--out", "/proc/neurocompare-test/x"], "Output folder '/proc/neurocompare-test/x': cannot be written"),
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


@pytest.mark.parametrize(
    "args, message",
    [
        (["sweep", "nope", "--param", "a=1"], "Unknown scenario 'nope'; valid:"),
        (["sweep", "demo", "--param", "colour=red"], "unknown option 'colour'; valid: duration_ms (default 200.0)"),
        (["sweep", "demo", "--param", "duration_ms=10,abc"], "option 'duration_ms' takes float values"),
        (["sweep", "demo", "--param", "duration_ms"], "--param expects NAME=V1,V2,..."),
        (["sweep", "demo", "--param", "duration_ms=10,,20"], "needs values separated by ','"),
        (["sweep", "demo", "--param", "duration_ms=10", "--param", "duration_ms=20"], "is given twice"),
        (["sweep", "demo", "--workers", "2", "--scheduler", "tcp://127.0.0.1:1"], "not both"),
    ],
)
def test_sweep_errors_are_one_line_and_exit_2(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [(["--seeds", "0"], "--seeds must be an integer >= 1"),
                                           (["--workers", "-1"], "--workers must be an integer >= 0")])
def test_sweep_usage_errors_are_one_line_and_exit_2(args, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sweep", "demo", *args])
    err = capsys.readouterr().err.strip()
    assert exc.value.code == 2 and len(err.splitlines()) == 1 and message in err


def test_scenarios_given_a_file_is_an_error_naming_its_folder(tmp_path, capsys):
    """Before: a file given to --scenarios was ignored without a word."""
    script = tmp_path / "mine.py"
    script.write_text('"""A question?"""\n')
    assert main(["list", "--scenarios", str(script)]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"neurocompare: error: Scenario folder {str(script)!r} is a file: --scenarios takes a folder of "
                   f"scenario scripts; to use the scenario in it, pass its folder: --scenarios {tmp_path}.")


def test_scenarios_in_the_current_folder_never_run_by_surprise(tmp_path, monkeypatch, capsys):
    """An unpacked bundle's scenarios/ neither shadows an installed scenario nor runs unless its folder is named."""
    from neurocompare.errors import ShadowedScenarioWarning

    bundle = tmp_path / "scenarios"
    bundle.mkdir()
    evil = 'raise SystemExit("bundle code ran")\n'
    (bundle / "logic_gates.py").write_text('"""Shadow."""\n' + evil)
    (bundle / "demo.py").write_text('"""Shadow."""\n' + evil)
    (bundle / "theirs.py").write_text('"""Theirs."""\n' + evil)
    monkeypatch.chdir(tmp_path)
    info = scenario_module.get_scenario("logic_gates")
    assert info.path is not None and info.path.parent != bundle.resolve()  # the installed one
    assert scenario_module.get_scenario("demo").path is None  # the built-in one
    assert main(["run", "theirs", "--quick"]) == 2
    err = capsys.readouterr().err
    assert "Unknown scenario 'theirs'" in err and "scenarios run only from folders you name" in err
    with pytest.warns(ShadowedScenarioWarning) as record:
        found = scenario_module.find_scenarios([bundle])
    messages = sorted(str(w.message) for w in record)
    assert len(messages) == 2
    assert messages[0].startswith(f"Scenario 'demo' in {str(bundle.resolve() / 'demo.py')!r} is ignored: the "
                                  "installed scenario built into neurocompare (neurocompare.demo) has the same name")
    assert messages[1].startswith(f"Scenario 'logic_gates' in {str(bundle.resolve() / 'logic_gates.py')!r} is "
                                  f"ignored: the installed scenario {str(info.path)!r} has the same name; rename")
    assert found["logic_gates"].path == info.path and found["theirs"].path == (bundle / "theirs.py").resolve()
