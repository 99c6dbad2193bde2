"""Figures of a comparison. The only module that imports matplotlib.

Every function takes a :class:`~neurocompare.comparison.Comparison` (or plain data) and returns a
``matplotlib.figure.Figure`` built without pyplot (no global figure state, no GUI backend);
:func:`all_figures` lists the report's figures with their captions.
"""

from __future__ import annotations

import math
from typing import Any, Callable, Mapping

import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import FancyArrowPatch

from ..circuit import Circuit
from ..comparison import Comparison, Panel
from ..metrics import evaluate_fit
from ..models import effective_neuron

__all__ = [
    "RASTER_MAX_NEURONS",
    "RASTER_SHOWN",
    "shown_neurons",
    "raster_and_heatmap",
    "membrane_traces",
    "transfer_function",
    "rate_scatter",
    "synapse_counts",
    "agreement_vs_time",
    "circuit_diagram",
    "panel_figure",
    "all_figures",
]

_COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
_MAX_SAMPLES = 4
#: Populations larger than this show only their :data:`RASTER_SHOWN` most active neurons in the raster and heatmap.
RASTER_MAX_NEURONS = 100
#: How many neurons of a large population the raster and heatmap show.
RASTER_SHOWN = 50
_FIT_KINDS = ("relu", "sigmoid", "tanh")  # the fits drawn in the transfer figure, in legend order


def _fig(w: float, h: float) -> Figure:
    return Figure(figsize=(w, h), dpi=100, layout="constrained")


def _label(ax: Any, xlabel: str, ylabel: str, title: str, **legend: Any) -> None:
    """Axis labels and title; a legend too when legend options are given."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    if legend:
        ax.legend(**legend)


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
    ax.set_xlabel("time (ms)")
    ax.set_title("spiking: asynchronous pulses")
    ax.legend(loc="upper right", fontsize=7, markerscale=3)


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
    ax_h.set_title("artificial: real-valued activations")
    fig.colorbar(im, ax=ax_h, shrink=0.8)
    return fig


def membrane_traces(c: Comparison) -> Figure:
    """Membrane potential of the recorded output neurons, with the threshold and the spikes."""
    fig = _fig(10, 3.6)
    ax = fig.subplots()
    vt = c.snn.voltages.get(c.output)
    if vt is None:
        ax.text(0.5, 0.5, "no membrane recorded", ha="center", transform=ax.transAxes)
        return fig
    neuron = effective_neuron(c.circuit.population(c.output), c.parameters.get("neuron", {}))
    neuron_params = neuron if isinstance(neuron, Mapping) else neuron.to_dict()  # the backend's is saved as a dict
    v_th = float(neuron_params.get("v_threshold", 1.0))
    k = 0
    for b in _samples(c)[:3]:
        for i, n in enumerate(vt.neurons[:2]):
            color = _COLORS[k % len(_COLORS)]
            ax.plot(vt.time_ms, vt.v[b, i], lw=1, color=color, label=f"sample {b}, neuron {n}")
            spikes = c.snn.spikes[c.output]
            t = spikes.times(int(b), int(n))
            ax.plot(t, np.full(len(t), v_th), "v", ms=4, color=color)
            k += 1
    ax.axhline(v_th, color="k", ls="--", lw=1, label="threshold")
    _label(ax, "time (ms)", "membrane potential (threshold units)",
           f"{c.output}: integrate to threshold, spike (triangles), reset", fontsize=7, ncol=2, loc="lower right")
    return fig


def transfer_function(c: Comparison) -> Figure:
    """The spiking neuron's measured f-I curve next to the activation functions.

    The relu / sigmoid / tanh curves are the fits :func:`~neurocompare.compare.compare` made
    (``curves["transfer_fit_KIND"]``, RMSE in the metric ``transfer_fit_rmse.KIND``), drawn with
    :func:`~neurocompare.metrics.evaluate_fit`; nothing is fitted here.
    """
    z = c.curves["transfer_z"]
    y = c.curves["transfer_spiking"]
    fig = _fig(7, 4.2)
    ax = fig.subplots()
    ax.plot(z, y, "o", ms=4, color="k", label="spiking (measured)")
    ax.plot(z, c.curves["transfer_analytic"], "-", color="0.5", lw=2, alpha=0.6, label="LIF analytic")
    own = c.circuit.population(c.output).activation_name
    ax.plot(z, c.curves["transfer_own"], "--", color=_COLORS[0], label=f"{own} (the artificial neuron)")
    zz = np.linspace(z.min(), z.max(), 300)
    for k, kind in enumerate(_FIT_KINDS):
        params = c.curves.get(f"transfer_fit_{kind}")
        if params is None:  # saved before compare() kept its fits: draw none rather than re-fit here
            continue
        rmse = c.metrics[f"transfer_fit_rmse.{kind}"].value
        ax.plot(zz, evaluate_fit(kind, params, zz), lw=1, color=_COLORS[(k + 1) % len(_COLORS)],
                label=f"best {kind} fit (RMSE {rmse:.3g})")
    _label(ax, "drive W x + b (activation units)", "rate / rate scale",
           "nonlinearity: threshold vs programmable function", fontsize=7)
    return fig


def rate_scatter(c: Comparison) -> Figure:
    """Decoded spiking rates against artificial activations, per population."""
    fig = _fig(6, 5)
    ax = fig.subplots()
    lo, hi = 0.0, 0.0
    for k, name in enumerate(c.circuit.population_names):
        a, s = np.asarray(c.ann[name]).ravel(), np.asarray(c.snn[name]).ravel()
        ax.scatter(a, s, s=12, alpha=0.6, color=_COLORS[k % len(_COLORS)], label=name)
        lo, hi = min(lo, a.min(), s.min()), max(hi, a.max(), s.max())
    ax.plot([lo, hi], [lo, hi], "k--", lw=1, label="equal")
    _label(ax, "artificial activation", "spiking rate / rate scale", "amplitude coding: rate vs real value",
           fontsize=8)
    return fig


def synapse_counts(c: Comparison) -> Figure:
    """Each projection's synapse counts as a matrix, and the histogram of the non-zero counts.

    The histogram leaves out the zeros (unconnected pairs, which would swamp it in a sparse circuit) and
    its title says how many pairs are connected.
    """
    projs = c.circuit.projections
    fig = _fig(3.2 * max(1, len(projs)) + 3.5, 3.6)
    axes = fig.subplots(1, len(projs) + 1, squeeze=False)[0]
    vmax = max((np.abs(p.counts).max() for p in projs), default=1) or 1
    for ax, p in zip(axes, projs):
        mappable = ax.imshow(p.counts, cmap="RdBu_r", vmin=-vmax, vmax=vmax, aspect="auto", interpolation="nearest")
        if p.counts.size <= 64:
            for (i, j), n in np.ndenumerate(p.counts):
                ax.text(j, i, str(n), ha="center", va="center", fontsize=8)
        ax.set_title(f"{p.name}\n(unit {p.unit_weight:g})", fontsize=9)
        ax.set_xlabel(f"pre ({p.pre})")
        ax.set_ylabel(f"post ({p.post})")
    if projs:
        fig.colorbar(mappable, ax=axes[: len(projs)].tolist(), shrink=0.8, label="synapses (- inhibitory)")
    nonzero = np.concatenate([p.nonzero[2] for p in projs]) if projs else np.zeros(0, dtype=np.int64)
    pairs = sum(p.counts.size for p in projs)
    if nonzero.size:
        axes[-1].hist(nonzero, bins=np.arange(nonzero.min() - 0.5, nonzero.max() + 1.5), color="0.4")
    axes[-1].set_xlabel("synapse count (non-zero only)")
    axes[-1].set_ylabel("connected pairs")
    axes[-1].set_title(f"weights as integers: non-zero counts\n({nonzero.size:,} of {pairs:,} pairs connected)",
                       fontsize=8)
    return fig


def agreement_vs_time(c: Comparison) -> Figure:
    """Output agreement with the artificial network when decoding only the first t ms."""
    fig = _fig(7, 3.8)
    ax = fig.subplots()
    t, a = c.curves["agreement_t_ms"], c.curves["agreement"]
    ax.plot(t, 100 * a, "-", color=_COLORS[0], lw=2)
    ax.set_ylim(-2, 102)
    ax.set_xlabel("simulated time decoded (ms)")
    ax.set_ylabel("same answer as the artificial network (%)")
    ttl = c.metrics["time_to_agreement_ms"].value if "time_to_agreement_ms" in c.metrics else math.nan
    if not math.isnan(ttl):
        ax.axvline(ttl, color="0.5", ls=":", label=f"median settle time {ttl:.3g} ms")
        ax.legend(fontsize=8)
    ax.set_title("timing: the spiking answer needs time")
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


def circuit_diagram(circuit: Circuit) -> Figure:
    """Populations as nodes, projections as arrows labelled with synapse counts and delays."""
    pos = _layout(circuit)
    width = 2.6 * (max(x for x, _ in pos.values()) + 1) + 1
    height = 1.6 * (max(abs(y) for _, y in pos.values()) * 2 + 1) + 1.2
    fig = _fig(width, height)
    ax = fig.subplots()
    ax.set_axis_off()
    for name, (x, y) in pos.items():
        pop = circuit.population(name)
        is_in = circuit.is_input(name)
        label = f"{name}\n{pop.size} {'inputs' if is_in else 'neurons'}"
        if not is_in:
            label += f"\n{pop.activation_name}"
        ax.text(x, y, label, ha="center", va="center", fontsize=9, zorder=3,
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
            ax.text(x0, y0 + 0.75, text, ha="center", fontsize=7)
            continue
        rad = 0.25 if x1 <= x0 else 0.0
        arrow = FancyArrowPatch((x0, y0), (x1, y1), connectionstyle=f"arc3,rad={rad}", arrowstyle="-|>",
                                mutation_scale=14, shrinkA=38, shrinkB=38, color="0.3")
        ax.add_patch(arrow)
        ax.text((x0 + x1) / 2, (y0 + y1) / 2 + 0.12 + (0.3 if rad else 0), text, ha="center", fontsize=7,
                bbox=dict(fc="white", ec="none", alpha=0.8))
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    ax.set_xlim(min(xs) - 0.7, max(xs) + 0.7)
    ax.set_ylim(min(ys) - 0.8, max(ys) + 1.2)
    ax.set_title(f"circuit {circuit.name!r}")
    return fig


def panel_figure(panel: Panel) -> Figure:
    """Render a scenario's :class:`~neurocompare.comparison.Panel` (lines, bars, heatmap, images, table)."""
    return _PANEL_DRAWERS[panel.kind](panel)


def _table_panel(panel: Panel) -> Figure:
    fig = _fig(min(14, 1.6 * max(2, len(panel.columns)) + 1), 0.6 + 0.32 * (len(panel.rows) + 1))
    ax = fig.subplots()
    ax.set_axis_off()
    tbl = ax.table(cellText=[list(r) for r in panel.rows] or [[""] * len(panel.columns)],
                   colLabels=list(panel.columns), loc="center", cellLoc="center")
    tbl.auto_set_font_size(False)
    tbl.set_fontsize(8)
    ax.set_title(panel.title)
    return fig


def _images_panel(panel: Panel) -> Figure:
    images = panel.series["images"]
    n = len(images)
    cols = min(n, 8)
    rows = int(math.ceil(n / cols))
    fig = _fig(1.4 * cols + 0.4, 1.6 * rows + 0.6)
    axes = np.atleast_1d(fig.subplots(rows, cols, squeeze=False)).ravel()
    for k, ax in enumerate(axes):
        ax.set_axis_off()
        if k < n:
            ax.imshow(images[k], cmap="gray_r", interpolation="nearest")
            if k < len(panel.columns):
                ax.set_title(panel.columns[k], fontsize=7)
    fig.suptitle(panel.title)
    return fig


def _heatmap_panel(panel: Panel) -> Figure:
    fig = _fig(7, 4)
    ax = fig.subplots()
    values = panel.series["values"]
    im = ax.imshow(values, aspect="auto", cmap="viridis", interpolation="nearest")
    if panel.columns:
        ax.set_xticks(range(len(panel.columns)), panel.columns, fontsize=7, rotation=45, ha="right")
    if panel.rows:
        ax.set_yticks(range(len(panel.rows)), [" ".join(r) for r in panel.rows], fontsize=7)
    if values.size <= 150:
        for (i, j), v in np.ndenumerate(values):
            ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=7, color="w")
    fig.colorbar(im, ax=ax)
    _label(ax, panel.xlabel, panel.ylabel, panel.title)
    return fig


def _series_panel(panel: Panel) -> Figure:
    """Lines (with error bars when given) or grouped bars, one colour per series."""
    fig = _fig(7, 4)
    ax = fig.subplots()
    x = panel.x
    n = len(panel.series)
    for k, (label, y) in enumerate(panel.series.items()):
        color = _COLORS[k % len(_COLORS)]
        err = panel.errors.get(label)
        if panel.kind == "bars":
            xs = np.arange(len(y)) + (k - (n - 1) / 2) * 0.8 / max(n, 1)
            ax.bar(xs, y, width=0.8 / max(n, 1), yerr=err, color=color, label=label, capsize=2)
        else:
            xs = x if x is not None else np.arange(len(y))
            if err is not None:
                ax.errorbar(xs, y, yerr=err, color=color, label=label, marker="o", ms=3, capsize=2)
            else:
                ax.plot(xs, y, color=color, label=label, marker="o" if len(y) < 40 else None, ms=3)
    if panel.kind == "bars" and x is not None:
        ax.set_xticks(range(len(x)), [str(v) for v in x], fontsize=8, rotation=30 if len(x) > 6 else 0)
    if n > 1 or panel.kind == "lines":
        ax.legend(fontsize=8)
    _label(ax, panel.xlabel, panel.ylabel, panel.title)
    return fig


#: Panel kind -> drawing function (see :data:`neurocompare.comparison.PANEL_KINDS`).
_PANEL_DRAWERS: dict[str, Callable[[Panel], Figure]] = {
    "table": _table_panel,
    "images": _images_panel,
    "heatmap": _heatmap_panel,
    "lines": _series_panel,
    "bars": _series_panel,
}


def all_figures(c: Comparison) -> list[tuple[str, str, Callable[[], Figure]]]:
    """(file stem, caption, figure factory) for every figure of a comparison's report."""
    figs: list[tuple[str, str, Callable[[], Figure]]] = [
        ("circuit", "The circuit: populations as nodes, projections labelled with synapse counts, unit weight "
                    "and axonal delay.", lambda: circuit_diagram(c.circuit)),
        ("raster_heatmap", "Amplitude coding: the same samples as spikes (left) and as real values (right); a "
                           f"population of more than {RASTER_MAX_NEURONS} neurons shows its {RASTER_SHOWN} most "
                           "active ones (most spikes in these samples).",
         lambda: raster_and_heatmap(c)),
        ("membrane", "Membrane potential of output neurons: integration to the threshold (dashed), spike, reset.",
         lambda: membrane_traces(c)),
        ("rate_scatter", "Decoded spiking rate vs artificial activation for every neuron and sample.",
         lambda: rate_scatter(c)),
        ("synapse_counts", "Weights as synapse counts: matrices per projection and the histogram of the non-zero "
                           "counts (connected pairs).",
         lambda: synapse_counts(c)),
        ("agreement_time", "Timing: output agreement with the artificial network vs simulated time decoded.",
         lambda: agreement_vs_time(c)),
    ]
    if "transfer_z" in c.curves:  # measured by the "fi" probe only
        figs.insert(3, ("transfer", "Nonlinearity: the spiking neuron's measured rate vs drive, the analytic LIF "
                                    "curve, the artificial activation and the best relu / sigmoid / tanh fits.",
                        lambda: transfer_function(c)))
    for panel in c.extras:
        figs.append((f"extra_{panel.name}", panel.caption, (lambda p=panel: panel_figure(p))))
    return figs
