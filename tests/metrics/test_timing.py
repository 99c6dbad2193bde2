"""Timing: ISI CV, first-spike latency, decoding over time, settle times, step activity."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neurocompare import NoSpikesWarning
from neurocompare.errors import InputError
from neurocompare.metrics import (
    agreement_curve,
    decoded_at_times,
    first_spike_latency_ms,
    isi_cv,
    settle_times_ms,
    step_activity,
    time_to_agreement_ms,
)
from neurocompare.metrics.timing import convergence, settled_fraction

from .conftest import trains


def test_isi_cv_regular_is_zero_and_alternating_is_known():
    regular = trains("p", 1, 2, [(0, 0, t) for t in np.arange(5, 100, 10.0)] + [(0, 1, t) for t in (1, 3, 5, 7)])
    assert isi_cv([regular]) == pytest.approx(0.0, abs=1e-12)
    # a clockwork train on a 0.1 ms grid, its times as a simulator computes them (k * dt, float noise): exactly 0,
    # not 1.8e-16 (the table read "ISI CV 1.78e-16")
    grid = trains("p", 1, 1, [(0, 0, k * 0.1) for k in range(3, 600, 97)])
    assert np.std(np.diff(np.sort(grid.time_ms))) > 0 and isi_cv([grid]) == 0.0
    # ISIs alternate 2 and 6 ms: mean 4, sd 2 -> CV 0.5
    alt = trains("p", 1, 1, [(0, 0, t) for t in (0, 2, 8, 10, 16, 18, 24)])
    assert isi_cv([alt]) == pytest.approx(0.5)
    with pytest.warns(NoSpikesWarning, match="3 or more spikes"):
        assert math.isnan(isi_cv([trains("p", 1, 1, [(0, 0, 5.0)])]))


def test_first_spike_latency_and_empty_trains():
    tr = trains("o", 2, 2, [(0, 0, 3.0), (0, 0, 9.0), (1, 1, 7.0), (0, 1, 5.0)])
    assert first_spike_latency_ms(tr) == 5.0  # per sample the earliest spike: 3 and 7
    np.testing.assert_array_equal(tr.first_spike_ms(), [[3.0, 5.0], [np.nan, 7.0]])
    with pytest.warns(NoSpikesWarning, match="never fired"):
        assert math.isnan(first_spike_latency_ms(trains("o", 1, 1, [])))


def test_first_spike_latency_is_per_sample_not_per_neuron():
    # 3 samples: the earliest spikes are 2, 4, 6 ms; the late losers (20, 30, 40 ms) must not pull the median
    tr = trains("o", 3, 2, [(0, 0, 2.0), (0, 1, 20.0), (1, 1, 4.0), (1, 0, 30.0), (2, 0, 6.0), (2, 1, 40.0)])
    assert first_spike_latency_ms(tr) == 4.0  # per (sample, neuron) the median would be 13 ms
    silent_sample = trains("o", 3, 1, [(0, 0, 2.0), (2, 0, 8.0)])
    assert first_spike_latency_ms(silent_sample) == 5.0  # the silent sample 1 is left out


def test_decoding_prefixes_and_settle_times():
    # sample 0: neuron 1 fires at 10, 20, 30 ms; neuron 0 fires at 5 ms only. sample 1: neuron 0 at 50 ms
    tr = trains("o", 2, 2, [(0, 1, 10.0), (0, 1, 20.0), (0, 1, 30.0), (0, 0, 5.0), (1, 0, 50.0)])
    t = np.array([6.0, 15.0, 40.0, 60.0])
    dec = decoded_at_times(tr, t, rate_scale_hz=1000.0)
    np.testing.assert_allclose(dec[:, 0, 1], [0, 1 / 15, 3 / 40, 3 / 60])
    np.testing.assert_allclose(dec[:, 1, 0], [0, 0, 0, 1 / 60])
    ref = np.array([[0.0, 1.0], [1.0, 0.0]])  # the artificial answer: neuron 1, then neuron 0
    # a tie (no spikes yet, or equal counts) is no answer, never class 0
    np.testing.assert_allclose(agreement_curve(tr, ref, t, rate_scale_hz=1000.0, mode="argmax"), [0, 0, 0.5, 1.0])
    settle = settle_times_ms(tr, ref, t, rate_scale_hz=1000.0, mode="argmax")
    np.testing.assert_allclose(settle, [40.0, 60.0])
    assert time_to_agreement_ms(settle, duration_ms=100.0) == 50.0


def test_time_to_agreement_counts_never_settled_samples_as_the_whole_run():
    assert time_to_agreement_ms(np.array([10.0, np.nan, np.nan]), duration_ms=80.0) == 80.0
    assert time_to_agreement_ms(np.array([10.0, 20.0, np.nan]), duration_ms=80.0) == 20.0
    with pytest.raises(InputError, match="settle_ms is empty"):
        time_to_agreement_ms(np.array([]), duration_ms=80.0)


def test_step_activity_counts_events_per_step():
    a = trains("a", 1, 3, [(0, 0, 1.0), (0, 1, 1.0), (0, 2, 2.0)])
    act = step_activity([a], n_neurons=3, n_steps=10, dt_ms=1.0)
    assert act["neurons_per_active_step"] == 1.5 and act["active_step_fraction"] == 0.2
    assert act["update_fraction"] == pytest.approx(3 / 30)


def test_step_activity_without_spikes_is_nan_with_a_warning_and_zero_fractions():
    with pytest.warns(NoSpikesWarning, match="step_activity: no spikes"):
        act = step_activity([trains("a", 1, 3, [])], n_neurons=3, n_steps=10, dt_ms=1.0)
    assert math.isnan(act["neurons_per_active_step"])
    assert act["active_step_fraction"] == 0.0 and act["update_fraction"] == 0.0


def test_settled_fraction_counts_the_samples_that_settle():
    assert settled_fraction(np.array([10.0, np.nan, np.nan, 30.0])) == 0.5
    assert settled_fraction(np.array([np.nan])) == 0.0
    with pytest.raises(InputError, match="settled_fraction: settle_ms is empty"):
        settled_fraction(np.array([]))


def test_convergence_reads_the_artificial_info():
    mixed = {"converged": False, "period": 2, "period_counts": {"1": 2, "2": 6}}
    assert convergence(mixed) == {"converged": 0.0, "converged_fraction": 0.25, "period": 2.0}
    moving = convergence({"converged": False, "period": None, "period_counts": {"1": 1, "none": 3}})
    assert moving["converged_fraction"] == 0.25 and math.isnan(moving["period"])
    assert convergence({"converged": True, "period": 1, "period_counts": {"1": 4}})["converged"] == 1.0
    # a side that does not step (a spiking backend as the "artificial" one): not measured, no warning
    assert all(math.isnan(v) for v in convergence({"backend": "spiking"}).values())
