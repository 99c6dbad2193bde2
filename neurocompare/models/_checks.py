"""Validation shared by the biophysical neuron specs: finite numbers, positive ones, and a spec's file form."""

from __future__ import annotations

import math
from typing import Any

from .._validation import real_number as _real
from ..errors import ParameterError

__all__ = ["check_fields"]


def check_fields(spec: Any, owner: str, *, positive: tuple[str, ...] = (), non_negative: tuple[str, ...] = (),
                 optional_positive: tuple[str, ...] = ()) -> None:
    """Every float field of ``spec`` finite (the named ones > 0 or >= 0; ``optional_positive`` may be None), stored
    as float; a ParameterError names the field and the value."""
    for name, value in vars(spec).items():
        if value is None and name in optional_positive:
            continue
        x = _real(owner, name, value)
        if not math.isfinite(x):
            raise ParameterError(f"{owner}: {name} must be finite; got {value!r}.")
        if name in positive or name in optional_positive:
            if not x > 0:
                raise ParameterError(f"{owner}: {name} must be > 0; got {value!r}.")
        elif name in non_negative and not x >= 0:
            raise ParameterError(f"{owner}: {name} must be >= 0; got {value!r}.")
        object.__setattr__(spec, name, float(x))
