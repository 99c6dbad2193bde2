"""Backends: the same circuit, simulated different ways, returning the same Result type.

- ``artificial``: numpy, synchronous real-valued neurons y = f(W x + b) (:mod:`.artificial`);
- ``spiking``: Brian2, asynchronous threshold-spiking neurons (:mod:`.brian2`, the only place that
  imports Brian2);
- ``reference``: an independent numpy simulator of the spiking models (:mod:`.reference`).

Pick one by name with :func:`get_backend`; add one with :func:`register_backend`.
"""

from __future__ import annotations

from . import activation as _activation  # noqa: F401 - registers the measured activations 'fi:...'
from .artificial import ArtificialBackend
from .base import Backend
from .brian2 import SpikingBackend
from .reference import ReferenceBackend
from .registry import available_backends, backend_names, get_backend, register_backend, unregister_backend

__all__ = ["Backend", "ArtificialBackend", "SpikingBackend", "ReferenceBackend", "get_backend", "available_backends",
           "backend_names", "register_backend", "unregister_backend"]

register_backend("artificial", ArtificialBackend)
register_backend("spiking", SpikingBackend, requires="brian2")
register_backend("reference", ReferenceBackend)
