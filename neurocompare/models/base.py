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
from dataclasses import asdict, fields, replace
from typing import Any, ClassVar

import numpy as np

from ..errors import ParameterError, UnknownNameError

__all__ = ["NeuronModel"]


class NeuronModel:
    """Base of the neuron model specs (subclasses are frozen dataclasses).

    Subclasses set ``model_name`` (the tag in circuit files and the registry key) and have the fields
    ``v_rest``, ``v_threshold``, ``v_reset``, ``reset`` ({"value", "subtract"}) and ``t_ref_ms``, which the
    simulators' shared threshold, reset and refractory machinery reads. Theory is optional: the defaults
    of :meth:`analytic_rate_hz` and :meth:`rheobase_hz` say "unknown" (NaN).
    """

    model_name: ClassVar[str] = ""
    #: The time step the model is meant to run at (ms), and the coarsest one that still gives its dynamics
    #: (above it a run warns, naming the model, the dt and this value).
    default_dt_ms: ClassVar[float] = 0.1
    max_dt_ms: ClassVar[float] = math.inf
    #: False: the model lives in the circuit's units (potentials in threshold gaps, currents in 1/s). True: it has
    #: biophysical units (mV, ms and its own current unit) and the circuit's drive 1.0 stands for its
    #: ``drive_unit`` current, calibrated when None (see :mod:`neurocompare.backends.calibration`).
    calibrated: ClassVar[bool] = False
    #: The field holding the drive unit of a calibrated model ("" for the others), and the unit of its currents.
    drive_unit_field: ClassVar[str] = ""
    current_unit: ClassVar[str] = "1/s"
    #: Named parameter sets: preset name -> field values (see :meth:`preset`).
    presets: ClassVar[dict[str, dict[str, Any]]] = {}

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

    @classmethod
    def preset(cls, name: str, **changes: Any) -> "NeuronModel":
        """The spec of a named preset (``cls.presets``), with ``changes`` applied; unknown names list the valid ones."""
        key = {k.lower(): k for k in cls.presets}.get(str(name).lower())
        if key is None:
            valid = ", ".join(cls.presets) or "none"
            raise UnknownNameError(f"Unknown {cls.model_name} preset {name!r}; valid: {valid}.")
        return cls(**{**cls.presets[key], **changes})

    def label(self) -> str:
        """A short name for figures and tables: the model, and its preset if the parameters are one
        (``"izhikevich:RS"``), ``"lif (tau_m inf, subtract)"`` for the integrate-and-fire neuron of conversion."""
        for name, values in self.presets.items():
            if self.with_drive_unit(None) == type(self)(**values):
                return f"{self.model_name}:{name}"
        return self.model_name

    @property
    def drive_unit(self) -> float | None:
        """The current that drive 1.0 stands for, in the model's current unit (None: calibrate); 1.0 stands for
        ``rate_scale_hz`` threshold gaps per second in the models that live in the circuit's units."""
        return None

    def with_drive_unit(self, current: float | None) -> "NeuronModel":
        """This spec with its drive unit set (calibrated models only; the others are returned unchanged)."""
        if not self.drive_unit_field:
            return self
        return replace(self, **{self.drive_unit_field: current})  # type: ignore[type-var]

    def drive_dvdt(self, current: float) -> float:
        """The membrane's rate of change (potential units per ms) a constant ``current`` (model units) causes."""
        return float(current)

    def resting_potential(self) -> float:
        """The membrane potential without input (the reference for conductance synapses)."""
        return float(self.v_rest)  # type: ignore[attr-defined]

    def threshold_gap(self) -> tuple[float, float]:
        """``(low, high)``: where the membrane is reset to (or rests) and where spikes start; reversal potentials of
        conductance synapses must lie outside it."""
        return float(self.v_reset), float(self.v_threshold)  # type: ignore[attr-defined]

    def default_reversal(self) -> tuple[float, float]:
        """Default ``(e_exc, e_inh)`` of conductance synapses: for a LIF at rest 0 and threshold 1, 13/3 and -1,
        the potentials 0 mV and -80 mV of a neuron resting at -65 mV with its threshold at -50 mV."""
        rest = float(self.v_rest)  # type: ignore[attr-defined]
        gap = float(self.v_threshold) - rest  # type: ignore[attr-defined]
        return rest + 13.0 / 3.0 * gap, rest - gap

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
