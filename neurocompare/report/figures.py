"""Figures of a comparison. With :mod:`.panels` (the scenario panels and the shared style), the only modules
that import matplotlib.

Every function takes a :class:`~neurocompare.comparison.Comparison` (or plain data) and returns a
``matplotlib.figure.Figure`` built without pyplot (no global figure state, no GUI backend);
:func:`all_figures` lists the report's figures with their captions. Every axis is labelled with its unit,
lines differ in colour *and* style, and legends sit outside the data (:func:`.panels.legend_outside`).
"""

from __future__ import annotations

import math
import textwrap
from typing import Any, Callable, Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch
from matplotlib.ticker import MaxNLocator

from ..circuit import Circuit
from ..comparison import Comparison
from ..metrics import evaluate_fit, received_drive
from ..models import LIF, effective_neuron, effective_synapse
from .panels import COLORS as _COLORS, LINESTYLES, label_axes as _label, legend_outside, log_time_axis
from .panels import new_figure as _fig, panel_figure

__all__ = [
    "RASTER_MAX_NEURONS",
    "RASTER_SHOWN",
    "shown_neurons",
    "raster_and_heatmap",
    "MEMBRANE_SPIKES",
    "membrane_choice",
    "membrane_traces",
    "transfer_function",
    "rate_scatter",
    "synapse_counts",
    "agreement_vs_time",
    "circuit_diagram",
    "panel_figure",
    "all_figures",
]

_MAX_SAMPLES = 4
#: Populations larger than this show only their :data:`RASTER_SHOWN` most active neurons in the raster and heatmap.
RASTER_MAX_NEURONS = 100
#: How many neurons of a large population the raster and heatmap show.
RASTER_SHOWN = 50
#: The synapse-count figure draws the matrices of at most this many projections (those with most synapses).
COUNTS_MAX_MATRICES = 8
#: The circuit diagram's largest size in inches (width, height); a larger circuit is drawn smaller.
DIAGRAM_MAX_INCHES = (24.0, 16.0)
_FIT_KINDS = ("relu", "sigmoid", "tanh")  # the fits drawn in the transfer figure, in legend order


def _samples(c: Comparison) -> np.ndarray:
    return np.arange(min(_MAX_SAMPLES, c.ann.batch_size))


def shown_neurons(c: Comparison, name: str, samples: np.ndarray, *, limit: int = RASTER_MAX_NEURONS,
                  shown: int = RASTER_SHOWN) -> np.ndarray:
    """The neurons of population ``name`` the raster and heatmap show, in index order.

    All of them if the population has at most ``limit`` neurons; else the ``shown`` most active ones:
    most spikes over ``samples`` (the artificial activation summed over ``samples`` for a population
    without spike trains, e.g. analog inputs), a tie going to the lower index.
    """
    size = c.circuit.population(name).size
    if size <= limit:
        return np.arange(size)
    trains = c.snn.spikes.get(name)
    if trains is not None:
        activity = np.asarray(trains.counts(), dtype=float)[samples].sum(axis=0)
    else:
        activity = np.asarray(c.ann[name], dtype=float)[samples].sum(axis=0)
    order = np.argsort(-activity, kind="stable")  # stable: ties keep the lower index first
    return np.sort(order[:shown])


def _raster(ax: Any, c: Comparison, names: list[str], shown: dict[str, np.ndarray], samples: np.ndarray) -> None:
    """Spikes of the shown neurons, one band per sample, one colour per population."""
    total = sum(len(v) for v in shown.values())
    gap = max(1, total // 6)
    for row, b in enumerate(samples):
        base = row * (total + gap)
        off = 0
        for k, n in enumerate(names):
            tr = c.snn.spikes.get(n)
            size = c.circuit.population(n).size
            if tr is not None and len(tr):
                rank = np.full(size, -1)
                rank[shown[n]] = np.arange(len(shown[n]))
                sel = (tr.sample == b) & (rank[tr.neuron] >= 0)
                label = n if len(shown[n]) == size else f"{n} ({len(shown[n])} most active of {size})"
                ax.scatter(tr.time_ms[sel], base + off + rank[tr.neuron[sel]], s=36 if total < 40 else 6, marker="|",
                           color=_COLORS[k % len(_COLORS)], label=label if row == 0 else None, linewidths=1)
            off += len(shown[n])
        ax.axhline(base - gap / 2, color="0.85", lw=0.8)
    ax.set_yticks([r * (total + gap) + total / 2 for r in range(len(samples))], [f"sample {b}" for b in samples])
    ax.set_xlim(0, c.parameters.get("duration_ms", 1))
    ax.set_ylim(-gap, len(samples) * (total + gap))
    ax.invert_yaxis()
    _label(ax, "time (ms)", "sample (one row per neuron,\ngrouped by population)", "spiking: asynchronous pulses")


def raster_and_heatmap(c: Comparison) -> Figure:
    """Spike raster (left) next to the artificial activations as a heatmap (right), same samples and neurons.

    A population of more than :data:`RASTER_MAX_NEURONS` neurons shows its :data:`RASTER_SHOWN` most active
    ones only (:func:`shown_neurons`); the legend and the heatmap's labels say how many of how many.
    """
    names = [n for n in c.circuit.all_names if n in c.snn.spikes or n in c.ann.activations]
    samples = _samples(c)
    shown = {n: shown_neurons(c, n, samples) for n in names}
    sizes = {n: len(shown[n]) for n in names}
    total = sum(sizes.values())
    fig = _fig(11, 1.2 + 0.9 * len(samples) + 0.02 * total * len(samples))
    ax_r, ax_h = fig.subplots(1, 2, width_ratios=[3, 2])
    _raster(ax_r, c, names, shown, samples)
    grid = np.concatenate([np.asarray(c.ann[n])[samples][:, shown[n]] for n in names], axis=1)
    im = ax_h.imshow(grid, aspect="auto", cmap="viridis", interpolation="nearest")
    edges = np.cumsum([sizes[n] for n in names])[:-1] - 0.5
    for e in edges:
        ax_h.axvline(e, color="white", lw=1.5)
    labels = [n if sizes[n] == c.circuit.population(n).size else f"{n}\n({sizes[n]} most active)" for n in names]
    ax_h.set_xticks(np.cumsum([0] + [sizes[n] for n in names])[:-1] + np.array([sizes[n] for n in names]) / 2 - 0.5,
                    labels, fontsize=8)
    ax_h.set_yticks(range(len(samples)), [f"sample {b}" for b in samples])
    _label(ax_h, "neuron (grouped by population)", "", "artificial: real-valued activations")
    fig.colorbar(im, ax=ax_h, shrink=0.8, label="activation (real value)")
    legend_outside(fig, ax_r, where="lower center", ncol=len(names), title="population")
    return fig


#: The membrane figure shows the run until the most active shown neuron's this-many-th spike (all of it if fewer).
MEMBRANE_SPIKES = 10


def membrane_choice(c: Comparison, *, samples: int = 2) -> list[tuple[int, list[int]]]:
    """The samples and recorded output neurons the membrane figure shows: ``[(sample, [neuron, ...]), ...]``.

    The neurons that carry the answer: in each sample, the recorded output neuron with the most spikes (the
    winning output under an argmax read-out; a tie goes to the lower index) and, when more than one neuron is
    recorded, the runner-up (the most active of the others). The samples are the first ``samples`` ones in which
    that neuron spiked at all (sample 0 alone if no recorded neuron ever spiked). Nothing is simulated: only
    neurons :func:`~neurocompare.compare.compare` recorded (``voltage_neurons``) can be shown.
    """
    vt = c.snn.voltages[c.output]
    counts = np.asarray(c.snn.spikes[c.output].counts())[:, vt.neurons]  # (batch, recorded)
    order = np.argsort(-counts, axis=1, kind="stable")
    active = [int(b) for b in np.flatnonzero(counts.max(axis=1) > 0)][:samples] or [0]
    return [(b, [int(vt.neurons[k]) for k in order[b, :2]]) for b in active]


def _membrane_window(c: Comparison, sample: int, neuron: int) -> float:
    """Until the neuron's :data:`MEMBRANE_SPIKES`-th spike in the sample (the whole run if it spikes less)."""
    duration = float(c.parameters.get("duration_ms", 0.0)) or float(c.snn.voltages[c.output].time_ms[-1])
    t = c.snn.spikes[c.output].times(sample, neuron)
    return min(duration, 1.05 * float(t[MEMBRANE_SPIKES - 1])) if len(t) >= MEMBRANE_SPIKES else duration


def membrane_traces(c: Comparison) -> Figure:
    """Membrane potential of the output neurons that carry the answer, with the threshold and their spikes.

    One row per sample of :func:`membrane_choice` (the most active recorded output neuron and the runner-up),
    until the top neuron's :data:`MEMBRANE_SPIKES`-th spike; spikes are triangles above the threshold line, in the
    colour of their neuron.
    """
    vt = c.snn.voltages.get(c.output)
    if vt is None:
        fig = _fig(10, 3.6)
        ax = fig.subplots()
        ax.text(0.5, 0.5, "no membrane recorded", ha="center", transform=ax.transAxes)
        return fig
    v_th = float(c.spiking_models()[c.output][0].v_threshold)
    picks = membrane_choice(c)
    counts = np.asarray(c.snn.spikes[c.output].counts())
    fig = _fig(10, 0.6 + 2.8 * len(picks))
    axes = np.atleast_1d(fig.subplots(len(picks), 1, squeeze=False)).ravel()
    for ax, (b, neurons) in zip(axes, picks):
        window = _membrane_window(c, b, neurons[0])
        keep = vt.time_ms <= window
        for j, n in enumerate(neurons):
            color, ls = _COLORS[j % len(_COLORS)], LINESTYLES[j % len(LINESTYLES)]
            role = "most spikes" if j == 0 else "runner-up"
            label = f"neuron {n} ({role}: {counts[b, n]} spikes in the run)"
            ax.plot(vt.time_ms[keep], vt.of(n, b)[keep], lw=1.2, color=color, ls=ls, label=label, zorder=3 - j)
            t = c.snn.spikes[c.output].times(b, n)
            t = t[t <= window]
            ax.plot(t, np.full(len(t), v_th) + 0.08 * abs(v_th) * (1 + j), "v", ms=6, color=color, zorder=4,
                    label=f"spikes of neuron {n}" if len(t) else None)
        ax.axhline(v_th, color="k", ls="--", lw=1, label="threshold", zorder=1)
        _label(ax, "time (ms)", f"membrane potential\n(threshold {v_th:g})", f"sample {b}")
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, borderaxespad=0)
    recorded = "" if len(vt.neurons) == c.circuit.population(c.output).size else \
        f"\n(membrane recorded for neurons {', '.join(map(str, vt.neurons))} of {c.circuit.population(c.output).size})"
    fig.suptitle(textwrap.fill(f"{c.output}: {membrane_story(c)}", 110) + recorded, fontsize=10)
    return fig


def membrane_story(c: Comparison) -> str:
    """What the membrane figure shows, for the model that ran and what it did (silent, no reset, ...)."""
    model = c.spiking_models()[c.output][0]
    name = getattr(model, "model_name", "lif")
    spikes = c.snn.spikes.get(c.output)
    if spikes is None or int(np.asarray(spikes.counts()).sum()) == 0:
        most = float(np.max(received_drive(c.circuit, c.snn, c.output)))
        first = c.metrics["first_spike_drive"].value if "first_spike_drive" in c.metrics else None
        story = (f"the output neurons ({name}) never reached the threshold (black dashed) in this run: silent; the "
                 f"largest mean drive they received was {most:.3g}")
        if first is None or math.isnan(first):
            return story
        if most < first:
            return f"{story}, below this model's threshold for a first spike ({first:.3g}, f-I probe)"
        return f"{story}, above this model's threshold for a first spike ({first:.3g}, f-I probe), yet no spike"
    if name == "hodgkin_huxley":
        return ("the most active output neurons (Hodgkin-Huxley) spike when v rises through the detection level "
                "(black dashed; triangles) and recover by their own currents: no reset")
    if name in ("izhikevich", "adex"):
        return (f"the most active output neurons ({name}) run up through the spike cut-off (black dashed), spike "
                "(triangles) and are reset, their recovery variable carrying over")
    return ("the most active output neurons integrate to the threshold (black dashed), spike (triangles) and "
            "reset")


def transfer_function(c: Comparison) -> Figure:
    """The spiking neuron's measured f-I curve next to the activation functions.

    The relu / sigmoid / tanh curves are the fits :func:`~neurocompare.compare.compare` made
    (``curves["transfer_fit_KIND"]``, RMSE in the metric ``transfer_fit_rmse.KIND``), drawn with
    :func:`~neurocompare.metrics.evaluate_fit`; nothing is fitted here.
    """
    z = c.curves["transfer_z"]
    y = c.curves["transfer_spiking"]
    fig = _fig(9, 4.2)
    ax = fig.subplots()
    ax.plot(z, y, "o", ms=4, color="k", label="spiking (measured)")
    analytic = np.asarray(c.curves["transfer_analytic"], dtype=float)
    if np.any(np.isfinite(analytic)):  # NaN for a model without a closed-form rate
        ax.plot(z, analytic, "-", color="0.5", lw=2, alpha=0.6, label="LIF analytic")
    own = c.circuit.population(c.output).activation_name
    ax.plot(z, c.curves["transfer_own"], "--", color=_COLORS[0], label=f"{own} (the artificial neuron)")
    zz = np.linspace(z.min(), z.max(), 300)
    for k, kind in enumerate(_FIT_KINDS):
        params = c.curves.get(f"transfer_fit_{kind}")
        if params is None:  # saved before compare() kept its fits: draw none rather than re-fit here
            continue
        rmse = c.metrics[f"transfer_fit_rmse.{kind}"].value
        ax.plot(zz, evaluate_fit(kind, params, zz), lw=1.3, color=_COLORS[(k + 1) % len(_COLORS)],
                ls=LINESTYLES[(k + 1) % len(LINESTYLES)],
                label=f"best {kind} fit (RMSE {rmse:.3g})")
    _label(ax, "drive W x + b (activation units)", "rate / rate scale",
           "nonlinearity: threshold vs programmable function")
    legend_outside(fig, ax)
    return fig


def rate_scatter(c: Comparison) -> Figure:
    """Decoded spiking rates against artificial activations, per population."""
    fig = _fig(7.5, 5)
    ax = fig.subplots()
    lo, hi = 0.0, 0.0
    for k, name in enumerate(c.circuit.population_names):
        a, s = np.asarray(c.ann[name]).ravel(), np.asarray(c.snn[name]).ravel()
        ax.scatter(a, s, s=14, alpha=0.6, color=_COLORS[k % len(_COLORS)], marker="os^Dv"[k % 5], label=name)
        lo, hi = min(lo, a.min(), s.min()), max(hi, a.max(), s.max())
    ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="equal")
    _label(ax, "artificial activation", "spiking rate / rate scale", "amplitude coding: rate vs real value")
    legend_outside(fig, ax)
    return fig


def synapse_counts(c: Comparison) -> Figure:
    """Each projection's synapse counts as a matrix, and the histogram of the non-zero counts.

    The histogram leaves out the zeros (unconnected pairs, which would swamp it in a sparse circuit) and
    its title says how many pairs are connected.
    """
    every = c.circuit.projections
    # at most COUNTS_MAX_MATRICES matrices (the projections with most synapses, in circuit order): a figure stays
    # readable and is drawn in a second, whatever the circuit; the histogram counts every projection
    keep = set(sorted(range(len(every)), key=lambda i: -every[i].n_synapses)[:COUNTS_MAX_MATRICES])
    projs = [p for i, p in enumerate(every) if i in keep]
    fig = _fig(3.2 * max(1, len(projs)) + 3.5, 3.6)
    axes = fig.subplots(1, len(projs) + 1, squeeze=False)[0]
    vmax = max((np.abs(p.counts).max() for p in projs), default=1) or 1
    for ax, p in zip(axes, projs):
        mappable = ax.imshow(p.counts, cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto", interpolation="nearest")
        if p.counts.size <= 64:
            for (i, j), n in np.ndenumerate(p.counts):  # white on the dark cells, black on the light ones
                ax.text(j, i, str(n), ha="center", va="center", fontsize=8,
                        color="white" if abs(n) > 0.55 * vmax else "black")
        ax.set_title(f"{p.name}\n(unit {p.unit_weight:g})", fontsize=9)
        ax.set_xlabel(f"pre ({p.pre})")
        ax.set_ylabel(f"post ({p.post})")
        for axis, n in ((ax.xaxis, p.counts.shape[1]), (ax.yaxis, p.counts.shape[0])):  # neurons are whole
            if n <= 12:
                axis.set_ticks(range(n))
            else:
                axis.set_major_locator(MaxNLocator(nbins=6, integer=True, min_n_ticks=1))
    if projs:
        bar = fig.colorbar(mappable, ax=axes[: len(projs)].tolist(), shrink=0.8, pad=0.03, aspect=25)
        bar.locator = MaxNLocator(nbins=5, integer=True)
        bar.update_ticks()
        bar.set_label("synapse count (< 0: inhibitory)", fontsize=8)
    if len(projs) < len(every):
        fig.suptitle(f"the {len(projs)} projections with most synapses of {len(every)}", fontsize=9)
    nonzero = np.concatenate([p.nonzero[2] for p in every]) if every else np.zeros(0, dtype=np.int64)
    pairs = sum(p.counts.size for p in every)
    if nonzero.size:
        axes[-1].hist(nonzero, bins=np.arange(nonzero.min() - 0.5, nonzero.max() + 1.5), color="0.4")
    axes[-1].xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
    axes[-1].yaxis.set_major_locator(MaxNLocator(integer=True))
    axes[-1].set_xlabel("synapse count (non-zero only)")
    axes[-1].set_ylabel("connected pairs")
    axes[-1].set_title(f"weights as integers: non-zero counts\n({nonzero.size:,} of {pairs:,} pairs connected)",
                       fontsize=8)
    return fig


def agreement_vs_time(c: Comparison) -> Figure:
    """Output agreement with the artificial network when decoding only the first t ms (log time axis)."""
    fig = _fig(8, 3.8)
    ax = fig.subplots()
    t, a = np.asarray(c.curves["agreement_t_ms"], dtype=float), np.asarray(c.curves["agreement"], dtype=float)
    pos = t > 0
    ax.plot(t[pos], 100 * a[pos], "-", color=_COLORS[0], lw=2, label="agreement")
    log_time_axis(ax)
    ax.set_ylim(-2, 102)
    ttl = c.metrics["time_to_agreement_ms"].value if "time_to_agreement_ms" in c.metrics else math.nan
    if not math.isnan(ttl):
        ax.axvline(ttl, color="0.3", ls=":", label=f"median settle time {ttl:.3g} ms")
    _label(ax, "simulated time decoded (ms, log scale)", "same answer as the\nartificial network (%)",
           "timing: the spiking answer needs time")
    legend_outside(fig, ax)
    return fig


def _layout(circuit: Circuit) -> dict[str, tuple[float, float]]:
    level = {n: 0 for n in circuit.input_names}
    order = circuit.topological_order()
    if order is not None:
        for name in order:
            level[name] = 1 + max((level[p.pre] for p in circuit.projections_into(name)), default=0)
    else:
        for i, name in enumerate(circuit.population_names):
            level[name] = 1 + i
    cols: dict[int, list[str]] = {}
    for n in circuit.all_names:
        cols.setdefault(level[n], []).append(n)
    pos = {}
    for lv, names in cols.items():
        for i, n in enumerate(names):
            pos[n] = (float(lv), (len(names) - 1) / 2 - i)
    return pos


def circuit_diagram(circuit: Circuit, models: Mapping[str, tuple[Any, Any]] | None = None) -> Figure:
    """Populations as nodes (size, activation, spiking neuron and synapse model), projections as arrows labelled
    with synapse counts and delays. ``models``: population -> (neuron, synapse) as
    :meth:`~neurocompare.comparison.Comparison.spiking_models` gives (default: each population's own, else LIF
    and delta)."""
    models = models or {p.name: (effective_neuron(p, LIF()), effective_synapse(p, None)) for p in circuit.populations}
    pos = _layout(circuit)
    width = 2.6 * (max(x for x, _ in pos.values()) + 1) + 1
    height = 1.6 * (max(abs(y) for _, y in pos.values()) * 2 + 1) + 1.2
    # a large circuit is drawn within DIAGRAM_MAX_INCHES (each side capped on its own; its labels then shrink, down
    # to 3 pt), never less than 2.8 inches high
    shrink = min(1.0, DIAGRAM_MAX_INCHES[0] / width, DIAGRAM_MAX_INCHES[1] / height)
    fig = _fig(min(width, DIAGRAM_MAX_INCHES[0]), max(min(height, DIAGRAM_MAX_INCHES[1]), 2.8))
    ax = fig.subplots()
    ax.set_axis_off()
    for name, (x, y) in pos.items():
        pop = circuit.population(name)
        is_in = circuit.is_input(name)
        label = f"{name}\n{pop.size} {'inputs' if is_in else 'neurons'}"
        if not is_in:
            neuron, synapse = models[name]
            label += f"\n{pop.activation_name} | {neuron.label()}"
            label += "" if synapse.model_name == "delta" else f"\n{synapse.model_name} synapses"
        ax.text(x, y, label, ha="center", va="center", fontsize=max(3.0, 9 * shrink), zorder=3,
                bbox=dict(boxstyle="round,pad=0.5", fc="#e8f0fe" if is_in else "#fde8e8", ec="0.3"))
    for p in circuit.projections:
        (x0, y0), (x1, y1) = pos[p.pre], pos[p.post]
        d = p.delays
        delay = f"{d.min():g} ms" if d.min() == d.max() else f"{d.min():g}-{d.max():g} ms"
        text = f"{p.n_synapses} syn. [{p.counts.min()}..{p.counts.max()}]\nx {p.unit_weight:g}, delay {delay}"
        if p.pre == p.post:
            arrow = FancyArrowPatch((x0 - 0.15, y0 + 0.25), (x0 + 0.15, y0 + 0.25), connectionstyle="arc3,rad=-1.8",
                                    arrowstyle="-|>", mutation_scale=12, color="0.3")
            ax.add_patch(arrow)
            ax.text(x0, y0 + 0.75, text, ha="center", fontsize=max(3.0, 7 * shrink))
            continue
        rad = 0.25 if x1 <= x0 else 0.0
        arrow = FancyArrowPatch((x0, y0), (x1, y1), connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>",
                                mutation_scale=14 * shrink, shrinkA=38 * shrink, shrinkB=38 * shrink, color="0.3")
        ax.add_patch(arrow)
        ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.12 + (0.3 if rad else 0), text, ha="center",
                fontsize=max(3.0, 7 * shrink),
                bbox=dict(fc="white", ec="none", alpha=0.8))
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 1.2)
    ax.set_title(f"circuit {circuit.name!r}")
    return fig


def all_figures(c: Comparison) -> list[tuple[str, str, Callable[[], Figure]]]:
    """(file stem, caption, figure factory) for every figure of a comparison's report."""
    figs: list[tuple[str, str, Callable[[], Figure]]] = [
        ("circuit", "The circuit: populations as nodes (size, activation | spiking neuron model, and the synapse "
                    "model where it is not the delta jump), projections labelled with synapse counts, unit weight "
                    "and axonal delay.", lambda: circuit_diagram(c.circuit, c.spiking_models())),
        ("raster_heatmap", "Amplitude coding: the same samples as spikes (left) and as real values (right); a "
                           f"population of more than {RASTER_MAX_NEURONS} neurons shows its {RASTER_SHOWN} most "
                           "active ones (most spikes in these samples).",
         lambda: raster_and_heatmap(c)),
        ("membrane", f"Membrane potential of output neurons: {membrane_story(c)}.", lambda: membrane_traces(c)),
        ("rate_scatter", "Decoded spiking rate vs artificial activation for every neuron and sample.",
         lambda: rate_scatter(c)),
        ("synapse_counts", "Weights as synapse counts: matrices per projection and the histogram of the non-zero "
                           "counts (connected pairs).",
         lambda: synapse_counts(c)),
        ("agreement_time", "Timing: output agreement with the artificial network vs simulated time decoded.",
         lambda: agreement_vs_time(c)),
    ]
    if "transfer_z" in c.curves:  # measured by the "fi" probe only
        lif = bool(np.any(np.isfinite(np.asarray(c.curves["transfer_analytic"], dtype=float))))
        figs.insert(3, ("transfer", "Nonlinearity: the spiking neuron's measured rate vs drive, " + (
            "the analytic LIF curve, " if lif else "") + "the artificial activation and the best relu / sigmoid / tanh "
                                                         "fits.", lambda: transfer_function(c)))
    for panel in c.extras:
        if panel.kind != "table":  # a table is text: the reports show it as an HTML / Markdown table
            figs.append((f"extra_{panel.name}", panel.caption, (lambda p=panel: panel_figure(p))))
    return figs
