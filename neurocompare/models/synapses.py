"""Synapse models: how a spike arriving at a population acts on its neurons (delta, exponential current, conductance).

A synapse model belongs to the population that *receives* the synapses (its receptors), so every projection into
that population acts through it; input populations receive none. The weight of a connection is still its integer
synapse count times the projection's unit weight, ``w = n * unit_weight``, in the circuit's units: a weight of 1
is one threshold gap of the default LIF neuron, and for every synapse model a presynaptic neuron firing at rate
``r`` through a weight ``w`` brings, on average, the charge of the constant current ``w * r`` (1/s) - the same
as a bias of ``w * r / rate_scale_hz``. The models differ in *when* that charge arrives and, for conductances,
in how it depends on the membrane potential:

- :class:`DeltaSynapse` (``"delta"``, today's and the default): the membrane jumps by ``w`` (times the neuron
  model's potential unit, see :mod:`neurocompare.models.base`) in the step the spike arrives. Synaptic input
  arriving while a neuron is clamped (refractory) is discarded.
- :class:`ExpCurrentSynapse` (``"exp_current"``): a current ``I_syn`` (1/s) that jumps by ``w / tau_syn`` and
  decays with ``tau_syn``: ``dI_syn/dt = -I_syn / tau_syn``, and ``dv/dt = ... + I_syn`` (times the potential
  unit). Its integral is ``w``, the delta synapse's jump, spread over ~``tau_syn`` (Dayan & Abbott 2001,
  sec. 5.8; NEST ``iaf_psc_exp``). Linear: the summed effect of two spikes is the sum of their effects.
- :class:`ExpConductanceSynapse` (``"conductance"``): an excitatory and an inhibitory conductance (rates, 1/s)
  that jump and decay with ``tau_syn``; the current is ``g_exc (e_exc - v) + g_inh (e_inh - v)``, so a synapse's
  effect shrinks as ``v`` approaches its reversal potential and inhibition near ``e_inh`` shunts (divides)
  rather than subtracts (Koch 1999, ch. 1; Destexhe et al. 1998; NEST ``iaf_cond_exp``). Positive counts are
  excitatory synapses, negative ones inhibitory; a synapse's conductance jump is ``|w| / (tau_syn |e - v_th|)``
  (times the potential unit), ``v_th`` the top of the neuron's threshold gap: its charge with the membrane held
  at threshold equals the current synapse's (below threshold an excitatory synapse brings more, an inhibitory
  one less). Conductances cannot be negative: unit weights are > 0 and the count's sign picks the receptor.

Reversal potentials are in the neuron model's potential units (mV for the biophysical models; threshold gaps for
the LIF family, where rest = 0 and threshold = 1: ``None`` takes the neuron model's defaults,
:meth:`~neurocompare.models.base.NeuronModel.default_reversal`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any, ClassVar

from .._validation import real_number as _real
from ..errors import CircuitError, ParameterError, UnknownNameError

__all__ = ["SynapseModel", "DeltaSynapse", "ExpCurrentSynapse", "ExpConductanceSynapse", "synapse_models",
           "synapse_model", "synapse_to_dict", "synapse_from_dict", "check_synapse", "effective_synapse",
           "DEFAULT_SYNAPSE"]


class SynapseModel:
    """Base of the synapse model specs (frozen dataclasses with a ``model_name``)."""

    model_name: ClassVar[str] = ""
    #: True if the synapse has state of its own (a current or conductances), False for the instantaneous jump.
    has_state: ClassVar[bool] = False

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)  # type: ignore[call-overload]


def _check_tau(owner: str, value: Any) -> float:
    tau = _real(owner, "tau_syn_ms", value)
    if not (math.isfinite(tau) and tau > 0):
        raise ParameterError(f"{owner}: tau_syn_ms must be finite and > 0; got {value!r}.")
    return float(tau)


@dataclass(frozen=True)
class DeltaSynapse(SynapseModel):
    """Instantaneous synapse: the membrane jumps by the weight when a spike arrives (no parameters)."""

    model_name: ClassVar[str] = "delta"


@dataclass(frozen=True)
class ExpCurrentSynapse(SynapseModel):
    """Exponentially decaying synaptic current: jump ``w / tau_syn``, decay ``tau_syn_ms`` (default 5 ms).

    ``step_ms``: set by a NIR import of a discrete-time model (e.g. snnTorch ``Synaptic``): the exporter's time step,
    at which this synapse *is* the exporter's synapse, exactly, rather than an approximation of a continuous-time
    current; a run at that dt then gives no coarse-step warning for it. None (the default) for a continuous-time
    synapse.
    """

    model_name: ClassVar[str] = "exp_current"
    has_state: ClassVar[bool] = True

    tau_syn_ms: float = 5.0
    step_ms: float | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "tau_syn_ms", _check_tau("ExpCurrentSynapse", self.tau_syn_ms))
        if self.step_ms is not None:
            step = _real("ExpCurrentSynapse", "step_ms", self.step_ms)
            if not (math.isfinite(step) and step > 0):
                raise ParameterError(f"ExpCurrentSynapse: step_ms must be finite and > 0, or None; got {self.step_ms!r}.")
            object.__setattr__(self, "step_ms", float(step))

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        if data["step_ms"] is None:  # files of continuous-time synapses stay as they were
            del data["step_ms"]
        return data


@dataclass(frozen=True)
class ExpConductanceSynapse(SynapseModel):
    """Exponentially decaying excitatory and inhibitory conductances with reversal potentials.

    Parameters
    ----------
    tau_syn_ms : float
        Decay time constant of both conductances, > 0. Default 5 ms.
    e_exc, e_inh : float or None
        Reversal potentials (the neuron model's potential units). ``None``: the neuron model's defaults
        (0 mV and -80 mV for the biophysical models; 13/3 and -1 threshold gaps for the LIF family, i.e. the
        same potentials for a LIF resting at -65 mV with its threshold at -50 mV). ``e_exc`` must lie above the
        neuron's threshold and ``e_inh`` at or below its reset, below the threshold (checked against the neuron
        model before a run).
    """

    model_name: ClassVar[str] = "conductance"
    has_state: ClassVar[bool] = True

    tau_syn_ms: float = 5.0
    e_exc: float | None = None
    e_inh: float | None = None

    def __post_init__(self) -> None:
        owner = "ExpConductanceSynapse"
        object.__setattr__(self, "tau_syn_ms", _check_tau(owner, self.tau_syn_ms))
        for name in ("e_exc", "e_inh"):
            value = getattr(self, name)
            if value is not None:
                x = _real(owner, name, value)
                if not math.isfinite(x):
                    raise ParameterError(f"{owner}: {name} must be finite or None; got {value!r}.")
                object.__setattr__(self, name, float(x))
        if self.e_exc is not None and self.e_inh is not None and not self.e_exc > self.e_inh:
            raise ParameterError(f"{owner}: e_exc must be above e_inh; got e_exc={self.e_exc!r} <= e_inh={self.e_inh!r}.")

    def reversal(self, neuron: Any, *, owner: str = "ExpConductanceSynapse") -> tuple[float, float]:
        """``(e_exc, e_inh)`` for ``neuron`` (its defaults where None), checked against its threshold gap."""
        d_exc, d_inh = neuron.default_reversal()
        e_exc = d_exc if self.e_exc is None else self.e_exc
        e_inh = d_inh if self.e_inh is None else self.e_inh
        low, high = neuron.threshold_gap()
        if not e_exc > high:
            raise ParameterError(
                f"{owner}: e_exc = {e_exc:g} is not above the threshold of {neuron.model_name!r} ({high:g}); an "
                f"excitatory reversal potential must lie above it (the threshold gap is {low:g} .. {high:g}).")
        if e_inh > low or not e_inh < high:
            raise ParameterError(
                f"{owner}: e_inh = {e_inh:g} lies above the reset of {neuron.model_name!r} ({low:g}); an inhibitory "
                f"reversal potential must be at or below it (the threshold gap is {low:g} .. {high:g}).")
        return e_exc, e_inh

    def jumps(self, neuron: Any, potential_unit: float, *, owner: str = "ExpConductanceSynapse") -> tuple[float, ...]:
        """``(k_exc, k_inh, e_exc, e_inh)``: the excitatory and inhibitory conductance jumps (1/s) per unit of
        ``|w|`` and the reversal potentials, for ``neuron`` whose potential unit is ``potential_unit``."""
        e_exc, e_inh = self.reversal(neuron, owner=owner)
        v_th = neuron.threshold_gap()[1]
        tau_s = self.tau_syn_ms * 1e-3
        return (potential_unit / (tau_s * (e_exc - v_th)), potential_unit / (tau_s * (v_th - e_inh)), e_exc, e_inh)


_SYNAPSES: dict[str, type[SynapseModel]] = {c.model_name: c for c in (DeltaSynapse, ExpCurrentSynapse,
                                                                      ExpConductanceSynapse)}
#: The synapse model of populations (and backends) that name none.
DEFAULT_SYNAPSE = DeltaSynapse()


def synapse_models() -> tuple[str, ...]:
    """The synapse model names."""
    return tuple(_SYNAPSES)


def synapse_model(name: str) -> type[SynapseModel]:
    """The synapse spec class called ``name``."""
    try:
        return _SYNAPSES[name]
    except (KeyError, TypeError):
        raise UnknownNameError(f"Unknown synapse model {name!r}; valid: {', '.join(_SYNAPSES)}.") from None


def check_synapse(owner: str, synapse: Any) -> Any:
    """``synapse`` if it is None or a synapse spec, else a ParameterError naming it."""
    if synapse is None or (isinstance(synapse, SynapseModel) and _SYNAPSES.get(synapse.model_name) is type(synapse)):
        return synapse
    raise ParameterError(f"{owner}: synapse must be a synapse model ({', '.join(_SYNAPSES)}) or None; got {synapse!r}.")


def effective_synapse(population: Any, default: Any) -> SynapseModel:
    """The synapse model a population's incoming synapses use: its own, else ``default`` (else delta)."""
    own = getattr(population, "synapse", None)
    if own is not None:
        return own
    return default if default is not None else DEFAULT_SYNAPSE


def synapse_to_dict(synapse: SynapseModel) -> dict[str, Any]:
    """The file form: ``{"model": name, **parameters}``."""
    return {"model": synapse.model_name, **synapse.to_dict()}


def synapse_from_dict(data: Any, *, owner: str = "synapse") -> SynapseModel:
    """Inverse of :func:`synapse_to_dict`; unknown names and keys are errors naming the valid ones."""
    if isinstance(data, str):
        data = {"model": data}
    if not isinstance(data, dict) or "model" not in data:
        raise CircuitError(f"{owner}: a synapse must be a mapping with a 'model' ({', '.join(_SYNAPSES)}); got {data!r}.")
    params = dict(data)
    try:
        cls = synapse_model(params.pop("model"))
    except UnknownNameError as exc:
        raise UnknownNameError(f"{owner}: {exc}") from None
    known = {f.name for f in fields(cls)}  # type: ignore[arg-type]
    unknown = sorted(set(params) - known)
    if unknown:
        raise CircuitError(f"{owner}: unknown synapse parameter(s) {', '.join(unknown)} for model {cls.model_name!r}; "
                           f"valid: {', '.join(sorted(known)) or 'none'}.")
    try:
        return cls(**params)
    except ParameterError as exc:
        raise ParameterError(f"{owner}: {exc}") from None
