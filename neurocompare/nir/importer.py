"""NIR graph -> neurocompare circuit, with a conversion report (see :func:`from_nir`)."""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Iterator

import numpy as np

from .._validation import fmt_number
from ..errors import CircuitError, ParameterError
from ..limits import check_limit
from ..models import LIF
from ..populations import InputPopulation, NeuronPopulation, Projection
from ..rounding import LayerRounding, quantize
from .conventions import NirConvention, get_convention
from .graph import Flat, flatten, import_nir, load_graph, node_size, trace
from .report import ConversionReport, UnsupportedNirError

__all__ = ["from_nir", "NirImport", "DEFAULT_BITS", "METADATA_KEY"]

#: Count magnitude limit (2**bits - 1) when float weights are not integer multiples of one unit.
DEFAULT_BITS = 8
#: The graph metadata entry neurocompare writes (a JSON string; NIR calls metadata non-normative).
METADATA_KEY = "neurocompare"
#: NIR fires at v > v_th; neurocompare at v >= v_th: the threshold is raised by this fraction of v_th - v_reset.
STRICT_OFFSET = 2e-9
#: Largest denominator tried when looking for one unit of which every weight is an integer multiple.
_MAX_DIVISOR = 64


@dataclass(frozen=True)
class NirImport:
    """What :func:`from_nir` returns; ``circuit, report = Circuit.from_nir(...)`` unpacks the first two.

    Attributes
    ----------
    circuit : Circuit
    report : ConversionReport
        Every node and field: faithful, approximate (with the error) or unsupported (raised).
    convention : NirConvention
    dt_ms : float or None
        The exporter's time step in ms: run the spiking backend at it (None: continuous time).
    outputs : tuple of str
        Populations that feed the graph's Output nodes, in order.
    rate_scale_hz : float
        The rate the biases were converted with: run the spiking backend with the same.
    """

    circuit: Any
    report: ConversionReport
    convention: NirConvention
    dt_ms: float | None
    outputs: tuple[str, ...]
    rate_scale_hz: float

    def __iter__(self) -> Iterator[Any]:
        return iter((self.circuit, self.report))


@dataclass
class _Cell:
    """A cell node as a population: its model, and what one unit of weight / constant input does to it."""

    name: str
    size: int
    neuron: LIF | None
    activation: str
    jump: np.ndarray          # membrane jump per unit of input weight, per neuron
    bias_current: np.ndarray  # 1/s per unit of constant input, per neuron (Threshold: 1, artificial units)
    bias_offset: np.ndarray   # added to the bias (Threshold: -threshold)
    kind: str
    synapse: Any = None       # the population's synapse model (None: delta jumps; CubaLIF: exponential current)


def _metadata(graph: Any, report_label: str) -> dict[str, Any]:
    raw = (graph.metadata or {}).get(METADATA_KEY) if isinstance(graph.metadata, dict) else None
    if raw is None:
        return {}
    try:
        meta = json.loads(raw if isinstance(raw, str) else raw.decode())
    except (ValueError, AttributeError):
        raise CircuitError(f"{report_label}: metadata {METADATA_KEY!r} is not the JSON neurocompare writes; "
                           f"got {str(raw)[:80]!r}.") from None
    if not isinstance(meta, dict):
        raise CircuitError(f"{report_label}: metadata {METADATA_KEY!r} must be a JSON object; got "
                           f"{type(meta).__name__}.")
    for key, check, what in _META_SCHEMA:
        if key in meta and not check(meta[key]):
            raise CircuitError(f"{report_label}: metadata {METADATA_KEY!r}: {key!r} must be {what}; got "
                               f"{meta[key]!r:.80}.")
    return meta


def _is_number(v: Any) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)


def _entries(check: Any) -> Any:
    """A check that a value is a JSON object of objects whose fields pass ``check`` (field -> test)."""
    return lambda v: isinstance(v, dict) and all(
        isinstance(e, dict) and all(f not in e or t(e[f]) for f, t in check.items()) for e in v.values())


#: What the metadata neurocompare writes holds (the exporter's ``_metadata``): key, test, what it must be.
_META_SCHEMA = (
    ("name", lambda v: isinstance(v, str), "a string"),
    ("convention", lambda v: v in ("neurocompare", "snntorch"), "'neurocompare' or 'snntorch'"),
    ("description", lambda v: isinstance(v, str), "a string"),
    ("order", lambda v: isinstance(v, list) and all(isinstance(x, str) for x in v), "a list of population names"),
    ("populations", _entries({"activation": lambda v: isinstance(v, str)}),
     "an object of {population: {'activation': name}}"),
    ("projections", _entries({"unit_weight": lambda v: _is_number(v) and v > 0,
                              "n_synapses": lambda v: isinstance(v, int) and not isinstance(v, bool),
                              "delay": lambda v: isinstance(v, str)}),
     "an object of {'pre->post': {'unit_weight': number > 0, 'n_synapses': integer, 'delay': text}}"),
)


def _uniform(report: ConversionReport, node: str, field_: str, values: np.ndarray) -> float:
    """The one value of a per-neuron field that a population must share, or an unsupported entry."""
    v = np.asarray(values, dtype=float).ravel()
    if v.size and np.ptp(v) > 1e-12 * max(1.0, float(np.max(np.abs(v)))):
        report.unsupported(node, field_, f"varies across neurons ({v.min():g} .. {v.max():g}); a neurocompare "
                                         "population has one neuron model: split the node")
    return float(v[0]) if v.size else 0.0


def _field(node_name: str, node: Any, field_: str, size: int) -> np.ndarray:
    v = np.asarray(getattr(node, field_), dtype=float)
    if not np.all(np.isfinite(v)):
        raise CircuitError(f"NIR import: node {node_name!r}: {field_} must be finite; got "
                           f"{fmt_number(v[~np.isfinite(v)].flat[0])}.")
    return np.broadcast_to(v.ravel() if v.size > 1 else v.reshape(()), (size,)).astype(float)


def _threshold(report: ConversionReport, conv: NirConvention, node: str, v_th: float, v_reset: float) -> float:
    if conv.threshold == ">=":
        report.faithful(node, "v_threshold", f"{v_th:g} (fires at v >= v_threshold, as the file's writer states)")
        return v_th
    raised = v_th + STRICT_OFFSET * (v_th - v_reset)
    report.faithful(node, "v_threshold", f"{v_th:g}; NIR fires at v > v_threshold, neurocompare at v >= it: raised by "
                                         f"{STRICT_OFFSET:g} x (v_threshold - v_reset), the same up to that margin")
    return raised


def _per_step_decay(report: ConversionReport, conv: NirConvention, name: str, field_: str, tau: float,
                    written: type) -> tuple[float, float]:
    """``(tau, factor)``: the time constant (s) whose exact decay over the convention's dt is the exporter's per-step
    factor, and that factor (Euler ``1 - dt/tau`` or ``exp(-dt/tau)``, rounded to the precision the file was written
    in); for continuous time ``(tau, nan)``."""
    dt = conv.dt_s
    if tau <= 0:
        raise CircuitError(f"NIR import: node {name!r}: {field_} must be > 0 (seconds); got {tau:g}.")
    if dt is None:
        report.faithful(name, field_, f"{tau * 1e3:g} ms")
        return tau, math.nan
    if conv.decay == "euler":
        if dt >= tau:  # forward Euler's per-step factor 1 - dt/tau is then no decay
            report.unsupported(name, field_, f"{tau:g} s is not above the convention's dt {dt:g} s; Norse 1.1's "
                                             "exporter writes tau = dt x tau_mem: pass convention='norse_1_1' if "
                                             "the file comes from it")
        factor, how = float(written(1 - dt / tau)), "forward-Euler factor 1 - dt/tau"
    else:
        factor, how = float(written(math.exp(-dt / tau))), "factor exp(-dt/tau)"
    exact = -dt / math.log(factor)
    rounded = "" if written is np.float64 else " (rounded to float32, as written)"
    report.faithful(name, field_, f"{tau * 1e3:g} ms -> {exact * 1e3:.6g} ms: exact decay over dt {dt * 1e3:g} ms "
                                  f"equals the exporter's {how} = {factor:.6g}{rounded}")
    return exact, factor


def _lif_cell(report: ConversionReport, conv: NirConvention, name: str, node: Any, size: int, activation: str,
              kind: str, recurrent: bool = False) -> _Cell:
    """A LIF, IF or CubaLIF node as a population of neurocompare LIF neurons (CubaLIF: with an exponential-current
    synapse); ``jump``: the synapse weight (delta: the membrane jump) one unit of input stands for."""
    leaky, cuba = kind in ("LIF", "CubaLIF"), kind == "CubaLIF"
    r = _field(name, node, "r", size)
    v_th = _uniform(report, name, "v_threshold", _field(name, node, "v_threshold", size))
    v_reset = _uniform(report, name, "v_reset", _field(name, node, "v_reset", size))
    if not v_th > v_reset:
        raise CircuitError(f"NIR import: node {name!r}: v_threshold must exceed v_reset; got {v_th:g} <= {v_reset:g}.")
    dt = conv.dt_s
    tau_field = "tau_mem" if cuba else "tau"
    # An exporter that wrote float32 (snnTorch, Norse, Rockpool: torch's default) derived tau and r from its own
    # per-step numbers in float32; the per-step decay and jump are rounded back to float32, which recovers them
    # exactly (e.g. beta 0.75 from tau = 1e-4 / 0.25 in float32, not 0.74999998).
    fields = ("r", tau_field, "v_threshold") if leaky else ("r", "v_threshold")
    written = np.float32 if any(np.asarray(getattr(node, f)).dtype == np.float32 for f in fields) else np.float64
    synapse = None
    if leaky:
        tau = _uniform(report, name, tau_field, _field(name, node, tau_field, size))
        v_leak = _uniform(report, name, "v_leak", _field(name, node, "v_leak", size))
        if conv.tau_times_dt:
            report.faithful(name, "tau (as written)", f"{tau:g} s = dt x tau_mem ({conv.name} convention): tau_mem = "
                                                      f"{tau / dt:g} s")
            tau = tau / dt
        tau_m, factor = _per_step_decay(report, conv, name, tau_field, tau, written)
        if conv.r_encodes_dt:
            report.approximate(name, "v_leak", f"{v_leak:g} as written (v_rest); the exporter ({conv.name} "
                                               "convention) writes 0 whatever the neuron's own bias, which is "
                                               "therefore not in the file")
        else:
            report.faithful(name, "v_leak", f"{v_leak:g} (v_rest; the membrane starts there)")
        # membrane change per step from one unit of input (LIF) or of synaptic current (CubaLIF)
        gain = r / tau if dt is None else np.ones(size) if conv.r_encodes_dt else \
            (r * dt / tau).astype(written).astype(float)
        tau_ms, v_rest = _clean(tau_m * 1e3), v_leak
        if cuba:
            jump, bias_jump, synapse = _current_synapse(report, conv, name, node, size, gain, tau_m, factor, written)
        else:
            jump = gain
            bias_jump = jump
        if dt is None:
            bias_current = jump.copy()
        else:  # a constant c adds bias_jump * c per step; the exact step adds tau_m I (1 - exp(-dt/tau_m))
            bias_current = bias_jump / (tau_m * -math.expm1(-dt / tau_m))
    else:
        if conv.spike == "delta" or conv.if_input == "sum" or conv.r_encodes_dt:
            jump = r.copy()
        else:
            jump = r * dt
        bias_current = r if conv.spike == "delta" else jump / dt
        tau_ms, v_rest = math.inf, 0.0
        report.faithful(name, "(IF)", "non-leaky: tau_m_ms = inf, starting at v = 0")
    if not cuba:
        spike = ("a unit-area delta: jump r w / tau" if leaky else "a unit-area delta: jump r w") \
            if conv.spike == "delta" else "added whole each step: jump w (r only encodes dt)" if conv.r_encodes_dt \
            else f"a one-step pulse over dt {dt * 1e3:g} ms: jump r w dt{' / tau' if leaky else ''}" \
            if leaky or conv.if_input == "integrate" else "added whole each step: jump r w"
        report.faithful(name, "r", f"{_span(r)}; a spike of weight w is {spike} = {_span(jump)} x w")
    threshold = _threshold(report, conv, name, v_th, v_reset)
    report.faithful(name, "v_reset", f"{v_reset:g}, " + ("reset to v_reset" if conv.reset == "value" else
                    f"read as reset by subtracting v_threshold - v_reset ({conv.name} convention: the exporter "
                    "subtracts, which NIR cannot express)"))
    if conv.reset == "subtract" and conv.reset_delay:
        decay = math.exp(-dt / (tau_ms * 1e-3)) if leaky else 1.0
        gap = (v_th - v_reset) / decay
        report.faithful(name, "reset timing", f"the exporter subtracts in the next step, after its decay: the same as "
                                              f"subtracting {gap:.6g} = {v_th - v_reset:g} / {decay:.6g} right after "
                                              "the spike (neurocompare's subtraction)")
        v_reset = threshold - gap
    t_ref_ms = 0.0
    if recurrent and conv.reset == "value" and conv.recurrent_reset_clamps:
        t_ref_ms = dt * 1e3
        report.faithful(name, "refractory", f"a recurrent layer ({conv.name} convention: snnTorch's RLeaky) sets its "
                                            "whole state to v_reset in the step after a spike, that step's input "
                                            f"included: clamped for one step, t_ref_ms = {t_ref_ms:g}")
    else:
        report.faithful(name, "refractory", "none in NIR: t_ref_ms = 0")
    try:
        neuron = LIF(tau_m_ms=tau_ms, v_rest=v_rest, v_threshold=threshold, v_reset=v_reset, reset=conv.reset,
                     t_ref_ms=t_ref_ms)
    except ParameterError as exc:
        raise CircuitError(f"NIR import: node {name!r}: {exc}") from None
    return _Cell(name, size, neuron, activation, jump, bias_current, np.zeros(size), kind, synapse)


def _current_synapse(report: ConversionReport, conv: NirConvention, name: str, node: Any, size: int,
                     gain: np.ndarray, tau_m: float, factor: float, written: type) -> tuple:
    """CubaLIF's current: ``tau_syn dI/dt = -I + w_in x``, ``tau_mem dv/dt = (v_leak - v) + r I``, as neurocompare's
    exponential-current synapse. Returns (synapse weight per unit of input, membrane change per step per unit of
    constant input in the steady state, the synapse model).

    In a discrete exporter the current takes ``I = a I + g x`` each step (``a`` its decay, ``g`` the current one unit
    of input adds) and the membrane ``v = f v + gain I`` with the step's new current. neurocompare integrates both
    with exponential Euler from the step's start values and adds arriving spikes to the current after that, so its
    current acts on the membrane one step later: with the synapse weight chosen so that ``tau_m (1 - f)`` times the
    current's jump ``w / tau_syn`` equals ``gain g``, its membrane is the exporter's one step later, exactly.
    """
    from ..models.synapses import ExpCurrentSynapse

    dt = conv.dt_s
    tau_syn = _uniform(report, name, "tau_syn", _field(name, node, "tau_syn", size))
    w_in = _field(name, node, "w_in", size) if getattr(node, "w_in", None) is not None else np.ones(size)
    if conv.tau_times_dt:
        tau_syn = tau_syn / dt
    tau_s, a = _per_step_decay(report, conv, name, "tau_syn", tau_syn, written)
    if dt is None:  # the current's integral r w_in / tau_mem per unit input, spread over tau_syn
        weight = gain * w_in
        steady = weight
        # the continuous equations, integrated as neurocompare integrates its own (which wrote such files)
        report.add(name, "w_in", "faithful" if conv.name == "neurocompare" else "approximate",
                   f"{_span(w_in)}; a spike of weight w moves v by r w_in w / tau_mem = {_span(weight)} x w in all, "
                   "through a current decaying with tau_syn; integrated with exponential Euler at the backend's dt "
                   "(the current acts on the membrane from the step after it arrives)")
    else:
        g = np.full(size, a) if conv.r_encodes_dt else (w_in * dt / tau_syn).astype(written).astype(float)
        weight = gain * g * tau_s / (tau_m * (1.0 - factor))
        steady = gain * g / (1.0 - a)
        how = ("added whole and decayed with the step" if conv.r_encodes_dt else "a one-step pulse: w_in w dt / tau_syn")
        report.faithful(name, "w_in", f"{_span(w_in)}; an input of weight w adds to the current {how} = {_span(g)} x w, "
                                      f"the current moves v by {_span(gain)} x I per step: synapse weight "
                                      f"{_span(weight)} x w (exponential-current synapse, tau_syn_ms "
                                      f"{tau_s * 1e3:.6g}); its membrane is the exporter's one step later, exactly")
        report.faithful(name, "r", f"{_span(_field(name, node, 'r', size))}" + (" (encodes dt only)" if conv.r_encodes_dt
                                                                                 else ""))
    try:
        synapse = ExpCurrentSynapse(tau_syn_ms=_clean(tau_s * 1e3), step_ms=conv.dt_ms)
    except ParameterError as exc:
        raise CircuitError(f"NIR import: node {name!r}: {exc}") from None
    return weight, steady, synapse


def _cell(report: ConversionReport, conv: NirConvention, name: str, node: Any, activation: str,
          recurrent: bool = False) -> _Cell:
    nir = import_nir()
    size = node_size(name, node)
    if isinstance(node, nir.Threshold):
        thr = _field(name, node, "threshold", size)
        report.faithful(name, "threshold", f"{_span(thr)}: the artificial side's step activation with bias - threshold")
        report.approximate(name, "(spiking side)", "a Threshold node is stateless; the spiking side runs the backend's "
                                                   "default neuron with these weights as jumps and the bias as a rate")
        return _Cell(name, size, None, "step", np.ones(size), np.ones(size), -thr, "Threshold")
    kind = "CubaLIF" if isinstance(node, nir.CubaLIF) else "LIF" if isinstance(node, nir.LIF) else "IF"
    return _lif_cell(report, conv, name, node, size, activation, kind, recurrent=recurrent)


def _clean(v: Any) -> Any:
    """Round to 12 significant digits: undoes float noise of unit changes (20 ms -> 0.02 s -> 20.000000000000004 ms)."""
    return np.vectorize(lambda x: float(f"{x:.12g}"), otypes=[float])(v) if np.ndim(v) else float(f"{float(v):.12g}")


def _span(v: np.ndarray) -> str:
    v = np.asarray(v, dtype=float)
    return f"{v.min():.6g}" if np.ptp(v) == 0 else f"{v.min():.6g} .. {v.max():.6g}"


def _population_names(flat: Flat, report: ConversionReport) -> dict[str, str]:
    """A valid, unique population name per input and cell node (renames are reported)."""
    names: dict[str, str] = {}
    for node, kind in flat.kinds.items():
        if kind not in ("input", "cell"):
            continue
        base = _safe_name(node, prefix="n_")
        name, i = base[:60], 1
        while name in names.values():
            name, i = f"{base[:56]}_{i}", i + 1
        names[node] = name
        if name != node:
            report.faithful(node, "name", f"population {name!r} (names are letters, digits and '_')")
    return names


def _counts(report: ConversionReport, label: str, jumps: np.ndarray, unit_weight: float | None, bits: int | None,
            hint: dict[str, Any] | None) -> tuple[np.ndarray, float]:
    """Synapse counts and unit for one projection's membrane jumps: exact if they are multiples of one unit."""
    if unit_weight is None and bits is None:
        exact = _exact_unit(jumps, (hint or {}).get("unit_weight"))
        if exact is not None:
            counts, unit = exact
            err = LayerRounding.measure(label, jumps, counts, unit)
            detail = (f"integer multiples of unit {unit:.6g}: counts {int(counts.min())} .. {int(counts.max())}, "
                      f"{err.n_synapses} synapses (max |n u - w| = {err.max_abs_error:.2g})")
            if hint and "n_synapses" in hint:
                agree = int(hint["n_synapses"]) == err.n_synapses
                detail += ("; agrees with the file's metadata" if agree else
                           f"; the file's metadata says {hint['n_synapses']} synapses: the weights win")
            report.add(label, "weight", "faithful" if not hint or agree else "approximate", detail)
            return counts, unit
        bits = DEFAULT_BITS
    counts, unit, clipped = quantize(jumps, bits=bits, unit_weight=unit_weight, owner=f"NIR import: {label}")
    err = LayerRounding.measure(label, jumps, counts, unit, clipped)
    how = f"unit_weight {unit_weight:g}" if unit_weight is not None else f"{bits} bits (|count| <= {2**bits - 1})"
    status = "faithful" if err.max_abs_error <= 1e-9 * max(1.0, float(np.abs(jumps).max(initial=0))) else "approximate"
    report.add(label, "weight", status, f"float weights rounded to synapse counts with {how}: unit {unit:.6g}, "
                                        f"max |n u - w| = {err.max_abs_error:.3g}, relative Frobenius error "
                                        f"{err.rel_frobenius_error:.2%}" + (f", {clipped} clipped" if clipped else ""))
    return counts, unit


def _exact_unit(jumps: np.ndarray, hint: Any) -> tuple[np.ndarray, float] | None:
    nz = np.abs(jumps[jumps != 0])
    if nz.size == 0:
        return np.zeros(jumps.shape, np.int64), float(hint or 1.0)
    scale = float(nz.max())
    candidates = ([float(hint)] if isinstance(hint, (int, float)) and hint > 0 else []) + \
        [float(nz.min()) / q for q in range(1, _MAX_DIVISOR + 1)]
    for unit in candidates:
        counts = np.rint(jumps / unit)
        if np.abs(counts).max() <= 2**24 and np.allclose(counts * unit, jumps, rtol=1e-6, atol=1e-9 * scale):
            return counts.astype(np.int64), unit
    return None


def _collect_paths(flat: Flat, report: ConversionReport) -> tuple[dict, dict, list[str]]:
    """Weighted paths merged per (source, target), bias vectors per target, and the output populations."""
    nir = import_nir()
    paths: dict[tuple[str, str], list] = {}
    outputs: list[str] = []
    for node, kind in flat.kinds.items():
        if kind not in ("input", "cell"):
            continue
        size = node_size(node, flat.nodes[node])
        for p in trace(flat, node, np.eye(size)):
            if flat.kinds[p.target] == "output":
                if any(flat.kinds[v] == "linear" for v in p.via):
                    report.unsupported(p.target, "edges", f"a weighted read-out of {node!r}: neurocompare reads out "
                                                          "a population's spikes; end the graph with a neuron node")
                if kind == "cell" and node not in outputs:
                    outputs.append(node)
                continue
            key = (node, p.target)
            if key in paths:
                m, d, via = paths[key]
                both = (m != 0) & (p.matrix != 0)
                if np.any(both & (np.abs(d - p.delay_s) > 1e-12)):
                    report.unsupported(f"{node} -> {p.target}", "delay", "two paths between the same neurons with "
                                                                         "different delays")
                paths[key] = (m + p.matrix, np.where(m != 0, d, p.delay_s), via + p.via)
            else:
                paths[key] = (p.matrix, p.delay_s, p.via)
    biases: dict[str, np.ndarray] = {}
    for node, obj in flat.nodes.items():
        if isinstance(obj, nir.Affine):
            b = np.asarray(obj.bias, dtype=float).ravel()
            if np.any(b != 0):
                for p in trace(flat, node, b[:, None], delays=False):
                    if flat.kinds[p.target] == "cell":
                        biases[p.target] = biases.get(p.target, 0.0) + p.matrix[:, 0]
    return paths, biases, outputs


def _order(flat: Flat, paths: dict, outputs: list[str], meta: dict[str, Any]) -> list[str]:
    cells = [n for n, k in flat.kinds.items() if k == "cell"]
    wanted = meta.get("order")
    if isinstance(wanted, list) and sorted(wanted) == sorted(cells):
        return list(wanted)
    order, frontier = [], [n for n, k in flat.kinds.items() if k == "input"]
    while frontier:
        nxt = []
        for src in frontier:
            for (a, b) in paths:
                if a == src and b not in order and b not in nxt:
                    nxt.append(b)
        order += nxt
        frontier = nxt
    order += [c for c in cells if c not in order]
    return [c for c in order if c not in outputs] + [c for c in order if c in outputs]


def _projections(report: ConversionReport, paths: dict, names: dict[str, str], cells: dict[str, _Cell],
                 meta: dict[str, Any], unit_weight: float | None, bits: int | None) -> list[Projection]:
    """One projection per (source, target) path: membrane jumps as synapse counts, delays in ms."""
    proj_meta = meta.get("projections", {}) if isinstance(meta.get("projections"), dict) else {}
    projections = []
    for (src, dst), (m, delay_s, via) in paths.items():
        pre, post = names[src], names[dst]
        label_p = f"{' + '.join(dict.fromkeys(via)) or 'edge'} ({pre}->{post})"
        jumps = cells[dst].jump[:, None] * m
        counts, unit = _counts(report, label_p, jumps, unit_weight, bits, proj_meta.get(f"{pre}->{post}"))
        delay_ms = np.where(counts != 0, _clean(delay_s * 1e3), 0.0)
        connected = delay_ms[counts != 0]
        per_connection = (proj_meta.get(f"{pre}->{post}") or {}).get("delay") == "per connection"
        if connected.size and np.ptp(connected) == 0 and not per_connection:
            delay_ms = float(connected[0])
        elif not connected.size:
            delay_ms = 0.0
        if np.any(np.asarray(delay_ms) > 0):
            report.faithful(label_p, "delay", f"{_span(np.asarray(delay_ms)[np.asarray(delay_ms) > 0])} ms (Brian2 "
                                              "rounds delays to its time step)")
        projections.append(Projection(pre, post, counts, unit_weight=unit, delay_ms=delay_ms))
    order = list(proj_meta)
    return sorted(projections, key=lambda p: order.index(p.name) if p.name in order else len(order))


def from_nir(source: Any, *, convention: str | NirConvention | None = None, dt_s: float | None = None,
             unit_weight: float | None = None, bits: int | None = None, rate_scale_hz: float = 200.0,
             activation: str = "relu", name: str | None = None, factory: Any) -> NirImport:
    """A neurocompare circuit from a NIR graph (a ``nir.NIRGraph`` or a NIR file), with a conversion report.

    Parameters
    ----------
    source : nir.NIRGraph, str or path
    convention : {"snntorch", "norse", "rockpool", "continuous", "neurocompare"} or NirConvention
        What the exporter meant (time step, spike shape, decay, reset; see
        :mod:`neurocompare.nir.conventions`). Required, except for files neurocompare wrote.
    dt_s : float, optional
        Replaces the convention's time step (seconds).
    unit_weight, bits : optional
        How float weights (as membrane jumps) become synapse counts: a given unit, or a unit from
        ``bits`` (``|count| <= 2**bits - 1``). By default weights that are integer multiples of one unit
        stay exact, and others are rounded with ``bits = 8``; the error is in the report.
    rate_scale_hz : float
        The spiking backend's rate for activation 1.0, used to express constant inputs (Affine biases) as
        the circuit's dimensionless bias. Run the backend with the same value.
    activation : str
        The artificial side's activation for LIF and IF populations (Threshold nodes are "step").
    name : str, optional
        The circuit's name (default: the file's stem, or "nir_graph").
    factory : type
        The circuit class (``Circuit.from_nir`` passes itself; this module does not import it).
    """
    graph, label = load_graph(source)
    meta = _metadata(graph, label)
    if convention is None:
        if not meta:
            raise ParameterError(
                f"{label}: say which convention it was written with: convention='snntorch', 'norse', 'rockpool' or "
                "'continuous' (a NIR graph does not record its exporter's time step or spike shape; see "
                "neurocompare.nir.CONVENTIONS).")
        # a file neurocompare wrote for snnTorch's importer reads back with snnTorch's zero-reset convention
        convention = {"snntorch": "snntorch_zero"}.get(str(meta.get("convention")), "neurocompare")
    conv = get_convention(convention, dt_s)
    flat = flatten(graph)
    _check_size(flat, label)
    report = ConversionReport("import", conv.name)
    if conv.r_encodes_dt:
        conv = _dt_from_r(report, conv, flat, dt_s)
    nir = import_nir()
    cuba = any(isinstance(flat.nodes[n], nir.CubaLIF) for n, k in flat.kinds.items() if k == "cell")
    report.approximate("(graph)", "timing", "every spike arrives one step after it was fired (NEST's minimum "
                                            "delay); an exporter whose layers act within one step (snnTorch, Norse, "
                                            "Rockpool) gives the same spikes one step per synaptic hop earlier"
                                            + ("" if conv.dt_s is None else f" ({conv.dt_s * 1e3:g} ms)")
                                            + ("; a CubaLIF layer adds one step more (its current acts on the "
                                               "membrane from the step after it arrives)" if cuba else ""))
    if conv.r_encodes_dt:
        report.approximate("(graph)", "spikes per step", "a Rockpool neuron fires floor(v / threshold) spikes in a "
                                                         "step (up to max_spikes_per_dt, default 65536) and subtracts "
                                                         "the threshold for each; neurocompare fires at most one: "
                                                         "the same spikes where the library ran with "
                                                         "max_spikes_per_dt=1 or v stayed below 2 x threshold")
    names = _population_names(flat, report)
    pop_meta = meta.get("populations", {}) if isinstance(meta.get("populations"), dict) else {}
    recurrent = _self_recurrent(flat)
    cells = {n: _cell(report, conv, n, flat.nodes[n], pop_meta.get(names[n], {}).get("activation", activation),
                      recurrent=n in recurrent)
             for n, k in flat.kinds.items() if k == "cell"}
    inputs = [InputPopulation(names[n], node_size(n, flat.nodes[n])) for n, k in flat.kinds.items() if k == "input"]
    for n in (n for n, k in flat.kinds.items() if k == "input"):
        report.faithful(n, "input_type", f"input population {names[n]!r} of {node_size(n, flat.nodes[n])} channels")
    paths, biases, outputs = _collect_paths(flat, report)
    # the file's counts are in neurocompare's convention: check them only when reading it that way
    counted = meta if conv.name == "neurocompare" else {k: v for k, v in meta.items() if k != "projections"}
    projections = _projections(report, paths, names, cells, counted, unit_weight, bits)
    pops = []
    for n in _order(flat, paths, outputs, meta):
        cell = cells[n]
        c = biases.get(n, np.zeros(cell.size))
        bias = _clean(c * cell.bias_current / (rate_scale_hz if cell.kind != "Threshold" else 1.0) + cell.bias_offset)
        if np.any(c != 0):
            detail = (f"constant input {_span(c)} -> bias {_span(bias)} (a current of bias x rate_scale_hz = "
                      f"{rate_scale_hz:g} Hz; run the spiking backend with it)")
            if conv.dt_s is None:
                report.faithful(n, "bias", detail)
            elif cell.synapse is not None:
                report.approximate(n, "bias", detail + "; in the exporter a constant input flows through the "
                                   "synaptic current and reaches this steady value over ~tau_syn; here it acts on "
                                   "the membrane directly from the first step (measured against snnTorch Synaptic and "
                                   "Rockpool LIFTorch layers: spike counts within 1.5 %, spike times shifted by a "
                                   "step in most neurons; tests/test_nir_libraries.py)")
            else:  # the exporter's layers act within one step; here each hop takes one: the bias leads the input
                report.approximate(n, "bias", detail + "; it acts from the first step, as in the exporter, while "
                                   "spikes arrive one step per hop later than in the exporter's loop, so against "
                                   "the exporter's spikes shifted by the hops the bias starts that many steps early "
                                   "(measured against snnTorch and Rockpool networks with a bias of 1/16 to 1/4 of the "
                                   "threshold per step: spike counts within 0.3 %, 4 to 10 of 10 neurons keep their "
                                   "exact spike times in the first layer, none of 4 in the second; "
                                   "tests/test_nir_libraries.py)")
        pops.append(NeuronPopulation(names[n], cell.size, bias=bias, activation=cell.activation, neuron=cell.neuron,
                                     synapse=cell.synapse))
    circuit_name = name or meta.get("name") or _stem(source) or "nir_graph"
    circuit = factory(name=_safe_name(circuit_name), inputs=inputs, populations=pops, projections=projections,
                      description=meta["description"] if "description" in meta else _description(label, conv, report))
    return NirImport(circuit, report, conv, conv.dt_ms, tuple(names[o] for o in outputs), float(rate_scale_hz))


def _dt_from_r(report: ConversionReport, conv: NirConvention, flat: Flat, given: float | None) -> NirConvention:
    """The time step a Rockpool-style file encodes in ``r = tau exp(-dt/tau) / dt`` (``dt = tau W(1 / r)``, W the
    Lambert function), the same for every leaky node; the convention with it (a given ``dt_s`` must agree)."""
    from scipy.special import lambertw

    nir = import_nir()
    found: dict[str, float] = {}
    for n, k in flat.kinds.items():
        node = flat.nodes[n]
        if k == "cell" and isinstance(node, (nir.LIF, nir.CubaLIF)):
            tau = np.asarray(node.tau if isinstance(node, nir.LIF) else node.tau_mem, dtype=float).ravel()
            r = np.asarray(node.r, dtype=float).ravel()
            if np.all(np.isfinite(r)) and np.all(r > 0) and np.all(np.isfinite(tau)) and np.all(tau > 0):
                dts = tau * np.real(lambertw(1.0 / r))
                found[n] = float(f"{float(np.median(dts)):.6g}")  # float32 fields: 7 digits at best
                if np.ptp(dts) > 1e-5 * found[n]:
                    report.unsupported(n, "r", f"encodes dt {dts.min():.6g} .. {dts.max():.6g} s across neurons "
                                               f"({conv.name} convention: r = tau exp(-dt/tau) / dt)")
    if not found:
        return conv
    values = sorted(set(found.values()))
    if values[-1] > values[0] * (1 + 1e-5):
        report.unsupported("(graph)", "dt", "the nodes' r encode different time steps: " + ", ".join(
            f"{n} {v:g} s" for n, v in found.items()))
    dt = values[0]
    if given is not None:
        if abs(given - dt) > 1e-5 * dt:
            report.unsupported("(graph)", "dt", f"the file's r encodes dt {dt:g} s; dt_s={given:g} was given")
        return conv
    report.faithful("(graph)", "dt", f"{dt:g} s, read from r = tau exp(-dt/tau) / dt ({conv.name} convention)")
    return replace(conv, dt_s=dt)


def _self_recurrent(flat: Flat) -> set[str]:
    """The cells with a path through one linear node back onto themselves (a recurrent layer)."""
    return {a for a, m in flat.edges if flat.kinds.get(a) == "cell" and flat.kinds.get(m) == "linear"
            and a in flat.successors(m)}


def _check_size(flat: Any, label: str) -> None:
    """The neurons (inputs and cells) and the weight entries of the graph against the limits, before conversion."""
    neurons = sum(node_size(n, flat.nodes[n]) for n, k in flat.kinds.items() if k in ("input", "cell"))
    check_limit(label, "neurons", neurons)
    pairs = sum(int(np.size(getattr(flat.nodes[n], "weight", 0))) for n, k in flat.kinds.items() if k == "linear")
    check_limit(label, "pairs", pairs)


def _description(label: str, conv: NirConvention, report: ConversionReport) -> str:
    approx = sorted({f"{e.node} {e.field}" for e in report.by_status("approximate")})
    return (f"Imported from {label} ({conv.describe()}). {report.summary()}"
            + (f" ({', '.join(approx)})." if approx else "."))


def _stem(source: Any) -> str | None:
    return Path(source).stem if isinstance(source, (str, os.PathLike)) else None


def _safe_name(name: str, *, prefix: str = "c_") -> str:
    """``name`` with every character but letters, digits and '_' replaced by '_', starting with a letter."""
    base = re.sub(r"[^A-Za-z0-9_]", "_", str(name))
    base = base if base[:1].isalpha() else f"{prefix}{base}"
    return base[:64]


__all__ += ["UnsupportedNirError"]
