"""NIR import and export (neurocompare.nir): round trips, exporter conventions against an independent loop, errors.

The exporter fixtures are built with the ``nir`` package the way each exporter writes its graphs (the lines
cited at each fixture). Each is imported with its convention, driven by the same given input spikes
(``nir.EventData``), and its spikes must equal those of a small numpy loop written here from the
convention's documented step (not from neurocompare's code): per step, the membrane decays and takes its
constant input, receives the spikes that arrive (sent one step plus their delay earlier), fires if above
threshold and is reset (snnTorch: the threshold is subtracted in the next step, after its decay). Weights and
biases are chosen so that a membrane never lands exactly on the threshold (there any two implementations differ
by float round-off; neurocompare's margin is 2e-9 of the threshold gap). The exporters' own layers act within one
step; the one step per hop the loop takes is the difference the conversion report states
(tests/test_nir_libraries.py holds the import against the real snnTorch).
"""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest

nir = pytest.importorskip("nir")

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection  # noqa: E402
from neurocompare.backends import ReferenceBackend, SpikingBackend  # noqa: E402
from neurocompare.errors import CircuitError, ParameterError, UnknownNameError  # noqa: E402
from neurocompare.models import LIF  # noqa: E402
from neurocompare.nir import CONVENTIONS, UnsupportedNirError  # noqa: E402
from neurocompare.spike_input import GivenSpikes  # noqa: E402

RATE = 200.0


# ----------------------------------------------------------------------------- helpers
def _input_grid(seed: int, batch: int, n_steps: int, size: int, p: float) -> np.ndarray:
    return np.random.default_rng(seed).random((batch, n_steps, size)) < p


def _given(grid: np.ndarray, dt_s: float) -> GivenSpikes:
    """The grid as nir.EventData (times in s, at the start of each step), then as GivenSpikes."""
    events = nir.TimeGriddedData(grid, dt_s).to_event(int(grid.sum(axis=(1, 2)).max()) + 1)
    return GivenSpikes.from_nir(events, rate_scale_hz=RATE)


def _run(circuit: Circuit, given: GivenSpikes, dt_ms: float, n_steps: int) -> dict[str, np.ndarray]:
    """Spikes of every population as a (batch, steps, size) bool grid (Brian2, numpy target)."""
    res = SpikingBackend(duration_ms=n_steps * dt_ms, dt_ms=dt_ms, target="numpy", rate_scale_hz=RATE).run(
        circuit, {circuit.input_names[0]: given}, seed=0)
    out = {}
    for pop in circuit.populations:
        tr = res.spikes[pop.name]
        grid = np.zeros((tr.batch_size, n_steps, pop.size), bool)
        grid[tr.sample, np.rint(tr.time_ms / dt_ms).astype(int), tr.neuron] = True
        out[pop.name] = grid
    return out


def _loop(pops: dict, projs: list, inputs: dict, n_steps: int) -> dict[str, np.ndarray]:
    """The independent loop. pops: name -> dict(size, beta (None: no leak), drive (per step), thr, reset
    ("subtract", "subtract_next" (snnTorch: in the next step, after its decay) or "value"), v_reset); projs: (pre,
    post, jump matrix (post, pre), delay in steps per pre neuron): a spike of step k arrives in step k + 1 + delay."""
    batch = next(iter(inputs.values())).shape[0]
    spikes = {**inputs, **{n: np.zeros((batch, n_steps, p["size"]), bool) for n, p in pops.items()}}
    v = {n: np.zeros((batch, p["size"])) for n, p in pops.items()}
    fired = {n: np.zeros((batch, p["size"]), bool) for n, p in pops.items()}
    for k in range(n_steps):
        for n, p in pops.items():
            if p["beta"] is not None:
                v[n] = p["beta"] * v[n]
            v[n] = v[n] + p["drive"]
            if p["reset"] == "subtract_next":
                v[n] = v[n] - p["thr"] * fired[n]
        for pre, post, jump, delay in projs:
            src = np.zeros((batch, jump.shape[1]))
            for j in range(jump.shape[1]):
                if k - 1 - delay[j] >= 0:
                    src[:, j] = spikes[pre][:, k - 1 - delay[j], j]
            v[post] = v[post] + src @ jump.T
        fired = {n: v[n] >= p["thr"] if p.get("ge") else v[n] > p["thr"] for n, p in pops.items()}
        for n, p in pops.items():
            spikes[n][:, k] = fired[n]
            if p["reset"] != "subtract_next":
                v[n] = np.where(fired[n], v[n] - p["thr"] if p["reset"] == "subtract" else p["v_reset"], v[n])
    return {n: spikes[n] for n in pops}


def _assert_same(imported: dict, expected: dict, names: dict) -> None:
    for nir_name, pop in names.items():
        a, b = imported[pop], expected[nir_name]
        assert b.sum() > 20, f"{nir_name}: the fixture should spike ({b.sum()} spikes)"
        assert np.array_equal(a, b), f"{nir_name}: {a.sum()} vs {b.sum()} spikes, first difference at " \
                                     f"{tuple(np.argwhere(a != b)[0])}"


# ------------------------------------------------------------------------- round trip
def _own_circuit() -> Circuit:
    return Circuit(
        name="wta", description="a small winner-take-all",
        inputs=[InputPopulation("x", 3)],
        populations=[NeuronPopulation("hidden", 4, bias=[0.1, 0.0, -0.05, 0.3], neuron=LIF(t_ref_ms=0)),
                     NeuronPopulation("out", 2, activation="step", neuron=LIF(tau_m_ms=math.inf, t_ref_ms=0))],
        projections=[Projection("x", "hidden", [[1, 2, 0], [0, -1, 3], [2, 2, 2], [0, 0, 1]], unit_weight=0.15,
                                delay_ms=1.5),
                     Projection("hidden", "out", [[1, 1, -1, 0], [0, 2, 0, 1]], unit_weight=0.4),
                     Projection("out", "out", [[0, -2], [-2, 0]], unit_weight=0.4,
                                delay_ms=np.array([[0, 0.3], [0.3, 0]]))])


def test_round_trip_through_a_file_is_equal_and_spikes_identically(tmp_path):
    c = _own_circuit()
    graph, report = c.to_nir()
    assert report.is_faithful, str(report)
    c.to_nir().write(tmp_path / "wta.nir")
    back, report2 = Circuit.from_nir(tmp_path / "wta.nir")  # neurocompare wrote it: no convention needed
    assert back == c
    assert [e.field for e in report2.by_status("approximate")] == ["timing"]
    assert "agrees with the file's metadata" in str(report2)
    x = np.random.default_rng(0).random((4, 3))
    for backend in (SpikingBackend(duration_ms=150, target="numpy"), ReferenceBackend(duration_ms=150)):
        a, b = backend.run(c, {"x": x}, seed=3), backend.run(back, {"x": x}, seed=3)
        for pop in ("hidden", "out"):
            assert len(a.spikes[pop].time_ms) >= 5
            assert np.array_equal(a.spikes[pop].time_ms, b.spikes[pop].time_ms)
            assert np.array_equal(a.spikes[pop].neuron, b.spikes[pop].neuron)


def test_counts_are_rederived_from_the_weights_not_taken_from_metadata():
    c = _own_circuit()
    graph = c.to_nir().graph
    graph.nodes["w_hidden_out"].weight = graph.nodes["w_hidden_out"].weight * 2  # weights edited, metadata not
    imp = Circuit.from_nir(graph)
    assert np.array_equal(imp.circuit.projection("hidden", "out").counts, 2 * c.projection("hidden", "out").counts)
    entry = [e for e in imp.report.entries if "hidden->out" in e.node and e.field == "weight"][0]
    assert entry.status == "approximate" and "metadata says 6 synapses" in entry.detail


def test_export_reports_what_nir_cannot_say():
    c = Circuit(name="c", inputs=[InputPopulation("x", 2)],
                populations=[NeuronPopulation("h", 2, neuron=LIF(reset="subtract", t_ref_ms=2.0))],
                projections=[Projection("x", "h", [[1, 0], [0, 1]])])
    report = c.to_nir().report
    approx = {e.field: e.detail for e in report.by_status("approximate")}
    assert "200 Hz without it fires 143 Hz" in approx["t_ref_ms"]  # 1 / (5 ms + 2 ms)
    assert "up to 2% of the rate" in approx["reset"]               # one step of 0.1 ms in 5 ms
    per_connection = Circuit(name="d", inputs=[InputPopulation("x", 2)], populations=[NeuronPopulation("h", 2)],
                             projections=[Projection("x", "h", [[1, 1], [1, 1]], delay_ms=[[0, 1], [2, 0]])])
    with pytest.raises(UnsupportedNirError, match=r"export: x->h: delay_ms: delays that vary per connection"):
        per_connection.to_nir()
    bias_only = Circuit(name="e", populations=[NeuronPopulation("h", 1, bias=0.5)])
    with pytest.raises(UnsupportedNirError, match=r"h: bias: a population with a bias but no incoming projection"):
        bias_only.to_nir()


# ------------------------------------------------------------------- exporter fixtures
def _snntorch_graph(dt: float, beta: float, rng: np.random.Generator) -> tuple:
    """As snntorch/export_nir.py writes it: Linear -> nir.Affine (float32 weights); snn.Leaky -> nir.LIF(tau =
    dt / (1 - beta), r = tau / dt, v_leak = 0, v_threshold; no v_reset, so 0); the recurrent layer as a nested
    graph {input, lif, w_rec, output} with edges input->lif, lif->w_rec, w_rec->lif, lif->output (its
    RSynaptic branch, with LIF in place of CubaLIF)."""
    tau = dt / (1 - beta)

    def lif(n):
        return nir.LIF(tau=np.full(n, tau), r=np.full(n, tau / dt), v_leak=np.zeros(n), v_threshold=np.ones(n))

    w1 = (rng.integers(-2, 6, (4, 3)) * 0.125).astype(np.float32)
    b1 = (rng.integers(0, 3, 4) * 0.0125).astype(np.float32)
    v = (rng.integers(-3, 2, (4, 4)) * 0.125).astype(np.float32)
    w2 = (rng.integers(0, 6, (2, 4)) * 0.25).astype(np.float32)
    rnn = nir.NIRGraph(nodes={"input": nir.Input(input_type=np.array([4])), "lif": lif(4),
                              "w_rec": nir.Linear(weight=v), "output": nir.Output(output_type=np.array([4]))},
                       edges=[("input", "lif"), ("lif", "w_rec"), ("w_rec", "lif"), ("lif", "output")])
    graph = nir.NIRGraph(nodes={"input": nir.Input(input_type=np.array([3])), "fc1": nir.Affine(weight=w1, bias=b1),
                                "rnn": rnn, "fc2": nir.Linear(weight=w2), "lif2": lif(2),
                                "output": nir.Output(output_type=np.array([2]))},
                         edges=[("input", "fc1"), ("fc1", "rnn"), ("rnn", "fc2"), ("fc2", "lif2"), ("lif2", "output")])
    return graph, (w1, b1, v, w2)


def test_snntorch_convention_nested_recurrent_graph_matches_the_loop(tmp_path):
    dt, beta, n_steps = 1e-4, 0.95, 1500
    graph, (w1, b1, v, w2) = _snntorch_graph(dt, beta, np.random.default_rng(0))
    nir.write(tmp_path / "snn.nir", graph)
    imp = Circuit.from_nir(tmp_path / "snn.nir", convention="snntorch", rate_scale_hz=RATE)
    assert imp.dt_ms == pytest.approx(0.1) and imp.outputs == ("lif2",)
    assert [e.field for e in imp.report.by_status("approximate")] == ["timing", "bias"], str(imp.report)
    assert imp.circuit.projection("rnn_lif", "rnn_lif").counts.any()  # the recurrent edge
    grid = _input_grid(1, 2, n_steps, 3, 0.08)
    got = _run(imp.circuit, _given(grid, dt), 0.1, n_steps)
    f64 = lambda a: np.asarray(a, dtype=np.float64)  # noqa: E731
    pops = {"lif": dict(size=4, beta=beta, drive=f64(b1), thr=1.0, reset="subtract_next", v_reset=0.0),
            "lif2": dict(size=2, beta=beta, drive=0.0, thr=1.0, reset="subtract_next", v_reset=0.0)}
    projs = [("input", "lif", f64(w1), [0, 0, 0]), ("lif", "lif", f64(v), [0] * 4), ("lif", "lif2", f64(w2), [0] * 4)]
    expected = _loop(pops, projs, {"input": grid}, n_steps)
    _assert_same(got, expected, {"lif": "rnn_lif", "lif2": "lif2"})


def test_norse_convention_with_delays_and_an_if_layer_matches_the_loop():
    """As norse/torch/utils/export_nir.py writes it: LIFBoxCell -> nir.LIF(tau = 1 / tau_mem_inv, r = 1, v_leak,
    v_threshold, v_reset); IAFCell -> nir.IF(r = 1, v_threshold, v_reset); Linear -> Linear/Affine. Norse steps
    (dt 1 ms): v += dt/tau ((v_leak - v) + i) and, for IAF, v += i; reset to v_reset."""
    dt, tau, n_steps = 1e-3, 0.01, 400
    rng = np.random.default_rng(2)
    w1 = rng.integers(-4, 12, (4, 3)).astype(float)
    w2 = rng.integers(-1, 3, (2, 4)) * 0.25
    b2 = np.array([0.0123, 0.0217])  # not commensurate with the weights: no exact ties at the threshold
    graph = nir.NIRGraph(
        nodes={"in": nir.Input(input_type=np.array([3])), "delay": nir.Delay(delay=np.array([0.0, 1e-3, 3e-3])),
               "fc1": nir.Linear(weight=w1),
               "lif": nir.LIF(tau=np.full(4, tau), r=np.ones(4), v_leak=np.zeros(4), v_threshold=np.ones(4),
                              v_reset=np.zeros(4)),
               "fc2": nir.Affine(weight=w2, bias=b2),
               "iaf": nir.IF(r=np.ones(2), v_threshold=np.ones(2), v_reset=np.zeros(2)),
               "out": nir.Output(output_type=np.array([2]))},
        edges=[("in", "delay"), ("delay", "fc1"), ("fc1", "lif"), ("lif", "fc2"), ("fc2", "iaf"), ("iaf", "out")])
    imp = Circuit.from_nir(graph, convention="norse", rate_scale_hz=RATE)
    assert imp.dt_ms == pytest.approx(1.0)
    delays = imp.circuit.projection("in", "lif").delays
    connected = imp.circuit.projection("in", "lif").counts != 0
    assert [set(delays[connected[:, j], j]) for j in range(3)] == [{0.0}, {1.0}, {3.0}]  # per source neuron, in ms
    grid = _input_grid(3, 2, n_steps, 3, 0.15)
    got = _run(imp.circuit, _given(grid, dt), 1.0, n_steps)
    pops = {"lif": dict(size=4, beta=1 - dt / tau, drive=0.0, thr=1.0, reset="value", v_reset=0.0),
            "iaf": dict(size=2, beta=None, drive=b2, thr=1.0, reset="value", v_reset=0.0)}
    projs = [("in", "lif", w1 * dt / tau, [0, 1, 3]), ("lif", "iaf", w2, [0] * 4)]
    expected = _loop(pops, projs, {"in": grid}, n_steps)
    _assert_same(got, expected, {"lif": "lif", "iaf": "iaf"})


def test_rockpool_convention_matches_the_loop_and_reads_dt_from_r():
    """Rockpool 3.1's exporter writes r = tau exp(-dt/tau) / dt and v_leak = 0; its LIFNeuronTorch adds an input whole
    after the decay exp(-dt/tau), fires at v >= threshold and subtracts it (the real library's spikes:
    tests/test_nir_libraries.py). dt is read back from r (here 2 ms, not the preset's 1 ms); LIFTorch's CubaLIF
    imports with an exponential-current synapse and LI is named unsupported."""
    dt, tau, n_steps = 2e-3, 0.02, 400
    w = np.random.default_rng(4).integers(0, 6, (3, 2)) * 0.2
    r = tau * math.exp(-dt / tau) / dt
    lif = nir.LIF(tau=np.full(3, tau), r=np.full(3, r), v_leak=np.zeros(3), v_threshold=np.ones(3))
    graph = nir.NIRGraph.from_list(nir.Linear(weight=w), lif)
    imp = Circuit.from_nir(graph, convention="rockpool")
    assert imp.dt_ms == pytest.approx(2.0, rel=1e-9)
    grid = _input_grid(5, 2, n_steps, 2, 0.2)
    got = _run(imp.circuit, _given(grid, dt), imp.dt_ms, n_steps)
    beta = math.exp(-dt / tau)
    expected = _loop({"lif": dict(size=3, beta=beta, drive=0.0, thr=1.0, reset="subtract", v_reset=0.0, ge=True)},
                     [("input", "lif", w, [0, 0])], {"input": grid}, n_steps)
    _assert_same(got, expected, {"lif": "lif"})
    with pytest.raises(UnsupportedNirError, match=r"the file's r encodes dt 0.002 s; dt_s=0.001 was given"):
        Circuit.from_nir(graph, convention="rockpool", dt_s=1e-3)
    cuba = nir.CubaLIF(tau_syn=np.full(3, 0.005), tau_mem=np.full(3, tau), r=np.full(3, r), v_leak=np.zeros(3),
                       v_threshold=np.ones(3))
    imported = Circuit.from_nir(nir.NIRGraph.from_list(nir.Linear(weight=w), cuba), convention="rockpool").circuit
    syn = imported.populations[0].synapse
    assert syn.model_name == "exp_current" and syn.tau_syn_ms == pytest.approx(5.0, rel=1e-9)
    li = nir.LI(tau=np.full(3, tau), r=np.full(3, r), v_leak=np.zeros(3))
    with pytest.raises(UnsupportedNirError, match=r"node 'li' \(LI\): tau: a non-spiking leaky integrator"):
        Circuit.from_nir(nir.NIRGraph.from_list(nir.Linear(weight=w), li), convention="rockpool")


def test_each_preset_changes_what_it_says(tmp_path):
    """One graph, four readings: dt, the membrane jump of a weight-1 spike, the time constant and the reset."""
    lif = nir.LIF(tau=np.array([0.01]), r=np.array([1.0]), v_leak=np.zeros(1), v_threshold=np.ones(1))
    graph = nir.NIRGraph.from_list(nir.Linear(weight=np.array([[1.0]])), lif)
    seen = {}
    for name in ("snntorch", "norse", "rockpool", "continuous"):
        imp = Circuit.from_nir(graph, convention=name)
        proj = imp.circuit.projections[0]
        spec = imp.circuit.populations[0].neuron
        seen[name] = (imp.dt_ms, proj.weights[0, 0], spec.tau_m_ms, spec.reset)
    assert seen["continuous"] == (None, pytest.approx(100.0), 10.0, "value")        # r w / tau
    assert seen["snntorch"][0] == pytest.approx(0.1) and seen["snntorch"][1] == pytest.approx(0.01)  # r w dt / tau
    assert seen["snntorch"][2] == pytest.approx(-0.1 / math.log(0.99)) and seen["snntorch"][3] == "subtract"
    assert seen["norse"][:2] == (pytest.approx(1.0), pytest.approx(0.1)) and seen["norse"][3] == "value"
    assert seen["rockpool"][2] == 10.0 and seen["rockpool"][3] == "subtract"        # exact decay: tau as is


def test_float_weights_are_quantised_with_the_error_reported():
    w = np.random.default_rng(7).normal(0, 0.3, (5, 4))
    lif = nir.LIF(tau=np.full(5, 0.02), r=np.full(5, 0.02), v_leak=np.zeros(5), v_threshold=np.ones(5))
    graph = nir.NIRGraph.from_list(nir.Linear(weight=w), lif)
    imp = Circuit.from_nir(graph, convention="continuous", bits=6)
    proj = imp.circuit.projections[0]
    assert np.abs(proj.counts).max() == 63
    assert np.abs(proj.weights - w).max() <= proj.unit_weight / 2 + 1e-12
    entry = [e for e in imp.report.entries if e.field == "weight"][0]
    assert entry.status == "approximate" and "6 bits" in entry.detail and "relative Frobenius error" in entry.detail


# ------------------------------------------------------------------------------ errors
def test_bad_graphs_and_files_get_named_errors(tmp_path):
    lif = nir.LIF(tau=np.full(2, 0.02), r=np.full(2, 0.02), v_leak=np.zeros(2), v_threshold=np.ones(2))
    graph = nir.NIRGraph.from_list(nir.Linear(weight=np.eye(2)), lif)
    with pytest.raises(ParameterError, match=r"say which convention it was written with: convention='snntorch'"):
        Circuit.from_nir(graph)
    with pytest.raises(UnknownNameError, match=r"unknown convention 'lava'; valid: snntorch, snntorch_zero, norse"):
        Circuit.from_nir(graph, convention="lava")
    with pytest.raises(CircuitError, match=r"NIR file '.*missing.nir': no such file"):
        Circuit.from_nir(tmp_path / "missing.nir", convention="continuous")
    (tmp_path / "text.nir").write_text("not hdf5")
    with pytest.raises(CircuitError, match=r"text.nir': not an HDF5 file .* starts with b'not hdf5'"):
        Circuit.from_nir(tmp_path / "text.nir", convention="continuous")
    varied = nir.LIF(tau=np.array([0.02, 0.03]), r=np.ones(2), v_leak=np.zeros(2), v_threshold=np.ones(2))
    with pytest.raises(UnsupportedNirError, match=r"lif: tau: varies across neurons \(0.02 .. 0.03\)"):
        Circuit.from_nir(nir.NIRGraph.from_list(nir.Linear(weight=np.eye(2)), varied), convention="continuous")
    fast = nir.LIF(tau=np.full(2, 5e-5), r=np.ones(2), v_leak=np.zeros(2), v_threshold=np.ones(2))
    with pytest.raises(UnsupportedNirError, match=r"lif: tau: 5e-05 s is not above the convention's dt 0.0001 s"):
        Circuit.from_nir(nir.NIRGraph.from_list(nir.Linear(weight=np.eye(2)), fast), convention="snntorch")
    nan = np.eye(2)
    nan[0, 1] = np.nan
    with pytest.raises(CircuitError, match=r"node 'linear': weight must be finite; got nan"):
        Circuit.from_nir(nir.NIRGraph.from_list(nir.Linear(weight=nan), lif), convention="continuous")
    wrong = nir.NIRGraph.from_list(nir.Linear(weight=np.ones((3, 2))), lif, type_check=False)
    with pytest.raises(CircuitError, match=r"node 'lif' \(LIF\) has 2 neurons but receives 3 channels from 'linear'"):
        Circuit.from_nir(wrong, convention="continuous")
    readout = nir.NIRGraph.from_list(nir.Linear(weight=np.eye(2)), lif, nir.Linear(weight=np.ones((1, 2))))
    with pytest.raises(UnsupportedNirError, match=r"a weighted read-out of 'lif'"):
        Circuit.from_nir(readout, convention="continuous")


def test_event_data_drives_given_spikes():
    ev = nir.EventData(idx=np.array([[0, 1, -1], [1, -1, -1]]), time=np.array([[0.001, 0.0025, np.inf],
                                                                                [0.004, np.inf, np.inf]]),
                       n_neurons=2, t_max=0.01)
    given = GivenSpikes.from_nir(ev, rate_scale_hz=RATE)
    assert given.duration_ms == 10.0 and given.batch_size == 2
    assert np.allclose(given.time_ms, [1.0, 2.5, 4.0]) and list(given.sample) == [0, 0, 1]
    valued = nir.ValuedEventData(idx=np.array([[0]]), time=np.array([[0.001]]), value=np.array([[0.5]]), n_neurons=1,
                                 t_max=0.01)
    with pytest.raises(Exception, match=r"valued events must be \+1 or -1 .* got 0.5"):
        GivenSpikes.from_nir(valued, rate_scale_hz=RATE)


def test_conventions_document_their_sources():
    for conv in CONVENTIONS.values():
        assert conv.source and conv.describe().startswith(conv.name)


def test_threshold_nodes_are_the_artificial_step_exactly():
    """nir.Threshold after an Affine (and a Scale): z = 1 where W x + b > threshold, the artificial side's step."""
    from neurocompare.backends import ArtificialBackend

    w = np.array([[1.0, -0.5], [0.25, 0.75], [0.5, 0.5]])
    b, thr, scale = np.array([0.1, 0.0, -0.2]), np.array([0.5, 0.4, 0.3]), np.array([2.0, 1.0, 1.0])
    graph = nir.NIRGraph.from_list(nir.Affine(weight=w, bias=b), nir.Scale(scale=scale),
                                   nir.Threshold(threshold=thr))
    imp = Circuit.from_nir(graph, convention="continuous")
    pop = imp.circuit.populations[0]
    assert pop.activation == "step" and pop.neuron is None
    x = np.random.default_rng(9).random((50, 2))
    y = ArtificialBackend().run(imp.circuit, x)[pop.name]
    assert np.array_equal(y, ((x @ w.T + b) * scale > thr).astype(float))
    assert any(e.field == "(spiking side)" and e.status == "approximate" for e in imp.report.entries)


def test_delays_per_target_neuron_go_after_the_weights_and_come_back():
    c = Circuit(name="d", inputs=[InputPopulation("x", 2)], populations=[NeuronPopulation("h", 2, neuron=LIF(t_ref_ms=0))],
                projections=[Projection("x", "h", [[3, 1], [2, 2]], unit_weight=0.2, delay_ms=[[1.0, 1.0], [2.5, 2.5]])])
    graph, report = c.to_nir()
    assert isinstance(graph.nodes["w_x_h_d"], nir.Delay) and np.allclose(graph.nodes["w_x_h_d"].delay, [1e-3, 2.5e-3])
    back, _ = Circuit.from_nir(graph)
    assert back == c
    x = np.random.default_rng(1).random((3, 2))
    a = ReferenceBackend(duration_ms=200).run(c, {"x": x}, seed=2).spikes["h"]
    b = ReferenceBackend(duration_ms=200).run(back, {"x": x}, seed=2).spikes["h"]
    assert len(a.time_ms) > 20 and np.array_equal(a.time_ms, b.time_ms) and np.array_equal(a.neuron, b.neuron)


def test_an_exponential_current_synapse_round_trips_as_cubalif():
    """to_nir writes a population with an exponential-current synapse as nir.CubaLIF (tau_syn, w_in = 1, the charge
    of a spike unchanged); read back it has the same synapse, counts and spikes. A conductance synapse has no NIR
    node and says so."""
    from neurocompare.models.synapses import ExpConductanceSynapse, ExpCurrentSynapse

    pop = NeuronPopulation("h", 2, neuron=LIF(t_ref_ms=0.0), synapse=ExpCurrentSynapse(tau_syn_ms=5.0))
    c = Circuit("cuba", inputs=[InputPopulation("x", 2)], populations=[pop],
                projections=[Projection("x", "h", np.array([[2, 1], [0, 3]]), unit_weight=0.5)])
    exported = c.to_nir(rate_scale_hz=100.0)
    assert type(exported.graph.nodes["h"]).__name__ == "CubaLIF"
    back = Circuit.from_nir(exported.graph)
    assert back.report.is_faithful is False and {e.field for e in back.report.by_status("approximate")} == {"timing"}
    assert back.circuit.populations[0].synapse == ExpCurrentSynapse(tau_syn_ms=5.0)
    np.testing.assert_array_equal(back.circuit.projections[0].counts, [[2, 1], [0, 3]])
    backend = ReferenceBackend(duration_ms=300, dt_ms=0.1, rate_scale_hz=100.0)
    x = np.array([[1.0, 0.5]])
    ours, theirs = backend.run(c, x, seed=0).spikes["h"], backend.run(back.circuit, x, seed=0).spikes["h"]
    assert len(ours.time_ms) >= 20
    np.testing.assert_array_equal(ours.time_ms, theirs.time_ms)
    np.testing.assert_array_equal(ours.neuron, theirs.neuron)
    cond = replace(c, populations=[replace(pop, synapse=ExpConductanceSynapse())])
    with pytest.raises(UnsupportedNirError, match=r"h: synapse: 'conductance': NIR has no conductance synapse"):
        cond.to_nir(rate_scale_hz=100.0)
