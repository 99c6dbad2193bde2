"""Backends: the same circuit, simulated different ways, returning the same Result type.

>>> from neurocompare.backends import available_backends, get_backend
>>> available_backends()
('artificial', 'spiking', 'reference')
>>> get_backend("spiking", dt_ms=0.1)  # doctest: +ELLIPSIS
SpikingBackend(duration_ms=100, dt_ms=0.1, ...)
"""

from __future__ import annotations

import importlib.util
from types import MappingProxyType
from typing import Any, Callable

from ..errors import BackendError, UnknownNameError
from .artificial import ArtificialBackend
from .base import Backend
from .reference import ReferenceBackend
from .brian2 import SpikingBackend

__all__ = ["Backend", "ArtificialBackend", "SpikingBackend", "ReferenceBackend", "get_backend", "available_backends"]

# name -> (factory, module its simulator needs or None)
_REGISTRY: MappingProxyType[str, tuple[Callable[..., Backend], str | None]] = MappingProxyType(
    {
        "artificial": (ArtificialBackend, None),
        "spiking": (SpikingBackend, "brian2"),
        "reference": (ReferenceBackend, None),
    }
)


def available_backends() -> tuple[str, ...]:
    """Names of the backends whose simulator is installed here."""
    return tuple(
        name for name, (_, needs) in _REGISTRY.items() if needs is None or importlib.util.find_spec(needs)
    )


def get_backend(name: str, **options: Any) -> Backend:
    """A backend by name, constructed with keyword ``options``."""
    try:
        factory, needs = _REGISTRY[name]
    except (KeyError, TypeError):
        raise UnknownNameError(f"Unknown backend {name!r}; valid: {', '.join(_REGISTRY)}.") from None
    if needs is not None and importlib.util.find_spec(needs) is None:
        raise BackendError(f"Backend {name!r} needs the package {needs!r}, which is not installed.")
    return factory(**options)
