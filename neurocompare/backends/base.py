"""The backend protocol: every backend runs a circuit on a batch of inputs and returns a Result."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from ..circuit import Circuit
from ..results import Result

__all__ = ["Backend"]


@runtime_checkable
class Backend(Protocol):
    """What the comparison layer relies on.

    ``run(circuit, inputs, *, seed=None)`` takes a :class:`~neurocompare.circuit.Circuit` and
    input values (see :func:`~neurocompare.circuit.normalize_inputs`) and returns a
    :class:`~neurocompare.results.Result` whose ``activations`` hold every population as a
    ``(batch, size)`` array on the artificial scale.
    """

    name: str

    def run(self, circuit: Circuit, inputs: Any = None, *, seed: int | None = None) -> Result: ...
