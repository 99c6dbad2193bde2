"""Which activation does a real neuron compute? f-I curves, onset, adaptation, latency and reliability per model.

Every model is measured in the circuit's calibrated drive units (:mod:`neurocompare.backends.calibration`): a bias
``z`` is the current ``z * I_1``, ``I_1`` the current at which the model fires at ``rate_scale_hz`` (the LIF family:
``z * rate_scale_hz`` threshold gaps per second, its own units), so drive 1.0 means "the rate scale" for every
calibrated model and the curves can be laid on one another.

How (three batched runs per time step, every model side by side as its own population, on the reference simulator,
:mod:`neurocompare.backends.reference`, which agrees with the Brian2 backend spike for spike
(:mod:`neurocompare.crosscheck`) and costs ~11 us per population and step against Brian2's ~80 us):

1. **sweep** (:func:`measure_models`): per model one neuron per drive of the fit grid (rate / rate scale vs drive,
   fitted with relu, sigmoid and tanh by :func:`~neurocompare.metrics.fit_activation`), of a wide range (the
   saturation rate: the highest rate up to drive 10), of a dense grid (the rheobase's bracket), and
   ``2 x trials`` neurons for the reliability test (below);
2. **rheobase**, in a window of at least ``ONSET_WINDOW_MS`` (1 s; near its rheobase a neuron fires slowly, and a
   short window puts the rheobase too high): 2001 drives over each model's bracket (widened downward), and one
   neuron at twice the rheobase of the sweep (adaptation index and first-spike latency, over the first
   ``duration_ms``);
3. **onset**: drives 10, 3, 1, 0.3 and 0.1 % above that rheobase (no finer than twice its resolution), in the same
   window: the onset type from how the sustained rate behaves as the drive approaches the rheobase
   (:func:`~neurocompare.studies.neuron_fi.onset_from_trains`).

Definitions follow :mod:`.neuron_fi`: a neuron fires *repetitively* with at least two spikes in the second half of
the window; the onset is type I if the sustained rate keeps falling over the last tenfold approach to the
rheobase (by 10 % or more), type II if it stays (within 5 %), else undecided (:class:`~.neuron_fi.Onset`, with
its evidence); the adaptation index is ``1 - f_inf / f_0``
(:func:`~neurocompare.metrics.adaptation_index`). Each model runs at its default time step but not finer than
0.025 ms (:func:`~neurocompare.studies.common.model_dt` with ``fast``: Hodgkin-Huxley at 0.025 ms, its coarsest,
instead of 0.01 ms: 4x fewer steps).

**Spike-time reliability** (Mainen & Sejnowski 1995): each trial is one neuron (trials never interact, as
samples of a batch would not), receiving the mean drive ``reliability_drive`` as a bias plus its own independent
background noise (a Poisson input population, one excitatory and one inhibitory channel per trial, zero mean, s.d.
``noise_sd``). ``trials`` of them also receive one *frozen* fluctuating input, the same spike trains
(:class:`~neurocompare.spike_input.GivenSpikes`) in every trial, zero mean, s.d. ``fluct_sd``; ``trials`` others
receive nothing more (constant input of the same mean). Inputs arrive through exponential current synapses
(``tau_syn`` 3 ms), so the fluctuating current is smooth, like the filtered noise of the original experiment.
Reliability is :func:`schreiber_reliability` over the trials after the onset transient (the first
``settle_ms``, where every trial starts from rest at the same moment, is left out).

Our simulators are deterministic; the background noise stands for the intrinsic noise of a real cell.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass, field
from typing import Any, Mapping, Sequence

import numpy as np

from ..backends.calibration import calibrate
from ..backends.reference.backend import ReferenceBackend
from ..circuit import Circuit, InputPopulation, NeuronPopulation, Projection
from ..comparison import Panel
from ..errors import NoSpikesWarning, ParameterError
from ..metrics import FIT_KINDS, Metric, adaptation_index, evaluate_fit, fit_activation, rank_fits
from ..models import ExpCurrentSynapse, neuron_from_name
from ..parallel import Background, spare_cores
from ..spike_input import GivenSpikes
from .common import metric, model_dt
from .neuron_fi import Onset, fires_repetitively, onset_from_trains, onset_steps

__all__ = ["DEFAULT_MODELS", "ModelProfile", "one_neuron_circuit", "schreiber_reliability", "model_label", "model_slug",
           "measure_models", "profile_metrics", "fi_panels", "latency_panel", "reliability_panel", "summary_panel"]

#: Every model and preset the package ships, in the order of the report.
DEFAULT_MODELS = ("lif", "adaptive_lif", "izhikevich:RS", "izhikevich:IB", "izhikevich:CH", "izhikevich:FS",
                  "izhikevich:LTS", "izhikevich:RZ", "adex:tonic", "adex:adapting", "adex:initial_burst",
                  "adex:bursting", "hodgkin_huxley")
#: Drives (activation units) of the f-I fits: from below rest to three times the rate-scale drive.
FIT_GRID = np.round(np.linspace(-0.5, 3.0, 36), 10)
#: Drives past the fit grid, for the saturation rate.
WIDE_GRID = np.array([4.0, 6.0, 10.0])
#: Dense drives for the rheobase's bracket (refined in the second run).
DENSE_GRID = np.round(np.linspace(0.0, 1.5, 151), 10)
#: The window of the rheobase and onset runs (ms): at least this long, so that rates down to 2 Hz show as
#: repetitive (near its rheobase a neuron fires slowly; a short window puts the rheobase too high).
ONSET_WINDOW_MS = 1000.0
#: Drives of the rheobase run, over the sweep's bracket widened downward (resolution ~1e-4 of the rheobase or
#: better: the onset is probed down to +0.1 % of it).
_LONG_GRID = 2001
_TAU_SYN_MS = 3.0
_CHANNEL_HZ = 1000.0  # every input channel fires at this rate (one spike per ms)
_FROZEN_CHANNELS = 4  # per sign
_LABELS = {"lif": "LIF", "adaptive_lif": "adaptive LIF", "izhikevich": "Izhikevich", "adex": "AdEx",
           "hodgkin_huxley": "Hodgkin-Huxley"}


def schreiber_reliability(trains: Sequence[Any], *, sigma_ms: float = 2.0) -> float:
    """Spike-time reliability of repeated trials: the mean pairwise correlation of Gaussian-filtered trains.

    Each trial's train is convolved with a Gaussian of s.d. ``sigma_ms``, ``s_i(t) = sum_k G(t - t_ik)``, and

        R = 2 / (N (N - 1)) * sum_{i < j} <s_i, s_j> / (|s_i| |s_j|)

    (Schreiber, Fellous, Whitmer, Tiesinga & Sejnowski 2003). The inner products are exact on the whole time
    axis (no binning, no edge effects): ``<s_i, s_j>`` is proportional to
    ``sum_{k, l} exp(-(t_ik - t_jl)^2 / (4 sigma^2))``, and the constant cancels. R = 1 for identical trains,
    near 0 for independent trains with few coincidences (within a few sigma); it grows with the rate for
    independent trains too (chance coincidences), so compare trials at similar rates.

    Parameters
    ----------
    trains : sequence of array_like
        Spike times (ms) of each trial.
    sigma_ms : float
        Width of the Gaussian filter (ms), > 0.

    Returns
    -------
    float
        In [0, 1]. Trials without spikes have no direction and are left out; NaN (with a
        :class:`~neurocompare.errors.NoSpikesWarning`) if fewer than two trials have spikes.

    References
    ----------
    Z. F. Mainen, T. J. Sejnowski, "Reliability of spike timing in neocortical neurons", Science 268,
    1503-1506 (1995).
    S. Schreiber, J.-M. Fellous, D. Whitmer, P. Tiesinga, T. J. Sejnowski, "A new correlation-based measure of
    spike timing reliability", Neurocomputing 52-54, 925-931 (2003).

    Examples
    --------
    >>> round(schreiber_reliability([[10.0, 50.0], [10.0, 50.0], [10.0, 50.0]]), 9)
    1.0
    """
    if not (isinstance(sigma_ms, (int, float)) and math.isfinite(sigma_ms) and sigma_ms > 0):
        raise ParameterError(f"schreiber_reliability: sigma_ms must be a positive number of ms; got {sigma_ms!r}.")
    ts = [np.asarray(t, dtype=float).ravel() for t in trains]
    ts = [t for t in ts if t.size]
    if len(ts) < 2:
        warnings.warn(f"schreiber_reliability: {len(ts)} trial(s) with spikes, need 2; the value is NaN.",
                      NoSpikesWarning, stacklevel=2)
        return math.nan
    scale = 4.0 * sigma_ms ** 2

    def inner(a: np.ndarray, b: np.ndarray) -> float:
        return float(np.exp(-((a[:, None] - b[None, :]) ** 2) / scale).sum())

    norms = np.sqrt([inner(t, t) for t in ts])
    n = len(ts)
    total = sum(inner(ts[i], ts[j]) / (norms[i] * norms[j]) for i in range(n) for j in range(i + 1, n))
    return float(min(1.0, 2.0 * total / (n * (n - 1))))


def one_neuron_circuit(model: str = "lif") -> Circuit:
    """One neuron of ``model`` reading three inputs through 3, 2 and 5 synapses of 0.1, bias 0.05 (activation relu):
    the circuit of :mod:`scenarios.single_neuron` with weights that reach past every model's rheobase."""
    return Circuit(f"neuron_models_{model_slug(model)}",
                   description=f"one {model_label(model)} neuron, three inputs through 3, 2 and 5 synapses of 0.1",
                   inputs=[InputPopulation("x", 3)],
                   populations=[NeuronPopulation("neuron", 1, bias=0.05, activation="relu",
                                                 neuron=neuron_from_name(model, owner="neuron_models"))],
                   projections=[Projection("x", "neuron", counts=[[3, 2, 5]], unit_weight=0.1)])


def model_slug(name: str) -> str:
    """``"izhikevich:RS"`` -> ``"izhikevich_rs"``: the model's part of metric and panel names."""
    return name.replace(":", "_").lower()


def model_label(name: str) -> str:
    """``"izhikevich:RS"`` -> ``"Izhikevich RS"``: the model as a reader sees it."""
    base, _, preset = name.partition(":")
    return f"{_LABELS.get(base, base)} {preset}".strip()


@dataclass(frozen=True)
class ModelProfile:
    """One model's answers (drives in activation units, rates in Hz unless named ``_z``)."""

    name: str
    dt_ms: float
    drive_unit: float  # the current of drive 1.0, in current_unit
    current_unit: str
    z: np.ndarray  # the fit grid
    rate_z: np.ndarray  # rate / rate scale on the fit grid
    fits: Mapping[str, tuple[np.ndarray, float]]  # kind -> (params, RMSE over the drives up to fit_max_z)
    latency_ms: np.ndarray  # first spike on the fit grid (NaN: silent)
    rheobase_z: float
    onset: str
    rate_above_rheobase_hz: float
    saturation_hz: float
    saturation_z: float
    adaptation_index: float  # at twice the rheobase
    latency_2x_ms: float  # first spike at twice the rheobase
    reliability_frozen: float
    reliability_constant: float
    rate_frozen_hz: float
    rate_constant_hz: float
    fit_max_z: float = math.inf  # the fits use the drives up to the highest rate of the fit grid
    extra: Mapping[str, Any] = field(default_factory=dict)
    onset_detail: Onset | None = None  # the evidence of ``onset`` (:class:`~neurocompare.studies.neuron_fi.Onset`)

    @property
    def best_fit(self) -> str:
        return min(self.fits, key=lambda k: self.fits[k][1])

    @property
    def rheobase_current(self) -> float:
        return self.rheobase_z * self.drive_unit

    @property
    def label(self) -> str:
        return model_label(self.name)


def _zero_mean_trains(rng: np.random.Generator, channels: int, duration_ms: float, grid_ms: float = 0.1):
    """Spike times of ``channels`` independent Bernoulli trains at :data:`_CHANNEL_HZ` on a ``grid_ms`` grid."""
    steps = int(round(duration_ms / grid_ms))
    hit = rng.random((channels, steps)) < _CHANNEL_HZ * grid_ms * 1e-3
    ch, k = np.nonzero(hit)
    return ch, k * grid_ms


def _weight(sd: float, channels: int, rate_scale_hz: float) -> float:
    """Unit weight that gives a zero-mean current of s.d. ``sd`` (activation units) from ``channels`` excitatory and
    as many inhibitory Poisson channels through exponential synapses: var = 2 r w^2 / (2 tau rate_scale^2)."""
    r = channels * _CHANNEL_HZ
    return float(sd * rate_scale_hz * math.sqrt(_TAU_SYN_MS * 1e-3 / r))


def _run_group(models: Sequence[tuple[str, Any]], biases: Sequence[np.ndarray], dt_ms: float, duration_ms: float,
               rate_scale_hz: float, *, seed: int, reliability: dict[str, Any] | None = None) -> list[list[np.ndarray]]:
    """One reference run, one population per model with the given biases; spike times per neuron per model."""
    synapse = ExpCurrentSynapse(tau_syn_ms=_TAU_SYN_MS) if reliability is not None else None  # None: no inputs
    pops = [NeuronPopulation(f"m{k}", len(b), bias=b, neuron=spec, synapse=synapse)
            for k, ((_, spec), b) in enumerate(zip(models, biases))]
    inputs, projs, values = [], [], None
    if reliability is not None:
        trials, first = reliability["trials"], reliability["first"]  # the trial neurons: first .. first + 2 trials
        inputs = [InputPopulation("frozen", 2 * _FROZEN_CHANNELS), InputPopulation("noise", 4 * trials)]
        for k, p in enumerate(pops):
            frozen = np.zeros((p.size, 2 * _FROZEN_CHANNELS), dtype=int)
            frozen[first:first + trials] = np.r_[np.ones(_FROZEN_CHANNELS, int), -np.ones(_FROZEN_CHANNELS, int)]
            noise = np.zeros((p.size, 4 * trials), dtype=int)
            for i in range(2 * trials):
                noise[first + i, 2 * i], noise[first + i, 2 * i + 1] = 1, -1
            projs += [Projection("frozen", p.name, frozen, reliability["w_frozen"]),
                      Projection("noise", p.name, noise, reliability["w_noise"])]
        values = {"frozen": reliability["frozen"], "noise": np.full((1, 4 * trials), _CHANNEL_HZ / rate_scale_hz)}
    circuit = Circuit("neuron_models", inputs=inputs, populations=pops, projections=projs)
    backend = ReferenceBackend(duration_ms=duration_ms, dt_ms=dt_ms, rate_scale_hz=rate_scale_hz, encoding="poisson")
    res = backend.run(circuit, values, seed=seed)
    out = []
    for k, p in enumerate(pops):
        tr = res.spikes[p.name]
        order = np.lexsort((tr.time_ms, tr.neuron))
        neuron, times = tr.neuron[order], tr.time_ms[order]
        cuts = np.searchsorted(neuron, np.arange(p.size + 1))
        out.append([times[cuts[i]:cuts[i + 1]] for i in range(p.size)])
    return out


def measure_models(models: Sequence[str] = DEFAULT_MODELS, *, rate_scale_hz: float = 100.0,
                   duration_ms: float = 500.0, trials: int = 20, reliability_drive: float = 1.0,
                   fluct_sd: float = 0.5, noise_sd: float = 0.1, settle_ms: float = 100.0, sigma_ms: float = 2.0,
                   seed: int = 0) -> list[ModelProfile]:
    """Measure every model of ``models`` (names as :func:`~neurocompare.models.neuron_from_name` reads them).

    Three reference runs per time step (see the module docstring); models with the same time step
    (``model_dt(..., fast=True)``) run side by side. With a spare core (:mod:`neurocompare.parallel`) every other
    model is measured in a second process: the same numbers, as every model gets the same seeded inputs. ``fluct_sd`` and ``noise_sd`` are the s.d. of the frozen fluctuating
    input and of each trial's own background, in activation units (of the current ``I_1``); ``reliability_drive``
    is the mean drive of the reliability trials.
    """
    if not models:
        raise ParameterError("measure_models: give at least one model, e.g. ('lif', 'izhikevich:RS').")
    if len(set(models)) != len(models):
        raise ParameterError(f"measure_models: models must be distinct; got {list(models)!r}.")
    if int(trials) < 2:
        raise ParameterError(f"measure_models: trials must be at least 2 (pairs of trials); got {trials!r}.")
    if not 0 <= settle_ms < duration_ms:
        raise ParameterError(f"measure_models: settle_ms must lie in [0, duration_ms); got {settle_ms!r}.")
    trials = int(trials)
    for name in models:  # unknown names fail here, before any process starts
        neuron_from_name(name, owner="neuron_models")
    options = dict(rate_scale_hz=rate_scale_hz, duration_ms=duration_ms, trials=trials,
                   reliability_drive=reliability_drive, fluct_sd=fluct_sd, noise_sd=noise_sd, settle_ms=settle_ms,
                   sigma_ms=sigma_ms, seed=seed)
    if len(models) > 1 and spare_cores() >= 1:  # every other model on a spare core: each model's numbers are its own
        with Background(_measure, list(models[1::2]), **options) as other:  # (the same seeded inputs in any group)
            mine = _measure(list(models[::2]), **options)
            theirs = other.result()
        return [(mine if k % 2 == 0 else theirs)[k // 2] for k in range(len(models))]
    return _measure(list(models), **options)


def _measure(models: Sequence[str], *, rate_scale_hz: float, duration_ms: float, trials: int, reliability_drive: float,
             fluct_sd: float, noise_sd: float, settle_ms: float, sigma_ms: float, seed: int) -> list[ModelProfile]:
    """:func:`measure_models` in this process, its arguments checked."""
    specs = [(name, neuron_from_name(name, owner="neuron_models")) for name in models]
    rng = np.random.default_rng(seed)
    ch, t = _zero_mean_trains(rng, 2 * _FROZEN_CHANNELS, duration_ms)
    frozen = GivenSpikes(np.zeros(len(t), int), ch, t, duration_ms=duration_ms, rate_scale_hz=rate_scale_hz,
                         batch_size=1)
    rel = {"trials": trials, "frozen": frozen, "w_frozen": _weight(fluct_sd, _FROZEN_CHANNELS, rate_scale_hz),
           "w_noise": _weight(noise_sd, 1, rate_scale_hz)}
    sweep = np.r_[FIT_GRID, WIDE_GRID, DENSE_GRID]
    rel["first"] = len(sweep)
    groups: dict[float, list[int]] = {}
    for k, (_, spec) in enumerate(specs):
        groups.setdefault(model_dt(spec, fast=True), []).append(k)
    profiles: dict[int, ModelProfile] = {}
    for dt, members in groups.items():
        group = [specs[k] for k in members]
        first = _run_group(group, [np.r_[sweep, np.full(2 * trials, reliability_drive)]] * len(group), dt,
                           duration_ms, rate_scale_hz, seed=seed, reliability=rel)
        # the rheobase in a long window (near it a neuron fires slowly; a short window puts it too high): 2001 drives
        # over the sweep's bracket widened downward (to half its top at least), in one run (neurons are cheap, runs are not), and one neuron at
        # twice the sweep's rheobase; then the onset: just above the rheobase, approaching it tenfold at a time
        window = max(duration_ms, ONSET_WINDOW_MS)
        refine_biases = []
        for (name, spec), trains in zip(group, first):
            order = np.argsort(sweep, kind="stable")
            fires = [k for k in order if fires_repetitively(trains[k], duration_ms)]
            if not fires:
                raise ParameterError(f"neuron_models: {name} never fires repetitively up to drive {sweep.max():g}.")
            hi = sweep[fires[0]]
            lo = max([z for z in sweep if z < hi], default=min(0.0, hi))
            refine_biases.append(np.r_[np.linspace(max(min(lo - (hi - lo), 0.5 * hi), 0.0), hi, _LONG_GRID), 2.0 * hi])
        second = _run_group(group, refine_biases, dt, window, rate_scale_hz, seed=seed)
        found = [_rheobase(t[:-1], b[:-1], window) for t, b in zip(second, refine_biases)]
        steps = [onset_steps(res) for _, res in found]
        third = _run_group(group, [rheo * (1.0 + np.array(st)) if st else np.array([rheo])
                                   for (rheo, _), st in zip(found, steps)], dt, window, rate_scale_hz, seed=seed)
        for k, (name, spec), trains, fine_trains, biases, (rheo, res), st, near in zip(
                members, group, first, second, refine_biases, found, steps, third):
            onset = onset_from_trains(st, near[:len(st)], resolution=res, duration_ms=window)
            at_rheo = fine_trains[int(np.argmin(np.abs(biases[:-1] - rheo)))]
            double = fine_trains[-1]
            profiles[k] = _profile(name, spec, dt, trains, double[double < duration_ms], rheo,
                                   len(at_rheo) / (window * 1e-3), onset, rate_scale_hz=rate_scale_hz,
                                   duration_ms=duration_ms, trials=trials, settle_ms=settle_ms, sigma_ms=sigma_ms,
                                   first=rel["first"], reliability_drive=reliability_drive)
    return [profiles[k] for k in range(len(specs))]


def _rheobase(fine_trains: list, fine: np.ndarray, duration_ms: float) -> tuple[float, float]:
    """(the rheobase drive: the first of the drives ``fine`` (ascending) that fires repetitively, its relative
    resolution; inf if no drive below it was silent)."""
    ok = np.array([fires_repetitively(t, duration_ms) for t in fine_trains])
    j = int(np.argmax(ok)) if ok.any() else len(fine) - 1
    rheo = float(fine[j])
    if j == 0 or not rheo:  # no silent drive below it: not bracketed
        return rheo, math.inf
    return rheo, abs(float(fine[1] - fine[0])) / abs(rheo)


def _profile(name: str, spec: Any, dt: float, trains: list, double: np.ndarray, rheobase_z: float, first_rate: float,
             onset: Onset, *,
             rate_scale_hz: float, duration_ms: float, trials: int, settle_ms: float, sigma_ms: float, first: int,
             reliability_drive: float) -> ModelProfile:
    window_s = duration_ms * 1e-3
    n_fit, n_wide = len(FIT_GRID), len(WIDE_GRID)
    counts = np.array([len(t) for t in trains[:first]], dtype=float)
    rate_z = counts[:n_fit] / window_s / rate_scale_hz
    fit_max_z = float(FIT_GRID[int(np.argmax(rate_z))])  # past the highest rate a model may fall silent (HH: block)
    upto = FIT_GRID <= fit_max_z
    fits = {kind: fit_activation(FIT_GRID[upto], rate_z[upto], kind) for kind in FIT_KINDS}
    latency = np.array([t[0] if len(t) else np.nan for t in trains[:n_fit]])
    swept = np.r_[FIT_GRID, WIDE_GRID]
    top = int(np.argmax(counts[:n_fit + n_wide]))
    late = double[double >= duration_ms / 2]
    adapt = adaptation_index(double, duration_ms=duration_ms) if len(double) >= 2 and len(late) >= 1 else math.nan
    rel = [t[t >= settle_ms] for t in trains[first:first + 2 * trials]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NoSpikesWarning)  # a silent condition is NaN in the table
        r_frozen = schreiber_reliability(rel[:trials], sigma_ms=sigma_ms)
        r_const = schreiber_reliability(rel[trials:], sigma_ms=sigma_ms)
    span_s = (duration_ms - settle_ms) * 1e-3
    unit = calibrate(spec, rate_scale_hz=rate_scale_hz, dt_ms=dt).current if spec.calibrated and \
        spec.drive_unit is None else (spec.drive_unit or rate_scale_hz)
    return ModelProfile(
        name=name, dt_ms=dt, drive_unit=float(unit), current_unit=spec.current_unit, z=FIT_GRID.copy(),
        rate_z=rate_z, fits=fits, latency_ms=latency, rheobase_z=rheobase_z,
        onset=onset.kind, rate_above_rheobase_hz=first_rate, onset_detail=onset,
        saturation_hz=float(counts[top] / window_s), saturation_z=float(swept[top]), adaptation_index=adapt,
        latency_2x_ms=float(double[0]) if len(double) else math.nan, reliability_frozen=r_frozen,
        reliability_constant=r_const, rate_frozen_hz=sum(map(len, rel[:trials])) / trials / span_s,
        rate_constant_hz=sum(map(len, rel[trials:])) / trials / span_s,
        fit_max_z=fit_max_z, extra={"reliability_drive": reliability_drive, "sigma_ms": sigma_ms})


def profile_metrics(profiles: Sequence[ModelProfile]) -> dict[str, Metric]:
    """The metrics ``QUANTITY.MODEL`` of every profile, plus how many models each activation fits best."""
    out: dict[str, Metric] = {}
    for p in profiles:
        s, lab = model_slug(p.name), p.label
        for kind, (_, rmse) in p.fits.items():
            out[f"fit_rmse.{kind}.{s}"] = metric(rmse, "activation units",
                                                 f"{lab}: RMSE of the least-squares scaled {kind} fit to the f-I curve "
                                                 f"(rate / rate scale, drives {FIT_GRID[0]:g} to {p.fit_max_z:g})")
        _, _, _, ranked = rank_fits({k: r for k, (_, r) in p.fits.items()})
        out[f"best_fit_rmse.{s}"] = metric(p.fits[p.best_fit][1], "activation units",
                                           f"{lab}: RMSE of the best-fitting activation: {ranked}, over drives "
                                           f"{FIT_GRID[0]:g} to {p.fit_max_z:g}")
        window = f"{2e3 / p.onset_detail.floor_hz:g}-ms window" if p.onset_detail is not None else "window"
        out[f"rheobase_drive.{s}"] = metric(p.rheobase_z, "activation units",
                                            f"{lab}: smallest drive with repetitive firing (>= 2 spikes in the "
                                            f"second half of a {window}, {p.dt_ms:g}-ms steps)")
        out[f"rheobase_current.{s}"] = metric(p.rheobase_current, p.current_unit,
                                              f"{lab}: the rheobase in the model's own current unit")
        detail = p.onset_detail.evidence() if p.onset_detail is not None else f"type {p.onset}"
        out[f"onset_type_ii.{s}"] = metric({"II": 1.0, "I": 0.0}.get(p.onset, math.nan),
                                           "1 = type II, 0 = type I, NaN = undecided",
                                           f"{lab}: Hodgkin's onset class, {detail}")
        if p.onset_detail is not None:
            out[f"onset_lowest_rate_hz.{s}"] = metric(p.onset_detail.lowest_rate_hz, "Hz",
                                                      f"{lab}: the lowest sustained rate found just above the rheobase "
                                                      f"(at +{100 * p.onset_detail.steps[-1]:g} % of it)"
                                                      if p.onset_detail.steps else f"{lab}: not probed")
            res = p.onset_detail.resolution
            out[f"rheobase_resolution.{s}"] = metric(res if math.isfinite(res) else math.nan, "fraction of the rheobase",
                                                     f"{lab}: how finely the rheobase was resolved" if math.isfinite(res)
                                                     else f"{lab}: the rheobase was not bracketed (NaN)")
        out[f"saturation_rate_hz.{s}"] = metric(p.saturation_hz, "Hz",
                                                f"{lab}: highest rate for drives up to {WIDE_GRID[-1]:g} (at drive "
                                                f"{p.saturation_z:g})")
        out[f"adaptation_index.{s}"] = metric(p.adaptation_index, "1",
                                              f"{lab}: 1 - f_inf / f_0 at twice the rheobase (NaN: too few spikes)")
        out[f"first_spike_latency_ms.{s}"] = metric(p.latency_2x_ms, "ms",
                                                    f"{lab}: first spike from rest at twice the rheobase")
        out[f"reliability_frozen.{s}"] = metric(p.reliability_frozen, "1",
                                                f"{lab}: Schreiber reliability across trials, frozen fluctuating "
                                                f"input ({p.rate_frozen_hz:.3g} Hz)")
        out[f"reliability_constant.{s}"] = metric(p.reliability_constant, "1",
                                                  f"{lab}: Schreiber reliability across trials, constant input of the "
                                                  f"same mean ({p.rate_constant_hz:.3g} Hz)")
    for kind in FIT_KINDS:
        out[f"best_fit_count.{kind}"] = metric(sum(p.best_fit == kind for p in profiles), "models",
                                               f"how many of the {len(profiles)} models {kind} fits best")
    gain = [p.reliability_frozen - p.reliability_constant for p in profiles]
    out["reliability_gain_mean"] = metric(float(np.nanmean(gain)) if np.isfinite(gain).any() else math.nan, "1",
                                          "mean over models of reliability (frozen) - reliability (constant)")
    return out


def fi_panels(profiles: Sequence[ModelProfile], *, rate_scale_hz: float) -> list[Panel]:
    """The f-I curves at a glance: one small panel per model (shared axes), the measured rate / rate scale and the
    three fitted activations overlaid (drawn as small multiples: a panel named ``grid_*``)."""
    series: dict[str, np.ndarray] = {}
    notes = []
    for p in profiles:
        upto = p.z <= p.fit_max_z
        series[f"{p.label} (best: {p.best_fit}) | measured"] = p.rate_z
        for kind, (params, rmse) in p.fits.items():
            series[f"{p.label} (best: {p.best_fit}) | {kind} fit"] = np.where(upto, evaluate_fit(kind, params, p.z),
                                                                             np.nan)
        rmse = ", ".join(f"{kind} {r:.2g}" for kind, (_, r) in p.fits.items())
        notes.append(f"{p.label}: type {p.onset}, rheobase {p.rheobase_z:.3g}, RMSE {rmse}"
                     + (f", fitted up to drive {p.fit_max_z:g} (silent past its highest rate)"
                        if p.fit_max_z < p.z[-1] else ""))
    return [Panel("grid_fi", "Which activation does each neuron compute? f-I curves with relu, sigmoid and tanh fitted",
                  f"Rate / {rate_scale_hz:g} Hz vs constant drive (1.0 = the current that fires the model at "
                  f"{rate_scale_hz:g} Hz; the LIF family in its own units), each model at its time step; the three "
                  "activations scaled and fitted by least squares. " + "; ".join(notes) + ".",
                  "lines", x=profiles[0].z, series=series,
                  xlabel="drive (1.0 = fires at the rate scale)", ylabel="rate / rate scale")]


def latency_panel(profiles: Sequence[ModelProfile], *, cap_ms: float = 50.0) -> Panel:
    """First-spike latency from rest vs drive, one line per model (latencies above ``cap_ms`` left out and named)."""
    z = profiles[0].z
    keep = z > 0
    long = [f"{p.label} {np.nanmax(p.latency_ms):.0f} ms at drive {z[np.nanargmax(p.latency_ms)]:g}"
            for p in profiles if np.any(p.latency_ms[keep] > cap_ms)]
    note = f" Left out (above {cap_ms:g} ms, just above rheobase): {'; '.join(long)}." if long else ""
    return Panel("latency", "First-spike latency vs drive",
                 "Time from the onset of a constant drive (from rest) to the first spike; gaps: no spike in the "
                 "window. Near rheobase the membrane creeps towards threshold (long latencies, longest for the LIF "
                 f"family); well above it every model answers within a few ms.{note}",
                 "lines", x=z[keep], series={p.label: np.where(p.latency_ms[keep] > cap_ms, np.nan,
                                                               p.latency_ms[keep]) for p in profiles},
                 xlabel="drive (activation units)", ylabel="first-spike latency (ms)")


def reliability_panel(profiles: Sequence[ModelProfile], *, trials: int) -> Panel:
    """Schreiber reliability per model, frozen fluctuating vs constant input."""
    p0 = profiles[0]
    return Panel("reliability", "Spike-time reliability: frozen fluctuating vs constant input",
                 f"Mainen & Sejnowski (1995): {trials} trials per condition, each with its own small background "
                 f"noise, mean drive {p0.extra['reliability_drive']:g}. The same fluctuating input in every trial "
                 "pins the spike times; a constant input lets them drift apart. Schreiber et al. (2003) correlation "
                 f"measure (Gaussian filter, s.d. {p0.extra['sigma_ms']:g} ms), after the onset transient. For "
                 "scale: independent trains at 100 Hz score about 0.45 (Poisson) to 0.69 (regular, random phases) "
                 "by chance with s.d. 2 ms.",
                 "bars", x=[p.label for p in profiles],
                 series={"frozen fluctuating input": [p.reliability_frozen for p in profiles],
                         "constant input, same mean": [p.reliability_constant for p in profiles]},
                 xlabel="model", ylabel="reliability (0 to 1)")


def _fmt(v: float, spec: str = ".3g") -> str:
    return "NaN" if not math.isfinite(v) else format(v, spec)


def _onset_cell(p: ModelProfile) -> str:
    """``I (5.07 Hz at +0.1 %, falling 12 % per tenfold approach)``: the class and its evidence, short."""
    o = p.onset_detail
    if o is None or not o.steps:
        return p.onset
    fall = o.last_decade_fall
    trend = "" if not math.isfinite(fall) else f", {'falling' if fall >= 0 else 'rising'} {abs(fall):.0%} per tenfold approach"
    rate = f"{_fmt(o.rates_hz[-1])} Hz" if math.isfinite(o.rates_hz[-1]) else f"below {o.floor_hz:g} Hz"
    why = {"bursts": ": bursts", "rises": ": the rate rises again", "floor": ": at the window's floor"}.get(o.irregular, "")
    return f"{p.onset}{why} ({rate} at +{100 * o.steps[-1]:g} %{trend})"


def summary_panel(profiles: Sequence[ModelProfile]) -> Panel:
    """The per-model table: best activation, onset, rheobase, saturation, adaptation, latency, reliability."""
    columns = ("model", "dt (ms)", "best fit (RMSE; tied: within 10 %)", "relu / sigmoid / tanh RMSE", "onset", "rheobase: drive",
               "rheobase: current", "saturation (Hz)", "adaptation index", "latency at 2x rheobase (ms)",
               "reliability: frozen / constant")
    rows = []
    for p in profiles:
        rmse = " / ".join(_fmt(p.fits[k][1], ".2g") for k in FIT_KINDS)
        _, second, tied, _ = rank_fits({k: r for k, (_, r) in p.fits.items()})
        best = f"{p.best_fit} ({_fmt(p.fits[p.best_fit][1], '.2g')})" + (f", tied with {second}" if tied else "")
        rows.append((p.label, f"{p.dt_ms:g}", best, rmse,
                     _onset_cell(p), _fmt(p.rheobase_z), f"{_fmt(p.rheobase_current)} {p.current_unit}",
                     _fmt(p.saturation_hz, ".4g"), _fmt(p.adaptation_index, ".2f"), _fmt(p.latency_2x_ms),
                     f"{_fmt(p.reliability_frozen, '.2f')} / {_fmt(p.reliability_constant, '.2f')}"))
    return Panel("models_table", "Which activation does each neuron model compute?",
                 "Per model, in calibrated drive units (1.0 fires at the rate scale): the best-fitting scaled "
                 "activation over the f-I curve, Hodgkin's onset class (from how the sustained rate behaves as the "
                 "drive approaches the rheobase tenfold at a time: type I keeps falling, type II stays), rheobase, the "
                 "highest rate up to drive 10, "
                 "spike-frequency adaptation and first-spike latency at twice the rheobase, and spike-time "
                 "reliability with a frozen fluctuating vs a constant input.", "table", columns=columns, rows=rows)
