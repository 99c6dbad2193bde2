"""The plan of a sweep: the grid, its tasks and their seeds (nothing runs)."""

from __future__ import annotations

import re

import pytest

from neurocompare.errors import ParameterError
from neurocompare.sweep import plan_sweep, task_seed


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


def test_quick_fills_in_the_quick_values_and_swept_values_win(tiny_dir):
    _, (task,) = plan_sweep("tiny", params={"rate": [0.5]}, quick=True, extra_dirs=[tiny_dir])
    assert task.options["duration_ms"] == 20.0  # the scenario's QUICK value
    _, tasks = plan_sweep("tiny", params={"duration_ms": [10, 30]}, quick=True, extra_dirs=[tiny_dir])
    assert [t.options["duration_ms"] for t in tasks] == [10.0, 30.0]
    _, (full,) = plan_sweep("tiny", params={"rate": [0.5]}, extra_dirs=[tiny_dir])
    assert full.options["duration_ms"] == 50.0 and full.task_id != task.task_id


def test_task_seeds_depend_on_sweep_seed_replicate_and_options_only():
    opts = {"rate": 0.5, "name": "x", "flags": (1, 2)}
    s = task_seed(0, 1, opts)
    assert s == task_seed(0, 1, dict(reversed(opts.items())))  # key order does not matter
    assert 0 <= s < 2**32
    assert len({s, task_seed(1, 1, opts), task_seed(0, 0, opts), task_seed(0, 1, {**opts, "rate": 0.25})}) == 4
    assert task_seed(0, 1, opts, paired=True) == task_seed(0, 1, {"other": 1}, paired=True)
    # Pinned: the derivation is part of the results' provenance and must not drift.
    assert task_seed(0, 0, {"duration_ms": 10.0}) == 3222937899
    assert task_seed(0, 0, {}, paired=True) == 2968811710
