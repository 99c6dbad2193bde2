"""The validators neurocompare shares, with one message template.

Every check raises :class:`~neurocompare.errors.ParameterError` (or the error type given) with a message
of the form ``"{owner}: {name} must be {rule}; got {value!r}."``: the owner (a class, function, population
or file), the bad value and what would be valid. Two variants keep that order (owner, what, value, fix):
a name outside a fixed set reads ``"{owner}: unknown {name} {value!r}; valid: {choices}."``
(:func:`check_choice`), and an array of the wrong shape ``"{owner}: {name} must have shape {shape};
got shape {actual}."`` (:func:`check_shape`).
"""

from __future__ import annotations

import math
import secrets
from numbers import Integral, Real
from typing import Any, Sequence

import numpy as np

from .errors import ParameterError

__all__ = [
    "fail",
    "check_positive",
    "check_seed",
    "check_int",
    "check_real",
    "check_choice",
    "check_shape",
    "float_array",
    "frozen",
    "real_number",
    "first_index",
    "fmt_index",
    "fmt_number",
]


def fail(owner: str, name: str, rule: str, value: Any, error: type[Exception] = ParameterError, *,
         at: Any = None, fix: str = "") -> Exception:
    """The error for ``owner``'s ``name`` breaking ``rule`` with ``value`` (to raise).

    ``at`` (e.g. an index) is said after the value, ``fix`` (a sentence) after the message.
    """
    got = f"{value!r}" if at is None else f"{value!r} at {at}"
    return error(f"{owner}: {name} must be {rule}; got {got}." + (f" {fix}" if fix else ""))


def check_positive(owner: str, name: str, value: Any, *, allow_zero: bool = False, hint: str = "") -> float:
    """A finite real > 0 (or >= 0), else a ParameterError naming it (``hint`` follows the rule)."""
    ok = not isinstance(value, bool) and isinstance(value, Real) and math.isfinite(value)
    ok = ok and (value >= 0 if allow_zero else value > 0)
    if not ok:
        rule = f"a finite number {'>= 0' if allow_zero else '> 0'}" + (f" {hint}" if hint else "")
        raise fail(owner, name, rule, value)
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


def check_int(owner: str, name: str, value: Any, *, minimum: int, maximum: int | None = None,
              hint: str = "") -> int:
    """An integer (not a bool) >= ``minimum`` (and <= ``maximum``); ``hint`` follows the rule."""
    ok = not isinstance(value, bool) and isinstance(value, Integral) and value >= minimum
    if not ok or (maximum is not None and value > maximum):
        rule = f"an integer >= {minimum}" if maximum is None else f"an integer in {minimum}..{maximum}"
        raise fail(owner, name, rule + (f" {hint}" if hint else ""), value)
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


def check_choice(owner: str, name: str, value: Any, choices: Sequence[str], *,
                 error: type[Exception] = ParameterError) -> str:
    """``value`` if it is one of ``choices``, else ``"{owner}: unknown {name} {value!r}; valid: ..."``."""
    if not isinstance(value, str) or value not in choices:
        raise error(f"{owner}: unknown {name} {value!r}; valid: {', '.join(map(repr, choices))}.")
    return value


def check_shape(owner: str, name: str, array: np.ndarray, shape: Sequence[int | str], *,
                error: type[Exception] = ParameterError, fix: str = "") -> np.ndarray:
    """``array`` if its shape is ``shape``, else an error naming both (and ``fix``).

    An int entry must match exactly; a str entry names a free dimension (e.g. ``"n_samples"``), which
    must be at least 1.
    """
    ok = array.ndim == len(shape) and all(
        n >= 1 if isinstance(want, str) else n == want for n, want in zip(array.shape, shape)
    )
    if not ok:
        expected = "(" + ", ".join(map(str, shape)) + ("," if len(shape) == 1 else "") + ")"
        raise error(f"{owner}: {name} must have shape {expected}; got shape {array.shape}." + (f" {fix}" if fix else ""))
    return array


def float_array(owner: str, name: str, value: Any, *, shape: Sequence[int | str] | None = None,
                error: type[Exception] = ParameterError, fix: str = "") -> np.ndarray:
    """``value`` as a float array of finite numbers (of ``shape``, see :func:`check_shape`, if given).

    Checked in order: numbers at all, the shape, then finiteness; a non-finite entry is named with its
    index, followed by ``fix``.
    """
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise error(f"{owner}: {name} must be an array of numbers ({exc}).") from None
    if shape is not None:
        check_shape(owner, name, arr, shape, error=error)
    bad = ~np.isfinite(arr)
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise fail(owner, name, "finite", float(arr[idx]), error, at=idx, fix=fix)
    return arr


def frozen(a: Any, dtype: Any = float) -> np.ndarray:
    """A read-only copy of ``a`` as an array of ``dtype``."""
    arr = np.array(a, dtype=dtype, copy=True)
    arr.setflags(write=False)
    return arr


def real_number(owner: str, name: str, value: Any) -> float:
    """A real number (not a bool; infinities and NaN pass, for the caller to judge) as a float."""
    if isinstance(value, bool) or not isinstance(value, Real):
        raise fail(owner, name, "a real number", value)
    return float(value)


def first_index(mask: np.ndarray) -> tuple[int, ...]:
    """The index of the first True entry of ``mask`` (row-major), for messages that point at a bad value."""
    return tuple(int(i) for i in np.argwhere(mask)[0])


def fmt_index(idx: tuple[int, ...]) -> str:
    """An index as messages write it: ``(0, 1)``, or ``(3)`` for one dimension."""
    return "(" + ", ".join(map(str, idx)) + ")" if len(idx) != 1 else f"({idx[0]})"


def fmt_number(value: Any) -> str:
    """A number as a short, plain string (``2.5``, ``nan``, ``3``), not numpy's repr."""
    v = float(value)
    return str(int(v)) if v.is_integer() and abs(v) < 1e15 else repr(v)

