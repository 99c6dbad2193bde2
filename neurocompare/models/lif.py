"""The leaky integrate-and-fire neuron (LIF): the default "real neuron" of every comparison.

Units, stated once for the whole package: **times are in milliseconds** (every time field
ends in ``_ms``), **rates in hertz** (``_hz``), and **membrane potentials are dimensionless**,
measured in the same unit as a synapse's weight. With the defaults (rest 0, reset 0,
threshold 1) a synapse of weight 0.25 moves the membrane a quarter of the way to threshold,
and the artificial weight ``count x unit_weight`` is the same number on both sides.

The model is the leaky integrate-and-fire neuron (Lapicque 1907; Gerstner & Kistler 2002,
ch. 4; Dayan & Abbott 2001, sec. 5.4)::

    tau_m dv/dt = (v_rest - v) + tau_m * I(t)

where ``I`` (in 1/s) is the sum of the constant bias current, any analog input current and,
as instantaneous jumps, the synaptic inputs. When ``v`` reaches ``v_threshold`` the neuron spikes, is
reset (to ``v_reset``, or by subtracting ``v_threshold - v_reset``) and stays clamped for
``t_ref_ms``; synaptic input arriving during that refractory period is discarded.
``tau_m_ms = inf`` gives the non-leaky integrate-and-fire neuron used for ANN conversion.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from ..errors import ParameterError
from .._validation import real_number as _real
from .base import NeuronModel

__all__ = ["LIF", "RESET_MODES"]

#: How the membrane is reset after a spike.
RESET_MODES = ("value", "subtract")


@dataclass(frozen=True)
class LIF(NeuronModel):
    """Leaky integrate-and-fire parameters (times in ms, potentials dimensionless).

    Parameters
    ----------
    tau_m_ms : float
        Membrane time constant, > 0; ``math.inf`` for a non-leaky integrator. Default 20 ms.
    v_rest : float
        Resting potential, where the membrane relaxes without input. Default 0.
    v_threshold : float
        Spike threshold; must exceed ``v_reset``. Default 1.
    v_reset : float
        Reset potential (used by ``reset="value"``; ``reset="subtract"`` removes
        ``v_threshold - v_reset`` instead). Default 0.
    reset : {"value", "subtract"}
        Reset to a fixed value (the textbook LIF, default) or by subtraction, which keeps the
        residual charge above threshold (what rate-based ANN conversion needs; Rueckauer 2017).
    t_ref_ms : float
        Absolute refractory period, >= 0. Default 2 ms. On the time step ``dt`` it is ``R = int(t_ref / dt +
        1e-3)`` steps, counted as NEST counts them: after a spike in step ``s`` the neuron is clamped in steps
        ``s+1 .. s+R`` and integrates again in step ``s+R+1`` (the shortest interval is ``t_ref + dt``).
    """

    model_name: ClassVar[str] = "lif"

    tau_m_ms: float = 20.0
    v_rest: float = 0.0
    v_threshold: float = 1.0
    v_reset: float = 0.0
    reset: str = "value"
    t_ref_ms: float = 2.0

    def __post_init__(self) -> None:
        owner = "LIF"
        tau = _real(owner, "tau_m_ms", self.tau_m_ms)
        if math.isnan(tau) or tau <= 0:
            raise ParameterError(
                f"{owner}: tau_m_ms must be > 0 (or inf for a non-leaky neuron); got {self.tau_m_ms!r}."
            )
        for name in ("v_rest", "v_threshold", "v_reset"):
            if not math.isfinite(_real(owner, name, getattr(self, name))):
                raise ParameterError(f"{owner}: {name} must be finite; got {getattr(self, name)!r}.")
        if not math.isfinite(self.v_threshold - self.v_reset):
            raise ParameterError(
                f"{owner}: v_threshold - v_reset must be finite; got {self.v_threshold!r} - {self.v_reset!r}."
            )
        if not self.v_threshold > self.v_reset:
            raise ParameterError(
                f"{owner}: v_threshold must be greater than v_reset; got v_threshold="
                f"{self.v_threshold!r} <= v_reset={self.v_reset!r}."
            )
        t_ref = _real(owner, "t_ref_ms", self.t_ref_ms)
        if not math.isfinite(t_ref) or t_ref < 0:
            raise ParameterError(f"{owner}: t_ref_ms must be finite and >= 0; got {self.t_ref_ms!r}.")
        if not isinstance(self.reset, str) or self.reset not in RESET_MODES:
            raise ParameterError(
                f"{owner}: reset must be one of {', '.join(map(repr, RESET_MODES))}; got {self.reset!r}."
            )
        for name in ("tau_m_ms", "v_rest", "v_threshold", "v_reset", "t_ref_ms"):
            object.__setattr__(self, name, float(getattr(self, name)))

    def label(self) -> str:
        """``"lif"``, or ``"if"`` without the leak, with ", subtract" for reset by subtraction."""
        return ("lif" if self.leaky else "if") + (", subtract" if self.reset == "subtract" else "")

    @property
    def leaky(self) -> bool:
        """False for the non-leaky integrate-and-fire neuron (``tau_m_ms = inf``)."""
        return math.isfinite(self.tau_m_ms)

    def steady_state(self, drive_hz: float | np.ndarray) -> np.ndarray:
        """Membrane potential a constant drive settles to, V_inf = v_rest + tau_m * I."""
        drive = np.asarray(drive_hz, dtype=float)
        if not self.leaky:
            return np.where(drive > 0, np.inf, np.where(drive < 0, -np.inf, self.v_rest))
        return self.v_rest + self.tau_m_ms * 1e-3 * drive

    def rheobase_hz(self) -> float:
        """Smallest constant drive (1/s) that makes the neuron fire: (v_th - v_rest) / tau_m."""
        if not self.leaky:
            return 0.0 if self.v_threshold > self.v_rest else -math.inf
        return (self.v_threshold - self.v_rest) / (self.tau_m_ms * 1e-3)

    def analytic_rate_hz(self, drive_hz: float | np.ndarray) -> np.ndarray:
        """Firing rate for a constant drive ``I`` (1/s), starting from reset after each spike.

        r = 1 / (t_ref + tau_m ln((V_inf - v_reset) / (V_inf - v_th)))  if V_inf > v_th, else 0
        (Dayan & Abbott 2001, eq. 5.12 with V_inf = v_rest + tau_m I). For the non-leaky neuron,
        r = 1 / (t_ref + (v_th - v_reset) / I). Exact for ``reset="value"``; with
        ``reset="subtract"`` the overshoot above threshold (< one time step of drive) is kept
        and the simulated rate is slightly higher.
        """
        drive = np.asarray(drive_hz, dtype=float)
        t_ref = self.t_ref_ms * 1e-3
        if not self.leaky:
            with np.errstate(divide="ignore", invalid="ignore"):
                isi = t_ref + self.reset_step / drive
            return np.where(drive > 0, 1.0 / isi, 0.0)
        tau = self.tau_m_ms * 1e-3
        v_inf = self.steady_state(drive)
        fires = v_inf > self.v_threshold
        with np.errstate(divide="ignore", invalid="ignore"):
            ratio = (v_inf - self.v_reset) / (v_inf - self.v_threshold)
            isi = t_ref + tau * np.log(np.where(fires, ratio, 2.0))
        return np.where(fires, 1.0 / isi, 0.0)
