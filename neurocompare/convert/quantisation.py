"""Step 2 of a conversion: float weights to integer synapse counts with a unit weight per layer.

Each layer gets a unit weight ``u_l`` (what one synapse is worth) and counts ``n_l = round(W'_l / u_l)``,
so the circuit's weight is ``n_l * u_l``. With ``bits = B`` the magnitude of a count is at most
``2**B - 1`` (the sign is separate: excitatory vs inhibitory synapses, so ``B = 5`` means ``|n| <= 31``,
a 6-bit signed magnitude) and ``u_l = max|W'_l| / (2**B - 1)``; or the unit weight is given directly.
Rounding is ``"nearest"`` or ``"stochastic"`` (``floor(w/u) + Bernoulli(frac(w/u))``, unbiased:
``E[n u] = w``; Gupta et al. 2015, ICML).

:func:`round_to_counts` rounds one array, :func:`quantize` one weight matrix, :func:`quantise` every
layer of a (normalised) network, with the rounding error of each.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .._validation import check_choice, check_int, check_positive, float_array, frozen
from ..encoding import stream_seed
from ..errors import CircuitError, InputError, ParameterError
from .layers import layer_list, layer_names

__all__ = [
    "ROUNDING_MODES",
    "MAX_BITS",
    "round_to_counts",
    "quantize",
    "LayerRounding",
    "Quantisation",
    "quantise",
    "quantise_options",
]

#: How float weights / unit become integer counts.
ROUNDING_MODES = ("nearest", "stochastic")
#: Largest ``bits``: counts up to 2**30 - 1 stay below the circuit's limit of 2**31 - 1.
MAX_BITS = 30


# ---------------------------------------------------------------------------- checks
def _check_rounding(owner: str, rounding: Any) -> str:
    return check_choice(owner, "rounding mode", rounding, ROUNDING_MODES)


def _check_bits(owner: str, bits: Any) -> int | None:
    if bits is None:
        return None
    return check_int(owner, "bits", bits, minimum=1, maximum=MAX_BITS,
                     hint="(|count| <= 2**bits - 1, sign separate) or None")


def _check_unit(owner: str, unit: Any) -> float:
    return check_positive(owner, "unit_weight", unit, hint="(the sign lives in the counts)")


def quantise_options(owner: str, *, n_layers: int, bits: Any, unit_weight: Any, rounding: Any,
                     seed: Any) -> tuple[int | None, list[float | None], str, int]:
    """Checked ``bits``, per-layer unit weights (None: derived from ``bits``), ``rounding`` and ``seed``.

    ``unit_weight`` is None, one number for every layer, or a sequence of ``n_layers`` numbers; without
    it ``bits`` must be given.
    """
    bits = _check_bits(owner, bits)
    rounding = _check_rounding(owner, rounding)
    seed = check_int(owner, "seed", seed, minimum=0)
    if unit_weight is None:
        if bits is None:
            raise ParameterError(f"{owner}: give bits (e.g. 5) or unit_weight; got neither.")
        units: list[float | None] = [None] * n_layers
    elif isinstance(unit_weight, Sequence) and not isinstance(unit_weight, (str, bytes)):
        if len(unit_weight) != n_layers:
            raise ParameterError(f"{owner}: unit_weight needs one value per layer ({n_layers}); got {list(unit_weight)!r}.")
        units = [_check_unit(f"{owner}: layer {l}", u) for l, u in enumerate(unit_weight)]
    else:
        units = [_check_unit(owner, unit_weight)] * n_layers
    return bits, units, rounding, seed


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
    rounding = _check_rounding(owner, rounding)
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
    rounding = _check_rounding(owner, rounding)
    bits = _check_bits(owner, bits)
    w = np.asarray(weights, dtype=float)
    if unit_weight is None:
        if bits is None:
            raise ParameterError(f"{owner}: give bits (e.g. 5) or unit_weight; got neither.")
        w_max = float(np.max(np.abs(w))) if w.size else 0.0
        unit = w_max / (2**bits - 1) if w_max > 0 else 1.0
    else:
        unit = _check_unit(owner, unit_weight)
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


@dataclass(frozen=True, eq=False)
class Quantisation:
    """Every layer of a network as integer synapse counts and a unit weight, with the rounding error.

    Attributes
    ----------
    counts : tuple of read-only int64 arrays
        ``n_l``, shape (out, in) = (post, pre).
    unit_weights : tuple of float
        ``u_l``; the circuit's weights are ``n_l * u_l``.
    errors : tuple of LayerRounding
        ``|n_l u_l - W'_l|`` per layer.
    bits : int or None
    rounding : str
    seed : int
    """

    counts: tuple[np.ndarray, ...]
    unit_weights: tuple[float, ...]
    errors: tuple[LayerRounding, ...]
    bits: int | None
    rounding: str
    seed: int


def quantise(
    weights: Sequence[Any],
    *,
    bits: int | None = 5,
    unit_weight: float | Sequence[float] | None = None,
    rounding: str = "nearest",
    seed: int = 0,
    names: Sequence[str] | None = None,
    owner: str = "quantise",
) -> Quantisation:
    """Round every layer's (normalised) float weights to integer synapse counts.

    Parameters
    ----------
    weights : sequence of arrays (out, in)
        ``W'_l``, input layer first (e.g. :attr:`Normalisation.weights`).
    bits : int in 1..30 or None
        ``|count| <= 2**bits - 1``, sign separate (default 5: at most 31 synapses per pair).
    unit_weight : float or sequence of float, optional
        Fixed unit weight (per layer if a sequence) instead of the one ``bits`` implies; with
        ``bits`` also given the counts are clipped to its limit.
    rounding : {"nearest", "stochastic"}
    seed : int
        Seeds stochastic rounding; layer ``l`` draws from its own stream ``(seed, "convert", l)``.
    names : sequence of str, optional
        Population names, input first (for :attr:`LayerRounding.projection` and messages).
    owner : str
        Who is asking (the start of every error message).

    Returns
    -------
    Quantisation

    Notes
    -----
    ``n_l = round(W'_l / u_l)`` with ``u_l = max|W'_l| / (2**bits - 1)`` unless given (Diehl et al. 2015;
    Rueckauer et al. 2017); stochastic rounding is unbiased, ``E[n_l u_l] = W'_l`` (Gupta et al. 2015).
    """
    n_layers = layer_list(owner, "weights", weights, "a non-empty list of (out, in) matrices", None)
    bits, units, rounding, seed = quantise_options(owner, n_layers=n_layers, bits=bits, unit_weight=unit_weight,
                                                   rounding=rounding, seed=seed)
    pop_names = layer_names(n_layers, names, owner=owner)
    counts, unit_out, errors = [], [], []
    for l, w in enumerate(weights):
        pre, post = pop_names[l], pop_names[l + 1]
        layer = f"{owner}: layer {pre!r}->{post!r}"
        w = float_array(layer, "weights", w, shape=("out", "in"), error=CircuitError)
        stream = int(stream_seed(seed, "convert", l).generate_state(1)[0])
        n, unit, n_clipped = quantize(w, bits=bits, unit_weight=units[l], rounding=rounding, seed=stream, owner=layer)
        counts.append(frozen(n, np.int64))
        unit_out.append(unit)
        errors.append(LayerRounding.measure(f"{pre}->{post}", w, n, unit, n_clipped))
    return Quantisation(tuple(counts), tuple(unit_out), tuple(errors), bits, rounding, seed)
