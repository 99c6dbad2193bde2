"""The Hodgkin-Huxley (1952) neuron: the squid giant axon's sodium, potassium and leak currents.

Hodgkin, A. L. & Huxley, A. F. (1952). A quantitative description of membrane current and its application to
conduction and excitation in nerve. J. Physiol. 117, 500-544; in the modern sign convention with rest at
-65 mV (Dayan & Abbott 2001, sec. 5.6; Gerstner et al. 2014, sec. 2.2)::

    C dV/dt = g_Na m^3 h (E_Na - V) + g_K n^4 (E_K - V) + g_L (E_L - V) + I
    dx/dt = phi (alpha_x(V) (1 - x) - beta_x(V) x)          for x in m, h, n
    alpha_m = 0.1 (V + 40) / (1 - exp(-(V + 40) / 10))     beta_m = 4 exp(-(V + 65) / 18)
    alpha_h = 0.07 exp(-(V + 65) / 20)                      beta_h = 1 / (1 + exp(-(V + 35) / 10))
    alpha_n = 0.01 (V + 55) / (1 - exp(-(V + 55) / 10))    beta_n = 0.125 exp(-(V + 65) / 80)

(V in mV, rates in 1/ms, C in uF/cm^2, conductances in mS/cm^2, I in uA/cm^2; uA / uF = mV/ms.) Classic squid
parameters, all spelled out: C 1, g_Na 120, g_K 36, g_L 0.3, E_Na 50, E_K -77, E_L -54.387 (which puts rest at
-65.0 mV) at 6.3 C, where the temperature factor phi = 3^((T - 6.3) / 10) is 1. At V = -40 and -55 mV the
alpha_m and alpha_n formulas are 0/0; their limits (1 and 0.1) are used within 1e-6 mV of those points. The
gating variables start at their steady state at ``v_init_mv``.

A spike is the step in which V reaches ``v_spike_mv`` (0 mV) from below; the neuron cannot spike again until V
has been below it at the start of a step (synaptic jumps included). There is no reset and no clamp: the channels repolarise the membrane. Constant current
gives a type II (Hodgkin class 2) onset: no firing below rheobase (~6.3 uA/cm^2 at 6.3 C), then ~50 Hz at once.
Both simulators integrate it with exponential Euler (each variable advanced exactly for the others held fixed
over the step: V and every gate are linear in themselves; Brian2's ``exponential_euler``, GENESIS's default)
at dt 0.01 ms (above 0.025 ms spike times and the rheobase move visibly).

Units: the circuit's drive ``x`` becomes the current ``x * drive_unit_ua_per_cm2``; None calibrates it so that drive
1.0 makes the neuron fire at ``rate_scale_hz``, if it can: at 6.3 C the squid axon fires at most ~128 Hz (at
~62 uA/cm^2; above ~64 its oscillation no longer reaches 0 mV).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from ._checks import check_fields
from .base import NeuronModel

__all__ = ["HodgkinHuxley"]


@dataclass(frozen=True)
class HodgkinHuxley(NeuronModel):
    """Hodgkin-Huxley parameters (mV, ms, uF/cm^2, mS/cm^2, uA/cm^2; defaults: the 1952 squid axon at 6.3 C).

    Parameters
    ----------
    c_uf_per_cm2 : float
        Membrane capacitance, > 0. Default 1.
    g_na_ms_per_cm2, g_k_ms_per_cm2, g_l_ms_per_cm2 : float
        Maximal sodium and potassium conductances (>= 0) and the leak conductance (> 0). Defaults 120, 36, 0.3.
    e_na_mv, e_k_mv, e_l_mv : float
        Reversal potentials. Defaults 50, -77, -54.387.
    temperature_c : float
        Temperature; the gating rates scale by 3^((T - 6.3) / 10). Default 6.3.
    v_spike_mv : float
        Spike detection level (reached from below). Default 0.
    v_init_mv : float
        Initial membrane potential (gates at their steady state there). Default -65.
    drive_unit_ua_per_cm2 : float or None
        The current drive 1.0 stands for (> 0); None: calibrated.
    """

    model_name: ClassVar[str] = "hodgkin_huxley"
    default_dt_ms: ClassVar[float] = 0.01
    max_dt_ms: ClassVar[float] = 0.025
    calibrated: ClassVar[bool] = True
    drive_unit_field: ClassVar[str] = "drive_unit_ua_per_cm2"
    current_unit: ClassVar[str] = "uA/cm^2"
    t_ref_ms: ClassVar[float] = 0.0

    c_uf_per_cm2: float = 1.0
    g_na_ms_per_cm2: float = 120.0
    g_k_ms_per_cm2: float = 36.0
    g_l_ms_per_cm2: float = 0.3
    e_na_mv: float = 50.0
    e_k_mv: float = -77.0
    e_l_mv: float = -54.387
    temperature_c: float = 6.3
    v_spike_mv: float = 0.0
    v_init_mv: float = -65.0
    drive_unit_ua_per_cm2: float | None = None

    def __post_init__(self) -> None:
        check_fields(self, "HodgkinHuxley", positive=("c_uf_per_cm2", "g_l_ms_per_cm2"),
                     non_negative=("g_na_ms_per_cm2", "g_k_ms_per_cm2"),
                     optional_positive=("drive_unit_ua_per_cm2",))

    @property
    def phi(self) -> float:
        """Temperature factor of the gating rates, 3^((T - 6.3) / 10)."""
        return 3.0 ** ((self.temperature_c - 6.3) / 10.0)

    @property
    def v_threshold(self) -> float:
        """The spike detection level ``v_spike_mv``."""
        return self.v_spike_mv

    @property
    def v_reset(self) -> float:
        """No reset: the resting potential ``v_init_mv`` stands in for it (threshold tolerance, threshold gap)."""
        return min(self.v_init_mv, self.v_spike_mv - 1.0)

    @property
    def v_rest(self) -> float:
        return self.v_init_mv

    @property
    def drive_unit(self) -> float | None:
        return self.drive_unit_ua_per_cm2

    def drive_dvdt(self, current: float) -> float:
        """uA/cm^2 / uF/cm^2 = mV/ms."""
        return float(current) / self.c_uf_per_cm2

    def threshold_gap(self) -> tuple[float, float]:
        """(rest, -55 mV: where a brief depolarisation starts a spike in the classic axon)."""
        return self.v_rest, max(self.v_rest, -55.0)

    def default_reversal(self) -> tuple[float, float]:
        return 0.0, -80.0
