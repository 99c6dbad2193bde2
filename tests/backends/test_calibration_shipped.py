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


# ---------------------------------------------------------------------------- measured activations
import warnings  # noqa: E402

from neurocompare.backends import activation  # noqa: E402
from neurocompare.errors import CalibrationWarning  # noqa: E402

ACTIVATIONS = calibration.shipped("activations.json")


def test_the_package_ships_the_activations_of_the_digits_models():
    """The digits study's twins (six models at their steps) and the error budget's LIF twin at 0.05 ms."""
    names = {(json.loads(k)["neuron"]["model"], json.loads(k)["dt_ms"]) for k in ACTIVATIONS}
    assert {("lif", 0.1), ("adaptive_lif", 0.1), ("izhikevich", 0.025), ("adex", 0.025), ("hodgkin_huxley", 0.025),
            ("lif", 0.05)} <= names
    assert all(len(v) == len(activation.DRIVES) for v in ACTIVATIONS.values())


@pytest.mark.slow
@pytest.mark.parametrize("key", sorted(ACTIVATIONS), ids=lambda k: "{model} {rate_scale_hz:g} Hz dt {dt_ms:g}".format(
    model=json.loads(k)["neuron"]["model"], **json.loads(k)))
def test_every_shipped_activation_is_measured_again_exactly(key, monkeypatch, tmp_path):
    monkeypatch.setenv("NEUROCOMPARE_CACHE_DIR", str(tmp_path))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CalibrationWarning)  # Hodgkin-Huxley's ceiling, said where it runs
        assert activation.measure_rates(key).tolist() == ACTIVATIONS[key]


def test_a_shipped_activation_is_used_without_measuring(monkeypatch, tmp_path):
    monkeypatch.setenv("NEUROCOMPARE_CACHE_DIR", str(tmp_path))  # an empty user cache
    activation._measured_rates.cache_clear()
    monkeypatch.setattr(activation, "measure_rates", lambda key: pytest.fail("measured a shipped activation"))
    f = activation.measured_activation("izhikevich:RS", dt_ms=0.025)
    assert f.measured[1].tolist() == next(v for k, v in ACTIVATIONS.items()
                                          if json.loads(k)["neuron"]["model"] == "izhikevich"
                                          and json.loads(k)["dt_ms"] == 0.025)
    activation._measured_rates.cache_clear()
