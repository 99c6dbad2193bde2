"""Sweep engines: identical rows serially, on 1 and on 2 Dask worker processes; a killed worker loses nothing.

Timings are measured by benchmarks/sweep_speedup.py, never asserted here.
"""

from __future__ import annotations

import logging
import os
import signal

import pytest

from neurocompare.sweep import sweep

from .helpers import read_rows, stable


@pytest.mark.slow
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


@pytest.mark.slow
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
    assert res.rerun == len(killed["tasks"])  # counted in the summary
    for task in killed["tasks"]:  # the killed worker's tasks ran again elsewhere, recorded once
        (row,) = [r for r in rows if r["task_id"] == task]
        assert row["worker"].split(":")[1] != str(killed["pid"])
