"""Training a :class:`~neurocompare.plasticity.LearningNetwork` in the reference simulator (numpy, written from the
docstring of :mod:`neurocompare.plasticity`; no code shared with the Brian2 side).

One clock loop over the whole stream, batch 1. Each step ``n`` (``t = n * dt``), in the Brian2 side's schedule:

0. at an image boundary (``n`` a multiple of the steps per image): thresholds fall by
   ``theta_plus * target_rate * presentation``; membrane, model state and synaptic currents return to rest and the
   traces to 0; each learner's structural potentials are scaled to the rule's norm and clipped; counts follow;
1. state update of the learners (the model's reference step; refractory clamp as in every reference run);
2. the spikes of step ``n - 1`` arrive, in the order of Brian2's synapse slot (objects by order, then name):
   the thresholds of learners that fired rise; input spikes set their synapses' traces to 1 and move the learners
   by ``count * unit_weight`` each (added input by input, in channel order, as Brian2's synapses add them); every
   learner spike moves the others by ``-inhibition``; then the learners' own spikes update their synapses (trace
   decayed to ``t`` as Brian2's event-driven update computes it, then the rule);
3. threshold and reset.
"""

from __future__ import annotations

import time
from typing import Any, Callable

import numpy as np

from ...plasticity import InputStream, LearningNetwork, LearningRun, check_stream
from .backend import TARGET, ReferenceBackend
from .models import reference_step
from .population import Population
from .synapses import synaptic_state

__all__ = ["learn_reference"]

_S_PER_MS = 1e-3


def _population(net: LearningNetwork, be: ReferenceBackend) -> Population:
    neuron, synapse = net.neuron, net.synapse
    dt_s = net.dt_ms * _S_PER_MS
    model = reference_step(neuron, dt_s)
    unit = be.potential_unit(neuron)
    shape = (1, net.n_learners)
    pop = Population(name="learners", model=model, v=np.full(shape, float(model.v_init)),
                     i_bias=np.zeros(shape), i_analog=np.zeros(shape), onsets={}, dt_s=dt_s, unit=unit,
                     syn=synaptic_state(synapse, neuron, model, unit, shape, dt_s, "Population 'learners'"))
    pop.buffers = [np.zeros((1, *shape)) for _ in range(pop.syn.channels if pop.syn else 1)]
    return pop


def _to_rest(pop: Population) -> None:
    """Membrane, the model's other variables (re-created from their initial values at the next step) and synaptic
    state back to rest."""
    pop.v[...] = float(pop.model.v_init)
    for name in ("w", "u", "gates"):
        if hasattr(pop.model, name):
            setattr(pop.model, name, None)
    if pop.armed is not None:
        pop.armed[...] = True
    if pop.syn is not None:
        for x in pop.syn.state:
            x[...] = 0.0


def _scale(z: np.ndarray, norm: float, z_max: float) -> None:
    """Each row to Euclidean norm ``norm`` (rows of zeros stay), clipped to [0, z_max]; in place."""
    length = np.sqrt(np.sum(z * z, axis=1))
    factor = np.where(length > 0, norm / np.where(length > 0, length, 1.0), 1.0)
    np.clip(z * factor[:, None], 0.0, z_max, out=z)


def learn_reference(net: LearningNetwork, stream: InputStream, *, seed: int, checkpoints: Any = None,
                    progress: Callable[[float, float], None] | None = None) -> LearningRun:
    """Train ``net`` on ``stream`` (see the module docstring); snapshots after each number of images in
    ``checkpoints`` (0 and the last always included)."""
    owner = "learn_reference"
    marks = check_stream(net, stream, checkpoints, owner=owner)
    start = time.perf_counter()
    rule = net.rule
    be = ReferenceBackend(duration_ms=net.presentation_ms, dt_ms=net.dt_ms, encoding="poisson",
                          rate_scale_hz=net.rate_scale_hz)
    pop = _population(net, be)
    dt_s = net.dt_ms * _S_PER_MS
    n_k, n_j, s = net.n_learners, net.n_inputs, net.steps_per_image
    # currents are stored times the model's potential unit (as every reference population's bias)
    theta_plus_hz, theta_fall_hz = net.threshold_currents(pop.unit)
    inv_tau = 1.0 / (rule.tau_pre_ms * _S_PER_MS)
    k_pull, eta, z_max = rule.k, rule.eta, rule.z_max
    z = net.initial_potentials(seed)
    c = np.floor(z)
    x = np.zeros((n_k, n_j))  # presynaptic trace of each synapse
    last = np.zeros((n_k, n_j))  # time (s) of each synapse's last update (Brian2's lastupdate)
    bounds = stream.bounds()
    responses = np.zeros((stream.n_images, n_k), dtype=np.int64)
    snap_counts, snap_theta = [], []
    inputs_prev = np.zeros(0, dtype=np.int64)
    fired_prev = np.zeros(0, dtype=np.int64)
    transmissions = 0
    last_report = start

    def boundary(image: int) -> None:
        pop.i_bias += theta_fall_hz
        pop.update_coefficients()
        _to_rest(pop)
        x[...] = 0.0
        _scale(z, rule.norm, z_max)
        c[...] = np.floor(z)
        if image in marks:
            snap_counts.append(c.astype(np.int64))
            snap_theta.append(-pop.i_bias[0] / (net.rate_scale_hz * pop.unit))

    for n in range(stream.n_steps):
        t = n * dt_s
        if n % s == 0:
            boundary(n // s)
            if progress is not None and time.perf_counter() - last_report >= 0.5:
                last_report = time.perf_counter()
                progress(n / stream.n_steps, last_report - start)
        free = pop.integrate(n)
        # arrivals of step n - 1's spikes, in Brian2's synapse-slot order
        if len(fired_prev):  # 'homeostasis': thresholds rise
            pop.i_bias[0, fired_prev] -= theta_plus_hz
            pop.update_coefficients()
        if len(inputs_prev) or len(fired_prev):
            slot = pop.buffers[0][0]
            arriving = np.zeros(n_k)
            for j in inputs_prev:  # 'syn_0' pre: traces to 1, count x unit per synapse
                arriving += c[:, j] * net.unit_weight
            if len(inputs_prev):
                x[:, inputs_prev] = 1.0
                last[:, inputs_prev] = t
                transmissions += int(c[:, inputs_prev].sum())
            if len(fired_prev):  # 'syn_1' pre: inhibition from every other learner that fired
                hit = np.full(n_k, float(len(fired_prev)))
                hit[fired_prev] -= 1.0
                if pop.syn is not None and pop.syn.channels == 2:
                    pop.buffers[1][0][0] = hit * net.inhibition
                else:
                    arriving -= hit * net.inhibition
                transmissions += int(hit.sum())
            slot[0] = arriving
            pop.deliver(0, free)
            if len(fired_prev):  # 'syn_0' post: the rule on the rows of the learners that fired, trace decayed first
                f = fired_prev
                x[f] = x[f] * np.exp(inv_tau * (-(t - last[f])))
                last[f] = t
                z[f] = np.clip(z[f] + eta * (k_pull * x[f] - z[f]), 0.0, z_max)
                c[f] = np.floor(z[f])
        spiked = pop.threshold(n, free)
        pop.reset(spiked)
        fired_prev = np.flatnonzero(spiked[0])
        responses[n // s, fired_prev] += 1
        inputs_prev = stream.channel[bounds[n]:bounds[n + 1]]
    boundary(stream.n_images)
    wall = time.perf_counter() - start
    if progress is not None:
        progress(1.0, wall)
    info = {"simulator": "reference", "target": TARGET, "dt_ms": net.dt_ms, "seed": seed,
            "images": stream.n_images, "steps": stream.n_steps, "wall_time_s": wall,
            "input_spikes": int(len(stream.step)), "learner_spikes": int(responses.sum()),
            "synaptic_events": transmissions}
    return LearningRun(net, "reference", seed, np.asarray(stream.images), responses, marks,
                       np.stack(snap_counts), np.stack(snap_theta), z.copy(), info)
