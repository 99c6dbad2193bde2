"""The one way a metric reports a degenerate case: NaN with a warning, never a silent 0."""

from __future__ import annotations

import math
import warnings

from ..errors import NoSpikesWarning

__all__ = ["nan_warned"]


def nan_warned(what: str) -> float:
    """NaN, after a :class:`~neurocompare.errors.NoSpikesWarning` ``"{what}; the value is NaN."``.

    Call it directly from a public metric function: the warning is attributed to that function's caller.
    """
    warnings.warn(f"{what}; the value is NaN.", NoSpikesWarning, stacklevel=3)
    return math.nan
