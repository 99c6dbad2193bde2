"""Cost: synaptic events against multiply-accumulates, and an energy model for both.

Pure functions of circuits and results, the energy model with its stated constants, and the
registration of the row's metrics. The artificial network is charged for its non-zero weights only
(:func:`nonzero_macs`, a sparse matrix-vector product skips the zeros); the dense figure
(:func:`dense_macs`, every matrix entry) is reported next to it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..circuit import Circuit
from ..results import Result
from .registry import MetricSpec, register_metric

__all__ = ["synaptic_events", "nonzero_macs", "dense_macs", "EnergyModel", "HOROWITZ_45NM", "HOROWITZ_45NM_INT8",
           "energy_pj"]


def synaptic_events(circuit: Circuit, result: Result) -> np.ndarray:
    """Synaptic events delivered per sample.

    events_s = sum over projections and pre neurons j of spikes_s(j) x sum_k |n_kj|: every spike
    reaches each outgoing synapse, multiplicity included (a pair with count n delivers |n|
    events per spike). One accumulate per event is the spiking network's operation count
    (Rueckauer et al. 2017, "synaptic operations").

    Parameters
    ----------
    circuit : Circuit
    result : Result
        A spiking run of ``circuit``; populations without spike trains (analog inputs) emit no
        spikes and count no events.

    Returns
    -------
    ndarray, shape (batch,)
        0 for a silent run (exactly true: nothing was delivered).

    References
    ----------
    B. Rueckauer et al., "Conversion of continuous-valued deep networks to efficient event-driven
    networks for image classification", Front. Neurosci. 11, 682 (2017).
    """
    events = np.zeros(result.batch_size)
    for proj in circuit.projections:
        trains = result.spikes.get(proj.pre)
        if trains is None:
            continue
        fanout = np.abs(proj.counts).sum(axis=0)  # synapses leaving each pre neuron
        events += trains.counts() @ fanout
    return events


def nonzero_macs(circuit: Circuit, *, steps: int = 1) -> int:
    """Multiply-accumulates of the artificial network per sample, over its non-zero weights.

    MACs = steps x sum over projections of nnz(W), nnz(W) = the number of connected pairs (non-zero
    synapse counts; ``W = counts x unit_weight`` with ``unit_weight > 0``): sparse matrix-vector
    products, one per projection per synchronous step. A zero weight costs nothing, as a zero count
    delivers no synaptic event on the spiking side. Equals :func:`dense_macs` when no count is 0.

    Parameters
    ----------
    circuit : Circuit
    steps : int
        Synchronous steps (1 for a feedforward pass; the step count of a recurrent run).

    Returns
    -------
    int
    """
    return circuit.n_nonzero_weights * steps


def dense_macs(circuit: Circuit, *, steps: int = 1) -> int:
    """Multiply-accumulates of the artificial network per sample, every matrix entry counted.

    MACs = steps x sum over projections of n_in x n_out (dense matrix-vector products, one per
    projection per synchronous step, zeros included). Parameters and result as in :func:`nonzero_macs`.
    """
    return circuit.n_weights * steps


@dataclass(frozen=True)
class EnergyModel:
    """Energy per operation (pJ). A model, not a measurement: the source is stated.

    Defaults: Horowitz, "Computing's energy problem", ISSCC 2014, 45 nm, 0.9 V: 32-bit float
    multiply 3.7 pJ + add 0.9 pJ (MAC 4.6 pJ), 32-bit float add 0.9 pJ, and a 32-bit read from
    an 8 kB SRAM of about 5 pJ (10 pJ per 64-bit read).

    Parameters
    ----------
    mac_pj, add_pj, sram_read_pj : float
        One multiply-accumulate, one add, one weight (or membrane) read or write.
    label, source : str
        What the constants describe, and where they come from (written to every report).

    References
    ----------
    M. Horowitz, "1.1 Computing's energy problem (and what we can do about it)", IEEE ISSCC 2014,
    10-14.
    """

    mac_pj: float = 4.6
    add_pj: float = 0.9
    sram_read_pj: float = 5.0
    label: str = "32-bit float, 45 nm"
    source: str = "Horowitz, ISSCC 2014 (45 nm, 0.9 V)"


#: Horowitz 2014, 32-bit float: MAC 4.6 pJ, add 0.9 pJ, SRAM read 5 pJ.
HOROWITZ_45NM = EnergyModel()
#: Horowitz 2014, int8: MAC 0.23 pJ (multiply 0.2 + add 0.03), add 0.03 pJ, SRAM read 5 pJ.
HOROWITZ_45NM_INT8 = EnergyModel(mac_pj=0.23, add_pj=0.03, sram_read_pj=5.0, label="int8, 45 nm")


def energy_pj(
    model: EnergyModel, *, events: float, macs: float, neuron_updates: float = 0.0, weight_reads: bool = False
) -> dict[str, float]:
    """Energy estimate (pJ per sample) of both networks under ``model``.

    Compute only: E_snn = events x add; E_ann = MACs x MAC.
    With memory (``weight_reads=True``): every synaptic event and every MAC also reads one weight
    from SRAM, and the spiking network's membranes are read and written once per neuron update,
    each with one add: E_snn += events x read + updates x (add + 2 read); E_ann += MACs x read.
    Constants: :class:`EnergyModel` (Horowitz 2014).

    Parameters
    ----------
    model : EnergyModel
    events : float
        Synaptic events per sample (:func:`synaptic_events`).
    macs : float
        Multiply-accumulates per sample (:func:`nonzero_macs` in a comparison).
    neuron_updates : float
        Neurons x time steps of a clock-driven simulation (used with ``weight_reads`` only).
    weight_reads : bool
        Add the memory terms.

    Returns
    -------
    dict of str to float
        ``snn_pj`` and ``ann_pj``.
    """
    snn = events * model.add_pj
    ann = macs * model.mac_pj
    if weight_reads:
        snn += events * model.sram_read_pj + neuron_updates * (model.add_pj + 2 * model.sram_read_pj)
        ann += macs * model.sram_read_pj
    return {"snn_pj": float(snn), "ann_pj": float(ann)}


# ------------------------------------------------------------------- registered metrics
register_metric(MetricSpec(
    "synaptic_events_per_sample", "cost", "events",
    "synaptic events delivered per sample (spikes x outgoing synapses, multiplicity included)",
    lambda d: float(np.mean(d.events)), direction="lower"))
register_metric(MetricSpec(
    "macs_per_sample", "cost", "MACs",
    "multiply-accumulates of the artificial network per sample, over its non-zero weights (steps x connected pairs)",
    lambda d: float(d.macs), direction="lower"))
register_metric(MetricSpec(
    "macs_dense_per_sample", "cost", "MACs",
    "multiply-accumulates per sample of dense matrix products: every matrix entry counted, zeros included "
    "(steps x weight entries)",
    lambda d: float(dense_macs(d.circuit, steps=int(d.ann.info.get("steps", 1)))), direction=None))
register_metric(MetricSpec(
    "energy_snn_pj", "cost", "pJ", "energy model, compute only: synaptic events x float add (Horowitz 2014, 45 nm)",
    lambda d: d.energy["snn_pj"], direction="lower"))
register_metric(MetricSpec(
    "energy_ann_pj", "cost", "pJ",
    "energy model, compute only: non-zero-weight MACs x float MAC (Horowitz 2014, 45 nm)",
    lambda d: d.energy["ann_pj"], direction="lower"))
register_metric(MetricSpec(
    "energy_snn_with_memory_pj", "cost", "pJ",
    "energy model with memory: + one SRAM weight read per event + membrane read/write/add per "
    "neuron per time step (clock-driven)",
    lambda d: d.energy_mem["snn_pj"], direction="lower"))
register_metric(MetricSpec(
    "energy_ann_with_memory_pj", "cost", "pJ",
    "energy model with memory: + one SRAM weight read per non-zero-weight MAC",
    lambda d: d.energy_mem["ann_pj"], direction="lower"))
