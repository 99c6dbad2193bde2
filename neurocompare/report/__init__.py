"""Writing comparison reports: metrics, tables, figures and a self-contained HTML page per folder."""

from .writing import REPORT_FILES, load_comparison, render_panels, render_report, write_report

__all__ = ["write_report", "render_report", "load_comparison", "render_panels", "REPORT_FILES"]
