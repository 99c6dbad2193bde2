"""A --quick sweep: quick gives the options' defaults, swept values always win."""

from __future__ import annotations

from neurocompare.sweep import sweep


def test_a_quick_sweep_over_duration_runs_each_duration(tmp_path, tiny_dir):
    res = sweep("tiny", params={"duration_ms": [10, 30]}, quick=True, workers=0, out_dir=tmp_path / "out",
                extra_dirs=[tiny_dir], report=False)
    assert [r["duration_ms"] for r in res.rows] == [10.0, 30.0]
    assert list(res.column("duration")) == [10.0, 30.0]  # what the scenario ran, not the QUICK value (20 ms)
