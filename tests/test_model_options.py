"""Any neuron and synapse model in any scenario (--set neuron=..., --set synapse=...), the membranes' starting point
(v_init_fraction), and sweeps over models."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection, ReferenceBackend, SpikingBackend
from neurocompare.crosscheck import crosscheck
from neurocompare.errors import ParameterError, UnknownNameError
from neurocompare.models import ExpConductanceSynapse, Izhikevich, LIF
from neurocompare.scenarios import run_scenario
from neurocompare.studies import model_dt, with_models


def _circuit() -> Circuit:
    return Circuit("two", inputs=[InputPopulation("x", 2)],
                   populations=[NeuronPopulation("h", 3, neuron=LIF(t_ref_ms=1.0)), NeuronPopulation("o", 1)],
                   projections=[Projection("x", "h", np.ones((3, 2), int), 0.3), Projection("h", "o", [[2, 2, 2]], 0.2)])


def test_with_models_replaces_every_population_and_names_bad_names():
    c = with_models(_circuit(), neuron="izhikevich:FS", synapse="conductance")
    assert all(p.neuron == Izhikevich.preset("FS") and p.synapse == ExpConductanceSynapse() for p in c.populations)
    assert with_models(_circuit()) == _circuit()
    assert with_models(_circuit(), neuron=Izhikevich()).populations[1].neuron == Izhikevich()
    with pytest.raises(UnknownNameError, match=r"two: option neuron: Unknown neuron model 'izh'; valid: lif, "):
        with_models(_circuit(), neuron="izh")
    with pytest.raises(UnknownNameError, match=r"option synapse: Unknown synapse model 'alpha'; valid: delta, "
                                               r"exp_current, conductance"):
        with_models(_circuit(), synapse="alpha")
    assert (model_dt(""), model_dt("lif"), model_dt("adex:tonic"), model_dt("hodgkin_huxley")) == (0.1, 0.1, 0.025, 0.01)


@pytest.mark.parametrize("fraction", [0.0, 0.5])
def test_membranes_can_start_part_of_the_way_to_threshold_on_both_simulators(fraction):
    """v_init_fraction 0.5: every membrane starts half-way from rest to threshold, so the first spikes come sooner
    (the latency lever of the digits budget); the two simulators agree spike for spike."""
    c = Circuit("one", populations=[NeuronPopulation("n", 3, bias=[0.3, 0.5, 1.0])])
    report = crosscheck(c, None, duration_ms=60.0, v_init_fraction=fraction, target="numpy")
    assert report.identical, report.summary()
    first = report.spiking.spikes["n"].times(0, 2)[0]
    assert first == pytest.approx({0.0: 5.7, 0.5: 3.0}[fraction])  # bias 1.0 = 200/s: tau ln(4/3) vs ln(3.5/3)
    v0 = ReferenceBackend(duration_ms=1.0, v_init_fraction=fraction).run(c, record_voltage={"n": [0]}).voltages["n"]
    assert v0.v[0, 0, 0] == pytest.approx(fraction)
    with pytest.raises(ParameterError, match=r"v_init_fraction must be a finite number >= 0 and < 1; got 1.5"):
        SpikingBackend(v_init_fraction=1.5)


@pytest.mark.slow
def test_a_scenario_runs_with_another_model_and_its_report_says_so(tmp_path):
    c = run_scenario("logic_gates", out_dir=tmp_path / "lg", seed=0, quick=True,
                     options={"neuron": "izhikevich:RS", "synapse": "exp_current"})
    assert all(p.neuron == Izhikevich() for p in c.circuit.populations)
    assert c.snn.info["synapse_models"]["out"]["model"] == "exp_current"
    md = (tmp_path / "lg" / "report.md").read_text()
    assert "spiking models: " in md and "izhikevich:RS neuron (euler integration), exp_current synapses" in md
    assert json.loads((tmp_path / "lg" / "metrics.json").read_text())["parameters"]["neuron"]["model"] == "lif"


def test_the_command_line_names_a_misspelt_model_with_the_valid_ones(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "neurocompare", "run", "logic_gates", "--quick", "--set",
                           "neuron=izhikevich:XX", "--out", str(tmp_path / "x")], capture_output=True, text=True)
    assert proc.returncode != 0 and not (tmp_path / "x").exists()
    assert "Unknown izhikevich preset 'XX'; valid: RS, IB, CH, FS, LTS, RZ." in proc.stderr


@pytest.mark.slow
def test_a_sweep_over_neuron_models(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "neurocompare", "sweep", "single_neuron", "--param",
                           "neuron=lif,adaptive_lif,izhikevich:RS", "--quick", "--out", str(tmp_path / "sw")],
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    rows = (tmp_path / "sw" / "results.csv").read_text().splitlines()
    header = rows[0].split(",")
    models = sorted(r.split(",")[header.index("neuron")] for r in rows[1:])
    assert models == ["adaptive_lif", "izhikevich:RS", "lif"]
    assert all(r.split(",")[header.index("status")] == "ok" for r in rows[1:])


def test_a_sweep_names_a_misspelt_model_before_any_task_runs(tmp_path):
    proc = subprocess.run([sys.executable, "-m", "neurocompare", "sweep", "single_neuron", "--param",
                           "neuron=lif,izhikevic", "--quick", "--out", str(tmp_path / "sw")], capture_output=True, text=True)
    assert proc.returncode != 0 and not (tmp_path / "sw").exists()
    assert ("Scenario 'single_neuron': option neuron: Unknown neuron model 'izhikevic'; valid: lif, adaptive_lif, "
            "izhikevich, adex, hodgkin_huxley.") in proc.stderr
