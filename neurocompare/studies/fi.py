"""The single neuron: f-I curves against the analytic rate, membrane traces, one neuron vs several activations."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..backends.artificial import ArtificialBackend
from ..backends.brian2 import SpikingBackend
from ..circuit import Circuit, NeuronPopulation
from ..comparison import Comparison, Panel
from ..metrics import FIT_KINDS, Metric, evaluate_fit, fit_activation
from ..models import LIF, effective_neuron, neuron_from_dict
from .common import metric, with_activation

__all__ = ["FICurve", "fi_curve", "fi_panel", "membrane_panel", "activation_sweep"]


@dataclass(frozen=True)
class FICurve:
    """A measured f-I curve: constant drive in, firing rate out, against the analytic LIF rate.

    ``rate_hz`` is 1 / mean inter-spike interval where a neuron fired at least twice (count /
    duration otherwise); ``isi_error_ms`` = |mean ISI - analytic ISI| (NaN with < 2 spikes).
    """

    drive_hz: np.ndarray
    rate_hz: np.ndarray
    analytic_hz: np.ndarray
    isi_error_ms: np.ndarray
    dt_ms: float
    target: str

    @property
    def max_isi_error_ms(self) -> float:
        errs = self.isi_error_ms[~np.isnan(self.isi_error_ms)]
        return float(errs.max()) if errs.size else math.nan


def fi_curve(
    lif: LIF, drive_hz: Sequence[float], *, dt_ms: float = 0.1, duration_ms: float = 1000.0, target: str = "auto",
    rate_scale_hz: float = 1.0,
) -> FICurve:
    """Drive one neuron per entry of ``drive_hz`` (1/s) with a constant current and measure its rate.

    ``lif`` may be any neuron model; a calibrated one (Izhikevich, AdEx, Hodgkin-Huxley) takes the drive in the
    circuit's units, ``drive_hz / rate_scale_hz`` being the activation (its calibration at ``rate_scale_hz``);
    the analytic curve is NaN where the model has no closed form.
    """
    drive = np.asarray(drive_hz, dtype=float)
    bias, scale = (drive / rate_scale_hz, rate_scale_hz) if lif.calibrated else (drive, 1.0)
    circuit = Circuit("fi_curve", populations=[NeuronPopulation("n", len(drive), bias=bias, neuron=lif)])
    res = SpikingBackend(duration_ms=duration_ms, dt_ms=dt_ms, rate_scale_hz=scale, target=target).run(circuit, seed=0)
    trains = res.spikes["n"]
    analytic = lif.analytic_rate_hz(drive)
    rate = np.zeros(len(drive))
    err = np.full(len(drive), np.nan)
    for k in range(len(drive)):
        t = trains.times(0, k)
        if len(t) >= 2:
            isi = float(np.mean(np.diff(t)))
            rate[k] = 1e3 / isi
            if analytic[k] > 0:
                err[k] = abs(isi - 1e3 / analytic[k])
        else:
            rate[k] = len(t) / (duration_ms * 1e-3)
    return FICurve(drive, rate, analytic, err, dt_ms, res.info["target"])


def fi_panel(curve: FICurve, *, rate_scale_hz: float, name: str = "fi_curve", model: str = "LIF") -> Panel:
    """The f-I curve against the analytic LIF rate, in activation units (drive / rate scale); for a model without a
    closed-form rate (``curve.analytic_hz`` all NaN) the measured curve alone, titled with ``model``."""
    x = curve.drive_hz / rate_scale_hz
    if not np.any(np.isfinite(curve.analytic_hz)):
        return Panel(name, f"f-I curve of the {model} neuron (simulated)",
                     f"Constant drive in, rate out (rate = 1 / mean ISI) at dt {curve.dt_ms:g} ms (Brian2 target "
                     f"{curve.target}); the {model} neuron has no closed-form rate to compare with (the LIF's "
                     "analytic rate applies to the LIF only).", "lines", x=x,
                     series={"spiking (simulated)": curve.rate_hz}, xlabel="drive (activation units)",
                     ylabel="rate (Hz)")
    return Panel(
        name, "f-I curve: simulated vs analytic LIF rate",
        f"Constant drive in, rate out (rate = 1 / mean ISI). Largest ISI error {curve.max_isi_error_ms:.3g} ms at "
        f"dt {curve.dt_ms:g} ms (Brian2 target {curve.target}).",
        "lines", x=x,
        series={"spiking (simulated)": curve.rate_hz, "LIF analytic": curve.analytic_hz},
        xlabel="drive (activation units)", ylabel="rate (Hz)",
    )


def membrane_panel(
    comparison: Comparison, samples: Sequence[int], labels: Sequence[str], *, neuron: int = 0,
    window_ms: float = 100.0, name: str = "membrane_drives",
) -> Panel:
    """Membrane traces of one output neuron for chosen samples (first ``window_ms``), with the threshold.

    Potentials are recorded at the start of each step, after the previous step's synaptic input and
    before its threshold test, so a jump across threshold shows once above it before the reset.
    """
    vt = comparison.snn.voltages[comparison.output]
    k = int(np.flatnonzero(vt.neurons == neuron)[0])
    default = neuron_from_dict(comparison.parameters.get("neuron", {}), owner="comparison parameters")
    lif = effective_neuron(comparison.circuit.population(comparison.output), default)
    keep = vt.time_ms <= window_ms
    series = {lab: vt.v[s, k][keep] for s, lab in zip(samples, labels)}
    series["threshold"] = np.full(int(keep.sum()), lif.v_threshold)
    return Panel(name, "Membrane potential at three drives", "Below threshold the membrane settles; near it, "
                 "it fires rarely; well above, it fires regularly (reset after each spike).",
                 "lines", x=vt.time_ms[keep], series=series, xlabel="time (ms)",
                 ylabel=f"membrane potential (threshold {lif.v_threshold:g})")

def activation_sweep(
    comparison: Comparison, activations: Sequence[str] = ("relu", "sigmoid", "tanh"), *, name: str = "activations",
    span: float = 15.0,
) -> tuple[Panel, dict[str, Metric]]:
    """The output's spiking response vs its drive next to the artificial neuron with each activation.

    Metrics: ``activation_rmse.ACT``, the RMSE between the spiking output (rate / rate scale) and the
    unscaled artificial neuron ``ACT(w.x + b)`` on the comparison's inputs.

    Panel: the shapes compared over a drive range from below rheobase to ``span`` x rheobase (towards
    saturation at 1 / t_ref): the measured spiking output on the comparison's drives, the analytic LIF rate
    (:meth:`~neurocompare.models.LIF.analytic_rate_hz`) over the whole range, and each activation scaled as in
    the transfer fit (:func:`~neurocompare.metrics.fit_activation`: relu a max(z - c, 0), sigmoid
    a / (1 + exp(-b (z - c))), tanh a tanh(b (z - c)) + d), least-squares fitted to the LIF rate over this range.
    """
    c, out = comparison.circuit, comparison.output
    z = comparison.curves["preactivation"][:, 0]
    spiking = comparison.snn[out][:, 0]
    metrics = {}
    for act in activations:
        y = ArtificialBackend().run(with_activation(c, act), dict(comparison.inputs))[out][:, 0]
        rmse = float(np.sqrt(np.mean((y - spiking) ** 2)))
        metrics[f"activation_rmse.{act}"] = metric(rmse, "activation units",
                                                   f"RMSE between the spiking output and the artificial {act} neuron")
    return _shapes_panel(comparison, z, spiking, activations, name=name, span=span), metrics


def _shapes_panel(comparison: Comparison, z: np.ndarray, spiking: np.ndarray, activations: Sequence[str], *,
                  name: str, span: float) -> Panel:
    """The "four answers" panel of :func:`activation_sweep` (see there)."""
    default = neuron_from_dict(comparison.parameters.get("neuron", {}), owner="comparison parameters")
    lif = effective_neuron(comparison.circuit.population(comparison.output), default)
    scale = float(comparison.parameters["rate_scale_hz"])
    zm, inverse = np.unique(z, return_inverse=True)
    measured = np.bincount(inverse, weights=spiking) / np.bincount(inverse)  # mean over repeated drives
    rheo = float(lif.rheobase_hz()) / scale
    top = max(span * rheo if math.isfinite(rheo) and rheo > 0 else 0.0, 1.2 * float(zm.max()), 1e-9)
    grid = np.linspace(-0.1 * top, top, 41)
    x = np.r_[grid[grid < zm.min()], zm, grid[grid > zm.max()]]
    at = np.searchsorted(x, zm)
    series = {"spiking, measured (this circuit)": np.full(len(x), np.nan)}
    series["spiking, measured (this circuit)"][at] = measured
    lif_rate = np.asarray(lif.analytic_rate_hz(x * scale), dtype=float) / scale
    reference = lif_rate if np.all(np.isfinite(lif_rate)) else np.interp(x, zm, measured)
    series["spiking, LIF analytic rate"] = reference
    for act in activations:
        if act in FIT_KINDS:
            params, rmse = fit_activation(x, reference, act)
            series[f"{act}, scaled fit (RMSE {rmse:.2g})"] = evaluate_fit(act, params, x)
    t_ref = float(getattr(lif, "t_ref_ms", 0.0))
    if t_ref > 0:
        series["rate cap 1/t_ref"] = np.full(len(x), 1e3 / t_ref / scale)
    return Panel(name, "One neuron, four answers: the shapes over the whole range",
                 f"The same drive w.x + b through the spiking neuron and through relu, sigmoid and tanh, each scaled "
                 f"as in the transfer fit (a f(b (z - c)), least squares on the LIF rate over this range). The spiking "
                 f"neuron is silent below rheobase (drive {rheo:.3g}), then nearly linear, then bends towards its rate "
                 f"cap 1/t_ref; relu has no cap, sigmoid and tanh no sharp onset. The activation_rmse metrics compare "
                 f"the unscaled artificial neurons on this circuit's drives ({zm.min():.3g} to {zm.max():.3g}).",
                 "lines", x=x, series=series, xlabel="drive w.x + b (activation units)",
                 ylabel="output (rate / rate scale)")
