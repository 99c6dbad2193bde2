"""A fitted scikit-learn multi-layer perceptron as the float layers a conversion starts from.

:func:`layers_from_sklearn` reads ``coefs_`` and ``intercepts_`` of a fitted
:class:`~sklearn.neural_network.MLPClassifier` or :class:`~sklearn.neural_network.MLPRegressor` and turns
them into the circuit's (post, pre) orientation. Only ReLU hidden layers convert (an integrate-and-fire
neuron with reset by subtraction approximates ReLU in rate; Rueckauer et al. 2017). The output layer is
taken before the model's output function: a classifier's softmax (or logistic) does not change which
output is largest, so the converted circuit's argmax read-out gives the class (for a binary classifier
with one logistic output, class 1 is a positive output: read it with a threshold of 0); a regressor's
output is the identity already.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ParameterError

__all__ = ["is_sklearn_mlp", "layers_from_sklearn"]


def is_sklearn_mlp(model: Any) -> bool:
    """True for a scikit-learn MLP estimator (fitted or not), judged by its class, not by importing sklearn."""
    return type(model).__name__ in ("MLPClassifier", "MLPRegressor") and type(model).__module__.startswith("sklearn.")


def layers_from_sklearn(model: Any, *, owner: str = "convert") -> tuple[list[np.ndarray], list[np.ndarray]]:
    """(weights (post, pre), biases) of a fitted ReLU MLP, input layer first.

    Raises
    ------
    ParameterError
        If the model is not fitted, or its hidden activation is not ReLU.
    """
    name = type(model).__name__
    if not hasattr(model, "coefs_") or not hasattr(model, "intercepts_"):
        raise ParameterError(f"{owner}: the {name} is not fitted (no coefs_); call its fit() first.")
    if model.activation != "relu":
        raise ParameterError(f"{owner}: the {name} has activation={model.activation!r}; only ReLU hidden layers "
                             "convert to integrate-and-fire neurons: refit it with activation='relu'.")
    weights = [np.asarray(w, dtype=float).T for w in model.coefs_]
    biases = [np.asarray(b, dtype=float) for b in model.intercepts_]
    return weights, biases
