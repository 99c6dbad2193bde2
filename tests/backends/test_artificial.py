"""The artificial backend against hand-written numpy."""

from __future__ import annotations

import numpy as np
import pytest

from neurocompare import (
    ArtificialBackend,
    Circuit,
    InputPopulation,
    NeuronPopulation,
    ParameterError,
    Projection,
    SimulationError,
)

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
    res = ArtificialBackend(steps=steps).run(c, x)
    np.testing.assert_allclose(res.trajectory["a"], np.stack(hand), atol=1e-12)
    np.testing.assert_allclose(res["a"], hand[-1], atol=1e-12)
    assert res.info["mode"] == "synchronous steps"
    # default for a recurrent circuit: 100 steps
    assert ArtificialBackend().run(c, x).trajectory["a"].shape == (101, 4, n)


def test_synchronous_stepping_of_feedforward_converges_to_single_pass(rng):
    c = two_layer(rng, "tanh")
    x = rng.normal(size=(5, 4))
    single = ArtificialBackend().run(c, x)
    stepped = ArtificialBackend(steps=c.depth).run(c, x)
    np.testing.assert_allclose(stepped["out"], single["out"], atol=1e-12)
    # one step is not enough: the output still sees the zero initial hidden state
    assert not np.allclose(ArtificialBackend(steps=1).run(c, x)["out"], single["out"])


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
