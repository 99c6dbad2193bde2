"""What every neuron model spec is: frozen, validated plain data with a name, a file form and (optionally) theory.

A neuron model spec holds parameters only: no simulator code. Each simulator has its own table from
spec type to how it simulates that model (``neurocompare.backends.brian2.models`` and
``neurocompare.backends.reference.models``), so adding a model is one spec module plus one entry in each
table. The spec's docstring states the equations; the simulators are written from it.

Conventions shared by every model (units in field names): times in ms (``_ms``), rates in Hz (``_hz``),
membrane potentials dimensionless, in the unit of a synapse's weight; a neuron spikes when ``v`` reaches
``v_threshold``; currents ``I`` enter as ``dv/dt = ... + I`` in 1/s (a bias ``b`` gives ``b * rate_scale_hz``).
"""

from __future__ import annotations

import math
from dataclasses import asdict, fields
from typing import Any, ClassVar

import numpy as np

from ..errors import ParameterError

__all__ = ["NeuronModel"]


class NeuronModel:
    """Base of the neuron model specs (subclasses are frozen dataclasses).

    Subclasses set ``model_name`` (the tag in circuit files and the registry key) and have the fields
    ``v_rest``, ``v_threshold``, ``v_reset``, ``reset`` ({"value", "subtract"}) and ``t_ref_ms``, which the
    simulators' shared threshold, reset and refractory machinery reads. Theory is optional: the defaults
    of :meth:`analytic_rate_hz` and :meth:`rheobase_hz` say "unknown" (NaN).
    """

    model_name: ClassVar[str] = ""

    def to_dict(self) -> dict[str, Any]:
        """The parameters as plain data (JSON-ready: an infinite value is written as "inf")."""
        return {k: ("inf" if isinstance(v, float) and math.isinf(v) and v > 0 else v) for k, v in asdict(self).items()}

    @classmethod
    def from_dict(cls, data: Any, *, owner: str | None = None) -> "NeuronModel":
        """Inverse of :meth:`to_dict`; unknown keys are an error naming the valid ones."""
        owner = owner or cls.__name__
        if not isinstance(data, dict):
            raise ParameterError(f"{owner}: neuron parameters must be a mapping; got {data!r}.")
        known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        unknown = sorted(set(data) - known)
        if unknown:
            raise ParameterError(
                f"{owner}: unknown neuron parameter(s) {', '.join(unknown)} for model {cls.model_name!r}; "
                f"valid: {', '.join(sorted(known))}."
            )
        values = {k: (math.inf if v == "inf" else v) for k, v in data.items()}
        try:
            return cls(**values)
        except ParameterError as exc:
            raise ParameterError(f"{owner}: {exc}") from None

    @property
    def reset_step(self) -> float:
        """The charge removed by a reset by subtraction, ``v_threshold - v_reset``."""
        return self.v_threshold - self.v_reset  # type: ignore[attr-defined]

    def analytic_rate_hz(self, drive_hz: float | np.ndarray) -> np.ndarray:
        """Firing rate for a constant drive (1/s); NaN where the model has no closed form."""
        return np.full(np.shape(drive_hz), np.nan)

    def rheobase_hz(self) -> float:
        """Smallest constant drive (1/s) that makes the neuron fire; NaN if not known in closed form."""
        return math.nan
