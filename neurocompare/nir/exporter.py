"""neurocompare circuit -> NIR graph, with a conversion report (see :func:`to_nir`).

The graph is written in continuous time (the ``neurocompare`` convention): a population becomes
``nir.LIF`` (``tau = tau_m``, ``r = tau``, so a spike of weight ``w`` moves the membrane by ``r w / tau = w``)
or ``nir.IF`` (``r = 1``) for ``tau_m_ms = inf``; a projection becomes ``nir.Linear`` (or ``nir.Affine``
carrying the target's bias as the constant current ``bias x rate_scale_hz``) with weights
``counts x unit_weight``, and ``nir.Delay`` nodes for axonal delays (per source neuron before the weights,
or per target neuron after them). Synapse counts stay recoverable: the weights are exact multiples of
the unit, and the counts' unit and number also go into the graph's metadata, which the importer checks.

``to_nir(convention="snntorch")`` writes what snnTorch's ``import_from_nir`` (snnTorch 1.0,
``snntorch/import_nir.py``) reads as the same network: it assumes dt = 0.1 ms and builds ``snn.Leaky(beta = 1 -
dt / tau, threshold = v_threshold, reset_mechanism="zero")`` with inputs scaled by ``r dt / tau``, from ``v_leak =
0``. So a leaky population is written with ``tau = dt / (1 - beta)``, ``beta = exp(-dt / tau_m)`` (neurocompare's
exact decay per step), ``r = tau / dt`` (a weight w moves v by w), potentials relative to ``v_rest``, and a bias as
the per-step increment of an Affine node; a non-leaky one as a LIF with ``beta = 1 - 1e-12`` (snnTorch reads
``nir.IF`` as a leaky neuron with beta 0.9). What snnTorch cannot read the same (delays, a refractory period, a
subtractive reset, a reset away from rest, another time step) is reported approximate or unsupported.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from ..errors import ReportError, UnknownNameError
from ..models import LIF, effective_neuron
from .graph import import_nir
from .importer import METADATA_KEY
from .report import ConversionReport

__all__ = ["to_nir", "NirExport"]


class NirExport(NamedTuple):
    """What :func:`to_nir` returns: ``graph, report = circuit.to_nir()``; :meth:`write` saves the graph."""

    graph: Any
    report: ConversionReport

    def write(self, path: str | os.PathLike) -> Path:
        """Write the graph to a NIR (HDF5) file, atomically (a temporary file renamed into place)."""
        nir = import_nir()
        path = Path(path)
        tmp = path.with_name(f".{path.name}.tmp{os.getpid()}")
        try:
            nir.write(tmp, self.graph)
            os.replace(tmp, path)
        except OSError as exc:
            tmp.unlink(missing_ok=True)
            raise ReportError(f"NIR export: cannot write {str(path)!r}: {exc.strerror or exc}.") from None
        return path


#: snnTorch's importer's fixed time step (s) and the decay factor a non-leaky neuron is written with for it.
SNNTORCH_DT_S = 1e-4
_SNNTORCH_IF_BETA = 1.0 - 1e-12
#: How far below neurocompare's threshold (a fraction of v_threshold - v_reset) the snnTorch export puts snnTorch's
#: strict one: larger than float32's resolution at the threshold (6e-8 relative), so that ties fire in both.
_SNNTORCH_THRESHOLD_MARGIN = 1e-6


def _snntorch_node(nir: Any, report: ConversionReport, pop: Any, spec: LIF, dt_ms: float) -> Any:
    """A population as snnTorch's ``import_from_nir`` reads it back as the same neuron (see the module docstring)."""
    n, name = pop.size, pop.name
    full = lambda v: np.full(n, float(v))  # noqa: E731
    dt = SNNTORCH_DT_S
    if abs(dt_ms * 1e-3 - dt) > 1e-12:
        report.approximate(name, "dt", f"the circuit runs at dt {dt_ms:g} ms; snnTorch's importer assumes "
                                       f"{dt * 1e3:g} ms: its spikes are those of a run at that step")
    beta = math.exp(-dt / (spec.tau_m_ms * 1e-3)) if spec.leaky else _SNNTORCH_IF_BETA
    tau = dt / (1.0 - beta)
    report.faithful(name, "tau_m_ms", f"{spec.tau_m_ms:g} -> beta {beta:.12g} per step of {dt * 1e3:g} ms (tau = "
                                      f"dt / (1 - beta) = {tau:.6g} s, r = tau / dt: a weight w moves v by w)"
                    + ("" if spec.leaky else "; a non-leaky neuron as a LIF with beta 1 - 1e-12 (snnTorch reads "
                                             "nir.IF as a leaky neuron with beta 0.9)"))
    gap = spec.v_threshold - spec.v_reset
    threshold = spec.v_threshold - spec.v_rest - _SNNTORCH_THRESHOLD_MARGIN * gap
    report.faithful(name, "v_threshold", f"{spec.v_threshold:g} - v_rest {spec.v_rest:g}, lowered by "
                                         f"{_SNNTORCH_THRESHOLD_MARGIN:g} x (v_threshold - v_reset): snnTorch fires at "
                                         "v > v_threshold, neurocompare at v >= it, so an input landing exactly on the "
                                         "threshold fires in both (float32, snnTorch's precision, keeps the margin)")
    if spec.reset == "subtract":
        report.approximate(name, "reset", "by subtraction; snnTorch's importer always resets to zero (its "
                                          "reset_mechanism='zero'): the overshoot is lost")
    elif spec.v_reset != spec.v_rest:
        report.approximate(name, "reset", f"to {spec.v_reset:g}; snnTorch's importer resets to zero, i.e. to v_rest "
                                          f"{spec.v_rest:g} here")
    else:
        report.faithful(name, "reset", "to v_reset = v_rest: snnTorch's reset to zero")
    if spec.t_ref_ms > 0:
        report.approximate(name, "t_ref_ms", f"{spec.t_ref_ms:g} ms dropped (snnTorch's Leaky has no refractory "
                                             "period)")
    return nir.LIF(tau=full(tau), r=full(tau / dt), v_leak=full(0.0), v_threshold=full(threshold), v_reset=full(0.0))


def _neuron_node(nir: Any, report: ConversionReport, pop: Any, spec: LIF, rate_scale_hz: float, dt_ms: float,
                 convention: str = "neurocompare") -> Any:
    n = pop.size
    name = pop.name
    full = lambda v: np.full(n, float(v))  # noqa: E731
    if not isinstance(spec, LIF):
        report.unsupported(name, "neuron", f"model {type(spec).__name__} has no NIR node (NIR has IF and LIF)")
    synapse = getattr(pop, "synapse", None)
    kind = getattr(synapse, "model_name", "delta")
    if kind != "delta" and (kind != "exp_current" or convention != "neurocompare" or not spec.leaky):
        why = ("NIR has no conductance synapse" if kind != "exp_current" else
               "an exponential-current synapse is written as nir.CubaLIF, for a leaky neuron, in the 'neurocompare' "
               "convention only")
        report.unsupported(name, "synapse", f"{kind!r}: {why}")
    if convention == "snntorch":
        return _snntorch_node(nir, report, pop, spec, dt_ms)
    report.faithful(name, "v_threshold", f"{spec.v_threshold:g} (NIR fires at v > v_threshold; this file's metadata "
                                         "says v >= v_threshold, which neurocompare's importer honours)")
    if spec.reset == "subtract":
        steps = 1000.0 / (rate_scale_hz * dt_ms)
        report.approximate(name, "reset", "by subtraction, written as reset to v_reset (NIR cannot express "
                                          f"subtraction): the overshoot is lost, up to one step per spike (at "
                                          f"{rate_scale_hz:g} Hz and dt {dt_ms:g} ms: up to {100 / steps:.2g}% of the rate)")
    else:
        report.faithful(name, "reset", f"to v_reset = {spec.v_reset:g}")
    if spec.t_ref_ms > 0:
        rate_free = rate_scale_hz
        rate_ref = 1.0 / (1.0 / rate_free + spec.t_ref_ms * 1e-3)
        report.approximate(name, "t_ref_ms", f"{spec.t_ref_ms:g} ms dropped (NIR has no refractory period): a neuron "
                                             f"firing {rate_free:g} Hz without it fires {rate_ref:.0f} Hz with it "
                                             f"({(rate_free - rate_ref) / rate_free:.0%} lower)")
    if spec.leaky:
        tau = spec.tau_m_ms * 1e-3
        report.faithful(name, "tau_m_ms", f"LIF tau = {tau:g} s, r = tau (a spike of weight w moves v by w), "
                                          f"v_leak = v_rest = {spec.v_rest:g}")
        if kind == "exp_current":
            tau_syn = synapse.tau_syn_ms * 1e-3
            report.faithful(name, "synapse", f"exponential current: CubaLIF tau_syn = {tau_syn:g} s, w_in = 1 (a spike "
                                             "of weight w brings the membrane the charge w, spread over tau_syn)")
            return nir.CubaLIF(tau_mem=full(tau), tau_syn=full(tau_syn), r=full(tau), w_in=full(1.0),
                               v_leak=full(spec.v_rest), v_threshold=full(spec.v_threshold), v_reset=full(spec.v_reset))
        return nir.LIF(tau=full(tau), r=full(tau), v_leak=full(spec.v_rest), v_threshold=full(spec.v_threshold),
                       v_reset=full(spec.v_reset))
    if spec.v_rest != 0:
        report.approximate(name, "v_rest", f"{spec.v_rest:g}: a non-leaky neuron starts there; NIR's IF starts at 0")
    report.faithful(name, "tau_m_ms", "inf: IF with r = 1 (a spike of weight w moves v by w)")
    return nir.IF(r=full(1.0), v_threshold=full(spec.v_threshold), v_reset=full(spec.v_reset))


def _delay_nodes(nir: Any, report: ConversionReport, proj: Any) -> tuple[Any, Any]:
    """``(before, after)``: a Delay per source neuron before the weights, or per target neuron after them."""
    d = proj.delays
    connected = proj.counts != 0
    if not np.any(d[connected] > 0):
        return None, None
    masked = np.where(connected, d, np.nan)
    with np.errstate(all="ignore"):
        per_pre = np.nanmax(masked, axis=0), np.nanmin(masked, axis=0)
        per_post = np.nanmax(masked, axis=1), np.nanmin(masked, axis=1)
    if np.allclose(*per_pre, equal_nan=True):
        report.faithful(proj.name, "delay_ms", "one delay per source neuron: a Delay node before the weights")
        return nir.Delay(delay=np.nan_to_num(per_pre[0]) * 1e-3), None
    if np.allclose(*per_post, equal_nan=True):
        report.faithful(proj.name, "delay_ms", "one delay per target neuron: a Delay node after the weights")
        return None, nir.Delay(delay=np.nan_to_num(per_post[0]) * 1e-3)
    report.unsupported(proj.name, "delay_ms", "delays that vary per connection (neither per source nor per target "
                                              "neuron): NIR's Delay node is per channel")
    return None, None


#: What :func:`to_nir` can write for: neurocompare's own continuous-time reading, or snnTorch's importer.
EXPORT_CONVENTIONS = ("neurocompare", "snntorch")


def to_nir(circuit: Any, *, rate_scale_hz: float = 200.0, dt_ms: float = 0.1, neuron: LIF | None = None,
           convention: str = "neurocompare") -> NirExport:
    """The circuit's spiking side as a NIR graph, with a conversion report.

    Parameters
    ----------
    circuit : Circuit
    rate_scale_hz : float
        The spiking backend's rate for activation 1.0: biases become constant currents of
        ``bias x rate_scale_hz`` (1/s). Default 200 Hz, the backend's default.
    dt_ms : float
        The time step the circuit runs at: the report's error bounds (a subtractive reset loses up to one step
        per spike), and for ``convention="snntorch"`` whether snnTorch's fixed 0.1 ms is the same.
    neuron : LIF, optional
        The model of populations that set none (the spiking backend's default, ``LIF()``).
    convention : {"neurocompare", "snntorch"}
        Who reads the file: neurocompare's importer (continuous time, the default), or snnTorch 1.0's
        ``import_from_nir``, for which the graph is written so that it builds the same network (see the module
        docstring); what it would misread is reported.
    """
    nir = import_nir()
    if convention not in EXPORT_CONVENTIONS:
        raise UnknownNameError(f"NIR export: unknown convention {convention!r}; valid: {', '.join(EXPORT_CONVENTIONS)}.")
    report = ConversionReport("export", convention)
    if convention == "snntorch":
        report.approximate("(graph)", "timing", "snnTorch's layers act within one step; here a spike takes one step "
                                                "per hop: snnTorch gives the same spikes one step per hop earlier")
    default = neuron if neuron is not None else LIF()
    nodes: dict[str, Any] = {}
    edges: list[tuple[str, str]] = []
    for inp in circuit.inputs:
        nodes[inp.name] = nir.Input(input_type=np.array([inp.size]))
        report.faithful(inp.name, "size", f"Input of {inp.size} channels")
    for pop in circuit.populations:
        if not isinstance(pop.activation, str):
            report.approximate(pop.name, "activation", f"callable {pop.activation_name!r} is not stored (NIR describes "
                                                       "the spiking side); an import uses activation='relu'")
        nodes[pop.name] = _neuron_node(nir, report, pop, effective_neuron(pop, default), rate_scale_hz, dt_ms,
                                       convention)
    bias_done: set[str] = set()
    for i, proj in enumerate(circuit.projections):
        post = circuit.population(proj.post)
        w = proj.weights.astype(float)
        key = f"w_{proj.pre}_{proj.post}" if f"w_{proj.pre}_{proj.post}" not in nodes else f"w{i}_{proj.pre}_{proj.post}"
        if np.any(post.bias != 0) and proj.post not in bias_done:
            current = np.asarray(post.bias, dtype=float) * rate_scale_hz
            if convention == "snntorch":  # the per-step increment of the exact step at snnTorch's dt
                spec = effective_neuron(post, default)
                tau_s = spec.tau_m_ms * 1e-3
                per_step = current * (tau_s * -math.expm1(-SNNTORCH_DT_S / tau_s) if spec.leaky else SNNTORCH_DT_S)
                nodes[key] = nir.Affine(weight=w, bias=per_step)
                report.approximate(proj.post, "bias", f"constant current bias x {rate_scale_hz:g} Hz as its increment "
                                                      f"per step in the Affine {key!r}; it acts from the first step, "
                                                      "while spikes reach this layer one step per hop later here")
            else:
                nodes[key] = nir.Affine(weight=w, bias=current)
                report.faithful(proj.post, "bias", f"constant current bias x {rate_scale_hz:g} Hz in the Affine {key!r}")
            bias_done.add(proj.post)
        else:
            nodes[key] = nir.Linear(weight=w)
        report.faithful(proj.name, "counts", f"weights = counts x unit_weight {proj.unit_weight:.6g} "
                                             f"({proj.n_synapses} synapses; exact multiples, recoverable)")
        before, after = _delay_nodes(nir, report, proj)
        if convention == "snntorch" and (before is not None or after is not None):
            report.unsupported(proj.name, "delay_ms", "snnTorch's importer has no Delay node")
        chain = [proj.pre] + ([f"d_{key}"] if before is not None else []) + [key] + \
                ([f"{key}_d"] if after is not None else []) + [proj.post]
        if before is not None:
            nodes[f"d_{key}"] = before
        if after is not None:
            nodes[f"{key}_d"] = after
        edges += list(zip(chain[:-1], chain[1:]))
    for pop in circuit.populations:
        if np.any(pop.bias != 0) and pop.name not in bias_done:
            report.unsupported(pop.name, "bias", "a population with a bias but no incoming projection: NIR carries "
                                                 "constant inputs in the Affine node of an incoming edge")
    outs = circuit.sink_names or circuit.population_names[-1:]
    for o in outs:
        nodes[f"out_{o}"] = nir.Output(output_type=np.array([circuit.population(o).size]))
        edges.append((o, f"out_{o}"))
    meta = {**_metadata(circuit, rate_scale_hz), "convention": convention}
    graph = nir.NIRGraph(nodes=nodes, edges=edges, metadata={METADATA_KEY: json.dumps(meta)})
    return NirExport(graph, report)


def _metadata(circuit: Any, rate_scale_hz: float) -> dict[str, Any]:
    """What the importer restores or checks (NIR metadata is non-normative: the weights stay authoritative)."""
    return {
        "format": 1, "threshold": ">=", "name": circuit.name, "description": circuit.description,
        "rate_scale_hz": rate_scale_hz, "order": [p.name for p in circuit.populations],
        "populations": {p.name: {"activation": p.activation} for p in circuit.populations
                        if isinstance(p.activation, str)},
        "projections": {p.name: {"unit_weight": p.unit_weight, "n_synapses": p.n_synapses,
                                 "delay": "per connection" if np.ndim(p.delay_ms) else "one"}
                        for p in circuit.projections},
        "note": "weights = counts x unit_weight; spikes are unit-area deltas; times in seconds",
    }


