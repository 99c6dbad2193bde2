"""Training a :class:`~neurocompare.plasticity.LearningNetwork` in Brian2: the rule of
:mod:`neurocompare.plasticity` as synapse equations.

The network is the trained circuit's (``LearningNetwork.circuit``) built by the backend's own :class:`Builder`
(neuron equations, threshold, reset, refractory clamp, synapse model, schedule: state update, synapses,
thresholds, resets), with the input a ``SpikeGeneratorGroup`` of the whole stream and, in place of the static
input synapses, one plastic synapse per (learner, input) pair::

    z : 1                     structural potential
    c : 1                     synapse count, floor(z)
    dxtr/dt = -xtr / tau_pre : 1 (event-driven)
    on_pre:  <the synapse model's jump with weight c * w_unit>;  xtr = 1
    on_post: z = clip(z + eta * (K * xtr - z), 0, z_max);  c = floor(z)

Thresholds live in ``I_bias`` (made a variable): a one-to-one ``homeostasis`` synapse lowers it by
``theta_plus * rate_scale_hz`` per spike. At each image boundary (slot ``start``): thresholds fall and the state
returns to rest (a ``run_regularly`` of the group), traces to 0 (one of the synapses), and a network operation
scales each learner's potentials and copies the snapshots.
"""

from __future__ import annotations

import re
import time
from typing import Any, Callable

import numpy as np

from ...results import SpikeTrains
from ...models import ExpConductanceSynapse, ExpCurrentSynapse
from ...plasticity import InputStream, LearningNetwork, LearningRun, check_stream, responses_by_image
from .backend import SpikingBackend
from .build import Builder
from .runtime import import_brian2

__all__ = ["learn_brian2"]


class _LearningBuilder(Builder):
    """The backend's Builder with the stream as input, plastic input synapses and the homeostasis objects."""

    def __init__(self, backend: SpikingBackend, net: LearningNetwork, stream: InputStream, seed: int,
                 marks: np.ndarray) -> None:
        circuit = net.circuit(np.zeros((net.n_learners, net.n_inputs), dtype=np.int64), name="learning")
        super().__init__(backend, circuit, {"pixels": np.zeros((1, net.n_inputs))}, 1, seed, {})
        self.net, self.stream, self.marks = net, stream, {int(m) for m in marks}
        self.snap_counts: list[np.ndarray] = []
        self.snap_theta: list[np.ndarray] = []
        self.plastic: Any = None

    def _inputs(self, b2: Any, dt: Any, input_mode: str) -> dict:
        st = self.stream
        group = b2.SpikeGeneratorGroup(st.n_channels, st.channel, (st.step * (self.be.dt_ms * 1e-3)) * b2.second,
                                       dt=dt, sorted=True, name="in_pixels")
        self.groups["pixels"] = group
        self.objects.append(group)
        trains = SpikeTrains("pixels", 1, st.n_channels, np.zeros(len(st.step), dtype=np.int64), st.channel,
                             st.step * self.be.dt_ms, st.n_steps * self.be.dt_ms)
        self.input_trains = {"pixels": trains}
        return self.input_trains

    def _equations(self, name: str, delayed: Any) -> str:
        eqs = super()._equations(name, delayed).replace("I_bias : Hz (constant)", "I_bias : Hz")
        return eqs + "\ndelivered : 1"  # synapses arrived through the plastic input synapses (cost)

    def _all_synapses(self, b2: Any, dt: Any, input_mode: str) -> dict[str, Any]:
        net, rule, learners = self.net, self.net.rule, self.groups["learners"]
        n_k, n_j = net.n_learners, net.n_inputs
        transmit = re.sub(r"\bw\b", "(c * w_unit)", self._on_pre("learners"))
        plastic = b2.Synapses(
            self.groups["pixels"], learners,
            model="z : 1\nc : 1\ndxtr/dt = -xtr / tau_pre : 1 (event-driven)",
            on_pre=f"{transmit}\nxtr = 1\ndelivered_post += c",
            on_post="z = clip(z + eta * (K * xtr - z), 0, z_max)\nc = floor(z)",
            namespace={**self._synapse_namespace("learners"), "w_unit": net.unit_weight,
                       "tau_pre": rule.tau_pre_ms * 1e-3 * b2.second, "eta": rule.eta, "K": rule.k,
                       "z_max": rule.z_max},
            dt=dt, name="syn_0")
        plastic.connect(i=np.tile(np.arange(n_j), n_k), j=np.repeat(np.arange(n_k), n_j))  # synapse k * n_j + j
        z0 = self.net.initial_potentials(self.seed)
        plastic.z = z0.ravel()
        plastic.c = np.floor(z0).ravel()
        self.plastic = plastic
        inhibition = self.circuit.projections[1]
        lateral = self._synapses(b2, inhibition, learners, learners, dt, 1)
        homeostasis = b2.Synapses(learners, learners, on_pre="I_bias_post -= theta_plus_hz",
                                  namespace={"theta_plus_hz": net.threshold_currents()[0] * b2.Hz},
                                  dt=dt, name="homeostasis")
        homeostasis.connect(j="i")
        self.objects += [plastic, lateral, homeostasis, *self._boundary(b2, plastic, learners)]
        return {"pixels->learners": plastic, "learners->learners": lateral}

    def _boundary(self, b2: Any, plastic: Any, learners: Any) -> list[Any]:
        net = self.net
        period = net.presentation_ms * 1e-3 * b2.second
        model, synapse = self.models["learners"], self.synapse_models["learners"]
        rest = [f"I_bias += {net.threshold_currents()[1]!r} * Hz"]
        for var, value in model.initial.items():  # the model's initial state, in each variable's unit
            dim = learners.variables[var].dim
            unit = "" if dim.is_dimensionless else f" * ({b2.get_unit(dim)})"
            rest.append(f"{var} = {float(value)!r}{unit}")
        if isinstance(synapse, ExpCurrentSynapse):
            rest.append("I_syn = 0 * Hz")
        elif isinstance(synapse, ExpConductanceSynapse):
            rest += ["g_exc = 0 * Hz", "g_inh = 0 * Hz"]
        to_rest = learners.run_regularly("\n".join(rest), dt=period, when="start", order=0, name="learners_rest")
        traces = plastic.run_regularly("xtr = 0", dt=period, when="start", order=1, name="traces_rest")
        steps_per_image, dt_s = net.steps_per_image, net.dt_ms * 1e-3
        op = b2.NetworkOperation(lambda t: self.scale(int(round(float(t / b2.second) / dt_s)) // steps_per_image),
                                 dt=period, when="start", order=2, name="synaptic_scaling")
        return [to_rest, traces, op]

    def scale(self, image: int) -> None:
        """Synaptic scaling after an image (each learner's potentials to the rule's Euclidean norm, clipped), and the
        snapshot when ``image`` images have been seen."""
        net, plastic = self.net, self.plastic
        z = np.asarray(plastic.z_[:], dtype=float).reshape(net.n_learners, net.n_inputs)
        length = np.sqrt(np.sum(z * z, axis=1))
        factor = np.where(length > 0, net.rule.norm / np.where(length > 0, length, 1.0), 1.0)
        z = np.clip(z * factor[:, None], 0.0, net.rule.z_max)
        plastic.z_[:] = z.ravel()
        plastic.c_[:] = np.floor(z).ravel()
        if image in self.marks:
            self.snap_counts.append(np.floor(z).astype(np.int64))
            self.snap_theta.append(-np.asarray(self.groups["learners"].I_bias_[:]) / self.net.rate_scale_hz)


def learn_brian2(net: LearningNetwork, stream: InputStream, *, seed: int, checkpoints: Any = None,
                 target: str = "auto", progress: Callable[[float, float], None] | None = None) -> LearningRun:
    """Train ``net`` on ``stream`` in Brian2 (see the module docstring); snapshots after each number of images in
    ``checkpoints`` (0 and the last always included). ``target``: Brian2's code generation ("auto", "numpy",
    "cython")."""
    owner = "learn_brian2"
    marks = check_stream(net, stream, checkpoints, owner=owner)
    start = time.perf_counter()
    backend = SpikingBackend(duration_ms=stream.n_images * net.presentation_ms, dt_ms=net.dt_ms, encoding="poisson",
                             rate_scale_hz=net.rate_scale_hz, target=target, input_mode="synapses",
                             synapse_mode="aggregate")
    builder = _LearningBuilder(backend, net, stream, seed, marks)
    sim = builder.build()
    result = sim.run(progress=progress)
    b2 = import_brian2()
    learners = builder.groups["learners"]  # the last boundary, after the run: thresholds fall, scaling, snapshot
    learners.I_bias_[:] = np.asarray(learners.I_bias_[:]) + net.threshold_currents()[1]
    builder.scale(stream.n_images)
    trains = result.spikes["learners"]
    steps = np.round(np.asarray(trains.time_ms) / net.dt_ms).astype(np.int64)
    responses = responses_by_image(steps, trains.neuron, n_images=stream.n_images,
                                   steps_per_image=net.steps_per_image, n_learners=net.n_learners)
    wall = time.perf_counter() - start
    # synapses reached: input synapses counted as they arrived, inhibition by the learner spikes that arrived
    arrived = int(np.sum(steps < stream.n_steps - 1))
    transmissions = int(np.sum(learners.delivered_[:])) + arrived * (net.n_learners - 1)
    info = {"simulator": "brian2", "target": sim.target, "brian2_version": b2.__version__, "dt_ms": net.dt_ms,
            "seed": seed, "images": stream.n_images, "steps": stream.n_steps, "wall_time_s": wall,
            "build_time_s": sim.build_time_s, "input_spikes": int(len(stream.step)),
            "learner_spikes": int(responses.sum()), "synaptic_events": transmissions}
    return LearningRun(net, "brian2", seed, np.asarray(stream.images), responses, marks,
                       np.stack(builder.snap_counts), np.stack(builder.snap_theta),
                       np.asarray(builder.plastic.z_[:], dtype=float).reshape(net.n_learners, net.n_inputs).copy(),
                       info)
