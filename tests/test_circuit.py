"""The circuit description: construction, validation, persistence."""

from __future__ import annotations

import json
import math
import os

import numpy as np
import pytest

from neurocompare import (
    LIF,
    Circuit,
    CircuitError,
    InputError,
    InputPopulation,
    NeurocompareError,
    NeuronPopulation,
    ParameterError,
    Projection,
)
from neurocompare.inputs import normalize_inputs

from .conftest import random_feedforward


def xor_like(**proj_kwargs) -> Circuit:
    kw = dict(counts=[[2, 2], [2, 2]], unit_weight=0.5)
    kw.update(proj_kwargs)
    return Circuit(
        "c",
        inputs=[InputPopulation("x", 2)],
        populations=[NeuronPopulation("h", 2, bias=[0.0, -1.5]), NeuronPopulation("o", 1, activation="step")],
        projections=[Projection("x", "h", **kw), Projection("h", "o", counts=[[2, -8]], unit_weight=0.5)],
    )


def test_weights_are_counts_times_unit():
    c = xor_like(unit_weight=0.25)
    proj = c.projection("x", "h")
    np.testing.assert_array_equal(proj.weights, np.array([[2, 2], [2, 2]]) * 0.25)
    assert proj.counts.dtype == np.int64
    assert c.n_synapses == 8 + 10 and c.n_weights == 4 + 2


def test_integral_floats_are_accepted_as_counts():
    c = xor_like(counts=np.array([[2.0, -1.0], [0.0, 3.0]]))
    assert c.projection("x", "h").counts.tolist() == [[2, -1], [0, 3]]


def test_arrays_are_immutable_copies():
    counts = np.array([[1, 1], [1, 1]])
    c = xor_like(counts=counts)
    counts[0, 0] = 99
    assert c.projection("x", "h").counts[0, 0] == 1
    with pytest.raises(ValueError):
        c.projection("x", "h").counts[0, 0] = 5


def test_topology_feedforward_and_recurrent():
    c = xor_like()
    assert c.topological_order() == ("h", "o") and not c.is_recurrent and c.depth == 2
    rec = Circuit(
        "loop",
        populations=[NeuronPopulation("a", 3)],
        projections=[Projection("a", "a", counts=-np.ones((3, 3), int) + np.eye(3, dtype=int))],
    )
    assert rec.is_recurrent and rec.topological_order() is None
    with pytest.raises(CircuitError, match="recurrent"):
        rec.depth


def test_json_round_trip_is_exact(tmp_path, rng):
    c = random_feedforward(rng, unit=0.1 + 1e-17)
    c = Circuit(
        c.name,
        inputs=c.inputs,
        populations=[*c.populations[:-1], NeuronPopulation("out", 3, bias=[1 / 3, -2e-300, 7.0],
                                                           neuron=LIF(tau_m_ms=math.inf, reset="subtract"))],
        projections=[*c.projections[:-1], Projection("hidden", "out", counts=c.projections[1].counts,
                                                     delay_ms=rng.uniform(0, 3, (3, 5)))],
        description="round trip",
    )
    path = c.save(tmp_path / "c.json")
    back = Circuit.load(path)
    assert back == c
    assert back.population("out").bias.tolist() == [1 / 3, -2e-300, 7.0]
    np.testing.assert_array_equal(back.projection("hidden", "out").delays, c.projection("hidden", "out").delays)
    assert back.population("out").neuron == LIF(tau_m_ms=math.inf, reset="subtract")
    # and the file is plain JSON
    assert json.loads(path.read_text())["format"] == "neurocompare.circuit"


def test_save_is_atomic_and_leaves_old_file_intact(tmp_path):
    good = xor_like()
    path = good.save(tmp_path / "c.json")
    before = path.read_text()
    bad = Circuit("c2", populations=[NeuronPopulation("n", 1, activation=lambda z: z)])
    with pytest.raises(CircuitError, match="callable activation"):
        bad.save(path)
    assert path.read_text() == before
    assert os.listdir(tmp_path) == ["c.json"]  # no temporary debris


def test_save_to_missing_folder_names_the_path(tmp_path):
    with pytest.raises(CircuitError, match="does not exist"):
        xor_like().save(tmp_path / "nope" / "c.json")


# --------------------------------------------------------------------- malformed circuits
def _pop(**kw):
    base = dict(name="n", size=2)
    base.update(kw)
    return NeuronPopulation(**base)


MALFORMED = [
    ("non-integer count", lambda: xor_like(counts=[[2, 2.5], [1, 1]]), CircuitError, r"integers; got 2\.5 at \(0, 1\)"),
    ("NaN count", lambda: xor_like(counts=[[2, 2], [np.nan, 1]]), CircuitError, r"finite integers; got nan at \(1, 0\)"),
    ("infinite count", lambda: xor_like(counts=[[np.inf, 2], [1, 1]]), CircuitError, r"finite integers; got inf"),
    ("string count", lambda: xor_like(counts=[["a", 1], [1, 1]]), CircuitError, "only numbers"),
    ("bool counts", lambda: xor_like(counts=[[True, False], [True, True]]), CircuitError, "only numbers"),
    ("counts shape", lambda: xor_like(counts=[[1, 1, 1], [1, 1, 1]]), CircuitError, r"shape \(post size, pre size\) = \(2, 2\); got \(2, 3\)"),
    ("1-D counts", lambda: xor_like(counts=[1, 1]), CircuitError, "2-D matrix"),
    ("negative delay", lambda: xor_like(delay_ms=-1.0), CircuitError, r"delay_ms must be finite and >= 0; got -1\."),
    ("NaN delay entry", lambda: xor_like(delay_ms=[[0, np.nan], [0, 0]]), CircuitError, r"got nan at \(0, 1\)"),
    ("delay shape", lambda: xor_like(delay_ms=[0.0, 1.0]), CircuitError, "delay_ms must be a number or have the counts' shape"),
    ("zero unit weight", lambda: xor_like(unit_weight=0.0), CircuitError, "unit_weight must be a finite number > 0"),
    ("NaN unit weight", lambda: xor_like(unit_weight=float("nan")), CircuitError, "unit_weight"),
    ("zero size", lambda: _pop(size=0), CircuitError, r"Population 'n': size must be a positive integer; got 0"),
    ("fractional size", lambda: InputPopulation("x", 2.5), CircuitError, r"Input population 'x': size must be a positive integer; got 2\.5"),
    ("negative size", lambda: _pop(size=-3), CircuitError, "got -3"),
    ("NaN bias", lambda: _pop(bias=[0.0, np.nan]), CircuitError, r"bias must be finite; got nan at \(1\)"),
    ("bias shape", lambda: _pop(bias=[0.0, 1.0, 2.0]), CircuitError, r"bias must be a number or have shape \(2,\)"),
    ("unknown activation", lambda: _pop(activation="softplus"), CircuitError, "unknown activation 'softplus'; valid: relu, sigmoid"),
    ("bad name", lambda: _pop(name="../etc"), CircuitError, "name must start with a letter"),
    ("empty name", lambda: _pop(name=""), CircuitError, "name must start with a letter"),
    ("duplicate names", lambda: Circuit("c", inputs=[InputPopulation("a", 1)], populations=[_pop(name="a")]), CircuitError, "duplicate population name 'a'"),
    ("unknown source", lambda: Circuit("c", populations=[_pop()], projections=[Projection("zz", "n", counts=[[1], [1]])]), CircuitError, "unknown source population 'zz'; known: n"),
    ("unknown target", lambda: Circuit("c", populations=[_pop()], projections=[Projection("n", "zz", counts=[[1, 1]])]), CircuitError, "unknown target population 'zz'"),
    ("projection into input", lambda: Circuit("c", inputs=[InputPopulation("x", 2)], populations=[_pop()], projections=[Projection("n", "x", counts=np.ones((2, 2), int))]), CircuitError, "is an input population"),
    ("duplicate projection", lambda: Circuit("c", populations=[_pop()], projections=[Projection("n", "n", counts=np.ones((2, 2), int))] * 2), CircuitError, "duplicate projection"),
    ("no neurons", lambda: Circuit("c", inputs=[InputPopulation("x", 1)]), CircuitError, "at least one neuron population"),
    ("not a population", lambda: Circuit("c", populations=["n"]), CircuitError, "must contain NeuronPopulation objects"),
    ("tau <= 0", lambda: LIF(tau_m_ms=0.0), ParameterError, r"tau_m_ms must be > 0 .* got 0\.0"),
    ("t_ref < 0", lambda: LIF(t_ref_ms=-1), ParameterError, "t_ref_ms must be finite and >= 0; got -1"),
    ("threshold <= reset", lambda: LIF(v_threshold=0.0, v_reset=0.0), ParameterError, "v_threshold must be greater than v_reset"),
    ("NaN threshold", lambda: LIF(v_threshold=float("nan")), ParameterError, "v_threshold must be finite"),
    ("unknown reset mode", lambda: LIF(reset="zero"), ParameterError, "reset must be one of 'value', 'subtract'; got 'zero'"),
]


@pytest.mark.parametrize("make, exc, message", [m[1:] for m in MALFORMED], ids=[m[0] for m in MALFORMED])
def test_malformed_circuits_raise_specific_errors(make, exc, message):
    with pytest.raises(exc, match=message) as info:
        make()
    assert isinstance(info.value, NeurocompareError) and isinstance(info.value, ValueError)


# ----------------------------------------------------------------------- malformed files
@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.update(format="pickle"), "format must be 'neurocompare.circuit'"),
        (lambda d: d.update(version=99), "unsupported circuit file version 99"),
        (lambda d: d.update(extra=1), "unknown key"),
        (lambda d: d["projections"][0].update(counts=[[1.5, 1], [1, 1]]), r"got 1\.5 at \(0, 0\)"),
        (lambda d: d["populations"][0].update(neuron={"tau_m_ms": -5}), "tau_m_ms must be > 0"),
        (lambda d: d["populations"][0].update(neuron={"tau": 5}), "unknown neuron parameter"),
        (lambda d: d["populations"][0].pop("size"), "missing key"),
        (lambda d: d["populations"][0].update(activation={"__class__": "x"}), "activation must be a name"),
        (lambda d: d.update(populations="n"), "'populations' must be a list"),
    ],
)
def test_malformed_circuit_files_name_the_file(tmp_path, mutate, message):
    data = xor_like().to_dict()
    mutate(data)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(data))
    with pytest.raises(CircuitError, match=message) as info:
        Circuit.load(path)
    assert "bad.json" in str(info.value)


def test_non_json_and_nan_files_are_rejected(tmp_path):
    path = tmp_path / "x.json"
    path.write_text("{not json")
    with pytest.raises(CircuitError, match="not valid JSON"):
        Circuit.load(path)
    text = xor_like().to_json().replace('"unit_weight": 0.5', '"unit_weight": NaN', 1)
    path.write_text(text)
    with pytest.raises(CircuitError, match="NaN is not allowed"):
        Circuit.load(path)
    with pytest.raises(CircuitError, match="does not exist"):
        Circuit.load(tmp_path / "missing.json")


# ---------------------------------------------------------------------- malformed inputs
@pytest.mark.parametrize(
    "inputs, message",
    [
        ({"x": [[0.0, np.nan]]}, r"Input 'x': values must be finite; got nan at \(0, 1\)"),
        ({"x": [[0.0, 1.0, 2.0]]}, r"shape \(batch, 2\) or \(2,\); got \(1, 3\)"),
        ({"y": [[0.0, 1.0]]}, "unknown input population"),
        ({}, "missing values for input population"),
        ({"x": [["a", "b"]]}, "values must be numbers"),
        ({"x": np.zeros((0, 2))}, "batch is empty"),
        (None, "input values are required"),
    ],
)
def test_malformed_inputs_raise_input_error(inputs, message):
    with pytest.raises(InputError, match=message):
        normalize_inputs(xor_like(), inputs)


def test_inputs_accept_a_bare_array_and_a_single_sample():
    values, batch = normalize_inputs(xor_like(), [1.0, 0.0])
    assert batch == 1 and values["x"].shape == (1, 2)
