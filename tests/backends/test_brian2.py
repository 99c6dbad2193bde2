"""The spiking (Brian2) backend against theory and against itself.

Every test runs on Brian2's numpy target (nothing to compile) at dt = 0.1 ms unless it says
otherwise, with fixed seeds.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from neurocompare import LIF, Circuit, InputPopulation, Latency, NeuronPopulation, Projection, SpikingBackend
from neurocompare.errors import InputError, ParameterError, UnknownNameError

from neurocompare.backends.brian2 import import_brian2

from ..conftest import DT_MS, assert_same_spikes, random_feedforward, single_neuron

LIF_VALUE = LIF(tau_m_ms=20.0, t_ref_ms=2.0, reset="value")
IF_NEURON = LIF(tau_m_ms=math.inf, t_ref_ms=0.0, reset="subtract")


def backend(**kw) -> SpikingBackend:
    kw.setdefault("dt_ms", DT_MS)
    kw.setdefault("target", "numpy")
    return SpikingBackend(**kw)


def mean_isi_ms(times: np.ndarray) -> float:
    return float(np.mean(np.diff(times)))


# ------------------------------------------------------------------- single LIF neuron
DRIVES_HZ = np.array([55.0, 60.0, 75.0, 100.0, 150.0, 300.0, 1000.0])


@pytest.mark.slow
def test_lif_rate_matches_analytic_formula():
    """|1/r_sim - 1/r_analytic| <= 2 dt for 7 constant drives above rheobase (50/s here)."""
    # rate_scale_hz = 1: the bias *is* the drive I in 1/s.
    c = single_neuron(DRIVES_HZ, neuron=LIF_VALUE)
    res = backend(duration_ms=2000.0, rate_scale_hz=1.0, encoding="regular").run(c, seed=1)
    trains = res.spikes["n"]
    analytic_isi_ms = 1e3 / LIF_VALUE.analytic_rate_hz(DRIVES_HZ)
    for k, drive in enumerate(DRIVES_HZ):
        times = trains.times(0, k)
        assert len(times) >= 5, f"drive {drive}: too few spikes to measure ({len(times)})"
        err = abs(mean_isi_ms(times) - analytic_isi_ms[k])
        assert err <= 2 * DT_MS, f"drive {drive}/s: ISI error {err:.4f} ms > 2 dt"


def test_no_spikes_below_rheobase_and_saturation_towards_refractory_limit():
    lif = LIF_VALUE
    assert lif.rheobase_hz() == pytest.approx(50.0)
    drives = np.array([0.0, 25.0, 49.0, 300.0, 3000.0, 1e5, 1e7])
    res = backend(duration_ms=500.0, rate_scale_hz=1.0).run(single_neuron(drives, neuron=lif), seed=1)
    counts = res.spike_counts("n")[0]
    assert counts[:3].tolist() == [0, 0, 0]
    rates = counts / 0.5
    r_max = 1e3 / (lif.t_ref_ms + DT_MS)
    # saturation: rates rise towards 1/(t_ref + dt) and never exceed it (NEST's count: the neuron is clamped
    # for t_ref after its spike's step, so a drive that crosses threshold in one step fires every t_ref + dt)
    assert rates[3] < rates[4] < rates[5] <= r_max + 1 / 0.5  # + the window's one spike of counting error
    assert rates[6] == pytest.approx(r_max, abs=2 / 0.5)
    assert np.all(np.diff(LIF_VALUE.analytic_rate_hz(np.linspace(51, 1e6, 50))) > 0)


def test_subthreshold_trace_matches_exact_solution():
    """V(t) = V_inf + (V0 - V_inf) exp(-t / tau_m), to 1e-9 (Brian2's exact integrator)."""
    lif = LIF(tau_m_ms=15.0, v_rest=-0.2)
    drive = 40.0  # V_inf = -0.2 + 0.015 * 40 = 0.4 < threshold
    res = backend(duration_ms=100.0, rate_scale_hz=1.0).run(
        single_neuron([drive], neuron=lif), seed=0, record_voltage={"n": [0]}
    )
    trace = res.voltages["n"]
    t = trace.time_ms
    v_inf = lif.steady_state(drive)
    exact = v_inf + (lif.v_rest - v_inf) * np.exp(-t / lif.tau_m_ms)
    assert res.spike_counts("n").sum() == 0
    np.testing.assert_allclose(trace.of(0), exact, rtol=0, atol=1e-9)
    np.testing.assert_allclose(t, np.arange(len(t)) * DT_MS, atol=1e-12)


# ------------------------------------------------------------------ synapses as counts
def one_synapse_circuit(count, *, unit=0.1, delay=0.0, neuron=IF_NEURON) -> Circuit:
    return Circuit(
        "syn",
        inputs=[InputPopulation("x", 1)],
        populations=[NeuronPopulation("post", 1, neuron=neuron)],
        projections=[Projection("x", "post", counts=[[count]], unit_weight=unit, delay_ms=delay)],
    )


LATENCY_5MS = Latency(window_ms=10.0)  # x = 0.5 -> one input spike at t = 5 ms


@pytest.mark.parametrize("count", [1, 3, 7, -4])
def test_count_n_gives_n_synapses_and_a_jump_of_n_units(count):
    unit = 0.1
    sim = backend(duration_ms=10.0, encoding=LATENCY_5MS).build(
        one_synapse_circuit(count, unit=unit), [[0.5]], seed=0, record_voltage={"post": [0]}
    )
    syn = sim.synapses["x->post"]
    assert len(syn) == abs(count)
    assert np.all(np.asarray(syn.i[:]) == 0) and np.all(np.asarray(syn.j[:]) == 0)
    assert np.all(np.asarray(syn.w[:]) == np.sign(count) * unit)
    res = sim.run()
    v = res.voltages["post"].of(0)
    jump = np.diff(v)
    k = np.flatnonzero(jump)
    assert len(k) == 1, "exactly one membrane jump (the one input spike)"
    assert jump[k[0]] == pytest.approx(count * unit, abs=1e-12)
    # the spike sent at 5.0 ms arrives one step later (NEST's minimum delay), visible from the next recorded sample
    assert res.voltages["post"].time_ms[k[0]] == pytest.approx(5.0 + DT_MS)


def test_n_synapses_of_w_equal_one_synapse_of_n_times_w():
    """Membrane traces agree to 1e-12 between the literal and the aggregate representation."""
    lif = LIF(tau_m_ms=10.0, t_ref_ms=0.0)
    circuit = one_synapse_circuit(5, unit=0.03, neuron=lif)
    traces = {}
    for mode, input_mode, n_brian2 in [("multi", "synapses", 5), ("aggregate", "synapses", 1), ("aggregate", "drive", 0)]:
        res = backend(duration_ms=200.0, encoding="regular", rate_scale_hz=150.0, synapse_mode=mode,
                      input_mode=input_mode).run(circuit, [[1.0]], seed=0, record_voltage={"post": [0]})
        traces[mode, input_mode] = res.voltages["post"].of(0)
        assert res.info["brian2_synapses"].get("x->post", 0) == n_brian2
        assert res.info["input_mode"] == input_mode
    for key in [("aggregate", "synapses"), ("aggregate", "drive")]:
        np.testing.assert_allclose(traces["multi", "synapses"], traces[key], rtol=0, atol=1e-12)
    assert np.ptp(traces["multi", "synapses"]) > 0.1  # the neuron really was driven


def _drive_circuit(rng, *, refractory_ms: float, delays: bool) -> Circuit:
    """Signed inputs into two populations, heterogeneous delays, a recurrent loop: every drive path."""
    lif = LIF(tau_m_ms=15.0, t_ref_ms=refractory_ms)
    return Circuit(
        "drive",
        inputs=[InputPopulation("x", 6)],
        populations=[NeuronPopulation("a", 5, bias=rng.uniform(-0.2, 0.3, 5), neuron=lif),
                     NeuronPopulation("b", 4, neuron=lif)],
        projections=[
            Projection("x", "a", counts=rng.integers(-3, 7, (5, 6)), unit_weight=0.11,
                       delay_ms=rng.choice([0.0, 0.3, 1.04, 2.5], (5, 6)) if delays else 0.0),
            Projection("x", "b", counts=rng.integers(-2, 5, (4, 6)), unit_weight=0.13, delay_ms=0.7 if delays else 0.0),
            Projection("a", "b", counts=rng.integers(-1, 5, (4, 5)), unit_weight=0.2),
            Projection("b", "a", counts=rng.integers(-3, 2, (5, 4)), unit_weight=0.1, delay_ms=1.0),
        ],
    )


@pytest.mark.parametrize("encoding", ["poisson", "regular", "latency"])
@pytest.mark.parametrize("refractory_ms,delays,chunk_floats", [
    (0.0, False, None), (2.0, True, None), (0.55, True, None),
    (2.0, True, 170),  # chunks of 6 steps for "a" (5 samples x 5 neurons), 8 for "b": boundaries everywhere
])
def test_input_drive_gives_the_spikes_of_literal_input_synapses(encoding, refractory_ms, delays, chunk_floats,
                                                                 monkeypatch):
    """input_mode="drive" (per-step jumps) and "synapses" (SpikeGeneratorGroup + Synapses) agree exactly."""
    if chunk_floats is not None:
        from neurocompare.backends.brian2 import drive as spiking_drive

        monkeypatch.setattr(spiking_drive.InputDrive, "CHUNK_FLOATS", chunk_floats)
    rng = np.random.default_rng(11)
    circuit = _drive_circuit(rng, refractory_ms=refractory_ms, delays=delays)
    x = rng.uniform(-1, 1, size=(5, 6))  # negative values: spikes acting with the opposite sign
    runs = {
        mode: backend(duration_ms=120.0, encoding=encoding, rate_scale_hz=300.0, synapse_mode="aggregate",
                      input_mode=mode).run(circuit, x, seed=4, record_voltage={"a": [0, 3], "b": [1]})
        for mode in ("synapses", "drive")
    }
    assert runs["drive"].info["input_mode"] == "drive" and runs["synapses"].info["input_mode"] == "synapses"
    for pop in ("a", "b"):
        lit, drv = runs["synapses"].spikes[pop], runs["drive"].spikes[pop]
        moved = np.ptp(runs["synapses"].voltages[pop].v) > 0.1
        assert len(lit) >= 10 or (encoding == "latency" and moved), "guard: the inputs drove the population"
        np.testing.assert_array_equal(drv.sample, lit.sample)
        np.testing.assert_array_equal(drv.neuron, lit.neuron)
        np.testing.assert_array_equal(drv.time_ms, lit.time_ms)
        np.testing.assert_allclose(runs["drive"].voltages[pop].v, runs["synapses"].voltages[pop].v, rtol=0, atol=1e-9)


def _mixed_model_circuit(rng) -> Circuit:
    """Four populations, two neuron models (a, b, d share one): merged and separate groups, delays, loops."""
    lif = LIF(tau_m_ms=15.0, t_ref_ms=1.5)
    other = LIF(tau_m_ms=float("inf"), reset="value", t_ref_ms=0.0)
    return Circuit(
        "mixed",
        inputs=[InputPopulation("x", 6)],
        populations=[NeuronPopulation("a", 5, bias=rng.uniform(-0.2, 0.3, 5), neuron=lif),
                     NeuronPopulation("c", 3, bias=[0.1, 0.0, -0.1], neuron=other),
                     NeuronPopulation("b", 4, neuron=lif),
                     NeuronPopulation("d", 2, bias=[0.2, 0.05], neuron=lif)],
        projections=[
            Projection("x", "a", counts=rng.integers(-3, 7, (5, 6)), unit_weight=0.11,
                       delay_ms=rng.choice([0.0, 0.3, 1.04, 2.5], (5, 6))),
            Projection("x", "b", counts=rng.integers(-2, 5, (4, 6)), unit_weight=0.13, delay_ms=0.7),
            Projection("x", "c", counts=rng.integers(0, 4, (3, 6)), unit_weight=0.1),
            Projection("a", "b", counts=rng.integers(-1, 5, (4, 5)), unit_weight=0.2),
            Projection("b", "a", counts=rng.integers(-3, 2, (5, 4)), unit_weight=0.1, delay_ms=1.0),
            Projection("a", "c", counts=rng.integers(0, 3, (3, 5)), unit_weight=0.15),
            Projection("c", "d", counts=rng.integers(1, 4, (2, 3)), unit_weight=0.3, delay_ms=0.4),
        ],
    )


@pytest.mark.parametrize("encoding,synapse_mode,input_mode", [
    ("poisson", "aggregate", "drive"), ("regular", "multi", "synapses"), ("analog", "aggregate", "auto"),
])
def test_populations_sharing_a_neuron_group_spike_as_in_groups_of_their_own(encoding, synapse_mode, input_mode,
                                                                            monkeypatch):
    """One NeuronGroup per neuron model gives exactly the spikes and voltages of one group per population."""
    from neurocompare.backends.brian2 import build as spiking_build

    rng = np.random.default_rng(5)
    circuit = _mixed_model_circuit(rng)
    x = rng.uniform(-1, 1, size=(4, 6))
    be = backend(duration_ms=80.0, encoding=encoding, rate_scale_hz=300.0, synapse_mode=synapse_mode,
                 input_mode=input_mode)
    record = {"a": [0, 4], "b": [2], "c": [1], "d": [0, 1]}
    merged_sim = be.build(circuit, x, seed=3, record_voltage=record)
    merged = merged_sim.run()
    monkeypatch.setattr(spiking_build.Builder, "_neuron_blocks", lambda self: [[p] for p in self.circuit.populations])
    separate_sim = be.build(circuit, x, seed=3, record_voltage=record)
    separate = separate_sim.run()
    groups = {name: {id(g) for g in sim.network.objects if type(g).__name__ == "NeuronGroup"}
              for name, sim in (("merged", merged_sim), ("separate", separate_sim))}
    assert (len(groups["merged"]), len(groups["separate"])) == (2, 4), "guard: a, b and d share a group"
    for pop in ("a", "b", "c", "d"):
        m, s = merged.spikes[pop], separate.spikes[pop]
        assert len(s) >= 5, f"guard: population {pop} spiked"
        np.testing.assert_array_equal(m.sample, s.sample)
        np.testing.assert_array_equal(m.neuron, s.neuron)
        np.testing.assert_array_equal(m.time_ms, s.time_ms)
        np.testing.assert_array_equal(merged.final_v[pop], separate.final_v[pop])
        np.testing.assert_array_equal(merged.voltages[pop].v, separate.voltages[pop].v)
    # each population's slice of its group reads like a group of its own
    np.testing.assert_array_equal(np.asarray(merged_sim.groups["b"].v_[:]), separate.final_v["b"].ravel())


def test_group_names_stay_distinct_whatever_the_population_names():
    """A shared group's name cannot clash with a population's own group (an earlier "pop_a_and_1" did)."""
    models = {"a": None, "b": None, "a_and_1": LIF(tau_m_ms=float("inf"), t_ref_ms=0.0),
              "c": LIF(tau_m_ms=5.0), "d": LIF(tau_m_ms=5.0)}
    circuit = Circuit("names", populations=[NeuronPopulation(n, 1, bias=2.0, neuron=m) for n, m in models.items()])
    sim = backend(duration_ms=20.0).build(circuit, seed=0)
    group_names = sorted(g.name for g in sim.network.objects if type(g).__name__ == "NeuronGroup")
    assert group_names == ["pop_a_and_1", "pops_a_1", "pops_c_1"]
    res = sim.run()
    assert all(len(res.spikes[n]) >= 1 for n in models)


def test_input_mode_auto_follows_the_synapse_mode():
    c = one_synapse_circuit(3)
    assert backend(synapse_mode="aggregate").choose_input_mode(c, 4) == "drive"
    assert backend(synapse_mode="multi").choose_input_mode(c, 4) == "synapses"
    assert backend(synapse_mode="multi", input_mode="drive").choose_input_mode(c, 4) == "drive"
    with pytest.raises(UnknownNameError, match="input_mode 'fast'"):
        backend(input_mode="fast")


def test_a_run_stopped_early_is_not_reported_as_complete():
    """Brian2 ends a run early on Ctrl+C and returns normally; the backend raises KeyboardInterrupt."""
    b2 = import_brian2()
    sim = backend(duration_ms=50.0, encoding="regular").build(one_synapse_circuit(2), [[1.0]], seed=0)
    sim.network.add(b2.NetworkOperation(lambda: sim.network.stop(), dt=10 * b2.ms, name="stopper"))
    with pytest.raises(KeyboardInterrupt, match="stopped at"):
        sim.run()


@pytest.mark.parametrize("unit", [0.1, 0.3, 0.07])
def test_aggregate_synapses_give_identical_spikes(unit):
    rng = np.random.default_rng(7)
    circuit = Circuit(
        "agg",
        inputs=[InputPopulation("x", 4)],
        populations=[NeuronPopulation("hidden", 5), NeuronPopulation("out", 3)],
        projections=[
            Projection("x", "hidden", counts=rng.integers(-2, 9, (5, 4)), unit_weight=unit),
            Projection("hidden", "out", counts=rng.integers(-2, 9, (3, 5)), unit_weight=unit),
        ],
    )
    x = rng.uniform(0.2, 1, size=(6, 4))
    out = {}
    for mode in ("multi", "aggregate"):
        res = backend(duration_ms=300.0, encoding="regular", synapse_mode=mode).run(circuit, x, seed=3)
        out[mode] = res
    for pop in ("hidden", "out"):
        assert_same_spikes(out["multi"].spikes[pop], out["aggregate"].spikes[pop], at_least=21)


@pytest.mark.parametrize("delay, expected_shift", [(1.5, 1.5), (3.0, 3.0), (1.23, 1.2), (0.26, 0.3)])
def test_delay_shifts_the_postsynaptic_response(delay, expected_shift):
    """The membrane jump moves by the delay, rounded to the dt grid."""
    onsets = {}
    for d in (0.0, delay):
        res = backend(duration_ms=20.0, encoding=LATENCY_5MS).run(
            one_synapse_circuit(2, delay=d), [[0.5]], seed=0, record_voltage={"post": [0]}
        )
        tr = res.voltages["post"]
        onsets[d] = tr.time_ms[np.flatnonzero(np.diff(tr.of(0)))[0]]
    assert onsets[delay] - onsets[0.0] == pytest.approx(expected_shift, abs=1e-9)


def test_per_connection_delays():
    c = Circuit(
        "d",
        inputs=[InputPopulation("x", 1)],
        populations=[NeuronPopulation("post", 3, neuron=IF_NEURON)],
        projections=[Projection("x", "post", counts=[[1], [2], [3]], unit_weight=0.1, delay_ms=[[0.0], [1.0], [2.5]])],
    )
    res = backend(duration_ms=20.0, encoding=LATENCY_5MS).run(c, [[0.5]], seed=0, record_voltage={"post": [0, 1, 2]})
    tr = res.voltages["post"]
    onsets = [tr.time_ms[np.flatnonzero(np.diff(tr.of(k)))[0]] for k in range(3)]
    np.testing.assert_allclose(np.diff(onsets), [1.0, 1.5], atol=1e-9)


def test_inhibitory_and_refractory_input_is_discarded():
    """Input arriving during the refractory clamp does not move the membrane."""
    lif = LIF(tau_m_ms=math.inf, t_ref_ms=5.0, reset="value")
    c = Circuit(
        "refr",
        inputs=[InputPopulation("x", 1)],
        populations=[NeuronPopulation("post", 1, neuron=lif)],
        projections=[Projection("x", "post", counts=[[11]], unit_weight=0.1)],  # one spike = 1.1 > threshold
    )
    # regular input at 500 Hz: spikes every 2 ms; the neuron fires on the first, then is refractory for 5 ms
    res = backend(duration_ms=30.0, encoding="regular", rate_scale_hz=500.0).run(
        c, [[1.0]], seed=0, record_voltage={"post": [0]}
    )
    out = res.spikes["post"].times(0, 0)
    inp = res.spikes["x"].times(0, 0)
    assert len(out) >= 3
    # each output spike is one step after an input spike; inputs inside the clamp are lost
    assert np.all(np.diff(out) >= lif.t_ref_ms)
    v = res.voltages["post"].of(0)
    t = res.voltages["post"].time_ms
    for s in out:
        clamp = (t > s) & (t <= s + lif.t_ref_ms - DT_MS / 2)
        np.testing.assert_array_equal(v[clamp], lif.v_reset)
    assert len(inp) > len(out)


# ------------------------------------------------------------------- batching and seeds
@pytest.mark.slow
def test_batched_run_equals_samples_run_one_by_one():
    rng = np.random.default_rng(11)
    circuit = random_feedforward(rng, unit=0.15, delay=0.7)
    x = rng.uniform(-1, 1, size=(5, 4))
    be = backend(duration_ms=150.0, encoding="regular")
    batched = be.run(circuit, x, seed=5)
    fired = 0
    for b in range(len(x)):
        alone = be.run(circuit, x[b : b + 1], seed=5)
        for pop in ("x", "hidden", "out"):
            mine = batched.spikes[pop].select([b])
            np.testing.assert_array_equal(mine.neuron, alone.spikes[pop].neuron)
            np.testing.assert_array_equal(mine.time_ms, alone.spikes[pop].time_ms)
            fired += len(mine) if pop != "x" else 0
        np.testing.assert_array_equal(batched["out"][b], alone["out"][0])
    assert fired > 50, "guard: the circuit fired"


def test_same_seed_same_spikes_different_seed_different_spikes():
    rng = np.random.default_rng(2)
    circuit = random_feedforward(rng, unit=0.2)
    x = rng.uniform(0, 1, size=(3, 4))
    be = backend(duration_ms=100.0, encoding="poisson")
    a, b, c = be.run(circuit, x, seed=42), be.run(circuit, x, seed=42), be.run(circuit, x, seed=43)
    for pop in ("x", "hidden"):
        np.testing.assert_array_equal(a.spikes[pop].time_ms, b.spikes[pop].time_ms)
        np.testing.assert_array_equal(a.spikes[pop].neuron, b.spikes[pop].neuron)
    assert len(a.spikes["x"]) > 50
    assert not np.array_equal(a.spikes["x"].time_ms, c.spikes["x"].time_ms)
    assert a.info["seed"] == 42 and a.info["target"] == "numpy" and a.info["dt_ms"] == DT_MS


def test_no_cross_talk_between_samples():
    """A silent sample stays silent while its neighbours in the batch fire hard."""
    rng = np.random.default_rng(4)
    circuit = random_feedforward(rng, unit=0.3)
    circuit = Circuit(circuit.name, inputs=circuit.inputs,
                      populations=[NeuronPopulation(p.name, p.size) for p in circuit.populations],  # zero bias
                      projections=circuit.projections)
    x = np.ones((3, 4))
    x[1] = 0.0
    res = backend(duration_ms=100.0, encoding="regular").run(circuit, x, seed=0)
    counts = res.spike_counts("hidden")
    assert counts[1].sum() == 0 and counts[0].sum() > 0 and counts[2].sum() > 0


# ------------------------------------------------------------------------- encodings
def test_decoded_rates_share_the_artificial_scale():
    """Non-leaky IF with reset by subtraction: rate / rate_scale ~= relu(W x + b)."""
    c = Circuit(
        "relu",
        inputs=[InputPopulation("x", 2)],
        populations=[NeuronPopulation("o", 3, bias=[0.0, 0.1, -0.2], neuron=IF_NEURON)],
        projections=[Projection("x", "o", counts=[[2, 1], [-1, 3], [1, 1]], unit_weight=0.25)],
    )
    x = np.array([[0.4, 0.8], [1.0, 0.2]])
    expected = np.maximum(x @ c.projection("x", "o").weights.T + c.population("o").bias, 0)
    for encoding, tol in (("analog", 0.011), ("regular", 0.03)):
        res = backend(duration_ms=1000.0, encoding=encoding, rate_scale_hz=100.0).run(c, x, seed=0)
        np.testing.assert_allclose(res["o"], expected, atol=tol, err_msg=encoding)


def test_signed_inputs_flip_the_synapse_sign():
    c = one_synapse_circuit(3, unit=0.2, neuron=LIF(tau_m_ms=math.inf, t_ref_ms=0.0))
    res = backend(duration_ms=10.0, encoding=LATENCY_5MS).run(c, [[0.5], [-0.5]], seed=0, record_voltage={"post": [0]})
    v = res.voltages["post"].v[:, 0, -1]
    np.testing.assert_allclose(v, [0.6, -0.6], atol=1e-12)
    np.testing.assert_allclose(res["x"][:, 0], [0.5, -0.5], atol=1e-12)


def test_analog_input_with_delay_switches_on_late():
    c = one_synapse_circuit(4, unit=0.25, delay=3.0, neuron=LIF(tau_m_ms=math.inf, t_ref_ms=0.0))
    res = backend(duration_ms=10.0, encoding="analog", rate_scale_hz=50.0).run(
        c, [[0.5]], seed=0, record_voltage={"post": [0]}
    )
    tr = res.voltages["post"]
    v = tr.of(0)
    assert np.all(v[tr.time_ms <= 3.0 + 1e-9] == 0.0)
    # from 3 ms on, dv/dt = 4 * 0.25 * 0.5 * 50 Hz = 25 /s (v is recorded at the start of each step)
    late = tr.time_ms >= 3.0
    np.testing.assert_allclose(v[late], 25.0 * (tr.time_ms[late] - 3.0) * 1e-3, rtol=0, atol=1e-12)


# --------------------------------------------------------------------- bad options
@pytest.mark.parametrize(
    "kwargs, exc, message",
    [
        (dict(dt_ms=0.0), ParameterError, "dt_ms must be a finite number > 0; got 0.0"),
        (dict(duration_ms=float("nan")), ParameterError, "duration_ms must be a finite number > 0; got nan"),
        (dict(duration_ms=10.05), ParameterError, "whole number of time steps"),
        (dict(rate_scale_hz=-1), ParameterError, "rate_scale_hz"),
        (dict(target="gpu"), UnknownNameError, "unknown target 'gpu'; valid: auto, numpy, cython"),
        (dict(encoding="morse"), UnknownNameError, "Unknown encoding 'morse'; valid: poisson, regular, latency, analog"),
        (dict(synapse_mode="many"), UnknownNameError, "unknown synapse_mode 'many'"),
        (dict(neuron="lif"), ParameterError, "neuron must be an instance of a registered neuron model"),
    ],
)
def test_bad_backend_options(kwargs, exc, message):
    with pytest.raises(exc, match=message):
        SpikingBackend(**kwargs)


def test_bad_run_arguments():
    c = one_synapse_circuit(1)
    be = backend(duration_ms=10.0, encoding="regular", rate_scale_hz=1000.0)
    with pytest.raises(InputError, match=r"asks for 20000 Hz, more than one spike per time step"):
        be.run(c, [[20.0]], seed=0)
    with pytest.raises(InputError, match="latency coding needs"):
        backend(duration_ms=10.0, encoding="latency").run(c, [[1.5]], seed=0)
    with pytest.raises(UnknownNameError, match="record_voltage: 'nope' is not a neuron population"):
        be.run(c, [[0.1]], seed=0, record_voltage={"nope": [0]})
    with pytest.raises(ParameterError, match="neuron index out of range"):
        be.run(c, [[0.1]], seed=0, record_voltage={"post": [3]})
    with pytest.raises(ParameterError, match="seed must be a non-negative integer"):
        be.run(c, [[0.1]], seed=-1)


def test_charge_readout_recovers_the_linear_drive_of_if_neurons():
    """count x theta + v_end - v_start over T x rate_scale = W x + b exactly, negative drives included."""
    from neurocompare.metrics import charge_decoded

    c = Circuit(
        "charge",
        inputs=[InputPopulation("x", 2)],
        populations=[NeuronPopulation("o", 3, bias=[0.05, -0.3, 0.0], neuron=IF_NEURON)],
        projections=[Projection("x", "o", counts=[[2, 1], [-1, 3], [-2, -2]], unit_weight=0.25)],
    )
    x = np.array([[0.4, 0.8], [1.0, 0.2]])
    z = x @ c.projection("x", "o").weights.T + c.population("o").bias
    be = backend(duration_ms=50.0, encoding="analog", rate_scale_hz=100.0)
    res = be.run(c, x, seed=0)
    decoded = charge_decoded(res.spike_counts("o"), res.final_v["o"], v_start=0.0, reset_step=1.0,
                             duration_ms=50.0, rate_scale_hz=100.0)
    np.testing.assert_allclose(decoded, z, atol=1e-9)
    assert res.spike_counts("o").sum() > 0 and np.any(z < 0)
