"""Figures inline in Jupyter without ``%matplotlib inline``.

The package draws every figure as a bare ``matplotlib.figure.Figure`` (no pyplot: no global figure
state, no GUI backend; see :mod:`neurocompare.report.figures`). IPython shows an object through the
formatters of its display system, and matplotlib registers its PNG formatter for ``Figure`` only when
pyplot activates the inline backend (``%matplotlib inline``, or the first ``import matplotlib.pyplot``
in a kernel). A notebook that only uses neurocompare never imports pyplot, so before this module a
figure fell through to its ``repr``: ``<Figure size 700x420 with 1 Axes>``.

:func:`enable_inline_figures` registers an ``image/png`` formatter for ``Figure`` with the running
IPython shell (by name, so matplotlib is not imported for it). ``import neurocompare`` calls it when
IPython is already loaded (always the case in a Jupyter kernel); it does nothing outside IPython, and
leaves an existing ``Figure`` formatter (``%matplotlib inline`` or ``%config InlineBackend``) alone.
"""

from __future__ import annotations

import io
import sys
from typing import Any

__all__ = ["enable_inline_figures", "figure_png"]

#: Resolution of inline figures (dots per inch); the package's figures are laid out at 100 dpi.
INLINE_DPI = 100


def figure_png(figure: Any, *, dpi: float = INLINE_DPI, tight: bool = True) -> bytes:
    """The PNG bytes of a matplotlib ``Figure``, drawn with Agg (``tight``: cropped to its content)."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, bbox_inches="tight" if tight else None, facecolor="white")
    return buffer.getvalue()


def _shell() -> Any:
    """The running IPython shell, or None (IPython is never imported here: only looked up)."""
    ipython = sys.modules.get("IPython")
    get = getattr(ipython, "get_ipython", None)
    return get() if get is not None else None


def enable_inline_figures(shell: Any = None) -> bool:
    """Show matplotlib Figures as PNG images in IPython/Jupyter; True if the formatter is in place.

    Parameters
    ----------
    shell : IPython InteractiveShell, optional
        Default: the running one. Outside IPython this does nothing and returns False.
    """
    shell = shell if shell is not None else _shell()
    formatters = getattr(getattr(shell, "display_formatter", None), "formatters", None)
    if not formatters or "image/png" not in formatters:
        return False
    png = formatters["image/png"]
    if _has_figure_formatter(png):
        return True
    png.for_type_by_name("matplotlib.figure", "Figure", figure_png)
    return True


def _has_figure_formatter(formatter: Any) -> bool:
    """Whether ``formatter`` already renders matplotlib Figures (registered by type or by name)."""
    if ("matplotlib.figure", "Figure") in getattr(formatter, "deferred_printers", {}):
        return True
    figure = getattr(sys.modules.get("matplotlib.figure"), "Figure", None)
    return figure is not None and figure in getattr(formatter, "type_printers", {})
