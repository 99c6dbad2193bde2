"""The validators neurocompare shares, with one message template.

Every check raises :class:`~neurocompare.errors.ParameterError` (or the error type given) with a message
of the form ``"{owner}: {name} must be {rule}; got {value!r}."``: the owner (a class, function, population
or file), the bad value and what would be valid.
"""

from __future__ import annotations

import math
import secrets
from numbers import Integral, Real
from typing import Any

import numpy as np

from .errors import ParameterError

__all__ = ["fail", "check_positive", "check_seed", "check_int", "check_real", "frozen"]


def fail(owner: str, name: str, rule: str, value: Any, error: type[Exception] = ParameterError) -> Exception:
    """The error for ``owner``'s ``name`` breaking ``rule`` with ``value`` (to raise)."""
    return error(f"{owner}: {name} must be {rule}; got {value!r}.")


def check_positive(owner: str, name: str, value: Any, *, allow_zero: bool = False) -> float:
    """A finite real > 0 (or >= 0), else a ParameterError naming it."""
    ok = not isinstance(value, bool) and isinstance(value, Real) and math.isfinite(value)
    ok = ok and (value >= 0 if allow_zero else value > 0)
    if not ok:
        raise fail(owner, name, f"a finite number {'>= 0' if allow_zero else '> 0'}", value)
    return float(value)


def check_seed(seed: Any, *, owner: str = "seed") -> int:
    """A seed as a non-negative int; ``None`` draws a fresh one (which results record)."""
    if seed is None:
        return secrets.randbits(32)
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        if owner == "seed":
            raise ParameterError(f"seed must be a non-negative integer or None; got {seed!r}.")
        raise fail(owner, "seed", "a non-negative integer or None", seed)
    return int(seed)


def check_int(owner: str, name: str, value: Any, *, minimum: int) -> int:
    """An integer (not a bool) >= ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, Integral) or value < minimum:
        raise fail(owner, name, f"an integer >= {minimum}", value)
    return int(value)


def check_real(owner: str, name: str, value: Any, *, low: float, high: float | None = None,
               low_open: bool = True) -> float:
    """A finite real above ``low`` (or at least, with ``low_open=False``) and below ``high``."""
    ok = not isinstance(value, bool) and isinstance(value, Real) and math.isfinite(value)
    ok = ok and (value > low if low_open else value >= low) and (high is None or value < high)
    if not ok:
        rng = f"{'>' if low_open else '>='} {low:g}" + (f" and < {high:g}" if high is not None else "")
        raise fail(owner, name, f"a finite number {rng}", value)
    return float(value)


def frozen(a: Any, dtype: Any = float) -> np.ndarray:
    """A read-only copy of ``a`` as an array of ``dtype``."""
    arr = np.array(a, dtype=dtype, copy=True)
    arr.setflags(write=False)
    return arr
