"""The real-vs-artificial table: each row of the classic comparison, with the measured figures in words.

:func:`build_table` turns a comparison's metric values into one :class:`~neurocompare.comparison.TableRow`
per row of :data:`neurocompare.metrics.TABLE_ROWS`; the numbers come from the metrics only, so the
table and ``metrics.json`` cannot disagree.
"""

from __future__ import annotations

import math
from typing import Any, Mapping

import numpy as np

from .circuit import Circuit
from .comparison import SEED_TABLE, TableRow
from .metrics import TABLE_ROWS, EnergyModel, Metric
from .results import Result

__all__ = ["build_table", "fmt"]


def fmt(v: float | None, digits: int = 3) -> str:
    """A number as it reads in the table: 3 significant digits, thousands separated, "n/a" for NaN."""
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    if abs(v) >= 1e5 or (0 < abs(v) < 1e-3):
        return f"{v:.{digits}g}"
    return f"{v:.{digits}g}" if abs(v) < 1000 else f"{v:,.0f}"


def _is(value: float | None, target: float) -> bool:
    return value is not None and not math.isnan(value) and value == target


def _unsettled(v: Mapping[str, float]) -> str | None:
    """How the artificial side failed to reach a fixed point, or None if it did (or was not measured)."""
    if not _is(v.get("artificial_converged"), 0.0):
        return None
    share = fmt(100 * (1 - v["artificial_converged_fraction"]))
    period = v.get("artificial_period", math.nan)
    if math.isnan(period):
        return f"no fixed point after {int(v['synchronous_steps'])} steps on {share}% of samples (still moving, " \
               "or a cycle longer than 16 steps)"
    cycle = "period 2" if period == 2 else f"period up to {int(period)}"
    return f"oscillates with {cycle} on {share}% of samples"


def _accuracy(v: Mapping[str, float], key: str) -> str:
    """"; right on X% of labelled samples" when labels were given, else ""."""
    a = v.get(key)
    return "" if a is None or math.isnan(a) else f"; right on {fmt(100 * a)}% of labelled samples (a tie is wrong)"


def _amplitude(circuit: Circuit, v: Mapping[str, float], out: str, ann: Result, snn: Result) -> tuple[str, str]:
    pops = circuit.population_names
    corr = ", ".join(f"{q} {fmt(v[f'rate_correlation.{q}'])}" for q in pops)
    spk = ", ".join(f"{q} {fmt(v[f'spikes_per_neuron.{q}'])}" for q in pops)
    rates_hz = snn.rates_hz(out)
    ann_out = ann[out]
    last = f"[{fmt(ann_out.min())}, {fmt(ann_out.max())}], {len(np.unique(np.round(ann_out, 9)))} distinct values"
    unsettled = _unsettled(v)
    spiking = (f"spikes/neuron/sample: {spk}; output rates {fmt(rates_hz.min())}-{fmt(rates_hz.max())} Hz; "
               f"decoded vs artificial r: {corr}; NRMSE({out}) {fmt(v[f'rate_nrmse.{out}'])}; "
               f"same answer on {fmt(100 * v['output_agreement'])}% of samples")
    if unsettled:
        return (spiking + " (against the artificial last step, which is no answer where it does not settle)"
                + _accuracy(v, "snn_accuracy"),
                f"real values: no fixed point: {out} {unsettled}, so its last-step value is no answer "
                f"(last of {int(v['synchronous_steps'])} steps: {last})" + _accuracy(v, "ann_accuracy"))
    return (spiking + _accuracy(v, "snn_accuracy"),
            f"real values: {out} in {last}" + _accuracy(v, "ann_accuracy"))


def _settles(v: Mapping[str, float]) -> str:
    settled = v.get("settled_fraction", 1.0)
    t = fmt(v["time_to_agreement_ms"])
    if settled is None or math.isnan(settled) or settled == 1:
        return f"answer settles after {t} ms"
    never = fmt(100 * (1 - settled))
    if settled > 0.5:
        return f"answer settles after {t} ms (median; never on {never}% of samples)"
    if settled > 0:
        return f"answer never settles on {never}% of samples (median: never)"
    return "answer never settles on the artificial one"


def _timing(circuit: Circuit, v: Mapping[str, float]) -> tuple[str, str]:
    unsettled = _unsettled(v)
    return (
        f"asynchronous: first output spike at {fmt(v['first_spike_latency_ms'])} ms (median); {_settles(v)}; "
        f"ISI CV {fmt(v['isi_cv'])}; {fmt(v['neurons_per_active_step'])} neurons spike per active step, "
        f"{fmt(100 * v['update_fraction'])}% of neuron-steps carry an event",
        f"synchronous: {int(v['synchronous_steps'])} step(s), all {sum(q.size for q in circuit.populations)} "
        f"neurons update every step (100%)" + (f"; no fixed point: {unsettled}" if unsettled else ""),
    )


def _nonlinearity(circuit: Circuit, v: Mapping[str, float], out: str) -> tuple[str, str]:
    own = circuit.population(out).activation_name
    if "transfer_fit_rmse.relu" not in v:
        return ("threshold: f-I curve not measured (compare(..., probes=['fi']) measures it)",
                f"{own} (programmable)")
    return (
        f"threshold: fires above drive {fmt(v['rheobase_drive'])}; f-I fit RMSE relu "
        f"{fmt(v['transfer_fit_rmse.relu'])}, sigmoid {fmt(v['transfer_fit_rmse.sigmoid'])}, tanh "
        f"{fmt(v['transfer_fit_rmse.tanh'])}",
        f"{own} (programmable); RMSE of it vs the spiking f-I curve {fmt(v['transfer_fit_rmse.own'])}",
    )


def _wires(v: Mapping[str, float], p: Mapping[str, Any]) -> tuple[str, str]:
    variant = p.get("delay_variant")
    effect = (f"{variant} shifts the output latency by {fmt(v['delay_latency_shift_ms'])} ms" if variant else
              "effect of the delays not measured (compare(..., probes=['delays']) measures it)")
    return (
        f"axons: {int(v['synapses'])} synapses, delays up to {fmt(v['max_delay_ms'])} ms; {effect}",
        f"{int(v['weight_entries'])} weight entries, no delay ("
        + ("no fixed point after " if _unsettled(v) else "results ready after ")
        + f"{int(v['synchronous_steps'])} synchronous step(s))",
    )


def _weights(v: Mapping[str, float]) -> tuple[str, str]:
    return (
        f"synapse counts {int(v['count_min'])}..{int(v['count_max'])}: {int(v['count_bits'])} bits per pair, "
        f"{fmt(v['memory_counts_bytes'])} B; rounding error {fmt(v['rounding_error_relative'])}",
        f"float32: 32 bits per weight, {fmt(v['memory_float32_bytes'])} B",
    )


def _cost(v: Mapping[str, float], energy: EnergyModel) -> tuple[str, str]:
    macs, dense = v["macs_per_sample"], v.get("macs_dense_per_sample", v["macs_per_sample"])
    over = "" if dense == macs else f" over the non-zero weights ({fmt(dense)} counting every matrix entry)"
    return (
        f"{fmt(v['synaptic_events_per_sample'])} synaptic events/sample = {fmt(v['energy_snn_pj'])} pJ "
        f"({fmt(v['energy_snn_with_memory_pj'])} pJ with memory); model: {energy.source}",
        f"{fmt(macs)} MACs/sample{over} = {fmt(v['energy_ann_pj'])} pJ "
        f"({fmt(v['energy_ann_with_memory_pj'])} pJ with memory)",
    )


def build_table(circuit: Circuit, metrics: Mapping[str, Metric], parameters: Mapping[str, Any], *, ann: Result,
                snn: Result, output: str, energy_model: EnergyModel) -> tuple[TableRow, ...]:
    """One row per aspect of the classic table: its words, then what each backend measured."""
    v = {k: m.value for k, m in metrics.items()}
    cells = {
        "amplitude coding": _amplitude(circuit, v, output, ann, snn),
        "timing": _timing(circuit, v),
        "nonlinearity": _nonlinearity(circuit, v, output),
        "wires": _wires(v, parameters),
        "weights": _weights(v),
        "cost": _cost(v, energy_model),
    }
    return tuple(TableRow(a, *SEED_TABLE[a], *cells[a]) for a in TABLE_ROWS)
