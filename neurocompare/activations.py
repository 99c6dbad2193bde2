"""Activation functions of the artificial neuron, y = f(z) with z = W x + b.

The built-in functions are looked up by name; any callable mapping an array to an array of
the same shape can be used instead (the "programmable function" of the artificial neuron).
The spiking backend ignores the activation: its nonlinearity is the threshold itself.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Callable

import numpy as np

__all__ = ["relu", "sigmoid", "tanh", "step", "identity", "BUILTIN_ACTIVATIONS"]

ActivationFn = Callable[[np.ndarray], np.ndarray]


def relu(z: np.ndarray) -> np.ndarray:
    """Rectified linear unit, max(0, z)."""
    return np.maximum(z, 0.0)


def sigmoid(z: np.ndarray) -> np.ndarray:
    """Logistic function 1 / (1 + exp(-z)), computed without overflow for large |z|."""
    z = np.asarray(z, dtype=float)
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return out


def tanh(z: np.ndarray) -> np.ndarray:
    """Hyperbolic tangent."""
    return np.tanh(z)


def step(z: np.ndarray) -> np.ndarray:
    """Heaviside threshold: 1 where z > 0, else 0 (the McCulloch-Pitts unit, H(0) = 0)."""
    return (np.asarray(z) > 0).astype(float)


def identity(z: np.ndarray) -> np.ndarray:
    """The identity: a purely linear neuron."""
    return np.asarray(z, dtype=float)


#: Activation functions known by name (read-only).
BUILTIN_ACTIVATIONS: MappingProxyType[str, ActivationFn] = MappingProxyType(
    {"relu": relu, "sigmoid": sigmoid, "tanh": tanh, "step": step, "identity": identity}
)
