"""Amplitude coding: pulses (spike counts, rates) against real values.

Pure functions on arrays, and the registration of the row's metrics: spikes per neuron, the
correlation and normalised error between decoded rates and artificial activations, how often
both networks give the same answer and, given labels, how often each gives the right one.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Mapping

import numpy as np

from .._validation import fmt_number
from ..errors import InputError, UnknownNameError
from ._degenerate import nan_warned
from .registry import MetricSpec, per_population, register_metric

__all__ = ["READOUTS", "pearson_r", "normalized_rmse", "readout", "output_agreement", "check_labels", "accuracy",
           "charge_decoded", "same_answers", "received_drive", "Departure", "trace_departure", "DRIVE_TOLERANCE"]

#: The ways a network's answer is read from its output activations (see :func:`readout`).
READOUTS = ("argmax", "threshold")


def pearson_r(a: np.ndarray, b: np.ndarray) -> float:
    """Pearson correlation of two equally shaped arrays (flattened).

    r = cov(a, b) / (sd(a) sd(b))  (Pearson 1895).

    Parameters
    ----------
    a, b : array_like
        The same shape; compared element by element.

    Returns
    -------
    float
        r in [-1, 1]; NaN (with a :class:`~neurocompare.errors.NoSpikesWarning`) if either array is
        constant or has fewer than 2 elements (e.g. a population that never fired).

    Raises
    ------
    InputError
        The shapes differ.

    References
    ----------
    K. Pearson, "Notes on regression and inheritance in the case of two parents", Proc. R. Soc.
    Lond. 58, 240-242 (1895).
    """
    a = np.asarray(a, dtype=float).ravel()
    b = np.asarray(b, dtype=float).ravel()
    if a.shape != b.shape:
        raise InputError(f"pearson_r: shapes differ, {a.shape} vs {b.shape}.")
    if a.size < 2 or np.ptp(a) == 0 or np.ptp(b) == 0:
        return nan_warned("pearson_r: an input is constant (e.g. no spikes at all), correlation undefined")
    return float(np.corrcoef(a, b)[0, 1])


def normalized_rmse(estimate: np.ndarray, reference: np.ndarray) -> float:
    """Root-mean-square error normalised by the reference's range.

    NRMSE = sqrt(mean((estimate - reference)^2)) / (max(reference) - min(reference)).

    Parameters
    ----------
    estimate, reference : array_like
        The same shape (e.g. decoded spiking rates and artificial activations).

    Returns
    -------
    float
        >= 0, 0 for identical arrays; NaN (with a :class:`~neurocompare.errors.NoSpikesWarning`) if
        the reference is constant or empty (no scale to normalise by).

    Raises
    ------
    InputError
        The shapes differ.
    """
    est = np.asarray(estimate, dtype=float)
    ref = np.asarray(reference, dtype=float)
    if est.shape != ref.shape:
        raise InputError(f"normalized_rmse: shapes differ, {est.shape} vs {ref.shape}.")
    span = float(np.ptp(ref)) if ref.size else 0.0
    if span == 0:
        return nan_warned("normalized_rmse: the reference is constant, no scale to normalise by")
    return float(np.sqrt(np.mean((est - ref) ** 2)) / span)


def readout(activations: np.ndarray, *, mode: str, threshold: float = 0.5) -> np.ndarray:
    """The network's answer per sample.

    ``argmax``: the index of the winning neuron, -1 if the largest value is shared by several
    neurons (e.g. a spiking output that has not fired yet): silence never counts as class 0.
    ``threshold``: which outputs exceed ``threshold``, a boolean row per sample.

    Parameters
    ----------
    activations : array_like, shape (batch, size)
    mode : {"argmax", "threshold"}
    threshold : float
        Used by ``threshold`` only.

    Returns
    -------
    ndarray
        ``argmax``: int, shape (batch,); ``threshold``: bool, shape (batch, size).

    Raises
    ------
    UnknownNameError
        ``mode`` is not one of :data:`READOUTS`.
    """
    acts = np.asarray(activations, dtype=float)
    if mode == "argmax":
        winner = np.argmax(acts, axis=1)
        top = np.max(acts, axis=1, keepdims=True)
        tied = np.sum(acts == top, axis=1) > 1
        return np.where(tied, -1, winner)
    if mode == "threshold":
        return acts > threshold
    raise UnknownNameError(f"Unknown readout {mode!r}; valid: {', '.join(READOUTS)}.")


def output_agreement(a: np.ndarray, b: np.ndarray, *, mode: str, threshold: float = 0.5) -> float:
    """Fraction of samples on which two networks give the same answer.

    agreement = mean_s [readout(a)_s == readout(b)_s], a sample's thresholded row counting as
    equal only if every output is (see :func:`readout`; a tie is no answer).

    Parameters
    ----------
    a, b : array_like, shape (batch, size)
        Output activations of the two networks on the same samples.
    mode : {"argmax", "threshold"}
    threshold : float

    Returns
    -------
    float
        In [0, 1].
    """
    return float(np.mean(same_answers(a, b, mode=mode, threshold=threshold)))


def same_answers(a: np.ndarray, b: np.ndarray, *, mode: str, threshold: float = 0.5) -> np.ndarray:
    """Per sample, whether two networks give the same answer (:func:`readout`; a thresholded row is the same only
    if every output is). Boolean, shape (batch,)."""
    ra, rb = readout(a, mode=mode, threshold=threshold), readout(b, mode=mode, threshold=threshold)
    return ra == rb if ra.ndim == 1 else np.all(ra == rb, axis=1)


def check_labels(labels: Any, *, batch: int, size: int, mode: str, owner: str = "labels") -> np.ndarray:
    """Validate the true answers of ``batch`` samples for a read-out of ``size`` outputs.

    ``argmax``: one class per sample, integers in [0, size), shape (batch,). ``threshold``: the
    expected on/off pattern of the outputs, 0/1 (or bool), shape (batch, size), or (batch,) when
    ``size`` is 1.

    Parameters
    ----------
    labels : array_like
    batch, size : int
        Samples and output neurons.
    mode : {"argmax", "threshold"}
    owner : str
        Who is asking (the start of every error message).

    Returns
    -------
    ndarray
        ``argmax``: int64, shape (batch,); ``threshold``: bool, shape (batch, size).

    Raises
    ------
    InputError
        Wrong shape, non-integer classes, classes out of range, or a pattern that is not 0/1.
    UnknownNameError
        ``mode`` is not one of :data:`READOUTS`.
    """
    if mode not in READOUTS:
        raise UnknownNameError(f"{owner}: unknown readout {mode!r}; valid: {', '.join(READOUTS)}.")
    y = np.asarray(labels)
    if y.dtype.kind not in "biuf":
        raise InputError(f"{owner}: labels must be numbers; got dtype {y.dtype}.")
    if mode == "threshold" and size == 1 and y.shape == (batch,):
        y = y.reshape(batch, 1)
    shape = (batch,) if mode == "argmax" else (batch, size)
    if y.shape != shape:
        want = ("one class per sample" if mode == "argmax" else
                "the expected 0/1 pattern of the outputs per sample")
        raise InputError(f"{owner}: labels must have shape {shape} ({want}, {mode} read-out); got {y.shape}.")
    if mode == "threshold":
        if not np.all((y == 0) | (y == 1)):
            raise InputError(f"{owner}: threshold read-out labels must be 0 or 1 per output; got "
                             f"{fmt_number(y[(y != 0) & (y != 1)][0])}.")
        return y.astype(bool)
    bad = (y != np.round(y)) | (y < 0) | (y >= size) if y.dtype.kind == "f" else (y < 0) | (y >= size)
    if y.dtype == bool or np.any(bad):
        value = fmt_number(y[np.argmax(bad)]) if np.any(bad) else repr(bool(y[0]))
        raise InputError(f"{owner}: labels must be integer classes in [0, {size}) (one per output neuron); got "
                         f"{value}.")
    return y.astype(np.int64)


def accuracy(activations: Any, labels: Any, *, mode: str = "argmax", threshold: float = 0.5) -> float:
    """Fraction of samples on which the network's answer is the label.

    accuracy = mean_s [readout(a)_s == y_s]. ``argmax``: y_s is a class; a tie for the top activation
    (e.g. a spiking output that never fired) is no answer (:func:`readout` gives -1) and counts as
    wrong, never as the lowest tied class. ``threshold``: y_s is the expected 0/1 pattern of the
    outputs; a sample is right only if every output is on (> ``threshold``) exactly where y_s is 1.
    The one rule of every accuracy neurocompare reports (compare's ``ann_accuracy`` and
    ``snn_accuracy``, the conversion studies).

    Parameters
    ----------
    activations : array_like, shape (batch, size)
        Output activations (or decoded rates).
    labels : array_like
        See :func:`check_labels`: shape (batch,) of classes for ``argmax``; (batch, size) of 0/1 (or
        (batch,) for one output) for ``threshold``.
    mode : {"argmax", "threshold"}
    threshold : float
        Used by ``threshold`` only.

    Returns
    -------
    float
        In [0, 1]; NaN (with a :class:`~neurocompare.errors.NoSpikesWarning`) for an empty batch.

    Raises
    ------
    InputError
        ``activations`` is not 2-D, or the labels do not fit it (see :func:`check_labels`).

    Examples
    --------
    >>> accuracy([[0.2, 0.9], [0.5, 0.5], [0.7, 0.1]], [1, 0, 0])  # the tie in sample 1 is wrong
    0.6666666666666666
    """
    acts = np.asarray(activations, dtype=float)
    if acts.ndim != 2:
        raise InputError(f"accuracy: activations must have shape (batch, size); got {acts.shape}.")
    y = check_labels(labels, batch=acts.shape[0], size=acts.shape[1], mode=mode, owner="accuracy")
    if not len(y):
        return nan_warned("accuracy: no samples")
    answer = readout(acts, mode=mode, threshold=threshold)
    right = answer == y if mode == "argmax" else np.all(answer == y, axis=1)
    return float(np.mean(right))


def charge_decoded(
    counts: np.ndarray, final_v: np.ndarray, *, v_start: float, reset_step: float, duration_ms: float,
    rate_scale_hz: float,
) -> np.ndarray:
    """Activations read from spikes *and* the charge left on the membrane.

    a = (count * (v_threshold - v_reset) + v_end - v_start) / (T * rate_scale),
    with ``reset_step`` = v_threshold - v_reset and T = ``duration_ms`` in seconds.

    For a non-leaky integrate-and-fire neuron with reset by subtraction and no refractory period
    this is exactly its integrated input divided by T * rate_scale, i.e. the linear drive W x + b
    on the artificial scale, negative values included (spike counts alone truncate it to
    multiples of 1 / (T * rate_scale) and clip it at 0; Rueckauer et al. 2017 call the left-over
    charge the residual). With leak or reset to a value it is an approximation.

    Parameters
    ----------
    counts, final_v : array_like, the same shape
        Spikes per neuron over the run and the membrane potential at its end.
    v_start, reset_step, duration_ms, rate_scale_hz : float

    Returns
    -------
    ndarray
        The decoded activations, the shape of ``counts``.

    References
    ----------
    B. Rueckauer, I.-A. Lungu, Y. Hu, M. Pfeiffer, S.-C. Liu, "Conversion of continuous-valued deep
    networks to efficient event-driven networks for image classification", Front. Neurosci. 11, 682 (2017).
    """
    return (np.asarray(counts) * reset_step + np.asarray(final_v) - v_start) / (duration_ms * 1e-3 * rate_scale_hz)


# ------------------------------------------------------------------- registered metrics
def received_drive(circuit: Any, activations: Mapping[str, np.ndarray], population: str) -> np.ndarray:
    """The drive a population receives from the activations of a run: z = b + sum over projections of W a_pre.

    On the artificial side this is the pre-activation, exactly; on the spiking side, with ``a_pre`` the decoded
    rates (rate / rate scale over the whole run), it is the mean drive the population's neurons received (axonal
    delays shorten it by the delayed part of the window; a conductance synapse's charge depends on the membrane
    potential and equals this at threshold). Shape (batch, size)."""
    pop = circuit.population(population)
    batch = np.asarray(activations[population]).shape[0]
    z = np.broadcast_to(np.asarray(pop.bias, dtype=float), (batch, pop.size)).copy()
    for proj in circuit.projections_into(population):
        z += np.asarray(activations[proj.pre], dtype=float) @ proj.weights.T
    return z


#: Two drives count as the same when they differ by at most this, relative to max(1, |artificial drive|).
DRIVE_TOLERANCE = 0.1


@dataclass(frozen=True)
class Departure:
    """One neuron on the path from an output back to where the spiking and artificial sides part (one sample).

    ``population``/``neuron``; ``kind``: "neuron" or "input"; the drive each side gave it (NaN for an input), its
    value on each side (the artificial activation; the spiking rate / rate scale) and ``expected``: what the
    artificial activation gives for the *spiking* drive (NaN for an input)."""

    population: str
    neuron: int
    kind: str
    drive_artificial: float
    drive_spiking: float
    value_artificial: float
    value_spiking: float
    expected: float = math.nan

    @property
    def origin(self) -> bool:
        """The neuron itself parts from the artificial one: its spiking value is not what the artificial activation
        gives for the drive it received on the spiking side (beyond :data:`DRIVE_TOLERANCE`)."""
        return self.kind == "input" or abs(self.value_spiking - self.expected) > DRIVE_TOLERANCE * max(
            1.0, abs(self.expected))


def trace_departure(circuit: Any, ann: Any, snn: Any, population: str, sample: int, *,
                    neuron: int | None = None) -> list[Departure]:
    """Where the spiking side parts from the artificial one, traced back from ``population``'s neuron in ``sample``.

    Starts at ``neuron`` (default: the neuron whose two values differ most). A neuron whose spiking value is what
    the artificial activation gives for the drive it received on the spiking side (:func:`received_drive`, within
    :data:`DRIVE_TOLERANCE`) only passes on a difference of its inputs: the trace steps to the presynaptic neuron
    whose difference contributes most to its drive, |W_ij (a_spiking_j - a_artificial_j)|. It ends at the
    neuron where the difference arises (:attr:`Departure.origin`: its model turns the drive into another value),
    at an input, or where it would revisit a neuron (a recurrent loop).

    Parameters
    ----------
    circuit : Circuit
    ann, snn : Result
        The artificial and spiking results of the same inputs (anything mapping population names to
        ``(batch, size)`` activations).
    population : str
    sample : int

    Returns
    -------
    list of Departure
        From ``population`` back to the origin of the difference; one entry if the neuron itself is the origin.
    """
    a, s = ann[population][sample], snn[population][sample]
    i = int(np.argmax(np.abs(np.asarray(s, float) - np.asarray(a, float)))) if neuron is None else int(neuron)
    chain: list[Departure] = []
    seen: set[tuple[str, int]] = set()
    name = population
    inputs = set(circuit.input_names)
    while (name, i) not in seen:
        seen.add((name, i))
        va, vs = float(ann[name][sample, i]), float(snn[name][sample, i])
        if name in inputs:
            chain.append(Departure(name, i, "input", math.nan, math.nan, va, vs))
            break
        za = float(received_drive(circuit, ann, name)[sample, i])
        zs = float(received_drive(circuit, snn, name)[sample, i])
        expected = float(np.asarray(circuit.population(name).activation_fn(np.array([[zs]])), float).ravel()[0])
        step = Departure(name, i, "neuron", za, zs, va, vs, expected)
        chain.append(step)
        if step.origin:
            break
        best, where = 0.0, None
        for proj in circuit.projections_into(name):
            gap = np.abs(proj.weights[i] * (np.asarray(snn[proj.pre][sample], float) -
                                            np.asarray(ann[proj.pre][sample], float)))
            j = int(np.argmax(gap))
            if gap[j] > best:
                best, where = float(gap[j]), (proj.pre, j)
        if where is None:
            break
        name, i = where
    return chain


def _labelled_accuracy(d: Any, result: Any) -> float:
    """:func:`accuracy` of a result's output on the comparison's labels; NaN if it has none (not measured)."""
    labels = getattr(d, "labels", None)  # optional: comparison data without labels measure no accuracy
    if labels is None:
        return math.nan
    return accuracy(result[d.output], labels, mode=d.readout, threshold=d.threshold)


register_metric(MetricSpec(
    "spikes_per_neuron", "amplitude coding", "spikes", "mean spikes per neuron per sample, per population",
    per_population(lambda d, p: float(d.snn.spike_counts(p).mean())), per_population=True, direction=None))
register_metric(MetricSpec(
    "rate_correlation", "amplitude coding", "1",
    "Pearson r between decoded spiking rates and artificial activations, per population",
    per_population(lambda d, p: pearson_r(d.snn[p], d.ann[p])), per_population=True, direction="higher"))
register_metric(MetricSpec(
    "rate_nrmse", "amplitude coding", "1",
    "RMSE of decoded rates vs artificial activations / range of the activations, per population",
    per_population(lambda d, p: normalized_rmse(d.snn[p], d.ann[p])), per_population=True, direction="lower"))
register_metric(MetricSpec(
    "output_agreement", "amplitude coding", "fraction",
    "fraction of samples where both backends give the same answer (readout of the output)",
    lambda d: output_agreement(d.snn[d.output], d.ann[d.output], mode=d.readout, threshold=d.threshold),
    direction="higher"))
register_metric(MetricSpec(
    "ann_accuracy", "amplitude coding", "fraction",
    "fraction of samples where the artificial side's answer (readout of the output) is the label; argmax: a tie "
    "for the top is no answer and counts as wrong (NaN: compare() got no labels)",
    lambda d: _labelled_accuracy(d, d.ann), direction="higher"))
register_metric(MetricSpec(
    "snn_accuracy", "amplitude coding", "fraction",
    "fraction of samples where the spiking side's answer (readout of the decoded output) is the label; argmax: "
    "a tie for the top (e.g. no output spike) is no answer and counts as wrong (NaN: compare() got no labels)",
    lambda d: _labelled_accuracy(d, d.snn), direction="higher"))
