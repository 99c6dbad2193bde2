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

from ...models import LIF, AdaptiveLIF, NeuronModel
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


#: Spec type -> ``fn(spec, brian2_module) -> Brian2Model``.
BRIAN2_MODELS: ModelTable[Callable[[Any, Any], Brian2Model]] = ModelTable("Brian2 backend", "register_brian2_model",
                                                                          {LIF: _lif, AdaptiveLIF: _adaptive_lif})
register_brian2_model, unregister_brian2_model = BRIAN2_MODELS.register, BRIAN2_MODELS.unregister


def brian2_model(spec: NeuronModel, b2: Any) -> Brian2Model:
    """The Brian2 form of a neuron model spec; a BackendError names a model without a table entry."""
    return BRIAN2_MODELS.entry(spec)(spec, b2)
