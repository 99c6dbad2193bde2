"""Nonlinearity: a threshold against a programmable function.

Pure functions on a measured transfer (f-I) curve, and the registration of the row's metrics: how
well a scaled relu, sigmoid or tanh (and the artificial neuron's own activation) describes the
spiking neuron's f-I curve, and the drive at which the spiking neuron starts to fire.
"""

from __future__ import annotations

import math
import warnings
from typing import Any, Callable

import numpy as np

from ..errors import ParameterError, UnknownNameError
from ._degenerate import nan_warned
from .registry import MetricSpec, register_metric

__all__ = ["FIT_KINDS", "fit_activation", "evaluate_fit", "rheobase_drive", "first_spike_drive", "fires_repetitively",
           "onset_type", "rank_fits", "FIT_TIE"]

#: Two fits whose RMSEs differ by less than this fraction (of the larger) are called a near tie: which activation
#: "fits best" is then not an answer to take at its word.
FIT_TIE = 0.10

_FORMS: dict[str, Callable[..., np.ndarray]] = {
    "relu": lambda z, a, c: a * np.maximum(z - c, 0.0),
    "sigmoid": lambda z, a, b, c: a / (1.0 + np.exp(-np.clip(b * (z - c), -500, 500))),
    "tanh": lambda z, a, b, c, d: a * np.tanh(b * (z - c)) + d,
}
_PARAMETERS = {"relu": ("a", "c"), "sigmoid": ("a", "b", "c"), "tanh": ("a", "b", "c", "d")}

#: The activation forms :func:`fit_activation` fits, in order.
FIT_KINDS = tuple(_FORMS)


def _form(owner: str, kind: str) -> Callable[..., np.ndarray]:
    if kind not in _FORMS:
        raise UnknownNameError(f"{owner}: unknown form {kind!r}; valid: {', '.join(_FORMS)}.")
    return _FORMS[kind]


def evaluate_fit(kind: str, params: np.ndarray, z: np.ndarray) -> np.ndarray:
    """The fitted form of :func:`fit_activation` evaluated at ``z``.

    relu: a max(z - c, 0); sigmoid: a / (1 + exp(-clip(b (z - c), -500, 500))); tanh: a tanh(b (z - c)) + d.

    Parameters
    ----------
    kind : {"relu", "sigmoid", "tanh"}
    params : array_like
        The parameters in the order above ((a, c), (a, b, c) or (a, b, c, d)), e.g. the first
        element returned by :func:`fit_activation`.
    z : array_like
        Drives (activation units).

    Returns
    -------
    ndarray
        The shape of ``z``.

    Raises
    ------
    UnknownNameError
        ``kind`` is not one of :data:`FIT_KINDS`.
    ParameterError
        ``params`` does not hold that form's number of parameters.
    """
    form = _form("evaluate_fit", kind)
    params = np.asarray(params, dtype=float).ravel()
    names = _PARAMETERS[kind]
    if params.size != len(names):
        raise ParameterError(f"evaluate_fit: a {kind} fit has {len(names)} parameters ({', '.join(names)}); "
                             f"got {params.size}: {params.tolist()!r}. Pass the parameters fit_activation returned.")
    return form(np.asarray(z, dtype=float), *params)


def fit_activation(z: np.ndarray, y: np.ndarray, kind: str) -> tuple[np.ndarray, float]:
    """Least-squares fit of a scaled activation to a measured transfer curve y(z).

    Forms (see :func:`evaluate_fit`): relu a max(z - c, 0); sigmoid a / (1 + exp(-b (z - c)));
    tanh a tanh(b (z - c)) + d. The parameters minimise sum_i (f(z_i) - y_i)^2
    (``scipy.optimize.curve_fit``, Levenberg-Marquardt; Moré 1978), started from the curve's
    height, width and onset; RMSE = sqrt(mean((f(z) - y)^2)). An integrate-and-fire neuron's rate
    is close to a scaled relu below saturation (Cao et al. 2015; Diehl et al. 2015).

    Parameters
    ----------
    z, y : array_like, the same shape
        Drive (activation units) and measured rate / rate scale.
    kind : {"relu", "sigmoid", "tanh"}

    Returns
    -------
    params : ndarray
        For :func:`evaluate_fit`. If the optimiser fails (e.g. flat data), the starting point.
    rmse : float
        RMSE of the fit over ``z`` (the optimiser's warnings on flat data are silenced: the RMSE
        tells the story).

    Raises
    ------
    UnknownNameError
        ``kind`` is not one of :data:`FIT_KINDS`.

    References
    ----------
    J. J. Moré, "The Levenberg-Marquardt algorithm: implementation and theory", Numerical Analysis,
    Lecture Notes in Mathematics 630, 105-116 (1978).
    Y. Cao, Y. Chen, D. Khosla, "Spiking deep convolutional neural networks for energy-efficient object
    recognition", Int. J. Comput. Vis. 113, 54-66 (2015).
    P. U. Diehl et al., "Fast-classifying, high-accuracy spiking deep networks through weight and
    threshold balancing", IJCNN 2015.
    """
    from scipy.optimize import curve_fit

    fn = _form("fit_activation", kind)
    z = np.asarray(z, dtype=float)
    y = np.asarray(y, dtype=float)
    top = float(np.max(y)) if y.size else 1.0
    z_on = float(z[np.argmax(y > 0.01 * top)]) if top > 0 else 0.0
    starts = {
        "relu": [max(top, 1e-3) / max(np.ptp(z), 1e-3), z_on],
        "sigmoid": [max(top, 1e-3), 4.0 / max(np.ptp(z), 1e-3), float(np.median(z))],
        "tanh": [max(top, 1e-3) / 2, 2.0 / max(np.ptp(z), 1e-3), float(np.median(z)), max(top, 1e-3) / 2],
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # OptimizeWarning on flat data: the RMSE tells the story
        try:
            params, _ = curve_fit(fn, z, y, p0=starts[kind], maxfev=20000)
        except (RuntimeError, ValueError):
            params = np.asarray(starts[kind], dtype=float)
    rmse = float(np.sqrt(np.mean((fn(z, *params) - y) ** 2)))
    return np.asarray(params, dtype=float), rmse


def rank_fits(rmse: dict[str, float]) -> tuple[str, str | None, bool, str]:
    """``(best, runner-up, near tie, sentence)`` from RMSEs by activation name (NaN: not fitted).

    The sentence names the runner-up and says when the two are within :data:`FIT_TIE` of each other, e.g.
    "relu and tanh fit about equally well (RMSE 0.066 and 0.069, within 10 %)" or "relu fits best (RMSE 0.012;
    runner-up tanh, 0.028)".
    """
    ranked = sorted((k for k, v in rmse.items() if math.isfinite(v)), key=lambda k: rmse[k])
    if not ranked:
        return "none", None, False, "no activation could be fitted"
    best = ranked[0]
    if len(ranked) == 1:
        return best, None, False, f"{best} fits (RMSE {rmse[best]:.2g})"
    second = ranked[1]
    tied = rmse[second] - rmse[best] < FIT_TIE * rmse[second]
    if tied:
        return best, second, True, (f"{best} and {second} fit about equally well (RMSE {rmse[best]:.2g} and "
                                    f"{rmse[second]:.2g}, within {FIT_TIE:.0%})")
    return best, second, False, f"{best} fits best (RMSE {rmse[best]:.2g}; runner-up {second}, {rmse[second]:.2g})"


def fires_repetitively(times_ms: Any, duration_ms: float) -> bool:
    """At least two spikes in the second half of the window: repetitive firing (an onset spike alone is not).

    The one criterion of sustained firing: the rheobase (:func:`rheobase_drive`, the studies' ``fi_profile`` and
    ``neuron_models``) is the least drive that meets it."""
    return int(np.count_nonzero(np.asarray(times_ms) >= duration_ms / 2)) >= 2


def first_spike_drive(z: Any, rates: Any) -> float:
    """The smallest swept drive at which the neuron fires at all in the window: min {z_i : rate_i > 0}.

    The threshold for a first spike, which is not the rheobase (:func:`rheobase_drive`): an onset spike or two can
    come well below the drive that sustains firing (Hodgkin-Huxley: 0.1 against 0.197 at 100 Hz), and a neuron
    without a leak fires a first spike for any positive drive given time (its rheobase is 0): what this measures
    then is the window. NaN (with a :class:`~neurocompare.errors.NoSpikesWarning`) if the neuron never fired.
    """
    z = np.asarray(z, dtype=float)
    fires = z[np.asarray(rates, dtype=float) > 0]
    if not fires.size:
        return nan_warned("first_spike_drive: the neuron never fired in the sweep")
    return float(fires.min())


def rheobase_drive(z: Any, trains: Any, duration_ms: float) -> float:
    """The rheobase on the sweep: the smallest swept drive at which the neuron fires repetitively
    (:func:`fires_repetitively`: at least two spikes in the second half of the ``duration_ms`` window).

    The measured rheobase (Lapicque 1907) on the artificial scale; for a LIF neuron it is (v_th - v_rest) / R in
    current units (Dayan & Abbott 2001, section 5.4), and a relu twin would fire from 0.

    Parameters
    ----------
    z : array_like
        The drives of an f-I sweep (activation units).
    trains : sequence of arrays
        The spike times (ms) at each drive.
    duration_ms : float
        The sweep's window.

    Returns
    -------
    float
        NaN (with a :class:`~neurocompare.errors.NoSpikesWarning`) if the neuron never fired repetitively.

    References
    ----------
    L. Lapicque, "Recherches quantitatives sur l'excitation electrique des nerfs traitee comme une
    polarisation", J. Physiol. Pathol. Gen. 9, 620-635 (1907).
    P. Dayan, L. F. Abbott, Theoretical Neuroscience, MIT Press (2001).
    """
    z = np.asarray(z, dtype=float)
    fires = [zi for zi, t in zip(z, trains) if fires_repetitively(t, duration_ms)]
    if not fires:
        return nan_warned("rheobase_drive: the neuron never fired repetitively in the sweep")
    return float(min(fires))


# ------------------------------------------------------------------- registered metrics
# rheobase_drive: the relu twin of a spiking neuron turns on at drive 0, so closer to 0 is better.
register_metric(MetricSpec(
    "transfer_fit_rmse", "nonlinearity", "activation units",
    "RMSE of the best scaled relu / sigmoid / tanh fit to the measured spiking f-I curve, and of "
    "the population's own activation used as is ('own')",
    lambda d: d.transfer_rmse, per_population=True, direction="lower"))
register_metric(MetricSpec(
    "rheobase_drive", "nonlinearity", "activation units",
    "the rheobase: smallest drive W x + b (activation units) at which the spiking neuron fires repetitively in the "
    "f-I sweep (>= 2 spikes in the second half of its window)",
    lambda d: d.rheobase_drive, direction="zero"))
register_metric(MetricSpec(
    "transfer_drive_max", "nonlinearity", "activation units",
    "largest drive of the f-I sweep: the fits and the rheobase cover drives -max/4 to max (past the largest "
    "pre-activation and four times the model's rheobase)",
    lambda d: d.transfer_drive_max, direction=None))
register_metric(MetricSpec(
    "first_spike_drive", "nonlinearity", "activation units",
    "the threshold for a first spike: smallest drive W x + b (activation units) at which the spiking neuron fires "
    "at all in the f-I sweep's window (below the rheobase where onset spikes come first)",
    lambda d: d.first_spike_drive, direction="zero"))


def onset_type(drive: np.ndarray, rate_hz: np.ndarray, *, jump_hz: float = 20.0) -> str:
    """Hodgkin's excitability class of a measured f-I curve: "I" if firing starts continuously from 0 Hz, "II"
    if the rate at the first drive that fires already exceeds ``jump_hz`` (a discontinuous onset).

    Hodgkin (1948) class 1 neurons fire at arbitrarily low rates near rheobase (a saddle-node on invariant
    circle bifurcation: the rate grows like sqrt(I - I_rh)); class 2 neurons (a Hopf bifurcation, e.g. the squid
    axon) jump to a finite rate. The verdict is only as good as the sampling: the drives must be finer than the
    onset, near rheobase. "none" if nothing fired. A quick label from a sampled curve, decided by a rate line
    (``jump_hz``): neurons that start at 15-20 Hz sit on its edge. The studies decide the class from how the rate
    behaves as the drive approaches the rheobase instead, with the evidence
    (:class:`neurocompare.studies.neuron_fi.Onset`).

    References
    ----------
    A. L. Hodgkin, "The local electric changes associated with repetitive action in a non-medullated axon",
    J. Physiol. 107, 165-181 (1948). E. M. Izhikevich, Dynamical Systems in Neuroscience, MIT Press (2007), ch. 1.
    """
    drive = np.asarray(drive, dtype=float)
    rate = np.asarray(rate_hz, dtype=float)
    if drive.shape != rate.shape or drive.ndim != 1:
        raise ParameterError(f"onset_type: drive and rate_hz must be 1-D of one length; got {drive.shape} and "
                             f"{rate.shape}.")
    order = np.argsort(drive)
    fired = np.flatnonzero(rate[order] > 0)
    if not fired.size:
        return "none"
    return "II" if rate[order][fired[0]] > jump_hz else "I"
