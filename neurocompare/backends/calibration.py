"""What drive 1.0 means for each neuron model: the calibration of the circuit's units onto a model's currents.

The circuit speaks in dimensionless units: a bias ``b`` is the current ``b * rate_scale_hz`` (1/s), a synapse of
weight ``w`` moves the membrane by ``w`` threshold gaps, an input value 1.0 is a train at ``rate_scale_hz``. For
the LIF family (:class:`~neurocompare.models.LIF`, :class:`~neurocompare.models.AdaptiveLIF`) those are the
model's own units: drive 1.0 is the current at which a non-leaky integrator with threshold 1 and no refractory
period fires at exactly ``rate_scale_hz`` (the ANN-conversion convention; leak and refractoriness make a LIF
fire slower, and that difference is measured, not calibrated away). Every number of a LIF circuit is today's.

The biophysical models (Izhikevich, AdEx, Hodgkin-Huxley; ``spec.calibrated``) have their own units (mV, pA,
uA/cm^2). For them drive 1.0 is the constant current ``I_1`` at which the model, started from rest, fires at
``rate_scale_hz`` (spike count over :data:`WINDOW_MS` / the window): the smallest such current, found on the
reference simulator at the run's dt (two batched sweeps of :data:`GRID` currents: a geometric one over seven
decades, then a linear one inside the bracket; relative precision ~5e-4), cached per (model, parameters,
rate_scale_hz, dt) in memory and on disk. Or it is the spec's ``drive_unit`` when that is set. Then

- a bias or analog input ``x`` is the current ``x * I_1``;
- a synapse of weight ``w`` carries the charge of the current ``I_1`` flowing for ``w / rate_scale_hz``: a
  presynaptic train at ``rate_scale_hz`` through weight ``w`` brings on average the current ``w * I_1``, as for
  the LIF (delta: a jump of ``w * potential_unit``; see :mod:`neurocompare.models.synapses` for the others);

both through one number, the model's **potential unit**: the membrane change (mV) one circuit unit of charge
makes, ``dv/dt(I_1) * 1 ms-per-s / rate_scale_hz`` (1.0 for the LIF family).

A model that cannot fire at ``rate_scale_hz`` at all (the squid axon at 6.3 C peaks at ~128 Hz) takes the current of
its fastest firing as drive 1.0, with a :class:`~neurocompare.errors.CalibrationWarning` naming its ceiling: lower
``rate_scale_hz`` to compare like with like, or set the drive unit.
"""

from __future__ import annotations

import functools
import json
import logging
import math
import os
import tempfile
import warnings
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import CalibrationWarning, ParameterError
from ..models import neuron_to_dict
from .reference.models import reference_step
from .reference.population import Population

__all__ = ["Calibration", "calibrate", "measure", "shipped", "drive_current", "potential_unit", "rates_at", "WINDOW_MS",
           "GRID", "cache_path", "SHIPPED"]

log = logging.getLogger(__name__)

#: The window the calibration counts spikes in (ms), from rest.
WINDOW_MS = 1000.0
#: Currents per sweep.
GRID = 96
#: Bumped whenever the calibration's definition or the reference models change what they compute.
_VERSION = 2  # 2: refractory periods counted as NEST counts them (issue 25)
#: Decades of the first sweep, in units of the current that changes v by 1 mV per ms.
_DECADES = (-3.0, 4.0)
_MEMORY: dict[str, "Calibration"] = {}


@dataclass(frozen=True)
class Calibration:
    """The current drive 1.0 stands for, and how it was found."""

    model: str
    current: float  # in the model's current unit
    target_hz: float
    rate_hz: float  # measured at ``current``
    dt_ms: float
    window_ms: float
    potential_unit: float  # model potential per circuit unit (mV)


def cache_path(filename: str = "calibration.json") -> Path | None:
    """Where calibrations (and measured activations: ``activations.json``) are kept between runs:
    ``$NEUROCOMPARE_CACHE_DIR/calibration.json``, else ``~/.cache/neurocompare/calibration.json``; None if
    ``NEUROCOMPARE_CACHE_DIR`` is set to the empty string."""
    root = os.environ.get("NEUROCOMPARE_CACHE_DIR")
    if root == "":
        return None
    base = Path(root) if root else Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "neurocompare"
    return base / filename


def _key(neuron: Any, rate_scale_hz: float, dt_ms: float) -> str:
    return json.dumps({"v": _VERSION, "neuron": neuron_to_dict(neuron.with_drive_unit(None)),
                       "rate_scale_hz": float(rate_scale_hz), "dt_ms": float(dt_ms), "window_ms": WINDOW_MS},
                      sort_keys=True)


def load_disk(filename: str = "calibration.json") -> dict[str, Any]:
    """The cache file's entries by key (empty if there is none or it is unreadable)."""
    path = cache_path(filename)
    if path is None or not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text())
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def store_disk(key: str, entry: dict[str, Any], filename: str = "calibration.json") -> None:
    """Add one entry to the cache file (atomically: a temporary file, then a rename); never fails a run."""
    path = cache_path(filename)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        data = load_disk(filename)
        data[key] = entry
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
        with os.fdopen(fd, "w") as fh:
            json.dump(data, fh)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only home: calibrate again next time
        log.debug("calibration cache not written (%s)", exc)


#: Calibrations shipped with the package: the ones the bundled scenarios need at their defaults (made by
#: benchmarks/ship_calibrations.py; tests/backends/test_calibration_shipped.py measures each again), so a first
#: `neurocompare run --all` does not spend ~20 s finding them. Keyed like the disk cache (_VERSION included).
SHIPPED = Path(__file__).with_name("calibrations.json")


def shipped(filename: str = SHIPPED.name) -> dict[str, Any]:
    """The shipped calibrations (or, ``filename="activations.json"``, measured activations) by key: empty if the
    file is missing or unreadable, or with ``NEUROCOMPARE_SHIPPED_CALIBRATIONS=0``, which
    benchmarks/ship_calibrations.py sets to measure them all."""
    if os.environ.get("NEUROCOMPARE_SHIPPED_CALIBRATIONS", "").strip() == "0":
        return {}
    return _read_shipped(filename)


@functools.lru_cache(maxsize=4)
def _read_shipped(filename: str) -> dict[str, Any]:
    try:
        data = json.loads(SHIPPED.with_name(filename).read_text())
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _as_calibration(stored: Any) -> Calibration | None:
    """A stored calibration (the disk cache's or the shipped file's entry), or None if it is not one of ours."""
    try:
        return Calibration(**stored) if isinstance(stored, dict) else None
    except TypeError:  # written by another version
        return None


def rates_at(neuron: Any, currents: Any, *, dt_ms: float, duration_ms: float = WINDOW_MS) -> np.ndarray:
    """Firing rates (Hz: spike count / duration) of ``neuron`` started from rest under each constant current (the
    model's current unit), all in one batched loop of the reference simulator's population step."""
    currents = np.asarray(currents, dtype=float).reshape(1, -1)
    dt_s = dt_ms * 1e-3
    per_s = neuron.drive_dvdt(1.0) * 1e3 if neuron.calibrated else 1.0  # model potential per second per unit current
    step = reference_step(neuron, dt_s)
    pop = Population(name="calibration", model=step, v=np.full(currents.shape, float(step.v_init)),
                     i_bias=currents * per_s, i_analog=np.zeros(currents.shape), onsets={}, dt_s=dt_s)
    for k in range(int(round(duration_ms / dt_ms))):
        free = pop.integrate(k)
        spiked = pop.threshold(k, free)
        pop.check_finite(k)
        pop.reset(spiked)
    counts = np.bincount(np.concatenate(pop.spike_flat), minlength=currents.size) if pop.spike_flat \
        else np.zeros(currents.size)
    return counts / (duration_ms * 1e-3)


def _first_at_least(rates: np.ndarray, target: float) -> int | None:
    hit = np.flatnonzero(rates >= target)
    return int(hit[0]) if hit.size else None


def calibrate(neuron: Any, *, rate_scale_hz: float, dt_ms: float) -> Calibration:
    """The smallest current at which ``neuron`` fires at ``rate_scale_hz`` (see the module docstring); cached."""
    if not neuron.calibrated:
        raise ParameterError(f"calibrate: {neuron.model_name!r} lives in the circuit's units; nothing to calibrate.")
    key = _key(neuron, rate_scale_hz, dt_ms)
    cached = _MEMORY.get(key) or _as_calibration(load_disk().get(key)) or _as_calibration(shipped().get(key))
    if cached is not None:
        _MEMORY[key] = cached
        if cached.rate_hz < cached.target_hz:
            _warn_ceiling(cached, neuron)
        return cached
    cal = measure(neuron, rate_scale_hz=rate_scale_hz, dt_ms=dt_ms)
    _MEMORY[key] = cal
    store_disk(key, asdict(cal))
    log.info("calibrated %s: drive 1.0 = %.6g %s (%.4g Hz at dt %g ms)", neuron.model_name, cal.current,
             neuron.current_unit, cal.rate_hz, dt_ms)
    if cal.rate_hz < cal.target_hz:
        _warn_ceiling(cal, neuron)
    return cal


def measure(neuron: Any, *, rate_scale_hz: float, dt_ms: float) -> Calibration:
    """The calibration of the module docstring, measured now (no cache)."""
    scale = 1.0 / neuron.drive_dvdt(1.0)  # the current that changes v by 1 mV/ms
    target = float(rate_scale_hz)
    currents = scale * np.logspace(*_DECADES, GRID)
    rates = rates_at(neuron, currents, dt_ms=dt_ms)
    i = _first_at_least(rates, target)
    if i == 0:
        raise ParameterError(
            f"{neuron.model_name}: already fires at {rates[0]:.4g} Hz at the smallest current tried "
            f"({currents[0]:.4g} {neuron.current_unit}); set {neuron.drive_unit_field} explicitly.")
    if i is None:  # the model's ceiling is below the rate scale: drive 1.0 is its fastest firing
        best = int(np.argmax(rates))
        fine = np.linspace(currents[max(best - 1, 0)], currents[min(best + 1, len(currents) - 1)], GRID)
        fine_rates = rates_at(neuron, fine, dt_ms=dt_ms)
        j = int(np.argmax(fine_rates))
    else:
        fine = np.linspace(currents[i - 1], currents[i], GRID)
        fine_rates = rates_at(neuron, fine, dt_ms=dt_ms)
        j = _first_at_least(fine_rates, target)
        fine, fine_rates, j = (fine, fine_rates, j) if j is not None else (currents, rates, i)
    current = float(fine[j])
    return Calibration(neuron.model_name, current, target, float(fine_rates[j]), float(dt_ms), WINDOW_MS,
                       neuron.drive_dvdt(current) * 1e3 / rate_scale_hz)


def _warn_ceiling(cal: Calibration, neuron: Any) -> None:
    warnings.warn(
        f"{neuron.model_name} cannot fire at rate_scale_hz = {cal.target_hz:g} Hz: it fires at most {cal.rate_hz:.4g} Hz "
        f"(at {cal.current:.4g} {neuron.current_unit}, dt {cal.dt_ms:g} ms), so drive 1.0 is that current: activations "
        f"above {cal.rate_hz / cal.target_hz:.3g} are out of its reach. Lower rate_scale_hz to compare like with like, "
        f"or set {neuron.drive_unit_field}.", CalibrationWarning, stacklevel=4)


def drive_current(neuron: Any, *, rate_scale_hz: float, dt_ms: float) -> float:
    """The current (model units) drive 1.0 stands for: the spec's ``drive_unit``, else its calibration."""
    if neuron.drive_unit is not None:
        return float(neuron.drive_unit)
    return calibrate(neuron, rate_scale_hz=rate_scale_hz, dt_ms=dt_ms).current


def potential_unit(neuron: Any, *, rate_scale_hz: float, dt_ms: float) -> float:
    """Model potential per circuit unit (see the module docstring): 1.0 for the LIF family."""
    if not neuron.calibrated:
        return 1.0
    current = drive_current(neuron, rate_scale_hz=rate_scale_hz, dt_ms=dt_ms)
    unit = neuron.drive_dvdt(current) * 1e3 / rate_scale_hz
    if not (math.isfinite(unit) and unit > 0):  # pragma: no cover - drive units are validated > 0
        raise ParameterError(f"{neuron.model_name}: the potential unit must be finite and > 0; got {unit!r}.")
    return unit
