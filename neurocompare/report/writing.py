"""Report files of a comparison. The only module that writes report files.

:func:`write_report` writes, into one output folder::

    metrics.json          machine-readable: scenario, seed, versions, parameters, metrics, table
    table.md, table.csv   the real-vs-artificial table with the two measured columns
    figures/*.png         the figures (see :func:`neurocompare.report.figures.all_figures`)
    report.html           self-contained: figures embedded, no external references
    report.md             the same as Markdown, linking figures/
    results/              the saved comparison (JSON + NPZ), enough to re-render without simulating

The folder is replaced atomically: everything is written to a temporary sibling folder first
and swapped in only when complete, so a failed or interrupted run leaves the previous report
intact. :func:`render_report` re-renders a folder from its saved results.
"""

from __future__ import annotations

import base64
import csv
import datetime as _dt
import html
import io
import json
import logging
import os
import shlex
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Mapping, Sequence

import numpy as np

from ..comparison import Comparison, versions
from ..errors import ReportError

__all__ = ["write_report", "render_report", "load_comparison", "render_panels", "REPORT_FILES"]

log = logging.getLogger(__name__)

#: Files every report folder contains (figures/ and results/ besides).
REPORT_FILES = ("metrics.json", "table.md", "table.csv", "report.html", "report.md")
_RESULTS_JSON = "results/comparison.json"
_RESULTS_NPZ = "results/arrays.npz"


def write_report(
    comparison: Comparison,
    out_dir: str | os.PathLike,
    *,
    command: str | None = None,
    provenance: Mapping[str, Any] | None = None,
) -> Path:
    """Write the full report of ``comparison`` into ``out_dir`` (replaced atomically).

    Parameters
    ----------
    comparison : Comparison
    out_dir : path
        Created if missing (its parent must exist or be creatable).
    command : str, optional
        The command that produced the comparison, recorded for reproducibility.
    provenance : mapping, optional
        Versions and command of the original run when re-rendering saved results.
    """
    out = Path(out_dir)
    prov = dict(provenance or {})
    prov.setdefault("versions", versions())
    prov.setdefault("command", command or _process_command())
    prov.setdefault("created", _dt.datetime.now(_dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
    prov["rendered_with"] = versions()["neurocompare"]
    parent = out.parent if str(out.parent) else Path(".")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.tmp-", dir=parent))
        os.chmod(tmp, 0o755)  # mkdtemp makes it private; a report folder is an ordinary folder
    except OSError as exc:
        raise ReportError(f"Cannot write the report to {str(out)!r}: {exc.strerror or exc}.") from None
    try:
        _write_all(comparison, tmp, prov)
        _swap_in(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    log.info("report written to %s", out)
    return out


def _process_command() -> str:
    """The command line of this process, as a reproducibility hint."""
    argv = list(sys.argv) or ["python"]
    first = Path(argv[0])
    if first.name in ("cli.py", "__main__.py") and first.parent.name == "neurocompare":
        argv[0] = "neurocompare"  # python -m neurocompare(.cli)
    else:
        argv[0] = first.name or "python"
    return shlex.join(argv)


def _swap_in(new: Path, out: Path) -> None:
    """Replace ``out`` by the complete folder ``new``; on failure the old folder is kept."""
    if out.exists() and not out.is_dir():
        raise ReportError(f"Cannot write the report to {str(out)!r}: it exists and is not a folder.")
    old = None
    try:
        if out.exists():
            old = out.with_name(f".{out.name}.old-{os.getpid()}")
            if old.exists():
                shutil.rmtree(old)
            os.replace(out, old)
        os.replace(new, out)
    except OSError as exc:
        if old is not None and old.exists() and not out.exists():
            os.replace(old, out)
        raise ReportError(f"Cannot write the report to {str(out)!r}: {exc.strerror or exc}.") from None
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _write_all(c: Comparison, folder: Path, prov: Mapping[str, Any]) -> None:
    from .figures import all_figures  # plots import matplotlib: only when writing

    (folder / "figures").mkdir()
    (folder / "results").mkdir()
    meta, arrays = c.to_state()
    meta["provenance"] = dict(prov)
    _write_text(folder / _RESULTS_JSON, json.dumps(meta, indent=1, allow_nan=False))
    with open(folder / _RESULTS_NPZ, "wb") as fh:
        np.savez_compressed(fh, **arrays)
    _write_text(folder / "metrics.json", json.dumps(_metrics_doc(c, meta, prov), indent=2, allow_nan=False) + "\n")
    _write_text(folder / "table.md", c.table_markdown() + "\n")
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["aspect", "real_neuron", "artificial_neuron", "measured_spiking", "measured_artificial"])
    for r in c.table:
        writer.writerow([r.aspect, r.real_neuron, r.artificial_neuron, r.measured_spiking, r.measured_artificial])
    _write_text(folder / "table.csv", buf.getvalue())
    figures = []
    for stem, caption, make in all_figures(c):
        fig = make()
        png = io.BytesIO()
        fig.savefig(png, format="png", dpi=100)
        data = png.getvalue()
        (folder / "figures" / f"{stem}.png").write_bytes(data)
        figures.append((stem, caption, data))
    _write_text(folder / "report.html", _html(c, figures, prov))
    _write_text(folder / "report.md", _markdown(c, figures, prov))


def _write_text(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")


def _metrics_doc(c: Comparison, meta: Mapping[str, Any], prov: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "scenario": c.name,
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
    enc = p.get("encoding", {})
    enc_name = enc.get("name") if isinstance(enc, Mapping) else enc
    return [
        f"command: {prov['command']}",
        f"seed: {c.seed}",
        f"spiking: Brian2 code-generation target {p.get('target')}, dt {p.get('dt_ms')} ms, "
        f"{p.get('duration_ms')} ms simulated, {enc_name} coding at {p.get('rate_scale_hz')} Hz, "
        f"synapse mode {p.get('synapse_mode')}, input mode {p.get('input_mode', 'synapses')}",
        f"batch: {p.get('batch_size')} samples; output {c.output!r} read by {c.readout}",
        "versions: " + ", ".join(f"{k} {v}" for k, v in prov["versions"].items()),
        f"created: {prov['created']} (rendered with neurocompare {prov['rendered_with']})",
    ]


_CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ddd}
table.nc-table{border-collapse:collapse;width:100%;font-size:.9em}
.nc-table th,.nc-table td{border:1px solid #ccc;padding:.35em .5em;vertical-align:top;text-align:left}
.nc-table th{background:#f3f3f3}
figure{margin:1.2em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9em}
pre{background:#f6f6f6;padding:.8em;overflow-x:auto;font-size:.85em}
"""


def _html(c: Comparison, figures, prov) -> str:
    metric_rows = "".join(
        f"<tr><td>{html.escape(k)}</td><td>{html.escape(_fmt_value(m.value))}</td><td>{html.escape(m.unit)}</td>"
        f"<td>{html.escape(m.description)}</td></tr>"
        for k, m in c.metrics.items()
    )
    figs = "".join(
        f'<figure id="{stem}"><img alt="{html.escape(stem)}" src="data:image/png;base64,'
        f'{base64.b64encode(data).decode()}"><figcaption>{html.escape(caption)}</figcaption></figure>'
        for stem, caption, data in figures
    )
    extra_tables = "".join(
        f"<h2>{html.escape(p.title)}</h2>" + _html_table(p.columns, p.rows) + f"<p>{html.escape(p.caption)}</p>"
        for p in c.extras if p.kind == "table"
    )
    repro = html.escape("\n".join(_repro_lines(c, prov)))
    desc = html.escape(c.circuit.description or "")
    return (
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        f"<title>neurocompare: {html.escape(c.name)}</title><style>{_CSS}</style></head><body>"
        f"<h1>Real vs artificial neuron, measured: {html.escape(c.name)}</h1>"
        f"<p>{desc}</p>"
        f"{c.table_html()}"
        f"{extra_tables}"
        f"<h2>Figures</h2>{figs}"
        "<h2>All metrics</h2><table class=\"nc-table\"><thead><tr><th>metric</th><th>value</th><th>unit</th>"
        f"<th>description</th></tr></thead><tbody>{metric_rows}</tbody></table>"
        f"<h2>Reproducibility</h2><pre>{repro}</pre>"
        "<p>Energy figures are a model (per-operation constants, source stated in metrics.json), not a "
        "measurement.</p></body></html>\n"
    )


def _html_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An HTML table (class ``nc-table``) of text cells, escaped."""
    head = "".join(f"<th>{html.escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="nc-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _markdown(c: Comparison, figures, prov) -> str:
    lines = [f"# Real vs artificial neuron, measured: {c.name}", ""]
    if c.circuit.description:
        lines += [c.circuit.description, ""]
    lines += [c.table_markdown(), ""]
    for p in c.extras:
        if p.kind == "table":
            lines += [f"## {p.title}", "", "| " + " | ".join(_md_cell(c) for c in p.columns) + " |",
                      "|" + "---|" * len(p.columns)]
            lines += ["| " + " | ".join(_md_cell(c) for c in r) + " |" for r in p.rows]
            lines += ["", p.caption, ""]
    lines += ["## Figures", ""]
    for stem, caption, _ in figures:
        lines += [f"![{stem}](figures/{stem}.png)", "", f"*{caption}*", ""]
    lines += ["## All metrics", "", "| metric | value | unit | description |", "|---|---|---|---|"]
    lines += [f"| {k} | {_fmt_value(m.value)} | {m.unit} | {_md_cell(m.description)} |" for k, m in c.metrics.items()]
    lines += ["", "## Reproducibility", "", "```", *_repro_lines(c, prov), "```", "",
              "Energy figures are a model (per-operation constants, source stated in metrics.json), not a "
              "measurement.", ""]
    return "\n".join(lines)


def _md_cell(text: str) -> str:
    """A Markdown table cell: pipes escaped, no line breaks."""
    return str(text).replace("|", "\\|").replace("\n", " ")


def _fmt_value(v: float) -> str:
    if v != v:  # NaN
        return "n/a"
    return f"{v:.6g}"


def load_comparison(folder: str | os.PathLike) -> tuple[Comparison, dict[str, Any]]:
    """Load a report folder's saved comparison: (comparison, provenance)."""
    folder = Path(folder)
    meta_path, npz_path = folder / _RESULTS_JSON, folder / _RESULTS_NPZ
    if not folder.is_dir():
        raise ReportError(f"No report folder at {str(folder)!r}.")
    if not meta_path.is_file() or not npz_path.is_file():
        raise ReportError(
            f"{str(folder)!r} has no saved results ({_RESULTS_JSON}, {_RESULTS_NPZ}); run the scenario again."
        )
    try:
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        with np.load(npz_path, allow_pickle=False) as npz:
            arrays = {k: npz[k] for k in npz.files}
        comparison = Comparison.from_state(meta, arrays)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ReportError(f"Saved results in {str(folder)!r} are unreadable or incomplete: {exc}.") from None
    return comparison, dict(meta.get("provenance", {}))


def render_report(folder: str | os.PathLike) -> Path:
    """Re-render a report folder from its saved results (no simulation)."""
    comparison, provenance = load_comparison(folder)
    provenance.pop("rendered_with", None)
    return write_report(comparison, folder, provenance=provenance)


def render_panels(panels: Sequence[Any], folder: str | os.PathLike) -> list[Path]:
    """Render :class:`~neurocompare.compare.Panel` objects to ``folder/NAME.png``; returns the paths."""
    from .figures import panel_figure

    folder = Path(folder)
    paths = []
    for panel in panels:
        path = folder / f"{panel.name}.png"
        panel_figure(panel).savefig(path, format="png", dpi=100)
        paths.append(path)
    return paths
