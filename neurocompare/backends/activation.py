"""The real neuron's activation: its measured f-I curve in the circuit's units, as an artificial activation.

A neuron population of a circuit turns its drive ``x = sum_j w_j a_j + b`` (in circuit units: an input
``a_j = 1`` is a train at ``rate_scale_hz``, drive 1.0 is the calibrated current of
:mod:`neurocompare.backends.calibration`) into a firing rate. In units of the rate scale that rate is the
function the spiking neuron computes::

    f(x) = rate(x) / rate_scale_hz

measured here for the neuron started from rest under the constant drive ``x`` (the current ``x * I_1`` for
the calibrated models, ``x * rate_scale_hz`` threshold gaps per second for the LIF family), as the spike count
over :data:`~neurocompare.backends.calibration.WINDOW_MS` on the reference simulator at the run's dt (the
calibration's own measurement, :func:`~neurocompare.backends.calibration.rates_at`), on :data:`DRIVES`.
So for the conversion's integrate-and-fire neuron ``f(x) = max(0, x)`` (ReLU: the conversion's premise); for
a LIF it is the LIF rate formula (rheobase 1 / (tau_m rate_scale), ceiling 1 / t_ref); for Hodgkin-Huxley a
jump at rheobase, a ceiling of ~123 Hz and silence (depolarisation block) past drive ~1.2.

``smooth=sigma`` averages the curve over Gaussian drive noise of standard deviation ``sigma`` (drive units):
``f_sigma(x) = E[f(x + sigma xi)]``, ``xi ~ N(0, 1)`` (401-point quadrature over +-5 sd, ``f`` linear between the
measured drives), the f-I curve of a
neuron whose input fluctuates - what a spike-driven neuron sees - and an activation with finite slopes at
a type II jump, which gradient training needs (Hunsberger & Eliasmith 2015 smooth the LIF curve for the same
reason). It preserves monotonicity.

The result is a :class:`~neurocompare.activations.TabulatedActivation` named
``"fi:MODEL@RATEHz,dt=DTms[,smooth=SIGMA]"``: a circuit file stores that name, and loading it measures the
curve again (or takes it from a cache: memory, then ``activations.json`` beside the calibration cache, then the
package's own ``activations.json``, the bundled scenarios' activations).
"""

from __future__ import annotations

import functools
import json
import math
from typing import Any

import numpy as np

from ..activations import TabulatedActivation, register_activation_family
from ..errors import ParameterError
from ..models import neuron_to_dict
from .calibration import WINDOW_MS, drive_current, load_disk, rates_at, shipped, store_disk
from .fi_names import DEFAULT_RATE_SCALE_HZ, _model_name, _parse, _spec_of, activation_mismatch, activation_name

__all__ = ["measured_activation", "activation_name", "activation_mismatch", "DRIVES", "DEFAULT_RATE_SCALE_HZ"]

#: The drives the curve is measured at: below 0, dense near 0 (where the onset is), every 0.025 up to 4, every
#: 0.1 up to 8; beyond 8 the activation holds its last value.
DRIVES = np.unique(np.concatenate([[-1.0, -0.5, -0.2], np.geomspace(1e-3, 0.2, 32), np.linspace(0.0, 4.0, 161),
                                   np.linspace(4.0, 8.0, 41)]))
_VERSION = 1
_FILE = "activations.json"
#: The smoothing's quadrature: 401 evenly spaced points over +-5 sd with normal weights (evenly spaced, so a jump of
#: the measured curve is resolved at any sd - Gauss-Hermite nodes are too far apart at the tails for that).
_NODES = np.linspace(-5.0, 5.0, 401)
_WEIGHTS = np.exp(-0.5 * _NODES ** 2)
_WEIGHTS = _WEIGHTS / _WEIGHTS.sum()


def _canonical(name: str) -> str:
    model, _, rate, dt, smooth = _parse(name)
    return activation_name(model, rate_scale_hz=rate, dt_ms=dt, smooth=smooth)


def _resolve(name: str) -> TabulatedActivation:
    _, spec, rate, dt, smooth = _parse(name)
    return measured_activation(spec, rate_scale_hz=rate, dt_ms=dt, smooth=smooth)


def _drive_per_unit(neuron: Any, rate_scale_hz: float, dt_ms: float) -> float:
    """The current (the model's unit, as :func:`rates_at` takes it) of drive 1.0."""
    return drive_current(neuron, rate_scale_hz=rate_scale_hz, dt_ms=dt_ms) if neuron.calibrated else rate_scale_hz


@functools.lru_cache(maxsize=64)
def _measured_rates(key: str) -> np.ndarray:
    """f at :data:`DRIVES` for the (neuron, rate scale, dt) in ``key``: from the disk cache, else shipped with the
    package (the bundled scenarios' activations, made by benchmarks/ship_calibrations.py), else measured."""
    for stored in (load_disk(_FILE).get(key), shipped(_FILE).get(key)):
        if isinstance(stored, list) and len(stored) == len(DRIVES):
            return np.asarray(stored, dtype=float)
    return measure_rates(key)


def measure_rates(key: str) -> np.ndarray:
    """f at :data:`DRIVES` for a cache key, measured now (and stored in the disk cache)."""
    k = json.loads(key)
    from ..models import neuron_from_dict

    neuron = neuron_from_dict(k["neuron"])
    currents = DRIVES * _drive_per_unit(neuron, k["rate_scale_hz"], k["dt_ms"])
    f = rates_at(neuron, currents, dt_ms=k["dt_ms"], duration_ms=WINDOW_MS) / k["rate_scale_hz"]
    store_disk(key, [float(v) for v in f], _FILE)
    return f


def measured_activation(neuron: Any, *, rate_scale_hz: float = DEFAULT_RATE_SCALE_HZ, dt_ms: float,
                        smooth: float = 0.0) -> TabulatedActivation:
    """The activation ``f(x) = rate(x) / rate_scale_hz`` of ``neuron`` (a spec, or a name such as
    ``"izhikevich:RS"`` or ``"if"``), measured at ``dt_ms`` (see the module docstring); cached.

    Its ``measured`` holds the raw points (drive, f) and ``x, y`` the (smoothed) curve through them. Named (so a
    circuit file can hold it) when the neuron is a preset or the integrate-and-fire neuron; a neuron with other
    parameters gets a descriptive name that a file cannot hold.
    """
    if isinstance(neuron, str):
        neuron = _spec_of(neuron)
    for what, value in (("rate_scale_hz", rate_scale_hz), ("dt_ms", dt_ms)):
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value > 0):
            raise ParameterError(f"measured_activation: {what} must be a finite number > 0; got {value!r}.")
    if not (isinstance(smooth, (int, float)) and math.isfinite(smooth) and smooth >= 0):
        raise ParameterError(f"measured_activation: smooth must be a finite number >= 0; got {smooth!r}.")
    key = json.dumps({"v": _VERSION, "neuron": neuron_to_dict(neuron), "rate_scale_hz": float(rate_scale_hz),
                      "dt_ms": float(dt_ms), "window_ms": WINDOW_MS,
                      "drives": len(DRIVES)}, sort_keys=True)
    if neuron.calibrated:  # its drive unit (cached): a model that cannot reach the rate scale says so every time
        drive_current(neuron, rate_scale_hz=rate_scale_hz, dt_ms=dt_ms)
    raw = _measured_rates(key)
    y = raw if not smooth else np.array([_WEIGHTS @ np.interp(x + smooth * _NODES, DRIVES, raw) for x in DRIVES])
    model = _model_name(neuron)
    name = activation_name(model, rate_scale_hz=rate_scale_hz, dt_ms=dt_ms, smooth=smooth) if model else \
        f"fi({neuron.label()}, {rate_scale_hz:g} Hz, dt {dt_ms:g} ms, smooth {smooth:g})"
    return TabulatedActivation(
        name, DRIVES, y, measured=(DRIVES, raw),
        description=f"{neuron.label()}: firing rate / {rate_scale_hz:g} Hz against the drive, from rest over "
                    f"{WINDOW_MS:g} ms at dt {dt_ms:g} ms (reference simulator)"
                    + (f", averaged over drive noise of sd {smooth:g}" if smooth else ""))


register_activation_family("fi", canonical=_canonical, resolve=_resolve)
