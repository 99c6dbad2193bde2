"""Sweep throughput: 1 vs 2 Dask worker processes (and serial), and identical rows on every engine.

The workload is CPU-bound: the built-in ``demo`` scenario (XOR, every comparison run of it in
Brian2's numpy target) over ``duration_ms`` x ``encoding`` x seeds, by default 16 tasks of about
2-4 s each. For each engine:

- ``serial``: ``workers=0``, in this process (after one warm-up task);
- ``K workers``: a ``LocalCluster`` of K worker processes, started and warmed up first (Brian2
  imported, each worker's first network built), then the sweep is timed through
  ``scheduler=ADDRESS``: the time is the sweep's, not the cluster's start-up (printed apart);
- with ``--end-to-end`` also ``sweep(workers=K)`` timed from the call to its return, cluster
  start-up included (what a user of ``neurocompare sweep --workers K`` waits).

Throughput is tasks per second of wall time; the speed-up is 2 workers over 1 worker. The rows of
all engines are compared (every column but ``wall_s`` and ``worker``): they must be identical.

Other processes compete for the cores on a shared machine: the script prints the load average
before each measurement and the CPU seconds used by other processes while it ran ("other CPU"),
so a disturbed measurement can be recognised. Run it on a quiet machine; ``--wait-quiet S`` waits
(up to S seconds) for other processes to go quiet before each timing, ``--repeat N`` keeps the
fastest of N timings.

Run:  .venv/bin/python benchmarks/sweep_speedup.py [--durations 500,1000] [--seeds 4] [--end-to-end]
      [--repeat N] [--wait-quiet S] [--json FILE]

This is a measurement script, not a test.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import psutil

from neurocompare.sweep import RESULTS_FILE, sweep

VOLATILE = ("wall_s", "worker")


def _cpu_busy_s() -> float:
    """Busy CPU seconds of the whole machine since boot (all cores)."""
    t = psutil.cpu_times()
    return t.user + t.nice + t.system + getattr(t, "irq", 0.0) + getattr(t, "softirq", 0.0)


def _own_cpu_s() -> float:
    """CPU seconds of this process and its children (the workers), living and reaped."""
    me = psutil.Process()
    total = sum(me.cpu_times()[:4])
    for child in me.children(recursive=True):
        try:
            total += sum(child.cpu_times()[:2])
        except psutil.NoSuchProcess:
            pass
    return total


class Meter:
    """Wall time, and the CPU time other processes took meanwhile."""

    def __enter__(self) -> "Meter":
        self.load = os.getloadavg()[0]
        self.busy0, self.own0, self.t0 = _cpu_busy_s(), _own_cpu_s(), time.perf_counter()
        return self

    def __exit__(self, *exc) -> None:
        self.wall = time.perf_counter() - self.t0
        self.other_cpu = max(0.0, (_cpu_busy_s() - self.busy0) - (_own_cpu_s() - self.own0))


def wait_quiet(max_wait_s: float, *, busy_below: float = 0.1, window_s: float = 5.0) -> float:
    """Wait until other processes use less than ``busy_below`` of the machine; returns the last busy fraction."""
    deadline = time.perf_counter() + max_wait_s
    while True:
        busy0, own0 = _cpu_busy_s(), _own_cpu_s()
        time.sleep(window_s)
        frac = max(0.0, (_cpu_busy_s() - busy0) - (_own_cpu_s() - own0)) / (window_s * psutil.cpu_count())
        if frac < busy_below or time.perf_counter() > deadline:
            return frac


def stable_rows(folder: Path) -> list[dict[str, str]]:
    rows = list(csv.DictReader((folder / RESULTS_FILE).read_text().splitlines()))
    return sorted(({k: v for k, v in r.items() if k not in VOLATILE} for r in rows), key=lambda r: r["task_id"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--durations", default="500,1000", help="demo duration_ms values (default 500,1000)")
    ap.add_argument("--seeds", type=int, default=4, help="replicates (default 4)")
    ap.add_argument("--workers", default="1,2", help="worker counts to time (default 1,2)")
    ap.add_argument("--no-serial", action="store_true", help="skip the serial run")
    ap.add_argument("--end-to-end", action="store_true", help="also time sweep(workers=K) with cluster start-up")
    ap.add_argument("--repeat", type=int, default=1, help="time each engine N times, report the fastest (default 1)")
    ap.add_argument("--wait-quiet", type=float, default=0.0, metavar="S",
                    help="before each timing, wait up to S seconds for other processes to go quiet")
    ap.add_argument("--json", metavar="FILE", help="write the numbers as JSON")
    args = ap.parse_args()

    from distributed import Client, LocalCluster

    params = {"duration_ms": [float(d) for d in args.durations.split(",")], "encoding": ["regular", "poisson"]}
    n_tasks = len(params["duration_ms"]) * 2 * args.seeds
    counts = [int(k) for k in args.workers.split(",")]
    print(f"machine: {psutil.cpu_count()} cores, Python {platform.python_version()}; workload: demo "
          f"{params} x {args.seeds} seeds = {n_tasks} tasks")
    results: dict[str, dict] = {}
    rows: dict[str, list] = {}

    def timed(name: str, run, out: Path, **extra) -> None:
        best = None
        for i in range(args.repeat):
            if args.wait_quiet:
                wait_quiet(args.wait_quiet)
            with Meter() as m:
                run(out / f"run{i}")
            if best is None or m.wall < best.wall:
                best = m
            rows.setdefault(name, stable_rows(out / f"run{i}"))
            assert stable_rows(out / f"run{i}") == rows[name], "repeats differ"
        results[name] = {"wall_s": best.wall, "load_before": best.load, "other_cpu_s": best.other_cpu, **extra}

    with tempfile.TemporaryDirectory(prefix="neurocompare-bench-") as tmp:
        tmp = Path(tmp)
        if not args.no_serial:
            sweep("demo", params={"duration_ms": [100.0]}, workers=0, out_dir=tmp / "warm-serial", report=False)
            timed("serial", lambda o: sweep("demo", params=params, seeds=args.seeds, workers=0, out_dir=o,
                                            report=False), tmp / "serial")
        for k in counts:
            name = f"{k} worker{'s' if k > 1 else ''}"
            t0 = time.perf_counter()
            with LocalCluster(n_workers=k, threads_per_worker=1, processes=True, host="127.0.0.1",
                              dashboard_address="127.0.0.1:0") as cluster, Client(cluster):
                # Warm-up: Brian2 imported by the plugin, one network built on every worker.
                sweep("demo", params={"duration_ms": [100.0]}, seeds=2 * k, scheduler=cluster.scheduler_address,
                      out_dir=tmp / f"warm-{k}", report=False)
                startup = time.perf_counter() - t0
                timed(name, lambda o: sweep("demo", params=params, seeds=args.seeds,
                                            scheduler=cluster.scheduler_address, out_dir=o, report=False),
                      tmp / f"k{k}", startup_and_warmup_s=startup)
            if args.end_to_end:
                timed(f"{name}, end to end", lambda o: sweep("demo", params=params, seeds=args.seeds, workers=k,
                                                             out_dir=o, report=False), tmp / f"e2e{k}")
    base = results.get("1 worker", {}).get("wall_s")
    print(f"\n{'engine':<24}{'wall s':>8}{'tasks/s':>9}{'speed-up':>10}{'load':>7}{'other CPU s':>13}")
    for name, r in results.items():
        r["tasks_per_s"] = n_tasks / r["wall_s"]
        r["speedup_vs_1_worker"] = base / r["wall_s"] if base else None
        speed = f"{r['speedup_vs_1_worker']:.2f}x" if base else "-"
        print(f"{name:<24}{r['wall_s']:>8.1f}{r['tasks_per_s']:>9.3f}{speed:>10}{r['load_before']:>7.2f}"
              f"{r['other_cpu_s']:>13.1f}")
    for name, r in results.items():
        if "startup_and_warmup_s" in r:
            print(f"({name}: cluster start-up and warm-up {r['startup_and_warmup_s']:.1f} s, not in the time above)")
    first = next(iter(rows.values()))
    identical = all(r == first for r in rows.values()) and len(first) == n_tasks
    print(f"\nrows identical on every engine ({', '.join(rows)}): {'yes' if identical else 'NO'} "
          f"({len(first)} rows compared on every column but {', '.join(VOLATILE)})")
    if args.json:
        Path(args.json).write_text(json.dumps({"tasks": n_tasks, "params": params, "seeds": args.seeds,
                                               "results": results, "identical_rows": identical}, indent=1))


if __name__ == "__main__":
    main()
