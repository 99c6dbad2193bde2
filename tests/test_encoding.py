"""Input encodings: statistics of the spike trains they emit."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from neurocompare import Latency, Poisson, Regular
from neurocompare.encoding import stream_seed

DT = 0.1


def test_poisson_counts_and_isis_with_fixed_seed():
    rate_hz, duration_ms, n = 40.0, 10_000.0, 20
    values = np.full((1, n), rate_hz / 100.0)
    tr = Poisson().encode("x", values, rate_scale_hz=100.0, duration_ms=duration_ms, dt_ms=DT, seed=2024)
    counts = tr.counts()[0]
    mean = rate_hz * duration_ms * 1e-3  # 400 spikes expected per channel
    sd = np.sqrt(mean)
    assert np.all(np.abs(counts - mean) <= 4 * sd)
    isis = np.concatenate([np.diff(tr.times(0, k)) for k in range(n)])
    # on the dt grid ISIs are geometric; compare with the exponential of the same mean, KS at 1%
    # (ISIs below 5 dt dropped from the test: the grid is visible there)
    long = isis[isis > 5 * DT] - 5 * DT
    assert stats.kstest(long, "expon", args=(0, 1e3 / rate_hz)).pvalue > 0.01
    assert np.all(np.diff(tr.time_ms) >= 0)


def test_poisson_sample_does_not_depend_on_its_batch():
    values = np.random.default_rng(0).uniform(0, 1, (4, 6))
    kw = dict(rate_scale_hz=200.0, duration_ms=200.0, dt_ms=DT, seed=9)
    whole = Poisson().encode("x", values, **kw)
    first = Poisson().encode("x", values[:1], **kw)
    np.testing.assert_array_equal(whole.select([0]).time_ms, first.time_ms)
    np.testing.assert_array_equal(whole.select([0]).neuron, first.neuron)
    other_pop = Poisson().encode("y", values[:1], **kw)
    assert not np.array_equal(other_pop.time_ms, first.time_ms)


def test_stream_seeds_are_stable_and_distinct():
    a = np.random.default_rng(stream_seed(1, "poisson", "x", 0)).integers(1 << 30, size=4)
    b = np.random.default_rng(stream_seed(1, "poisson", "x", 0)).integers(1 << 30, size=4)
    c = np.random.default_rng(stream_seed(1, "poisson", "x", 1)).integers(1 << 30, size=4)
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


@pytest.mark.parametrize("value", [0.05, 0.33, 0.5, 1.0])
def test_regular_trains_are_evenly_spaced(value):
    tr = Regular().encode("x", np.array([[value]]), rate_scale_hz=200.0, duration_ms=500.0, dt_ms=DT, seed=0)
    rate = value * 200.0
    assert tr.counts()[0, 0] == round(rate * 0.5)
    isi = np.diff(tr.times(0, 0))
    assert np.all(np.abs(isi - 1e3 / rate) <= DT + 1e-9)
    assert tr.times(0, 0)[0] == pytest.approx(np.floor(0.5 / rate * 1e4 + 1e-9) / 10)


def test_latency_code_times_and_decoding():
    values = np.array([[1.0, 0.75, 0.5, 0.0, -0.25]])
    enc = Latency(window_ms=20.0)
    tr = enc.encode("x", values, rate_scale_hz=1.0, duration_ms=30.0, dt_ms=DT, seed=0)
    first = tr.first_spike_ms()[0]
    np.testing.assert_allclose(first[[0, 1, 2, 4]], [0.0, 5.0, 10.0, 15.0], atol=1e-9)
    assert np.isnan(first[3]) and tr.counts().sum() == 4
    np.testing.assert_allclose(enc.decode(tr, values, rate_scale_hz=1.0), values, atol=DT / 20)
    assert tr.sign.tolist() == [1.0, 1.0, 1.0, -1.0]


def test_jittered_regular_trains_move_each_spike_by_at_most_the_jitter():
    values = np.array([[0.5, 1.0], [0.25, 0.0]])
    kw = dict(rate_scale_hz=100.0, duration_ms=1000.0, dt_ms=DT, seed=5)
    plain = Regular().encode("x", values, **kw)
    jit = Regular(jitter_ms=2.0).encode("x", values, **kw)
    again = Regular(jitter_ms=2.0).encode("x", values, **kw)
    np.testing.assert_array_equal(jit.time_ms, again.time_ms)  # seeded
    assert not Regular(jitter_ms=2.0).deterministic and Regular().deterministic
    for b, n in ((0, 0), (0, 1), (1, 0)):
        p, j = plain.times(b, n), jit.times(b, n)
        assert abs(len(p) - len(j)) <= 1  # only at the edges of the run
        m = min(len(p), len(j))
        d = j[1:m - 1] - p[1:m - 1]
        assert np.all(np.abs(d) <= 2.0 + DT) and np.std(d) > 0.5
    with pytest.raises(Exception, match="jitter_ms must be a finite number >= 0"):
        Regular(jitter_ms=-1.0)
