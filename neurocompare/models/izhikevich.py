"""The Izhikevich (2003) neuron: a quadratic integrate-and-fire neuron with a recovery variable.

Izhikevich, E. M. (2003). Simple model of spiking neurons. IEEE Trans. Neural Netw. 14(6), 1569-1572::

    dv/dt = 0.04 v^2 + 5 v + 140 - u + I        (v in mV, t in ms, I in mV/ms)
    du/dt = a (b v - u)
    if v >= v_peak (30 mV):  v -> c,  u -> u + d

The constants 0.04, 5 and 140 are the paper's (fitted to cortical neurons); ``a``, ``b``, ``c``, ``d`` choose the
firing pattern. The paper's presets (its Fig. 2 and text): RS regular spiking (a 0.02, b 0.2, c -65, d 8),
IB intrinsically bursting (0.02, 0.2, -55, 4), CH chattering (0.02, 0.2, -50, 2), FS fast spiking (0.1, 0.2,
-65, 2), LTS low-threshold spiking (0.02, 0.25, -65, 2), RZ resonator (0.1, 0.26, -65, 2) - every parameter is
written out here because tools disagree (the default d is 8 in Nengo and NEST, 6 in Norse, 2 in PyNN).
The membrane starts at ``v_init_mv`` (-65 mV, as in the paper's code) and ``u`` at ``b v_init``; no refractory
period (the reset is the model's). Both simulators integrate it with forward Euler at dt: default (and coarsest
without a :class:`~neurocompare.errors.CoarseTimeStepWarning`) 0.025 ms, where every preset's f-I rates are within
2 % and its rheobase within 1 % of the converged solution; at 0.1 ms CH and FS fire up to 5 % slower and the RZ
rheobase is 2 % low (``benchmarks/model_accuracy.py``). The paper's code took two half steps of 0.5 ms for v.

Units: the circuit's drive ``x`` (a bias, an analog input or a synapse's charge) becomes the current
``x * drive_unit_mv_per_ms``; ``None`` calibrates it so that drive 1.0 makes the neuron fire at ``rate_scale_hz``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import ParameterError
from ._checks import check_fields
from .base import NeuronModel

__all__ = ["Izhikevich", "IZHIKEVICH_PRESETS"]

#: The presets of Izhikevich (2003): name -> (a, b, c, d).
_PAPER = {"RS": (0.02, 0.2, -65.0, 8.0), "IB": (0.02, 0.2, -55.0, 4.0), "CH": (0.02, 0.2, -50.0, 2.0),
          "FS": (0.1, 0.2, -65.0, 2.0), "LTS": (0.02, 0.25, -65.0, 2.0), "RZ": (0.1, 0.26, -65.0, 2.0)}
IZHIKEVICH_PRESETS: dict[str, dict[str, Any]] = {
    name: {"a_per_ms": a, "b_per_ms": b, "c_mv": c, "d_mv_per_ms": d} for name, (a, b, c, d) in _PAPER.items()}


@dataclass(frozen=True)
class Izhikevich(NeuronModel):
    """Izhikevich (2003) parameters (mV, ms; defaults: RS).

    Parameters
    ----------
    a_per_ms : float
        Recovery rate of ``u``, > 0. Default 0.02.
    b_per_ms : float
        Sensitivity of ``u`` to ``v``. Default 0.2.
    c_mv : float
        Reset potential after a spike. Default -65.
    d_mv_per_ms : float
        Jump of ``u`` after a spike. Default 8.
    v_peak_mv : float
        Spike cut-off: ``v >= v_peak_mv`` is a spike, then the reset. Default 30 (must exceed ``c_mv``).
    v_init_mv : float
        Initial membrane potential (``u`` starts at ``b v_init``). Default -65.
    drive_unit_mv_per_ms : float or None
        The current drive 1.0 stands for (> 0); None: calibrated (drive 1.0 fires at ``rate_scale_hz``).
    """

    model_name: ClassVar[str] = "izhikevich"
    default_dt_ms: ClassVar[float] = 0.025
    max_dt_ms: ClassVar[float] = 0.025
    calibrated: ClassVar[bool] = True
    drive_unit_field: ClassVar[str] = "drive_unit_mv_per_ms"
    current_unit: ClassVar[str] = "mV/ms"
    presets: ClassVar[dict[str, dict[str, Any]]] = IZHIKEVICH_PRESETS
    t_ref_ms: ClassVar[float] = 0.0

    a_per_ms: float = 0.02
    b_per_ms: float = 0.2
    c_mv: float = -65.0
    d_mv_per_ms: float = 8.0
    v_peak_mv: float = 30.0
    v_init_mv: float = -65.0
    drive_unit_mv_per_ms: float | None = None

    def __post_init__(self) -> None:
        owner = "Izhikevich"
        check_fields(self, owner, positive=("a_per_ms",), optional_positive=("drive_unit_mv_per_ms",))
        if not self.v_peak_mv > self.c_mv:
            raise ParameterError(f"{owner}: v_peak_mv must be above c_mv; got v_peak_mv={self.v_peak_mv!r} <= "
                                 f"c_mv={self.c_mv!r}.")

    @property
    def v_threshold(self) -> float:
        """The spike cut-off ``v_peak_mv``."""
        return self.v_peak_mv

    @property
    def v_reset(self) -> float:
        return self.c_mv

    @property
    def drive_unit(self) -> float | None:
        return self.drive_unit_mv_per_ms

    def _fixed_points(self) -> tuple[float, float] | None:
        """The resting and the threshold fixed points of v without input (u = b v): 0.04 v^2 + (5 - b) v + 140 = 0."""
        p = 5.0 - self.b_per_ms
        disc = p * p - 4 * 0.04 * 140.0
        if disc < 0:
            return None
        root = math.sqrt(disc)
        return (-p - root) / 0.08, (-p + root) / 0.08

    def resting_potential(self) -> float:
        """The stable fixed point without input (-70 mV for b = 0.2); ``c_mv`` if there is none."""
        points = self._fixed_points()
        return points[0] if points else self.c_mv

    def threshold_gap(self) -> tuple[float, float]:
        """(reset ``c``, the unstable fixed point without input: -50 mV for b = 0.2)."""
        points = self._fixed_points()
        return self.c_mv, (points[1] if points else self.c_mv)

    def default_reversal(self) -> tuple[float, float]:
        return 0.0, -80.0
