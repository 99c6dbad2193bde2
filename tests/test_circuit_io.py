"""The circuit file format: version 2 tags each neuron with its model; version-1 files still load."""

from __future__ import annotations

import json

import pytest

from neurocompare import LIF, Circuit, InputPopulation, NeuronPopulation, Projection
from neurocompare.circuit_io import FILE_VERSION, circuit_to_dict
from neurocompare.errors import CircuitError

#: A version-1 file as neurocompare wrote it before the model registry (no "model" tag).
V1 = {
    "format": "neurocompare.circuit", "version": 1, "name": "xor", "description": "",
    "inputs": [{"name": "x", "size": 2}],
    "populations": [
        {"name": "hidden", "size": 2, "bias": [0.0, -1.5], "activation": "relu",
         "neuron": {"tau_m_ms": "inf", "v_rest": 0.0, "v_threshold": 1.0, "v_reset": 0.0, "reset": "subtract",
                    "t_ref_ms": 0.0}},
        {"name": "out", "size": 1, "bias": [0.0], "activation": "relu"},
    ],
    "projections": [{"pre": "x", "post": "hidden", "counts": [[2, 2], [2, 2]], "unit_weight": 0.5, "delay_ms": 0.0},
                    {"pre": "hidden", "post": "out", "counts": [[2, -8]], "unit_weight": 0.5, "delay_ms": 1.5}],
}


def test_version_1_files_load_with_lif_neurons(tmp_path):
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(V1))
    c = Circuit.load(path)
    assert c.population("hidden").neuron == LIF(tau_m_ms=float("inf"), reset="subtract", t_ref_ms=0.0)
    assert c.population("out").neuron is None and c.projection("hidden", "out").delay_ms == 1.5


def test_saved_files_are_version_2_with_a_model_tag_and_round_trip(tmp_path):
    c = Circuit.from_dict(V1)
    data = circuit_to_dict(c)
    assert data["version"] == 2 and FILE_VERSION == 4  # 3 only with sparse counts, 4 only with a synapse model
    assert data["populations"][0]["neuron"] == {"model": "lif", **V1["populations"][0]["neuron"]}
    assert "neuron" not in data["populations"][1]
    assert Circuit.load(c.save(tmp_path / "c.json")) == c


@pytest.mark.parametrize("change, message", [
    (lambda d: d["populations"][0]["neuron"].update(model="izhikevic"),
     r"c.json: Population 'hidden': Unknown neuron model 'izhikevic'; valid: lif, adaptive_lif, izhikevich, adex, "
     r"hodgkin_huxley"),
    (lambda d: d["populations"][0]["neuron"].update(tau_s_ms=5.0),
     r"unknown neuron parameter\(s\) tau_s_ms for model 'lif'"),
    (lambda d: d.update(version=5), r"unsupported circuit file version 5; this neurocompare reads versions 1, 2, 3, 4"),
    # no silent default weight (issue 26): a file without unit_weight ran with 1.0 before
    (lambda d: d["projections"][1].pop("unit_weight"),
     r"c.json: projection #1 \('hidden'->'out'\) is missing 'unit_weight', the weight of one synapse"),
])
def test_bad_model_entries_name_the_population_and_the_value(change, message):
    data = json.loads(json.dumps(V1))
    data["version"] = 2
    change(data)
    with pytest.raises(CircuitError, match=message):
        Circuit.from_dict(data, source="c.json")


def test_a_version_1_file_cannot_carry_a_model_tag():
    data = json.loads(json.dumps(V1))
    data["populations"][0]["neuron"]["model"] = "lif"
    with pytest.raises(CircuitError, match="version-1 file has no neuron 'model' tag"):
        Circuit.from_dict(data)


def test_a_callable_activation_cannot_be_saved(tmp_path):
    c = Circuit("f", inputs=[InputPopulation("x", 1)],
                populations=[NeuronPopulation("n", 1, activation=lambda z: z ** 2)],
                projections=[Projection("x", "n", [[1]])])
    with pytest.raises(CircuitError, match="callable activation .* cannot be saved"):
        c.save(tmp_path / "f.json")
    assert not list(tmp_path.iterdir()), "nothing half-written"
