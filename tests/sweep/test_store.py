"""The sweep's record: nothing lost, nothing twice; resumed, retried; one sweep per folder."""

from __future__ import annotations

import pytest

from neurocompare.errors import ParameterError, ReportError
from neurocompare.sweep import RESULTS_FILE, sweep

from .helpers import read_rows, stable


@pytest.mark.slow
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


def test_a_sweep_writes_nothing_through_a_link(tmp_path, tiny_dir):
    """Resuming where results.csv is a link must not append to the link's target; a dangling .sweep.lock link
    must not create its target (issue 24)."""
    out, outside = tmp_path / "out", tmp_path / "outside.csv"
    params = {"rate": [0.3]}
    sweep("tiny", params=params, workers=0, out_dir=out, extra_dirs=[tiny_dir])
    outside.write_text((out / RESULTS_FILE).read_text())
    before = outside.read_text()
    (out / RESULTS_FILE).unlink()
    (out / RESULTS_FILE).symlink_to(outside)
    with pytest.raises(ReportError, match="is a symbolic link"):
        sweep("tiny", params={"rate": [0.3, 0.6]}, workers=0, out_dir=out, extra_dirs=[tiny_dir])
    assert outside.read_text() == before
    (out / RESULTS_FILE).unlink()
    (out / ".sweep.lock").unlink()
    (out / ".sweep.lock").symlink_to(tmp_path / "created-by-the-lock")
    with pytest.raises(ReportError, match="is a symbolic link"):
        sweep("tiny", params=params, workers=0, out_dir=out, extra_dirs=[tiny_dir])
    assert not (tmp_path / "created-by-the-lock").exists()


def test_a_sweep_keeps_to_an_empty_or_its_own_folder(tmp_path, tiny_dir):
    mine = tmp_path / "mine"
    mine.mkdir()
    (mine / "sweep.html").write_text("my page")
    with pytest.raises(ReportError, match=r"holds files neurocompare did not write \('sweep.html'\)"):
        sweep("tiny", params={"rate": [0.3]}, workers=0, out_dir=mine, extra_dirs=[tiny_dir])
    assert sorted(p.name for p in mine.iterdir()) == ["sweep.html"]
    (mine / "sweep.html").unlink()
    res = sweep("tiny", params={"rate": [0.3]}, workers=0, out_dir=mine, extra_dirs=[tiny_dir])
    assert res.ran == 1 and (mine / ".neurocompare-output").is_file()
    (mine / "figures" / "notes.txt").write_text("mine")  # figures/ is replaced: only if it holds figures
    with pytest.raises(ReportError, match="notes.txt"):
        sweep("tiny", params={"rate": [0.3]}, workers=0, out_dir=mine, extra_dirs=[tiny_dir])
    assert (mine / "figures" / "notes.txt").read_text() == "mine"
