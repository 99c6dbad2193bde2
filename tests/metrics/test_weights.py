"""Weights: bits of the counts, memory, rounding error."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neurocompare import Circuit, NeuronPopulation
from neurocompare.metrics import bits_needed, count_bits, count_range, memory_bytes, rounding_error

from .conftest import tiny_circuit


@pytest.mark.parametrize("counts, bits", [([[0, 0]], 1), ([[1, 0]], 1), ([[3, 1]], 2), ([[4, -1]], 4),
                                          ([[31, 0]], 5), ([[-31, 0]], 6), ([[255]], 8)])
def test_bits_needed(counts, bits):
    assert bits_needed(np.array(counts)) == bits


def test_count_range_and_bits_of_a_circuit():
    c = tiny_circuit()  # counts 3, 0, -2, 1 and 5, -4
    assert count_range(c) == (-4, 5)
    assert count_bits(c) == 4  # |n| <= 5: 3 magnitude bits + sign
    alone = Circuit("alone", populations=[NeuronPopulation("n", 1)])
    assert count_range(alone) == (0, 0) and count_bits(alone) == 1


def test_memory_and_rounding_error():
    c = tiny_circuit()
    mem = memory_bytes(c)
    assert mem["float32"] == 4 * 6
    assert mem["counts"] == (4 * 3 + 2 * 4) / 8  # x->h: 4 entries x 3 bits (|n|<=3, signed); h->o: 2 x 4 bits
    assert mem["synapse_list"] == 4 * c.n_synapses
    err = rounding_error(np.array([[1, 2]]), 0.5, np.array([[0.5, 1.2]]))
    assert err["max_abs"] == pytest.approx(0.2)
    assert err["relative"] == pytest.approx(0.2 / np.hypot(0.5, 1.2))
    assert math.isnan(rounding_error(np.array([[1]]), 0.5, np.array([[0.0]]))["relative"])  # no scale
