"""A simulator's model table: which code simulates which neuron model spec.

Each simulator keeps its own :class:`ModelTable` (the Brian2 backend: spec type -> Brian2 equations; the
reference simulator: spec type -> numpy step), so the simulators share the bookkeeping, never the
simulation code.
"""

from __future__ import annotations

from typing import Any, Generic, TypeVar

from ..errors import BackendError

__all__ = ["ModelTable"]

T = TypeVar("T")


class ModelTable(Generic[T]):
    """Spec type -> a simulator's entry for it, with an error that says how to add a missing one."""

    def __init__(self, simulator: str, register_hint: str, entries: dict[type, T] | None = None) -> None:
        self.simulator, self.register_hint = simulator, register_hint
        self._entries: dict[type, T] = dict(entries or {})

    def register(self, spec_type: type, entry: T) -> None:
        """Simulate specs of ``spec_type`` with ``entry``."""
        self._entries[spec_type] = entry

    def unregister(self, spec_type: type) -> None:
        """Remove a model's entry (for tests that register one of their own)."""
        self._entries.pop(spec_type, None)

    def entry(self, spec: Any) -> T:
        """The entry of ``spec``'s type; a BackendError names a model that has none."""
        try:
            return self._entries[type(spec)]
        except KeyError:
            name = getattr(spec, "model_name", type(spec).__name__)
            known = ", ".join(getattr(t, "model_name", t.__name__) for t in self._entries)
            raise BackendError(f"The {self.simulator} has no entry for neuron model {name!r}; known: {known}. "
                               f"Add one with {self.register_hint}().") from None
