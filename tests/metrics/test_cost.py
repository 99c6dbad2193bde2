"""Cost: synaptic events, MACs and the energy model against hand counts."""

from __future__ import annotations

import numpy as np
import pytest

from neurocompare import Result
from neurocompare.metrics import HOROWITZ_45NM, EnergyModel, dense_macs, energy_pj, nonzero_macs, synaptic_events

from .conftest import tiny_circuit, trains


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
    assert nonzero_macs(c) == 3 + 2 and nonzero_macs(c, steps=10) == 50  # the zero count x0 -> h1 costs nothing
    e = energy_pj(EnergyModel(mac_pj=4.6, add_pj=0.9, sram_read_pj=5.0), events=hand, macs=6)
    assert e == {"snn_pj": pytest.approx(hand * 0.9), "ann_pj": pytest.approx(6 * 4.6)}
    em = energy_pj(EnergyModel(), events=hand, macs=6, neuron_updates=30, weight_reads=True)
    assert em["snn_pj"] == pytest.approx(hand * (0.9 + 5.0) + 30 * (0.9 + 10.0))
    assert em["ann_pj"] == pytest.approx(6 * (4.6 + 5.0))


def test_default_energy_model_states_its_source():
    assert HOROWITZ_45NM == EnergyModel()
    assert "Horowitz" in HOROWITZ_45NM.source and HOROWITZ_45NM.mac_pj == pytest.approx(3.7 + 0.9)
