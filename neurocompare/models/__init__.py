"""Neuron model specifications for the spiking side, and the rule that picks a population's model."""

from __future__ import annotations

from typing import Any

from .lif import LIF, RESET_MODES

__all__ = ["LIF", "RESET_MODES", "effective_neuron"]


def effective_neuron(population: Any, default: Any) -> Any:
    """The neuron model a population runs with: its own (``population.neuron``), else ``default``.

    ``default`` is the backend's neuron (``SpikingBackend(neuron=...)``, itself ``LIF()`` unless
    given). This is the one place that rule is written.
    """
    own = getattr(population, "neuron", None)
    return own if own is not None else default
