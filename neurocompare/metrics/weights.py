"""Weights: synapse counts stored in synapses against floats stored in memory.

Pure functions of synapse counts and circuits, and the registration of the row's metrics: the
range of the counts, the bits they need, the memory of both representations, and the error of
rounding float weights to counts.
"""

from __future__ import annotations

import math

import numpy as np

from ..circuit import Circuit
from .registry import MetricSpec, register_metric

__all__ = ["bits_needed", "count_range", "count_bits", "memory_bytes", "rounding_error"]


def bits_needed(counts: np.ndarray) -> int:
    """Bits per connection to store the synapse counts n.

    bits = ceil(log2(max|n| + 1)) magnitude bits, plus one sign bit if any n < 0.

    Parameters
    ----------
    counts : array_like of int

    Returns
    -------
    int
        1 if every count is 0 (or there is none): one bit still says "no synapse".
    """
    counts = np.asarray(counts)
    m = int(np.max(np.abs(counts))) if counts.size else 0
    if m == 0:
        return 1
    return int(math.ceil(math.log2(m + 1))) + (1 if np.any(counts < 0) else 0)


def count_range(circuit: Circuit) -> tuple[int, int]:
    """The most negative (inhibitory) and the largest (excitatory) synapse count, min n_kj and max n_kj.

    Parameters
    ----------
    circuit : Circuit
        Every projection's counts are read (signed: negative counts are inhibitory synapses).

    Returns
    -------
    tuple of int
        (0, 0) for a circuit without projections (no synapse: exactly true, not missing).
    """
    if not circuit.projections:
        return 0, 0
    return (int(min(p.counts.min() for p in circuit.projections)),
            int(max(p.counts.max() for p in circuit.projections)))


def count_bits(circuit: Circuit) -> int:
    """Bits per connection that hold every projection's counts: max over projections of :func:`bits_needed`.

    Parameters
    ----------
    circuit : Circuit
        One bit width serves all projections, as a dense store of all counts would use.

    Returns
    -------
    int
        1 for a circuit without projections.
    """
    return max((bits_needed(p.counts) for p in circuit.projections), default=1)


def memory_bytes(circuit: Circuit) -> dict[str, float]:
    """Storage of the weights in three representations (bytes).

    ``float32`` = 4 x (weight entries): dense float32 matrices; ``counts`` = sum over projections
    of entries x :func:`bits_needed` / 8: dense counts; ``synapse_list`` = 4 x synapses: one 32-bit
    target index per synapse, as a biological or event-driven representation stores it.

    Parameters
    ----------
    circuit : Circuit
        Its weight entries, counts and synapses (|counts| summed) are counted.

    Returns
    -------
    dict of str to float
        Keys ``float32``, ``counts``, ``synapse_list``.
    """
    float32 = 4.0 * circuit.n_weights
    counts = sum(p.counts.size * bits_needed(p.counts) for p in circuit.projections) / 8.0
    synapse_list = 4.0 * circuit.n_synapses
    return {"float32": float32, "counts": counts, "synapse_list": synapse_list}


def rounding_error(counts: np.ndarray, unit_weight: float, float_weights: np.ndarray) -> dict[str, float]:
    """Error of representing ``float_weights`` w as ``counts * unit_weight`` (n u).

    ``max_abs`` = max |n u - w|, ``relative`` = ||n u - w||_F / ||w||_F: the quantisation error of
    converting trained weights to a spiking network (Diehl et al. 2015; Rueckauer et al. 2017).

    Parameters
    ----------
    counts : array_like of int
    unit_weight : float
    float_weights : array_like
        The shape of ``counts``.

    Returns
    -------
    dict of str to float
        ``max_abs`` is 0 for empty arrays; ``relative`` is NaN if w = 0 (no scale to relate the
        error to; a property of the weights, not of a run, so there is no warning).

    References
    ----------
    P. U. Diehl et al., "Fast-classifying, high-accuracy spiking deep networks through weight and
    threshold balancing", IJCNN 2015.
    B. Rueckauer et al., "Conversion of continuous-valued deep networks to efficient event-driven
    networks for image classification", Front. Neurosci. 11, 682 (2017).
    """
    w = np.asarray(float_weights, dtype=float)
    diff = np.asarray(counts) * unit_weight - w
    norm = float(np.linalg.norm(w))
    return {
        "max_abs": float(np.max(np.abs(diff))) if diff.size else 0.0,
        "relative": float(np.linalg.norm(diff) / norm) if norm > 0 else math.nan,
    }


# ------------------------------------------------------------------- registered metrics
# The counts' range and bits describe the circuit; memory and rounding error are costs (lower is better).
register_metric(MetricSpec(
    "count_min", "weights", "synapses", "most negative synapse count (inhibitory)",
    lambda d: float(count_range(d.circuit)[0]), direction=None))
register_metric(MetricSpec(
    "count_max", "weights", "synapses", "largest synapse count (excitatory)",
    lambda d: float(count_range(d.circuit)[1]), direction=None))
register_metric(MetricSpec(
    "count_bits", "weights", "bits", "bits per connection for the signed counts (vs 32 for float32)",
    lambda d: float(count_bits(d.circuit)), direction=None))
register_metric(MetricSpec(
    "memory_counts_bytes", "weights", "bytes", "dense count matrices at count_bits bits",
    lambda d: memory_bytes(d.circuit)["counts"], direction="lower"))
register_metric(MetricSpec(
    "memory_float32_bytes", "weights", "bytes", "dense float32 weight matrices",
    lambda d: memory_bytes(d.circuit)["float32"], direction="lower"))
register_metric(MetricSpec(
    "rounding_error_relative", "weights", "1",
    "||n u - w|| / ||w|| where counts came from float weights (0: counts given as integers)",
    lambda d: d.rounding_relative, direction="lower"))
