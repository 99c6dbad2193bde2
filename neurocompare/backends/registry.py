"""The backend registry: names -> factories, so that comparisons, sweeps and the CLI pick backends by name.

>>> from neurocompare.backends import available_backends, get_backend
>>> available_backends()
('artificial', 'spiking', 'reference')
>>> get_backend("reference", dt_ms=0.1)  # doctest: +ELLIPSIS
ReferenceBackend(duration_ms=100, dt_ms=0.1, ...)

A new backend is one class with ``name`` and ``run(circuit, inputs, *, seed)`` returning a
:class:`~neurocompare.results.Result`, plus one :func:`register_backend` call.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from typing import Any, Callable

from ..errors import BackendError, ParameterError, UnknownNameError
from .base import Backend

__all__ = ["register_backend", "unregister_backend", "available_backends", "backend_names", "get_backend"]


@dataclass(frozen=True)
class _Entry:
    factory: Callable[..., Backend]
    requires: str | None  # a module the backend's simulator needs, or None


_REGISTRY: dict[str, _Entry] = {}


def register_backend(name: str, factory: Callable[..., Backend], *, requires: str | None = None,
                     replace: bool = False) -> None:
    """Make ``factory(**options)`` available as backend ``name``.

    ``requires`` names a module that must be importable for the backend to be available (e.g. "brian2").
    Registering a taken name is an error unless ``replace=True``.
    """
    if not isinstance(name, str) or not name.isidentifier():
        raise ParameterError(f"register_backend: name must be an identifier; got {name!r}.")
    if not callable(factory):
        raise ParameterError(f"register_backend: factory of {name!r} must be callable; got {factory!r}.")
    if name in _REGISTRY and not replace:
        raise ParameterError(f"register_backend: {name!r} is registered already; pass replace=True to replace it.")
    _REGISTRY[name] = _Entry(factory, requires)


def unregister_backend(name: str) -> None:
    """Remove a backend (for tests that register one of their own)."""
    _REGISTRY.pop(name, None)


def backend_names() -> tuple[str, ...]:
    """Every registered backend name, installed or not."""
    return tuple(_REGISTRY)


def available_backends() -> tuple[str, ...]:
    """Names of the backends whose simulator is installed here."""
    return tuple(n for n, e in _REGISTRY.items() if e.requires is None or importlib.util.find_spec(e.requires))


def get_backend(name: str, **options: Any) -> Backend:
    """A backend by name, constructed with keyword ``options``."""
    try:
        entry = _REGISTRY[name]
    except (KeyError, TypeError):
        raise UnknownNameError(f"Unknown backend {name!r}; valid: {', '.join(_REGISTRY)}.") from None
    if entry.requires is not None and importlib.util.find_spec(entry.requires) is None:
        raise BackendError(f"Backend {name!r} needs the package {entry.requires!r}, which is not installed.")
    return entry.factory(**options)
