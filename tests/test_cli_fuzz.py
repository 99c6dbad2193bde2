"""Fuzzing the command line: random argument lists either work or fail with one clear line."""

from __future__ import annotations

import io
import contextlib

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import neurocompare.scenarios as scenario_module
from neurocompare.cli import main

WORDS = st.sampled_from(
    ["list", "run", "report", "demo", "single_neuron", "nope", "--all", "--quick", "--seed", "--out", "--set",
     "--help", "--version", "--no-progress", "--scenarios", "-v", "duration_ms=5", "duration_ms=x", "encoding=morse",
     "rate_scale_hz=-1", "=", "a=b", "-1", "0", "7", "/nonexistent/dir", "..", "", "\x00", "über"]
)
ARGV = st.lists(st.one_of(WORDS, st.text(max_size=12)), max_size=6)


@settings(max_examples=200, deadline=None, database=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(argv=ARGV)
def test_random_command_lines_never_trace_back(argv, monkeypatch, tmp_path):
    calls = []
    # no simulation inside the fuzz loop: record what would run instead
    monkeypatch.setattr(scenario_module, "run_scenario", lambda name, **kw: calls.append((name, kw)))
    monkeypatch.chdir(tmp_path)
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main(argv)
        except SystemExit as exc:  # argparse: --help, --version, usage errors
            code = exc.code
    text = err.getvalue()
    assert "Traceback" not in text
    assert code in (0, 2, None), (argv, code, text)
    if code == 2:
        assert len(text.strip().splitlines()) == 1, (argv, text)
        assert text.startswith("neurocompare"), text
