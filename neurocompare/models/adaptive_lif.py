"""The adaptive leaky integrate-and-fire neuron: a LIF neuron with a spike-triggered adaptation current.

Units as for every model (:mod:`neurocompare.models.base`): times in ms, currents in 1/s, membrane
potentials dimensionless. The model (Brette & Gerstner 2005 without the exponential term; Gerstner et al.
2014, *Neuronal Dynamics*, sec. 6.1; Nengo's ``AdaptiveLIF``, after Koch 1999)::

    dv/dt = (v_rest - v) / tau_m - w + I
    dw/dt = -w / tau_w

When ``v`` reaches ``v_threshold`` the neuron spikes, ``v`` is reset (to ``v_reset``, or by subtracting
``v_threshold - v_reset``) and clamped for ``t_ref_ms`` (synaptic input arriving then is discarded), and the
adaptation current jumps: ``w -> w + increment_hz``. ``w`` keeps decaying during the refractory period.
Each spike thus lowers the drive for ~``tau_w_ms``: under constant input the inter-spike intervals
lengthen until the adaptation current balances (spike-frequency adaptation). ``increment_hz = 0`` is the
plain LIF neuron. ``tau_m_ms = inf`` drops the leak (an adaptive integrate-and-fire neuron).

Both simulators integrate it with forward Euler (``x(t + dt) = x(t) + dt dx/dt`` for both variables, from
the values at the start of the step): the coupled system has no per-variable exact update, and at
dt = 0.1 ms with tau_m = 20 ms Euler's per-step decay 1 - dt/tau_m differs from exp(-dt/tau_m) by 1.2e-5.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import ClassVar

from .._validation import real_number as _real
from ..errors import ParameterError
from .base import NeuronModel
from .lif import RESET_MODES

__all__ = ["AdaptiveLIF"]


@dataclass(frozen=True)
class AdaptiveLIF(NeuronModel):
    """Adaptive LIF parameters (times in ms, currents in 1/s, potentials dimensionless).

    Parameters
    ----------
    tau_m_ms : float
        Membrane time constant, > 0, or ``math.inf`` (no leak). Default 20 ms.
    v_rest, v_threshold, v_reset : float
        As for :class:`~neurocompare.models.LIF` (defaults 0, 1, 0; v_threshold > v_reset).
    reset : {"value", "subtract"}
        Reset of ``v`` after a spike. Default "value".
    t_ref_ms : float
        Absolute refractory period, >= 0. Default 2 ms.
    tau_w_ms : float
        Time constant of the adaptation current, > 0. Default 100 ms.
    increment_hz : float
        Jump of the adaptation current per spike (1/s, the unit of the input current), >= 0. Default 5.
    """

    model_name: ClassVar[str] = "adaptive_lif"

    tau_m_ms: float = 20.0
    v_rest: float = 0.0
    v_threshold: float = 1.0
    v_reset: float = 0.0
    reset: str = "value"
    t_ref_ms: float = 2.0
    tau_w_ms: float = 100.0
    increment_hz: float = 5.0

    def __post_init__(self) -> None:
        owner = "AdaptiveLIF"
        values = {name: _real(owner, name, getattr(self, name)) for name in
                  ("tau_m_ms", "v_rest", "v_threshold", "v_reset", "t_ref_ms", "tau_w_ms", "increment_hz")}
        rules = (("tau_m_ms", not (values["tau_m_ms"] > 0), "> 0 (or inf for no leak)"),
                 ("tau_w_ms", not (math.isfinite(values["tau_w_ms"]) and values["tau_w_ms"] > 0), "finite and > 0"),
                 ("increment_hz", not (math.isfinite(values["increment_hz"]) and values["increment_hz"] >= 0),
                  "finite and >= 0"),
                 ("t_ref_ms", not (math.isfinite(values["t_ref_ms"]) and values["t_ref_ms"] >= 0), "finite and >= 0"))
        for name in ("v_rest", "v_threshold", "v_reset"):
            if not math.isfinite(values[name]):
                raise ParameterError(f"{owner}: {name} must be finite; got {getattr(self, name)!r}.")
        for name, bad, rule in rules:
            if bad:
                raise ParameterError(f"{owner}: {name} must be {rule}; got {getattr(self, name)!r}.")
        if not values["v_threshold"] > values["v_reset"]:
            raise ParameterError(f"{owner}: v_threshold must be greater than v_reset; got v_threshold="
                                 f"{self.v_threshold!r} <= v_reset={self.v_reset!r}.")
        if not isinstance(self.reset, str) or self.reset not in RESET_MODES:
            raise ParameterError(f"{owner}: reset must be one of {', '.join(map(repr, RESET_MODES))}; "
                                 f"got {self.reset!r}.")
        for name, value in values.items():
            object.__setattr__(self, name, float(value))

    @property
    def leaky(self) -> bool:
        """False without the leak (``tau_m_ms = inf``)."""
        return math.isfinite(self.tau_m_ms)

    def rheobase_hz(self) -> float:
        """Smallest constant drive (1/s) that makes the neuron fire: the LIF's, (v_th - v_rest) / tau_m
        (there is no adaptation current before the first spike)."""
        if not self.leaky:
            return 0.0 if self.v_threshold > self.v_rest else -math.inf
        return (self.v_threshold - self.v_rest) / (self.tau_m_ms * 1e-3)
