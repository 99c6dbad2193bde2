"""Spiking twins per neuron model: the ReLU-trained twin against the twin trained on the model's own activation.

The *ReLU twin* is today's digits conversion (:func:`~neurocompare.studies.conversion.model_study`): a ReLU
network, normalised and rounded to synapse counts, run with the model in place of the integrate-and-fire neuron.
The *model twin* is trained on what the model computes (Hunsberger & Eliasmith 2015): the network's activation is
the model's measured f-I curve (:func:`~neurocompare.backends.activation.measured_activation`, at the study's rate
scale and the model's dt), every layer output included; its weights are already in the circuit's drive units, so
they are rounded to counts without normalisation; the spiking twin runs the model with :data:`TWIN_DESIGN`'s
synapse.

Why a synapse per model: a delta synapse moves the membrane by ``w * potential_unit`` at each spike. For the
calibrated models drive 1.0 is the current of firing at the rate scale (1000 Hz), so one unit is hundreds of mV
(Izhikevich RS: 438 mV at 0.025 ms): a single spike through weight 0.1 fires the neuron whatever the other inputs
do, and the neuron no longer computes its f-I curve (the Izhikevich RS model twin, seed 0, unsmoothed: 46 % with
delta synapses, 96 % with exponential currents). An exponential current synapse (tau 5 ms) spreads the same charge over
milliseconds, so the neuron sees the input current its f-I curve was measured with. The integrate-and-fire
neuron (reset by subtraction, no leak) integrates charge exactly, so it keeps the delta synapse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from ..backends.activation import measured_activation
from ..backends.brian2 import SpikingBackend
from ..convert import convert_trained
from ..datasets import load_digits_split
from ..metrics import accuracy, decoded_at_times
from ..models import neuron_from_name
from ..training import TrainedNetwork, train_mlp
from .common import model_dt, run_side_by_side, with_models

__all__ = ["TWIN_DESIGN", "TwinDesign", "design_of", "model_twin", "twin_accuracies"]


@dataclass(frozen=True)
class TwinDesign:
    """How a model's twin is trained and run: ``smooth`` of its activation (drive units), its ``synapse`` (a name or
    spec; ``""``: the circuit's delta synapse), training ``epochs`` and softmax ``temperature`` (see
    :func:`~neurocompare.training.train_mlp`)."""

    smooth: float = 0.1
    synapse: Any = "exp_current"
    epochs: int = 100
    temperature: float = 0.05


#: Per model (a name of :data:`~neurocompare.studies.DIGITS_MODELS`); others get ``TwinDesign()``: drive noise of sd
#: 0.1, exponential current synapses, 100 epochs, temperature 0.05. The integrate-and-fire neuron keeps its exact
#: ReLU and delta synapses. Hodgkin-Huxley's jump at rheobase and its fall into silence past drive ~1.2 are smoothed
#: more (sd 0.3) and trained with wider margins (temperature 0.15): its outputs fire at most ~12 spikes in 100 ms.
#: Chosen at 100 ms: on seed 0, sd 0.05 / 0.1 / 0.2 with temperature 0.05 gave 78.6 / 83.1 / 88.3 %; over seeds 0-2
#: (twin - its ANN, mean) sd 0.3 with temperature 0.1 -2.59 pp, 0.15 -1.94, 200 epochs -2.13; sd 0.25 / 0.35 / 0.2
#: -2.59 / -2.69 / -2.41. benchmarks/results/model_twins.md measures the table over three seeds.
TWIN_DESIGN = {
    "if": TwinDesign(smooth=0.0, synapse=""),
    "hodgkin_huxley": TwinDesign(smooth=0.3, temperature=0.15),
}


def _spec(model: Any) -> Any:
    from ..convert import conversion_neuron

    if not isinstance(model, str):
        return model
    return conversion_neuron() if model == "if" else neuron_from_name(model)


def design_of(model: Any) -> TwinDesign:
    """The :data:`TWIN_DESIGN` of a model (a name or a spec; a spec by its label)."""
    key = model if isinstance(model, str) else ("if" if model == _spec("if") else model.label())
    return TWIN_DESIGN.get(key, TwinDesign())


def model_twin(model: Any, *, seed: int = 0, rate_scale_hz: float = 1000.0, dt_ms: float = 0.1, bits: int = 5,
               data: Any = None, design: TwinDesign | None = None, synapse: Any = None,
               exact_dt: bool = False) -> tuple[TrainedNetwork, Any]:
    """The network trained on ``model``'s activation (a name or a spec) and its spiking twin: ``(trained, twin
    circuit)``. The activation is measured at ``model_dt(model, dt_ms, fast=True)``, the step the twin runs at (at
    ``dt_ms`` itself with ``exact_dt``); ``synapse`` (a name or spec) overrides the design's."""
    design = design or design_of(model)
    spec = _spec(model)
    dt = dt_ms if exact_dt else model_dt(spec, dt_ms, fast=True)
    act = measured_activation(spec, rate_scale_hz=rate_scale_hz, dt_ms=dt, smooth=design.smooth)
    trained = train_mlp(seed=seed, epochs=design.epochs, activation=act, data=data, temperature=design.temperature)
    circuit = convert_trained(trained, bits=bits).circuit
    return trained, with_models(circuit, neuron=spec, synapse=design.synapse if synapse is None else synapse)


def twin_accuracies(models: Sequence[str], *, seed: int = 0, backend: SpikingBackend, times_ms: Sequence[float],
                    bits: int = 5, test_images: int = 0) -> dict[str, dict[str, Any]]:
    """Per model: the ReLU ANN's and the model ANN's test accuracy and both twins' accuracy at ``times_ms``
    (rate read-out, ties wrong), all on the seed's split. ``{model: {"relu_ann", "model_ann", "relu_twin": array,
    "model_twin": array}}``."""
    data = load_digits_split(seed=seed)
    relu = train_mlp(seed=seed, data=data)
    relu_circuit = convert_trained(relu, bits=bits).circuit
    n = test_images or len(data.y_test)
    x, y = data.x_test[:n], data.y_test[:n]
    times = np.asarray(times_ms, dtype=float)
    out: dict[str, dict[str, Any]] = {}
    for model in models:
        spec = _spec(model)
        be = backend.replace(dt_ms=model_dt(spec, backend.dt_ms, fast=True))
        trained, twin = model_twin(model, seed=seed, rate_scale_hz=backend.rate_scale_hz, dt_ms=backend.dt_ms,
                                   bits=bits, data=data)
        relu_res, model_res = run_side_by_side(be, [with_models(relu_circuit, neuron=spec), twin], x, seed=seed)
        out[model] = {
            "relu_ann": relu.accuracy(x, y),
            "model_ann": trained.accuracy(x, y),
            **{key: np.array([accuracy(d, y, mode="argmax") for d in
                              decoded_at_times(res.spikes["out"], times, rate_scale_hz=backend.rate_scale_hz)])
               for key, res in (("relu_twin", relu_res), ("model_twin", model_res))},
        }
    return out
