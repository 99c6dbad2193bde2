"""The neuron model registry: model name <-> spec class, and the circuit-file form of a spec.

>>> from neurocompare.models import LIF, neuron_from_dict, neuron_to_dict
>>> neuron_to_dict(LIF(t_ref_ms=0.0))["model"]
'lif'
>>> neuron_from_dict({"model": "lif", "t_ref_ms": 0.0}) == LIF(t_ref_ms=0.0)
True
"""

from __future__ import annotations

from typing import Any

from ..errors import CircuitError, ParameterError, UnknownNameError
from .base import NeuronModel

__all__ = ["register_neuron_model", "unregister_neuron_model", "neuron_model", "neuron_models", "neuron_to_dict",
           "neuron_from_dict", "neuron_from_name", "check_neuron", "DEFAULT_MODEL"]

#: The model a circuit-file entry without a "model" tag is (every version-1 file).
DEFAULT_MODEL = "lif"

_MODELS: dict[str, type[NeuronModel]] = {}


def register_neuron_model(cls: type[NeuronModel]) -> type[NeuronModel]:
    """Register a spec class under its ``model_name`` (usable as a class decorator).

    After this, circuits save and load the model by name; each simulator still needs its own table
    entry (``register_brian2_model``, ``register_reference_model``) to run it.
    """
    if not (isinstance(cls, type) and issubclass(cls, NeuronModel)):
        raise ParameterError(f"register_neuron_model: expected a NeuronModel subclass; got {cls!r}.")
    name = cls.model_name
    if not isinstance(name, str) or not name.isidentifier():
        raise ParameterError(f"register_neuron_model: {cls.__name__}.model_name must be an identifier; got {name!r}.")
    if _MODELS.get(name, cls) is not cls:
        raise ParameterError(
            f"register_neuron_model: the name {name!r} is taken by {_MODELS[name].__name__}; choose another model_name."
        )
    _MODELS[name] = cls
    return cls


def unregister_neuron_model(name: str) -> None:
    """Remove a model from the registry (for tests that register one of their own)."""
    _MODELS.pop(name, None)


def neuron_models() -> tuple[str, ...]:
    """The registered model names."""
    return tuple(_MODELS)


def neuron_model(name: str) -> type[NeuronModel]:
    """The spec class registered as ``name``."""
    try:
        return _MODELS[name]
    except (KeyError, TypeError):
        raise UnknownNameError(f"Unknown neuron model {name!r}; valid: {', '.join(_MODELS)}.") from None


def check_neuron(owner: str, neuron: Any) -> Any:
    """``neuron`` if it is None or an instance of a registered model, else a ParameterError naming it."""
    if neuron is None or (isinstance(neuron, NeuronModel) and _MODELS.get(neuron.model_name) is type(neuron)):
        return neuron
    raise ParameterError(
        f"{owner}: neuron must be an instance of a registered neuron model ({', '.join(_MODELS)}) or None; "
        f"got {neuron!r}."
    )


def neuron_to_dict(neuron: NeuronModel) -> dict[str, Any]:
    """The file form of a spec: ``{"model": name, **parameters}``."""
    return {"model": neuron.model_name, **neuron.to_dict()}


def neuron_from_dict(data: Any, *, owner: str = "neuron") -> NeuronModel:
    """Inverse of :func:`neuron_to_dict`; a mapping without "model" is a :data:`DEFAULT_MODEL` (LIF)."""
    if not isinstance(data, dict):
        raise CircuitError(f"{owner}: neuron parameters must be a mapping; got {data!r}.")
    params = dict(data)
    name = params.pop("model", DEFAULT_MODEL)
    try:
        cls = neuron_model(name)
    except UnknownNameError as exc:
        raise UnknownNameError(f"{owner}: {exc}") from None
    return cls.from_dict(params, owner=owner)


def neuron_from_name(text: str, *, owner: str = "neuron") -> NeuronModel:
    """A spec from ``"model"`` or ``"model:PRESET"`` (e.g. ``"izhikevich:RS"``, ``"adex:adapting"``), with defaults."""
    name, _, preset = str(text).partition(":")
    try:
        cls = neuron_model(name.strip())
        return cls.preset(preset.strip()) if preset else cls()
    except UnknownNameError as exc:
        raise UnknownNameError(f"{owner}: {exc}") from None
