"""The adaptive exponential integrate-and-fire neuron (AdEx; Brette & Gerstner 2005).

Brette, R. & Gerstner, W. (2005). Adaptive exponential integrate-and-fire model as an effective description of
neuronal activity. J. Neurophysiol. 94, 3637-3642::

    C dV/dt = -g_L (V - E_L) + g_L Delta_T exp((V - V_T) / Delta_T) - w + I
    tau_w dw/dt = a (V - E_L) - w
    if V >= V_peak:  V -> V_r,  w -> w + b   (then V clamped at V_r for t_ref, w free)

(V in mV, t in ms, C in pF, conductances in nS, w and I in pA; pA / pF = mV/ms.) The defaults are Brette &
Gerstner's (2005) cortical neuron (C 281 pF, g_L 30 nS, E_L -70.6 mV, V_T -50.4 mV, Delta_T 2 mV, tau_w 144 ms,
a 4 nS, b 80.5 pA, V_r = E_L). The presets are four firing patterns of Naud, Marcille, Clopath & Gerstner (2008),
Biol. Cybern. 99, 335-347, Table 1: ``tonic`` (C 200, g_L 10, E_L -70, V_T -50, Delta_T 2, a 2, tau_w 30, b 0,
V_r -58), ``adapting`` (g_L 12, tau_w 300, b 60, otherwise as tonic), ``initial_burst`` (C 130, g_L 18,
E_L -58, a 4, tau_w 150, b 120, V_r -50) and ``bursting`` (regular bursting: C 200, g_L 10, E_L -58, a 2,
tau_w 120, b 100, V_r -46). V_peak is 0 mV (Naud et al.; NEST's default); the membrane starts at E_L, w at 0.

Both simulators integrate it with forward Euler (an Euler step that jumps past V_peak is cut there by the reset).
Euler converges to first order here: against NEST's adaptive RKF45 (``aeif_psc_delta``) the tonic preset at
800 pA (~190 Hz) fires 3.6% slower at dt 0.05 ms, 1.8% at 0.025 ms (the default) and 0.9% at 0.01 ms. Up to
250 Hz every preset's rates at 0.025 ms are within 1.5 % of the converged solution, at 0.05 ms up to 2.9 % off
(``benchmarks/model_accuracy.py``): above 0.025 ms a run warns.

Units: the circuit's drive ``x`` becomes the current ``x * drive_unit_pa``; None calibrates it so that drive 1.0
makes the neuron fire at ``rate_scale_hz``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from ..errors import ParameterError
from ._checks import check_fields
from .base import NeuronModel

__all__ = ["AdEx", "ADEX_PRESETS"]

_TONIC = {"c_pf": 200.0, "g_l_ns": 10.0, "e_l_mv": -70.0, "v_t_mv": -50.0, "delta_t_mv": 2.0, "a_ns": 2.0,
          "tau_w_ms": 30.0, "b_pa": 0.0, "v_reset_mv": -58.0}
#: Naud et al. (2008), Table 1 (V_peak 0 mV, no refractory period).
ADEX_PRESETS: dict[str, dict[str, Any]] = {
    "tonic": _TONIC,
    "adapting": {**_TONIC, "g_l_ns": 12.0, "tau_w_ms": 300.0, "b_pa": 60.0},
    "initial_burst": {"c_pf": 130.0, "g_l_ns": 18.0, "e_l_mv": -58.0, "v_t_mv": -50.0, "delta_t_mv": 2.0,
                      "a_ns": 4.0, "tau_w_ms": 150.0, "b_pa": 120.0, "v_reset_mv": -50.0},
    "bursting": {"c_pf": 200.0, "g_l_ns": 10.0, "e_l_mv": -58.0, "v_t_mv": -50.0, "delta_t_mv": 2.0, "a_ns": 2.0,
                 "tau_w_ms": 120.0, "b_pa": 100.0, "v_reset_mv": -46.0},
}


@dataclass(frozen=True)
class AdEx(NeuronModel):
    """AdEx parameters (mV, ms, pF, nS, pA; defaults: Brette & Gerstner 2005).

    Parameters
    ----------
    c_pf : float
        Membrane capacitance, > 0. Default 281.
    g_l_ns : float
        Leak conductance, > 0. Default 30.
    e_l_mv : float
        Leak reversal (resting) potential. Default -70.6.
    v_t_mv : float
        Threshold of the exponential term. Default -50.4.
    delta_t_mv : float
        Slope factor, > 0. Default 2.
    a_ns : float
        Subthreshold adaptation. Default 4.
    tau_w_ms : float
        Adaptation time constant, > 0. Default 144.
    b_pa : float
        Spike-triggered adaptation increment, >= 0. Default 80.5.
    v_reset_mv : float
        Reset potential. Default -70.6.
    v_peak_mv : float
        Spike cut-off, above ``v_t_mv`` and ``v_reset_mv``. Default 0.
    t_ref_ms : float
        Absolute refractory period (V clamped at the reset), >= 0. Default 0.
    drive_unit_pa : float or None
        The current drive 1.0 stands for (> 0); None: calibrated.
    """

    model_name: ClassVar[str] = "adex"
    default_dt_ms: ClassVar[float] = 0.025
    max_dt_ms: ClassVar[float] = 0.025
    calibrated: ClassVar[bool] = True
    drive_unit_field: ClassVar[str] = "drive_unit_pa"
    current_unit: ClassVar[str] = "pA"
    presets: ClassVar[dict[str, dict[str, Any]]] = ADEX_PRESETS

    c_pf: float = 281.0
    g_l_ns: float = 30.0
    e_l_mv: float = -70.6
    v_t_mv: float = -50.4
    delta_t_mv: float = 2.0
    a_ns: float = 4.0
    tau_w_ms: float = 144.0
    b_pa: float = 80.5
    v_reset_mv: float = -70.6
    v_peak_mv: float = 0.0
    t_ref_ms: float = 0.0
    drive_unit_pa: float | None = None

    def __post_init__(self) -> None:
        owner = "AdEx"
        check_fields(self, owner, positive=("c_pf", "g_l_ns", "delta_t_mv", "tau_w_ms"),
                     non_negative=("b_pa", "t_ref_ms"), optional_positive=("drive_unit_pa",))
        for other in ("v_t_mv", "v_reset_mv"):
            if not self.v_peak_mv > getattr(self, other):
                raise ParameterError(f"{owner}: v_peak_mv must be above {other}; got v_peak_mv={self.v_peak_mv!r} "
                                     f"<= {other}={getattr(self, other)!r}.")

    @property
    def v_threshold(self) -> float:
        """The spike cut-off ``v_peak_mv``."""
        return self.v_peak_mv

    @property
    def v_reset(self) -> float:
        return self.v_reset_mv

    @property
    def v_rest(self) -> float:
        return self.e_l_mv

    @property
    def drive_unit(self) -> float | None:
        return self.drive_unit_pa

    def drive_dvdt(self, current: float) -> float:
        """pA / pF = mV/ms."""
        return float(current) / self.c_pf

    def threshold_gap(self) -> tuple[float, float]:
        """(the lower of reset and rest, V_T)."""
        return min(self.v_reset_mv, self.e_l_mv), self.v_t_mv

    def default_reversal(self) -> tuple[float, float]:
        return 0.0, -80.0
