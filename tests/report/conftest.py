"""A small real comparison (the XOR demo on Brian2's numpy target), computed once for the report tests."""

from __future__ import annotations

import pytest

from neurocompare import SpikingBackend
from neurocompare.compare import compare
from neurocompare.comparison import Comparison
from neurocompare.demo import XOR_INPUTS, xor_circuit


@pytest.fixture(scope="package")
def comparison() -> Comparison:
    spiking = SpikingBackend(encoding="regular", rate_scale_hz=100.0, duration_ms=100.0, target="numpy")
    return compare(xor_circuit(), XOR_INPUTS, spiking=spiking, seed=3, probes=("fi", "delays"))
