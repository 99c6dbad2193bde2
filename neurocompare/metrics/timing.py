"""Timing: asynchronous spikes against synchronous steps.

Pure functions on spike trains, and the registration of the row's metrics: first-spike latency,
the time until the spiking answer settles on the artificial one (and on how many samples it does),
spike-train irregularity, how many neurons spike together, and the synchronous steps of the
artificial network with where they end: at a fixed point, on a cycle, or still moving (read from
the artificial result's ``info``, which :class:`~neurocompare.backends.ArtificialBackend` fills).
"""

from __future__ import annotations

import math
from typing import Any, Mapping, Sequence

import numpy as np

from ..errors import InputError
from ..results import SpikeTrains
from ._degenerate import nan_warned
from .amplitude import output_agreement, readout
from .registry import MetricSpec, register_metric

__all__ = [
    "convergence",
    "settled_fraction",
    "isi_cv",
    "adaptation_index",
    "first_spike_latency_ms",
    "decoded_at_times",
    "agreement_curve",
    "settle_times_ms",
    "time_to_agreement_ms",
    "step_activity",
]  # settled_fraction and convergence join once neurocompare.metrics imports them (its __all__ is built from this)


def isi_cv(trains: Sequence[SpikeTrains], *, min_spikes: int = 3) -> float:
    """Mean coefficient of variation of inter-spike intervals over neurons with enough spikes.

    CV = sd(ISI) / mean(ISI) per (sample, neuron) with at least ``min_spikes`` spikes (sd with
    ddof = 0; CV = 0 if the mean ISI is 0; intervals rounded to 1e-9 ms, so that a clockwork train on the time
    grid reads 0, not 1e-16), averaged over those trains (Softky & Koch 1993;
    Dayan & Abbott 2001, section 1.4). 0 for perfectly regular trains, about 1 for Poisson trains.

    Parameters
    ----------
    trains : sequence of SpikeTrains
        Every (sample, neuron) train of each is one candidate.
    min_spikes : int
        Fewest spikes (so at least ``min_spikes - 1`` intervals) for a train to count.

    Returns
    -------
    float
        NaN (with a :class:`~neurocompare.errors.NoSpikesWarning`) if no train has enough spikes.

    References
    ----------
    W. R. Softky, C. Koch, "The highly irregular firing of cortical cells is inconsistent with temporal
    integration of random EPSPs", J. Neurosci. 13, 334-350 (1993).
    P. Dayan, L. F. Abbott, Theoretical Neuroscience, MIT Press (2001).
    """
    cvs = []
    for tr in trains:
        if not len(tr):
            continue
        key = tr.sample * tr.size + tr.neuron
        order = np.lexsort((tr.time_ms, key))
        k, t = key[order], tr.time_ms[order]
        bounds = np.flatnonzero(np.diff(k)) + 1
        for seg in np.split(t, bounds):
            if len(seg) >= min_spikes:
                isi = np.round(np.diff(seg), 9)  # 1e-9 ms: grid times' float noise is no variability (CV 1e-16)
                m = isi.mean()
                cvs.append(np.std(isi - isi[0]) / m if m > 0 else 0.0)  # about isi[0]: equal intervals give 0
    if not cvs:
        return nan_warned(f"isi_cv: no neuron fired {min_spikes} or more spikes")
    return float(np.mean(cvs))


def adaptation_index(times_ms: Any, *, duration_ms: float) -> float:
    """Spike-frequency adaptation of one train under a constant stimulus: ``1 - f_inf / f_0``.

    ``f_0 = 1 / ISI_1`` is the onset rate (the first interval) and ``f_inf = 1 / mean ISI`` of the intervals that
    end in the second half of the stimulus, ``[duration_ms / 2, duration_ms]``: the steady state (Benda & Herz
    2003, whose onset and steady-state f-I curves these are). 0 for a regular train, towards 1 for strong
    adaptation, < 0 when the train accelerates; a burst at onset also makes it large.

    Parameters
    ----------
    times_ms : array of spike times of one train (sorted), the stimulus starting at 0
    duration_ms : float
        Length of the stimulus.

    Returns
    -------
    float
        NaN (with a :class:`~neurocompare.errors.NoSpikesWarning`) without a first interval or without two
        spikes in the second half.

    References
    ----------
    J. Benda, A. V. M. Herz, "A universal model for spike-frequency adaptation", Neural Comput. 15,
    2523-2564 (2003).
    """
    t = np.asarray(times_ms, dtype=float)
    if np.any(np.diff(t) < 0):
        raise InputError("adaptation_index: spike times must be sorted ascending.")
    late = np.diff(t)[t[1:] >= duration_ms / 2] if len(t) > 1 else np.zeros(0)
    if len(t) < 2 or len(late) < 1:
        return nan_warned(f"adaptation_index: {len(t)} spikes, too few for an onset and a steady-state interval")
    return float(1.0 - (t[1] - t[0]) / late.mean())


def first_spike_latency_ms(trains: SpikeTrains) -> float:
    """Median over samples of the earliest spike of any neuron of the population.

    latency = median over samples s with a spike of min_(i, k) t_k(s, i), in ms from the start of the
    run: how long the population takes to say anything (first-spike latency as a code: Gollisch &
    Meister 2008). Per sample, so it is at most the time the decoded answer settles whenever that answer
    needs a spike (:func:`settle_times_ms` counts a spike at t at t); samples without a spike are left out.

    Parameters
    ----------
    trains : SpikeTrains

    Returns
    -------
    float
        In ms; NaN (with a :class:`~neurocompare.errors.NoSpikesWarning`) if no neuron fired.

    References
    ----------
    T. Gollisch, M. Meister, "Rapid neural coding in the retina with relative spike latencies",
    Science 319, 1108-1111 (2008).
    """
    first = trains.first_spike_ms()
    fired = ~np.all(np.isnan(first), axis=1)
    if not fired.any():
        return nan_warned(f"first_spike_latency_ms: population {trains.population!r} never fired")
    return float(np.median(np.nanmin(first[fired], axis=1)))


def decoded_at_times(trains: SpikeTrains, times_ms: np.ndarray, *, rate_scale_hz: float) -> np.ndarray:
    """Activations decoded from the spikes in [0, t] for each t: a(t) = count([0, t]) / t / rate_scale.

    The spike-count rate (Dayan & Abbott 2001, section 1.2) over a growing window, on the
    artificial scale; a spike at exactly t is counted at t. No spikes decode to 0 (a rate, not a
    statistic: silence is a valid answer here).

    Parameters
    ----------
    trains : SpikeTrains
    times_ms : array_like, increasing, > 0
        Window ends t (ms).
    rate_scale_hz : float
        The rate that stands for activation 1.

    Returns
    -------
    ndarray, shape (len(times_ms), batch, size)
    """
    times_ms = np.asarray(times_ms, dtype=float)
    out = np.zeros((len(times_ms), trains.batch_size, trains.size))
    if len(trains):
        # index of the first time point at which each spike is already counted
        idx = np.searchsorted(times_ms, trains.time_ms, side="left")
        np.add.at(out, (idx[idx < len(times_ms)], trains.sample[idx < len(times_ms)],
                        trains.neuron[idx < len(times_ms)]), 1.0)
        out = np.cumsum(out, axis=0)
    return out / (times_ms[:, None, None] * 1e-3) / rate_scale_hz


def agreement_curve(trains: SpikeTrains, reference: np.ndarray, times_ms: np.ndarray, *, rate_scale_hz: float,
                    mode: str, threshold: float = 0.5) -> np.ndarray:
    """Output agreement with ``reference`` when decoding only the first t ms, for each t.

    agreement(t) = :func:`~neurocompare.metrics.output_agreement` of :func:`decoded_at_times` at t
    and ``reference`` (accuracy against simulated time, as in Diehl et al. 2015).

    Parameters
    ----------
    trains : SpikeTrains
        The spiking network's output.
    reference : array_like, shape (batch, size)
        The artificial network's output activations.
    times_ms : array_like
    rate_scale_hz : float
    mode, threshold
        The readout (see :func:`~neurocompare.metrics.readout`).

    Returns
    -------
    ndarray, shape (len(times_ms),)
        Fractions in [0, 1].

    References
    ----------
    P. U. Diehl, D. Neil, J. Binas, M. Cook, S.-C. Liu, M. Pfeiffer, "Fast-classifying, high-accuracy
    spiking deep networks through weight and threshold balancing", IJCNN 2015.
    """
    decoded = decoded_at_times(trains, times_ms, rate_scale_hz=rate_scale_hz)
    return np.array([output_agreement(d, reference, mode=mode, threshold=threshold) for d in decoded])


def settle_times_ms(trains: SpikeTrains, reference: np.ndarray, times_ms: np.ndarray, *, rate_scale_hz: float,
                    mode: str, threshold: float = 0.5) -> np.ndarray:
    """Per sample, the first time from which the decoded answer equals the reference's and stays so.

    settle_s = min {t_i : answer_s(t_j) == reference_s for every j >= i}, with the answers read
    as in :func:`agreement_curve`.

    Parameters
    ----------
    trains, reference, times_ms, rate_scale_hz, mode, threshold
        As in :func:`agreement_curve`.

    Returns
    -------
    ndarray, shape (batch,)
        In ms; NaN for samples that do not agree at the end of the run (never settled: a
        per-sample state, not a missing value, so there is no warning).
    """
    decoded = decoded_at_times(trains, times_ms, rate_scale_hz=rate_scale_hz)
    ref = readout(reference, mode=mode, threshold=threshold)
    agree = np.stack([
        (r == ref) if ref.ndim == 1 else np.all(r == ref, axis=1)
        for r in (readout(d, mode=mode, threshold=threshold) for d in decoded)
    ])  # (T, batch)
    out = np.full(agree.shape[1], np.nan)
    for b in range(agree.shape[1]):
        if agree[-1, b]:
            bad = np.flatnonzero(~agree[:, b])
            out[b] = times_ms[0] if not len(bad) else times_ms[min(bad[-1] + 1, len(times_ms) - 1)]
    return out


def _settle_array(settle_ms: np.ndarray, owner: str) -> np.ndarray:
    """``settle_ms`` as floats, checked to hold at least one sample."""
    settle = np.asarray(settle_ms, dtype=float)
    if not settle.size:
        raise InputError(f"{owner}: settle_ms is empty; pass one settle time per sample "
                         "(settle_times_ms of a run with at least one sample).")
    return settle


def time_to_agreement_ms(settle_ms: np.ndarray, *, duration_ms: float) -> float:
    """Median over samples of the settle time, a sample that never settles counting as the whole run.

    T_agree = median_s (settle_s if settled else T), with settle_s from :func:`settle_times_ms` and
    T = ``duration_ms``: a robust time-to-answer that does not drop the samples that never agree.

    Parameters
    ----------
    settle_ms : array_like, shape (batch,)
        NaN where a sample never settled.
    duration_ms : float
        The run's duration T.

    Returns
    -------
    float
        In ms, at most ``duration_ms``.

    Raises
    ------
    InputError
        ``settle_ms`` is empty (no samples).
    """
    settle = _settle_array(settle_ms, "time_to_agreement_ms")
    return float(np.median(np.where(np.isnan(settle), duration_ms, settle)))


def settled_fraction(settle_ms: np.ndarray) -> float:
    """Fraction of samples whose spiking answer settles on the artificial one before the run ends.

    settled = mean_s [settle_s is a time], with settle_s from :func:`settle_times_ms` (NaN: never
    settled). A sample settles exactly when its answer at the end of the run agrees, so on the
    full-run readout this equals the output agreement; it is the share of samples for which
    :func:`time_to_agreement_ms` is a time rather than the run's duration standing for "never".

    Parameters
    ----------
    settle_ms : array_like, shape (batch,)
        NaN where a sample never settled.

    Returns
    -------
    float
        In [0, 1].

    Raises
    ------
    InputError
        ``settle_ms`` is empty (no samples).
    """
    return float(np.mean(~np.isnan(_settle_array(settle_ms, "settled_fraction"))))


def convergence(info: Mapping[str, Any]) -> dict[str, float]:
    """Where a synchronous artificial run ended, from its result's ``info``, as numbers.

    ``converged`` = 1 if every sample reached a fixed point, else 0; ``converged_fraction`` = samples
    at a fixed point / samples; ``period`` = the longest period over samples in synchronous steps (1:
    all at a fixed point), NaN if some sample has neither a fixed point nor a cycle of up to
    ``info["max_period"]`` steps. The test itself is
    :func:`~neurocompare.backends.artificial.trajectory_periods` (the last cycle of the trajectory
    repeats the one before it, to a relative tolerance ``info["convergence_tol"]``).

    Parameters
    ----------
    info : mapping
        ``Result.info`` of the artificial side: ``converged``, ``period`` (None: neither) and
        ``period_counts`` (samples per period, ``"none"`` for neither).

    Returns
    -------
    dict of str to float
        All three NaN (no warning: not measured, as for a probe that did not run) if ``info`` has no
        ``converged`` entry, e.g. when the other side is a spiking backend.
    """
    if "converged" not in info:
        return {"converged": math.nan, "converged_fraction": math.nan, "period": math.nan}
    counts = info.get("period_counts") or {}
    total = sum(counts.values())
    period = info.get("period")
    return {"converged": float(bool(info["converged"])),
            "converged_fraction": counts.get("1", 0) / total if total else float(bool(info["converged"])),
            "period": math.nan if period is None else float(period)}


def step_activity(trains: Sequence[SpikeTrains], *, n_neurons: int, n_steps: int, dt_ms: float) -> dict[str, float]:
    """How asynchronous a spiking run is, from its spike times on the dt grid.

    With k = round(t / dt) the step of a spike and S the set of (sample, step) pairs holding any spike:
    ``neurons_per_active_step`` = spikes / |S| (mean number of neurons spiking in an active step),
    ``active_step_fraction`` = |S| / (batch x steps), and ``update_fraction`` = spikes / (batch x
    neurons x steps), the share of neuron-steps that carry an event (a synchronous network updates
    all neurons every step, i.e. 1).

    Parameters
    ----------
    trains : sequence of SpikeTrains
        The populations counted, with the same batch.
    n_neurons, n_steps : int
        Neurons counted and time steps of the run.
    dt_ms : float

    Returns
    -------
    dict of str to float
        Without any spike: ``neurons_per_active_step`` is NaN (with a
        :class:`~neurocompare.errors.NoSpikesWarning`), the two fractions are 0 (exactly true).
    """
    per_step: dict[tuple[int, int], int] = {}
    total = 0
    batch = trains[0].batch_size if trains else 1
    for tr in trains:
        steps = np.round(tr.time_ms / dt_ms).astype(np.int64)
        keys, counts = np.unique(tr.sample * (n_steps + 1) + steps, return_counts=True)
        for k, c in zip(keys.tolist(), counts.tolist()):
            per_step[k] = per_step.get(k, 0) + c
        total += len(tr)
    if not per_step:
        nan = nan_warned("step_activity: no spikes")
        return {"neurons_per_active_step": nan, "active_step_fraction": 0.0, "update_fraction": 0.0}
    return {
        "neurons_per_active_step": float(np.mean(list(per_step.values()))),
        "active_step_fraction": len(per_step) / (batch * n_steps),
        "update_fraction": total / (batch * n_neurons * n_steps),
    }


# ------------------------------------------------------------------- registered metrics
def _settled_at_end(d: Any) -> np.ndarray:
    """Per sample, 0 where the answers agree at the end of the run, else NaN (never settled).

    A sample settles (:func:`settle_times_ms`) exactly when its answer agrees at the last time point,
    the end of the run, and the spiking side's activations are the decoding of the whole run: no time
    grid is needed to tell which samples settle.
    """
    a = readout(d.snn[d.output], mode=d.readout, threshold=d.threshold)
    b = readout(d.ann[d.output], mode=d.readout, threshold=d.threshold)
    return np.where(a == b if a.ndim == 1 else np.all(a == b, axis=1), 0.0, np.nan)


register_metric(MetricSpec(
    "first_spike_latency_ms", "timing", "ms",
    "median over samples of the time of the earliest output spike (samples whose output never fired left out)",
    lambda d: first_spike_latency_ms(d.snn.spikes[d.output]), direction="lower"))
register_metric(MetricSpec(
    "time_to_agreement_ms", "timing", "ms",
    "median over samples of the time from which the spiking answer equals the artificial one "
    "and stays so (decoding the first t ms); samples that never agree count as the full duration",
    lambda d: d.time_to_agreement_ms, direction="lower"))
register_metric(MetricSpec(
    "isi_cv", "timing", "1", "mean coefficient of variation of inter-spike intervals of the neurons (>= 3 spikes)",
    lambda d: isi_cv([d.snn.spikes[p] for p in d.circuit.population_names]), direction=None))
register_metric(MetricSpec(
    "neurons_per_active_step", "timing", "neurons",
    "mean number of neurons spiking in a time step that has any spike (asynchronous events)",
    lambda d: d.activity["neurons_per_active_step"], direction=None))
register_metric(MetricSpec(
    "update_fraction", "timing", "fraction",
    "spikes / (neurons x time steps): share of neuron-steps carrying an event "
    "(the artificial network updates every neuron every step: 1)",
    lambda d: d.activity["update_fraction"], direction=None))
register_metric(MetricSpec(
    "synchronous_steps", "timing", "steps",
    "synchronous update steps of the artificial network (depth, or the recurrent step count)",
    lambda d: float(d.ann_steps), direction=None))
register_metric(MetricSpec(
    "settled_fraction", "timing", "fraction",
    "fraction of samples whose spiking answer settles on the artificial one before the end of the run "
    "(the others never do: time_to_agreement_ms counts them as the full duration)",
    lambda d: settled_fraction(_settled_at_end(d)), direction="higher"))
register_metric(MetricSpec(
    "artificial_converged", "timing", "1",
    "1 if the artificial network's synchronous trajectory reached a fixed point on every sample, 0 if some "
    "sample ended on a cycle or still moving (its last-step values are then no answer)",
    lambda d: convergence(d.ann.info)["converged"], direction="higher"))
register_metric(MetricSpec(
    "artificial_converged_fraction", "timing", "fraction",
    "fraction of samples whose synchronous artificial trajectory reached a fixed point",
    lambda d: convergence(d.ann.info)["converged_fraction"], direction="higher"))
register_metric(MetricSpec(
    "artificial_period", "timing", "steps",
    "longest period (synchronous steps) on which a sample's artificial trajectory ends: 1 at a fixed point, "
    "2 for an alternation; NaN if some sample has no fixed point and no cycle of up to 16 steps",
    lambda d: convergence(d.ann.info)["period"], direction=None))
