"""Report files of a comparison. The only module that writes a comparison's report folder.

:func:`write_report` writes, into one output folder::

    metrics.json          machine-readable: scenario, seed, versions, parameters, metrics, table
    metrics.csv           every metric in long ("tidy") form, one row each: scenario (its name; the circuit's
                          for a circuit run on its own), metric, population,
                          qualifier, value, unit, description (:func:`tidy_metrics`; ``pandas.read_csv`` reads it)
    table.md, table.csv   the real-vs-artificial table: a takeaway per row, the two measured columns, and in
                          table.csv the row's numbers in named columns (:data:`neurocompare.table.FIGURE_COLUMNS`)
    figures/*.png         the figures (see :func:`neurocompare.report.figures.all_figures`); a scenario's table
                          panels are never drawn: they are HTML / Markdown tables in the reports
    report.html           self-contained: figures embedded, no external references; a glossary of the table's terms
    report.md             the same as Markdown, linking figures/
    results/              the saved comparison (JSON + NPZ), enough to re-render without simulating

The folder follows the package's one rule for output folders (:mod:`neurocompare.report.folders`): it is
written only when new, empty or an earlier report (never a folder of the user's own files), everything goes
to a temporary folder first and is moved in only when complete, so a failed or interrupted run leaves the
previous report intact. :func:`render_report` re-renders a folder from its saved results.
The HTML shell, CSS and table helpers live in :mod:`neurocompare.report.html`.
"""

from __future__ import annotations

import csv
import datetime as _dt
import html
import io
import json
import logging
import os
import shlex
import sys
import textwrap
import zipfile
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..comparison import Comparison, versions
from ..errors import ReportError
from ..glossary import terms_used
from ..notebook import figure_png
from ..table import FIGURE_COLUMNS
from .folders import replace_folder
from .html import html_figure, html_glossary, html_table, md_table, page

__all__ = ["write_report", "render_report", "load_comparison", "render_panels", "process_command",
           "tidy_metrics", "REPORT_FILES", "METRICS_CSV_COLUMNS"]

log = logging.getLogger(__name__)

#: Files every report folder contains (figures/ and results/ besides).
REPORT_FILES = ("metrics.json", "metrics.csv", "table.md", "table.csv", "report.html", "report.md")
_RESULTS_JSON = "results/comparison.json"
#: Files a command adds to a report (``compare MODEL.nir``), kept when the report is re-rendered.
_KEPT_FILES = ("nir_conversion.md",)
_RESULTS_NPZ = "results/arrays.npz"
_TABLE_CSV_COLUMNS = ("aspect", "takeaway", "real_neuron", "artificial_neuron", "measured_spiking",
                      "measured_artificial", *FIGURE_COLUMNS)
#: Columns of metrics.csv, one row per metric.
METRICS_CSV_COLUMNS = ("scenario", "metric", "population", "qualifier", "value", "unit", "description")
_METRIC_COLUMNS = ("metric", "value", "unit", "description")
#: The one sentence every report says about the order of events in a spiking time step.
ORDER_OF_EVENTS = ("each time step integrates the membranes, adds the spikes that arrive, then tests the threshold "
                   "(as NEST, snnTorch and Norse do): an input that lifts a neuron over threshold fires it in that "
                   "step; a spike arrives one step after it was fired (NEST's minimum delay) plus its axonal "
                   "delay; after a spike a neuron is clamped for t_ref, counted from the next step.")
_ENERGY_NOTE = ("Energy figures are a model (per-operation constants, source stated in metrics.json), not a "
                "measurement.")

#: One rendered figure: (file stem, caption, PNG bytes).
_Figure = tuple[str, str, bytes]


def write_report(
    comparison: Comparison,
    out_dir: str | os.PathLike,
    *,
    command: str | None = None,
    provenance: Mapping[str, Any] | None = None,
    extra_files: Mapping[str, str] | None = None,
) -> Path:
    """Write the full report of ``comparison`` into ``out_dir`` (replaced atomically).

    Parameters
    ----------
    comparison : Comparison
    out_dir : path
        Created if missing; if it exists it must be empty or an earlier report
        (:func:`neurocompare.report.folders.claim_folder`).
    command : str, optional
        The command that produced the comparison, recorded for reproducibility.
    provenance : mapping, optional
        Versions and command of the original run when re-rendering saved results.
    extra_files : mapping, optional
        More text files of the report, name -> content (e.g. ``nir_conversion.md``), written with the rest.

    Returns
    -------
    Path
        ``out_dir``.

    Raises
    ------
    ReportError
        If the folder holds files neurocompare did not write, or cannot be written (the previous report,
        if any, is then left intact).
    """
    out = Path(out_dir)
    prov = _provenance(provenance, command)
    with replace_folder(out, "report") as tmp:
        _write_all(comparison, tmp, prov)
        for name, text in (extra_files or {}).items():
            _write_text(tmp / Path(name).name, text)
    log.info("report written to %s", out)
    return out


def _provenance(provenance: Mapping[str, Any] | None, command: str | None) -> dict[str, Any]:
    """The given provenance, completed with this process's versions, command and time."""
    prov = dict(provenance or {})
    prov.setdefault("versions", versions())
    prov.setdefault("command", command or process_command())
    prov.setdefault("created", _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    prov["rendered_with"] = versions()["neurocompare"]
    return prov


def process_command() -> str:
    """The command line of this process, as a reproducibility hint (``neurocompare ...`` for the CLI)."""
    argv = list(sys.argv) or ["python"]
    first = Path(argv[0])
    if first.name in ("cli.py", "__main__.py") and first.parent.name == "neurocompare":
        argv[0] = "neurocompare"  # python -m neurocompare(.cli)
    else:
        argv[0] = first.name or "python"
    return shlex.join(argv)




def _write_all(c: Comparison, folder: Path, prov: Mapping[str, Any]) -> None:
    """Every file of the report into the (new, empty) ``folder``."""
    meta = _write_results(c, folder, prov)
    _write_text(folder / "metrics.json", json.dumps(_metrics_doc(c, meta, prov), indent=2, allow_nan=False) + "\n")
    _write_text(folder / "metrics.csv", _csv(METRICS_CSV_COLUMNS, [r.values() for r in tidy_metrics(c)]))
    _write_text(folder / "table.md", c.table_markdown() + "\n")
    _write_text(folder / "table.csv", _table_csv(c))
    figures = _write_figures(c, folder / "figures")
    _write_text(folder / "report.html", _html(c, figures, prov))
    _write_text(folder / "report.md", _markdown(c, figures, prov))


def _write_results(c: Comparison, folder: Path, prov: Mapping[str, Any]) -> dict[str, Any]:
    """The saved comparison (results/: JSON + NPZ); returns its JSON part."""
    (folder / "results").mkdir()
    meta, arrays = c.to_state()
    meta["provenance"] = dict(prov)
    _write_text(folder / _RESULTS_JSON, json.dumps(meta, indent=1, allow_nan=False))
    with open(folder / _RESULTS_NPZ, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    return meta


def _write_figures(c: Comparison, folder: Path) -> list[_Figure]:
    """Every figure of the report as ``folder/STEM.png``; returns (stem, caption, PNG bytes) each.

    Table panels are skipped: a table is text (HTML / Markdown in the reports), never an image.
    """
    from .figures import all_figures  # matplotlib is imported only when writing figures

    folder.mkdir()
    figures = []
    for stem, caption, make in all_figures(c):
        data = _png(make())
        (folder / f"{stem}.png").write_bytes(data)
        figures.append((stem, caption, data))
    return figures


def _png(fig: Any) -> bytes:
    """A matplotlib figure as PNG bytes (100 dpi, the resolution of every report figure; not cropped)."""
    return figure_png(fig, dpi=100, tight=False)


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _csv(columns: Sequence[str], rows: Any) -> str:
    """CSV text: a header and one line per row; NaN and None become empty cells (pandas: NaN)."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if x is None or (isinstance(x, float) and x != x) else x for x in row])
    return buf.getvalue()


def _table_csv(c: Comparison) -> str:
    """table.csv: the text of each row, then its numbers in the columns of FIGURE_COLUMNS (empty: none)."""
    return _csv(_TABLE_CSV_COLUMNS, ([r.aspect, r.takeaway, r.real_neuron, r.artificial_neuron, r.measured_spiking,
                                      r.measured_artificial, *(r.figures.get(k) for k in FIGURE_COLUMNS)]
                                     for r in c.table))


def _split_key(key: str, populations: Sequence[str], unit: str) -> tuple[str, str | None, str | None]:
    """A metric key as (metric, population, qualifier): ``"rate_correlation.hidden"`` -> population "hidden".

    The part before the first "." is the metric; a later part naming a population of the circuit is the
    population; the other parts, joined by ".", are the qualifier (a fitted form, a variant, a detector),
    without a trailing "_UNIT" the unit column already states (``"budget.time_step_pp"`` -> "time_step").
    """
    metric, *rest = key.split(".")
    population = next((r for r in rest if r in populations), None)
    qualifier = ".".join(r for r in rest if r != population) or None
    if qualifier and unit and qualifier.endswith(f"_{unit}"):
        qualifier = qualifier[: -len(unit) - 1]
    return metric, population, qualifier


def tidy_metrics(c: Comparison) -> list[dict[str, Any]]:
    """Every metric of ``c`` as one row of :data:`METRICS_CSV_COLUMNS` (the rows of metrics.csv).

    ``value`` is a float (NaN: not measured), ``population`` and ``qualifier`` None where the key has
    none (see :func:`_split_key`); the description loses the " [population]" suffix the key already gives.
    """
    rows = []
    for key, m in c.metrics.items():
        metric, population, qualifier = _split_key(key, c.circuit.all_names, m.unit)
        description = m.description
        suffix = f" [{key.partition('.')[2]}]"
        if "." in key and description.endswith(suffix):
            description = description[: -len(suffix)]
        rows.append({"scenario": _scenario(c), "metric": metric, "population": population, "qualifier": qualifier,
                     "value": float(m.value), "unit": m.unit, "description": description})
    return rows


def _scenario(c: Comparison) -> str:
    """The scenario that made ``c`` (``parameters["scenario"]``, set by run_scenario), else its circuit's name."""
    name = c.parameters.get("scenario")
    return name if isinstance(name, str) and name else c.name


def _metrics_doc(c: Comparison, meta: Mapping[str, Any], prov: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "scenario": _scenario(c),
        "circuit": c.name,
        "seed": c.seed,
        "versions": prov["versions"],
        "command": prov["command"],
        "created": prov["created"],
        "parameters": meta["parameters"],
        "metrics": meta["metrics"],
        "table": meta["table"],
    }


def _repro_lines(c: Comparison, prov: Mapping[str, Any]) -> list[str]:
    p = c.parameters
    integration, units = c.snn.info.get("integration", {}), c.snn.info.get("potential_units", {})
    enc = p.get("encoding", {})
    enc_name = enc.get("name") if isinstance(enc, Mapping) else enc
    return [
        f"command: {prov['command']}",
        f"seed: {c.seed}",
        f"spiking: Brian2 code-generation target {p.get('target')}, dt {p.get('dt_ms')} ms, "
        f"{p.get('duration_ms')} ms simulated, {enc_name} coding at {p.get('rate_scale_hz')} Hz, "
        f"synapse mode {p.get('synapse_mode')}, input mode {p.get('input_mode', 'synapses')}",
        # wrapped: the section is preformatted text, where one long line would scroll out of sight
        *textwrap.wrap(f"order of events: {ORDER_OF_EVENTS}", 110, subsequent_indent="  "),
        "spiking models: " + "; ".join(
            f"{name}: {neuron.label()} neuron ({integration.get(name, '?')} integration), {synapse.model_name} synapses"
            + (f", potential unit {units[name]:.4g} mV (drive 1.0 = rate_scale_hz)" if units.get(name, 1.0) != 1.0 else "")
            for name, (neuron, synapse) in c.spiking_models().items()),
        f"batch: {p.get('batch_size')} samples; output {c.output!r} read by {c.readout}",
        "versions: " + ", ".join(f"{k} {v}" for k, v in prov["versions"].items()),
        f"created: {prov['created']} (rendered with neurocompare {prov['rendered_with']})",
    ]


def _metric_rows(c: Comparison) -> list[list[str]]:
    return [[k, _fmt_value(m.value), m.unit, m.description] for k, m in c.metrics.items()]


def _title(c: Comparison) -> str:
    return f"Real vs artificial neuron, measured: {c.name}"


def _glossary(c: Comparison) -> list[tuple[str, str]]:
    """(term, definition) for every glossary term the table uses (:mod:`neurocompare.glossary`)."""
    return terms_used(cell for r in c.table for cell in r.cells())


def _html(c: Comparison, figures: Sequence[_Figure], prov: Mapping[str, Any]) -> str:
    """report.html: the table first, its glossary, the scenario's tables, the figures, every metric, provenance."""
    figs = "".join(html_figure(stem, data, caption) for stem, caption, data in figures)
    extra_tables = "".join(
        f"<h2>{html.escape(p.title)}</h2>" + html_table(p.columns, p.rows) + f"<p>{html.escape(p.caption)}</p>"
        for p in c.extras if p.kind == "table"
    )
    body = (
        f"<h1>{html.escape(_title(c))}</h1>"
        f"<p>{html.escape(c.circuit.description or '')}</p>"
        f"{c.table_html()}"
        f"<h2>Glossary</h2>{html_glossary(_glossary(c))}"
        f"{extra_tables}"
        f"<h2>Figures</h2>{figs}"
        f"<h2>All metrics</h2>{html_table(_METRIC_COLUMNS, _metric_rows(c))}"
        f"<h2>Reproducibility</h2><pre>{html.escape(chr(10).join(_repro_lines(c, prov)))}</pre>"
        f"<p>{_ENERGY_NOTE}</p>"
    )
    return page(f"neurocompare: {c.name}", body)


def _markdown(c: Comparison, figures: Sequence[_Figure], prov: Mapping[str, Any]) -> str:
    """report.md: the same content as report.html, linking the figures in figures/."""
    lines = [f"# {_title(c)}", ""]
    if c.circuit.description:  # the circuit's text is data: its HTML shows as text, as in report.html
        lines += [html.escape(c.circuit.description, quote=False), ""]
    lines += [c.table_markdown(), "", "## Glossary", ""]
    lines += [f"- **{term}**: {definition}" for term, definition in _glossary(c)] + [""]
    for p in c.extras:
        if p.kind == "table":
            lines += [f"## {p.title}", "", *md_table(p.columns, p.rows), "", p.caption, ""]
    lines += ["## Figures", ""]
    for stem, caption, _ in figures:
        lines += [f"![{stem}](figures/{stem}.png)", "", f"*{caption}*", ""]
    lines += ["## All metrics", "", *md_table(_METRIC_COLUMNS, _metric_rows(c))]
    lines += ["", "## Reproducibility", "", "```", *_repro_lines(c, prov), "```", "", _ENERGY_NOTE, ""]
    return "\n".join(lines)


def _fmt_value(v: float) -> str:
    if v != v:  # NaN
        return "n/a"
    return f"{v:.6g}"


def load_comparison(folder: str | os.PathLike) -> tuple[Comparison, dict[str, Any]]:
    """Load a report folder's saved comparison.

    Parameters
    ----------
    folder : path
        A folder written by :func:`write_report`.

    Returns
    -------
    comparison : Comparison
    provenance : dict
        Versions, command and creation time of the run that produced it.

    Raises
    ------
    ReportError
        If the folder or its saved results are missing, unreadable or incomplete.
    """
    folder = Path(folder)
    meta_path, npz_path = folder / _RESULTS_JSON, folder / _RESULTS_NPZ
    if not folder.is_dir():
        raise ReportError(f"No report folder at {str(folder)!r}; give a folder written by 'neurocompare run'.")
    if not meta_path.is_file() or not npz_path.is_file():
        raise ReportError(
            f"{str(folder)!r} has no saved results ({_RESULTS_JSON}, {_RESULTS_NPZ}); run the scenario again."
        )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        with np.load(npz_path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        comparison = Comparison.from_state(meta, arrays)
        provenance = dict(meta.get("provenance", {}))
    except (OSError, ValueError, KeyError, TypeError, AttributeError, IndexError, zipfile.BadZipFile,
            RecursionError) as exc:  # a file that is not what write_report wrote, whatever is wrong with it
        raise ReportError(f"Saved results in {str(folder)!r} are unreadable or incomplete "
                          f"({type(exc).__name__}: {str(exc)[:200]}); "
                          "run the scenario again.") from None
    return comparison, provenance


def render_report(folder: str | os.PathLike) -> Path:
    """Re-render a report folder from its saved results (no simulation); returns the folder."""
    comparison, provenance = load_comparison(folder)
    provenance.pop("rendered_with", None)
    kept = {}
    for name in _KEPT_FILES:  # written by the command, not from the saved results: kept as they are
        path = Path(folder) / name
        if path.is_file() and not path.is_symlink():
            kept[name] = path.read_text(encoding="utf-8")
    return write_report(comparison, folder, provenance=provenance, extra_files=kept)


def render_panels(panels: Sequence[Any], folder: str | os.PathLike) -> list[Path]:
    """Render :class:`~neurocompare.comparison.Panel` objects to ``folder/NAME.png``; returns the paths."""
    from .figures import panel_figure

    folder = Path(folder)
    paths = []
    for panel in panels:
        path = folder / f"{panel.name}.png"
        path.write_bytes(_png(panel_figure(panel)))
        paths.append(path)
    return paths
