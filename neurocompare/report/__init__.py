"""Writing comparison reports: metrics, tables, figures and a self-contained HTML page per folder.

- :mod:`~neurocompare.report.writing`: the report folder and its files, replaced atomically;
  re-rendering from saved results (``neurocompare report DIR``).
- :mod:`~neurocompare.report.html`: the package's one HTML shell and CSS, HTML and Markdown tables.
- :mod:`~neurocompare.report.figures`: the matplotlib figures of a comparison;
  :mod:`~neurocompare.report.panels`: scenario panels as charts and the shared figure style (these two and
  :mod:`neurocompare.explorer` import matplotlib, only when figures are drawn).
"""

from .writing import REPORT_FILES, load_comparison, render_panels, render_report, write_report

__all__ = ["write_report", "render_report", "load_comparison", "render_panels", "REPORT_FILES"]
