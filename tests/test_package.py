"""Package-level promises: the public API, the layering, the README example, the CLI."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

import neurocompare

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = Path(neurocompare.__file__).resolve().parent


def test_public_api():
    from neurocompare import ArtificialBackend, Circuit, SpikingBackend  # noqa: F401

    for name in neurocompare.__all__:
        assert hasattr(neurocompare, name), name
    assert neurocompare.available_backends() == ("artificial", "spiking", "reference")


@pytest.mark.slow
def test_an_error_after_a_spiking_run_reads_as_itself_not_as_a_brian2_bug():
    """Brian2 installs an excepthook that blames itself for any uncaught exception; the backend puts the previous
    hook back, so a user's own error after a run prints its traceback only."""
    code = ("import sys\nfrom neurocompare import Circuit, NeuronPopulation, SpikingBackend\n"
            "SpikingBackend(duration_ms=1.0).run(Circuit('c', populations=[NeuronPopulation('n', 1)]))\n"
            "assert sys.excepthook is sys.__excepthook__\nraise ValueError('mine')\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.returncode == 1 and out.stderr.rstrip().endswith("ValueError: mine"), out.stderr
    assert "Brian 2 encountered an unexpected error" not in out.stderr


def test_importing_neurocompare_does_not_import_brian2():
    code = "import sys, neurocompare; print('brian2' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"


def _readme_python_blocks() -> list[str]:
    text = (ROOT / "README.md").read_text()
    return re.findall(r"```python\n(.*?)```", text, flags=re.S)


@pytest.mark.slow
def test_readme_api_example_runs(tmp_path, monkeypatch):
    blocks = [b for b in _readme_python_blocks() if not b.startswith(("# how-to", '"""'))]
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


@pytest.mark.slow
def test_readme_how_to_add_a_neuron_model_works_as_written(tmp_path):
    """The README's model recipe, followed literally (in a fresh process: it registers a model), then used."""
    block = next(b for b in _readme_python_blocks() if b.startswith("# how-to: a neuron model"))
    check = """
import json
from neurocompare import Circuit, NeuronPopulation, SpikingBackend
c = Circuit("q", populations=[NeuronPopulation("n", 2, bias=[0.0, 20.0], neuron=QIF())])
c.save("q.json")
res = SpikingBackend(duration_ms=200.0, rate_scale_hz=1.0, target="numpy").run(Circuit.load("q.json"), seed=0)
print(json.dumps([res.spike_counts("n")[0].tolist(), open("q.json").read().count('"model": "qif"')]))
"""
    out = subprocess.run([sys.executable, "-c", block + check], capture_output=True, text=True, cwd=tmp_path,
                         check=True)
    (silent, driven), tags = json.loads(out.stdout)
    # no drive: silent; 20/s, above the rheobase a v_c^2 / (4 tau_m) = 6.25/s: fires; the file names the model
    assert silent == 0 and driven > 0 and tags == 1, out.stdout


@pytest.mark.slow
def test_readme_scenario_example_runs_as_written(tmp_path):
    """The README's scenario script, saved as mine/wta3.py, runs through the CLI with --quick and --set."""
    block = next(b for b in _readme_python_blocks() if b.startswith('"""Does a three-neuron winner-take-all'))
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "wta3.py").write_text(block)
    cmd = [sys.executable, "-m", "neurocompare", "run", "wta3", "--scenarios", "mine", "--quick", "--set",
           "rate_scale_hz=200", "--out", "out"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads((tmp_path / "out" / "metrics.json").read_text())
    assert doc["parameters"]["duration_ms"] == 100.0 and doc["parameters"]["rate_scale_hz"] == 200.0
    assert doc["metrics"]["spikes_per_neuron.wta"]["value"] > 0

