"""Step 1 of a conversion: data-based normalisation of every layer's scale.

For each layer ``l`` let ``lambda_l`` be the p-th percentile (default 99.9) of its ReLU activations on
normalisation data (by default only the non-zero ones, as the SNN Toolbox does); ``lambda_0 = 1`` for the
inputs, which must already lie in [0, 1]. Then::

    W'_l = W_l * lambda_{l-1} / lambda_l,      b'_l = b_l / lambda_l,

so that ``a'_l = a_l / lambda_l`` (ReLU is positively homogeneous) is at most 1 for all but a fraction
(100 - p) % of the activations (Diehl et al. 2015, IJCNN; Rueckauer et al. 2017, Front. Neurosci. 11:682).
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass
from numbers import Real
from typing import Any, Sequence

import numpy as np

from .._validation import fail, first_index, float_array, fmt_index, fmt_number, frozen
from ..errors import InputError, NeurocompareWarning, ParameterError
from ..training import forward_pass
from .layers import float_layers

__all__ = ["DEFAULT_PERCENTILE", "INPUT_RANGE", "InputRangeWarning", "Normalisation", "normalise", "check_percentile",
           "warn_input_range"]

#: Default normalisation percentile (Rueckauer et al. 2017 use 99.9 to 99.999).
DEFAULT_PERCENTILE = 99.9
#: The documented range of a conversion's inputs: ``lambda_0 = 1`` assumes inputs in [0, 1], which the
#: spiking side's input coding reads as rates in [0, rate_scale_hz].
INPUT_RANGE = (0.0, 1.0)


class InputRangeWarning(NeurocompareWarning):
    """Conversion data (``norm_data``, ``check_data``) lie outside :data:`INPUT_RANGE`, [0, 1].

    A warning, not an error: the artificial side is still exact, but the normalisation assumes
    ``lambda_0 = 1`` and the spiking side cannot code a negative input or a rate above
    ``rate_scale_hz``, so both sides will disagree on such inputs. Rescale the data to [0, 1]
    (e.g. divide by its maximum, as ``x / 16`` for scikit-learn's digits) or turn the warning into
    an error with ``warnings.simplefilter("error", InputRangeWarning)``.
    """


def warn_input_range(owner: str, name: str, x: np.ndarray) -> None:
    """Warn (:class:`InputRangeWarning`) if any value of ``x`` lies outside :data:`INPUT_RANGE`.

    The message names the owner, the data, the first bad value with its index and the fix.
    """
    lo, hi = INPUT_RANGE
    bad = (x < lo) | (x > hi)
    if np.any(bad):
        at = first_index(bad)
        warnings.warn(
            f"{owner}: {name} must lie in [{lo:g}, {hi:g}] (the spiking side codes inputs as rates in "
            f"[0, rate_scale_hz]); got {fmt_number(x[at])} at {fmt_index(at)} ({int(bad.sum())} of {x.size} values "
            "outside). Rescale the data to [0, 1].",
            InputRangeWarning,
            stacklevel=3,
        )


@dataclass(frozen=True, eq=False)
class Normalisation:
    """A float network rescaled so that each layer's activation percentile is 1.

    Attributes
    ----------
    weights, biases : tuple of read-only float arrays
        ``W'_l = W_l lambda_{l-1} / lambda_l`` (shape (out, in)) and ``b'_l = b_l / lambda_l``.
    lambdas : tuple of float
        ``lambda_l`` of every layer (all 1.0 without normalisation).
    percentile : float or None
        The percentile used (None: not normalised).
    ignore_zeros : bool
        Whether the percentile was taken over the non-zero activations only.
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]
    lambdas: tuple[float, ...]
    percentile: float | None
    ignore_zeros: bool


def check_percentile(owner: str, percentile: Any) -> float | None:
    """``percentile`` as a float in (0, 100], or None (no normalisation)."""
    if percentile is None:
        return None
    if isinstance(percentile, bool) or not isinstance(percentile, Real) or not 0 < percentile <= 100:
        raise fail(owner, "percentile", "in (0, 100] (e.g. 99.9) or None for no normalisation", percentile)
    return float(percentile)


def _percentile(values: np.ndarray, p: float, ignore_zeros: bool) -> float:
    v = values.ravel()
    if ignore_zeros:
        v = v[v > 0]
    if not v.size:
        return math.nan
    return float(np.percentile(v, p))


def _scales(owner: str, activations: list[np.ndarray], percentile: float, ignore_zeros: bool,
            names: Sequence[str]) -> list[float]:
    """``lambda_l`` of every layer; a silent layer (no positive activation) keeps 1, with a warning."""
    lambdas = []
    for name, a in zip(names, activations):
        lam = _percentile(a, percentile, ignore_zeros)
        if not math.isfinite(lam) or lam <= 0:
            warnings.warn(
                f"{owner}: layer {name!r} is silent on the normalisation data (no positive "
                "activation); its scale is left at 1.",
                NeurocompareWarning,
                stacklevel=3,
            )
            lam = 1.0
        lambdas.append(lam)
    return lambdas


def normalise(
    weights: Sequence[Any],
    biases: Sequence[Any],
    *,
    norm_data: Any = None,
    percentile: float | None = DEFAULT_PERCENTILE,
    ignore_zeros: bool = True,
    names: Sequence[str] | None = None,
    owner: str = "normalise",
) -> Normalisation:
    """Scale every layer of a float ReLU network so that its activation percentile is 1.

    Parameters
    ----------
    weights : sequence of arrays (out, in)
        ``W_l`` in the circuit's (post, pre) orientation, input layer first.
    biases : sequence of arrays (out,)
    norm_data : array (n, n_in)
        Inputs on which each layer's activation percentile is measured (e.g. the training set), in
        [0, 1] (values outside warn: :class:`InputRangeWarning`). Required unless ``percentile`` is None.
    percentile : float in (0, 100] or None
        ``lambda_l`` = this percentile of layer ``l``'s ReLU activations ``max(0, z_l)`` (the output
        layer's too); 100 is the maximum (Diehl et al. 2015). ``None`` skips normalisation (every
        ``lambda_l = 1``).
    ignore_zeros : bool
        Take the percentile over the non-zero activations only (default, as the SNN Toolbox does);
        False counts the silent neurons too, which gives a smaller ``lambda``.
    names : sequence of str, optional
        Population names, input first (for messages); see :func:`~neurocompare.convert.layers.layer_names`.
    owner : str
        Who is asking (the start of every error and warning message).

    Returns
    -------
    Normalisation

    Warns
    -----
    NeurocompareWarning
        A layer has no positive activation on ``norm_data``; its ``lambda`` is left at 1.
    InputRangeWarning
        ``norm_data`` has values outside [0, 1].

    Notes
    -----
    ``W'_l = W_l lambda_{l-1} / lambda_l`` and ``b'_l = b_l / lambda_l`` with ``lambda_0 = 1``, so the
    normalised network computes ``a'_l = a_l / lambda_l`` (Diehl et al. 2015, IJCNN; Rueckauer et al.
    2017, Front. Neurosci. 11:682).
    """
    ws, bs, pop_names = float_layers(weights, biases, names=names, owner=owner)
    percentile = check_percentile(owner, percentile)
    lambdas = [1.0] * len(ws)
    if percentile is not None:
        if norm_data is None:
            raise ParameterError(
                f"{owner}: normalisation needs norm_data (e.g. the training inputs); pass it, or "
                "percentile=None to convert without normalisation."
            )
        x = float_array(owner, "norm_data", norm_data, shape=("n_samples", ws[0].shape[1]), error=InputError)
        warn_input_range(owner, "norm_data", x)
        activations = forward_pass(ws, bs, x, relu_output=True)
        lambdas = _scales(owner, activations, percentile, ignore_zeros, pop_names[1:])
    prev = [1.0] + lambdas[:-1]
    return Normalisation(
        weights=tuple(frozen(w * (p / lam)) for w, p, lam in zip(ws, prev, lambdas)),
        biases=tuple(frozen(b / lam) for b, lam in zip(bs, lambdas)),
        lambdas=tuple(lambdas),
        percentile=percentile,
        ignore_zeros=bool(ignore_zeros),
    )
