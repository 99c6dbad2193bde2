"""A neuron model's response to constant current: f-I curve, rheobase, onset type, adaptation, saturation.

Every sweep is one batched run (one neuron per current, all side by side), on Brian2 or the reference
simulator, or on any function ``currents -> spike trains`` (the NEST oracle of the tests uses this). Currents
are in the model's own unit (mV/ms, pA, uA/cm^2; 1/s for the LIF family), never calibrated: these are the
model's physical facts.

Definitions (one place): the **rate** is the spike count over the window / the window (from rest, so
adaptation is included); the **rheobase** is the smallest current at which the neuron fires *repetitively* (at
least two spikes in the second half of the window: an onset spike alone does not count), found by three
sweeps (a geometric one, then two linear ones inside the bracket: relative precision ~1e-4); the **onset** type
(Hodgkin's class) comes from how the sustained rate behaves as the drive approaches the rheobase from above
(:class:`Onset`, :func:`onset_from_trains`), not from a rate line: class I neurons fire at arbitrarily low rates
near the rheobase (the rate keeps falling as the drive is refined toward it: by at least 10 % over the last tenfold
approach, from +1 % to +0.1 % of the rheobase), class II neurons jump to a finite rate (it changes by less than
5 % there); between the two the answer is "undecided", and the evidence is always given; the **adaptation index** is :func:`~neurocompare.metrics.adaptation_index`
(``1 - f_inf / f_0``) of the train at twice the rheobase.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from typing import Any, Callable

import numpy as np

from ..backends.brian2 import SpikingBackend
from ..backends.reference.backend import ReferenceBackend
from ..circuit import Circuit, NeuronPopulation
from ..errors import ParameterError, UnknownNameError
from ..metrics import adaptation_index, fires_repetitively

__all__ = ["FIProfile", "Onset", "spike_trains_at", "fi_profile", "fires_repetitively", "sustained_rate",
           "onset_steps", "onset_from_trains", "SIMULATORS", "ONSET_STEPS"]

#: Where a sweep can run.
SIMULATORS = ("brian2", "reference")
#: Currents per sweep.
_GRID = 50

#: ``currents -> list of spike-time arrays (ms), one per current`` (one batched simulation).
TrainsFn = Callable[[np.ndarray], list]
#: How far above the rheobase the onset is probed, as fractions of the rheobase, coarse to fine (each at least
#: twice the rheobase's own resolution).
ONSET_STEPS = (0.1, 0.03, 0.01, 0.003, 0.001)
#: How much the sustained rate falls over the last tenfold approach to the rheobase (from 10 x the finest step to
#: the finest): type I from the first on (it keeps falling toward 0: sqrt(I - I_rh) for a saddle-node on a circle,
#: 1 / log for a LIF), type II below the second (it stays at a finite rate: a jump, as at a Hopf bifurcation);
#: between them "undecided". Scale-free: no rate line and no drive grid decides.
ONSET_TYPE_I_FALL, ONSET_TYPE_II_FALL = 0.10, 0.05
#: Interval variation (coefficient of variation) above which the firing near the rheobase counts as irregular.
ONSET_MAX_CV = 0.5
#: A rate that stays, to count as a plateau (type II), must be at least this many times the window's floor.
ONSET_MIN_FLOORS = 4.0


@dataclass(frozen=True)
class Onset:
    """Hodgkin's excitability class from the rate as the drive approaches the rheobase from above.

    Attributes
    ----------
    kind : {"I", "II", "undecided", "none"}
    steps : tuple of float
        Fractions above the rheobase probed (``ONSET_STEPS`` no finer than twice ``resolution``).
    rates_hz : tuple of float
        The sustained rate (:func:`sustained_rate`) at each; NaN where the neuron no longer fires repetitively in the
        window (its rate fell below ``floor_hz``).
    resolution : float
        The rheobase's relative resolution (its bracket / the rheobase).
    floor_hz : float
        The lowest rate the window shows as repetitive (two spikes in its second half).
    irregular : str
        Why no single rate can be followed near the rheobase, and the class is "undecided": "bursts" (interval
        coefficient of variation above ``ONSET_MAX_CV``), "rises" (the rate rises again closer to the rheobase) or
        "floor" (it drops below the window's floor and comes back, or stays within ``ONSET_MIN_FLOORS`` x the floor:
        too few intervals to tell a plateau from a slow fall); "" when regular.
    """

    kind: str
    steps: tuple[float, ...]
    rates_hz: tuple[float, ...]
    resolution: float
    floor_hz: float
    irregular: str = ""  # why no single rate can be followed: "bursts", "rises" or "floor" ("": regular)

    @property
    def last_decade_fall(self) -> float:
        """1 - rate(finest step) / rate(10 x the finest step): how much the rate fell over the last tenfold approach
        (NaN if that decade was not probed or the rate fell below the window's floor)."""
        if not self.steps:
            return math.nan
        finest = self.steps[-1]
        coarse = [r for s, r in zip(self.steps, self.rates_hz) if abs(s - 10 * finest) < 1e-12 * finest]
        if not coarse or not math.isfinite(coarse[0]) or not math.isfinite(self.rates_hz[-1]):
            return math.nan
        return 1.0 - self.rates_hz[-1] / coarse[0]

    @property
    def lowest_rate_hz(self) -> float:
        """The lowest sustained rate found above the rheobase (NaN: none)."""
        rates = [r for r in self.rates_hz if math.isfinite(r)]
        return min(rates) if rates else math.nan

    def evidence(self) -> str:
        """One sentence: the answer and the measurements it rests on."""
        pairs = ", ".join(f"{_pct(s)} {r:.3g} Hz" if math.isfinite(r) else f"{_pct(s)} below {self.floor_hz:.3g} Hz"
                          for s, r in zip(self.steps, self.rates_hz))
        reach = f"rheobase resolved to {_pct(self.resolution)}; the window shows rates down to {self.floor_hz:.3g} Hz"
        fall = self.last_decade_fall
        if self.kind == "undecided" and not self.irregular and not math.isfinite(fall):
            return (f"undecided: the rheobase is resolved only to {_pct(self.resolution)}, too coarse for a tenfold "
                    f"approach to it ({'sustained rate above the rheobase: ' + pairs + '; ' if pairs else ''}{reach})")
        decade = "" if not math.isfinite(fall) else \
            f" ({'falling' if fall >= 0 else 'rising'} by {abs(fall):.0%} over the last tenfold approach)"
        why = {"I": f"the rate keeps falling toward 0 as the drive approaches the rheobase{decade}",
               "II": f"the rate stays finite as the drive approaches the rheobase{decade}: it jumps from 0",
               "undecided": ({"bursts": "the neuron bursts near the rheobase (no single rate to follow)",
                              "rises": "the rate rises again closer to the rheobase",
                              "floor": f"the rate near the rheobase is near the window's floor ({self.floor_hz:.3g} Hz): "
                                       "a longer window would tell"}[self.irregular] + decade if self.irregular else
                             f"over the last tenfold approach to the rheobase the rate neither stays (within "
                             f"{ONSET_TYPE_II_FALL:.0%}) nor keeps falling (by {ONSET_TYPE_I_FALL:.0%} or more){decade}"),
               "none": "no repetitive firing just above the rheobase"}[self.kind]
        label = f"type {self.kind}" if self.kind in ("I", "II") else self.kind
        return f"{label}: {why} (sustained rate above the rheobase: {pairs}; {reach})"


def _pct(fraction: float) -> str:
    return f"+{100 * fraction:.3g} %"


def _late_cv(times_ms: Any, duration_ms: float) -> float:
    t = np.asarray(times_ms, dtype=float)
    isi = np.diff(t[t >= duration_ms / 2])
    return float(isi.std() / isi.mean()) if len(isi) >= 2 and isi.mean() > 0 else 0.0


def sustained_rate(times_ms: Any, duration_ms: float) -> float:
    """1 / the mean interval of the spikes in the second half of the window (Hz); NaN with fewer than two."""
    t = np.asarray(times_ms, dtype=float)
    late = t[t >= duration_ms / 2]
    return 1e3 * (len(late) - 1) / (late[-1] - late[0]) if len(late) >= 2 and late[-1] > late[0] else math.nan


def onset_steps(resolution: float) -> tuple[float, ...]:
    """The fractions above the rheobase at which its onset can be probed: ``ONSET_STEPS`` at least twice
    ``resolution`` (the rheobase's relative resolution)."""
    return tuple(s for s in ONSET_STEPS if s >= 2.0 * resolution)


def onset_from_trains(steps: Any, trains: Any, *, resolution: float, duration_ms: float) -> Onset:
    """The onset type from spike trains at ``rheobase x (1 + steps)`` (``steps`` from :func:`onset_steps`)."""
    steps = tuple(float(s) for s in steps)
    rates = tuple(sustained_rate(t, duration_ms) if fires_repetitively(t, duration_ms) else math.nan for t in trains)
    finite = [math.isfinite(r) for r in rates]
    gone = finite.index(False) if False in finite else len(rates)  # the first step below the window's floor
    if any(_late_cv(t, duration_ms) > ONSET_MAX_CV for t in trains[:gone]):
        irregular = "bursts"
    elif any(finite[gone:]):  # below the floor, then back above it
        irregular = "floor"
    elif any(b > a * (1 + ONSET_TYPE_II_FALL) for a, b in zip(rates[:gone], rates[1:gone])):
        irregular = "rises"
    else:
        irregular = ""
    floor = 2e3 / duration_ms
    onset = Onset("undecided", steps, rates, float(resolution), floor, irregular)
    if steps and not any(finite):
        kind = "none"
    elif irregular:
        kind = "undecided"
    elif gone < len(rates):
        kind = "I"  # the rate fell below what the window can show, and stays there: toward 0
    else:
        fall = onset.last_decade_fall
        kind = "undecided" if not math.isfinite(fall) else "I" if fall >= ONSET_TYPE_I_FALL else \
            "II" if abs(fall) < ONSET_TYPE_II_FALL else "undecided"
        if kind == "II" and min(rates) < ONSET_MIN_FLOORS * floor:
            # a few intervals in the window's second half: too few to tell a plateau from a slow fall
            return replace(onset, kind="undecided", irregular="floor")
    return replace(onset, kind=kind)


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
    onset: str  # "I", "II", "undecided" or "none" (onset_detail.kind)
    max_rate_hz: float  # over the coarse sweep
    onset_detail: Onset | None = None  # the evidence of the onset type

    def row(self) -> dict[str, Any]:
        return {"model": self.model, "simulator": self.simulator, "rheobase": self.rheobase,
                "rate_at_2x_hz": self.rate_at_2x_hz, "onset": self.onset, "adaptation_index": self.adaptation_index,
                "max_rate_hz": self.max_rate_hz}


def _sustained(trains: list, duration_ms: float) -> np.ndarray:
    return np.array([fires_repetitively(t, duration_ms) for t in trains])


def fi_profile(neuron: Any, *, simulator: str | TrainsFn = "brian2", dt_ms: float | None = None,
               duration_ms: float = 1000.0, span: tuple[float, float] | None = None) -> FIProfile:
    """The f-I profile of ``neuron``: four batched sweeps (coarse, two to refine the rheobase, and one at twice the
    rheobase and just above it, for the adaptation index and the onset type).

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
    steps = onset_steps((bracket[1] - bracket[0]) / rheobase)
    last = run(np.r_[2.0 * rheobase, rheobase * (1.0 + np.array(steps))])  # twice the rheobase, and the onset
    double = last[0]
    adapt = adaptation_index(double, duration_ms=duration_ms) if len(double) >= 4 else math.nan
    onset = onset_from_trains(steps, last[1:], resolution=(bracket[1] - bracket[0]) / rheobase, duration_ms=duration_ms)
    return FIProfile(neuron.model_name, name, dt, duration_ms, currents, rates, rheobase, first_rate,
                     len(double) / (duration_ms * 1e-3), adapt, onset.kind, float(rates.max()), onset)
