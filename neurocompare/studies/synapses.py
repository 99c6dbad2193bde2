"""Is a synapse a weight? Delta, exponential-current and conductance synapses measured on one neuron model.

Three measurements, each ONE batched Brian2 run holding every synapse model side by side (one population per
model, so every model sees the same input spikes):

- :func:`summation_window`: two input spikes (:class:`~neurocompare.spike_input.GivenSpikes`, two input neurons)
  at intervals 0..30 ms; the peak depolarisation above rest (recorded membrane) gives the *summation curve*
  ``S(dt) = (peak(pair) - peak(one)) / peak(one)`` (1 at coincidence for a linear synapse, 0 for independent
  spikes) whose half-width is the summation window; a second run with weights scaled so that one spike alone
  peaks at ``fire_peak`` of the threshold gap (subthreshold) and two coincident ones cross it gives the
  *firing window*: the largest interval at which the pair still fires.
- :func:`effective_weight`: the membrane held at several potentials (a constant bias), one input spike, the
  PSP = v with the spike minus v without (the same run, two samples); its peak vs the holding potential and its
  charge relative to the delta synapse's (``integral(dv) / integral(dv_delta)``). A linear fit of the peak vs the
  holding potential gives the reversal potential it implies (x-intercept). For the LIF the conductance PSP is
  exactly proportional to ``e - v_hold`` (the PSP obeys a linear equation driven by ``g(t) (e - v_hold)``).
- :func:`inhibition_fi`: f-I curves (bias sweep) without inhibition and with Poisson inhibition through each
  synapse model (conductance with ``e_inh`` at rest: shunting), fitted with relu ``a max(z - c, 0)``: gain ``a``
  and offset ``c``. Measured for a LIF: shunting is *not* divisive (Holt & Koch 1997): it shifts the curve like
  current inhibition, with a higher gain (see ``tests/models/test_behaviour.py``).
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np

from ..backends.brian2 import SpikingBackend
from ..circuit import Circuit, InputPopulation, NeuronPopulation, Projection
from ..comparison import Panel
from ..errors import UnknownNameError
from ..metrics import fit_activation
from ..models import DeltaSynapse, ExpConductanceSynapse, ExpCurrentSynapse
from ..spike_input import GivenSpikes
from .common import metric, with_models

__all__ = ["synapse_set", "potential_label", "summation_window", "effective_weight", "inhibition_fi",
           "summary_panel", "MODELS"]

#: The synapse models compared, in report order.
MODELS = ("delta", "exp_current", "conductance")


def synapse_set(tau_syn_ms: float = 5.0, e_exc: float | None = None, e_inh: float | None = None) -> dict[str, Any]:
    """One spec per model name of :data:`MODELS` (both exponential synapses with ``tau_syn_ms``)."""
    return {"delta": DeltaSynapse(), "exp_current": ExpCurrentSynapse(tau_syn_ms=tau_syn_ms),
            "conductance": ExpConductanceSynapse(tau_syn_ms=tau_syn_ms, e_exc=e_exc, e_inh=e_inh)}


def _rest_gap(neuron: Any) -> tuple[float, float, float]:
    rest = neuron.resting_potential()
    v_th = neuron.threshold_gap()[1]
    return rest, v_th, v_th - rest


def potential_label(neuron: Any) -> str:
    """The unit of the neuron's membrane potential: "mV" for the biophysical models, else threshold gaps."""
    return "threshold gaps" if hasattr(neuron, "tau_m_ms") else "mV"


def _backend(duration_ms: float, rate_scale_hz: float, dt_ms: float, **kw: Any) -> SpikingBackend:
    return SpikingBackend(duration_ms=duration_ms, rate_scale_hz=rate_scale_hz, dt_ms=dt_ms, **kw)


def _weight(neuron: Any, fraction: float, rate_scale_hz: float, dt_ms: float) -> float:
    """The circuit weight whose delta jump is ``fraction`` of the neuron's threshold gap (the LIF: the fraction)."""
    unit = _backend(dt_ms, rate_scale_hz, dt_ms).potential_unit(neuron)
    return fraction * _rest_gap(neuron)[2] / unit


def _crossing(x: np.ndarray, y: np.ndarray, level: float) -> float:
    """First x where y falls below ``level`` (linear interpolation); the last x if it never does."""
    below = np.flatnonzero(y < level)
    if not len(below):
        return float(x[-1])
    k = below[0]
    if k == 0:
        return float(x[0])
    return float(x[k - 1] + (x[k] - x[k - 1]) * (y[k - 1] - level) / (y[k - 1] - y[k]))


# ----------------------------------------------------------------------------------------------- summation
def _pair_run(neuron, synapses, weights, intervals, *, first_ms, tail_ms, rate_scale_hz, dt_ms, seed):
    """Peak depolarisation (model, sample) over a sample without input spikes, and spike counts; samples: the
    intervals, then one spike alone, then no spike (the baseline: the membrane need not sit at rest)."""
    n = len(intervals)
    duration = first_ms + float(np.max(intervals)) + tail_ms
    pops = [NeuronPopulation(f"sum_{m}", 1, neuron=neuron, synapse=s) for m, s in synapses.items()]
    projs = [Projection("pre", f"sum_{m}", [[1, 1]], weights[m]) for m in synapses]
    circuit = Circuit("summation", inputs=[InputPopulation("pre", 2)], populations=pops, projections=projs)
    sample = np.r_[np.arange(n), np.arange(n), n]
    nrn = np.r_[np.zeros(n, int), np.ones(n, int), 0]
    times = np.r_[np.full(n, first_ms), first_ms + np.asarray(intervals, float), first_ms]
    given = GivenSpikes(sample, nrn, times, duration_ms=duration, rate_scale_hz=rate_scale_hz, batch_size=n + 2)
    res = _backend(duration, rate_scale_hz, dt_ms).run(circuit, {"pre": given}, seed=seed,
                                                          record_voltage={p.name: [0] for p in pops})
    peaks = {}
    for m in synapses:
        v = res.voltages[f"sum_{m}"].v[:, 0, :]
        peaks[m] = (v[: n + 1] - v[n + 1]).max(axis=1)
    fired = {m: res.spikes[f"sum_{m}"].counts()[: n + 1, 0] for m in synapses}
    return peaks, fired


def summation_window(neuron: Any, synapses: Mapping[str, Any], *, rate_scale_hz: float = 200.0,
                     weight: float = 0.1, fire_peak: float = 0.6, max_interval_ms: float = 30.0,
                     step_ms: float = 0.5, first_ms: float = 10.0, tail_ms: float = 60.0, dt_ms: float = 0.1,
                     seed: int = 0) -> tuple[dict, dict]:
    """Temporal summation of two spikes per synapse model (module docstring). Two runs (``weight``: the delta jump
    as a fraction of the threshold gap; then weights scaled so one spike peaks at ``fire_peak`` of the gap).
    Returns (data, metrics): data holds the intervals, the curves S, fired flags and the scaled weights."""
    intervals = np.arange(0.0, max_interval_ms + step_ms / 2, step_ms)
    n = len(intervals)
    kw = dict(first_ms=first_ms, tail_ms=tail_ms, rate_scale_hz=rate_scale_hz, dt_ms=dt_ms, seed=seed)
    weight = _weight(neuron, weight, rate_scale_hz, dt_ms)
    peaks, _ = _pair_run(neuron, synapses, dict.fromkeys(synapses, weight), intervals, **kw)
    gap = _rest_gap(neuron)[2]
    single = {m: peaks[m][n] for m in synapses}
    fire_w = {m: weight * fire_peak * gap / single[m] for m in synapses}  # peak-matched (linear scaling)
    fpeaks, fired = _pair_run(neuron, synapses, fire_w, intervals, **kw)
    data = {"intervals_ms": intervals, "curve": {}, "fired": {}, "weights": fire_w}
    metrics = {}
    for m in synapses:
        curve = (peaks[m][:n] - single[m]) / single[m]
        fires = fired[m][:n] > 0
        window = float(intervals[np.argmin(fires)] - step_ms) if not fires.all() else float(intervals[-1])
        window = window if fires[0] and not fired[m][n] else math.nan
        data["curve"][m], data["fired"][m] = curve, fires
        metrics[f"summation_halfwidth_ms.{m}"] = metric(
            _crossing(intervals, curve, 0.5), "ms", f"{m}: interval at which the second spike's extra peak "
            "depolarisation falls to half its value at coincidence (weight small, no spike)")
        metrics[f"summation_window_ms.{m}"] = metric(
            window, "ms", f"{m}: largest interval at which two spikes still fire the neuron, weights scaled so "
            f"one spike alone peaks at {fire_peak:g} of the threshold gap (NaN: the coincident pair does not fire, "
            "or one spike alone fires)")
        metrics[f"coincident_sum_ratio.{m}"] = metric(
            peaks[m][0] / (2 * single[m]), "ratio", f"{m}: peak of two coincident spikes / twice one spike's "
            "(1: linear summation; < 1: sublinear)")
        metrics[f"single_fires.{m}"] = metric(float(fired[m][n] > 0), "flag",
                                              f"{m}: one spike alone fires (should be 0)")
        metrics[f"psp_peak_per_weight.{m}"] = metric(single[m] / weight, "per weight", f"{m}: one spike's peak "
                                                     "depolarisation at rest per unit of weight (potential units)")
    return data, metrics


def summation_panel(data: Mapping[str, Any]) -> Panel:
    return Panel("summation", "Temporal summation of two spikes", "Extra peak depolarisation of the second spike "
                 "(pair peak - single peak) / single peak vs the interval between them, per synapse model: 1 = "
                 "full summation, 0 = independent. Delta synapses sum over the membrane time constant only; "
                 "exponential synapses stretch the window by their decay.", "lines",
                 x=data["intervals_ms"], series={m: c for m, c in data["curve"].items()},
                 xlabel="interval between the two spikes (ms)", ylabel="summation (fraction of one PSP)")


# ----------------------------------------------------------------------------------------------- holding
def _holding_biases(neuron: Any, levels: np.ndarray, rate_scale_hz: float, dt_ms: float) -> np.ndarray:
    """Bias (drive units) that holds the membrane at each potential: exact for the LIF, else from a sweep."""
    rest = _rest_gap(neuron)[0]
    if hasattr(neuron, "steady_state") and math.isfinite(getattr(neuron, "tau_m_ms", math.inf)):
        return (levels - rest) / (neuron.tau_m_ms * 1e-3 * rate_scale_hz)
    z = np.linspace(-2.0, 1.0, 121)
    circuit = Circuit("hold", populations=[NeuronPopulation("n", len(z), bias=z, neuron=neuron)])
    res = _backend(300.0, rate_scale_hz, dt_ms).run(circuit, seed=0)
    v = res.final_v["n"][0] if hasattr(res, "final_v") else None
    quiet = res.spikes["n"].counts()[0] == 0
    last = int(np.argmin(quiet)) if not quiet.all() else len(z)
    zq, vq = z[:last], np.asarray(v)[:last]
    return np.interp(levels, vq, zq, left=np.nan, right=np.nan)


def effective_weight(neuron: Any, synapses: Mapping[str, Any], *, rate_scale_hz: float = 200.0,
                     weight: float = 0.05, levels: Sequence[float] | None = None, settle_ms: float = 150.0,
                     after_ms: float = 150.0, dt_ms: float = 0.1, seed: int = 0) -> tuple[dict, dict]:
    """PSP vs holding potential per synapse model, excitatory and inhibitory (module docstring). ``weight``: the
    delta jump as a fraction of the threshold gap; ``levels``: holding potentials as fractions of the threshold gap
    above rest (default -2 .. 0.9). One run, two samples (neurons that fire give NaN)."""
    rest, v_th, gap = _rest_gap(neuron)
    levels = np.linspace(-2.0, 0.9, 30) if levels is None else np.asarray(levels, float)
    bias = _holding_biases(neuron, rest + levels * gap, rate_scale_hz, dt_ms)
    keep = np.isfinite(bias)
    levels, bias = levels[keep], bias[keep]
    h = len(levels)
    duration = settle_ms + after_ms
    weight = _weight(neuron, weight, rate_scale_hz, dt_ms)
    pops, projs = [], []
    for m, s in synapses.items():
        for sign, kind in ((1, "exc"), (-1, "inh")):
            pops.append(NeuronPopulation(f"{kind}_{m}", h, bias=bias, neuron=neuron, synapse=s))
            projs.append(Projection("pre", f"{kind}_{m}", np.full((h, 1), sign), weight))
    circuit = Circuit("holding", inputs=[InputPopulation("pre", 1)], populations=pops, projections=projs)
    given = GivenSpikes([1], [0], [settle_ms], duration_ms=duration, rate_scale_hz=rate_scale_hz, batch_size=2)
    res = _backend(duration, rate_scale_hz, dt_ms).run(circuit, {"pre": given}, seed=seed,
                                                          record_voltage={p.name: range(h) for p in pops})
    k0 = int(round(settle_ms / dt_ms))
    v_hold = res.voltages[pops[0].name].v[0, :, k0]
    data = {"v_hold": v_hold, "peak": {}, "charge": {}, "fit": {}}
    integral = {}
    for p in pops:
        diff = res.voltages[p.name].v[1, :, k0:] - res.voltages[p.name].v[0, :, k0:]
        at = np.argmax(np.abs(diff), axis=1)
        data["peak"][p.name] = diff[np.arange(h), at]
        integral[p.name] = diff.sum(axis=1) * dt_ms
        fired = res.spikes[p.name].counts().any(axis=0)  # the neuron fired: not a PSP (NaN)
        data["peak"][p.name] = np.where(fired, np.nan, data["peak"][p.name])
        integral[p.name] = np.where(fired, np.nan, integral[p.name])
    e_exc, e_inh = synapses["conductance"].reversal(neuron) if "conductance" in synapses else (math.nan, math.nan)
    metrics = {}
    unit = potential_label(neuron)
    for m in synapses:
        for kind in ("exc", "inh"):
            name = f"{kind}_{m}"
            data["charge"][name] = integral[name] / integral[f"{kind}_delta"] if "delta" in synapses else None
            ok = np.isfinite(data["peak"][name])
            vh, peak = v_hold[ok], data["peak"][name][ok]
            slope, icpt = np.polyfit(vh, peak, 1)
            lin = float(np.max(np.abs(peak - icpt - slope * vh)) / np.max(np.abs(peak)))
            data["fit"][name] = (slope, icpt)
            reversal = -icpt / slope if abs(slope) * gap > 1e-6 * np.max(np.abs(peak)) else math.nan
            label = "excitatory" if kind == "exc" else "inhibitory"
            metrics[f"psp_at_rest.{name}"] = metric(icpt + slope * rest, unit,
                                                    f"{m} {label}: peak PSP, membrane at rest (fit)")
            metrics[f"psp_at_threshold.{name}"] = metric(icpt + slope * v_th, unit,
                                                         f"{m} {label}: peak PSP, membrane held at threshold (fit)")
            metrics[f"psp_variation.{name}"] = metric(float(np.ptp(peak) / np.max(np.abs(peak))), "fraction",
                                                      f"{m} {label}: range of the peak PSP over the holding potentials "
                                                      "where the neuron stays silent / its largest size (0: a fixed "
                                                      "weight)")
            metrics[f"psp_linearity_error.{name}"] = metric(lin, "fraction", f"{m} {label}: largest deviation of "
                                                            "the peak PSP from its linear fit in v / largest PSP")
            metrics[f"fitted_reversal.{name}"] = metric(reversal, unit, f"{m} {label}: x-intercept of the linear fit"
                                                        " peak PSP vs holding potential (NaN: no dependence)")
            if data["charge"][name] is not None:
                ok = np.isfinite(data["charge"][name])
                vh, c = v_hold[ok], data["charge"][name][ok]
                metrics[f"effective_weight_at_rest.{name}"] = metric(
                    np.interp(rest, vh, c), "x delta", f"{m} {label}: charge of one spike (integral of the PSP) "
                    "/ the delta synapse's, membrane at rest")
                metrics[f"effective_weight_at_threshold.{name}"] = metric(
                    np.polyval(np.polyfit(vh, c, 1), v_th), "x delta", f"{m} {label}: charge / the delta "
                    "synapse's, extrapolated (linear fit) to the membrane at threshold")
    metrics["spec_e_exc"] = metric(e_exc, unit, "the conductance synapse's excitatory reversal potential (spec)")
    metrics["spec_e_inh"] = metric(e_inh, unit, "the conductance synapse's inhibitory reversal potential (spec)")
    return data, metrics


def holding_panel(data: Mapping[str, Any], neuron: Any) -> Panel:
    unit = potential_label(neuron)
    return Panel("effective_weight", "One synapse's effect vs the membrane potential", "Peak PSP (v with one "
                 "input spike minus v without, same run) vs the holding potential, excitatory (exc_) and inhibitory "
                 "(inh_) synapses of the same weight. Delta and exponential-current PSPs do not depend on v; "
                 "conductance PSPs fall linearly towards their reversal potential (the inhibitory one changes sign "
                 "at e_inh).", "lines", x=data["v_hold"], series=dict(data["peak"]),
                 xlabel=f"holding potential ({unit})", ylabel=f"peak PSP ({unit})")


# ----------------------------------------------------------------------------------------------- inhibition
def inhibition_fi(neuron: Any, synapses: Mapping[str, Any], *, rate_scale_hz: float = 200.0,
                  n_inputs: int = 200, unit_weight: float = 0.01, rate_hz: float = 50.0,
                  z: Sequence[float] | None = None, duration_ms: float = 2000.0, max_rate_hz: float = 100.0,
                  dt_ms: float = 0.1, seed: int = 1) -> tuple[dict, dict]:
    """f-I curves without and with Poisson inhibition through each synapse model (the conductance one with
    ``e_inh`` at rest: shunting); relu fits (gain a, offset c) where the rate <= ``max_rate_hz``. One run."""
    z = np.linspace(0.0, 2.0, 41) if z is None else np.asarray(z, float)
    n = len(z)
    rest = _rest_gap(neuron)[0]
    syn = {m: (ExpConductanceSynapse(s.tau_syn_ms, e_exc=s.e_exc, e_inh=rest) if m == "conductance" else s)
           for m, s in synapses.items()}
    pops = [NeuronPopulation("none", n, bias=z, neuron=neuron)]
    pops += [NeuronPopulation(f"inh_{m}", n, bias=z, neuron=neuron, synapse=s) for m, s in syn.items()]
    projs = [Projection("inh", f"inh_{m}", -np.ones((n, n_inputs), int), unit_weight) for m in syn]
    circuit = Circuit("inhibition", inputs=[InputPopulation("inh", n_inputs)], populations=pops, projections=projs)
    backend = _backend(duration_ms, rate_scale_hz, dt_ms, encoding="poisson", synapse_mode="aggregate")
    res = backend.run(circuit, {"inh": np.full((1, n_inputs), rate_hz / rate_scale_hz)}, seed=seed)
    rates = {p.name: res.activations[p.name][0] * rate_scale_hz for p in pops}
    fits = {}
    for name, r in rates.items():
        ok = r <= max_rate_hz
        (a, c), _ = fit_activation(z[ok], r[ok] / rate_scale_hz, "relu")
        fits[name] = (float(a), float(c))
    g = n_inputs * rate_hz * unit_weight / rate_scale_hz
    metrics = {"inhibition_drive": metric(g, "bias units", f"mean inhibitory drive: {n_inputs} Poisson inputs at "
                                          f"{rate_hz:g} Hz x weight {unit_weight:g} (current synapses: an offset "
                                          "shift of this size expected)")}
    a0, c0 = fits["none"]
    for m in syn:
        a, c = fits[f"inh_{m}"]
        metrics[f"inhibition_gain_ratio.{m}"] = metric(a / a0, "ratio", f"{m} inhibition: fitted relu gain / gain "
                                                       "without inhibition (< 1: divisive)")
        metrics[f"inhibition_offset_shift.{m}"] = metric(c - c0, "bias units", f"{m} inhibition: fitted relu "
                                                         "offset - offset without inhibition (> 0: subtractive)")
    if "conductance" in syn and "exp_current" in syn:
        metrics["shunting_gain_vs_current"] = metric(
            fits["inh_conductance"][0] / fits["inh_exp_current"][0], "ratio", "gain with shunting (conductance, "
            "e_inh at rest) / gain with charge-matched current inhibition (> 1: shunting is NOT divisive here)")
    return {"z": z, "rates": rates, "fits": fits}, metrics


def inhibition_panel(data: Mapping[str, Any], rate_scale_hz: float = 200.0) -> Panel:
    return Panel("inhibition_fi", "Shunting vs subtractive inhibition", "Firing rate vs excitatory bias without "
                 "inhibition and with the same Poisson inhibition through each synapse model (conductance: e_inh at "
                 "rest, shunting). For a LIF, shunting shifts the curve (like current inhibition) with a higher gain "
                 "- it is not divisive (Holt & Koch 1997). Divisive gain control by balanced noisy excitation and inhibition "
                 "(Chance, Abbott & Reyes 2002) is not reproduced here.", "lines", x=data["z"],
                 series={k: v for k, v in data["rates"].items()}, xlabel=f"bias (x {rate_scale_hz:g} /s)",
                 ylabel="rate (Hz)")


def summary_panel(models: Sequence[str], metrics: Mapping[str, Any], compared: Mapping[str, Any]) -> Panel:
    """One row per synapse model: the headline numbers of the three studies and of compare()."""
    def f(name, fmt="{:.3g}"):
        m = metrics.get(name)
        return "-" if m is None or not math.isfinite(m.value) else fmt.format(m.value)
    rows = [[m, f(f"summation_window_ms.{m}"), f(f"summation_halfwidth_ms.{m}"),
             f(f"effective_weight_at_rest.exc_{m}"), f(f"effective_weight_at_threshold.exc_{m}"),
             f(f"fitted_reversal.exc_{m}"), f(f"fitted_reversal.inh_{m}"), f(f"inhibition_gain_ratio.{m}"),
             f(f"inhibition_offset_shift.{m}"), compared.get(m, "-")] for m in models]
    return Panel("synapse_summary", "Is a synapse a weight? One row per synapse model", "Firing window: largest "
                 "interval at which two spikes (each alone subthreshold) still fire; half-width: of the summation "
                 "curve; effective weight: charge of one excitatory spike / the delta synapse's; reversal: implied by "
                 "the PSP vs holding potential; gain ratio / offset shift: relu fit of the f-I curve with inhibition "
                 "vs without; last column: spiking vs artificial rate correlation of the compare() circuit.", "table",
                 columns=["synapse", "firing window (ms)", "summation half-width (ms)", "eff. weight at rest",
                          "eff. weight at threshold", "fitted e_exc", "fitted e_inh", "inhibition gain ratio",
                          "inhibition offset shift", "compare r"], rows=rows)


# ----------------------------------------------------------------------------------------------- compare
def compare_synapses(circuit: Circuit, x: np.ndarray, synapses: Mapping[str, Any], *, spiking: SpikingBackend,
                     seed: int = 0, progress: Any = None, probes: Sequence[str] = (), probed: str = "delta",
                     **kwargs: Any) -> dict[str, Any]:
    """:func:`~neurocompare.compare.compare` of ``circuit`` with each synapse model: name -> Comparison. The
    ``probes`` (extra runs) are made for the ``probed`` model only (the one whose report is written)."""
    from ..compare import compare
    return {m: compare(with_models(circuit, synapse=s), x, spiking=spiking, seed=seed, progress=progress,
                       probes=probes if m == probed else (), **kwargs) for m, s in synapses.items()}


#: The measurements of :func:`synapse_study`, in the report's order.
STUDY_PARTS = ("summation", "holding", "inhibition")


def synapse_study(neuron: Any, synapses: Mapping[str, Any], *, rate_scale_hz: float = 200.0,
                  max_interval_ms: float = 30.0, interval_step_ms: float = 0.5, holding_levels: int = 30,
                  inhibition_duration_ms: float = 1000.0, fi_points: int = 41, dt_ms: float = 0.1,
                  seed: int = 0, parts: Sequence[str] = STUDY_PARTS) -> tuple[dict, list[Panel]]:
    """The three measurements of the module docstring (four Brian2 runs): their metrics and figure panels.

    ``parts``: some of :data:`STUDY_PARTS` ("summation", "holding", "inhibition"; each independent of the others,
    so two processes can share them); metrics and panels come in that order."""
    unknown = [part for part in parts if part not in STUDY_PARTS]
    if unknown:
        raise UnknownNameError(f"synapse_study: unknown part(s) {unknown}; valid: {', '.join(STUDY_PARTS)}.")
    metrics: dict = {}
    panels: list[Panel] = []
    if "summation" in parts:
        s_data, s_met = summation_window(neuron, synapses, rate_scale_hz=rate_scale_hz,
                                         max_interval_ms=max_interval_ms, step_ms=interval_step_ms, dt_ms=dt_ms,
                                         seed=seed)
        metrics, panels = metrics | s_met, panels + [summation_panel(s_data)]
    if "holding" in parts:
        h_data, h_met = effective_weight(neuron, synapses, rate_scale_hz=rate_scale_hz, dt_ms=dt_ms, seed=seed,
                                         levels=np.linspace(-2.0, 0.9, holding_levels))
        metrics, panels = metrics | h_met, panels + [holding_panel(h_data, neuron)]
    if "inhibition" in parts:
        i_data, i_met = inhibition_fi(neuron, synapses, rate_scale_hz=rate_scale_hz,
                                      duration_ms=inhibition_duration_ms, z=np.linspace(0.0, 2.0, fi_points),
                                      dt_ms=dt_ms, seed=seed + 1)
        metrics, panels = metrics | i_met, panels + [inhibition_panel(i_data, rate_scale_hz)]
    return metrics, panels
