"""Sweeps: the grid and its seeds, identical rows on every engine, nothing lost, nothing twice.

Timings are measured by benchmarks/sweep_speedup.py, never asserted here.
"""

from __future__ import annotations

import csv
import json
import logging
import os
import re
import signal
import textwrap

import pytest

from neurocompare.cli import main
from neurocompare.errors import ParameterError, ReportError
from neurocompare.sweep import RESULTS_FILE, canonical_json, load_sweep, plan_sweep, sweep, task_seed

TINY = '''
"""Tiny test scenario: one integrate-and-fire neuron driven by Poisson input (sleeps, fails or logs on request)."""

import os
import time
from types import SimpleNamespace

import numpy as np

from neurocompare import LIF, Circuit, InputPopulation, NeuronPopulation, Projection, SpikingBackend
from neurocompare.metrics import Metric


def build_circuit():
    return Circuit("tiny", inputs=[InputPopulation("x", 1)],
                   populations=[NeuronPopulation("out", 1, neuron=LIF(tau_m_ms=float("inf"), reset="subtract",
                                                                      t_ref_ms=0.0))],
                   projections=[Projection("x", "out", [[2]], 0.5)])


def run(*, seed=0, quick=False, progress=None, rate=0.5, sleep_s=0.0, fail=False, log=""):
    if log:
        with open(log, "a") as fh:
            fh.write(f"{seed}\\n")
    if fail:
        raise RuntimeError(f"tiny: asked to fail\\n(rate={rate})")
    time.sleep(sleep_s)
    res = SpikingBackend(encoding="poisson", duration_ms=50.0, rate_scale_hz=200.0).run(
        build_circuit(), np.array([[rate]]), seed=seed)
    return SimpleNamespace(
        metrics={"out_rate": Metric(float(res["out"][0, 0]), "rate / scale", "decoded output rate"),
                 "in_rate": Metric(float(res["x"][0, 0]), "rate / scale", "decoded input rate")},
        parameters={"target": res.info["target"]})


def main(out_dir="neurocompare-output/tiny", **options):
    return run(**options)
'''

#: Columns that legitimately differ between runs of the same task.
VOLATILE = ("wall_s", "worker")


@pytest.fixture(scope="module")
def tiny_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("scenarios")
    (folder / "tiny.py").write_text(textwrap.dedent(TINY))
    return folder


def read_rows(folder):
    text = (folder / RESULTS_FILE).read_text()
    assert text.endswith("\n")
    return list(csv.DictReader(text.splitlines()))


def stable(rows):
    return sorted(({k: v for k, v in r.items() if k not in VOLATILE} for r in rows), key=lambda r: r["task_id"])


# ----------------------------------------------------------------------------- the grid and its seeds
def test_grid_values_are_validated_and_converted(tiny_dir):
    grid, tasks = plan_sweep("tiny", params={"rate": [1, "0.5"], "fail": "false"}, seeds=3, extra_dirs=[tiny_dir])
    assert grid == {"rate": (1.0, 0.5), "fail": (False,)}
    assert len(tasks) == 6 and len({t.task_id for t in tasks}) == 6
    assert [t.replicate for t in tasks] == [0, 1, 2, 0, 1, 2]
    assert all(t.options["sleep_s"] == 0.0 and t.options["log"] == "" for t in tasks)  # defaults filled in
    for params, message in [({"colour": [1]}, "unknown option 'colour'; valid: rate (default 0.5)"),
                            ({"rate": ["fast"]}, "option 'rate' takes float values (default 0.5); got 'fast'"),
                            ({"fail": [1]}, "option 'fail' takes bool values"),
                            ({"rate": [0.5, 0.5]}, "lists 0.5 more than once"),
                            ({"rate": []}, "has no values")]:
        with pytest.raises(ParameterError, match=re.escape(message)):
            plan_sweep("tiny", params=params, extra_dirs=[tiny_dir])
    with pytest.raises(ParameterError, match="seeds must be a positive integer"):
        plan_sweep("tiny", params={}, seeds=0, extra_dirs=[tiny_dir])


def test_task_seeds_depend_on_sweep_seed_replicate_and_options_only():
    opts = {"rate": 0.5, "name": "x", "flags": (1, 2)}
    s = task_seed(0, 1, opts)
    assert s == task_seed(0, 1, dict(reversed(opts.items())))  # key order does not matter
    assert 0 <= s < 2**32
    assert len({s, task_seed(1, 1, opts), task_seed(0, 0, opts), task_seed(0, 1, {**opts, "rate": 0.25})}) == 4
    assert task_seed(0, 1, opts, paired=True) == task_seed(0, 1, {"other": 1}, paired=True)
    assert canonical_json({"b": 1.0, "a": (1, "x")}) == '{"a":[1,"x"],"b":1.0}'
    # Pinned: the derivation is part of the results' provenance and must not drift.
    assert task_seed(0, 0, {"duration_ms": 10.0}) == 3222937899
    assert task_seed(0, 0, {}, paired=True) == 2968811710


# ----------------------------------------------------------------------------- engines agree
def test_serial_one_and_two_workers_give_identical_rows(tmp_path):
    params = {"encoding": ["regular", "poisson"], "duration_ms": [20]}
    results = {}
    for workers in (0, 1, 2):
        out = tmp_path / f"w{workers}"
        res = sweep("demo", params=params, seeds=2, workers=workers, out_dir=out)
        assert res.complete and not res.failed and res.ran == 4
        rows = read_rows(out)
        assert len(rows) == 4
        results[workers] = stable(rows)
        info = list(res.workers.values())
        assert len(info) == max(workers, 1)
        assert all(w["main_thread"] for w in info)  # Brian2 imported in each worker's main thread
        if workers:
            assert all(w["pid"] != os.getpid() for w in info)
            caches = {w["cache_dir"] for w in info}
            assert len(caches) == workers and all(c.startswith(str(out / ".brian2-cache")) for c in caches)
            assert {r["worker"].split(":")[0] for r in rows} <= {w["name"] for w in info}
    assert results[0] == results[1] == results[2]
    poisson = [r for r in results[0] if r["encoding"] == "poisson"]
    assert len({r["seed"] for r in poisson}) == 2  # each task has its own seed
    assert float(results[0][0]["output_agreement"]) >= 0.0


# ----------------------------------------------------------------------------- nothing lost, nothing twice
def test_killed_worker_costs_only_its_tasks_and_rows_are_recorded_once(tmp_path, tiny_dir):
    from distributed import Client, LocalCluster

    killed: dict = {}
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address="127.0.0.1:0",
                      silence_logs=logging.CRITICAL) as cluster, Client(cluster) as client:
        def kill_a_busy_worker(stage, fraction, elapsed):
            if killed or fraction == 0:
                return
            busy = {w: keys for w, keys in client.processing().items() if keys}
            assert busy, "no task in flight"
            address = sorted(busy)[0]
            killed["pid"] = client.run(os.getpid)[address]
            killed["tasks"] = {str(k).split("-")[1] for k in busy[address]}
            os.kill(killed["pid"], signal.SIGKILL)

        res = sweep("tiny", params={"rate": [0.2, 0.4, 0.6], "sleep_s": [1.0]}, seeds=2,
                    scheduler=cluster.scheduler_address, out_dir=tmp_path / "out", extra_dirs=[tiny_dir],
                    progress=kill_a_busy_worker)
    assert killed["tasks"]
    rows = read_rows(tmp_path / "out")
    ids = [r["task_id"] for r in rows]
    assert len(ids) == 6 and set(ids) == {r["task_id"] for r in res.rows}  # every task exactly once
    assert [r["error"] for r in rows if r["status"] != "ok"] == []
    for task in killed["tasks"]:  # the killed worker's tasks ran again elsewhere, recorded once
        (row,) = [r for r in rows if r["task_id"] == task]
        assert row["worker"].split(":")[1] != str(killed["pid"])


def test_interrupted_sweep_resumes_without_recomputing_or_duplicating(tmp_path, tiny_dir):
    out, log = tmp_path / "out", tmp_path / "ran.txt"
    params = {"rate": [0.3, 0.6, 0.9], "log": [str(log)]}

    def stop_after_two(stage, fraction, elapsed):
        if fraction >= 2 / 6:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep("tiny", params=params, seeds=2, workers=0, out_dir=out, extra_dirs=[tiny_dir], progress=stop_after_two)
    first = read_rows(out)
    assert len(first) == 2
    # A crash while appending a row leaves a torn last line: it must be dropped, not trusted.
    with open(out / RESULTS_FILE, "a") as fh:
        fh.write("deadbeefdeadbeef,1,123,0.9,")
    res = sweep("tiny", params=params, seeds=2, workers=0, out_dir=out, extra_dirs=[tiny_dir])
    assert (res.ran, res.resumed, len(res.rows)) == (4, 2, 6)
    rows = read_rows(out)
    assert len(rows) == 6 and len({r["task_id"] for r in rows}) == 6
    assert stable(rows[:2]) == stable(first)  # finished rows untouched
    ran = log.read_text().split()
    assert len(ran) == 6 and len(set(ran)) == 6  # 2 before the interruption + only the 4 missing ones
    again = sweep("tiny", params=params, seeds=2, workers=0, out_dir=out, extra_dirs=[tiny_dir])
    assert (again.ran, again.resumed) == (0, 6) and len(log.read_text().split()) == 6
    # The same grid from scratch gives the same rows as the interrupted-and-resumed one.
    fresh = sweep("tiny", params=params, seeds=2, workers=0, out_dir=tmp_path / "fresh", extra_dirs=[tiny_dir])
    assert stable(read_rows(tmp_path / "fresh")) == stable(rows) and fresh.ran == 6


def test_failing_task_is_recorded_and_the_rest_complete(tmp_path, tiny_dir):
    out, log = tmp_path / "out", tmp_path / "ran.txt"
    # The seeds depend on the options, here on the temporary log path. At rate 0.5 (100 Hz for 50 ms) about 1 in
    # 130 seeds gives no input spike at all; at 1000 Hz the chance is 0.9**500 ~ 1e-23, so out_rate > 0 always.
    params = {"fail": [False, True], "log": [str(log)], "rate": [5.0]}
    res = sweep("tiny", params=params, seeds=2, workers=0, out_dir=out, extra_dirs=[tiny_dir])
    assert len(res.rows) == 4 and len(res.failed) == 2
    for row in res.failed:
        assert row["error"] == "RuntimeError: tiny: asked to fail\\n(rate=5.0)"  # one line, escaped
        assert row["fail"] is True
    ok = [r for r in read_rows(out) if r["status"] == "ok"]
    assert len(ok) == 2 and all(float(r["out_rate"]) > 0 for r in ok)
    assert "Failed tasks" in (out / "sweep.md").read_text()
    # Re-running retries the failed tasks only, and they still have one row each.
    res = sweep("tiny", params=params, seeds=2, workers=0, out_dir=out, extra_dirs=[tiny_dir])
    assert (res.ran, res.resumed) == (2, 2) and len(read_rows(out)) == 4
    assert len(log.read_text().split()) == 6
    kept = sweep("tiny", params=params, seeds=2, workers=0, out_dir=out, extra_dirs=[tiny_dir], retry_failed=False)
    assert kept.ran == 0 and len(kept.failed) == 2


def test_a_folder_holds_one_sweep(tmp_path, tiny_dir):
    out = tmp_path / "out"
    sweep("tiny", params={"rate": [0.5]}, workers=0, out_dir=out, extra_dirs=[tiny_dir], report=False)
    with pytest.raises(ParameterError, match="holds another sweep .*quick False .*now True"):
        sweep("tiny", params={"rate": [0.5]}, workers=0, out_dir=out, extra_dirs=[tiny_dir], quick=True)
    import fcntl

    with open(out / ".sweep.lock", "a+") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        with pytest.raises(ReportError, match="Another sweep is writing"):
            sweep("tiny", params={"rate": [0.5]}, workers=0, out_dir=out, extra_dirs=[tiny_dir])


# ----------------------------------------------------------------------------- the command line and the report
def test_cli_sweep_writes_a_report(tmp_path, tiny_dir, capsys):
    out = tmp_path / "out"
    code = main(["sweep", "tiny", "--scenarios", str(tiny_dir), "--param", "rate=0.25,0.75", "--param",
                 "sleep_s=0", "--seeds", "2", "--workers", "0", "--out", str(out), "--no-progress"])
    assert code == 0, capsys.readouterr().err
    assert "4 rows (4 ran, 0 reused, 0 failed)" in capsys.readouterr().out
    page = (out / "sweep.html").read_text()
    assert "data:image/png;base64," in page and "src=\"http" not in page
    assert (out / "figures" / "out_rate_vs_rate.png").is_file()
    summary = list(csv.DictReader((out / "summary.csv").read_text().splitlines()))
    assert [s["rate"] for s in summary] == ["0.25", "0.75"] and all(s["n_ok"] == "2" for s in summary)
    doc = json.loads((out / "sweep.json").read_text())
    assert doc["grid"] == {"rate": [0.25, 0.75], "sleep_s": [0.0]} and doc["metrics"]["out_rate"]["unit"]
    assert "| 0.25 | 2/2 |" in (out / "sweep.md").read_text()
    loaded = load_sweep(out, extra_dirs=[tiny_dir])  # the rows again, without simulating
    assert [r["task_id"] for r in loaded.rows] == [s["task_id"] for s in read_rows(out)] and loaded.complete
    mean = [s["mean"] for s in loaded.summary("out_rate")]
    assert mean == pytest.approx([float(s["out_rate.mean"]) for s in summary])


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
def test_cli_errors_are_one_line_and_exit_2(args, message, capsys):
    assert main(args) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and message in err and "Traceback" not in err


@pytest.mark.parametrize("args, message", [(["--seeds", "0"], "--seeds must be an integer >= 1"),
                                           (["--workers", "-1"], "--workers must be an integer >= 0")])
def test_cli_usage_errors_are_one_line_and_exit_2(args, message, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["sweep", "demo", *args])
    err = capsys.readouterr().err.strip()
    assert exc.value.code == 2 and len(err.splitlines()) == 1 and message in err
