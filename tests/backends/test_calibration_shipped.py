"""The calibrations shipped with the package are what the calibration measures now, and they are used."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from neurocompare.backends import calibration
from neurocompare.models import neuron_from_dict, neuron_from_name

SHIPPED = calibration.shipped()


def test_the_package_ships_the_calibrations_of_the_bundled_scenarios():
    models = {json.loads(k)["neuron"]["model"] for k in SHIPPED}
    assert len(SHIPPED) >= 14 and models == {"izhikevich", "adex", "hodgkin_huxley"}
    assert all(json.loads(k)["v"] == calibration._VERSION for k in SHIPPED)  # a bumped version: ship them again


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(SHIPPED), ids=lambda k: "{model} {rate_scale_hz:g} Hz dt {dt_ms:g}".format(
    model=json.loads(k)["neuron"]["model"], **json.loads(k)))
def test_every_shipped_calibration_is_measured_again_exactly(key):
    spec = json.loads(key)
    neuron = neuron_from_dict(spec["neuron"])
    assert calibration._key(neuron, spec["rate_scale_hz"], spec["dt_ms"]) == key
    again = calibration.measure(neuron, rate_scale_hz=spec["rate_scale_hz"], dt_ms=spec["dt_ms"])
    assert asdict(again) == SHIPPED[key]


def test_a_shipped_calibration_is_used_without_measuring(monkeypatch, tmp_path):
    monkeypatch.setenv("NEUROCOMPARE_CACHE_DIR", str(tmp_path))  # an empty user cache
    monkeypatch.setattr(calibration, "_MEMORY", {})
    monkeypatch.setattr(calibration, "measure", lambda *a, **k: pytest.fail("measured a shipped calibration"))
    neuron = neuron_from_name("izhikevich:RS")
    key = calibration._key(neuron, 100.0, 0.025)
    assert key in SHIPPED
    assert asdict(calibration.calibrate(neuron, rate_scale_hz=100.0, dt_ms=0.025)) == SHIPPED[key]
