"""Float weights to integer synapse counts: the package's one rounding rule.

A weight ``w`` becomes ``n`` synapses of a unit weight ``u`` each: ``n = round(w / u)``, so the circuit's
weight is ``n * u``. :func:`round_to_counts` rounds (``"nearest"`` or unbiased ``"stochastic"``),
:func:`quantize` picks the unit for one matrix (from ``bits``, or given) and :class:`LayerRounding`
measures the error. Used by :mod:`neurocompare.convert` (a trained network, layer by layer) and
:mod:`neurocompare.nir` (weights of an imported NIR graph).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validation import check_choice, check_int, check_positive, float_array
from .encoding import stream_seed
from .errors import InputError, ParameterError

__all__ = ["ROUNDING_MODES", "MAX_BITS", "round_to_counts", "quantize", "LayerRounding"]

#: How float weights / unit become integer counts.
ROUNDING_MODES = ("nearest", "stochastic")
#: Largest ``bits``: counts up to 2**30 - 1 stay below the circuit's limit of 2**31 - 1.
MAX_BITS = 30


def check_rounding(owner: str, rounding: Any) -> str:
    return check_choice(owner, "rounding mode", rounding, ROUNDING_MODES)


def check_bits(owner: str, bits: Any) -> int | None:
    if bits is None:
        return None
    return check_int(owner, "bits", bits, minimum=1, maximum=MAX_BITS,
                     hint="(|count| <= 2**bits - 1, sign separate) or None")


def check_unit(owner: str, unit: Any) -> float:
    return check_positive(owner, "unit_weight", unit, hint="(the sign lives in the counts)")


# -------------------------------------------------------------------------- rounding
def round_to_counts(values: Any, *, rounding: str = "nearest", seed: int | None = 0) -> np.ndarray:
    """Round real numbers (weights in units of one synapse) to integer counts.

    ``"nearest"``: ``n = round(v)`` (half to even). ``"stochastic"``: ``n = floor(v) + B`` with
    ``B ~ Bernoulli(v - floor(v))``, so ``E[n] = v`` exactly (unbiased; Gupta et al. 2015).

    Parameters
    ----------
    values : array of float
    rounding : {"nearest", "stochastic"}
    seed : int
        Seeds the stochastic rounding (ignored by "nearest").

    Returns
    -------
    int64 array of the same shape
    """
    owner = "round_to_counts"
    rounding = check_rounding(owner, rounding)
    v = float_array(owner, "values", values, error=InputError)
    if rounding == "nearest":
        return np.rint(v).astype(np.int64)
    rng = np.random.default_rng(stream_seed(check_int(owner, "seed", seed, minimum=0), "round"))
    low = np.floor(v)
    return (low + (rng.random(v.shape) < (v - low))).astype(np.int64)


def quantize(
    weights: Any,
    *,
    bits: int | None = 5,
    unit_weight: float | None = None,
    rounding: str = "nearest",
    seed: int = 0,
    owner: str = "quantize",
) -> tuple[np.ndarray, float, int]:
    """Integer counts and a unit weight for ONE float weight matrix: ``W ~ counts * unit``.

    :func:`quantise` does this for every layer of a network (and measures the error).

    Parameters
    ----------
    weights : array of float
    bits : int or None
        Largest count magnitude ``2**bits - 1`` (sign separate). With ``unit_weight=None`` the unit
        is ``u = max|W| / (2**bits - 1)``, so the largest weight gets exactly ``2**bits - 1``
        synapses. With a given ``unit_weight``, counts beyond the limit are clipped (saturated).
    unit_weight : float, optional
        Fixed unit weight; ``None`` derives it from ``bits``.
    rounding : {"nearest", "stochastic"}
    seed : int
        Seeds stochastic rounding.
    owner : str
        Who is asking (the start of every error message).

    Returns
    -------
    counts : int64 array
    unit : float
    n_clipped : int
        How many counts were clipped to ``+-(2**bits - 1)``.
    """
    rounding = check_rounding(owner, rounding)
    bits = check_bits(owner, bits)
    w = np.asarray(weights, dtype=float)
    if unit_weight is None:
        if bits is None:
            raise ParameterError(f"{owner}: give bits (e.g. 5) or unit_weight; got neither.")
        w_max = float(np.max(np.abs(w))) if w.size else 0.0
        unit = w_max / (2**bits - 1) if w_max > 0 else 1.0
    else:
        unit = check_unit(owner, unit_weight)
    counts = round_to_counts(w / unit, rounding=rounding, seed=seed)
    n_clipped = 0
    if bits is not None:
        limit = 2**bits - 1
        over = np.abs(counts) > limit
        # With a derived unit only floating-point round-off can overshoot (w/u = limit + 1e-15).
        n_clipped = int(np.count_nonzero(over)) if unit_weight is not None else 0
        counts = np.clip(counts, -limit, limit)
    return counts, unit, n_clipped


# --------------------------------------------------------------------------- results
@dataclass(frozen=True)
class LayerRounding:
    """How well ``counts * unit_weight`` reproduces one layer's normalised float weights ``W'``.

    Attributes
    ----------
    projection : str
        ``"pre->post"``.
    unit_weight : float
    max_count : int
        Largest ``|n|`` in the layer.
    n_synapses : int
        ``sum |n|``.
    n_clipped : int
        Counts saturated at ``2**bits - 1`` (only with a given unit weight).
    max_abs_error, mean_abs_error : float
        ``max`` / ``mean`` of ``|n u - W'|`` over all pairs (nearest rounding: at most ``u / 2``
        unless clipped).
    rel_frobenius_error : float
        ``||n u - W'||_F / ||W'||_F`` (NaN for an all-zero layer).
    """

    projection: str
    unit_weight: float
    max_count: int
    n_synapses: int
    n_clipped: int
    max_abs_error: float
    mean_abs_error: float
    rel_frobenius_error: float

    @classmethod
    def measure(cls, projection: str, weights: np.ndarray, counts: np.ndarray, unit: float,
                n_clipped: int = 0) -> "LayerRounding":
        """The rounding error of ``counts * unit`` against the float ``weights`` (same shape)."""
        approx = counts * unit
        diff = np.abs(approx - weights)
        norm = float(np.linalg.norm(weights))
        return cls(
            projection=projection,
            unit_weight=unit,
            max_count=int(np.abs(counts).max()) if counts.size else 0,
            n_synapses=int(np.abs(counts).sum()),
            n_clipped=n_clipped,
            max_abs_error=float(diff.max()) if diff.size else 0.0,
            mean_abs_error=float(diff.mean()) if diff.size else 0.0,
            rel_frobenius_error=float(np.linalg.norm(approx - weights) / norm) if norm > 0 else math.nan,
        )
