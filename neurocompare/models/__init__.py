"""Neuron model specifications for the spiking side, their registry, and the rule that picks a population's model.

A spec is frozen, validated plain data (parameters with units in their names, equations and citations in
its docstring); simulators keep their own table from spec type to simulation code. Today: :class:`LIF`
(leaky or non-leaky integrate-and-fire, current-based, instantaneous "delta" synapses: each synapse adds
its weight to ``v`` when a spike arrives) and :class:`AdaptiveLIF` (the same with a spike-triggered
adaptation current).

To add a model: a frozen dataclass subclassing :class:`NeuronModel` with a ``model_name``, registered with
:func:`register_neuron_model`, plus one entry in ``neurocompare.backends.brian2.models`` and one in
``neurocompare.backends.reference.models``.
"""

from __future__ import annotations

from typing import Any

from .adaptive_lif import AdaptiveLIF
from .base import NeuronModel
from .lif import LIF, RESET_MODES
from .registry import (
    DEFAULT_MODEL,
    check_neuron,
    neuron_from_dict,
    neuron_model,
    neuron_models,
    neuron_to_dict,
    register_neuron_model,
    unregister_neuron_model,
)

__all__ = ["NeuronModel", "LIF", "AdaptiveLIF", "RESET_MODES", "effective_neuron", "register_neuron_model",
           "unregister_neuron_model", "neuron_model", "neuron_models", "neuron_to_dict", "neuron_from_dict",
           "check_neuron", "DEFAULT_MODEL"]

register_neuron_model(LIF)
register_neuron_model(AdaptiveLIF)


def effective_neuron(population: Any, default: Any) -> Any:
    """The neuron model a population runs with: its own (``population.neuron``), else ``default``.

    ``default`` is the backend's neuron (``SpikingBackend(neuron=...)``, itself ``LIF()`` unless
    given). This is the one place that rule is written.
    """
    own = getattr(population, "neuron", None)
    return own if own is not None else default
