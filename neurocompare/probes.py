"""Probes: extra spiking runs a comparison makes only when the caller asks for them.

A comparison's two main runs measure most rows of the table. Two rows need more:

- ``"fi"`` (nonlinearity): the output neuron model's f-I curve, one constant drive per neuron in one
  run, fitted with relu, sigmoid and tanh (:func:`neurocompare.metrics.fit_activation`);
- ``"delays"`` (wires): the circuit again with every delay changed (set to 0 ms if it has delays, to
  1 ms if not), to measure what the wires' delays do to the output latency.

``compare(..., probes=("fi", "delays"))`` runs both; the metrics that need a probe are NaN ("not
measured") without it. A probe is a function ``fn(context) -> ProbeResult`` registered with
:func:`register_probe`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .circuit import Circuit, NeuronPopulation
from .errors import ParameterError, UnknownNameError
from .metrics import FIT_KINDS, first_spike_drive, fit_activation, rheobase_drive
from .results import Result

__all__ = ["ProbeContext", "ProbeResult", "register_probe", "probe_names", "check_probes", "run_probes", "stage",
           "FIT_KINDS"]



@dataclass(frozen=True)
class ProbeContext:
    """What a probe may use: the circuit, inputs, the spiking backend and seed, and the two main results."""

    circuit: Circuit
    values: Mapping[str, np.ndarray]
    spiking: Any
    seed: int
    output: str
    ann: Result
    snn: Result
    preactivation: np.ndarray
    progress: Callable[[str, float, float], None] | None = None

    def stage(self, label: str) -> Callable[[float, float], None] | None:
        """A backend progress callback that reports under ``label``."""
        return stage(self.progress, label)


def stage(progress: Callable[[str, float, float], None] | None, label: str) -> Callable[[float, float], None] | None:
    """``progress(label, fraction, elapsed)`` as a backend's ``progress(fraction, elapsed)`` (None stays None)."""
    return None if progress is None else (lambda frac, elapsed: progress(label, frac, elapsed))


@dataclass(frozen=True)
class ProbeResult:
    """A probe's measurements (``values``: numbers metrics read) and figure data (``curves``: arrays)."""

    values: Mapping[str, Any] = field(default_factory=dict)
    curves: Mapping[str, np.ndarray] = field(default_factory=dict)


_PROBES: dict[str, Callable[[ProbeContext], ProbeResult]] = {}


def register_probe(name: str, fn: Callable[[ProbeContext], ProbeResult]) -> None:
    """Make ``fn`` available as ``compare(..., probes=[name])``."""
    if not isinstance(name, str) or not name.isidentifier() or not callable(fn):
        raise ParameterError(f"register_probe: need an identifier and a callable; got {name!r}, {fn!r}.")
    _PROBES[name] = fn


def probe_names() -> tuple[str, ...]:
    """The registered probes."""
    return tuple(_PROBES)


def check_probes(probes: Any) -> tuple[str, ...]:
    """A probe list as a tuple of known names (duplicates removed, order kept)."""
    if isinstance(probes, str) or not isinstance(probes, Sequence):
        raise ParameterError(f"compare: probes must be a list of names ({', '.join(_PROBES)}); got {probes!r}.")
    unknown = [p for p in probes if p not in _PROBES]
    if unknown:
        raise UnknownNameError(f"compare: unknown probe(s) {', '.join(map(repr, unknown))}; valid: {', '.join(_PROBES)}.")
    return tuple(dict.fromkeys(probes))


def run_probes(probes: Sequence[str], context: ProbeContext) -> dict[str, ProbeResult]:
    """Run the named probes in order."""
    return {name: _PROBES[name](context) for name in check_probes(probes)}


# ------------------------------------------------------------------------------- f-I
def _drive_range(context: ProbeContext, model: Any) -> float:
    """The largest drive of the sweep: past the largest pre-activation and 4x rheobase, in activation units."""
    z_pre = context.preactivation
    rheo_z = model.rheobase_hz() / context.spiking.rate_scale_hz
    candidates = [1.2 * float(np.max(z_pre))] if z_pre.size else []
    if math.isfinite(rheo_z) and rheo_z > 0:
        candidates.append(4.0 * rheo_z)
    return max([c for c in candidates if c > 0], default=2.0)


def fi_probe(context: ProbeContext) -> ProbeResult:
    """Spiking f-I curve of the output neuron model: rate / rate scale vs drive z (activation units).

    46 drives from -z_max/4 to z_max, one neuron each, in one run of max(duration, 200 ms); the
    analytic curve where the model has one (NaN where not); relu / sigmoid / tanh fitted by least
    squares, the rheobase (the smallest drive at which the neuron fires repetitively) and the threshold for a first
    spike (the smallest at which it fires at all).
    """
    circuit, spiking, output = context.circuit, context.spiking, context.output
    pop = circuit.population(output)
    model = spiking.model_of(pop)
    z_max = _drive_range(context, model)
    z = np.linspace(-0.25 * z_max, z_max, 46)
    sweep = Circuit(f"{circuit.name}_transfer",
                    populations=[NeuronPopulation("n", len(z), bias=z, activation=pop.activation, neuron=model)])
    duration = round(max(spiking.duration_ms, 200.0) / spiking.dt_ms) * spiking.dt_ms
    res = spiking.replace(duration_ms=duration, neuron=model).run(sweep, seed=context.seed,
                                                                   progress=context.stage("f-I sweep"))
    rate = res["n"][0]
    trains = [res.spikes["n"].times(0, k) for k in range(len(z))]
    fits = {kind: fit_activation(z, rate, kind) for kind in FIT_KINDS}
    own = pop.activation_fn(z)
    rmse = {kind: fit[1] for kind, fit in fits.items()}
    rmse["own"] = float(np.sqrt(np.mean((own - rate) ** 2)))
    curves = {"transfer_z": z, "transfer_spiking": rate,
              "transfer_analytic": model.analytic_rate_hz(z * spiking.rate_scale_hz) / spiking.rate_scale_hz,
              "transfer_own": own, **{f"transfer_fit_{kind}": params for kind, (params, _) in fits.items()}}
    return ProbeResult(values={"transfer_rmse": rmse, "rheobase_drive": rheobase_drive(z, trains, duration),
                               "first_spike_drive": first_spike_drive(z, rate), "transfer_drive_max": float(z_max)},
                       curves=curves)


# ---------------------------------------------------------------------------- delays
def _with_delays(circuit: Circuit, delay_ms: float) -> Circuit:
    """The circuit with every delay set to ``delay_ms``."""
    projs = [replace(p, delay_ms=delay_ms) for p in circuit.projections]
    return replace(circuit, projections=tuple(projs))


def median_first_spike_ms(result: Result, population: str) -> float:
    """Median first-spike time over the neurons and samples that fired; NaN, deliberately without a warning, if none
    did (the delay metric then records NaN: "not measurable here").
    """
    first = result.spikes[population].first_spike_ms()
    fired = first[~np.isnan(first)]
    return float(np.median(fired)) if fired.size else math.nan


def paired_first_spike_shift_ms(later: Result, earlier: Result, population: str) -> float:
    """Median over the (sample, neuron) pairs that fired in both runs of their first-spike time in ``later`` minus
    in ``earlier``; NaN, without a warning, if no pair fired in both.

    Paired: the difference of two medians would mix neurons (one neuron's later spike moves the median by the
    gap to its neighbour, not by the delay).
    """
    diff = later.spikes[population].first_spike_ms() - earlier.spikes[population].first_spike_ms()
    both = diff[~np.isnan(diff)]
    return float(np.median(both)) if both.size else math.nan


def delay_probe(context: ProbeContext) -> ProbeResult:
    """The circuit with its delays changed: every delay 0 ms if it has any, else every delay 1 ms.

    ``delay_shift_ms`` = median over the output neurons and samples that fired in both runs of the first-spike
    time with delays minus without (positive: the delays make the answer later;
    :func:`paired_first_spike_shift_ms`).
    """
    circuit = context.circuit
    has_delays = any(np.any(p.delays > 0) for p in circuit.projections)
    variant = _with_delays(circuit, 0.0 if has_delays else 1.0)
    res = context.spiking.run(variant, dict(context.values), seed=context.seed, progress=context.stage("delay variant"))
    lat_circuit = median_first_spike_ms(context.snn, context.output)
    lat_variant = median_first_spike_ms(res, context.output)
    shift = (paired_first_spike_shift_ms(context.snn, res, context.output) if has_delays
             else paired_first_spike_shift_ms(res, context.snn, context.output))
    return ProbeResult(
        values={"delay_shift_ms": shift,
                "delay_variant": "all delays set to 0 ms" if has_delays else "all delays set to 1 ms"},
        curves={"variant_latency_ms": np.array([lat_circuit, lat_variant])},
    )


register_probe("fi", fi_probe)
register_probe("delays", delay_probe)
