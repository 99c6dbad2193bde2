"""Learning on synapse counts: the rule's bookkeeping, its fixed point, and Brian2 against the reference simulator."""

from __future__ import annotations

import numpy as np
import pytest

from neurocompare.backends.brian2.plasticity import learn_brian2
from neurocompare.backends.reference.plasticity import learn_reference
from neurocompare.datasets import load_digits_split
from neurocompare.errors import ParameterError
from neurocompare.models import Izhikevich
from neurocompare.plasticity import CountSTDP, LearningNetwork


@pytest.fixture(scope="module")
def digits():
    return load_digits_split(seed=0)


def _pair(net, x, order, seed=0, checkpoints=(5,)):
    stream = net.stream(x, order, seed=seed)
    ref = learn_reference(net, stream, seed=seed, checkpoints=checkpoints)
    b2 = learn_brian2(net, stream, seed=seed, checkpoints=checkpoints, target="numpy")
    return ref, b2


@pytest.mark.slow
@pytest.mark.parametrize("case", ["lif_delta", "lif_exp_current", "izhikevich_rs", "adaptive_lif_conductance"])
def test_brian2_and_the_reference_simulator_learn_identical_counts(digits, case):
    """The crosscheck of the rule: the same stream gives the same spikes, counts, thresholds and potentials in Brian2
    (numpy target) and the reference simulator (two implementations written from one docstring), for LIF with each
    synapse model, an adaptive LIF (a second state variable with a unit) and Izhikevich RS. Guard: learners fired and
    counts moved."""
    nets = {"lif_delta": LearningNetwork(n_learners=12),
            "lif_exp_current": LearningNetwork(n_learners=8, synapse="exp_current", presentation_ms=50.0),
            "izhikevich_rs": LearningNetwork(n_learners=6, neuron=Izhikevich.preset("RS"), dt_ms=0.05,
                                             presentation_ms=20.0, mean_rate_hz=150.0),
            "adaptive_lif_conductance": LearningNetwork(n_learners=8, neuron="adaptive_lif", synapse="conductance",
                                                        presentation_ms=50.0)}
    net = nets[case]
    ref, b2 = _pair(net, digits.x_train, np.arange(12))
    assert ref.responses.sum() > 50  # they fired
    assert np.abs(np.diff(ref.counts, axis=0)).sum() > 0  # and learned
    np.testing.assert_array_equal(ref.responses, b2.responses)
    np.testing.assert_array_equal(ref.counts, b2.counts)
    np.testing.assert_allclose(ref.potentials, b2.potentials, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ref.theta, b2.theta, rtol=0, atol=1e-12)
    assert ref.info["synaptic_events"] == b2.info["synaptic_events"]


def test_thresholds_rise_per_spike_and_fall_per_image_exactly(digits):
    """Homeostasis bookkeeping: theta_k = theta_plus x spikes_k - theta_plus x rate x presentation x (images + 1)
    (one fall at every boundary, the first and the last included)."""
    net = LearningNetwork(n_learners=10)
    run = learn_reference(net, net.stream(digits.x_train, np.arange(15), seed=1), seed=1)
    rule = net.rule
    fall = rule.theta_plus * rule.target_rate_hz * net.presentation_ms * 1e-3
    expected = rule.theta_plus * run.responses.sum(axis=0) - fall * (15 + 1)
    np.testing.assert_allclose(run.final_theta, expected, rtol=0, atol=1e-9)


def test_counts_are_floors_of_scaled_potentials_within_bounds(digits):
    net = LearningNetwork(n_learners=10, rule=CountSTDP(c_max=7, norm=20.0))
    run = learn_reference(net, net.stream(digits.x_train, np.arange(10), seed=2), seed=2, checkpoints=[3])
    z = run.potentials
    np.testing.assert_array_equal(run.final_counts, np.floor(z).astype(int))
    assert run.counts.min() >= 0 and run.counts.max() <= 7
    norms = np.linalg.norm(z, axis=1)
    unclipped = z.max(axis=1) < net.rule.z_max
    np.testing.assert_allclose(norms[unclipped], 20.0, rtol=1e-12)  # scaled after the last image
    assert list(run.checkpoints) == [0, 3, 10] and run.counts.shape == (3, 10, 64)
    assert run.info["learner_spikes"] == run.responses.sum()


def test_a_learner_shown_one_image_grows_synapses_where_the_image_has_ink(digits):
    """The rule's fixed point is K x E[trace | post spike]: after one image shown 40 times, the potentials of the
    learner that fired most correlate with the image's rates (r > 0.9), and the learned counts are a picture of it."""
    net = LearningNetwork(n_learners=4)
    x = digits.x_train[:1]
    run = learn_reference(net, net.stream(x, np.zeros(40, dtype=int), seed=3), seed=3)
    k = int(np.argmax(run.responses.sum(axis=0)))
    assert run.responses[:, k].sum() > 40
    r = np.corrcoef(run.potentials[k], x[0])[0, 1]
    assert r > 0.9, r
    initial = np.corrcoef(net.initial_potentials(3)[k], x[0])[0, 1]
    assert abs(initial) < 0.4  # it was not a picture of the image before


def test_the_stream_is_seeded_poisson_on_the_grid(digits):
    net = LearningNetwork(n_learners=3)
    a = net.stream(digits.x_train, [0, 1, 2], seed=5)
    b = net.stream(digits.x_train, [0, 1, 2], seed=5)
    c = net.stream(digits.x_train, [0, 1, 2], seed=6)
    np.testing.assert_array_equal(a.step, b.step)
    assert not np.array_equal(a.step, c.step)
    assert np.all(np.diff(a.step) >= 0) and a.step.max() < a.n_steps
    # mean rate per channel: mean_rate_hz within 10 % (3 images x 64 channels x 100 ms)
    rate = len(a.step) / (3 * 64 * net.presentation_ms * 1e-3)
    assert rate == pytest.approx(net.mean_rate_hz, rel=0.1)


@pytest.mark.parametrize("kwargs, match", [
    ({"eta": 0.0}, "eta must be a finite number > 0"),
    ({"c_max": 0}, "c_max must be an integer in 1"),
    ({"norm": float("nan")}, "norm must be a finite number > 0"),
    ({"target_rate_hz": -1.0}, "target_rate_hz"),
])
def test_bad_rule_parameters_are_named(kwargs, match):
    with pytest.raises(ParameterError, match=match):
        CountSTDP(**kwargs)


def test_bad_network_and_images_are_named(digits):
    with pytest.raises(ParameterError, match=r"presentation_ms \(100.25\) must be a whole number"):
        LearningNetwork(presentation_ms=100.25)
    with pytest.raises(ParameterError, match="rule must be a CountSTDP"):
        LearningNetwork(rule={"eta": 0.1})
    net = LearningNetwork()
    blank = digits.x_train[:3].copy()
    blank[1] = 0.0
    with pytest.raises(ParameterError, match="image 1 is blank"):
        net.input_values(blank)
    with pytest.raises(ParameterError, match=r"must be >= 0.*-0.5 at image 0, pixel 2"):
        net.input_values(np.where(np.arange(64) == 2, -0.5, 0.3)[None, :])
    with pytest.raises(ParameterError, match=r"images must have shape \(n, 64\)"):
        net.input_values(np.ones((2, 63)))
    with pytest.raises(ParameterError, match="images must be finite"):
        net.input_values(np.full((1, 64), np.nan))
    with pytest.raises(ParameterError, match=r"order must index the 3 images \(at least one\); got 2 entries from 0 to 3"):
        net.stream(digits.x_train[:3], [0, 3], seed=0)
    with pytest.raises(ParameterError, match="at least one"):
        net.stream(digits.x_train[:3], [], seed=0)
    with pytest.raises(ParameterError, match="seed must be a non-negative integer"):
        net.stream(digits.x_train[:3], [0], seed=-1)
    stream = net.stream(digits.x_train[:3], [0, 1], seed=0)
    with pytest.raises(ParameterError, match="checkpoints must be whole numbers of images in"):
        learn_reference(net, stream, seed=0, checkpoints=[5])
    with pytest.raises(ParameterError, match="does not match the network"):
        learn_reference(net.replace(n_inputs=32), stream, seed=0)
