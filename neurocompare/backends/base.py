"""The backend protocol: every backend runs a circuit on a batch of inputs and returns a Result."""

from __future__ import annotations

import math
from numbers import Integral, Real
from typing import Any, Protocol, runtime_checkable

from ..circuit import Circuit
from ..errors import ParameterError
from ..results import Result

__all__ = ["Backend", "check_seed", "check_positive"]


@runtime_checkable
class Backend(Protocol):
    """What the comparison layer relies on.

    ``run(circuit, inputs, *, seed=None)`` takes a :class:`~neurocompare.circuit.Circuit` and
    input values (see :func:`~neurocompare.circuit.normalize_inputs`) and returns a
    :class:`~neurocompare.results.Result` whose ``activations`` hold every population as a
    ``(batch, size)`` array on the artificial scale.
    """

    name: str

    def run(self, circuit: Circuit, inputs: Any = None, *, seed: int | None = None) -> Result: ...


def check_seed(seed: Any) -> int:
    """A seed as a non-negative int; ``None`` draws a fresh one (recorded in the result)."""
    if seed is None:
        import secrets

        return secrets.randbits(32)
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ParameterError(f"seed must be a non-negative integer or None; got {seed!r}.")
    return int(seed)


def check_positive(owner: str, name: str, value: Any, *, allow_zero: bool = False) -> float:
    """A finite real > 0 (or >= 0), else a ParameterError naming it."""
    ok = not isinstance(value, bool) and isinstance(value, Real) and math.isfinite(value)
    ok = ok and (value >= 0 if allow_zero else value > 0)
    if not ok:
        rel = ">= 0" if allow_zero else "> 0"
        raise ParameterError(f"{owner}: {name} must be a finite number {rel}; got {value!r}.")
    return float(value)
