"""The tutorial notebook (examples/tutorial.ipynb) runs top to bottom in a Jupyter kernel, figures inline.

Executed with nbclient in a kernel of this interpreter: a temporary kernelspec pointing at
``sys.executable`` (so a user-level "python3" kernelspec of another Python cannot be picked up).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")
pytest.importorskip("ipywidgets")

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "examples" / "tutorial.ipynb"
KERNEL = "neurocompare-test"

pytestmark = pytest.mark.slow


@pytest.fixture
def kernel_name(tmp_path, monkeypatch):
    """A kernelspec named :data:`KERNEL` that starts ipykernel with this interpreter."""
    spec = tmp_path / "jupyter" / "kernels" / KERNEL
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "neurocompare test", "language": "python"}))
    monkeypatch.setenv("JUPYTER_PATH", str(tmp_path / "jupyter"))
    return KERNEL


def _execute(nb, kernel_name, cwd):
    client = nbclient.NotebookClient(nb, kernel_name=kernel_name, timeout=120, resources={"metadata": {"path": str(cwd)}})
    client.execute()
    return nb


def _outputs(nb):
    return [(i, out) for i, cell in enumerate(nb.cells) if cell.cell_type == "code" for out in cell.outputs]


def test_tutorial_runs_with_inline_figures(kernel_name, tmp_path):
    nb = nbformat.read(TUTORIAL, as_version=4)
    _execute(nb, kernel_name, tmp_path)  # raises CellExecutionError on any error
    outputs = _outputs(nb)
    assert not [o for _, o in outputs if o.output_type == "error"]
    figures = [o for _, o in outputs if "Figure size" in o.get("data", {}).get("text/plain", "")]
    assert len(figures) >= 4  # two report figures and two explorer snapshots
    assert all("image/png" in o["data"] for o in figures), "every figure displays as an image, not as text"
    tables = [o["data"]["text/html"] for _, o in outputs if "text/html" in o.get("data", {})]
    assert len(tables) == 2 and all("<table" in t and "measured" in t for t in tables)  # compare(), full comparison
    widgets = [o for _, o in outputs if "application/vnd.jupyter.widget-view+json" in o.get("data", {})]
    assert len(widgets) >= 3  # two progress bars and the explorer
    # How long the tutorial takes and its HTML export (nbconvert, extra "bench") are measured by
    # benchmarks/notebook_screenshot.py, not here.


def test_bare_figures_display_as_images_once_neurocompare_is_imported(kernel_name, tmp_path):
    """Why figures showed as text: IPython has no PNG formatter for Figure until pyplot's inline backend loads."""
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("from matplotlib.figure import Figure\nf = Figure(); f.subplots(); f"),
                nbformat.v4.new_code_cell("import neurocompare\nf")]
    _execute(nb, kernel_name, tmp_path)
    before, after = (cell.outputs[0]["data"] for cell in nb.cells)
    assert list(before) == ["text/plain"]
    assert "image/png" in after
