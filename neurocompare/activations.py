"""Activation functions of the artificial neuron, y = f(z) with z = W x + b.

The built-in functions are looked up by name; any callable mapping an array to an array of
the same shape can be used instead (the "programmable function" of the artificial neuron).
A real neuron's own activation, measured from its f-I curve, is a :class:`TabulatedActivation`
with a name a circuit file can hold (``"fi:izhikevich:RS@1000Hz,dt=0.025ms"``; the family
``fi`` is registered by :mod:`neurocompare.backends.activation`, which measures it).
The spiking backend ignores the activation: its nonlinearity is the threshold itself.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable

import numpy as np

from ._validation import frozen
from .errors import ParameterError

__all__ = ["relu", "sigmoid", "tanh", "step", "identity", "BUILTIN_ACTIVATIONS", "TabulatedActivation",
           "register_activation_family", "canonical_activation_name", "resolve_activation", "derivative_of",
           "valid_activation_names"]

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


# ---------------------------------------------------------------------------- tabulated activations
class TabulatedActivation:
    """An activation given by points ``(x_i, y_i)``: the shape-preserving cubic (PCHIP) through them.

    The real neuron's activation (:func:`neurocompare.backends.activation.measured_activation`) is one of these:
    its firing rate (in units of the rate scale) against its drive. PCHIP (Fritsch & Carlson 1980, scipy's
    :class:`~scipy.interpolate.PchipInterpolator`) is continuously differentiable and monotone wherever the points
    are (it adds no wiggles: between two rising points it rises), so its derivative is what gradient training needs.
    Outside ``[x_0, x_n]`` the activation is constant (``y_0`` below, ``y_n`` above) with derivative 0.

    Parameters
    ----------
    name : str
        How a circuit file refers to it (``"fi:izhikevich:RS@1000Hz,dt=0.025ms"``); also ``__name__``.
    x, y : array_like, shape (n,)
        The knots: ``x`` strictly increasing, both finite, n >= 2.
    measured : (x, y) arrays, optional
        The raw measurement the knots were made from (drawn under the curve in the report).
    description : str
        One line on where the points come from.
    """

    def __init__(self, name: str, x: Any, y: Any, *, measured: tuple[Any, Any] | None = None,
                 description: str = "") -> None:
        x = np.asarray(x, dtype=float)
        y = np.asarray(y, dtype=float)
        if x.ndim != 1 or x.shape != y.shape or len(x) < 2:
            raise ParameterError(f"TabulatedActivation {name!r}: x and y must be 1-d of one length >= 2; got shapes "
                                 f"{x.shape} and {y.shape}.")
        if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
            raise ParameterError(f"TabulatedActivation {name!r}: the points must be finite.")
        if np.any(np.diff(x) <= 0):
            i = int(np.flatnonzero(np.diff(x) <= 0)[0])
            raise ParameterError(f"TabulatedActivation {name!r}: x must increase strictly; got {x[i]:g} then "
                                 f"{x[i + 1]:g} at {i}.")
        from scipy.interpolate import PchipInterpolator

        self.name = self.__name__ = str(name)
        self.x, self.y = frozen(x), frozen(y)
        self.measured = None if measured is None else tuple(frozen(np.asarray(m, dtype=float)) for m in measured)
        self.description = description
        self._f = PchipInterpolator(x, y, extrapolate=False)
        self._df = self._f.derivative()

    def __call__(self, z: Any) -> np.ndarray:
        z = np.asarray(z, dtype=float)
        inside = np.clip(z, self.x[0], self.x[-1])
        return np.where(z <= self.x[0], self.y[0], np.where(z >= self.x[-1], self.y[-1], self._f(inside)))

    def derivative(self, z: Any) -> np.ndarray:
        """df/dz at ``z`` (0 outside the knots)."""
        z = np.asarray(z, dtype=float)
        inside = (z > self.x[0]) & (z < self.x[-1])
        return np.where(inside, self._df(np.clip(z, self.x[0], self.x[-1])), 0.0)

    @property
    def peak(self) -> float:
        """The largest value it takes."""
        return float(self.y.max())

    def __reduce__(self):  # pickles as its points (the interpolators are rebuilt)
        return (_rebuild_tabulated, (self.name, self.x, self.y, self.measured, self.description))

    def __repr__(self) -> str:
        return f"TabulatedActivation({self.name!r}, {len(self.x)} points on [{self.x[0]:g}, {self.x[-1]:g}])"


def _rebuild_tabulated(name, x, y, measured, description) -> TabulatedActivation:
    return TabulatedActivation(name, x, y, measured=measured, description=description)


#: Families of named activations beyond the built-ins, by prefix ("fi" -> a measured neuron's activation); filled by
#: the layer that can make them (neurocompare.backends.activation registers "fi").
_FAMILIES: dict[str, tuple[Callable[[str], str], Callable[[str], ActivationFn]]] = {}


def register_activation_family(prefix: str, *, canonical: Callable[[str], str],
                               resolve: Callable[[str], ActivationFn]) -> None:
    """Names ``"PREFIX:..."`` become activations: ``canonical(name)`` checks a name (raising a ParameterError that
    says what is wrong) and spells it in full without computing anything; ``resolve(name)`` makes the function."""
    _FAMILIES[prefix] = (canonical, resolve)


def _family(name: str):
    prefix = name.split(":", 1)[0] if ":" in name else None
    return _FAMILIES.get(prefix) if prefix else None


def valid_activation_names() -> str:
    """The names a circuit may use, for error messages."""
    fams = ", ".join(f"'{p}:...'" for p in _FAMILIES)
    return ", ".join(BUILTIN_ACTIVATIONS) + (f" or {fams}" if fams else "")


def canonical_activation_name(name: str) -> str:
    """``name`` spelled in full (a built-in's name is itself); a ParameterError for an unknown or malformed one."""
    if name in BUILTIN_ACTIVATIONS:
        return name
    fam = _family(name)
    if fam is None:
        raise ParameterError(f"unknown activation {name!r}; valid: {valid_activation_names()}.")
    return fam[0](name)


def resolve_activation(name: str) -> ActivationFn:
    """The function a name stands for (a family's is made, or taken from its cache, now)."""
    if name in BUILTIN_ACTIVATIONS:
        return BUILTIN_ACTIVATIONS[name]
    fam = _family(name)
    if fam is None:
        raise ParameterError(f"unknown activation {name!r}; valid: {valid_activation_names()}.")
    return fam[1](name)


_DERIVATIVES: dict[Any, Callable[[np.ndarray], np.ndarray]] = {
    relu: lambda z: (np.asarray(z) > 0).astype(float),
    sigmoid: lambda z: sigmoid(z) * (1.0 - sigmoid(z)),
    tanh: lambda z: 1.0 - np.tanh(z) ** 2,
    identity: lambda z: np.ones_like(np.asarray(z, dtype=float)),
}


def derivative_of(fn: ActivationFn) -> Callable[[np.ndarray], np.ndarray]:
    """f' of an activation (a built-in, a :class:`TabulatedActivation`, or any callable with a ``derivative``
    method); a ParameterError for one without (``step``: its derivative is 0 almost everywhere)."""
    if fn in _DERIVATIVES:
        return _DERIVATIVES[fn]
    d = getattr(fn, "derivative", None)
    if callable(d):
        return d
    raise ParameterError(f"activation {getattr(fn, '__name__', fn)!r} has no derivative to train with; use relu, "
                         "sigmoid, tanh, identity, a measured 'fi:...' activation or a callable with a .derivative.")
