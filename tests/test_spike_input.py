"""Given spikes as input: validation, the grid rule, same-step spikes, values, and identity with the encodings."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from neurocompare import (
    LIF, ArtificialBackend, Circuit, InputError, InputPopulation, NeuronPopulation, Projection, ReferenceBackend,
    Regular, SpikeTrains, SpikingBackend,
)
from neurocompare.compare import compare
from neurocompare.crosscheck import crosscheck
from neurocompare.encoding import Encoding
from neurocompare.inputs import normalize_inputs
from neurocompare.spike_input import GivenSpikes, SpikeValues

IF = LIF(tau_m_ms=float("inf"), t_ref_ms=0.0)
KW = dict(duration_ms=100.0, rate_scale_hz=100.0)


def relay() -> Circuit:
    """Input neuron 0 makes the output fire one step after each of its spikes; input neuron 1 is not connected."""
    return Circuit("relay", inputs=[InputPopulation("x", 2)],
                   populations=[NeuronPopulation("out", 1, neuron=IF)],
                   projections=[Projection("x", "out", counts=[[1, 0]], unit_weight=1.0)])


def backends():
    return [SpikingBackend(**KW, input_mode="synapses", target="numpy"),
            SpikingBackend(**KW, input_mode="drive", target="numpy"), ReferenceBackend(**KW)]


# ------------------------------------------------------------------ SpikeTrains order


def test_spike_trains_sort_unsorted_data_on_construction():
    tr = SpikeTrains("x", 2, 2, [1, 0, 0, 0], [0, 1, 0, 0], [10.0, 20.0, 50.0, 10.0], 100.0, [1, -1, 1, 1])
    np.testing.assert_array_equal(tr.time_ms, [10.0, 10.0, 20.0, 50.0])
    np.testing.assert_array_equal(tr.sample, [0, 1, 0, 0])
    np.testing.assert_array_equal(tr.neuron, [0, 0, 1, 0])
    np.testing.assert_array_equal(tr.sign, [1, 1, -1, 1])  # the sign moves with its spike


def test_sorted_spike_trains_are_kept_as_given():
    t = np.arange(5.0)
    tr = SpikeTrains("x", 1, 3, [0] * 5, [2, 0, 1, 1, 0], t, 10.0)
    np.testing.assert_array_equal(tr.neuron, [2, 0, 1, 1, 0])


@dataclass(frozen=True)
class Fixed(Encoding):
    """Always the same spikes, in the order given (a custom encoding, the only way in before GivenSpikes)."""

    times_ms: tuple = (50.0, 10.0, 20.0)
    neurons: tuple = (0, 0, 1)
    name = "fixed"

    def encode(self, population, values, *, rate_scale_hz, duration_ms, dt_ms, seed):
        n = len(self.times_ms)
        return SpikeTrains(population, 1, 2, [0] * n, list(self.neurons), list(self.times_ms), duration_ms)

    def decode(self, trains, values, *, rate_scale_hz):
        return trains.counts() / 0.1 / rate_scale_hz


@pytest.mark.parametrize("mode", ["synapses", "drive"])
def test_unsorted_trains_of_a_custom_encoding_lose_no_spike(mode):
    """Issue 15: times [50, 10, 20] ms on neurons [0, 0, 1] gave [10.1] in the synapse mode; sorted: [10.1, 50.1]."""
    res = SpikingBackend(**KW, encoding=Fixed(), input_mode=mode, target="numpy").run(relay(), np.zeros(2), seed=0)
    np.testing.assert_allclose(res.spikes["out"].time_ms, [10.1, 50.1])


@pytest.mark.parametrize("mode", ["synapses", "drive"])
def test_same_step_spikes_of_a_custom_encoding_are_a_clear_error(mode):
    """Issue 15: this gave a raw Brian2 error with its "report this bug" banner (synapses) or a silent double jump."""
    enc = Fixed(times_ms=(10.0, 10.0), neurons=(0, 0))
    with pytest.raises(InputError, match=r"Input 'x': sample 0, neuron 0 has 'fixed'-encoded spikes at 10 and 10 ms"):
        SpikingBackend(**KW, encoding=enc, input_mode=mode, target="numpy").run(relay(), np.zeros(2), seed=0)


# ------------------------------------------------------------------ given spikes on every backend


@pytest.mark.parametrize("backend", backends(), ids=["synapses", "drive", "reference"])
def test_given_unsorted_spikes_drive_every_spiking_backend(backend):
    given = GivenSpikes([0, 0, 0], [0, 0, 1], [50.0, 10.0, 20.0], **KW)
    res = backend.run(relay(), {"x": given}, seed=0)
    np.testing.assert_allclose(res.spikes["out"].time_ms, [10.1, 50.1])
    np.testing.assert_allclose(res.spikes["x"].time_ms, [10.0, 20.0, 50.0])
    np.testing.assert_array_equal(res["x"], [[0.2, 0.1]])  # 2 and 1 spikes in 0.1 s at 100 Hz per unit


@pytest.mark.filterwarnings("ignore::neurocompare.errors.NoSpikesWarning")  # metrics of a 1-sample relay
def test_given_spikes_on_the_artificial_backend_and_in_compare():
    given = GivenSpikes.from_times([[50.0, 10.0], [20.0]], **KW)
    np.testing.assert_array_equal(ArtificialBackend().run(relay(), {"x": given})["out"], [[0.2]])
    cmp = compare(relay(), {"x": given}, spiking=SpikingBackend(**KW, target="numpy"), seed=0)
    np.testing.assert_allclose(cmp.snn.spikes["out"].time_ms, [10.1, 50.1])
    np.testing.assert_array_equal(cmp.ann["x"], [[0.2, 0.1]])


def test_values_are_signed_rates_on_the_stated_scale():
    given = GivenSpikes([0, 1, 1, 1], [1, 0, 0, 0], [5.0, 1.0, 2.0, 3.0], sign=[-1, 1, 1, 1], batch_size=3, **KW)
    values, batch = normalize_inputs(relay(), {"x": given})
    assert batch == 3 and isinstance(values["x"], SpikeValues)
    np.testing.assert_array_equal(values["x"], [[0.0, -0.1], [0.3, 0.0], [0.0, 0.0]])
    assert type(values["x"] * 2) is np.ndarray  # derived arrays are plain values


def test_spiking_backend_refuses_another_rate_scale_or_duration():
    given = GivenSpikes([0], [0], [10.0], **KW)
    with pytest.raises(InputError, match=r"Input 'x'.*rate_scale_hz=100.*rate_scale_hz=200"):
        ReferenceBackend(duration_ms=100.0, rate_scale_hz=200.0).run(relay(), {"x": given}, seed=0)
    with pytest.raises(InputError, match=r"Input 'x'.*duration_ms=100.*duration_ms=50"):
        SpikingBackend(duration_ms=50.0, rate_scale_hz=100.0).run(relay(), {"x": given}, seed=0)


# ------------------------------------------------------------------ grid and same-step spikes


def test_off_grid_times_go_to_the_step_that_holds_them():
    # 0.3 ms is 2.9999999999999996 steps: on the grid (1e-3 step tolerance); 10.05 -> 10.0; 10.19 -> 10.1;
    # 10.29995 is 5e-4 steps below 10.3 -> 10.3
    given = GivenSpikes([0, 0, 0, 0], [0, 0, 1, 1], [0.3, 10.05, 10.19, 10.29995], **KW)
    for backend in backends():
        res = backend.run(relay(), {"x": given}, seed=0)
        np.testing.assert_allclose(res.spikes["x"].time_ms, [0.3, 10.0, 10.1, 10.3], atol=1e-12)
        np.testing.assert_allclose(res.spikes["out"].time_ms, [0.4, 10.1], atol=1e-12)


@pytest.mark.parametrize("backend", backends(), ids=["synapses", "drive", "reference"])
def test_two_spikes_of_one_channel_in_one_step_are_rejected(backend):
    given = GivenSpikes([0, 0], [1, 1], [20.0, 20.05], **KW)
    with pytest.raises(InputError, match=r"Input 'x': sample 0, neuron 1 has given spikes at 20 and 20\.05 ms, "
                                         r"both in step 200 .*lower dt_ms"):
        backend.run(relay(), {"x": given}, seed=0)
    backend.replace(dt_ms=0.05).run(relay(), {"x": given}, seed=0)  # a finer grid separates them


# ------------------------------------------------------------------ errors


@pytest.mark.parametrize("kwargs, message", [
    (dict(sample=[0], neuron=[0], time_ms=[100.0]), r"sample 0, neuron 0 at 100 ms is outside the run \[0, 100\)"),
    (dict(sample=[0], neuron=[1], time_ms=[-0.5]), r"sample 0, neuron 1 at -0\.5 ms is outside the run"),
    (dict(sample=[0], neuron=[2], time_ms=[1.0]), r"has neuron 2, outside 0\.\.1 \(population size 2\)"),
    (dict(sample=[3], neuron=[0], time_ms=[1.0], batch_size=2), r"has sample 3, outside 0\.\.1 \(batch_size 2\)"),
    (dict(sample=[0], neuron=[0], time_ms=[np.nan]), r"at nan ms is outside the run"),
])
def test_out_of_range_spikes_are_named_errors(kwargs, message):
    given = GivenSpikes(**kwargs, **KW)
    with pytest.raises(InputError, match=r"Input 'x': .*" + message):
        normalize_inputs(relay(), {"x": given})


def test_a_step_at_the_end_of_the_run_is_an_error():
    given = GivenSpikes([0], [0], [100.0 - 1e-6], **KW)  # inside [0, 100) but on step 1000 by the grid rule
    with pytest.raises(InputError, match=r"falls on step 1000, the end of the run"):
        ReferenceBackend(**KW).run(relay(), {"x": given}, seed=0)


def test_mixed_signs_in_one_channel_are_an_error():
    given = GivenSpikes([0, 0], [0, 0], [1.0, 2.0], sign=[1, -1], **KW)
    with pytest.raises(InputError, match=r"sample 0, neuron 0 has given spikes of both signs"):
        normalize_inputs(relay(), {"x": given})


@pytest.mark.parametrize("raw", [[[10.0, 20.0, 30.0], [5.0]], ["a", "b"], [1.0, 2.0, 3.0]])
def test_spike_times_passed_as_values_say_how_to_pass_spikes(raw):
    with pytest.raises(InputError, match=r"Input 'x': .*inputs are values .*GivenSpikes"):
        normalize_inputs(relay(), {"x": raw})


def test_spike_trains_passed_as_values_point_to_from_trains():
    tr = SpikeTrains("x", 1, 2, [0], [0], [1.0], 100.0)
    with pytest.raises(InputError, match=r"GivenSpikes\.from_trains"):
        normalize_inputs(relay(), {"x": tr})


def test_bad_constructor_arguments():
    with pytest.raises(InputError, match=r"GivenSpikes: neuron must be a 1-D array of integers"):
        GivenSpikes([0], [0.5], [1.0], **KW)
    with pytest.raises(InputError, match=r"GivenSpikes: sample, neuron, time_ms .* of one length"):
        GivenSpikes([0, 0], [0], [1.0], **KW)
    with pytest.raises(InputError, match=r"GivenSpikes: sign must be \+1 or -1"):
        GivenSpikes([0], [0], [1.0], sign=[0.5], **KW)
    with pytest.raises(Exception, match=r"GivenSpikes: rate_scale_hz must be"):
        GivenSpikes([0], [0], [1.0], duration_ms=100.0, rate_scale_hz=0.0)


# ------------------------------------------------------------------ neo


def test_neo_trains_drive_the_input():
    neo = pytest.importorskip("neo", reason="neo is optional (extra 'neo'; installed with the test extra)")
    import quantities as pq

    trains = [neo.SpikeTrain([0.05, 0.01], units=pq.s, t_stop=0.1 * pq.s),
              neo.SpikeTrain([20.0], units=pq.ms, t_stop=100.0 * pq.ms)]
    given = GivenSpikes.from_neo(trains, rate_scale_hz=100.0)
    assert given.duration_ms == 100.0
    res = ReferenceBackend(**KW).run(relay(), {"x": given}, seed=0)
    np.testing.assert_allclose(res.spikes["out"].time_ms, [10.1, 50.1])


def test_neo_round_trip_of_a_result_reproduces_its_run():
    pytest.importorskip("neo", reason="neo is optional (extra 'neo'; installed with the test extra)")
    from neurocompare.neo_export import to_neo

    first = ReferenceBackend(**KW, encoding="regular").run(relay(), np.array([[0.3, -0.2], [0.5, 0.0]]), seed=0)
    given = GivenSpikes.from_neo(to_neo(first, "x"), rate_scale_hz=100.0)
    again = ReferenceBackend(**KW).run(relay(), {"x": given}, seed=0)
    for name in ("x", "out"):
        np.testing.assert_array_equal(again.spikes[name].time_ms, first.spikes[name].time_ms)
        np.testing.assert_array_equal(again.spikes[name].sign, first.spikes[name].sign)


# ------------------------------------------------------------------ identical to the regular encoding


def _layered() -> Circuit:
    """Signed inputs, two layers, delays, a refractory neuron: enough to tell any delivery difference."""
    rng = np.random.default_rng(3)
    return Circuit(
        "layered", inputs=[InputPopulation("x", 5)],
        populations=[NeuronPopulation("h", 4, bias=0.1, neuron=LIF(tau_m_ms=20.0, t_ref_ms=2.0)),
                     NeuronPopulation("out", 2, neuron=LIF(tau_m_ms=float("inf"), reset="subtract", t_ref_ms=0.0))],
        projections=[Projection("x", "h", counts=rng.integers(-1, 4, (4, 5)), unit_weight=0.3,
                                delay_ms=rng.choice([0.0, 1.0, 2.5], (4, 5))),
                     Projection("h", "out", counts=rng.integers(0, 3, (2, 4)), unit_weight=0.4, delay_ms=1.0)])


@pytest.mark.parametrize("make", [
    lambda enc: SpikingBackend(duration_ms=200.0, rate_scale_hz=150.0, encoding=enc, input_mode="synapses",
                               target="numpy"),
    lambda enc: SpikingBackend(duration_ms=200.0, rate_scale_hz=150.0, encoding=enc, input_mode="drive",
                               synapse_mode="aggregate", target="numpy"),
    lambda enc: ReferenceBackend(duration_ms=200.0, rate_scale_hz=150.0, encoding=enc),
], ids=["brian2-synapses", "brian2-drive", "reference"])
def test_given_spikes_give_the_results_of_the_regular_encoding(make):
    x = np.random.default_rng(0).uniform(-1.0, 1.0, (3, 5))
    x[0, 2] = 0.0
    encoded = make(Regular(jitter_ms=0.7)).run(_layered(), x, seed=4)
    given = GivenSpikes.from_trains(encoded.spikes["x"], rate_scale_hz=150.0)
    replay = make("poisson").run(_layered(), {"x": given}, seed=99)  # the encoding and seed play no role now
    assert sum(len(t) for t in encoded.spikes.values()) > len(encoded.spikes["x"])  # neurons fired
    for name, trains in encoded.spikes.items():
        for field in ("sample", "neuron", "time_ms", "sign"):
            np.testing.assert_array_equal(getattr(replay.spikes[name], field), getattr(trains, field), err_msg=name)
        np.testing.assert_array_equal(replay[name], encoded[name], err_msg=name)


@pytest.mark.parametrize("backend", [
    pytest.param(SpikingBackend(**KW, encoding="latency", target="numpy"), id="brian2"),
    pytest.param(ReferenceBackend(**KW, encoding="latency"), id="reference"),
])
def test_input_activations_of_given_spikes_are_their_values_whatever_the_encoding(backend):
    given = GivenSpikes([0, 0, 0], [0, 0, 1], [50.0, 10.0, 20.0], **KW)
    np.testing.assert_array_equal(backend.run(relay(), {"x": given}, seed=0)["x"], [[0.2, 0.1]])


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_random_given_spikes_cross_check_spike_for_spike(data):
    """Any valid given spikes: Brian2 (both input modes) and the reference agree exactly."""
    dt = data.draw(st.sampled_from([0.05, 0.1, 0.2]), label="dt_ms")
    batch = data.draw(st.integers(1, 3), label="batch")
    n = data.draw(st.integers(0, 40), label="spikes")
    steps = data.draw(st.lists(st.integers(0, int(round(20.0 / dt)) - 1), min_size=n, max_size=n, unique=True))
    sample = data.draw(st.lists(st.integers(0, batch - 1), min_size=n, max_size=n))
    offset = data.draw(st.floats(0.0, 0.99), label="offset within the step")
    # one channel per (step, sample, neuron 0/1): unique steps keep every channel to one spike per step
    neuron = [s % 2 for s in steps]
    time_ms = (np.asarray(steps, dtype=float) + offset) * dt
    given = GivenSpikes(sample, neuron, time_ms, duration_ms=20.0, rate_scale_hz=100.0, batch_size=batch)
    circuit = _layered_small()
    for mode in ("synapses", "drive"):
        report = crosscheck(circuit, {"x": given}, seed=0, duration_ms=20.0, dt_ms=dt, rate_scale_hz=100.0,
                            target="numpy", input_mode=mode)
        report.raise_if_different()


def _layered_small() -> Circuit:
    return Circuit("small", inputs=[InputPopulation("x", 2)],
                   populations=[NeuronPopulation("h", 2, neuron=LIF(tau_m_ms=10.0, t_ref_ms=0.5))],
                   projections=[Projection("x", "h", counts=[[3, -1], [2, 2]], unit_weight=0.4,
                                           delay_ms=[[0.0, 0.3], [1.0, 0.0]])])
