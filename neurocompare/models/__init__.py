"""Neuron model specifications for the spiking side."""

from .lif import LIF, RESET_MODES

__all__ = ["LIF", "RESET_MODES"]
