"""Each metric on hand-built data with a known answer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neurocompare import Circuit, InputPopulation, NeuronPopulation, NoSpikesWarning, Projection, Result, SpikeTrains
from neurocompare.errors import UnknownNameError
from neurocompare.metrics import (
    METRICS,
    agreement_curve,
    bits_needed,
    compute_metrics,
    decoded_at_times,
    dense_macs,
    energy_pj,
    EnergyModel,
    first_spike_latency_ms,
    fit_activation,
    isi_cv,
    memory_bytes,
    normalized_rmse,
    output_agreement,
    pearson_r,
    rounding_error,
    settle_times_ms,
    step_activity,
    synaptic_events,
)


def trains(pop, batch, size, spikes, duration=100.0):
    """spikes: list of (sample, neuron, time_ms)."""
    arr = np.array(spikes, dtype=float).reshape(-1, 3)
    order = np.argsort(arr[:, 2], kind="stable")
    arr = arr[order]
    return SpikeTrains(pop, batch, size, arr[:, 0].astype(int), arr[:, 1].astype(int), arr[:, 2], duration)


def test_identical_outputs_agree_fully_and_opposite_ones_never():
    a = np.array([[0.1, 0.9], [0.8, 0.2], [0.3, 0.4]])
    assert output_agreement(a, a.copy(), mode="argmax") == 1.0
    assert output_agreement(a, a[:, ::-1], mode="argmax") == 0.0
    silent = np.zeros((3, 2))
    assert output_agreement(silent, a, mode="argmax") == 0.0  # silence is no answer
    t = np.array([[0.0], [1.0], [0.6], [0.4]])
    assert output_agreement(t, np.array([[0.0], [1.0], [1.0], [1.0]]), mode="threshold", threshold=0.5) == 0.75
    with pytest.raises(UnknownNameError, match="valid: argmax, threshold"):
        output_agreement(a, a, mode="softmax")


def test_correlation_and_nrmse_known_values():
    x = np.arange(10.0)
    assert pearson_r(x, 2 * x + 1) == pytest.approx(1.0)
    assert pearson_r(x, -x) == pytest.approx(-1.0)
    assert normalized_rmse(x, x) == 0.0
    assert normalized_rmse(x + 0.9, x) == pytest.approx(0.1)  # RMSE 0.9 / range 9
    with pytest.warns(NoSpikesWarning, match="constant"):
        assert math.isnan(pearson_r(np.zeros(5), x[:5]))
    with pytest.warns(NoSpikesWarning):
        assert math.isnan(normalized_rmse(x[:3], np.ones(3)))


def test_isi_cv_regular_is_zero_and_alternating_is_known():
    regular = trains("p", 1, 2, [(0, 0, t) for t in np.arange(5, 100, 10.0)] + [(0, 1, t) for t in (1, 3, 5, 7)])
    assert isi_cv([regular]) == pytest.approx(0.0, abs=1e-12)
    # ISIs alternate 2 and 6 ms: mean 4, sd 2 -> CV 0.5
    alt = trains("p", 1, 1, [(0, 0, t) for t in (0, 2, 8, 10, 16, 18, 24)])
    assert isi_cv([alt]) == pytest.approx(0.5)
    with pytest.warns(NoSpikesWarning, match="3 or more spikes"):
        assert math.isnan(isi_cv([trains("p", 1, 1, [(0, 0, 5.0)])]))


def test_first_spike_latency_and_empty_trains():
    tr = trains("o", 2, 2, [(0, 0, 3.0), (0, 0, 9.0), (1, 1, 7.0), (0, 1, 5.0)])
    assert first_spike_latency_ms(tr) == 5.0  # median of 3, 5, 7
    np.testing.assert_array_equal(tr.first_spike_ms(), [[3.0, 5.0], [np.nan, 7.0]])
    with pytest.warns(NoSpikesWarning, match="never fired"):
        assert math.isnan(first_spike_latency_ms(trains("o", 1, 1, [])))


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


def test_step_activity_counts_events_per_step():
    a = trains("a", 1, 3, [(0, 0, 1.0), (0, 1, 1.0), (0, 2, 2.0)])
    act = step_activity([a], n_neurons=3, n_steps=10, dt_ms=1.0)
    assert act["neurons_per_active_step"] == 1.5 and act["active_step_fraction"] == 0.2
    assert act["update_fraction"] == pytest.approx(3 / 30)


def tiny_circuit():
    return Circuit(
        "tiny",
        inputs=[InputPopulation("x", 2)],
        populations=[NeuronPopulation("h", 2), NeuronPopulation("o", 1)],
        projections=[
            Projection("x", "h", counts=[[3, 0], [-2, 1]], unit_weight=0.1),
            Projection("h", "o", counts=[[5, -4]], unit_weight=0.1),
        ],
    )


def test_operation_counts_equal_hand_counts():
    c = tiny_circuit()
    # known spikes: x0 fires 2x, x1 3x; h0 4x, h1 1x; o 2x (o projects nowhere)
    spikes = {
        "x": trains("x", 1, 2, [(0, 0, 1.0), (0, 0, 2.0), (0, 1, 1.0), (0, 1, 2.0), (0, 1, 3.0)]),
        "h": trains("h", 1, 2, [(0, 0, 2.0), (0, 0, 4.0), (0, 0, 6.0), (0, 0, 8.0), (0, 1, 5.0)]),
        "o": trains("o", 1, 1, [(0, 0, 7.0), (0, 0, 9.0)]),
    }
    res = Result("spiking", "tiny", 1, {k: np.zeros((1, v.size)) for k, v in spikes.items()}, spikes=spikes)
    # x0 has 3 + 2 outgoing synapses, x1 has 0 + 1; h0 has 5, h1 has 4
    hand = 2 * 5 + 3 * 1 + 4 * 5 + 1 * 4
    assert synaptic_events(c, res).tolist() == [hand]
    assert dense_macs(c) == 2 * 2 + 2 * 1 and dense_macs(c, steps=10) == 60
    e = energy_pj(EnergyModel(mac_pj=4.6, add_pj=0.9, sram_read_pj=5.0), events=hand, macs=6)
    assert e == {"snn_pj": pytest.approx(hand * 0.9), "ann_pj": pytest.approx(6 * 4.6)}
    em = energy_pj(EnergyModel(), events=hand, macs=6, neuron_updates=30, weight_reads=True)
    assert em["snn_pj"] == pytest.approx(hand * (0.9 + 5.0) + 30 * (0.9 + 10.0))
    assert em["ann_pj"] == pytest.approx(6 * (4.6 + 5.0))


@pytest.mark.parametrize("counts, bits", [([[0, 0]], 1), ([[1, 0]], 1), ([[3, 1]], 2), ([[4, -1]], 4),
                                          ([[31, 0]], 5), ([[-31, 0]], 6), ([[255]], 8)])
def test_bits_needed(counts, bits):
    assert bits_needed(np.array(counts)) == bits


def test_memory_and_rounding_error():
    c = tiny_circuit()
    mem = memory_bytes(c)
    assert mem["float32"] == 4 * 6
    assert mem["counts"] == (4 * 3 + 2 * 4) / 8  # x->h: 4 entries x 3 bits (|n|<=3, signed); h->o: 2 x 4 bits
    assert mem["synapse_list"] == 4 * c.n_synapses
    err = rounding_error(np.array([[1, 2]]), 0.5, np.array([[0.5, 1.2]]))
    assert err["max_abs"] == pytest.approx(0.2)
    assert err["relative"] == pytest.approx(0.2 / np.hypot(0.5, 1.2))


def test_fit_activation_recovers_a_relu():
    z = np.linspace(-1, 2, 31)
    y = 1.5 * np.maximum(z - 0.2, 0)
    params, rmse = fit_activation(z, y, "relu")
    np.testing.assert_allclose(params, [1.5, 0.2], atol=1e-6)
    assert rmse < 1e-8
    assert fit_activation(z, y, "sigmoid")[1] > 0.01  # a sigmoid cannot bend like that


def test_unknown_metric_lists_valid_names():
    with pytest.raises(UnknownNameError, match="valid: spikes_per_neuron, rate_correlation"):
        compute_metrics(object(), ["nope"])
    assert len(METRICS) >= 25
    assert all(s.row in ("amplitude coding", "timing", "nonlinearity", "wires", "weights", "cost")
               for s in METRICS.values())
