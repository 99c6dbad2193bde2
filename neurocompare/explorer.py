"""An interactive explorer for Jupyter: change a small circuit with sliders, see both networks answer live.

>>> from neurocompare.explorer import Explorer
>>> explorer = Explorer()          # the XOR demo circuit on its truth table  # doctest: +SKIP
>>> explorer                       # the widget (in a notebook)               # doctest: +SKIP

Controls: a synapse count (pick an entry of any projection), each projection's unit weight, a bias
(pick a neuron), the activation of the artificial neurons, the LIF parameters of the spiking neurons
(``tau_m_ms`` or no leak, ``v_threshold``, ``t_ref_ms``, reset mode) and an input value (pick a sample
and channel). Every change reruns both sides and redraws one figure: the output of each sample on both
sides, the spike raster, spiking rate against artificial activation for every neuron, and one
membrane trace. "Full comparison" runs :func:`~neurocompare.compare.compare` with the f-I and delay
probes on the current circuit and shows its table.

Why it feels live on 2 cores: the circuit is small (at most :data:`MAX_NEURONS` neurons), the
artificial side is one matrix product per layer (< 1 ms), the spiking side runs on the independent
numpy simulator (:class:`~neurocompare.backends.ReferenceBackend`: no code generation, ~30 ms for the
XOR circuit's 4 samples x 200 ms at dt 0.1 ms, the report's safe time step), sliders report only
when released (``continuous_update=False``, so a drag is one update, not fifty), and the figure's axes
and artists are built once: an update only sets their data and renders a 72 dpi PNG (~80 ms; clearing
and replotting cost ~3x that). Measured on 2 cores: 110 ms median, 111 ms p90 over 40 updates
(``python benchmarks/notebook_screenshot.py latency``). Needs ipywidgets:
``pip install "neurocompare[jupyter]"``.

The panel is drawn with matplotlib here rather than in :mod:`neurocompare.report.figures`: it shows
one live run, not a finished comparison.
"""

from __future__ import annotations

import math
import time
from dataclasses import replace
from typing import Any

import numpy as np

from .activations import BUILTIN_ACTIVATIONS
from .backends import ArtificialBackend, ReferenceBackend
from .circuit import Circuit
from .compare import compare, default_output, resolve_backend
from .errors import BackendError, NeurocompareError, ParameterError
from .inputs import normalize_inputs
from .models import LIF, effective_neuron
from .notebook import figure_png
from .results import Result
from .studies.gates import XOR_INPUTS, xor_circuit

__all__ = ["Explorer", "MAX_NEURONS"]

#: Largest circuit (neurons, inputs excluded) the explorer takes: bigger ones are not live.
MAX_NEURONS = 20
_INSTALL = 'pip install "neurocompare[jupyter]"'
_DPI = 72
_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b"]


def _widgets() -> Any:
    try:
        import ipywidgets
    except ImportError as exc:
        raise BackendError(f"The explorer needs ipywidgets; install it with '{_INSTALL}' ({exc}).") from None
    return ipywidgets


def _check_circuit(circuit: Any, inputs: Any) -> tuple[Circuit, dict[str, np.ndarray]]:
    if circuit is None:
        circuit, inputs = xor_circuit(), XOR_INPUTS if inputs is None else inputs
    if not isinstance(circuit, Circuit):
        raise ParameterError(f"Explorer: circuit must be a Circuit; got {type(circuit).__name__}.")
    n = sum(p.size for p in circuit.populations)
    if n > MAX_NEURONS:
        raise ParameterError(f"Explorer: circuit {circuit.name!r} has {n} neurons; the explorer stays live up to "
                             f"{MAX_NEURONS}. Explore a smaller circuit, or use neurocompare.compare.compare.")
    if inputs is None and circuit.inputs:
        raise ParameterError(f"Explorer: circuit {circuit.name!r} has input populations "
                             f"({', '.join(circuit.input_names)}); pass inputs=, e.g. an array (batch, size).")
    return circuit, normalize_inputs(circuit, inputs)[0]


def _label(ax: Any, xlabel: str, ylabel: str, title: str, legend: str) -> None:
    """Labels, a title at a fixed height (no title placement pass per draw) and a legend at a fixed place."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title, y=1.0)
    ax.legend(fontsize=8, loc=legend)


class _Picker:
    """A dropdown of entries of some arrays and one slider editing the chosen entry (counts, biases, inputs)."""

    def __init__(self, w: Any, label: str, arrays: dict[str, np.ndarray], slider: Any) -> None:
        self.arrays = arrays
        self.keys = {f"{name} {list(idx)}": (name, idx) for name, a in arrays.items() for idx in np.ndindex(a.shape)}
        self.choice = w.Dropdown(options=list(self.keys), description=label,
                                 layout=w.Layout(width="260px"))
        self.slider = slider
        self.choice.disabled = slider.disabled = not self.keys  # e.g. a circuit without projections
        self.choice.observe(self._show, names="value")
        self._show()

    def _show(self, _change: Any = None) -> None:
        if self.keys:
            name, idx = self.keys[self.choice.value]
            self.slider.value = self.arrays[name][idx]  # the observer sees the same value: no update

    def store(self) -> bool:
        """Write the slider's value into the chosen entry; True if it changed."""
        if not self.keys:
            return False
        name, idx = self.keys[self.choice.value]
        changed = self.arrays[name][idx] != self.slider.value
        self.arrays[name][idx] = self.slider.value
        return bool(changed)


class Explorer:
    """Sliders on a small circuit; both backends rerun and the figure redraws on every change.

    Parameters
    ----------
    circuit : Circuit, optional
        At most :data:`MAX_NEURONS` neurons. Default: the XOR demo circuit
        (:func:`neurocompare.studies.gates.xor_circuit`) on its truth table.
    inputs : mapping name -> (batch, size) array, or an array for a single input population
        Required when ``circuit`` has input populations (default: the XOR truth table).
    spiking : backend, registered name or mapping of options, optional
        The spiking side of the live view; default a :class:`ReferenceBackend` with ``duration_ms``,
        ``dt_ms``, ``encoding`` and ``rate_scale_hz`` below.
    full_spiking : backend, registered name or mapping of options
        The spiking side of "Full comparison" (default ``"spiking"``: Brian2, with the same clock settings).
    seed : int
        Seeds the input encoding of every run.
    """

    def __init__(self, circuit: Circuit | None = None, inputs: Any = None, *, spiking: Any = None,
                 full_spiking: Any = "spiking", duration_ms: float = 200.0, dt_ms: float = 0.1,
                 encoding: str = "regular", rate_scale_hz: float = 100.0, seed: int = 0) -> None:
        w = _widgets()
        self.base, self.inputs = _check_circuit(circuit, inputs)
        clock = {"duration_ms": duration_ms, "dt_ms": dt_ms, "encoding": encoding, "rate_scale_hz": rate_scale_hz}
        self.spiking = ReferenceBackend(**clock) if spiking is None else resolve_backend(spiking, "reference", "spiking")
        self.full_spiking = (resolve_backend(clock, "spiking", "full_spiking") if full_spiking == "spiking"
                             else resolve_backend(full_spiking, "spiking", "full_spiking"))
        self.seed, self.artificial = seed, ArtificialBackend()
        self.output = default_output(self.base)
        self.counts = {f"{p.pre}->{p.post}": p.counts.astype(float) for p in self.base.projections}
        self.biases = {p.name: np.broadcast_to(p.bias, (p.size,)).astype(float) for p in self.base.populations}
        self.latencies_ms: list[float] = []
        self.ann: Result | None = None
        self.snn: Result | None = None
        self.comparison: Any = None
        self._build_controls(w)
        self._build_view(w)
        self.update()

    # --- controls -----------------------------------------------------------------------------------
    def _build_controls(self, w: Any) -> None:
        slide = dict(continuous_update=False, style={"description_width": "110px"}, layout=w.Layout(width="420px"))
        first = self.base.populations[0]
        model = effective_neuron(first, self.spiking.neuron)
        model = model if isinstance(model, LIF) else LIF()
        top = max([abs(v) for c in self.counts.values() for v in c.ravel()] + [4.0])
        self.count_picker = _Picker(w, "synapses", self.counts, w.IntSlider(
            min=-int(2 * top), max=int(2 * top), description="count", **slide))
        span = max([4.0] + [2 * abs(float(v)) for b in self.biases.values() for v in b])
        self.bias_picker = _Picker(w, "bias of", self.biases, w.FloatSlider(min=-span, max=span, step=0.05,
                                                                             description="bias", **slide))
        self.input_picker = _Picker(w, "input", {k: v.copy() for k, v in self.inputs.items()},
                                    w.FloatSlider(min=0.0, max=2.0, step=0.05, description="value", **slide))
        c = {f"unit_weight {k}": w.FloatLogSlider(value=p.unit_weight, base=10, min=math.log10(p.unit_weight) - 1,
                                                  max=math.log10(p.unit_weight) + 1, description=f"unit w {k}", **slide)
             for k, p in zip(self.counts, self.base.projections)}
        c["activation"] = w.Dropdown(options=list(BUILTIN_ACTIVATIONS),
                                     value=first.activation if isinstance(first.activation, str) else "relu",
                                     description="activation")
        c["leak"] = w.Checkbox(value=math.isfinite(model.tau_m_ms), description="leak (else tau_m = inf)")
        c["tau_m_ms"] = w.FloatLogSlider(value=model.tau_m_ms if math.isfinite(model.tau_m_ms) else 20.0, base=10,
                                         min=0, max=3, description="tau_m_ms", **slide)
        c["v_threshold"] = w.FloatSlider(value=model.v_threshold, min=0.1, max=5.0, step=0.05,
                                         description="v_threshold", **slide)
        c["t_ref_ms"] = w.FloatSlider(value=model.t_ref_ms, min=0.0, max=10.0, step=0.1, description="t_ref_ms",
                                      **slide)
        c["reset"] = w.Dropdown(options=["value", "subtract"], value=model.reset, description="reset")
        traces = [f"{p.name}[{i}] sample {s}" for s in range(self._batch()) for p in self.base.populations
                  for i in range(p.size)]
        first_trace = f"{self.output}[0] sample {min(1, self._batch() - 1)}"  # XOR: the output in row (0, 1)
        c["trace"] = w.Dropdown(options=traces, value=first_trace, description="trace of")
        self.controls = {**c, "count": self.count_picker.slider, "bias": self.bias_picker.slider,
                         "input": self.input_picker.slider}
        self._model = model
        for control in self.controls.values():
            control.observe(self._changed, names="value")

    def _batch(self) -> int:
        return next(iter(self.inputs.values())).shape[0] if self.inputs else 1

    def _build_view(self, w: Any) -> None:
        from matplotlib.figure import Figure

        # A fixed layout: a layout engine (or bbox_inches="tight") would cost a second draw per update.
        self.figure = Figure(figsize=(10, 6.2), dpi=_DPI)
        self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.08, top=0.95, wspace=0.22, hspace=0.35)
        self.axes = self.figure.subplots(2, 2)
        self._setup_axes()
        self.image = w.Image(format="png")
        self.status = w.HTML()
        self.button = w.Button(description="Full comparison", tooltip="compare() with the f-I and delay probes")
        self.button.on_click(lambda _b: self.run_full_comparison())
        self.table = w.HTML()
        c = self.controls
        pickers = [w.HBox([p.choice, p.slider]) for p in (self.count_picker, self.bias_picker, self.input_picker)]
        weights = [v for k, v in c.items() if k.startswith("unit_weight")]
        neuron = [c["activation"], c["leak"], c["tau_m_ms"], c["v_threshold"], c["t_ref_ms"], c["reset"], c["trace"]]
        left = w.VBox([w.HTML("<b>weights = synapse count x unit weight</b>"), *pickers, *weights])
        right = w.VBox([w.HTML("<b>neurons</b>"), *neuron])
        self.widget = w.VBox([w.HBox([left, right]), self.status, self.image, self.button, self.table])

    def _changed(self, change: Any) -> None:
        owner = change["owner"]
        for picker in (self.count_picker, self.bias_picker, self.input_picker):
            if owner is picker.slider and not picker.store():
                return  # the picker moved to another entry: nothing changed
        self.update()

    def _ipython_display_(self) -> None:
        from IPython.display import display

        display(self.widget)

    # --- model ----------------------------------------------------------------------------------------
    def neuron(self) -> LIF:
        """The LIF model the sliders describe (used by every neuron population on the spiking side)."""
        c = self.controls
        tau = c["tau_m_ms"].value if c["leak"].value else math.inf
        return replace(self._model, tau_m_ms=tau, v_threshold=c["v_threshold"].value, reset=c["reset"].value,
                       t_ref_ms=c["t_ref_ms"].value)

    @property
    def circuit(self) -> Circuit:
        """The circuit the controls describe now."""
        c, neuron = self.controls, self.neuron()
        pops = [replace(p, bias=self.biases[p.name].copy(), activation=c["activation"].value, neuron=neuron)
                for p in self.base.populations]
        projs = [replace(p, counts=np.rint(self.counts[k]).astype(np.int64), unit_weight=c[f"unit_weight {k}"].value)
                 for k, p in zip(self.counts, self.base.projections)]
        return replace(self.base, populations=pops, projections=projs)

    @property
    def current_inputs(self) -> dict[str, np.ndarray]:
        """The inputs the controls describe now."""
        return {k: v.copy() for k, v in self.input_picker.arrays.items()}

    def update(self) -> float:
        """Rerun both sides on the current controls and redraw; returns the wall time in ms."""
        start = time.perf_counter()
        try:
            circuit, inputs = self.circuit, self.current_inputs
            record = {p.name: list(range(p.size)) for p in circuit.populations}
            self.ann = self.artificial.run(circuit, inputs)
            self.snn = self.spiking.run(circuit, inputs, seed=self.seed, record_voltage=record)
        except NeurocompareError as exc:
            self.status.value = f"<span style='color:#b00'>{type(exc).__name__}: {exc}</span>"
            return math.nan
        self._draw(circuit)
        elapsed = 1e3 * (time.perf_counter() - start)
        self.latencies_ms.append(elapsed)
        self.status.value = (f"updated in {elapsed:.0f} ms ({self.spiking.name}, dt {self.spiking.dt_ms:g} ms, "
                             f"{self.spiking.duration_ms:g} ms per sample)")
        return elapsed

    # --- drawing --------------------------------------------------------------------------------------
    # The axes and their artists are made once (_setup_axes); an update only sets their data. Clearing
    # and replotting would rebuild every tick and text (~4x slower).
    def _setup_axes(self) -> None:
        ax_out, ax_raster, ax_rates, ax_trace = self.axes.ravel()
        names = self.base.population_names
        out = self.base.population(self.output)
        n_bars = self._batch() * out.size
        x = np.arange(n_bars)
        self._bars = (ax_out.bar(x - 0.2, np.zeros(n_bars), 0.4, label="artificial f(Wx+b)", color=_COLORS[0]),
                      ax_out.bar(x + 0.2, np.zeros(n_bars), 0.4, label="spiking rate / scale", color=_COLORS[1]))
        ax_out.set_xticks(x, [f"s{s}" + (f"[{i}]" if out.size > 1 else "") for s in range(self._batch())
                              for i in range(out.size)])
        _label(ax_out, "", "activation", f"output {self.output!r}: both answers per sample", "upper left")
        self._raster = [ax_raster.plot([], [], "|", ms=4, color=_COLORS[k % len(_COLORS)], label=n)[0]
                        for k, n in enumerate(names)]
        rows = sum(p.size for p in self.base.populations)
        ax_raster.set_yticks([s * (rows + 1) + (rows - 1) / 2 for s in range(self._batch())],
                             [f"sample {s}" for s in range(self._batch())])
        ax_raster.set_xlim(0, self.spiking.duration_ms)
        ax_raster.set_ylim(-1, self._batch() * (rows + 1))
        _label(ax_raster, "time (ms)", "", "spikes (asynchronous pulses)", "upper right")
        self._rates = [ax_rates.plot([], [], "o", ms=5, color=_COLORS[k % len(_COLORS)], label=n)[0]
                       for k, n in enumerate(names)]
        self._equal = ax_rates.plot([0, 1], [0, 1], "k--", lw=0.8, label="equal")[0]
        _label(ax_rates, "artificial activation", "spiking rate / rate scale", "rates: every neuron, every sample",
               "upper left")
        self._trace = ax_trace.plot([], [], lw=0.9, color=_COLORS[2])[0]
        self._threshold = ax_trace.axhline(1.0, ls="--", color="k", lw=0.8, label="threshold")
        _label(ax_trace, "time (ms)", "membrane potential", "membrane", "lower right")

    def _draw(self, circuit: Circuit) -> None:
        ax_out, ax_raster, ax_rates, ax_trace = self.axes.ravel()
        ann, snn = self.ann, self.snn
        for bars, values in zip(self._bars, (ann[self.output].ravel(), snn[self.output].ravel())):
            for bar, v in zip(bars, values):
                bar.set_height(v)
        rows, offset = sum(p.size for p in circuit.populations), 0
        for line, pop in zip(self._raster, circuit.populations):
            trains = snn.spikes[pop.name]
            line.set_data(trains.time_ms, trains.sample * (rows + 1) + offset + trains.neuron)
            offset += pop.size
        for line, name in zip(self._rates, circuit.population_names):
            line.set_data(ann[name].ravel(), snn[name].ravel())
        top = max(1.0, *(float(np.max(r[n])) for r in (ann, snn) for n in circuit.population_names))
        self._equal.set_data([0, top], [0, top])
        name, neuron, sample = self._trace_choice()
        trace = snn.voltages[name]
        self._trace.set_data(trace.time_ms, trace.of(neuron, sample))
        self._threshold.set_ydata([self.controls["v_threshold"].value] * 2)
        ax_trace.set_title(f"membrane of {name}[{neuron}], sample {sample}", y=1.0)
        for ax in (ax_out, ax_rates, ax_trace):
            ax.relim()
            ax.autoscale_view()
        self.image.value = figure_png(self.figure, dpi=_DPI, tight=False)

    def _trace_choice(self) -> tuple[str, int, int]:
        """(population, neuron, sample) of the membrane trace shown, from the "trace of" dropdown."""
        label = self.controls["trace"].value
        name, _, rest = label.partition("[")
        return name, int(rest.split("]")[0]), int(label.rsplit(" ", 1)[1])

    # --- full comparison --------------------------------------------------------------------------------
    def run_full_comparison(self) -> Any:
        """compare() on the current circuit with the f-I and delay probes; shows and returns the Comparison."""
        self.status.value = f"running the full comparison ({self.full_spiking.name}) ..."
        try:
            self.comparison = compare(self.circuit, self.current_inputs, spiking=self.full_spiking, seed=self.seed,
                                      probes=("fi", "delays"), name=f"{self.base.name} (explorer)")
        except NeurocompareError as exc:
            self.status.value = f"<span style='color:#b00'>{type(exc).__name__}: {exc}</span>"
            raise
        self.table.value = self.comparison._repr_html_()
        self.status.value = "full comparison done (table below)"
        return self.comparison
