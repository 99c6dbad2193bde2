"""Measured quantities: pure functions on results, grouped by row of the real-vs-artificial table.

Each function takes plain data (arrays, :class:`~neurocompare.results.SpikeTrains`,
:class:`~neurocompare.circuit.Circuit`) and returns a number or an array; none runs a
simulation or knows a backend. Degenerate cases are explicit: a quantity that needs spikes
(or variance) and has none is NaN with a :class:`~neurocompare.errors.NoSpikesWarning`,
never a silent 0.

One module per table row (:mod:`.amplitude`, :mod:`.timing`, :mod:`.nonlinearity`, :mod:`.wires`,
:mod:`.weights`, :mod:`.cost`) holds the row's functions and, next to them, the registration of the
metrics a :class:`~neurocompare.comparison.Comparison` reports (:mod:`.registry`: :data:`METRICS`,
:func:`register_metric`, :func:`compute_metrics`), each with its unit, description, row and
direction (which values are better). Importing this package registers them all, row by row.

Adding a metric: a pure function in its row's module and one ``register_metric(MetricSpec(...))``
line next to it.
"""

from __future__ import annotations

from .registry import (
    DIRECTIONS,
    METRICS,
    TABLE_ROWS,
    Metric,
    MetricSpec,
    compute_metrics,
    per_population,
    register_metric,
    unregister_metric,
)

# the row modules, in table order: importing them registers their metrics in this order
from .amplitude import READOUTS, accuracy, charge_decoded, check_labels, normalized_rmse, output_agreement, pearson_r
from .amplitude import DRIVE_TOLERANCE, Departure, readout, received_drive, same_answers, trace_departure
from .timing import adaptation_index, agreement_curve, decoded_at_times, first_spike_latency_ms, isi_cv
from .timing import convergence, settle_times_ms, settled_fraction, step_activity, time_to_agreement_ms
from .nonlinearity import (FIT_KINDS, FIT_TIE, evaluate_fit, first_spike_drive, fires_repetitively, fit_activation,
                           onset_type, rank_fits, rheobase_drive)
from .wires import max_delay_ms
from .weights import bits_needed, count_bits, count_range, memory_bytes, rounding_error
from .cost import HOROWITZ_45NM, HOROWITZ_45NM_INT8, EnergyModel, dense_macs, energy_pj, nonzero_macs, synaptic_events
from . import amplitude, cost, nonlinearity, registry, timing, weights, wires  # the modules, for __all__ below

__all__ = [  # the row modules' names, in table order, then the registry's
    *amplitude.__all__, *timing.__all__, *nonlinearity.__all__, *wires.__all__, *weights.__all__, *cost.__all__,
    *registry.__all__,
]

