"""The one HTML shell, CSS and table helpers of the package (reports and sweep reports).

Every HTML page neurocompare writes is built by :func:`page`: a complete, self-contained document
(no external stylesheet, script or image; figures are embedded with :func:`html_figure`).
Markdown tables are built by :func:`md_table`, so both formats escape cells the same way everywhere.
"""

from __future__ import annotations

import base64
import html
from typing import Sequence

__all__ = ["CSS", "page", "html_table", "html_glossary", "html_figure", "md_table", "md_cell"]

#: The shared style sheet, inlined into every page's ``<style>`` element.
CSS = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;
color:#222;line-height:1.45}
h1{font-size:1.6em}h2{font-size:1.25em;margin-top:1.6em;border-bottom:1px solid #ddd}
table.nc-table{border-collapse:collapse;width:100%;font-size:.9em}
.nc-table th,.nc-table td{border:1px solid #ccc;padding:.35em .5em;vertical-align:top;text-align:left}
.nc-table th{background:#f3f3f3}
figure{margin:1.2em 0}figure img{max-width:100%;border:1px solid #eee}figcaption{color:#555;font-size:.9em}
pre{background:#f6f6f6;padding:.8em;overflow-x:auto;font-size:.85em}
dl.nc-glossary dt{font-weight:600;margin-top:.4em}dl.nc-glossary dd{margin-left:1.5em}
"""


def page(title: str, body_html: str, *, extra_css: str = "") -> str:
    """A complete, self-contained HTML document.

    Parameters
    ----------
    title : str
        The document title (plain text; escaped here).
    body_html : str
        The inner HTML of ``<body>``, already escaped by the caller.
    extra_css : str, optional
        Rules appended after the shared :data:`CSS`, so they override it for this page only.

    Returns
    -------
    str
        ``<!DOCTYPE html>`` through ``</html>`` and a final newline; UTF-8, no external references.
    """
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{html.escape(title)}</title><style>{CSS}{extra_css}</style></head><body>"
        f"{body_html}</body></html>\n"
    )


def html_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """An HTML table (class ``nc-table``) of text cells; every cell is escaped.

    Parameters
    ----------
    columns : sequence of str
        Header cells.
    rows : sequence of sequence of str
        Body rows; cells are converted with ``str`` and escaped.
    """
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c))}</td>" for c in r) + "</tr>" for r in rows)
    return f'<table class="nc-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def html_glossary(entries: Sequence[tuple[str, str]]) -> str:
    """A definition list (class ``nc-glossary``) of (term, definition) pairs; every text is escaped."""
    items = "".join(f"<dt>{html.escape(t)}</dt><dd>{html.escape(d)}</dd>" for t, d in entries)
    return f'<dl class="nc-glossary">{items}</dl>'


def html_figure(name: str, png: bytes, caption: str, *, alt: str | None = None) -> str:
    """A ``<figure>`` with the PNG embedded as a data URI (no external file).

    Parameters
    ----------
    name : str
        The element id (an identifier-like name, used unescaped as the anchor).
    png : bytes
        The PNG image.
    caption : str
        Plain-text caption (escaped).
    alt : str, optional
        Alternative text (escaped); defaults to ``name``.
    """
    alt_text = html.escape(name if alt is None else alt)
    data = base64.b64encode(png).decode()
    return (f'<figure id="{html.escape(name)}"><img alt="{alt_text}" src="data:image/png;base64,{data}">'
            f"<figcaption>{html.escape(caption)}</figcaption></figure>")


def md_table(columns: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    """A GitHub Markdown table as lines (header, separator, rows); cells escaped with :func:`md_cell`."""
    return ["| " + " | ".join(md_cell(c) for c in columns) + " |", "|" + "---|" * len(columns),
            *("| " + " | ".join(md_cell(c) for c in r) + " |" for r in rows)]


def md_cell(text: object) -> str:
    """A Markdown table cell: pipes escaped, no line breaks."""
    return str(text).replace("|", "\\|").replace("\n", " ")
