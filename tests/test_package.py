"""Package-level promises: the public API, the layering, the README example, the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path


import neurocompare

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(neurocompare.__file__).resolve().parent


def test_public_api():
    from neurocompare import ArtificialBackend, Circuit, SpikingBackend  # noqa: F401

    for name in neurocompare.__all__:
        assert hasattr(neurocompare, name), name
    assert neurocompare.available_backends() == ("artificial", "spiking", "reference")


def test_importing_neurocompare_does_not_import_brian2():
    code = "import sys, neurocompare; print('brian2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _readme_python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


def test_readme_api_example_runs(tmp_path, monkeypatch):
    blocks = _readme_python_blocks()
    assert blocks, "the README has a python example"
    monkeypatch.chdir(tmp_path)
    namespace = {"__name__": "readme"}  # blocks run in order, like a notebook
    for block in blocks:
        exec(compile(block, "README.md", "exec"), namespace)
    assert (tmp_path / "neurocompare-output" / "and_gate" / "report.html").is_file()


def test_readme_quickstart_has_exactly_two_commands():
    text = (ROOT / "README.md").read_text()
    quick = re.search(r"## Quickstart\n(.*?)\n## ", text, flags=re.S).group(1)
    commands = re.findall(r"```(?:sh|bash|console)\n(.*?)```", quick, flags=re.S)
    lines = [ln for block in commands for ln in block.strip().splitlines() if ln.strip() and not ln.startswith("#")]
    assert len(lines) == 2, lines
    ci = (ROOT / ".ci" / "run").read_text()
    assert lines[1].strip() in ci, ".ci/run runs the README's test command"
