"""The sweep report: ``sweep.html``, ``sweep.md``, ``summary.csv`` and ``figures/`` in the output folder.

Mean +/- SD over seeds of every metric per parameter combination, plots of the headline metrics
against each swept parameter (other swept parameters as separate series, error bars = SD over
seeds), and every row. Each file is replaced atomically; the HTML page is self-contained and uses the
package's one HTML shell (:func:`neurocompare.report.html.page`).
"""

from __future__ import annotations

import html
import itertools
import logging
import math
import numbers
import re
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..comparison import Panel
from ..report.html import html_figure, html_table, md_table, page
from ..report.folders import replace_folder
from ..report.writing import render_panels
from ..options import canonical_json
from .result import SweepResult
from .store import RESULTS_FILE, atomic_write, cell, csv_line

__all__ = ["write_sweep_report"]

log = logging.getLogger(__name__)

_MAX_SERIES = 8
#: Wide tables (many swept options and metrics) scroll sideways instead of widening the page.
_EXTRA_CSS = "table.nc-table{display:block;overflow-x:auto}pre{white-space:pre-wrap}"


def _files_note(code: Any) -> str:
    """Where every row and the summary are, file names formatted by ``code`` (Markdown or HTML)."""
    return (f"Every row with every metric: {code(RESULTS_FILE)}; mean, SD and n of every metric per parameter "
            f"combination: {code('summary.csv')}.")


def _fmt(v: Any) -> str:
    if isinstance(v, float):
        return "n/a" if math.isnan(v) else f"{v:.4g}"
    return str(v)


def _mean_sd(s: Mapping[str, Any]) -> str:
    if s["n"] == 0:
        return "n/a"
    sd = "" if math.isnan(s["sd"]) else f" ± {s['sd']:.3g}"
    return f"{s['mean']:.4g}{sd} (n={s['n']})"


def _is_numeric(values: Sequence[Any]) -> bool:
    return all(isinstance(v, numbers.Real) and not isinstance(v, bool) for v in values)


def _panel_name(text: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9_]+", "_", text.lower()).strip("_")[:44] or "metric"
    if not base[0].isalpha():
        base = f"m_{base}"[:44]
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}_{k}"
    taken.add(name)
    return name


def _without_values(result: SweepResult) -> list[str]:
    """The headline metrics with no value in any row (n/a throughout, e.g. an accuracy where a scenario has no
    labels): listed as n/a, never drawn."""
    return [m for m in result.headline if not any(s["n"] for s in result.summary(m))]


def _panels(result: SweepResult) -> list[Any]:
    """Each headline metric with a value against each swept option with >= 2 values: mean +/- SD over seeds."""
    swept = [p for p, v in result.grid.items() if len(v) > 1]
    panels, taken = [], set()
    empty = set(_without_values(result))
    for metric in (m for m in result.headline if m not in empty):
        info = result.metrics[metric]
        summary = result.summary(metric)
        for param in swept:
            xs = list(result.grid[param])
            numeric = _is_numeric(xs)
            if numeric:
                xs = sorted(xs)
            others = [p for p in swept if p != param]
            combos = list(itertools.product(*(result.grid[p] for p in others)))
            shown = combos[:_MAX_SERIES]
            series, errors = {}, {}
            for combo in shown:
                label = ", ".join(f"{p}={_fmt(v)}" for p, v in zip(others, combo)) or metric
                mean, sd = [], []
                for x in xs:
                    want = {param: x, **dict(zip(others, combo))}
                    hit = [s for s in summary if all(canonical_json(s[p]) == canonical_json(v) for p, v in want.items())]
                    mean.append(hit[0]["mean"] if hit else math.nan)
                    sd.append(hit[0]["sd"] if hit and not math.isnan(hit[0]["sd"]) else 0.0)
                series[label], errors[label] = mean, sd
            fixed = ", ".join(f"{p}={_fmt(v[0])}" for p, v in result.grid.items() if len(v) == 1)
            more = f" First {_MAX_SERIES} of {len(combos)} series shown; every value is in summary.csv." \
                if len(combos) > _MAX_SERIES else ""
            caption = (f"{metric} ({info['unit']}): {info['description']}. Mean ± SD over {result.seeds} seed(s) per "
                       f"point{'; other swept options as series' if others else ''}"
                       f"{'; fixed: ' + fixed if fixed else ''}.{more}")
            panels.append(Panel(
                name=_panel_name(f"{metric}_vs_{param}", taken), title=f"{metric} vs {param}", caption=caption,
                kind="lines" if numeric else "bars", x=np.asarray(xs, dtype=float) if numeric else
                np.asarray([_fmt(x) for x in xs]), series=series, errors=errors, xlabel=param,
                ylabel=f"{metric} ({info['unit']})" if info["unit"] else metric,
            ))
    return panels


def _summary_csv(result: SweepResult) -> str:
    names = list(result.metrics)
    cells = [*result.grid, "n_tasks", "n_ok"]
    for m in names:
        cells += [f"{m}.mean", f"{m}.sd", f"{m}.n"]
    lines = [csv_line(cells)]
    summaries = {m: result.summary(m) for m in names}
    for i, rows in enumerate(result.groups()):
        row = [cell(rows[0][p]) for p in result.grid]
        row += [str(len(rows)), str(sum(r["status"] == "ok" for r in rows))]
        for m in names:
            s = summaries[m][i]
            row += [repr(s["mean"]), repr(s["sd"]), str(s["n"])]
        lines.append(csv_line(row))
    return "".join(lines)


def _tables(result: SweepResult) -> tuple[list[str], list[list[str]], list[str], list[list[str]]]:
    """(summary columns, rows, results columns, rows) with the headline metrics, as text."""
    params = [p for p, v in result.grid.items() if len(v) > 1]  # fixed options are in the description
    s_cols = [*params, "tasks ok", *result.headline]
    summaries = {m: result.summary(m) for m in result.headline}
    s_rows = []
    for i, rows in enumerate(result.groups()):
        s_rows.append([_fmt(rows[0][p]) for p in params] + [f"{sum(r['status'] == 'ok' for r in rows)}/{len(rows)}"]
                      + [_mean_sd(summaries[m][i]) for m in result.headline])
    cols = {m: result.metrics[m]["column"] for m in result.headline}
    r_cols = ["task", *params, "replicate", "seed", "status", "wall (s)", "worker", *result.headline]
    r_rows = [[r["task_id"], *(_fmt(r[p]) for p in params), str(r["replicate"]), str(r["seed"]),
               r["status"] if r["status"] == "ok" else f"error: {r['error']}", _fmt(r["wall_s"]), r["worker"],
               *(_fmt(r[cols[m]]) for m in result.headline)] for r in result.rows]
    return s_cols, s_rows, r_cols, r_rows


def _describe(result: SweepResult, manifest: Mapping[str, Any], command: str) -> list[str]:
    grid = "; ".join(f"{p} = {', '.join(_fmt(v) for v in vals)}" for p, vals in result.grid.items()
                     if len(vals) > 1) or "(no swept option)"
    fixed = ", ".join(f"{p} = {_fmt(vals[0])}" for p, vals in result.grid.items() if len(vals) == 1)
    if fixed:
        grid += f" (fixed: {fixed})"
    n = len(result.rows) + len(result.missing)
    lines = [
        f"scenario: {result.scenario} ({manifest.get('question', '')})",
        f"grid: {grid}; {result.seeds} seed(s) each: {n} tasks",
        f"rows: {len(result.rows)} ({len(result.failed)} failed, {len(result.missing)} missing); this run ran "
        f"{result.ran} and reused {result.resumed} in {result.elapsed_s:.1f} s on {result.engine or 'n/a'}"
        f"{f'; {result.rerun} re-run after their worker died' if result.rerun else ''}",
        f"seeds: sweep seed {result.seed}, {'paired' if result.paired_seeds else 'independent'} per parameter "
        f"combination; {manifest.get('seed_derivation', '')}",
        f"quick: {result.quick}; code-generation targets: "
        f"{', '.join(sorted({r['target'] for r in result.rows if r['target']})) or 'n/a'}",
        f"command: {command}",
        "versions: " + ", ".join(f"{k} {v}" for k, v in manifest.get("versions", {}).items()),
    ]
    empty = _without_values(result) if result.rows else []
    if empty:
        lines.append(f"n/a in every row (not drawn): {', '.join(empty)}")
    return lines


def _figures(out: Path, panels: Sequence[Panel]) -> list[tuple[Panel, bytes]]:
    """Render ``panels`` into ``out/figures`` (replaced when complete); (panel, PNG bytes) each."""
    with replace_folder(out / "figures", marked=False) as tmp:
        paths = render_panels(panels, tmp)
        return [(p, path.read_bytes()) for p, path in zip(panels, paths)]


def _markdown(title: str, about: Sequence[str], tables: Mapping[str, tuple[list[str], list[list[str]]]],
              figures: Sequence[tuple[Panel, bytes]]) -> str:
    md = [f"# {title}", "", *(f"- {line}" for line in about), "", _files_note(lambda f: f"`{f}`"), "",
          "## Summary: mean ± SD over seeds", "", *md_table(*tables["summary"]), "", "Headline metrics:", "",
          *md_table(*tables["headline"]), ""]
    if figures:
        md += ["## Figures", ""]
        for p, _ in figures:
            md += [f"![{p.name}](figures/{p.name}.png)", "", f"*{p.caption}*", ""]
    if tables["failed"][1]:
        md += ["## Failed tasks", "", "Run the sweep again to retry them.", "", *md_table(*tables["failed"]), ""]
    md += ["## Results", "", *md_table(*tables["results"]), ""]
    return "\n".join(md)


def _html(title: str, about: Sequence[str], tables: Mapping[str, tuple[list[str], list[list[str]]]],
          figures: Sequence[tuple[Panel, bytes]]) -> str:
    figs = "".join(html_figure(p.name, data, p.caption, alt=p.title) for p, data in figures)
    note = _files_note(lambda f: f"<code>{f}</code>")
    body = (
        f"<h1>{html.escape(title)}</h1><pre>{html.escape(chr(10).join(about))}</pre><p>{note}</p>"
        f"<h2>Summary: mean ± SD over seeds</h2>{html_table(*tables['summary'])}"
        f"<h3>Headline metrics</h3>{html_table(*tables['headline'])}"
        + (f"<h2>Figures</h2>{figs}" if figs else "")
        + (f"<h2>Failed tasks</h2><p>Run the sweep again to retry them.</p>{html_table(*tables['failed'])}"
           if tables["failed"][1] else "")
        + f"<h2>Results</h2>{html_table(*tables['results'])}"
    )
    return page(f"neurocompare: {title}", body, extra_css=_EXTRA_CSS)


def write_sweep_report(result: SweepResult, manifest: Mapping[str, Any], *, command: str) -> None:
    """Write sweep.html, sweep.md, summary.csv and figures/ into ``result.out_dir``, each replaced atomically.

    Parameters
    ----------
    result : SweepResult
        The rows to report.
    manifest : mapping
        The sweep's ``sweep.json`` content (question, seed derivation, versions).
    command : str
        The command line shown in the report.
    """
    out = result.out_dir
    figures = _figures(out, _panels(result) if result.rows else [])
    s_cols, s_rows, r_cols, r_rows = _tables(result)
    failed = [[r["task_id"], ", ".join(f"{p}={_fmt(r[p])}" for p in result.grid), str(r["replicate"]), r["error"]]
              for r in result.failed]
    tables = {"summary": (s_cols, s_rows), "results": (r_cols, r_rows),
              "headline": (["metric", "unit", "description"],
                           [[m, result.metrics[m]["unit"], result.metrics[m]["description"]] for m in result.headline]),
              "failed": (["task", "parameters", "replicate", "error"], failed)}
    about = _describe(result, manifest, command)
    title = f"Sweep: {result.scenario}"
    atomic_write(out / "summary.csv", _summary_csv(result))
    atomic_write(out / "sweep.md", _markdown(title, about, tables, figures))
    atomic_write(out / "sweep.html", _html(title, about, tables, figures))
    log.info("sweep report written to %s", out / "sweep.html")
