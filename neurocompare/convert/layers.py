"""The float network a conversion starts from: validated (post, pre) layers and their population names.

Every step of the conversion takes the float network as lists ``weights[l]`` (shape (out, in) = (post,
pre), the circuit's orientation: the transpose of scikit-learn's ``coefs_``) and ``biases[l]`` (shape
(out,)), input layer first, with population names ``names[0]`` (the input) to ``names[L]`` (the output).
This module checks them once, with messages that name the layer.
"""

from __future__ import annotations

from typing import Any, Sequence

import numpy as np

from .._validation import check_shape, fail, float_array
from ..errors import CircuitError

__all__ = ["layer_names", "layer_list", "float_layers"]

#: What to do about non-finite weights or biases.
_RETRAIN = "Retrain (lower the learning rate) or fix the weights before converting."
#: What to do about a layer whose inputs do not match the previous layer's outputs.
_TRANSPOSE = "Pass (post, pre) matrices (transpose scikit-learn's coefs_)."


def layer_names(n_layers: int, names: Sequence[str] | None, *, owner: str = "convert") -> tuple[str, ...]:
    """Population names of a network of ``n_layers`` weight layers, input first.

    ``None`` gives ``("x", "hidden", "out")`` for two layers and ``("x", "hidden1", ..., "out")`` for
    deeper networks; a given sequence must hold ``n_layers + 1`` names.
    """
    if names is None:
        hidden = ["hidden"] if n_layers == 2 else [f"hidden{i}" for i in range(1, n_layers)]
        return ("x", *hidden, "out")
    if isinstance(names, (str, bytes)) or len(names) != n_layers + 1:
        rule = f"{n_layers + 1} population names (input, {n_layers - 1} hidden, output)"
        raise fail(owner, "names", rule, names)
    return tuple(names)


def layer_list(owner: str, what: str, value: Any, rule: str, n: int | None) -> int:
    """Length of ``value`` if it is a (non-array) sequence of ``n`` entries (non-empty if ``n`` is None)."""
    ok = not isinstance(value, np.ndarray) and isinstance(value, Sequence)
    ok = ok and (len(value) == n if n is not None else len(value) > 0)
    if not ok:
        raise fail(owner, what, rule, len(value) if isinstance(value, Sequence) else type(value).__name__)
    return len(value)


def float_layers(
    weights: Sequence[Any], biases: Sequence[Any], *, names: Sequence[str] | None = None, owner: str = "convert"
) -> tuple[list[np.ndarray], list[np.ndarray], tuple[str, ...]]:
    """Check a float network and return its layers as float arrays, with its population names.

    Parameters
    ----------
    weights : sequence of arrays (out, in)
        One finite matrix per layer; layer ``l``'s ``in`` equals layer ``l - 1``'s ``out``.
    biases : sequence of arrays (out,)
        One finite vector per layer.
    names : sequence of str, optional
        See :func:`layer_names`.
    owner : str
        Who is asking (the start of every error message).

    Returns
    -------
    weights, biases : lists of float arrays
    names : tuple of str

    Raises
    ------
    ParameterError
        ``weights`` or ``biases`` is not a list of the right length, or ``names`` has the wrong length.
    CircuitError
        A layer is not numeric, not finite or of the wrong shape (the message names the layer).
    """
    n_layers = layer_list(owner, "weights", weights, "a non-empty list of (out, in) matrices", None)
    layer_list(owner, "biases", biases, f"a list of {n_layers} vectors, one per layer", n_layers)
    pop_names = layer_names(n_layers, names, owner=owner)
    ws: list[np.ndarray] = []
    bs: list[np.ndarray] = []
    for l, (w, b) in enumerate(zip(weights, biases)):
        layer = f"Layer {l} ({pop_names[l]!r}->{pop_names[l + 1]!r})"
        w = float_array(layer, "weights", w, shape=("out", "in"), error=CircuitError, fix=_RETRAIN)
        if l > 0:
            check_shape(layer, "weights", w, ("out", ws[-1].shape[0]), error=CircuitError, fix=_TRANSPOSE)
        ws.append(w)
        bs.append(float_array(layer, "biases", b, shape=(w.shape[0],), error=CircuitError, fix=_RETRAIN))
    return ws, bs, pop_names

