"""Screenshots for the Jupyter work: the executed tutorial notebook, report pages, and the explorer's latency.

Usage::

    python benchmarks/notebook_screenshot.py notebook [--out benchmarks/results/screenshots]
    python benchmarks/notebook_screenshot.py report REPORT_DIR OUT.png
    python benchmarks/notebook_screenshot.py latency [--updates 40]

``notebook`` executes ``examples/tutorial.ipynb`` with nbclient (a kernel of this interpreter, through a
temporary kernelspec), exports it to HTML with nbconvert and screenshots the page with headless
Chromium: ``tutorial.html`` and ``tutorial.png``. ``report`` screenshots a report folder's
``report.html``. Pages are shot in one tall window and cropped below the last non-white row.
``latency`` times the explorer's updates (both backends rerun and the figure redrawn) and writes
``benchmarks/results/explorer_latency.json``. Nothing is downloaded; the exported HTML needs no network
except for live widgets (their snapshots are ordinary images in the page).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHOTS = ROOT / "benchmarks" / "results" / "screenshots"
WIDTH = 1400


def chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        if shutil.which(name):
            return shutil.which(name)
    sys.exit("no Chromium found (Debian: apt-get install chromium)")


def screenshot(html: Path, out: Path, *, width: int = WIDTH, height: int = 12000) -> Path:
    """A full-page PNG of ``html``: one window ``height`` tall (doubled while the page fills it), cropped."""
    from PIL import Image

    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        shot = Path(tmp) / "shot.png"
        while True:
            cmd = [chromium(), "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                   f"--user-data-dir={tmp}/profile", f"--screenshot={shot}", f"--window-size={width},{height}",
                   html.resolve().as_uri()]
            subprocess.run(cmd, check=True, capture_output=True, timeout=300)
            image = Image.open(shot).convert("RGB")
            pixels = np.asarray(image)
            rows = np.flatnonzero((pixels != pixels[-1, 0]).any(axis=(1, 2)))
            bottom = int(rows.max()) + 1 if rows.size else 1
            if bottom < height - 10 or height >= 32000:
                break
            height *= 2
        image.crop((0, 0, width, min(height, bottom + 40))).save(out, optimize=True)
    return out


def _kernelspec(tmp: Path) -> str:
    """A kernelspec that starts ipykernel with this interpreter (found through JUPYTER_PATH)."""
    spec = tmp / "kernels" / "neurocompare-bench"
    spec.mkdir(parents=True)
    (spec / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "neurocompare", "language": "python"}))
    os.environ["JUPYTER_PATH"] = str(tmp)
    return spec.name


def notebook(out_dir: Path, path: Path = ROOT / "examples" / "tutorial.ipynb") -> Path:
    import nbformat
    from nbclient import NotebookClient
    from nbconvert import HTMLExporter

    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        NotebookClient(nb, kernel_name=_kernelspec(Path(tmp)), timeout=120,
                       resources={"metadata": {"path": tmp}}).execute()
        print(f"executed {path.name} in {time.perf_counter() - start:.1f} s")
    html, _ = HTMLExporter().from_notebook_node(nb)
    images = html.count("data:image/png;base64")
    if images < 4 or "&lt;Figure size" in html:
        raise SystemExit(f"the HTML export of {path.name} carries {images} inline PNG figure(s), expected 4 or more "
                         "and no figure shown as text")
    out_dir.mkdir(parents=True, exist_ok=True)
    page = out_dir / f"{path.stem}.html"
    page.write_text(html, encoding="utf-8")
    return screenshot(page, out_dir / f"{path.stem}.png")


def latency(updates: int) -> dict:
    """Median and 90th percentile of the explorer's update time, alternating two slider values."""
    from neurocompare.explorer import Explorer

    explorer = Explorer()
    explorer.latencies_ms.clear()
    for i in range(updates):  # every value differs, so every change is an update
        explorer.controls["v_threshold"].value = round(1.0 + 0.01 * (i + 1), 2)
    lat = np.array(explorer.latencies_ms)
    result = {"updates": len(lat), "median_ms": float(np.median(lat)), "p90_ms": float(np.percentile(lat, 90)),
              "max_ms": float(lat.max()), "backend": explorer.spiking.name, "dt_ms": explorer.spiking.dt_ms,
              "duration_ms": explorer.spiking.duration_ms, "batch": 4, "circuit": explorer.base.name,
              "cpus": os.cpu_count(), "python": platform.python_version()}
    path = ROOT / "benchmarks" / "results" / "explorer_latency.json"
    path.write_text(json.dumps(result, indent=2) + "\n")
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="mode", required=True)
    p = sub.add_parser("notebook", help="execute the tutorial, export HTML, screenshot it")
    p.add_argument("--out", type=Path, default=SHOTS)
    p.add_argument("--notebook", type=Path, default=ROOT / "examples" / "tutorial.ipynb")
    p = sub.add_parser("report", help="screenshot REPORT_DIR/report.html into OUT")
    p.add_argument("report_dir", type=Path)
    p.add_argument("out", type=Path)
    p = sub.add_parser("latency", help="time the explorer's updates")
    p.add_argument("--updates", type=int, default=40)
    args = parser.parse_args(argv)
    if args.mode == "notebook":
        print(notebook(args.out, args.notebook))
    elif args.mode == "report":
        page = args.report_dir / "report.html"
        if not page.is_file():
            sys.exit(f"{page}: no such file (give a report folder)")
        print(screenshot(page, args.out))
    else:
        print(json.dumps(latency(args.updates), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
