"""Limits on the work a file may ask for, checked before anything is materialised or simulated.

A 150-byte circuit file can declare ten million neurons, a 2 MB ``.npz`` can decompress to gigabytes and
a NIR spike file can ask for a day of simulated time. Every reader of a file (circuit, NIR graph, NIR
spike data, ``.npy``/``.npz``/``.csv`` inputs and labels) checks what the file declares against these
limits first, and the spiking backends check the number of time steps, so such a file costs a one-line
error instead of the machine's memory or hours:

=============  ===========  ==========================================================================
name           default      what is counted
=============  ===========  ==========================================================================
``neurons``    100,000      neurons of a circuit (inputs included)
``pairs``      10,000,000   (pre, post) pairs of its projections: counts are stored dense, 8 bytes each
``samples``    100,000      samples (rows) of an input or label file
``steps``      10,000,000   time steps of a run: duration / dt (1000 s at dt 0.1 ms)
``bytes``      268,435,456  size of a file, or of the arrays it decompresses to (256 MiB)
=============  ===========  ==========================================================================

The defaults fit a laptop with a few GB to spare. To raise them on a bigger machine, set
``NEUROCOMPARE_LIMITS``, e.g. ``NEUROCOMPARE_LIMITS="neurons=1e6,pairs=1e8"`` (read at each check;
scientific notation allowed), for the command line and the Python API alike.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, fields, replace

from .errors import LimitError, ParameterError

__all__ = ["Limits", "current_limits", "check_limit", "ENV_VAR"]

#: The environment variable that raises (or lowers) the limits.
ENV_VAR = "NEUROCOMPARE_LIMITS"


@dataclass(frozen=True)
class Limits:
    """The largest work a file may ask for (see the module docstring)."""

    neurons: int = 100_000
    pairs: int = 10_000_000
    samples: int = 100_000
    steps: int = 10_000_000
    bytes: int = 256 * 1024 * 1024


_WHAT = {"neurons": "neurons", "pairs": "synapse (pre, post) pairs", "samples": "samples",
         "steps": "time steps (duration / dt)", "bytes": "bytes"}


def current_limits() -> Limits:
    """The defaults, changed by ``$NEUROCOMPARE_LIMITS`` (``name=value`` pairs separated by commas)."""
    text = os.environ.get(ENV_VAR, "").strip()
    if not text:
        return Limits()
    valid = [f.name for f in fields(Limits)]
    changes = {}
    for item in text.split(","):
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or name not in valid:
            raise ParameterError(f"${ENV_VAR}: {item.strip()!r} is not NAME=VALUE with NAME one of "
                                 f"{', '.join(valid)}; e.g. {ENV_VAR}='neurons=1e6,pairs=1e8'.")
        try:
            number = float(value)
        except ValueError:
            number = float("nan")
        if not (number >= 1 and number == int(number)):
            raise ParameterError(f"${ENV_VAR}: {name} must be a whole number >= 1; got {value.strip()!r}.")
        changes[name] = int(number)
    return replace(Limits(), **changes)


def check_limit(where: str, name: str, value: float, *, limits: Limits | None = None) -> None:
    """Raise :class:`~neurocompare.errors.LimitError` if ``value`` exceeds the limit ``name``.

    The message names ``where`` (a file, a node, a backend), the quantity, its value and the limit, and how
    to raise it.
    """
    limit = getattr(limits or current_limits(), name)
    if value > limit:
        raise LimitError(f"{where}: {value:,.0f} {_WHAT[name]} exceed the limit of {limit:,} "
                         f"(set {ENV_VAR}='{name}=N' to raise it on a machine with the memory and time).")
