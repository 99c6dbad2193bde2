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
from ..metrics import Metric
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
    lif: LIF, drive_hz: Sequence[float], *, dt_ms: float = 0.1, duration_ms: float = 1000.0, target: str = "auto"
) -> FICurve:
    """Drive one neuron per entry of ``drive_hz`` (1/s) with a constant current and measure its rate."""
    drive = np.asarray(drive_hz, dtype=float)
    circuit = Circuit("fi_curve", populations=[NeuronPopulation("n", len(drive), bias=drive, neuron=lif)])
    res = SpikingBackend(duration_ms=duration_ms, dt_ms=dt_ms, rate_scale_hz=1.0, target=target).run(circuit, seed=0)
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


def fi_panel(curve: FICurve, *, rate_scale_hz: float, name: str = "fi_curve") -> Panel:
    """The f-I curve against the analytic LIF rate, in activation units (drive / rate scale)."""
    return Panel(
        name, "f-I curve: simulated vs analytic LIF rate",
        f"Constant drive in, rate out (rate = 1 / mean ISI). Largest ISI error {curve.max_isi_error_ms:.3g} ms at "
        f"dt {curve.dt_ms} ms (Brian2 target {curve.target}).",
        "lines", x=curve.drive_hz / rate_scale_hz,
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
                 "lines", x=vt.time_ms[keep], series=series, xlabel="time (ms)", ylabel="membrane potential")

def activation_sweep(
    comparison: Comparison, activations: Sequence[str] = ("relu", "sigmoid", "tanh"), *, name: str = "activations"
) -> tuple[Panel, dict[str, Metric]]:
    """The output's spiking response vs its drive next to the artificial neuron with each activation."""
    c, out = comparison.circuit, comparison.output
    z = comparison.curves["preactivation"][:, 0]
    order = np.argsort(z)
    spiking = comparison.snn[out][:, 0]
    series = {"spiking (rate / rate scale)": spiking[order]}
    metrics = {}
    for act in activations:
        y = ArtificialBackend().run(with_activation(c, act), dict(comparison.inputs))[out][:, 0]
        series[act] = y[order]
        rmse = float(np.sqrt(np.mean((y - spiking) ** 2)))
        metrics[f"activation_rmse.{act}"] = metric(rmse, "activation units",
                                                   f"RMSE between the spiking output and the artificial {act} neuron")
    panel = Panel(name, "One neuron, four answers", "The same weighted inputs through the spiking neuron and through "
                  "artificial neurons with relu, sigmoid and tanh.", "lines", x=z[order], series=series,
                  xlabel="drive w.x + b", ylabel="output")
    return panel, metrics
