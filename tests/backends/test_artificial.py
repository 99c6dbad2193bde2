"""The artificial backend against hand-written numpy."""

from __future__ import annotations

import json

import numpy as np
import pytest

from neurocompare import (
    ArtificialBackend,
    Circuit,
    InputError,
    InputPopulation,
    NeuronPopulation,
    ParameterError,
    Projection,
    Result,
    SimulationError,
)
from neurocompare.backends.artificial import trajectory_periods
from neurocompare.errors import NotConvergedWarning

from ..conftest import random_feedforward

HAND = {
    "relu": lambda z: np.maximum(z, 0),
    "sigmoid": lambda z: 1 / (1 + np.exp(-z)),
    "tanh": np.tanh,
    "step": lambda z: (z > 0).astype(float),
    "identity": lambda z: z,
}


def two_layer(rng, activation) -> Circuit:
    base = random_feedforward(rng)
    pops = [NeuronPopulation(p.name, p.size, bias=p.bias, activation=activation) for p in base.populations]
    return Circuit(base.name, inputs=base.inputs, populations=pops, projections=base.projections)


@pytest.mark.parametrize("activation", list(HAND))
def test_feedforward_equals_hand_numpy(rng, activation):
    c = two_layer(rng, activation)
    x = rng.normal(size=(7, 4))
    w1, w2 = (p.counts * p.unit_weight for p in c.projections)
    h = HAND[activation](x @ w1.T + c.population("hidden").bias)
    y = HAND[activation](h @ w2.T + c.population("out").bias)
    res = ArtificialBackend().run(c, x)
    np.testing.assert_allclose(res["hidden"], h, rtol=0, atol=1e-12)
    np.testing.assert_allclose(res["out"], y, rtol=0, atol=1e-12)
    np.testing.assert_array_equal(res["x"], x)
    assert res.activations["out"].shape == (7, 3) and res.spikes == {}


def test_sigmoid_does_not_overflow():
    c = Circuit("s", inputs=[InputPopulation("x", 1)], populations=[NeuronPopulation("o", 1, activation="sigmoid")],
                projections=[Projection("x", "o", counts=[[1]], unit_weight=1.0)])
    out = ArtificialBackend().run(c, [[-1000.0], [1000.0], [0.0]])["o"][:, 0]
    np.testing.assert_allclose(out, [0.0, 1.0, 0.5], atol=1e-300)


def test_user_callable_activation(rng):
    softplus = lambda z: np.log1p(np.exp(z))  # noqa: E731
    c = two_layer(rng, softplus)
    x = rng.normal(size=(3, 4))
    w1, w2 = (p.weights for p in c.projections)
    h = softplus(x @ w1.T + c.population("hidden").bias)
    np.testing.assert_allclose(ArtificialBackend().run(c, x)["out"], softplus(h @ w2.T + c.population("out").bias))


def test_recurrent_is_stepped_synchronously(rng):
    """a(t+1) = f(W_in x + W_rec a(t) + b) for every neuron at once, from a(0) = 0."""
    n = 3
    rec_counts = np.array([[0, -2, -2], [-2, 0, -2], [-2, -2, 0]])
    c = Circuit(
        "wta",
        inputs=[InputPopulation("x", n)],
        populations=[NeuronPopulation("a", n, bias=0.1, activation="relu")],
        projections=[
            Projection("x", "a", counts=np.eye(n, dtype=int) * 3, unit_weight=0.25),
            Projection("a", "a", counts=rec_counts, unit_weight=0.25),
        ],
    )
    x = rng.uniform(0, 1, size=(4, n))
    steps = 25
    a = np.zeros((4, n))
    hand = [a]
    for _ in range(steps):
        a = np.maximum(x @ (np.eye(n) * 0.75).T + a @ (rec_counts * 0.25).T + 0.1, 0)
        hand.append(a)
    with pytest.warns(NotConvergedWarning, match="population 'a' is still moving .* on 1 of 4 samples"):
        res = ArtificialBackend(steps=steps).run(c, x)
    np.testing.assert_allclose(res.trajectory["a"], np.stack(hand), atol=1e-12)
    np.testing.assert_allclose(res["a"], hand[-1], atol=1e-12)
    assert res.info["mode"] == "synchronous steps"
    # default for a recurrent circuit: 100 steps, by which the moving sample has settled on a 2-cycle
    with pytest.warns(NotConvergedWarning, match="population 'a' oscillates with period 2 on 1 of 4 samples"):
        assert ArtificialBackend().run(c, x).trajectory["a"].shape == (101, 4, n)


def test_synchronous_stepping_of_feedforward_converges_to_single_pass(rng):
    c = two_layer(rng, "tanh")
    x = rng.normal(size=(5, 4))
    single = ArtificialBackend().run(c, x)
    stepped = ArtificialBackend(steps=c.depth).run(c, x)
    np.testing.assert_allclose(stepped["out"], single["out"], atol=1e-12)
    assert single.info["converged"] and stepped.info["converged"] and stepped.info["period"] == 1
    # one step is not enough: the output still sees the zero initial hidden state, and says so
    with pytest.warns(NotConvergedWarning, match=r"population\(s\) 'out' have not received the input yet.*"
                                                 r"needs 2 steps \(its depth\)"):
        short = ArtificialBackend(steps=1).run(c, x)
    assert not np.allclose(short["out"], single["out"])
    assert not short.info["converged"] and short.info["period"] is None
    assert short.info["population_periods"] == {"hidden": 1, "out": None}


def test_diverging_recurrence_raises():
    c = Circuit("boom", populations=[NeuronPopulation("a", 1, bias=1.0, activation="identity")],
                projections=[Projection("a", "a", counts=[[1000]], unit_weight=10.0)])
    with pytest.raises(SimulationError, match="Population 'a': .* non-finite (values )?at step"):
        ArtificialBackend(steps=200).run(c)


def test_bad_callable_and_options():
    c = Circuit("c", populations=[NeuronPopulation("a", 2, activation=lambda z: z[:, :1])])
    with pytest.raises(SimulationError, match="returned shape"):
        ArtificialBackend().run(c)
    with pytest.raises(ParameterError, match="steps must be a positive integer"):
        ArtificialBackend(steps=0)


# ------------------------------------------------------------------ where a synchronous run ends
def winner_take_all(n: int = 5) -> Circuit:
    """n relu neurons driven by their own input (weight 0.5), each inhibiting every other one (weight -0.5)."""
    inhibition = -(np.ones((n, n), dtype=int) - np.eye(n, dtype=int))
    return Circuit("wta5", inputs=[InputPopulation("x", n)], populations=[NeuronPopulation("wta", n)],
                   projections=[Projection("x", "wta", np.eye(n, dtype=int), 0.5),
                                Projection("wta", "wta", inhibition, 0.5)])


def test_the_parity_case_is_a_two_cycle_at_50_and_51_steps():
    """The issue's case: the answer flips with the parity of the step count; both runs say period 2, alike."""
    x = np.array([[1.0, 0.9, 0.8, 0.7, 0.6]])
    runs, messages = {}, {}
    for steps in (50, 51):
        with pytest.warns(NotConvergedWarning) as caught:
            runs[steps] = ArtificialBackend(steps=steps).run(winner_take_all(), x)
        assert len(caught) == 1
        messages[steps] = str(caught[0].message)
    np.testing.assert_allclose(runs[50]["wta"], [[0.0] * 5], atol=1e-12)
    np.testing.assert_allclose(runs[51]["wta"], [[0.5, 0.45, 0.4, 0.35, 0.3]], atol=1e-12)
    for res in runs.values():
        assert res.info["converged"] is False and res.info["period"] == 2
        assert res.info["period_counts"] == {"2": 1} and res.info["population_periods"] == {"wta": 2}
    assert messages[50] == messages[51].replace("after 51 synchronous", "after 50 synchronous")
    assert "circuit 'wta5'" in messages[50]
    assert "population 'wta' oscillates with period 2 on 1 of 1 samples" in messages[50]


def test_a_clear_winner_is_a_fixed_point_without_warning():
    # a single driven neuron: it reaches 0.5 at step 1 and the others stay at 0 (relu of -0.25)
    x = np.array([[1.0, 0.0, 0.0, 0.0, 0.0]] * 2)
    res = ArtificialBackend(steps=30).run(winner_take_all(), x)
    np.testing.assert_allclose(res["wta"], [[0.5, 0, 0, 0, 0]] * 2, atol=1e-12)
    assert res.info["converged"] is True and res.info["period"] == 1 and res.info["period_counts"] == {"1": 2}


def test_mixed_batch_counts_samples_per_period_and_survives_saving():
    x = np.array([[1.0, 0.0, 0.0, 0.0, 0.0], [1.0, 0.9, 0.8, 0.7, 0.6], [1.0, 0.0, 0.0, 0.0, 0.0]])
    with pytest.warns(NotConvergedWarning, match="period 2 on 1 of 3 samples"):
        res = ArtificialBackend(steps=20).run(winner_take_all(), x)
    assert res.info["period_counts"] == {"1": 2, "2": 1} and res.info["period"] == 2
    meta, arrays = res.to_state("ann")
    back = Result.from_state(json.loads(json.dumps(meta)), arrays, "ann")
    assert back.info["period_counts"] == {"1": 2, "2": 1} and back.info["population_periods"] == {"wta": 2}


def test_single_pass_records_a_fixed_point():
    res = ArtificialBackend().run(random_feedforward(np.random.default_rng(0)), np.zeros((2, 4)))
    assert res.info["converged"] is True and res.info["period"] == 1 and res.info["period_counts"] == {"1": 2}


def test_trajectory_periods_by_hand():
    """Smallest p whose last cycle repeats the one before it, within 1e-6 * (1 + max |state|)."""
    cycle3 = np.array([0.0, 1.0, 2.0] * 6)[:, None, None]            # states 0 1 2 0 1 2 ...
    assert trajectory_periods(cycle3).tolist() == [3]
    assert trajectory_periods(cycle3[:5]).tolist() == [0]             # 5 states: period 3 needs 6
    assert trajectory_periods(cycle3[:6]).tolist() == [3]
    assert trajectory_periods(cycle3, max_period=2).tolist() == [0]
    geometric = (1 - 0.9 ** np.arange(300))[:, None, None]            # s_t = 1 - 0.9^t: still moving ...
    assert trajectory_periods(geometric[:40]).tolist() == [0]         # last change 0.1 * 0.9^38 = 1.8e-3
    assert trajectory_periods(geometric).tolist() == [1]              # ... until within 1e-6 (2e-15 here)
    two = np.stack([np.tile([[0.0], [1.0]], (10, 1)), np.full((20, 1), 3.0)], axis=1)   # (20, 2 samples, 1)
    assert trajectory_periods(two).tolist() == [2, 1]
    # a mapping is the joint state: period 2 and period 3 populations make period 6
    joint = {"a": np.tile([[0.0], [1.0]], (9, 1))[:, None], "b": cycle3}
    assert trajectory_periods(joint).tolist() == [6]
    with pytest.raises(InputError, match=r"trajectory_periods: .*\(steps \+ 1, batch, neurons\)"):
        trajectory_periods(np.zeros((4, 3)))
    with pytest.raises(ParameterError, match="max_period must be a positive integer; got 0"):
        trajectory_periods(cycle3, max_period=0)
