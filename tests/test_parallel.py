"""neurocompare.parallel: a scenario's independent part on a spare core, the same answer either way, nothing left."""

from __future__ import annotations

import json
import os
import time

import psutil
import pytest

from neurocompare.errors import ParameterError
from neurocompare.parallel import JOBS_ENV, Background, mark_worker, spare_cores


def _pid_and_square(x: int) -> tuple[int, int]:
    return os.getpid(), x * x


def _fail(message: str) -> None:
    raise ValueError(message)


def _write_pid_then_sleep(path: str) -> None:
    with open(path, "w") as fh:
        fh.write(str(os.getpid()))
    time.sleep(60)


@pytest.mark.parametrize("value, spare", [("1", 0), ("2", 1), (" 4 ", 3)])
def test_the_environment_sets_the_spare_cores(monkeypatch, value, spare):
    monkeypatch.setenv(JOBS_ENV, value)
    assert spare_cores() == spare


@pytest.mark.parametrize("value", ["0", "-2", "two", "1.5"])
def test_a_bad_job_count_is_named_with_its_value(monkeypatch, value):
    monkeypatch.setenv(JOBS_ENV, value)
    with pytest.raises(ParameterError, match=rf"\$NEUROCOMPARE_JOBS must be a whole number of processes, 1 or more; "
                                             rf"got '{value}'"):
        spare_cores()


def test_without_a_spare_core_the_call_runs_here_when_asked(monkeypatch):
    monkeypatch.setenv(JOBS_ENV, "2")
    mark_worker()  # what run --all's and a sweep's workers do
    assert os.environ[JOBS_ENV] == "1"
    with Background(_pid_and_square, 7) as job:
        assert not job.in_background
        assert job.result() == (os.getpid(), 49)


@pytest.mark.slow  # starts a Python with Brian2 (2-3 s)
def test_with_a_spare_core_the_call_runs_in_another_process(monkeypatch):
    monkeypatch.setenv(JOBS_ENV, "2")
    with Background(_pid_and_square, 7) as job:
        assert job.in_background
        pid, value = job.result()
    assert value == 49 and pid != os.getpid()


@pytest.mark.slow  # starts a Python with Brian2 (2-3 s)
def test_an_error_in_the_other_process_is_raised_here_as_itself(monkeypatch):
    monkeypatch.setenv(JOBS_ENV, "2")
    with Background(_fail, "bad value 3") as job, pytest.raises(ValueError, match="bad value 3"):
        job.result()


@pytest.mark.slow  # starts a Python with Brian2 (2-3 s)
def test_leaving_the_block_by_an_interrupt_kills_the_other_process(monkeypatch, tmp_path):
    """The other process ignores SIGINT (the terminal's Ctrl+C reaches it too); leaving the block kills it."""
    monkeypatch.setenv(JOBS_ENV, "2")
    pid_file = tmp_path / "pid"
    with pytest.raises(KeyboardInterrupt):
        with Background(_write_pid_then_sleep, str(pid_file)) as job:
            assert job.in_background
            deadline = time.monotonic() + 60
            while not pid_file.exists() or not pid_file.read_text():
                assert time.monotonic() < deadline, "the other process did not start within 60 s"
                time.sleep(0.05)
            raise KeyboardInterrupt
    pid = int(pid_file.read_text())
    assert not psutil.pid_exists(pid) or psutil.Process(pid).status() == psutil.STATUS_ZOMBIE


@pytest.mark.slow
def test_digits_gives_the_same_metrics_with_and_without_a_spare_core(monkeypatch):
    """The per-model study in another process (a spare core) or here: the same numbers (a reduced digits run)."""
    from neurocompare.scenarios import get_scenario, load_scenario

    digits = load_scenario(get_scenario("digits"))
    # Izhikevich runs at 0.025 ms: the fine-step half, measured on the spare core with 2 jobs
    options = dict(epochs=8, test_images=24, budget_duration_ms=50.0, duration_ms=30.0,
                   models=("if", "lif", "izhikevich:RS"), twin_epochs=5)
    from neurocompare import parallel

    used: list[bool] = []
    enter = parallel.Background.__enter__

    def spy(self):  # which way each Background went
        out = enter(self)
        used.append(self.in_background)
        return out

    monkeypatch.setattr(parallel.Background, "__enter__", spy)
    got = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv(JOBS_ENV, jobs)
        result = digits.run(seed=0, **options)
        got[jobs] = json.dumps({k: m.value for k, m in result.metrics.items()}, sort_keys=True)
    assert '"model_accuracy_30ms.lif"' in got["1"] and '"model_twin_accuracy_30ms.izhikevich_RS"' in got["1"]
    assert got["1"] == got["2"]
    assert used == [False, True]  # the fine-step half here with 1 job, on the spare core with 2


def test_a_panel_survives_the_trip_to_another_process():
    """A study's panels come back from the other process: pickled with their series, errors and labels."""
    import pickle

    import numpy as np

    from neurocompare.comparison import Panel

    panel = Panel("acc", "Accuracy", "caption", "lines", x=[1.0, 2.0], series={"a": [0.5, 0.7]},
                  errors={"a": [0.1, 0.1]}, xlabel="t (ms)", ylabel="accuracy")
    back = pickle.loads(pickle.dumps(panel))
    assert (back.name, back.title, back.caption, back.kind, back.xlabel, back.ylabel) == \
        ("acc", "Accuracy", "caption", "lines", "t (ms)", "accuracy")
    np.testing.assert_array_equal(back.series["a"], [0.5, 0.7])
    np.testing.assert_array_equal(back.errors["a"], [0.1, 0.1])
    np.testing.assert_array_equal(back.x, [1.0, 2.0])


@pytest.mark.slow
def test_neuron_models_measures_every_other_model_on_a_spare_core_with_the_same_numbers(monkeypatch):
    from neurocompare.studies.neuron_models import measure_models, profile_metrics

    got = {}
    for jobs in ("1", "2"):
        monkeypatch.setenv(JOBS_ENV, jobs)
        profiles = measure_models(("lif", "adaptive_lif", "izhikevich:RS"), duration_ms=300.0, trials=4, seed=0)
        assert [p.name for p in profiles] == ["lif", "adaptive_lif", "izhikevich:RS"]
        got[jobs] = json.dumps({k: m.value for k, m in profile_metrics(profiles).items()}, sort_keys=True)
    assert got["1"] == got["2"]


def test_the_command_line_names_a_bad_job_count_before_it_writes_anything(monkeypatch, tmp_path, capsys):
    from neurocompare.cli import main

    monkeypatch.setenv(JOBS_ENV, "0")
    assert main(["run", "--all", "--quick", "--out", str(tmp_path / "out"), "--no-progress"]) == 2
    assert "$NEUROCOMPARE_JOBS must be a whole number of processes, 1 or more; got '0'." in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow  # starts two Pythons with Brian2
def test_a_script_without_a_main_guard_runs_once_and_uses_the_spare_core(tmp_path):
    """multiprocessing's spawn runs the main script again in the child; ours must not (a user's plain script)."""
    import subprocess
    import sys
    import textwrap

    script = tmp_path / "plain.py"
    script.write_text(textwrap.dedent("""
        from neurocompare.parallel import Background

        def square(x):
            return x * x

        print("top level ran")
        with Background(sum, [1, 2, 3]) as job:
            print("spare core:", job.in_background, job.result())
        with Background(square, 4) as job:  # a function of the script itself: runs here
            print("script function:", job.in_background, job.result())
    """))
    done = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120,
                          env={**os.environ, JOBS_ENV: "2"})
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines() == ["top level ran", "spare core: True 6", "script function: False 16"]
