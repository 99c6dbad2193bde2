"""How each neuron model runs in Brian2: one table from spec type to Brian2 equations.

The builder (:mod:`.build`) adds what every model shares: the input currents ``I_bias`` (the bias,
``b * rate_scale_hz``) and ``I_analog`` (analog inputs) in 1/s on the right-hand side of ``dv/dt``, an
overflow guard in the reset, the refractory clamp (``(unless refractory)``; synaptic input discarded
while clamped), delayed analog onsets and the input drive. A table entry gives the rest.

To run a new model on Brian2: write ``fn(spec, b2) -> Brian2Model`` and call
``register_brian2_model(SpecClass, fn)`` (a test can do this without touching the package).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable, Mapping

import math

from ...models import LIF, AdaptiveLIF, AdEx, HodgkinHuxley, Izhikevich, NeuronModel
from ...models.tables import ModelTable

__all__ = ["BRIAN2_MODELS", "unregister_brian2_model", "Brian2Model", "register_brian2_model", "brian2_model", "THRESHOLD_TOLERANCE"]

#: Relative tolerance of the threshold test, as a fraction of ``v_threshold - v_reset``: |n| additions
#: of ``w`` and one of ``n * w`` then agree despite floating-point summation order.
THRESHOLD_TOLERANCE = 1e-9


@dataclass(frozen=True)
class Brian2Model:
    """One neuron model in Brian2's terms.

    Attributes
    ----------
    dv : str
        The model's own part of ``dv/dt`` (units 1/s), before the input currents; "" for none.
    namespace : mapping
        Constants the strings refer to (Brian2 quantities where they carry units).
    reset : str
        Statements run after a spike (Brian2 reset code).
    method : str
        Brian2 integration method ("exact", "euler", ...); recorded in results.
    refractory_ms : float
        Absolute refractory period (0: none).
    initial : mapping
        Initial value of each state variable.
    equations : tuple of str
        Further model equations (other state variables), in Brian2 syntax.
    threshold : str
        The spike condition; by default ``v >= v_fire`` with ``v_fire`` in ``namespace``.
    refractory_condition : str
        A condition that keeps the neuron from spiking again while true (Brian2's boolean ``refractory``; the
        membrane is not clamped); "" for none. Used instead of ``refractory_ms``.
    method_with_synapse_state : str
        The integration method when the population's synapses have state (a current or conductances); ""
        for ``method``.
    numpy_step_s : float
        Wall time of one step of one group on the numpy target (its per-step overhead, measured), which the
        "auto" target weighs against cython's compile time.
    """

    dv: str
    namespace: Mapping[str, Any]
    reset: str
    method: str
    refractory_ms: float
    initial: Mapping[str, float]
    equations: tuple[str, ...] = ()
    threshold: str = "v >= v_fire"
    extra: Mapping[str, Any] = field(default_factory=dict)
    refractory_condition: str = ""
    method_with_synapse_state: str = ""
    numpy_step_s: float = 3e-5


def _fire_level(spec: NeuronModel) -> float:
    return spec.v_threshold - THRESHOLD_TOLERANCE * spec.reset_step  # type: ignore[attr-defined]


def _lif(spec: LIF, b2: Any) -> Brian2Model:
    """LIF: ``dv/dt = (v_rest - v) / tau_m + I`` (leak dropped for tau_m = inf), reset to a value or by subtraction.

    Exact integration for the leaky neuron (a linear ODE with currents constant over a step); without the
    leak the right-hand side is constant over a step and forward Euler is exact.
    """
    namespace: dict[str, Any] = {"v_rest": spec.v_rest, "v_th": spec.v_threshold, "v_reset": spec.v_reset,
                                 "v_fire": _fire_level(spec)}
    if spec.leaky:
        namespace["tau_m"] = spec.tau_m_ms * b2.ms
    return Brian2Model(
        dv="(v_rest - v) / tau_m" if spec.leaky else "",
        namespace=namespace,
        reset="v = v_reset" if spec.reset == "value" else "v = v - (v_th - v_reset)",
        method="exact" if spec.leaky else "euler",
        refractory_ms=spec.t_ref_ms,
        initial={"v": spec.v_rest},
        # with a synaptic current or conductance: v advanced exactly for the step's start values, the synaptic
        # variables decaying exactly (exponential Euler); without the leak (and perhaps no conductance) Euler
        method_with_synapse_state="exponential_euler" if spec.leaky else "euler",
    )


def _adaptive_lif(spec: AdaptiveLIF, b2: Any) -> Brian2Model:
    """Adaptive LIF: ``dv/dt = (v_rest - v) / tau_m - w + I``, ``dw/dt = -w / tau_w``; a spike adds ``increment`` to
    ``w``. Forward Euler for both variables (the model's docstring); ``w`` is not clamped while refractory. In
    Brian2 ``w`` is named ``I_adapt`` (the synapses' weight variable is ``w``)."""
    namespace: dict[str, Any] = {"v_rest": spec.v_rest, "v_th": spec.v_threshold, "v_reset": spec.v_reset,
                                 "v_fire": _fire_level(spec), "tau_w": spec.tau_w_ms * b2.ms,
                                 "increment": spec.increment_hz * b2.Hz}
    if spec.leaky:
        namespace["tau_m"] = spec.tau_m_ms * b2.ms
    reset_v = "v = v_reset" if spec.reset == "value" else "v = v - (v_th - v_reset)"
    return Brian2Model(
        dv="(v_rest - v) / tau_m - I_adapt" if spec.leaky else "-I_adapt",
        namespace=namespace,
        reset=f"{reset_v}\nI_adapt += increment",
        method="euler",
        refractory_ms=spec.t_ref_ms,
        initial={"v": spec.v_rest, "I_adapt": 0.0},
        equations=("dI_adapt/dt = -I_adapt / tau_w : Hz",),
    )


def _izhikevich(spec: Izhikevich, b2: Any) -> Brian2Model:
    """Izhikevich (2003): ``dv/dt = (0.04 v^2 + 5 v + 140 - u) / ms + input``, ``du/dt = a (b v - u) / ms``; at
    ``v >= v_peak``: ``v = c``, ``u += d``. Forward Euler (v in mV as a plain number)."""
    return Brian2Model(
        dv="(0.04*v**2 + 5*v + 140 - u) / ms",
        namespace={"a": spec.a_per_ms, "b": spec.b_per_ms, "c": spec.c_mv, "d": spec.d_mv_per_ms,
                   "v_fire": _fire_level(spec), "ms": b2.ms},
        reset="v = c\nu += d",
        method="euler",
        refractory_ms=0.0,
        initial={"v": spec.v_init_mv, "u": spec.b_per_ms * spec.v_init_mv},
        equations=("du/dt = a * (b * v - u) / ms : 1",),
    )


def _adex(spec: AdEx, b2: Any) -> Brian2Model:
    """AdEx (Brette & Gerstner 2005): ``C dv/dt = g_L (E_L - v) + g_L D_T exp((v - V_T) / D_T) - I_w + I``,
    ``tau_w dI_w/dt = a (v - E_L) - I_w``; at ``v >= v_peak``: ``v = V_r``, ``I_w += b``. Forward Euler (mV, pF,
    nS, pA as plain numbers; ``w`` is named ``I_w``: the synapses' weight variable is ``w``)."""
    return Brian2Model(
        dv="(g_L * (E_L - v) + g_L * D_T * exp((v - V_T) / D_T) - I_w) / (C * ms)",
        namespace={"g_L": spec.g_l_ns, "E_L": spec.e_l_mv, "D_T": spec.delta_t_mv, "V_T": spec.v_t_mv,
                   "C": spec.c_pf, "a": spec.a_ns, "b": spec.b_pa, "tau_w": spec.tau_w_ms * b2.ms,
                   "V_r": spec.v_reset_mv, "v_fire": _fire_level(spec), "ms": b2.ms},
        reset="v = V_r\nI_w += b",
        method="euler",
        refractory_ms=spec.t_ref_ms,
        initial={"v": spec.e_l_mv, "I_w": 0.0},
        equations=("dI_w/dt = (a * (v - E_L) - I_w) / tau_w : 1",),
    )


def _hh_steady_state(spec: HodgkinHuxley, v: float) -> dict[str, float]:
    """The gates' steady states ``alpha / (alpha + beta)`` at ``v`` (the initial values)."""
    def ratio(a: float, b: float) -> float:
        return a / (a + b)
    x_m, x_n = -(v + 40.0) / 10.0, -(v + 55.0) / 10.0
    a_m = 1.0 if abs(x_m) < 1e-7 else 0.1 * (v + 40.0) / -math.expm1(x_m)
    a_n = 0.1 if abs(x_n) < 1e-7 else 0.01 * (v + 55.0) / -math.expm1(x_n)
    return {"m": ratio(a_m, 4.0 * math.exp(-(v + 65.0) / 18.0)),
            "h": ratio(0.07 * math.exp(-(v + 65.0) / 20.0), 1.0 / (1.0 + math.exp(-(v + 35.0) / 10.0))),
            "n": ratio(a_n, 0.125 * math.exp(-(v + 65.0) / 80.0))}


def _hodgkin_huxley(spec: HodgkinHuxley, b2: Any) -> Brian2Model:
    """Hodgkin-Huxley (1952), rest at -65 mV: sodium, potassium and leak currents over C; each gate
    ``dx/dt = phi (alpha_x (1 - x) - beta_x x)``, alpha_m and alpha_n written with ``exprel`` (their 0/0 limits
    handled). Exponential Euler; a spike when v reaches ``v_spike`` from below (refractory while ``v >= v_fire``,
    without clamping the membrane)."""
    gates = (
        "dm/dt = phi * (alpha_m * (1 - m) - beta_m * m) / ms : 1",
        "dh/dt = phi * (alpha_h * (1 - h) - beta_h * h) / ms : 1",
        "dn/dt = phi * (alpha_n * (1 - n) - beta_n * n) / ms : 1",
        "alpha_m = 1.0 / exprel(-(v + 40) / 10) : 1 (constant over dt)",
        "beta_m = 4 * exp(-(v + 65) / 18) : 1 (constant over dt)",
        "alpha_h = 0.07 * exp(-(v + 65) / 20) : 1 (constant over dt)",
        "beta_h = 1 / (1 + exp(-(v + 35) / 10)) : 1 (constant over dt)",
        "alpha_n = 0.1 / exprel(-(v + 55) / 10) : 1 (constant over dt)",
        "beta_n = 0.125 * exp(-(v + 65) / 80) : 1 (constant over dt)",
    )
    return Brian2Model(
        dv="(g_Na * m**3 * h * (E_Na - v) + g_K * n**4 * (E_K - v) + g_Leak * (E_Leak - v)) / (C * ms)",
        namespace={"g_Na": spec.g_na_ms_per_cm2, "g_K": spec.g_k_ms_per_cm2, "g_Leak": spec.g_l_ms_per_cm2,
                   "E_Na": spec.e_na_mv, "E_K": spec.e_k_mv, "E_Leak": spec.e_l_mv, "C": spec.c_uf_per_cm2,
                   "phi": spec.phi, "v_fire": _fire_level(spec), "ms": b2.ms},
        reset="",
        method="exponential_euler",
        refractory_ms=0.0,
        initial={"v": spec.v_init_mv, **_hh_steady_state(spec, spec.v_init_mv)},
        equations=gates,
        refractory_condition="v >= v_fire",
        numpy_step_s=1.7e-4,  # 10-100 neurons (tests/backends/test_brian2_targets.py's circuit): 166-171 us/step
    )


#: Spec type -> ``fn(spec, brian2_module) -> Brian2Model``.
BRIAN2_MODELS: ModelTable[Callable[[Any, Any], Brian2Model]] = ModelTable("Brian2 backend", "register_brian2_model",
                                                                          {LIF: _lif, AdaptiveLIF: _adaptive_lif,
                                                                           Izhikevich: _izhikevich, AdEx: _adex,
                                                                           HodgkinHuxley: _hodgkin_huxley})
register_brian2_model, unregister_brian2_model = BRIAN2_MODELS.register, BRIAN2_MODELS.unregister


def brian2_model(spec: NeuronModel, b2: Any) -> Brian2Model:
    """The Brian2 form of a neuron model spec; a BackendError names a model without a table entry."""
    return BRIAN2_MODELS.entry(spec)(spec, b2)
