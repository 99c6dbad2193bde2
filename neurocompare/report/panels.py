"""Figures of scenario panels, and the drawing style every report figure shares.

:func:`panel_figure` renders a :class:`~neurocompare.comparison.Panel` (lines, bars, heatmap, images, table)
from its plain data; :mod:`neurocompare.report.figures` re-exports it. The style helpers (:func:`new_figure`,
:func:`legend_outside`, :func:`line_styles`) are what makes every figure readable at 100%: distinct colours
*and* line styles, legends outside the data, labelled axes. Like :mod:`.figures`, this module imports
matplotlib without pyplot (no global figure state, no GUI backend).

Two panels carry more meaning than a generic drawer can show and have their own drawers, keyed by the
name the study gives them (:mod:`neurocompare.studies.conversion`): ``accuracy_time`` (log time axis, a
zoom on the ANN's accuracy, the ANN as reference lines) and ``error_budget_bars`` (counted terms, totals and
what-ifs in distinct colours, with the one-test-sample resolution drawn as a band). A lines panel named ``grid``
or ``grid_*`` is drawn as small multiples: its series are named ``"GROUP | LINE"``, one subplot per group with
shared axes, the same lines in the same style in every subplot (e.g. one f-I curve per neuron model with the
fitted activations overlaid).
"""

from __future__ import annotations

import math
from typing import Any, Callable, Sequence

import numpy as np
from matplotlib import colormaps
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from ..comparison import Panel

__all__ = ["COLORS", "LINESTYLES", "MARKERS", "new_figure", "label_axes", "legend_outside", "line_styles",
           "log_time_axis", "panel_figure"]

#: Colours of the data series, in order (colour-blind-safe order of the tab10 palette).
COLORS = ["#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#8c564b", "#e377c2", "#17becf"]
#: Line styles, cycled alongside the colours so that two lines never differ by colour alone.
LINESTYLES = ["-", "--", "-.", ":"]
#: Marker shapes for short series (drawn open, so coinciding points stay visible).
MARKERS = ["o", "s", "^", "D", "v", "P", "X", "*"]


def new_figure(w: float, h: float) -> Figure:
    """A figure of ``w`` x ``h`` inches at 100 dpi with constrained layout (nothing clipped)."""
    return Figure(figsize=(w, h), dpi=100, layout="constrained")


def label_axes(ax: Any, xlabel: str, ylabel: str, title: str) -> None:
    """Axis labels and title."""
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.set_title(title)


def legend_outside(fig: Figure, ax: Any = None, *, where: str = "right upper", **kw: Any) -> Any:
    """A figure legend outside the axes (right by default), from ``ax``'s labelled artists (all axes' if None).

    Constrained layout makes room for it, so it never covers data. Returns the legend (None if nothing is labelled).
    """
    axes = [ax] if ax is not None else fig.axes
    handles, labels = [], []
    for a in axes:
        for h, lab in zip(*a.get_legend_handles_labels()):
            if lab not in labels:
                handles.append(h)
                labels.append(lab)
    if not handles:
        return None
    return fig.legend(handles, labels, loc=f"outside {where}", fontsize=kw.pop("fontsize", 8), **kw)


def log_time_axis(ax: Any) -> None:
    """A logarithmic x axis with plain tick labels (1, 10, 100, not 10^0) and a light grid."""
    ax.set_xscale("log")
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
    ax.grid(True, which="both", color="0.92", lw=0.6)


def line_styles(labels: Sequence[str]) -> list[dict[str, Any]]:
    """Colour, line style and marker for each series label, so that no two lines look alike.

    When some label reads "GROUP, VARIANT", each label takes its colour from GROUP and its line style from
    VARIANT (e.g. "regular, rate read-out" and "regular, charge read-out" share a colour, not a style; a label
    without a comma is a group of its own with the first style). Otherwise series k gets colour k and a line
    style that differs from every other series with that colour (unique for up to 32 series). Every series
    gets its own marker shape.
    """
    parts = [str(label).partition(", ")[::2] for label in labels]
    grouped = any(variant for _, variant in parts)
    groups = list(dict.fromkeys(g for g, _ in parts))
    variants = list(dict.fromkeys(v for _, v in parts))
    out = []
    for k, (group, variant) in enumerate(parts):
        if grouped:
            color, ls = groups.index(group), variants.index(variant)
        else:
            color, ls = k, k % len(LINESTYLES) + k // len(COLORS)
        out.append({"color": COLORS[color % len(COLORS)], "ls": LINESTYLES[ls % len(LINESTYLES)],
                    "marker": MARKERS[k % len(MARKERS)]})
    return out


def panel_figure(panel: Panel) -> Figure:
    """Render a scenario's :class:`~neurocompare.comparison.Panel` (lines, bars, heatmap, images, table)."""
    named = (d for (name, kind), d in _NAMED_DRAWERS.items()
             if kind == panel.kind and (panel.name == name or panel.name.startswith(name + "_")))
    drawer = next(named, None) or _PANEL_DRAWERS[panel.kind]
    return drawer(panel)


def _table_panel(panel: Panel) -> Figure:
    fig = new_figure(min(14, 1.6 * max(2, len(panel.columns)) + 1), 0.6 + 0.32 * (len(panel.rows) + 1))
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
    fig = new_figure(1.4 * cols + 0.4, 1.6 * rows + 0.6)
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
    """Values as colours, each cell labelled when there are few; text black on light cells, white on dark."""
    fig = new_figure(7, 4.4)
    ax = fig.subplots()
    values = panel.series["values"]
    im = ax.imshow(values, aspect="auto", cmap="viridis", interpolation="nearest")
    if panel.columns:
        ax.set_xticks(range(len(panel.columns)), panel.columns, fontsize=8, rotation=45, ha="right")
    if panel.rows:
        ax.set_yticks(range(len(panel.rows)), [" ".join(r) for r in panel.rows], fontsize=8)
    if values.size <= 150:
        lo, hi = np.nanmin(values), np.nanmax(values)
        for (i, j), v in np.ndenumerate(values):
            light = hi > lo and (v - lo) / (hi - lo) > 0.6  # viridis is light (yellow) at the top
            ax.text(j, i, f"{v:.3g}", ha="center", va="center", fontsize=8, color="k" if light else "w")
    fig.colorbar(im, ax=ax)
    label_axes(ax, panel.xlabel, panel.ylabel, panel.title)
    return fig


def _plot_series(ax: Any, x: Any, y: np.ndarray, style: dict[str, Any], k: int, *, label: str,
                 err: np.ndarray | None = None) -> None:
    """One line: its colour and style; open markers, larger for earlier series (so coinciding points show as nested
    shapes), on long series thinned to evenly spaced ones on screen, offset from line to line."""
    n = int(np.sum(np.isfinite(y)))
    every = (0.013 * (k % 6), 0.08) if n >= 40 else None  # evenly spaced on screen, log axes too
    ms = max(3.0, 7.0 - 1.2 * k)
    kw = dict(color=style["color"], ls=style["ls"], marker=style["marker"], ms=ms, mfc="none", markevery=every,
              lw=1.5, label=label, zorder=3 + 0.01 * k)
    if err is not None:
        ax.errorbar(x, y, yerr=err, capsize=2, **{k_: v for k_, v in kw.items() if k_ != "markevery"})
    else:
        ax.plot(x, y, **kw)


def _series_panel(panel: Panel) -> Figure:
    """Lines (with error bars when given) or grouped bars; colours and line styles from :func:`line_styles`."""
    fig = new_figure(8, 4)
    ax = fig.subplots()
    x = panel.x
    labels = list(panel.series)
    n = len(labels)
    for k, (label, style) in enumerate(zip(labels, line_styles(labels))):
        y = panel.series[label]
        err = panel.errors.get(label)
        if panel.kind == "bars":
            xs = np.arange(len(y)) + (k - (n - 1) / 2) * 0.8 / max(n, 1)
            ax.bar(xs, y, width=0.8 / max(n, 1), yerr=err, color=style["color"], label=label, capsize=2,
                   hatch=[None, "//", "..", "xx"][k % 4], edgecolor="white")
        else:
            _plot_series(ax, x if x is not None else np.arange(len(y)), y, style, k, label=label, err=err)
    if panel.kind == "bars" and x is not None:
        ax.set_xticks(range(len(x)), [str(v) for v in x], fontsize=8, rotation=30 if len(x) > 6 else 0,
                      ha="right" if len(x) > 6 else "center")
    label_axes(ax, panel.xlabel, panel.ylabel, panel.title)
    if n > 1 or panel.kind == "lines":
        legend_outside(fig, ax)
    return fig


def _accuracy_time_panel(panel: Panel) -> Figure:
    """Accuracy vs simulated time: a log time axis (the first 20 ms get most of it) and, below, a zoom on the
    ANN's accuracy; series whose label starts with "ANN" are reference levels (horizontal lines)."""
    fig = new_figure(9, 6)
    ax, zoom = fig.subplots(2, 1, sharex=True, height_ratios=[3, 2])
    t = np.asarray(panel.x, dtype=float)
    curves = {k: v for k, v in panel.series.items() if not k.startswith("ANN")}
    refs = {k: float(np.nanmean(v)) for k, v in panel.series.items() if k.startswith("ANN")}
    for a in (ax, zoom):
        for k, (label, style) in enumerate(zip(curves, line_styles(list(curves)))):
            _plot_series(a, t, curves[label], style, k, label=label)
        for j, (label, level) in enumerate(refs.items()):
            a.axhline(level, color="k", ls=["-", ":"][j % 2], lw=1.2, label=f"{label}: {100 * level:.2f}%", zorder=2)
        log_time_axis(a)
    top = max(refs.values(), default=float(np.nanmax([np.nanmax(v) for v in curves.values()])))
    zoom.set_ylim(top - 0.06, min(1.0, top + 0.02) + 0.005)
    ax.set_ylim(-0.02, 1.02)
    ax.set_ylabel("test accuracy")
    ax.set_title(f"{panel.title} (log time axis)")
    zoom.set_ylabel("zoom: near the ANN")
    zoom.set_xlabel(panel.xlabel.replace("(ms)", "(ms, log scale)"))
    legend_outside(fig, ax)
    return fig


def _budget_bars_panel(panel: Panel) -> Figure:
    """The error budget as bars: one colour per series (counted terms, totals, what-ifs; NaN where a series has
    no bar), and the one-test-sample resolution (series starting "one test") as a grey band around 0."""
    fig = new_figure(9, 4.8)
    ax = fig.subplots()
    names = [str(v) for v in panel.x]
    res_key = next((k for k in panel.series if k.startswith("one test")), None)
    if res_key is not None:
        res = float(np.nanmax(panel.series[res_key]))
        ax.axhspan(-res, res, color="0.85", zorder=0, label=f"{res_key}: +/-{res:.2f} pp, the resolution")
    bars = [k for k in panel.series if k != res_key]
    for k, label in enumerate(bars):
        y = panel.series[label]
        ok = np.isfinite(y)
        rect = ax.bar(np.flatnonzero(ok), y[ok], width=0.7, color=COLORS[k % len(COLORS)], label=label, zorder=3,
                      hatch=[None, "//", ".."][k % 3], edgecolor="white")
        ax.bar_label(rect, fmt="%+.2f", fontsize=8, padding=2)
    ax.axhline(0, color="k", lw=0.8, zorder=4)
    ax.set_xticks(range(len(names)), names, rotation=30, ha="right", fontsize=8)
    ax.margins(y=0.15)
    label_axes(ax, panel.xlabel, panel.ylabel, panel.title)
    legend_outside(fig, ax, where="lower center", ncol=2)
    return fig


def _groups(panel: Panel) -> dict[str, dict[str, np.ndarray]]:
    """The ``"GROUP | LINE"`` series of a small-multiples panel, by group."""
    groups: dict[str, dict[str, np.ndarray]] = {}
    for name, y in panel.series.items():
        group, _, line = name.partition(" | ")
        groups.setdefault(group, {})[line or group] = y
    return groups


def _label_small_multiples(fig: Figure, axes: np.ndarray, panel: Panel, n: int, cols: int) -> Figure:
    """The frame of a small-multiples figure: unused subplots off, y labels on the first column, x labels on the
    lowest subplot of each column, the title, and one legend (the first subplot's) below."""
    for ax in axes[n:]:
        ax.set_axis_off()
    for ax in axes[::cols]:
        ax.set_ylabel(panel.ylabel, fontsize=8)
    for i, ax in enumerate(axes[:n]):
        if i + cols >= n:  # nothing below it: its x axis is labelled
            ax.xaxis.set_tick_params(labelbottom=True)
            ax.set_xlabel(panel.xlabel, fontsize=8)
    fig.suptitle(panel.title, fontsize=11)
    handles, labels = axes[0].get_legend_handles_labels()
    fig.legend(handles, labels, loc="outside lower center", ncol=len(labels), fontsize=8)
    return fig


def _grid_panel(panel: Panel) -> Figure:
    """Small multiples: one subplot per group of the ``"GROUP | LINE"`` series, shared x and y, 4 per row; a time
    axis (x label "simulated time ...") is logarithmic like the other accuracy-over-time figures."""
    groups = _groups(panel)
    lines = list(dict.fromkeys(line for g in groups.values() for line in g))
    styles = dict(zip(lines, line_styles(lines)))
    cols = min(4, len(groups))
    rows = math.ceil(len(groups) / cols)
    fig = new_figure(3.0 * cols + 1.5, 2.4 * rows + 0.9)
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)).ravel()
    x = panel.x
    for ax, (group, series) in zip(axes, groups.items()):
        for line, y in series.items():
            k = lines.index(line)
            ax.plot(x, y, color=styles[line]["color"], ls=styles[line]["ls"], lw=1.4 if k else 2.0,
                    marker=styles[line]["marker"] if k == 0 else None, ms=3, mfc="none", label=line)
        ax.set_title(group, fontsize=9)
        if panel.xlabel.startswith("simulated time"):
            log_time_axis(ax)
        ax.grid(alpha=0.3)
    return _label_small_multiples(fig, axes, panel, len(groups), cols)


def _activations_panel(panel: Panel) -> Figure:
    """One subplot per model: its measured points (dots, the group's first series) and the curve through them (line),
    each with its own y scale (rates differ by 50x between models), drives -0.5 to 4."""
    groups = _groups(panel)
    cols = min(3, len(groups))
    rows = math.ceil(len(groups) / cols)
    fig = new_figure(3.4 * cols + 0.6, 2.5 * rows + 1.0)
    axes = np.atleast_1d(fig.subplots(rows, cols, sharex=True, squeeze=False)).ravel()
    x = np.asarray(panel.x, dtype=float)
    shown = (x >= -0.5) & (x <= 4.0)
    for ax, (group, series) in zip(axes, groups.items()):
        (points_label, points), *curves = series.items()
        ax.plot(x[shown], points[shown], "o", ms=2.5, color=COLORS[0], mfc="none", label=points_label)
        for k, (label, y) in enumerate(curves):
            ax.plot(x[shown], y[shown], color=COLORS[1 + k], lw=1.6, label=label.split(" (")[0])
        ax.set_title(f"{group}" + (f": {curves[0][0].split(' (')[1].rstrip(')')}" if curves and " (" in curves[0][0]
                                   else ""), fontsize=9)
        ax.grid(alpha=0.3)
    return _label_small_multiples(fig, axes, panel, len(groups), cols)


#: Panel kind -> drawing function (see :data:`neurocompare.comparison.PANEL_KINDS`).
def _images_seen_panel(panel: Panel) -> Figure:
    """Lines over training images seen: a logarithmic x axis with a tick at every checkpoint (they double)."""
    fig = _series_panel(panel)
    ax = fig.axes[0]
    seen = np.asarray(panel.x, dtype=float)
    seen = seen[seen > 0]
    if len(seen) > 1:
        ax.set_xscale("log")
        ax.set_xticks(seen, [f"{v:g}" for v in seen], fontsize=8, rotation=30)
        ax.minorticks_off()
    ax.grid(alpha=0.3)
    return fig


def _mosaic_panel(panel: Panel) -> Figure:
    """Many small images (receptive fields) as one mosaic: ``cols`` per row (10, or the number of columns the
    titles say share a prefix), each tile scaled to its own maximum, its title drawn under it in small type."""
    images = np.asarray(panel.series["images"], dtype=float)
    n, h, w = images.shape
    cols = 10 if n >= 10 else n
    rows = int(math.ceil(n / cols))
    gap, below = max(1, w // 8), max(3, (3 * h) // 8)  # between tiles; under each tile, room for its title
    mosaic = np.full((rows * (h + below), cols * (w + gap) - gap), np.nan)
    for k in range(n):
        r, c = divmod(k, cols)
        top = images[k].max()
        mosaic[r * (h + below):r * (h + below) + h, c * (w + gap):c * (w + gap) + w] = images[k] / top if top > 0 else 0
    fig = new_figure(0.95 * cols + 0.4, 1.3 * rows + 0.8)
    ax = fig.subplots()
    ax.imshow(mosaic, cmap=colormaps["gray_r"].with_extremes(bad="white"), vmin=0.0, vmax=1.0,
              interpolation="nearest")
    for k, title in enumerate(panel.columns[:n]):
        r, c = divmod(k, cols)
        ax.text(c * (w + gap) + w / 2 - 0.5, r * (h + below) + h, title, ha="center", va="top", fontsize=6)
    ax.set_axis_off()
    ax.set_title(panel.title, fontsize=11)
    return fig


_PANEL_DRAWERS: dict[str, Callable[[Panel], Figure]] = {
    "table": _table_panel,
    "images": _images_panel,
    "heatmap": _heatmap_panel,
    "lines": _series_panel,
    "bars": _series_panel,
}

#: (panel name, kind) -> its own drawer, for the panels a generic drawer cannot show well (module docstring); a
#: panel named NAME_SOMETHING (e.g. ``error_budget_bars_10ms``) is drawn like NAME.
_NAMED_DRAWERS: dict[tuple[str, str], Callable[[Panel], Figure]] = {
    ("accuracy_time", "lines"): _accuracy_time_panel,
    ("error_budget_bars", "bars"): _budget_bars_panel,
    ("grid", "lines"): _grid_panel,
    ("activations", "lines"): _activations_panel,
    ("receptive_fields", "images"): _mosaic_panel,
    ("learning_curves", "lines"): _images_seen_panel,
    ("thresholds", "lines"): _images_seen_panel,
}
