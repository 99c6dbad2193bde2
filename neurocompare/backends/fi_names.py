"""The names of measured activations, ``"fi:MODEL@RATEHz,dt=DTms[,smooth=SIGMA]"``, and what a run must match.

Pure bookkeeping (no measuring: :mod:`neurocompare.backends.activation` measures), so that the backends' checks
can read a population's activation without importing the measurement.
"""

from __future__ import annotations

import math
import re
from typing import Any

from ..errors import ParameterError, UnknownNameError
from ..models import LIF, neuron_from_name

__all__ = ["activation_name", "activation_mismatch", "DEFAULT_RATE_SCALE_HZ"]

DEFAULT_RATE_SCALE_HZ = 1000.0


def _integrator() -> LIF:
    """The conversion's integrate-and-fire neuron (neurocompare.convert.conversion_neuron; tested equal)."""
    return LIF(tau_m_ms=math.inf, reset="subtract", t_ref_ms=0.0)


def _spec_of(model: str, owner: str = "measured_activation") -> Any:
    return _integrator() if model == "if" else neuron_from_name(model, owner=owner)


def _model_name(neuron: Any) -> str | None:
    """The name that gives back ``neuron`` (``"if"``, ``"lif"``, ``"izhikevich:RS"``), or None."""
    if neuron == _integrator():
        return "if"
    label = neuron.label()
    try:
        return label if neuron_from_name(label) == neuron else None
    except (UnknownNameError, ParameterError):
        return None


def activation_name(model: str, *, rate_scale_hz: float, dt_ms: float, smooth: float = 0.0) -> str:
    """The canonical name: ``fi:MODEL@RATEHz,dt=DTms`` and ``,smooth=SIGMA`` if ``smooth`` > 0."""
    name = f"fi:{model}@{float(rate_scale_hz):g}Hz,dt={float(dt_ms):g}ms"
    return name + (f",smooth={float(smooth):g}" if smooth else "")


_NAME = re.compile(r"^fi:(?P<model>[^@]+?)(?:@(?P<rate>[^,]+?)Hz)?(?:,dt=(?P<dt>[^,]+?)ms)?"
                   r"(?:,smooth=(?P<smooth>[^,]+))?$")


def _parse(name: str) -> tuple[str, Any, float, float, float]:
    m = _NAME.match(name.strip())
    if m is None:
        raise ParameterError(f"activation {name!r}: expected 'fi:MODEL@RATEHz,dt=DTms[,smooth=SIGMA]', e.g. "
                             "'fi:izhikevich:RS@1000Hz,dt=0.025ms'.")
    model = m["model"].strip()
    spec = _spec_of(model, owner=f"activation {name!r}")
    try:
        rate = float(m["rate"]) if m["rate"] else DEFAULT_RATE_SCALE_HZ
        dt = float(m["dt"]) if m["dt"] else float(spec.default_dt_ms)
        smooth = float(m["smooth"]) if m["smooth"] else 0.0
    except ValueError:
        raise ParameterError(f"activation {name!r}: the rate, dt and smoothing must be numbers.") from None
    for what, value, ok, bound in (("rate scale (Hz)", rate, rate > 0, "> 0"), ("dt (ms)", dt, dt > 0, "> 0"),
                                   ("smooth", smooth, smooth >= 0, ">= 0")):
        if not (math.isfinite(value) and ok):
            raise ParameterError(f"activation {name!r}: the {what} must be finite and {bound}; got {value:g}.")
    return model, spec, rate, dt, smooth


def activation_mismatch(activation: Any, neuron: Any, *, rate_scale_hz: float, dt_ms: float) -> str | None:
    """How a run differs from what a measured activation (``"fi:..."``, by name or object) was measured with: the
    neuron, the rate scale, the dt - or None (also for any other activation)."""
    name = activation if isinstance(activation, str) else getattr(activation, "name", None)
    if not isinstance(name, str) or not name.startswith("fi:"):
        return None
    try:
        model, _, rate, dt, _ = _parse(name)
    except (ParameterError, UnknownNameError):
        return None
    have = _model_name(neuron) or neuron.label()
    diffs = [f"the {have} neuron instead of {model}"] if have != model else []
    if not math.isclose(rate, rate_scale_hz, rel_tol=1e-9):
        diffs.append(f"rate_scale_hz {rate_scale_hz:g} instead of {rate:g}")
    if not math.isclose(dt, dt_ms, rel_tol=1e-9):
        diffs.append(f"dt {dt_ms:g} ms instead of {dt:g} ms")
    return ", ".join(diffs) or None
