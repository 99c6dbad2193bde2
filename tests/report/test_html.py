"""neurocompare.report.html: the one HTML shell, its CSS, and escaping in HTML and Markdown tables."""

from __future__ import annotations

import re

from neurocompare.report.html import CSS, html_figure, html_glossary, html_table, md_cell, md_table, page


def test_page_is_a_complete_self_contained_document():
    doc = page("a <b> & c", "<p>body</p>")
    assert doc.startswith('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">')
    assert doc.endswith("</body></html>\n")
    assert "<title>a &lt;b&gt; &amp; c</title>" in doc
    assert f"<style>{CSS}</style>" in doc and "<body><p>body</p></body>" in doc
    assert not re.search(r'(?:src|href)="(?!data:)', doc) and "<link" not in doc and "<script" not in doc


def test_extra_css_comes_after_the_shared_css():
    doc = page("t", "", extra_css=".scroll{overflow-x:auto}")
    assert f"<style>{CSS}.scroll{{overflow-x:auto}}</style>" in doc


def test_html_table_escapes_every_cell():
    text = html_table(["a<b", "c&d"], [["<script>", '"q"'], [1, 2.5]])
    assert text == ('<table class="nc-table"><thead><tr><th>a&lt;b</th><th>c&amp;d</th></tr></thead><tbody>'
                    "<tr><td>&lt;script&gt;</td><td>&quot;q&quot;</td></tr><tr><td>1</td><td>2.5</td></tr>"
                    "</tbody></table>")


def test_html_figure_embeds_the_png():
    text = html_figure("fig_1", b"\x89PNG", 'a "caption" <x>', alt="alt & text")
    assert text == ('<figure id="fig_1"><img alt="alt &amp; text" src="data:image/png;base64,iVBORw==">'
                    "<figcaption>a &quot;caption&quot; &lt;x&gt;</figcaption></figure>")
    assert 'alt="fig_1"' in html_figure("fig_1", b"", "")


def test_markdown_cells_escape_pipes_and_line_breaks():
    assert md_cell("a|b\nc") == "a\\|b c"
    assert md_cell(0.5) == "0.5"
    assert md_table(["k", "v|w"], [["x", "1\n2"]]) == ["| k | v\\|w |", "|---|---|", "| x | 1 2 |"]
    assert md_table(["k"], []) == ["| k |", "|---|"]


def test_html_glossary_is_an_escaped_definition_list():
    assert html_glossary([("a<b", "c & d"), ("pJ", "picojoule")]) == (
        '<dl class="nc-glossary"><dt>a&lt;b</dt><dd>c &amp; d</dd><dt>pJ</dt><dd>picojoule</dd></dl>')
    assert html_glossary([]) == '<dl class="nc-glossary"></dl>'
