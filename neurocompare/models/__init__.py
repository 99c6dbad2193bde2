"""Neuron model specifications for the spiking side, their registry, and the rule that picks a population's model.

A spec is frozen, validated plain data (parameters with units in their names, equations and citations in
its docstring); simulators keep their own table from spec type to simulation code. Today: :class:`LIF`
(leaky or non-leaky integrate-and-fire), :class:`AdaptiveLIF` (the same with a spike-triggered adaptation
current), :class:`Izhikevich` (2003, presets RS IB CH FS LTS RZ), :class:`AdEx` (Brette & Gerstner 2005,
Naud et al. 2008 presets) and :class:`HodgkinHuxley` (1952). Synapse models (:mod:`.synapses`): delta (the
default jump), exponential current and exponential conductance, chosen per receiving population.

To add a model: a frozen dataclass subclassing :class:`NeuronModel` with a ``model_name``, registered with
:func:`register_neuron_model`, plus one entry in ``neurocompare.backends.brian2.models`` and one in
``neurocompare.backends.reference.models``.
"""

from __future__ import annotations

from typing import Any

from .adaptive_lif import AdaptiveLIF
from .adex import AdEx
from .base import NeuronModel
from .hodgkin_huxley import HodgkinHuxley
from .izhikevich import Izhikevich
from .lif import LIF, RESET_MODES
from .registry import (
    DEFAULT_MODEL,
    check_neuron,
    neuron_from_dict,
    neuron_from_name,
    neuron_model,
    neuron_models,
    neuron_to_dict,
    register_neuron_model,
    unregister_neuron_model,
)

from .synapses import (DEFAULT_SYNAPSE, DeltaSynapse, ExpConductanceSynapse, ExpCurrentSynapse, SynapseModel,
                       check_synapse, effective_synapse, synapse_from_dict, synapse_model, synapse_models,
                       synapse_to_dict)

__all__ = ["NeuronModel", "LIF", "AdaptiveLIF", "Izhikevich", "AdEx", "HodgkinHuxley", "RESET_MODES",
           "SynapseModel", "DeltaSynapse", "ExpCurrentSynapse", "ExpConductanceSynapse", "DEFAULT_SYNAPSE",
           "check_synapse", "effective_synapse", "synapse_from_dict", "synapse_model", "synapse_models",
           "synapse_to_dict", "neuron_from_name", "effective_neuron", "register_neuron_model",
           "unregister_neuron_model", "neuron_model", "neuron_models", "neuron_to_dict", "neuron_from_dict",
           "check_neuron", "DEFAULT_MODEL"]

register_neuron_model(LIF)
register_neuron_model(AdaptiveLIF)
register_neuron_model(Izhikevich)
register_neuron_model(AdEx)
register_neuron_model(HodgkinHuxley)


def effective_neuron(population: Any, default: Any) -> Any:
    """The neuron model a population runs with: its own (``population.neuron``), else ``default``.

    ``default`` is the backend's neuron (``SpikingBackend(neuron=...)``, itself ``LIF()`` unless
    given). This is the one place that rule is written.
    """
    own = getattr(population, "neuron", None)
    return own if own is not None else default
