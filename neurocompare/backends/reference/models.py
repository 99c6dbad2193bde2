"""How each neuron model steps in the reference simulator: one table from spec type to a numpy step.

Written from each model's docstring (:mod:`neurocompare.models`), never from the Brian2 backend's
equation strings, so the reference stays an independent implementation. A step object has

- ``v_init``: the membrane at the start of a run;
- ``prepare(i_analog, i_bias)``: per-step constants for the given currents (1/s), recomputed when an
  analog current switches on;
- ``step(v, constants) -> v``: the state update of one time step (no threshold, no reset);
- ``fire_level``: ``v >= fire_level`` is a spike (threshold minus a relative tolerance);
- ``reset(v, spiked)``: the reset of the neurons that spiked (in place);
- ``t_ref_ms``: the absolute refractory period.

To run a new model here: write such a class and call ``register_reference_model(SpecClass, cls)``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ...models import LIF, AdaptiveLIF
from ...models.tables import ModelTable

__all__ = ["REFERENCE_MODELS", "unregister_reference_model", "LIFStep", "AdaptiveLIFStep", "register_reference_model", "reference_step", "THRESHOLD_TOLERANCE"]

#: Relative tolerance of the threshold test, as a fraction of ``v_threshold - v_reset``.
THRESHOLD_TOLERANCE = 1e-9
#: Seconds per millisecond (Brian2 works in seconds; the conversion is done once, here).
_S_PER_MS = 1e-3


def _exact_lif_coefficients(lif: LIF, i_total: tuple[np.ndarray, np.ndarray], dt_s: float) -> tuple:
    """Per-step constants of the exact LIF update, in Brian2's generated form.

    For ``dv/dt = (v_rest - v)/tau + I_analog + I_bias`` Brian2 2.9's ``exact`` updater
    (sympy solution, numpy target, loop invariants hoisted) generates::

        E  = exp((-dt) / tau)
        v' = v_rest + ((((tau*I_analog) + (tau*I_bias)) + (E*v))
                       + (E*(((0.0 - v_rest) + (tau*(-I_analog))) - (tau*I_bias))))

    i.e. ``V_inf + E (v - V_inf)`` with ``V_inf = v_rest + tau I``. Returned as
    ``(E, A, C)`` with ``v' = v_rest + ((A + E*v) + C)``, the same floating-point operations
    in the same order. ``tau`` and ``dt`` are in seconds, currents in 1/s.
    """
    i_analog, i_bias = i_total
    tau = lif.tau_m_ms * _S_PER_MS
    decay = np.exp(np.float64(-dt_s) / tau)
    a = (tau * i_analog) + (tau * i_bias)
    c = decay * (((0.0 - lif.v_rest) + (tau * (-i_analog))) - (tau * i_bias))
    return decay, a, c


class LIFStep:
    """The LIF neuron of :class:`neurocompare.models.LIF`: ``dv/dt = (v_rest - v) / tau_m + I``, integrated
    exactly for currents constant over a step (see :func:`_exact_lif_coefficients`); without the leak
    (``tau_m_ms = inf``) ``v(t + dt) = dt * I + v(t)``, exact for a constant ``I``. Reset to ``v_reset`` or by
    subtracting ``v_threshold - v_reset``.
    """

    def __init__(self, spec: LIF, dt_s: float) -> None:
        self.spec, self.dt_s = spec, dt_s
        self.v_init = spec.v_rest
        self.t_ref_ms = spec.t_ref_ms
        self.fire_level = spec.v_threshold - THRESHOLD_TOLERANCE * (spec.v_threshold - spec.v_reset)

    def prepare(self, i_analog: np.ndarray, i_bias: np.ndarray) -> tuple:
        if self.spec.leaky:
            return _exact_lif_coefficients(self.spec, (i_analog, i_bias), self.dt_s)
        # Brian2's euler form for dv/dt = I_analog + I_bias: v' = (dt * (I_analog + I_bias)) + v
        return (self.dt_s * (i_analog + i_bias),)

    def step(self, v: np.ndarray, constants: tuple) -> np.ndarray:
        if self.spec.leaky:
            decay, a, c = constants
            return self.spec.v_rest + ((a + (decay * v)) + c)
        return constants[0] + v

    def reset(self, v: np.ndarray, spiked: np.ndarray) -> None:
        _reset_membrane(self.spec, v, spiked)


def _reset_membrane(spec: Any, v: np.ndarray, spiked: np.ndarray) -> None:
    """``v`` of the neurons that spiked: to ``v_reset``, or minus ``v_threshold - v_reset`` (in place)."""
    if spec.reset == "value":
        v[spiked] = spec.v_reset
    else:
        v[spiked] = v[spiked] + (spec.v_reset - spec.v_threshold)


class AdaptiveLIFStep:
    """The adaptive LIF neuron of :class:`neurocompare.models.AdaptiveLIF`, from its docstring: forward Euler
    for ``dv/dt = (v_rest - v) / tau_m - w + I`` and ``dw/dt = -w / tau_w`` from the values at the start of the
    step; a spike resets ``v`` and adds ``increment_hz`` to ``w``. ``w`` (one per neuron, created at the first
    step) lives here and keeps decaying while the neuron is refractory.
    """

    def __init__(self, spec: AdaptiveLIF, dt_s: float) -> None:
        self.spec, self.dt_s = spec, dt_s
        self.v_init = spec.v_rest
        self.t_ref_ms = spec.t_ref_ms
        self.fire_level = spec.v_threshold - THRESHOLD_TOLERANCE * (spec.v_threshold - spec.v_reset)
        self.tau_m_s = spec.tau_m_ms * _S_PER_MS
        self.tau_w_s = spec.tau_w_ms * _S_PER_MS
        self.w: np.ndarray | None = None

    def prepare(self, i_analog: np.ndarray, i_bias: np.ndarray) -> tuple:
        return (i_analog + i_bias,)

    def step(self, v: np.ndarray, constants: tuple) -> np.ndarray:
        if self.w is None:
            self.w = np.zeros(np.shape(v))
        w, (current,) = self.w, constants
        leak = (self.spec.v_rest - v) / self.tau_m_s if self.spec.leaky else 0.0
        self.w = w + self.dt_s * (-w / self.tau_w_s)
        return v + self.dt_s * (leak - w + current)

    def reset(self, v: np.ndarray, spiked: np.ndarray) -> None:
        _reset_membrane(self.spec, v, spiked)
        self.w[spiked] = self.w[spiked] + self.spec.increment_hz


#: Spec type -> ``step_class(spec, dt_s)``.
REFERENCE_MODELS: ModelTable[Callable[[Any, float], Any]] = ModelTable("reference simulator",
                                                                       "register_reference_model",
                                                                       {LIF: LIFStep, AdaptiveLIF: AdaptiveLIFStep})
register_reference_model, unregister_reference_model = REFERENCE_MODELS.register, REFERENCE_MODELS.unregister


def reference_step(spec: Any, dt_s: float) -> Any:
    """The step object of a neuron model spec; a BackendError names a model without a table entry."""
    return REFERENCE_MODELS.entry(spec)(spec, dt_s)
