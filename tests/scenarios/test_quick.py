"""The quick rule: a scenario's QUICK values are defaults of a quick run; explicit options always win."""

from __future__ import annotations

import subprocess
import sys

import pytest

from neurocompare.errors import ParameterError
from neurocompare.scenarios import compare_scenario, get_scenario, load_scenario, run_scenario, scenario_options

from .helpers import AND_GATE


def test_quick_values_replace_defaults_only():
    module = load_scenario(get_scenario("logic_gates"))
    full, quick = scenario_options(module), scenario_options(module, quick=True)
    assert (full["duration_ms"], full["trials"]) == (200.0, 25)
    assert (quick["duration_ms"], quick["trials"]) == (60.0, 4)
    assert {k: v for k, v in quick.items() if k not in module.QUICK} == {k: v for k, v in full.items()
                                                                         if k not in module.QUICK}


@pytest.mark.parametrize("name", ["demo", "single_neuron", "logic_gates", "feature_detectors", "recurrent_loop",
                                  "digits", "neuron_models", "synapses", "learning"])
def test_no_scenario_run_looks_at_quick(name):
    module = load_scenario(get_scenario(name))
    assert "quick" not in module.run.__code__.co_varnames
    assert set(module.QUICK) <= set(scenario_options(module))


def test_logic_gates_quick_with_an_explicit_duration_runs_at_that_duration():
    c = compare_scenario("logic_gates", quick=True, options={"duration_ms": 30.0})
    assert c.parameters["duration_ms"] == 30.0  # before: quick forced 60 ms


def test_a_scenario_without_main_gets_its_report_and_bad_quick_values_are_named(tmp_path):
    folder = tmp_path / "scenarios"
    folder.mkdir()
    (folder / "and_gate.py").write_text(AND_GATE)
    c = run_scenario("and_gate", out_dir=tmp_path / "out", quick=True, extra_dirs=[folder])
    assert c.parameters["duration_ms"] == 20.0 and (tmp_path / "out" / "report.html").is_file()
    (folder / "bad_quick.py").write_text('"""Bad?"""\nQUICK = {"colour": 1}\n\ndef run(*, seed=0, progress=None, '
                                         'duration_ms=5.0):\n    pass\n')
    with pytest.raises(ParameterError, match="Scenario 'bad_quick': unknown option 'colour'; valid: duration_ms"):
        run_scenario("bad_quick", out_dir=tmp_path / "bad", quick=True, extra_dirs=[folder])


@pytest.mark.slow
def test_a_scenario_script_runs_as_a_program(tmp_path):
    (tmp_path / "and_gate.py").write_text(AND_GATE)
    res = subprocess.run([sys.executable, "and_gate.py"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "neurocompare-output" / "and_gate" / "report.html").is_file()


def test_logic_gates_simulates_the_xor_circuit_once(monkeypatch):
    """compare() runs the XOR circuit; the truth tables and the linear-XOR study reuse that run."""
    from neurocompare import SpikingBackend

    runs = []
    original = SpikingBackend.run

    def counting(self, circuit, *args, **kwargs):
        runs.append((circuit.name, tuple(p.delay_ms for p in circuit.projections), str(self.encoding)))
        return original(self, circuit, *args, **kwargs)

    monkeypatch.setattr(SpikingBackend, "run", counting)
    compare_scenario("logic_gates", quick=True, options={"duration_ms": 30.0, "trials": 2})
    regular = "Regular(jitter_ms=0.0)"
    assert runs.count(("xor", (0.0, 0.0), regular)) == 1, runs
    assert ("and_x2", (0.0,) * 2, regular) in runs  # the truth tables of AND and OR, side by side


@pytest.mark.parametrize("name", ["single_neuron", "logic_gates", "feature_detectors", "recurrent_loop", "digits",
                                  "synapses"])
def test_a_quick_run_puts_a_swapped_neuron_at_its_study_step_and_a_full_run_at_its_own(name):
    """--quick (a smoke run): fast_dt, the model's study step (Hodgkin-Huxley 0.025 ms, rates within 1.5 % of the
    converged solution: benchmarks/results/model_accuracy.md); a full run keeps the model's own (0.01 ms)."""
    module = load_scenario(get_scenario(name))
    assert scenario_options(module)["fast_dt"] is False and scenario_options(module, quick=True)["fast_dt"] is True


@pytest.mark.slow
@pytest.mark.filterwarnings("ignore::neurocompare.errors.CalibrationWarning")  # HH cannot fire at 1000 Hz: expected
def test_a_quick_hodgkin_huxley_run_records_its_step(tmp_path):
    c = run_scenario("single_neuron", out_dir=tmp_path / "q", seed=0, quick=True, options={"neuron": "hodgkin_huxley"})
    assert c.parameters["dt_ms"] == 0.025  # the run, as recorded in metrics.json and the report
    assert "0.025" in (tmp_path / "q" / "report.md").read_text()


@pytest.mark.parametrize("name, option", [("digits", "test_images"), ("learning", "train_images"),
                                          ("learning", "label_images")])
def test_a_negative_image_count_is_named_before_any_work(name, option, tmp_path):
    """A negative count would slice images off the end of the data, silently (x[:-5]); it is an error at once."""
    from neurocompare.errors import ParameterError
    from neurocompare.scenarios import run_scenario

    with pytest.raises(ParameterError, match=rf"{option} must be an integer >= 0 \(0: all\); got -5"):
        run_scenario(name, out_dir=tmp_path / "out", quick=True, options={option: -5})
    assert not (tmp_path / "out").exists()
