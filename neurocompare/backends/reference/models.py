"""How each neuron model steps in the reference simulator: one table from spec type to a numpy step.

Written from each model's docstring (:mod:`neurocompare.models`), never from the Brian2 backend's
equation strings, so the reference stays an independent implementation. A step object has

- ``v_init``: the membrane at the start of a run;
- ``prepare(i_analog, i_bias)``: per-step constants for the given currents (1/s), recomputed when an
  analog current switches on;
- ``step(v, constants) -> v``: the state update of one time step (no threshold, no reset);
- ``fire_level``: ``v >= fire_level`` is a spike (threshold minus a relative tolerance);
- ``reset(v, spiked)``: the reset of the neurons that spiked (in place);
- ``t_ref_ms``: the absolute refractory period;
- ``advance(v, drive, g) -> v``: the state update when the population's synapses have state: ``drive`` is the
  input in potential units per second (currents, synaptic current, ``g_exc e_exc + g_inh e_inh``) and ``g`` the
  synaptic conductance (1/s), so the input term of ``dv/dt`` is ``drive - g v``;
- ``synaptic_decay``: how synaptic currents and conductances decay within a step, "exponential" (exactly) or
  "euler", matching the model's scheme;
- ``rearm_below``: True for a model without reset (Hodgkin-Huxley): a spike is the step in which ``v`` reaches
  ``fire_level`` having been below it since its last spike.

Currents reach the steps already in the model's potential units per second (the population multiplies the
circuit's currents by the model's potential unit; 1 for the LIF family).

To run a new model here: write such a class and call ``register_reference_model(SpecClass, cls)``.
"""

from __future__ import annotations

from typing import Any, Callable

import numpy as np

from ...models import LIF, AdaptiveLIF, AdEx, HodgkinHuxley, Izhikevich
from ...models.tables import ModelTable

__all__ = ["REFERENCE_MODELS", "unregister_reference_model", "LIFStep", "AdaptiveLIFStep", "IzhikevichStep",
           "AdExStep", "HodgkinHuxleyStep", "register_reference_model", "reference_step", "THRESHOLD_TOLERANCE"]

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

    rearm_below = False

    @property
    def method(self) -> str:
        return "exact" if self.spec.leaky else "euler"

    @property
    def synaptic_decay(self) -> str:
        return "exponential" if self.spec.leaky else "euler"

    def advance(self, v: np.ndarray, drive: np.ndarray, g: Any) -> np.ndarray:
        """Exponential Euler (leaky): ``v`` relaxes exactly towards ``(v_rest / tau + drive) / (1 / tau + g)`` at the
        rate ``1 / tau + g``, both from the step's start; without the leak forward Euler."""
        if not self.spec.leaky:
            return v + self.dt_s * (drive - g * v)
        tau = self.spec.tau_m_ms * _S_PER_MS
        rate = 1.0 / tau + g
        v_inf = (self.spec.v_rest / tau + drive) / rate
        return v_inf + (v - v_inf) * np.exp(-self.dt_s * rate)

    def reset(self, v: np.ndarray, spiked: np.ndarray) -> None:
        _reset_membrane(self.spec, v, spiked)


def _reset_membrane(spec: Any, v: np.ndarray, spiked: np.ndarray) -> None:
    """``v`` of the neurons that spiked: to ``v_reset``, or minus ``v_threshold - v_reset`` (in place)."""
    if spec.reset == "value":
        v[spiked] = spec.v_reset
    else:
        v[spiked] = v[spiked] + (spec.v_reset - spec.v_threshold)


class _ModelStep:
    """What the forward-Euler steps share (adaptive LIF and the biophysical models): the delta path runs ``advance``
    with no conductance; the second variable (one per neuron) is created at the first step."""

    rearm_below = False
    synaptic_decay = "euler"
    method = "euler"

    def prepare(self, i_analog: np.ndarray, i_bias: np.ndarray) -> tuple:
        return (i_analog + i_bias,)

    def step(self, v: np.ndarray, constants: tuple) -> np.ndarray:
        return self.advance(v, constants[0], 0.0)

    def advance(self, v: np.ndarray, drive: Any, g: Any) -> np.ndarray:  # pragma: no cover - abstract
        raise NotImplementedError


class AdaptiveLIFStep(_ModelStep):
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

    def advance(self, v: np.ndarray, drive: Any, g: Any) -> np.ndarray:
        if self.w is None:
            self.w = np.zeros(np.shape(v))
        w = self.w
        leak = (self.spec.v_rest - v) / self.tau_m_s if self.spec.leaky else 0.0
        self.w = w + self.dt_s * (-w / self.tau_w_s)
        return v + self.dt_s * (leak - w + drive - g * v)

    def reset(self, v: np.ndarray, spiked: np.ndarray) -> None:
        _reset_membrane(self.spec, v, spiked)
        self.w[spiked] = self.w[spiked] + self.spec.increment_hz


class IzhikevichStep(_ModelStep):
    """:class:`neurocompare.models.Izhikevich` from its docstring, forward Euler from the step's start values:
    ``v += dt (0.04 v^2 + 5 v + 140 - u + I)``, ``u += dt a (b v - u)`` (per ms; here in seconds), and at
    ``v >= v_peak`` ``v = c``, ``u += d``. ``u`` starts at ``b v_init``."""

    def __init__(self, spec: Izhikevich, dt_s: float) -> None:
        self.spec, self.dt_s = spec, dt_s
        self.v_init = spec.v_init_mv
        self.t_ref_ms = 0.0
        self.fire_level = spec.v_peak_mv - THRESHOLD_TOLERANCE * (spec.v_peak_mv - spec.c_mv)
        self.u: np.ndarray | None = None

    def advance(self, v: np.ndarray, drive: Any, g: Any) -> np.ndarray:
        sp = self.spec
        if self.u is None:
            self.u = np.full(np.shape(v), sp.b_per_ms * sp.v_init_mv)
        u = self.u
        per_s = 1.0 / _S_PER_MS
        self.u = u + self.dt_s * per_s * sp.a_per_ms * (sp.b_per_ms * v - u)
        return v + self.dt_s * (per_s * (0.04 * v * v + 5.0 * v + 140.0 - u) + drive - g * v)

    def reset(self, v: np.ndarray, spiked: np.ndarray) -> None:
        v[spiked] = self.spec.c_mv
        self.u[spiked] = self.u[spiked] + self.spec.d_mv_per_ms


class AdExStep(_ModelStep):
    """:class:`neurocompare.models.AdEx` from its docstring, forward Euler from the step's start values:
    ``C dV/dt = -g_L (V - E_L) + g_L D_T exp((V - V_T)/D_T) - w + I``, ``tau_w dw/dt = a (V - E_L) - w``; at
    ``V >= V_peak``: ``V = V_r``, ``w += b``; ``w`` evolves while V is clamped (t_ref)."""

    def __init__(self, spec: AdEx, dt_s: float) -> None:
        self.spec, self.dt_s = spec, dt_s
        self.v_init = spec.e_l_mv
        self.t_ref_ms = spec.t_ref_ms
        self.fire_level = spec.v_peak_mv - THRESHOLD_TOLERANCE * (spec.v_peak_mv - spec.v_reset_mv)
        self.w: np.ndarray | None = None

    def advance(self, v: np.ndarray, drive: Any, g: Any) -> np.ndarray:
        sp = self.spec
        if self.w is None:
            self.w = np.zeros(np.shape(v))
        w = self.w
        spike_current = sp.g_l_ns * sp.delta_t_mv * np.exp((v - sp.v_t_mv) / sp.delta_t_mv)
        dv_per_ms = (-sp.g_l_ns * (v - sp.e_l_mv) + spike_current - w) / sp.c_pf
        self.w = w + self.dt_s * (sp.a_ns * (v - sp.e_l_mv) - w) / (sp.tau_w_ms * _S_PER_MS)
        return v + self.dt_s * (dv_per_ms / _S_PER_MS + drive - g * v)

    def reset(self, v: np.ndarray, spiked: np.ndarray) -> None:
        v[spiked] = self.spec.v_reset_mv
        self.w[spiked] = self.w[spiked] + self.spec.b_pa


def _x_over_expm1(x: np.ndarray) -> np.ndarray:
    """``x / (1 - exp(-x))`` with its limit 1 at x = 0 (|x| < 1e-7)."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-7
    safe = np.where(small, 1.0, x)
    return np.where(small, 1.0, safe / -np.expm1(-safe))


class HodgkinHuxleyStep(_ModelStep):
    """:class:`neurocompare.models.HodgkinHuxley` from its docstring, exponential Euler: with the rates at the
    step's start, each gate relaxes exactly towards ``alpha / (alpha + beta)`` at the rate ``phi (alpha + beta)``,
    and V exactly towards the conductance-weighted mean of the reversal potentials (plus the input); no reset; a
    spike when V reaches ``v_spike`` from below."""

    rearm_below = True
    synaptic_decay = "exponential"
    method = "exponential_euler"

    def __init__(self, spec: HodgkinHuxley, dt_s: float) -> None:
        self.spec, self.dt_s = spec, dt_s
        self.v_init = spec.v_init_mv
        self.t_ref_ms = 0.0
        self.fire_level = spec.v_spike_mv - THRESHOLD_TOLERANCE * (spec.v_spike_mv - spec.v_reset)
        self.gates: dict[str, np.ndarray] | None = None

    @staticmethod
    def rates(v: np.ndarray) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """alpha and beta (1/ms) of m, h, n at ``v`` (mV)."""
        return {
            "m": (_x_over_expm1((v + 40.0) / 10.0), 4.0 * np.exp(-(v + 65.0) / 18.0)),
            "h": (0.07 * np.exp(-(v + 65.0) / 20.0), 1.0 / (1.0 + np.exp(-(v + 35.0) / 10.0))),
            "n": (0.1 * _x_over_expm1((v + 55.0) / 10.0), 0.125 * np.exp(-(v + 65.0) / 80.0)),
        }

    def advance(self, v: np.ndarray, drive: Any, g: Any) -> np.ndarray:
        sp = self.spec
        rates = self.rates(v)
        if self.gates is None:
            v0 = np.full(np.shape(v), sp.v_init_mv)
            self.gates = {x: a / (a + b) for x, (a, b) in self.rates(v0).items()}
        m, h, n = self.gates["m"], self.gates["h"], self.gates["n"]
        g_na, g_k = sp.g_na_ms_per_cm2 * m ** 3 * h, sp.g_k_ms_per_cm2 * n ** 4
        per_s = 1.0 / (sp.c_uf_per_cm2 * _S_PER_MS)
        total = (g_na + g_k + sp.g_l_ms_per_cm2) * per_s + g
        v_inf = ((g_na * sp.e_na_mv + g_k * sp.e_k_mv + sp.g_l_ms_per_cm2 * sp.e_l_mv) * per_s + drive) / total
        new_v = v_inf + (v - v_inf) * np.exp(-self.dt_s * total)
        for x, (a, b) in rates.items():
            k = sp.phi * (a + b) / _S_PER_MS
            x_inf = a / (a + b)
            self.gates[x] = x_inf + (self.gates[x] - x_inf) * np.exp(-self.dt_s * k)
        return new_v

    def reset(self, v: np.ndarray, spiked: np.ndarray) -> None:
        """No reset: the channels repolarise the membrane."""


#: Spec type -> ``step_class(spec, dt_s)``.
REFERENCE_MODELS: ModelTable[Callable[[Any, float], Any]] = ModelTable("reference simulator",
                                                                       "register_reference_model",
                                                                       {LIF: LIFStep, AdaptiveLIF: AdaptiveLIFStep,
                                                                        Izhikevich: IzhikevichStep, AdEx: AdExStep,
                                                                        HodgkinHuxley: HodgkinHuxleyStep})
register_reference_model, unregister_reference_model = REFERENCE_MODELS.register, REFERENCE_MODELS.unregister


def reference_step(spec: Any, dt_s: float) -> Any:
    """The step object of a neuron model spec; a BackendError names a model without a table entry."""
    return REFERENCE_MODELS.entry(spec)(spec, dt_s)
