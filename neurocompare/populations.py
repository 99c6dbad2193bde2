"""The parts of a circuit: input populations, neuron populations and projections of synapse counts.

Plain, immutable data, validated on construction (see :mod:`neurocompare.circuit` for how they make a
:class:`~neurocompare.circuit.Circuit`):

- :class:`InputPopulation` -- ``size`` input channels whose values the caller provides;
- :class:`NeuronPopulation` -- ``size`` neurons with a per-neuron ``bias``, the ``activation``
  used by the artificial side, and optionally their neuron model (a registered
  :class:`~neurocompare.models.NeuronModel`) for the spiking side;
- :class:`Projection` -- ``pre -> post`` connections as an integer matrix of **synapse counts**
  of shape ``(post.size, pre.size)`` (``counts[k, j]`` synapses from pre neuron ``j`` to post neuron
  ``k``; positive = excitatory, negative = inhibitory), the weight of one synapse (``unit_weight``,
  > 0) and an axonal delay in ms (scalar or per connection). The counts may be given dense or as a
  ``scipy.sparse`` matrix; both are validated alike and read back as a dense array
  (:attr:`Projection.counts`) or a sparse one (:attr:`Projection.sparse_counts`).
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from functools import cached_property
from numbers import Integral, Real
from typing import Any, Callable

import numpy as np
import scipy.sparse

from ._validation import first_index, fmt_index, fmt_number, frozen
from .activations import canonical_activation_name, resolve_activation
from .errors import CircuitError, ParameterError, UnknownNameError
from .models import NeuronModel, SynapseModel, check_neuron, check_synapse

__all__ = ["InputPopulation", "NeuronPopulation", "Projection", "check_name"]

_NAME_RE = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,63}")
# Counts beyond this are rejected: 2**31 synapses between two cells is no circuit.
_MAX_COUNT = 2**31 - 1
# Populations beyond this are rejected before numpy tries to allocate them.
_MAX_SIZE = 10**7
# Counts are held dense (the backends read a dense matrix): sparse counts of more entries are rejected before
# numpy tries to allocate them (10**8 int64 entries = 800 MB).
_MAX_ENTRIES = 10**8


def check_name(kind: str, name: Any) -> str:
    if not isinstance(name, str) or not _NAME_RE.fullmatch(name):
        raise CircuitError(
            f"{kind} name must start with a letter and contain only letters, digits and '_' "
            f"(at most 64 characters); got {name!r}."
        )
    return name


def _check_size(owner: str, size: Any) -> int:
    if isinstance(size, bool) or not isinstance(size, Integral):
        raise CircuitError(f"{owner}: size must be a positive integer; got {size!r}.")
    if size < 1:
        raise CircuitError(f"{owner}: size must be a positive integer; got {size!r}.")
    if size > _MAX_SIZE:
        raise CircuitError(f"{owner}: size {size!r} exceeds the supported maximum of {_MAX_SIZE} neurons.")
    return int(size)


def _real_array(owner: str, what: str, value: Any) -> np.ndarray:
    """Convert to a float array, rejecting non-numeric data with a named error."""
    try:
        arr = np.asarray(value)
    except Exception as exc:  # ragged nested lists, exotic objects
        raise CircuitError(f"{owner}: {what} is not an array of numbers ({exc}); got {value!r}.") from None
    if arr.dtype == bool or arr.dtype.kind not in "iuf":
        if arr.dtype.kind == "O":
            try:
                arr = arr.astype(float)
            except (TypeError, ValueError):
                raise CircuitError(f"{owner}: {what} must contain only numbers; got {value!r}.") from None
        else:
            raise CircuitError(
                f"{owner}: {what} must contain only numbers; got dtype {arr.dtype} ({value!r})."
            )
    return arr.astype(float) if arr.dtype.kind == "f" else arr


def _check_count_values(owner: str, values: np.ndarray, index_of: Callable[[tuple[int, ...]], tuple[int, ...]]
                        ) -> None:
    """Reject non-finite, fractional and too large synapse counts; ``index_of`` maps a position of
    ``values`` to the matrix index the message names (the first bad entry in row-major order)."""
    def bad_at(mask: np.ndarray) -> tuple[str, str]:
        pos = first_index(mask)
        return fmt_number(values[pos]), fmt_index(index_of(pos))

    if values.dtype.kind == "f":
        if not np.all(np.isfinite(values)):
            value, at = bad_at(~np.isfinite(values))
            raise CircuitError(f"{owner}: synapse counts must be finite integers; got {value} at {at}.")
        frac = values != np.round(values)
        if np.any(frac):
            value, at = bad_at(frac)
            raise CircuitError(f"{owner}: synapse counts must be integers; got {value} at {at}. "
                               "Round float weights with neurocompare.convert, or pass integers.")
    too_big = np.abs(values) > _MAX_COUNT
    if np.any(too_big):
        value, at = bad_at(too_big)
        raise CircuitError(f"{owner}: synapse count {value} at {at} exceeds {_MAX_COUNT}.")


def _sparse_count_matrix(owner: str, counts: Any) -> np.ndarray:
    """A scipy.sparse matrix of counts, validated on its stored entries (duplicates summed), as dense int64."""
    coo = scipy.sparse.coo_array(counts, copy=True)
    if coo.ndim != 2:
        raise CircuitError(
            f"{owner}: synapse counts must be a 2-D matrix (post size, pre size); got shape {coo.shape}."
        )
    if math.prod(coo.shape) > _MAX_ENTRIES:
        raise CircuitError(f"{owner}: synapse counts of shape {coo.shape} have more than {_MAX_ENTRIES:.0e} entries; "
                           "neurocompare holds counts as a dense matrix, so split the population or make it smaller.")
    if coo.dtype == bool or coo.dtype.kind not in "iuf":
        raise CircuitError(f"{owner}: synapse counts must contain only numbers; got a sparse matrix of dtype "
                           f"{coo.dtype}.")
    coo.sum_duplicates()  # canonical: row-major order, one entry per pair
    rows, cols = coo.coords
    _check_count_values(owner, coo.data, lambda pos: (int(rows[pos[0]]), int(cols[pos[0]])))
    dense = np.zeros(coo.shape, dtype=np.int64)
    dense[rows, cols] = coo.data.astype(np.int64)
    return frozen(dense, None)


def _count_matrix(owner: str, counts: Any) -> np.ndarray:
    """Validated synapse counts (dense array_like or scipy.sparse) as a read-only dense int64 matrix."""
    if scipy.sparse.issparse(counts):
        return _sparse_count_matrix(owner, counts)
    counts = _real_array(owner, "synapse counts", counts)
    if counts.ndim != 2:
        raise CircuitError(
            f"{owner}: synapse counts must be a 2-D matrix (post size, pre size); got shape {counts.shape}."
        )
    _check_count_values(owner, counts, lambda pos: pos)
    return frozen(counts.astype(np.int64), None)


@dataclass(frozen=True, eq=False)
class InputPopulation:
    """``size`` input channels; their values are given at run time, one row per sample.

    Inputs have no neurons and receive no synapses: ``neuron=`` or ``synapse=`` given here is an error that says
    where the model belongs (the population the input projects to).
    """

    name: str
    size: int
    neuron: None = None
    synapse: None = None

    def __post_init__(self) -> None:
        check_name("Input population", self.name)
        object.__setattr__(self, "size", _check_size(f"Input population {self.name!r}", self.size))
        for what in ("neuron", "synapse"):
            if getattr(self, what) is not None:
                raise CircuitError(
                    f"Input population {self.name!r}: inputs have no neurons and receive no synapses, so they take no "
                    f"{what} model; got {getattr(self, what)!r}. Give it to the population the input projects to.")

    def __repr__(self) -> str:
        return f"InputPopulation({self.name!r}, size={self.size})"


@dataclass(frozen=True, eq=False)
class NeuronPopulation:
    """``size`` neurons sharing an activation (artificial side) and a neuron and synapse model (spiking side).

    Parameters
    ----------
    name : str
        Unique within the circuit.
    size : int
        Number of neurons, >= 1.
    bias : float or array of shape (size,)
        Constant input b_k. The artificial neuron adds it to W x; the spiking neuron receives
        it as a constant current of ``bias * rate_scale_hz`` (see the spiking backend).
    activation : str or callable
        ``"relu"``, ``"sigmoid"``, ``"tanh"``, ``"step"``, ``"identity"``, or any callable
        array -> array of the same shape. Callables cannot be saved to a circuit file.
    neuron : NeuronModel, optional
        The spiking neuron model of this population (a registered spec such as
        :class:`~neurocompare.models.LIF`); ``None`` uses the backend's default.
    synapse : SynapseModel, optional
        How synapses onto this population act (:mod:`neurocompare.models.synapses`: delta jump, exponential
        current, exponential conductance); ``None`` uses the backend's default (delta).
    """

    name: str
    size: int
    bias: Any = 0.0
    activation: str | Callable[[np.ndarray], np.ndarray] = "relu"
    neuron: NeuronModel | None = None
    synapse: SynapseModel | None = None

    def __post_init__(self) -> None:
        check_name("Population", self.name)
        owner = f"Population {self.name!r}"
        size = _check_size(owner, self.size)
        object.__setattr__(self, "size", size)
        bias = _real_array(owner, "bias", self.bias).astype(float)
        if bias.ndim == 0:
            bias = np.full(size, float(bias))
        if bias.shape != (size,):
            raise CircuitError(
                f"{owner}: bias must be a number or have shape ({size},); got shape {bias.shape}."
            )
        if not np.all(np.isfinite(bias)):
            bad = first_index(~np.isfinite(bias))
            raise CircuitError(f"{owner}: bias must be finite; got {fmt_number(bias[bad])} at {fmt_index(bad)}.")
        object.__setattr__(self, "bias", frozen(bias, None))
        act = self.activation
        if isinstance(act, str):
            try:
                object.__setattr__(self, "activation", canonical_activation_name(act))
            except (ParameterError, UnknownNameError) as exc:
                raise CircuitError(f"{owner}: {exc} Or give a callable.") from None
        elif not callable(act):
            raise CircuitError(f"{owner}: activation must be a name or a callable; got {act!r}.")
        try:
            check_neuron(owner, self.neuron)
            check_synapse(owner, self.synapse)
        except ParameterError as exc:
            raise CircuitError(str(exc)) from None

    @property
    def activation_name(self) -> str:
        """The activation's name (a callable's ``__name__``)."""
        act = self.activation
        return act if isinstance(act, str) else getattr(act, "__name__", type(act).__name__)

    @property
    def activation_fn(self) -> Callable[[np.ndarray], np.ndarray]:
        """The activation as a function."""
        act = self.activation
        return resolve_activation(act) if isinstance(act, str) else act

    def __repr__(self) -> str:
        return (
            f"NeuronPopulation({self.name!r}, size={self.size}, activation={self.activation_name!r}"
            + (f", neuron={self.neuron!r}" if self.neuron is not None else "")
            + (f", synapse={self.synapse!r}" if self.synapse is not None else "")
            + ")"
        )


@dataclass(frozen=True, eq=False)
class Projection:
    """Connections ``pre -> post`` as integer synapse counts.

    Parameters
    ----------
    pre, post : str
        Population names; ``pre`` may be an input or neuron population, ``post`` a neuron
        population (``pre == post`` is a recurrent projection onto itself).
    counts : array_like of int or scipy.sparse matrix, shape (post size, pre size)
        ``counts[k, j]``: number of synapses from pre neuron ``j`` to post neuron ``k``;
        negative numbers are inhibitory synapses. Floats are accepted only if integral. A
        ``scipy.sparse`` matrix (any format; duplicate entries are summed, as scipy does) is checked on
        its stored entries by the same rules; unstored entries are 0. Either way :attr:`counts` holds a
        read-only dense int64 array (what the backends read) and :attr:`sparse_counts` a CSR copy.
    unit_weight : float
        What one synapse is worth (membrane jump, in units of the threshold gap), > 0.
    delay_ms : float or array of shape (post size, pre size)
        Axonal conduction delay, >= 0 ms. Brian2 rounds it to the time step (``int(delay / dt + 0.5)``:
        half-steps round up).
    """

    pre: str
    post: str
    counts: Any
    unit_weight: float = 1.0
    delay_ms: Any = 0.0

    def __post_init__(self) -> None:
        check_name("Projection source", self.pre)
        check_name("Projection target", self.post)
        owner = f"Projection {self.pre!r}->{self.post!r}"
        object.__setattr__(self, "counts", _count_matrix(owner, self.counts))
        if isinstance(self.unit_weight, bool) or not isinstance(self.unit_weight, Real):
            raise CircuitError(f"{owner}: unit_weight must be a positive number; got {self.unit_weight!r}.")
        uw = float(self.unit_weight)
        if not math.isfinite(uw) or uw <= 0:
            raise CircuitError(
                f"{owner}: unit_weight must be a finite number > 0 (the sign lives in the counts); "
                f"got {self.unit_weight!r}."
            )
        object.__setattr__(self, "unit_weight", uw)
        delay = _real_array(owner, "delay_ms", self.delay_ms).astype(float)
        if delay.ndim != 0 and delay.shape != self.counts.shape:
            raise CircuitError(
                f"{owner}: delay_ms must be a number or have the counts' shape {self.counts.shape}; "
                f"got shape {delay.shape}."
            )
        bad_delay = ~np.isfinite(delay) | (delay < 0)
        if np.any(bad_delay):
            if delay.ndim == 0:
                raise CircuitError(f"{owner}: delay_ms must be finite and >= 0; got {fmt_number(delay)}.")
            bad = first_index(bad_delay)
            raise CircuitError(
                f"{owner}: delay_ms must be finite and >= 0; got {fmt_number(delay[bad])} at {fmt_index(bad)}."
            )
        object.__setattr__(self, "delay_ms", float(delay) if delay.ndim == 0 else frozen(delay, None))

    @property
    def name(self) -> str:
        """``"pre->post"``, how messages and results refer to the projection."""
        return f"{self.pre}->{self.post}"

    @property
    def weights(self) -> np.ndarray:
        """The artificial weight matrix, exactly ``counts * unit_weight``."""
        return self.counts * self.unit_weight

    @property
    def delays(self) -> np.ndarray:
        """Per-connection delays (ms), shape of ``counts``."""
        return np.broadcast_to(np.asarray(self.delay_ms, dtype=float), self.counts.shape)

    @property
    def n_synapses(self) -> int:
        """Total number of synapses, sum of |counts|."""
        return int(np.abs(self.counts).sum())

    @property
    def n_connections(self) -> int:
        """Number of connected pairs (nonzero counts), the number of non-zero artificial weights."""
        return int(self.nonzero[0].size)

    @cached_property
    def nonzero(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The connected pairs in row-major order: read-only ``(post indices k, pre indices j, counts n)``."""
        k, j = np.nonzero(self.counts)
        return frozen(k.astype(np.int64), None), frozen(j.astype(np.int64), None), frozen(self.counts[k, j], None)

    @property
    def sparse_counts(self) -> scipy.sparse.csr_array:
        """The counts as a new ``scipy.sparse.csr_array`` (int64, only the connected pairs stored)."""
        k, j, n = self.nonzero
        return scipy.sparse.csr_array((n.copy(), (k, j)), shape=self.counts.shape)

    def __repr__(self) -> str:
        return (
            f"Projection({self.pre!r}->{self.post!r}, shape={self.counts.shape}, "
            f"synapses={self.n_synapses}, unit_weight={self.unit_weight!r})"
        )
