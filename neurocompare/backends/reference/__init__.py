"""The reference backend: an independent numpy simulator of the spiking models, for cross-checking Brian2."""

from .backend import MAX_STEPS, TARGET, THRESHOLD_TOLERANCE, ReferenceBackend

__all__ = ["ReferenceBackend", "THRESHOLD_TOLERANCE", "TARGET", "MAX_STEPS"]
