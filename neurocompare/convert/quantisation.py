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

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .._validation import check_int, float_array, frozen
from ..encoding import stream_seed
from ..errors import CircuitError, ParameterError
from ..rounding import (MAX_BITS, ROUNDING_MODES, LayerRounding, check_bits, check_rounding, check_unit, quantize,
                        round_to_counts)
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


def quantise_options(owner: str, *, n_layers: int, bits: Any, unit_weight: Any, rounding: Any,
                     seed: Any) -> tuple[int | None, list[float | None], str, int]:
    """Checked ``bits``, per-layer unit weights (None: derived from ``bits``), ``rounding`` and ``seed``.

    ``unit_weight`` is None, one number for every layer, or a sequence of ``n_layers`` numbers; without
    it ``bits`` must be given.
    """
    bits = check_bits(owner, bits)
    rounding = check_rounding(owner, rounding)
    seed = check_int(owner, "seed", seed, minimum=0)
    if unit_weight is None:
        if bits is None:
            raise ParameterError(f"{owner}: give bits (e.g. 5) or unit_weight; got neither.")
        units: list[float | None] = [None] * n_layers
    elif isinstance(unit_weight, Sequence) and not isinstance(unit_weight, (str, bytes)):
        if len(unit_weight) != n_layers:
            raise ParameterError(f"{owner}: unit_weight needs one value per layer ({n_layers}); got {list(unit_weight)!r}.")
        units = [check_unit(f"{owner}: layer {l}", u) for l, u in enumerate(unit_weight)]
    else:
        units = [check_unit(owner, unit_weight)] * n_layers
    return bits, units, rounding, seed


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
