"""A neuron model's response to constant current: f-I curve, rheobase, onset type, adaptation, saturation.

Every sweep is one batched run (one neuron per current, all side by side), on Brian2 or the reference
simulator, or on any function ``currents -> spike trains`` (the NEST oracle of the tests uses this). Currents
are in the model's own unit (mV/ms, pA, uA/cm^2; 1/s for the LIF family), never calibrated: these are the
model's physical facts.

Definitions (one place): the **rate** is the spike count over the window / the window (from rest, so
adaptation is included); the **rheobase** is the smallest current at which the neuron fires *repetitively* (at
least two spikes in the second half of the window: an onset spike alone does not count), found by three
sweeps (a geometric one, then two linear ones inside the bracket: relative precision ~1e-4); the **onset** is
type II if the rate just above rheobase exceeds 20 Hz, else type I (:func:`~neurocompare.metrics.onset_type`);
the **adaptation index** is :func:`~neurocompare.metrics.adaptation_index` (``1 - f_inf / f_0``) of the train at
twice the rheobase.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from ..backends.brian2 import SpikingBackend
from ..backends.reference.backend import ReferenceBackend
from ..circuit import Circuit, NeuronPopulation
from ..errors import ParameterError, UnknownNameError
from ..metrics import adaptation_index, onset_type

__all__ = ["FIProfile", "spike_trains_at", "fi_profile", "fires_repetitively", "SIMULATORS"]

#: Where a sweep can run.
SIMULATORS = ("brian2", "reference")
#: Currents per sweep.
_GRID = 50

#: ``currents -> list of spike-time arrays (ms), one per current`` (one batched simulation).
TrainsFn = Callable[[np.ndarray], list]


def spike_trains_at(neuron: Any, currents: Any, *, simulator: str = "brian2", dt_ms: float | None = None,
                    duration_ms: float = 1000.0) -> list[np.ndarray]:
    """Spike times (ms) of ``neuron`` under each constant current (model units), from rest, in one run."""
    if simulator not in SIMULATORS:
        raise UnknownNameError(f"spike_trains_at: unknown simulator {simulator!r}; valid: {', '.join(SIMULATORS)}.")
    currents = np.asarray(currents, dtype=float)
    spec = neuron.with_drive_unit(1.0)
    dt = neuron.default_dt_ms if dt_ms is None else dt_ms
    circuit = Circuit("fi", populations=[NeuronPopulation("n", len(currents), bias=currents, neuron=spec)])
    cls = SpikingBackend if simulator == "brian2" else ReferenceBackend
    res = cls(duration_ms=duration_ms, dt_ms=dt, rate_scale_hz=1.0).run(circuit, seed=0)
    trains = res.spikes["n"]
    return [np.asarray(trains.times(0, k)) for k in range(len(currents))]


@dataclass(frozen=True)
class FIProfile:
    """What a neuron model does under constant current (see the module docstring for the definitions)."""

    model: str
    simulator: str
    dt_ms: float
    duration_ms: float
    currents: np.ndarray  # the coarse sweep
    rates_hz: np.ndarray
    rheobase: float  # model current units
    rate_above_rheobase_hz: float  # at the first current of the finest sweep that fires
    rate_at_2x_hz: float
    adaptation_index: float  # at 2x rheobase
    onset: str  # "I", "II" or "none"
    max_rate_hz: float  # over the coarse sweep

    def row(self) -> dict[str, Any]:
        return {"model": self.model, "simulator": self.simulator, "rheobase": self.rheobase,
                "rate_at_2x_hz": self.rate_at_2x_hz, "onset": self.onset, "adaptation_index": self.adaptation_index,
                "max_rate_hz": self.max_rate_hz}


def fires_repetitively(times_ms: np.ndarray, duration_ms: float) -> bool:
    """At least two spikes in the second half of the window: repetitive firing (an onset spike alone is not)."""
    return int(np.count_nonzero(np.asarray(times_ms) >= duration_ms / 2)) >= 2


def _sustained(trains: list, duration_ms: float) -> np.ndarray:
    return np.array([fires_repetitively(t, duration_ms) for t in trains])


def fi_profile(neuron: Any, *, simulator: str | TrainsFn = "brian2", dt_ms: float | None = None,
               duration_ms: float = 1000.0, span: tuple[float, float] | None = None) -> FIProfile:
    """The f-I profile of ``neuron``: four batched sweeps (coarse, two to refine the rheobase, and 2x rheobase).

    ``span``: the coarse sweep's current range (model units), geometric; default 1e-2 .. 1e3 times the current
    that changes v by 1 mV/ms (1 threshold gap per ms for the LIF family).
    """
    dt = neuron.default_dt_ms if dt_ms is None else float(dt_ms)
    if callable(simulator):
        run, name = simulator, getattr(simulator, "__name__", "custom")
    else:
        def run(c: np.ndarray) -> list:
            return spike_trains_at(neuron, c, simulator=simulator, dt_ms=dt, duration_ms=duration_ms)
        name = simulator
    unit = 1.0 / neuron.drive_dvdt(1.0) if neuron.calibrated else 1e3  # LIF: 1 threshold gap per ms = 1000/s
    lo, hi = span if span is not None else (1e-2 * unit, 1e3 * unit)
    currents = np.geomspace(lo, hi, _GRID)
    trains = run(currents)
    rates = np.array([len(t) for t in trains]) / (duration_ms * 1e-3)
    fires = _sustained(trains, duration_ms)
    if not fires.any():
        raise ParameterError(f"fi_profile: {neuron.model_name} never fires repetitively between {lo:g} and {hi:g}.")
    i = int(np.argmax(fires))
    bracket = (currents[i - 1] if i else 0.0, currents[i])
    for _ in range(2):
        fine = np.linspace(*bracket, _GRID)
        fine_trains = run(fine)
        ok = _sustained(fine_trains, duration_ms)
        j = int(np.argmax(ok)) if ok.any() else len(fine) - 1
        first_rate = len(fine_trains[j]) / (duration_ms * 1e-3)
        bracket = (fine[j - 1] if j else fine[0], fine[j])
    rheobase = float(bracket[1])
    double = run(np.array([2.0 * rheobase]))[0]
    adapt = adaptation_index(double, duration_ms=duration_ms) if len(double) >= 4 else math.nan
    onset = onset_type(np.array([rheobase]), np.array([first_rate]))
    return FIProfile(neuron.model_name, name, dt, duration_ms, currents, rates, rheobase, first_rate,
                     len(double) / (duration_ms * 1e-3), adapt, onset, float(rates.max()))
