"""progress=True: one tqdm.auto bar that advances through every run of a call; callables work as before."""

from __future__ import annotations

import io
import sys

import numpy as np
import pytest

pytest.importorskip("tqdm")

import neurocompare.progress as progress_module
from neurocompare import ReferenceBackend
from neurocompare.backends.reference import simulation as reference_simulation
from neurocompare.compare import compare
from neurocompare.errors import BackendError, ParameterError
from neurocompare.progress import StageBar
from neurocompare.studies.gates import XOR_INPUTS, xor_circuit


class FakeTqdm:
    """Records what a tqdm bar would show."""

    made: list["FakeTqdm"] = []

    def __init__(self, **options):
        self.options, self.n, self.positions, self.descriptions, self.closed = options, 0, [], [], False
        FakeTqdm.made.append(self)

    def update(self, k):
        self.n += k
        self.positions.append(self.n)

    def set_description_str(self, text, refresh=True):
        self.descriptions.append(text)

    def close(self):
        self.closed = True


@pytest.fixture
def fake_tqdm(monkeypatch):
    FakeTqdm.made = []
    monkeypatch.setattr(progress_module, "_tqdm", lambda: FakeTqdm)
    # report every 256 steps instead of every 0.5 s of wall time, so that short runs report too
    monkeypatch.setattr(reference_simulation, "_REPORT_PERIOD_S", 0.0)
    return FakeTqdm


def _spiking():
    return ReferenceBackend(duration_ms=200.0, dt_ms=0.1, encoding="regular", rate_scale_hz=100.0)


def test_compare_bar_advances_through_every_stage(fake_tqdm):
    c = compare(xor_circuit(), XOR_INPUTS, spiking=_spiking(), probes=("fi", "delays"), progress=True)
    assert c.metric("output_agreement") == 1.0
    (bar,) = fake_tqdm.made
    total = bar.options["total"]
    assert bar.positions == sorted(bar.positions) and bar.positions[-1] == total and bar.closed
    # within the first run (the spiking run is a third of the bar) the bar moved more than once
    assert len([p for p in bar.positions if 0 < p < total / 3]) >= 3
    assert len(set(bar.positions)) >= 8
    stages = [d.split(": ", 1)[1] for d in bar.descriptions]
    assert stages == ["spiking run", "f-I sweep", "delay variant", "done"]


def test_backend_run_with_a_bar_gives_the_same_result(fake_tqdm):
    plain = _spiking().run(xor_circuit(), XOR_INPUTS, seed=0)
    shown = _spiking().run(xor_circuit(), XOR_INPUTS, seed=0, progress=True)
    np.testing.assert_array_equal(plain["out"], shown["out"])
    (bar,) = fake_tqdm.made
    assert bar.positions[-1] == bar.options["total"] and bar.closed and len(set(bar.positions)) > 2
    assert bar.descriptions[0] == "ReferenceBackend: simulating"


def test_callables_work_as_before(monkeypatch):
    monkeypatch.setattr(reference_simulation, "_REPORT_PERIOD_S", 0.0)
    calls = []
    compare(xor_circuit(), XOR_INPUTS, spiking=_spiking(), probes=("fi",),
            progress=lambda stage, fraction, elapsed: calls.append((stage, fraction)))
    assert [s for s, _ in calls][0] == "spiking run" and calls[-1] == ("f-I sweep", 1.0)
    backend_calls = []
    _spiking().run(xor_circuit(), XOR_INPUTS, progress=lambda fraction, elapsed: backend_calls.append(fraction))
    assert backend_calls[-1] == 1.0 and len(backend_calls) > 2


def test_false_means_no_bar(fake_tqdm):
    compare(xor_circuit(), XOR_INPUTS, spiking=_spiking(), progress=False)
    _spiking().run(xor_circuit(), XOR_INPUTS, progress=False)
    assert fake_tqdm.made == []


def test_a_failing_call_closes_its_bar_unfilled(fake_tqdm, monkeypatch):
    backend = _spiking()

    def fail(*args, progress=None, **kwargs):
        progress(0.5, 0.1)
        raise KeyboardInterrupt

    monkeypatch.setattr(backend, "_simulate", fail)
    with pytest.raises(KeyboardInterrupt):
        compare(xor_circuit(), XOR_INPUTS, spiking=backend, progress=True)
    (bar,) = fake_tqdm.made
    assert bar.closed and 0 < bar.n < bar.options["total"]


@pytest.mark.parametrize("bad", ["yes", 1, 0.5])
def test_bad_progress_values_are_named(bad):
    with pytest.raises(ParameterError, match="progress must be True"):
        compare(xor_circuit(), XOR_INPUTS, spiking=_spiking(), progress=bad)
    with pytest.raises(ParameterError, match="progress must be True"):
        _spiking().run(xor_circuit(), XOR_INPUTS, progress=bad)


def test_without_tqdm_the_error_says_what_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "tqdm.auto", None)
    with pytest.raises(BackendError, match=r"neurocompare\[jupyter\]"):
        _spiking().run(xor_circuit(), XOR_INPUTS, progress=True)


def test_stage_bar_draws_text_in_a_terminal():
    out = io.StringIO()
    bar = StageBar("job", stages=2, file=out, mininterval=0)
    bar("first", 0.5, 0.1)
    bar("first", 1.0, 0.2)
    bar("second", 1.0, 0.3)
    bar("third", 1.0, 0.3)  # more runs than announced: the bar stays full
    bar.finish()
    bar.close()
    text = out.getvalue()
    assert "job: first:  25%" in text and "job: done: 100%" in text
