"""The onset type from how the sustained rate behaves as the drive approaches the rheobase (issue 26).

Synthetic trains with known rate laws stand in for the models here (the models themselves: test_neuron_models.py,
and NEST's trains through fi_profile in tests/models/test_nest_oracle.py): a saddle-node on a circle
(rate ~ sqrt(I - I_rh)), a LIF (rate ~ 1 / log), a jump to a fixed rate (Hopf), bursts, and a rate at the window's
floor. No rate line decides: the same laws scaled to any rate give the same answer.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from neurocompare.studies.neuron_fi import ONSET_STEPS, Onset, onset_from_trains, onset_steps

WINDOW_MS = 2000.0


def _regular(rate_hz: float) -> np.ndarray:
    return np.arange(1.0, WINDOW_MS, 1e3 / rate_hz) if rate_hz > 0 else np.array([])


def _onset(rate_law, scale=1.0, resolution=1e-4) -> Onset:
    steps = onset_steps(resolution)
    return onset_from_trains(steps, [_regular(scale * rate_law(s)) for s in steps], resolution=resolution,
                             duration_ms=WINDOW_MS)


@pytest.mark.parametrize("scale", [0.5, 1.0, 10.0])  # the answer does not depend on the rates' size
def test_laws_of_the_two_classes_and_the_lif(scale):
    snic = _onset(lambda s: 60.0 * math.sqrt(s), scale)
    lif = _onset(lambda s: 1e3 / (20.0 * math.log(1 + 1 / s)), scale)
    hopf = _onset(lambda s: 50.0 + 20.0 * s, scale)
    assert snic.kind == "I" and lif.kind == "I" and hopf.kind == "II", (snic, lif, hopf)
    assert lif.last_decade_fall == pytest.approx(1 - math.log(101) / math.log(1001), rel=0.02)  # 1 / log law
    assert hopf.lowest_rate_hz == pytest.approx(scale * 50.02, rel=0.01)


def test_the_evidence_names_the_rates_the_resolution_and_the_floor():
    text = _onset(lambda s: 60.0 * math.sqrt(s)).evidence()
    assert text.startswith("type I: the rate keeps falling toward 0") and "+0.1 % 1.9" in text
    assert "rheobase resolved to +0.01 %" in text and "the window shows rates down to 1 Hz" in text


def test_a_coarse_rheobase_probes_only_what_it_resolves():
    assert onset_steps(1e-4) == ONSET_STEPS and onset_steps(0.002) == (0.1, 0.03, 0.01)
    coarse = _onset(lambda s: 50.0, resolution=0.02)
    assert coarse.steps == (0.1,) and coarse.kind == "undecided"
    assert "resolved only to +2 %, too coarse for a tenfold approach" in coarse.evidence()


def test_bursts_a_rising_rate_and_the_floor_are_undecided_or_type_i():
    steps = onset_steps(1e-4)
    burst = np.sort(np.r_[np.arange(0, WINDOW_MS, 100.0), np.arange(2, WINDOW_MS, 100.0), np.arange(4, WINDOW_MS, 100.0)])
    bursts = onset_from_trains(steps, [burst] * len(steps), resolution=1e-4, duration_ms=WINDOW_MS)
    assert (bursts.kind, bursts.irregular) == ("undecided", "bursts")
    rises = onset_from_trains(steps, [_regular(r) for r in (20, 15, 12, 10, 14)], resolution=1e-4,
                              duration_ms=WINDOW_MS)
    assert (rises.kind, rises.irregular) == ("undecided", "rises")
    # below the window's floor at the finest steps, and staying there: toward 0
    gone = onset_from_trains(steps, [_regular(r) for r in (8, 4, 2, 0.5, 0.2)], resolution=1e-4,
                             duration_ms=WINDOW_MS)
    assert gone.kind == "I" and math.isnan(gone.rates_hz[-1]) and "below 1 Hz" in gone.evidence()
    back = onset_from_trains(steps, [_regular(r) for r in (8, 0.5, 3, 3, 3)], resolution=1e-4, duration_ms=WINDOW_MS)
    assert (back.kind, back.irregular) == ("undecided", "floor")
