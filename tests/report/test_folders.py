"""Other people's folders: no writing entry point deletes, overwrites or writes through a link (issue 24)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import numpy as np
import pytest

from neurocompare.cli import main
from neurocompare.demo import XOR_INPUTS, xor_circuit
from neurocompare.errors import ReportError
from neurocompare.report import write_report
from neurocompare.report.folders import MARKER, claim_folder, folder_kind, replace_folder
from neurocompare.scenarios import run_scenario

LOST = "holds files neurocompare did not write"


@pytest.fixture
def mine(tmp_path):
    """A folder of the user's own: the reproducer of the data loss."""
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "important.txt").write_text("keep")
    return folder


def _intact(folder: Path) -> None:
    assert sorted(p.name for p in folder.iterdir()) == ["important.txt"]
    assert (folder / "important.txt").read_text() == "keep"


def _one_line_error(capsys, *parts: str) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and err.startswith("neurocompare: error: "), err
    for part in parts:
        assert part in err, err
    return err


@pytest.fixture
def no_simulation(monkeypatch):
    """Refusals happen before anything simulates: a simulation here fails the test."""
    from neurocompare import compare as compare_module

    def fail(*args, **kwargs):
        raise AssertionError("simulated although the output folder is refused")

    monkeypatch.setattr(compare_module, "compare", fail)


# ----------------------------------------------------------------------------- every writing entry point
def test_run_refuses_a_foreign_folder_before_simulating(mine, capsys, no_simulation):
    assert main(["run", "demo", "--quick", "--out", str(mine), "--no-progress"]) == 2
    _one_line_error(capsys, repr(str(mine)), LOST, "'important.txt'")
    _intact(mine)


def test_run_all_refuses_a_foreign_sub_folder_before_any_scenario_runs(tmp_path, capsys, no_simulation):
    out = tmp_path / "all"
    (out / "logic_gates").mkdir(parents=True)
    (out / "logic_gates" / "important.txt").write_text("keep")
    (out / "notes.txt").write_text("mine too")  # the --all folder itself may hold the user's files
    assert main(["run", "--all", "--quick", "--out", str(out), "--no-progress", "--jobs", "1"]) == 2
    _one_line_error(capsys, LOST, "logic_gates")
    _intact(out / "logic_gates")
    assert (out / "notes.txt").read_text() == "mine too"


def test_compare_refuses_a_foreign_folder_before_simulating(mine, tmp_path, capsys, no_simulation):
    xor_circuit().save(tmp_path / "c.json")
    np.save(tmp_path / "x.npy", XOR_INPUTS)
    assert main(["compare", str(tmp_path / "c.json"), "--inputs", str(tmp_path / "x.npy"), "--out", str(mine)]) == 2
    _one_line_error(capsys, LOST)
    _intact(mine)


def test_report_refuses_a_folder_that_is_not_a_report(mine, capsys):
    assert main(["report", str(mine)]) == 2
    _one_line_error(capsys, "has no saved results")
    _intact(mine)


def test_sweep_refuses_a_foreign_folder(mine, capsys):
    assert main(["sweep", "demo", "--param", "duration_ms=10", "--workers", "0", "--out", str(mine),
                 "--no-progress"]) == 2
    _one_line_error(capsys, LOST)
    _intact(mine)


def test_python_api_writers_refuse_a_foreign_folder(mine, comparison, no_simulation):
    with pytest.raises(ReportError, match=LOST):
        write_report(comparison, mine)
    with pytest.raises(ReportError, match=LOST):
        run_scenario("demo", out_dir=mine, quick=True)
    _intact(mine)


# ----------------------------------------------------------------------------- what may be written
@pytest.mark.slow
def test_new_empty_and_earlier_reports_are_written(tmp_path, comparison):
    empty = tmp_path / "empty"
    empty.mkdir()
    for out in (tmp_path / "new" / "deeper", empty):
        write_report(comparison, out)
        assert (out / "report.html").is_file() and folder_kind(out) == "report"
    (empty / "figures" / "stale.png").write_bytes(b"old")  # an earlier report's file: replaced, not merged
    write_report(comparison, empty)
    assert not (empty / "figures" / "stale.png").exists()


@pytest.mark.slow
def test_a_report_written_before_markers_is_replaced(tmp_path, comparison):
    out = write_report(comparison, tmp_path / "old")
    (out / MARKER).unlink()  # as neurocompare 0.1 wrote it
    assert folder_kind(out) == "report"
    write_report(comparison, out)
    assert (out / MARKER).is_file()
    (out / MARKER).unlink()
    (out / "notes.txt").write_text("a user's file in an old report")
    with pytest.raises(ReportError, match=LOST):
        write_report(comparison, out)


def test_a_report_never_replaces_a_sweep(tmp_path, comparison):
    sweep_dir = tmp_path / "s"
    sweep_dir.mkdir()
    (sweep_dir / MARKER).write_text(json.dumps({"neurocompare": "sweep"}))
    (sweep_dir / "results.csv").write_text("hours of work")
    with pytest.raises(ReportError, match="holds a neurocompare sweep, which a report would overwrite"):
        write_report(comparison, sweep_dir)
    assert (sweep_dir / "results.csv").read_text() == "hours of work"


@pytest.mark.parametrize("spelling", [".", "..", "./", "sub/"])
@pytest.mark.slow
def test_dot_dotdot_and_trailing_slash_follow_the_rule(spelling, tmp_path, monkeypatch, comparison):
    work = tmp_path / "a" / "sub"
    work.mkdir(parents=True)
    monkeypatch.chdir(work if spelling != "sub/" else work.parent)
    target = {".": work, "./": work, "..": work.parent, "sub/": work}[spelling]
    if spelling == "..":  # holds 'sub': refused, nothing touched
        with pytest.raises(ReportError, match=LOST):
            write_report(comparison, spelling)
        assert sorted(p.name for p in target.iterdir()) == ["sub"]
        return
    write_report(comparison, spelling)  # empty: written in place (the shell's folder stays)
    assert (target / "report.html").is_file() and Path.cwd().exists()
    write_report(comparison, spelling)  # and replaced as an earlier report
    assert (target / "report.html").is_file()


def test_root_and_a_home_folder_are_refused(tmp_path):
    with pytest.raises(ReportError, match=LOST):
        claim_folder("/", "report")
    home = tmp_path / "home"
    (home / "Documents").mkdir(parents=True)
    with pytest.raises(ReportError, match=r"'Documents'"):
        claim_folder(home, "report")


@pytest.mark.slow
def test_a_symlinked_folder_is_written_through_and_stays_a_link(tmp_path, comparison):
    real = tmp_path / "real"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    write_report(comparison, link)
    write_report(comparison, link)
    assert link.is_symlink() and (real / "report.html").is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["link", "real"]  # no hidden leftovers beside it
    (real / "important.txt").write_text("keep")
    with pytest.raises(ReportError, match=LOST):
        write_report(comparison, link)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    with pytest.raises(ReportError, match="does not exist; neurocompare does not create folders through a link"):
        write_report(comparison, dangling)
    assert not (tmp_path / "nowhere").exists()


def test_a_file_is_refused(tmp_path, comparison):
    (tmp_path / "f").write_text("x")
    with pytest.raises(ReportError, match="exists and is not a folder"):
        write_report(comparison, tmp_path / "f")


@pytest.mark.slow
def test_leftovers_of_a_killed_write_are_removed_by_the_next(tmp_path, comparison):
    out = write_report(comparison, tmp_path / "r")
    dead = 2 ** 22 + 12345  # above the default pid_max: no such process
    (out / f".neurocompare-new-{dead}-abcd1234").mkdir()
    (out / f".neurocompare-new-{dead}-abcd1234" / "metrics.json").write_text("{}")
    (out / f".neurocompare-old-{dead}-abcd1234").mkdir()
    live = out / f".neurocompare-new-{os.getpid()}-zzzz9999"  # a write under way in a live process is left alone
    live.mkdir()
    legacy = tmp_path / ".r.tmp-k2j4h5g6"  # what versions before the rule left beside the folder
    legacy.mkdir()
    (legacy / "metrics.json").write_text("{}")
    (tmp_path / ".r.old-4242").symlink_to(out)
    write_report(comparison, out)
    hidden = sorted(p.name for p in out.iterdir() if p.name.startswith(".neurocompare-"))
    assert hidden == [".neurocompare-new-" + f"{os.getpid()}-zzzz9999", ".neurocompare-output"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r"]


def test_a_failed_write_into_a_new_folder_leaves_nothing(tmp_path):
    out = tmp_path / "new"
    with pytest.raises(RuntimeError):
        with replace_folder(out) as tmp:
            (tmp / "half.txt").write_text("x")
            raise RuntimeError("boom")
    assert not out.exists()


@pytest.mark.slow
def test_a_full_disk_names_the_folder_and_keeps_the_old_report(tmp_path, comparison, monkeypatch):
    out = write_report(comparison, tmp_path / "r")
    before = (out / "report.html").read_bytes()
    import neurocompare.report.writing as writing

    def full(path, text):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writing, "_write_text", full)
    with pytest.raises(ReportError, match=r"Output folder '.*/r': cannot be written: No space left on device"):
        write_report(comparison, out)
    assert (out / "report.html").read_bytes() == before


def test_report_md_shows_html_of_a_description_as_text(tmp_path, comparison):
    import dataclasses

    circuit = dataclasses.replace(comparison.circuit, description="<script>alert(1)</script> & co")
    out = write_report(dataclasses.replace(comparison, circuit=circuit), tmp_path / "r")
    md = (out / "report.md").read_text()
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in md and "<script>" not in md
