"""The numpy reference simulator against the Brian2 backend: identical spikes, spike for spike.

Every comparison runs Brian2 on its numpy target with a fixed seed, for at most 300 ms of
simulated time, and checks that both simulators emit exactly the same spikes (sample, neuron
and time) in every population, with a guard that the neurons actually fired. Where membrane
potentials are recorded they must agree to 1e-12 (the two simulators sum simultaneous
synaptic inputs in a different order, so the last bits may differ).
"""

from __future__ import annotations

import importlib
import math
from dataclasses import replace

import numpy as np
import pytest

from neurocompare import (
    LIF,
    Circuit,
    InputError,
    InputPopulation,
    Latency,
    NeuronPopulation,
    ParameterError,
    Projection,
    Result,
    SimulationError,
    SpikeTrains,
    SpikingBackend,
    UnknownNameError,
)
from neurocompare.backends.reference import backend as reference_module
from neurocompare.backends.brian2 import models as spiking_module
from neurocompare.backends.reference import ReferenceBackend
from neurocompare.crosscheck import CrosscheckReport, crosscheck

from ..conftest import DT_MS, random_feedforward, single_neuron

IF_NEURON = LIF(tau_m_ms=math.inf, t_ref_ms=0.0, reset="subtract")


def run_both(circuit, inputs=None, *, seed=0, record_voltage=None, **options) -> tuple[Result, Result]:
    options.setdefault("dt_ms", DT_MS)
    brian = SpikingBackend(target="numpy", **options).run(circuit, inputs, seed=seed, record_voltage=record_voltage)
    ref = ReferenceBackend(**options).run(circuit, inputs, seed=seed, record_voltage=record_voltage)
    return brian, ref


def assert_identical(brian: Result, ref: Result, circuit: Circuit, *, min_spikes: int, populations=None) -> int:
    """Same populations, same spikes, same activations and voltages; returns the guard count.

    ``min_spikes`` neuron spikes must have been emitted in ``populations`` (default: all neuron
    populations), or the comparison would prove nothing.
    """
    assert set(brian.spikes) == set(ref.spikes)
    for name in brian.spikes:
        a, b = brian.spikes[name], ref.spikes[name]
        np.testing.assert_array_equal(a.time_ms, b.time_ms, err_msg=f"{name}: spike times")
        np.testing.assert_array_equal(a.sample, b.sample, err_msg=f"{name}: samples")
        np.testing.assert_array_equal(a.neuron, b.neuron, err_msg=f"{name}: neurons")
        np.testing.assert_array_equal(a.sign, b.sign, err_msg=f"{name}: signs")
    for name in brian.activations:
        np.testing.assert_array_equal(brian[name], ref[name], err_msg=f"{name}: decoded activations")
    for name, tr in brian.voltages.items():
        np.testing.assert_allclose(ref.voltages[name].v, tr.v, rtol=0, atol=1e-12, err_msg=f"{name}: voltage")
        np.testing.assert_array_equal(ref.voltages[name].time_ms, tr.time_ms)
    assert set(ref.final_v) == set(brian.final_v) == set(circuit.population_names)
    for name, v in brian.final_v.items():
        np.testing.assert_allclose(ref.final_v[name], v, rtol=0, atol=1e-12, err_msg=f"{name}: final v")
    fired = sum(len(brian.spikes[n]) for n in (populations or circuit.population_names))
    assert fired >= min_spikes, f"guard: only {fired} neuron spikes; the comparison would prove nothing"
    return fired


# --------------------------------------------------------------------- single neurons
@pytest.mark.parametrize("t_ref_ms", [0.0, 2.0, 0.29])
@pytest.mark.parametrize("reset", ["value", "subtract"])
def test_single_lif_with_bias(reset, t_ref_ms):
    """Constant drives from below rheobase to saturation, both resets, t_ref = 0 and > 0.

    t_ref = 0.29 ms is not a multiple of dt: Brian2 truncates it to 2 steps
    (``timestep(t_ref, dt) = int(t_ref / dt + 1e-3)``), and so must the reference.
    """
    lif = LIF(tau_m_ms=12.0, v_rest=-0.1, v_reset=0.05, v_threshold=1.0, reset=reset, t_ref_ms=t_ref_ms)
    drives = [40.0, 95.0, 100.0, 130.0, 260.0, 1e3, 2e4]  # 1/s; rheobase (1.1 / 12 ms) ~ 91.7/s
    circuit = single_neuron(drives, neuron=lif)
    brian, ref = run_both(circuit, duration_ms=200.0, rate_scale_hz=1.0, record_voltage={"n": [1, 3, 6]})
    assert_identical(brian, ref, circuit, min_spikes=100)
    assert brian.spike_counts("n")[0, 0] == 0  # below rheobase
    assert ref.info["target"] == "numpy-reference" and ref.info["backend"] == "reference"


def test_non_leaky_neuron_with_bias_and_input():
    """tau_m = inf: v += dt * I per step, plus synaptic jumps; both resets, with and without t_ref."""
    neurons = {
        "a": IF_NEURON,
        "b": LIF(tau_m_ms=math.inf, t_ref_ms=1.0, reset="value"),
        "c": LIF(tau_m_ms=math.inf, t_ref_ms=0.5, reset="subtract", v_reset=-0.2),
    }
    rng = np.random.default_rng(3)
    circuit = Circuit(
        "if",
        inputs=[InputPopulation("x", 3)],
        populations=[NeuronPopulation(k, 4, bias=rng.uniform(-0.2, 0.6, 4), neuron=lif) for k, lif in neurons.items()],
        projections=[Projection("x", k, counts=rng.integers(-2, 5, (4, 3)), unit_weight=0.13) for k in neurons],
    )
    brian, ref = run_both(
        circuit, rng.uniform(-1, 1, (2, 3)), encoding="regular", duration_ms=200.0, record_voltage={"a": [0, 1, 2, 3]}
    )
    assert_identical(brian, ref, circuit, min_spikes=80)


# ------------------------------------------------------------------ layered circuits
def test_random_two_layer_circuit_with_per_connection_delays():
    rng = np.random.default_rng(8)
    circuit = random_feedforward(rng, unit=0.2)
    # per-connection delays, including exact half-steps (Brian2's spike queue rounds them up)
    delays_h = rng.choice([0.0, 0.05, 0.35, 0.7, 1.25, 2.0], size=(5, 4))
    delays_o = rng.choice([0.0, 0.15, 0.45, 1.0, 3.05], size=(3, 5))
    circuit = Circuit(
        "delays",
        inputs=circuit.inputs,
        populations=circuit.populations,
        projections=[
            replace(circuit.projections[0], delay_ms=delays_h),
            replace(circuit.projections[1], delay_ms=delays_o),
        ],
    )
    x = rng.uniform(-1, 1, (4, 4))
    brian, ref = run_both(circuit, x, encoding="regular", duration_ms=300.0, record_voltage={"out": [0, 1, 2]})
    assert_identical(brian, ref, circuit, min_spikes=200, populations=["hidden", "out"])
    assert brian.spike_counts("out").sum() > 20, "guard: the second layer fired too"


def test_signed_inputs_act_with_the_opposite_sign():
    """Negative inputs flip their synapses' sign in both simulators (excitatory synapses inhibit)."""
    circuit = Circuit(
        "signed",
        inputs=[InputPopulation("x", 3)],
        populations=[NeuronPopulation("o", 4, bias=0.8)],
        projections=[Projection("x", "o", counts=[[3, 0, 1], [0, 4, 0], [2, 2, 2], [-3, 1, 0]], unit_weight=0.2)],
    )
    x = np.array([[0.9, -0.6, 0.3], [-0.9, 0.6, -0.3], [-1.0, -1.0, -1.0]])
    brian, ref = run_both(circuit, x, encoding="regular", duration_ms=200.0, record_voltage={"o": [0, 2]})
    assert_identical(brian, ref, circuit, min_spikes=50)
    assert np.any(ref.spikes["x"].sign < 0)
    counts = ref.spike_counts("o")
    assert counts[2].sum() < counts[0].sum(), "all-negative inputs inhibit"


def test_analog_inputs_with_delays():
    """Analog currents switch on at their (rounded) delay; 0.25 and 0.35 ms sit on half-steps."""
    rng = np.random.default_rng(5)
    circuit = Circuit(
        "analog",
        inputs=[InputPopulation("x", 3)],
        populations=[
            NeuronPopulation("h", 4, bias=-0.1, neuron=LIF(tau_m_ms=10.0, t_ref_ms=1.0, reset="subtract")),
            NeuronPopulation("o", 2, neuron=IF_NEURON),
        ],
        projections=[
            Projection("x", "h", counts=rng.integers(0, 5, (4, 3)), unit_weight=0.5,
                       delay_ms=[[0.0, 0.25, 0.35], [3.0, 0.0, 0.25], [0.35, 3.0, 0.0], [1.0, 1.0, 1.0]]),
            Projection("x", "o", counts=[[1, 2, 0], [0, 1, 3]], unit_weight=0.2, delay_ms=10.0),
            Projection("h", "o", counts=[[2, 1, 0, 1], [1, 0, 2, 2]], unit_weight=0.2, delay_ms=0.5),
        ],
    )
    x = np.array([[0.8, -0.2, 0.5], [0.1, 0.9, 0.4]])
    brian, ref = run_both(circuit, x, encoding="analog", duration_ms=150.0, record_voltage={"h": [0, 1, 2, 3], "o": [0]})
    assert_identical(brian, ref, circuit, min_spikes=100)
    assert "x" not in ref.spikes  # analog inputs emit no spikes
    np.testing.assert_array_equal(ref["x"], x)


def test_latency_coding():
    rng = np.random.default_rng(12)
    circuit = Circuit(
        "latency",
        inputs=[InputPopulation("x", 6)],
        populations=[NeuronPopulation("h", 5, bias=0.3), NeuronPopulation("o", 2, bias=0.2)],
        projections=[
            Projection("x", "h", counts=rng.integers(-2, 9, (5, 6)), unit_weight=0.12, delay_ms=0.4),
            Projection("h", "o", counts=rng.integers(0, 6, (2, 5)), unit_weight=0.15),
        ],
    )
    x = rng.uniform(-1, 1, (4, 6))
    brian, ref = run_both(circuit, x, encoding=Latency(window_ms=40.0), duration_ms=100.0)
    assert_identical(brian, ref, circuit, min_spikes=60)
    assert len(ref.spikes["x"]) == np.count_nonzero(x)  # one spike per nonzero channel


def test_poisson_coding():
    """Poisson input is generated by the shared encoding with the same seed: identical output."""
    rng = np.random.default_rng(21)
    circuit = random_feedforward(rng, n_in=6, n_hidden=8, n_out=3, unit=0.12, delay=0.8)
    x = rng.uniform(0, 1, (3, 6))
    brian, ref = run_both(circuit, x, seed=77, encoding="poisson", duration_ms=300.0)
    assert_identical(brian, ref, circuit, min_spikes=200, populations=["hidden", "out"])
    assert len(ref.spikes["x"]) > 300


# ----------------------------------------------------------------- recurrent circuits
def winner_take_all(*, self_delay=0.0, inhibition_delay=1.0) -> Circuit:
    n = 4
    counts = np.full((n, n), -10)
    np.fill_diagonal(counts, 3)  # self-excitation (a self-loop) and mutual inhibition
    delays = np.full((n, n), inhibition_delay)
    np.fill_diagonal(delays, self_delay)
    return Circuit(
        "wta",
        inputs=[InputPopulation("x", n)],
        populations=[NeuronPopulation("wta", n, bias=0.3, neuron=LIF(tau_m_ms=15.0, t_ref_ms=1.0, reset="subtract"))],
        projections=[
            Projection("x", "wta", counts=np.eye(n, dtype=int) * 3, unit_weight=0.3),
            Projection("wta", "wta", counts=counts, unit_weight=0.1, delay_ms=delays),
        ],
    )


@pytest.mark.parametrize("self_delay, inhibition_delay", [(0.0, 1.0), (0.6, 0.0)])
def test_recurrent_winner_take_all(self_delay, inhibition_delay):
    """Mutual inhibition with a self-loop; zero-delay recurrent spikes arrive in their own step."""
    x = np.array([[1.0, 0.8, 0.6, 0.3], [0.3, 0.6, 0.8, 1.0]])
    circuit = winner_take_all(self_delay=self_delay, inhibition_delay=inhibition_delay)
    brian, ref = run_both(circuit, x, encoding="regular", duration_ms=200.0, record_voltage={"wta": [0, 3]})
    assert_identical(brian, ref, circuit, min_spikes=50)
    counts = ref.spike_counts("wta")
    assert counts[0, 0] > 2 * counts[0, 1:].sum() and counts[1, 3] > 2 * counts[1, :3].sum(), "the strongest input wins"


def test_recurrent_circuit_without_inputs_and_with_zero_delay_self_excitation():
    """t_ref = 0 and a zero-delay self-loop: the spike's own input is added before the reset."""
    lif = LIF(tau_m_ms=20.0, t_ref_ms=0.0, reset="subtract")
    circuit = Circuit(
        "loop",
        populations=[NeuronPopulation("a", 3, bias=[60.0, 90.0, 150.0], neuron=lif),
                     NeuronPopulation("b", 2, bias=[10.0, 70.0], neuron=LIF(tau_m_ms=8.0, t_ref_ms=0.5))],
        projections=[
            Projection("a", "a", counts=[[1, 0, -1], [0, 2, 0], [-2, 1, 1]], unit_weight=0.1),
            Projection("a", "b", counts=[[2, 1, 0], [0, 1, 3]], unit_weight=0.2, delay_ms=[[0.0, 0.3, 0.0], [1.5, 0.0, 0.05]]),
            Projection("b", "a", counts=[[-1, 0], [0, -2], [1, 1]], unit_weight=0.1, delay_ms=2.0),
        ],
    )
    brian, ref = run_both(circuit, None, rate_scale_hz=1.0, duration_ms=250.0, record_voltage={"a": [0, 1, 2]})
    assert_identical(brian, ref, circuit, min_spikes=50)


# -------------------------------------------------------------- the Result contract
def test_result_has_the_spiking_backends_shape_and_info():
    rng = np.random.default_rng(1)
    circuit = random_feedforward(rng, unit=0.2, delay=0.5)
    x = rng.uniform(0, 1, (3, 4))
    brian, ref = run_both(circuit, x, seed=4, encoding="regular", duration_ms=50.0, record_voltage={"hidden": [1, 4]})
    assert isinstance(ref, Result) and ref.backend == "reference" and ref.batch_size == 3
    assert set(ref.activations) == set(brian.activations) == {"x", "hidden", "out"}
    for name, a in brian.activations.items():
        assert ref[name].shape == a.shape
    for key in ("dt_ms", "duration_ms", "seed", "encoding", "rate_scale_hz", "neuron", "batch_size", "neurons"):
        assert ref.info[key] == brian.info[key], key
    assert ref.info["target"] == "numpy-reference"
    trace = ref.voltages["hidden"]
    assert trace.v.shape == (3, 2, 500) and trace.time_ms[1] == pytest.approx(DT_MS)
    assert isinstance(ref.spikes["hidden"], SpikeTrains) and ref.spikes["hidden"].duration_ms == 50.0


def test_reference_is_deterministic_and_batch_independent():
    rng = np.random.default_rng(6)
    circuit = random_feedforward(rng, unit=0.2, delay=0.3)
    x = rng.uniform(0, 1, (4, 4))
    be = ReferenceBackend(duration_ms=100.0, encoding="poisson")
    a, b = be.run(circuit, x, seed=9), be.run(circuit, x, seed=9)
    for name in a.spikes:
        np.testing.assert_array_equal(a.spikes[name].time_ms, b.spikes[name].time_ms)
    fewer = be.run(circuit, x[:2], seed=9)  # dropping later samples leaves the earlier ones unchanged
    for name in a.spikes:
        np.testing.assert_array_equal(a.spikes[name].select([0, 1]).time_ms, fewer.spikes[name].time_ms)
        np.testing.assert_array_equal(a.spikes[name].select([0, 1]).neuron, fewer.spikes[name].neuron)
    assert len(a.spikes["hidden"]) > 50
    drawn = be.run(circuit, x, seed=None)
    again = be.run(circuit, x, seed=drawn.info["seed"])
    np.testing.assert_array_equal(drawn.spikes["hidden"].time_ms, again.spikes["hidden"].time_ms)


def test_threshold_tolerance_is_the_same_number_in_both_simulators():
    assert reference_module.THRESHOLD_TOLERANCE == spiking_module.THRESHOLD_TOLERANCE == 1e-9


def test_n_synapses_of_w_reach_threshold_like_one_of_n_times_w():
    """10 synapses of 0.1 onto v_th = 1 must fire despite 0.1 * 10 summation round-off (the tolerance)."""
    circuit = Circuit(
        "ten",
        inputs=[InputPopulation("x", 1)],
        populations=[NeuronPopulation("o", 1, neuron=IF_NEURON)],
        projections=[Projection("x", "o", counts=[[1]], unit_weight=0.1)],
    )
    # regular input at 100 Hz for 100 ms: 10 spikes of 0.1 -> exactly one output spike (0.1 * 10 < 1 in floats)
    brian, ref = run_both(circuit, [[0.5]], encoding="regular", rate_scale_hz=200.0, duration_ms=100.0)
    assert_identical(brian, ref, circuit, min_spikes=1)
    assert ref.spike_counts("o")[0, 0] == 1


# --------------------------------------------------------------------- bad arguments
@pytest.mark.parametrize(
    "kwargs, exc, message",
    [
        (dict(dt_ms=-0.1), ParameterError, r"ReferenceBackend: dt_ms must be a finite number > 0; got -0\.1"),
        (dict(duration_ms=math.inf), ParameterError, "duration_ms must be a finite number > 0; got inf"),
        (dict(duration_ms=10.05), ParameterError, "whole number of time steps"),
        (dict(duration_ms=0.05), ParameterError, "at least dt_ms"),
        (dict(rate_scale_hz=0), ParameterError, "rate_scale_hz"),
        (dict(encoding="morse"), UnknownNameError, "Unknown encoding 'morse'"),
        (dict(neuron="lif"), ParameterError, "neuron must be an instance of a registered neuron model"),
        (dict(target="numpy"), TypeError, "target"),  # the reference has no code generation
    ],
)
def test_bad_options(kwargs, exc, message):
    with pytest.raises(exc, match=message):
        ReferenceBackend(**kwargs)


def test_bad_run_arguments():
    circuit = single_neuron([1.0])
    be = ReferenceBackend(duration_ms=10.0)
    with pytest.raises(ParameterError, match="circuit must be a Circuit; got dict"):
        be.run({"name": "c"})
    with pytest.raises(UnknownNameError, match="record_voltage: 'zz' is not a neuron population"):
        be.run(circuit, record_voltage={"zz": [0]})
    with pytest.raises(ParameterError, match=r"neuron index out of range 0\.\.0; got \[1\]"):
        be.run(circuit, record_voltage={"n": [1]})
    with pytest.raises(ParameterError, match="expected a list of neuron indices"):
        be.run(circuit, record_voltage={"n": [0.5]})
    with pytest.raises(ParameterError, match="seed must be a non-negative integer"):
        be.run(circuit, seed=1.5)
    with pytest.raises(InputError, match="no input populations"):
        be.run(circuit, [[1.0]])


def test_overflowing_weights_and_currents_raise_simulation_errors():
    huge_w = Circuit(
        "w",
        inputs=[InputPopulation("x", 1)],
        populations=[NeuronPopulation("o", 1)],
        projections=[Projection("x", "o", counts=[[4]], unit_weight=1e308)],
    )
    with pytest.raises(SimulationError, match="Projection 'x->o': counts x unit_weight overflows"):
        ReferenceBackend(duration_ms=5.0, encoding="regular").run(huge_w, [[1.0]], seed=0)
    huge_b = single_neuron([1e307], neuron=IF_NEURON)
    with pytest.raises(SimulationError, match=r"Population 'n': the bias current \(bias x rate_scale_hz\) is not finite"):
        ReferenceBackend(duration_ms=5.0).run(huge_b, seed=0)
    # each synapse finite, their sum in one step is not
    many = Circuit(
        "sum",
        inputs=[InputPopulation("x", 3)],
        populations=[NeuronPopulation("o", 1, neuron=IF_NEURON)],
        projections=[Projection("x", "o", counts=[[1, 1, 1]], unit_weight=1e308)],
    )
    with pytest.raises(SimulationError, match=r"Population 'o': the membrane potential became non-finite \(inf\) at step"):
        ReferenceBackend(duration_ms=5.0, encoding="latency").run(many, [[1.0, 1.0, 1.0]], seed=0)


# ------------------------------------------------------------------------ crosscheck
@pytest.mark.slow
def test_crosscheck_reports_identical_runs():
    rng = np.random.default_rng(30)
    circuit = random_feedforward(rng, unit=0.2, delay=0.6)
    report = crosscheck(
        circuit, rng.uniform(0, 1, (2, 4)), seed=3, duration_ms=100.0, encoding="poisson", target="numpy",
        synapse_mode="multi", record_voltage={"out": [0, 1]},
    )
    assert isinstance(report, CrosscheckReport)
    assert report.identical and report.first_difference is None
    report.raise_if_different()
    assert report["hidden"].n_spikes_spiking == report["hidden"].n_spikes_reference > 20
    assert report["out"].max_voltage_difference <= 1e-12
    assert np.isnan(report["hidden"].max_voltage_difference)  # not recorded
    with pytest.raises(UnknownNameError, match="no population 'zz'; known: x, hidden, out"):
        report["zz"]
    text = report.summary()
    assert "IDENTICAL" in text and "'random_ff'" in text and "hidden" in text and "target 'numpy'" in text
    assert report.spiking.backend == "spiking" and report.reference.backend == "reference"


def test_crosscheck_names_the_first_differing_spike(monkeypatch):
    """A reference that loses one spike is caught, and the report points at that spike."""

    class Lossy(ReferenceBackend):
        def run(self, circuit, inputs=None, *, seed=None, record_voltage=None):
            res = super().run(circuit, inputs, seed=seed, record_voltage=record_voltage)
            tr = res.spikes["n"]
            keep = np.arange(len(tr)) != 3  # drop the 4th spike
            lossy = SpikeTrains("n", tr.batch_size, tr.size, tr.sample[keep], tr.neuron[keep], tr.time_ms[keep],
                                tr.duration_ms)
            return Result(res.backend, res.circuit_name, res.batch_size, res.activations,
                          spikes={**res.spikes, "n": lossy}, info=res.info)

    # the module, not the function of the same name the package may re-export
    monkeypatch.setattr(importlib.import_module("neurocompare.crosscheck"), "ReferenceBackend", Lossy)
    circuit = single_neuron([100.0, 300.0], neuron=LIF(t_ref_ms=0.0))
    report = crosscheck(circuit, None, duration_ms=50.0, rate_scale_hz=1.0, target="numpy")
    assert not report.identical
    lost = report.spiking.spikes["n"]
    d = report.first_difference
    assert (d.population, d.sample, d.neuron, d.only_in) == ("n", 0, int(lost.neuron[3]), "spiking")
    assert d.time_ms == pytest.approx(lost.time_ms[3])
    assert len(d.spiking_times_ms) == len(d.reference_times_ms) + 1
    assert report["n"].n_only_spiking == 1 and report["n"].n_only_reference == 0
    assert "DIFFERENT" in report.summary() and f"spike at {d.time_ms:g} ms only in the spiking run" in report.summary()
    with pytest.raises(SimulationError, match="disagree"):
        report.raise_if_different()


def test_progress_is_reported_with_the_brian2_backends_signature():
    calls = []
    res = ReferenceBackend(duration_ms=50.0).run(single_neuron([0.5]), seed=0, progress=lambda f, e: calls.append((f, e)))
    assert calls and calls[-1][0] == 1.0 and all(e >= 0 for _, e in calls)
    assert res.spike_counts("n")[0, 0] > 0


# ------------------------------------------------------------ every scenario circuit
def _scenario_circuits():
    from neurocompare.scenarios import find_scenarios, load_scenario

    out = []
    for name, info in find_scenarios().items():
        module = load_scenario(info)
        if name == "digits":
            out.append((name, module.build_circuit(seed=0, bits=5, epochs=5)))
        elif name == "logic_gates":
            out += [(f"logic_gates[{g}]", module.build_circuit(g)) for g in ("and", "or", "xor")]
        else:
            out.append((name, module.build_circuit()))
    return out


@pytest.mark.parametrize("encoding", ["regular", "poisson"])
@pytest.mark.slow
def test_reference_equals_brian2_on_every_scenario_circuit(encoding):
    """The independent simulator reproduces the Brian2 backend spike for spike on each scenario's circuit."""
    rng = np.random.default_rng(8)
    fired = 0
    for name, circuit in _scenario_circuits():
        x = {p.name: rng.uniform(0.6, 1.0, (4, p.size)) for p in circuit.inputs} or None
        report = crosscheck(circuit, x, seed=2, duration_ms=60.0, encoding=encoding, rate_scale_hz=1000.0,
                            target="numpy")
        assert report.identical, f"{name}: {report.summary()}"
        neuron_spikes = sum(p.n_spikes_spiking for p in report.populations if p.population in circuit.population_names)
        assert neuron_spikes > 0, f"{name}: guard: neurons fired"
        fired += neuron_spikes
    assert fired > 100
