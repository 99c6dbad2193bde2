"""Turning (circuit, inputs) into Brian2 objects: input groups, one NeuronGroup per neuron model, synapses."""

from __future__ import annotations

import time
from typing import Any, Sequence

import numpy as np

from ...circuit import Circuit, NeuronPopulation, Projection
from ...results import SpikeTrains
from ...spike_input import given_trains, grid_steps, trains_for_run
from ..base import ClockSettings
from ..grid import refractory_steps
from .drive import InputDrive
from ...models import ExpConductanceSynapse, ExpCurrentSynapse
from .models import brian2_model
from .runtime import brian2_context, import_brian2
from .simulation import SpikingSimulation


__all__ = ["Builder", "SCHEDULE"]

#: The order of Brian2's slots in every time step: the state update ("groups"), then the synapses deliver the
#: spikes due in this step (those of earlier steps: a spike takes at least one step, NEST's minimum delay),
#: then the threshold test and the reset. Brian2's default puts "thresholds" before "synapses", so that an
#: input that lifts ``v`` over threshold is decayed for a step before it is tested (and may be lost).
SCHEDULE = ("start", "groups", "synapses", "thresholds", "resets", "end")


class Builder:
    """Turns (circuit, inputs) into Brian2 objects; used once per build.

    The objects are collected in ``self.objects`` (everything the Network holds) and ``self.groups``
    (population name -> its group, or its slice of a shared one).
    """

    def __init__(self, backend: ClockSettings, circuit: Circuit, values, batch, seed, record) -> None:
        self.be = backend
        self.circuit = circuit
        self.values = values
        self.batch = batch
        self.seed = seed
        self.record = record
        self.objects: list[Any] = []
        self.groups: dict[str, Any] = {}
        self.operations: list[Any] = []
        self.input_trains: dict[str, SpikeTrains] = {}

    def build(self) -> SpikingSimulation:
        be, circuit, batch = self.be, self.circuit, self.batch
        start = time.perf_counter()
        target = be.choose_target(circuit, batch)
        input_mode = be.choose_input_mode(circuit, batch)
        b2 = self._b2 = import_brian2()
        dt = be.dt_ms * b2.ms
        self.models = {p.name: brian2_model(be.model_of(p), b2) for p in circuit.populations}
        self.synapse_models = {p.name: be.synapse_of(p) for p in circuit.populations}
        self.units = {p.name: be.potential_unit(be.model_of(p)) for p in circuit.populations}
        with brian2_context(b2, target):
            trains = self._inputs(b2, dt, input_mode)
            drives = self._input_drives(trains) if input_mode == "drive" else {}
            spike_monitors, slices = self._neurons(b2, dt, drives)
            synapses = self._all_synapses(b2, dt, input_mode)
            state_monitors = self._voltage_monitors(b2, dt)
            network = b2.Network(*self.objects)
            # The field's order of events in a step (NEST, snnTorch, Norse): integrate, add the spikes that
            # arrive, then test the threshold; spikes of a step arrive one step later at the earliest.
            network.schedule = list(SCHEDULE)
        return SpikingSimulation(
            backend=be, circuit=circuit, batch_size=batch, seed=self.seed, target=target, input_mode=input_mode,
            values=self.values, input_trains=trains, network=network, groups=self.groups, synapses=synapses,
            spike_monitors=spike_monitors, neuron_slices=slices, state_monitors=state_monitors,
            integration={name: self._method(name) for name in self.models},
            synapse_models=dict(self.synapse_models), potential_units=dict(self.units),
            build_time_s=time.perf_counter() - start,
        )

    def _inputs(self, b2: Any, dt: Any, input_mode: str) -> dict[str, SpikeTrains]:
        """Input spikes (given, or encoded by a spiking encoding); as SpikeGeneratorGroups unless their jumps
        go through the per-step drive. Analog inputs have no spikes (constant currents, see _analog_currents)."""
        be, trains = self.be, {}
        for pop in self.circuit.inputs:
            values = self.values[pop.name]
            if given_trains(values) is not None:
                tr = trains_for_run(pop.name, values, duration_ms=be.duration_ms, dt_ms=be.dt_ms,
                                    rate_scale_hz=be.rate_scale_hz)
            elif be.encoding.is_spiking:
                tr = be.encoding.encode(pop.name, values, rate_scale_hz=be.rate_scale_hz,
                                        duration_ms=be.duration_ms, dt_ms=be.dt_ms, seed=self.seed)
                # one spike per channel and step, as the reference demands (not Brian2's own error, nor a sum)
                grid_steps(pop.name, tr, dt_ms=be.dt_ms, n_steps=be.n_steps, source=f"{be.encoding.name!r}-encoded")
            else:
                continue
            trains[pop.name] = tr
            if input_mode == "drive":
                continue
            # Brian2 takes times with units; hand it seconds explicitly (ms -> s).
            group = b2.SpikeGeneratorGroup(self.batch * pop.size, tr.sample * pop.size + tr.neuron,
                                           (tr.time_ms * 1e-3) * b2.second, dt=dt, sorted=True, name=f"in_{pop.name}")
            self.groups[pop.name] = group
            self.objects.append(group)
        self.input_trains = trains
        return trains

    def _neurons(self, b2: Any, dt: Any, drives: dict[str, InputDrive]) -> tuple[dict[str, Any], dict[str, slice]]:
        """One NeuronGroup and SpikeMonitor per neuron model; (monitors, slices) by population."""
        analog = self._analog_currents()
        spike_monitors: dict[str, Any] = {}
        slices: dict[str, slice] = {}  # each population's neurons in its group
        for pops in self._neuron_blocks():
            group, block_slices = self._neuron_group(b2, pops, analog, dt, drives)
            mon = b2.SpikeMonitor(group, record=True, name=f"spikes_{group.name}")
            self.objects += [group, mon]
            for pop in pops:
                sl = slices[pop.name] = block_slices[pop.name]
                self.groups[pop.name] = group if len(pops) == 1 else group[sl]
                spike_monitors[pop.name] = mon
        self.objects.extend(self.operations)
        return spike_monitors, slices

    def _all_synapses(self, b2: Any, dt: Any, input_mode: str) -> dict[str, Any]:
        circuit, synapses = self.circuit, {}
        for index, proj in enumerate(circuit.projections):
            if circuit.is_input(proj.pre) and (proj.pre not in self.input_trains or input_mode == "drive"):
                continue  # analog: folded into constant currents; drive: into the per-step drive
            syn = self._synapses(b2, proj, self.groups[proj.pre], self.groups[proj.post], dt, index)
            if syn is not None:
                synapses[proj.name] = syn
                self.objects.append(syn)
        return synapses

    def _voltage_monitors(self, b2: Any, dt: Any) -> dict[str, tuple[Any, np.ndarray]]:
        state_monitors = {}
        for name, neurons in self.record.items():
            size = self.circuit.population(name).size
            idx = (np.arange(self.batch)[:, None] * size + neurons[None, :]).ravel()
            mon = b2.StateMonitor(self.groups[name], "v", record=idx, dt=dt, name=f"v_{name}")
            state_monitors[name] = (mon, neurons)
            self.objects.append(mon)
        return state_monitors

    def _delay_steps(self, proj: Projection) -> np.ndarray:
        """Delays in whole steps, rounded like Brian2's spike queue, ``int(delay / dt + 0.5)``, capped at
        the run length in float (an arrival after the run never happens; no integer overflow)."""
        be = self.be
        return np.minimum(np.floor(proj.delays * 1e-3 / (be.dt_ms * 1e-3) + 0.5), be.n_steps).astype(np.int64)

    def _analog_currents(self) -> dict[str, dict[int, np.ndarray]]:
        """Analog inputs as constant currents (1/s): {post: {delay_steps: (batch, size)}}."""
        out: dict[str, dict[int, np.ndarray]] = {}
        if self.be.encoding.is_spiking:
            return out
        be = self.be
        for proj in self.circuit.projections:
            if not self.circuit.is_input(proj.pre) or given_trains(self.values[proj.pre]) is not None:
                continue  # given spikes are spikes whatever the encoding
            x = be.encoding.current_hz(self.values[proj.pre], rate_scale_hz=be.rate_scale_hz)
            steps = self._delay_steps(proj)
            per_post = out.setdefault(proj.post, {})
            for d in np.unique(steps):
                w = np.where(steps == d, proj.weights, 0.0)
                cur = x @ w.T  # (batch, post size)
                per_post[int(d)] = per_post.get(int(d), 0.0) + cur
        return out

    def _input_drives(self, trains: dict[str, SpikeTrains]) -> dict[str, "InputDrive"]:
        """The jumps input spikes cause, as one per-step operation per target population.

        Spike ``(sample s, neuron j, step k)`` through a projection with counts ``n[i, j]`` adds
        ``sign * n[i, j] * unit_weight`` to neuron ``i`` of sample ``s`` at step ``k + 1 + d``, ``d`` the
        delay rounded like Brian2's spike queue, ``int(delay / dt + 0.5)`` (one step of transmission, as
        every spike: see :data:`SCHEDULE`); arrivals after the run are dropped. This is what the input
        Synapses would deliver in that step.
        """
        be, circuit = self.be, self.circuit
        n_steps = be.n_steps
        out: dict[str, InputDrive] = {}
        for proj in circuit.projections:
            if not circuit.is_input(proj.pre) or not np.any(proj.counts):
                continue
            tr = trains[proj.pre]
            step = np.round(tr.time_ms / be.dt_ms).astype(np.int64)
            sign = tr.sign if tr.sign is not None else np.ones(len(step))
            weights = proj.counts * float(proj.unit_weight)  # (post, pre)
            if self.units[proj.post] != 1.0:
                weights = weights * self.units[proj.post]
            d_steps = np.broadcast_to(self._delay_steps(proj), weights.shape)
            drive = out.setdefault(proj.post, InputDrive(self.batch, circuit.population(proj.post).size, n_steps))
            for d in np.unique(d_steps[weights != 0]):
                arrival = step + 1 + d
                keep = arrival < n_steps
                if np.any(keep):
                    drive.add(arrival[keep], tr.sample[keep], tr.neuron[keep], sign[keep],
                              np.where(d_steps == d, weights, 0.0))
        return out

    def _neuron_blocks(self) -> list[list[NeuronPopulation]]:
        """The populations grouped by neuron model, in circuit order: each block becomes ONE NeuronGroup.

        Populations of one model differ only in their per-neuron values (bias, input), so they can
        share a group: Brian2 then runs one state update, threshold, reset and spike monitor per
        step for all of them instead of one each (its per-object overhead dominates small groups).
        Each neuron's arithmetic is unchanged, and so are its spikes (tested).
        """
        blocks: dict[Any, list[NeuronPopulation]] = {}
        for pop in self.circuit.populations:
            blocks.setdefault((self.be.model_of(pop), self.synapse_models[pop.name]), []).append(pop)
        return list(blocks.values())

    def _method(self, name: str) -> str:
        """The integration method of a population's group: its model's, or the one for synapses with state."""
        model = self.models[name]
        if self.synapse_models[name].has_state and model.method_with_synapse_state:
            return model.method_with_synapse_state
        return model.method

    def _equations(self, name: str, delayed: Sequence[int]) -> str:
        """The model's equations plus what every model shares: input currents, the synapses' state (a current or
        conductances) and the overflow counter. Input currents are in 1/s, times the potential unit ``v_unit``
        for the models with units of their own."""
        model, synapse = self.models[name], self.synapse_models[name]
        inputs = "I_bias + I_analog" + (" + I_syn" if isinstance(synapse, ExpCurrentSynapse) else "")
        if self.units[name] != 1.0:
            inputs = f"v_unit * ({inputs})"
        if isinstance(synapse, ExpConductanceSynapse):
            inputs += " + g_exc * (e_exc - v) + g_inh * (e_inh - v)"
        rhs = f"{model.dv} + {inputs}" if model.dv else inputs
        synaptic = {ExpCurrentSynapse: ("dI_syn/dt = -I_syn / tau_syn : Hz",),
                    ExpConductanceSynapse: ("dg_exc/dt = -g_exc / tau_syn : Hz", "dg_inh/dt = -g_inh / tau_syn : Hz")}
        lines = [
            f"dv/dt = {rhs} : 1" + (" (unless refractory)" if model.refractory_ms > 0 else ""),
            *model.equations,
            *synaptic.get(type(synapse), ()),
            "I_bias : Hz (constant)",
            "I_analog : Hz",
            "v_overflow : 1",  # counts spikes fired from a non-finite membrane (the reset would hide them)
        ]
        return "\n".join(lines + [f"I_delayed_{d} : Hz (constant)" for d in delayed])

    def _neuron_group(
        self, b2: Any, pops: Sequence[NeuronPopulation], analog: dict[str, dict[int, np.ndarray]], dt: Any,
        drives: dict[str, "InputDrive"],
    ) -> tuple[Any, dict[str, slice]]:
        """One NeuronGroup for populations of one neuron model, and where each population lies in it.

        Population ``p`` occupies ``batch * p.size`` consecutive neurons, sample-major as usual.
        """
        be, batch = self.be, self.batch
        model = self.models[pops[0].name]
        namespace = {**model.namespace, **self._synapse_namespace(pops[0].name)}
        bounds = np.cumsum([0] + [batch * p.size for p in pops]).tolist()
        slices = {p.name: slice(lo, hi) for p, lo, hi in zip(pops, bounds, bounds[1:])}
        currents = [analog.get(p.name, {}) for p in pops]
        delays = sorted({d for cur in currents for d in cur})
        delayed = [d for d in delays if d > 0]
        kwargs: dict[str, Any] = {}
        if model.refractory_condition:
            kwargs["refractory"] = model.refractory_condition
        elif model.refractory_ms > 0:
            # NEST's count: after a spike in step s the neuron is clamped (and its input discarded) in steps
            # s+1 .. s+R, R = t_ref on the grid, and integrates again in step s+R+1; Brian2's clamp lasts while
            # t - lastspike < refractory, so refractory is (R + 1) dt. A clamp longer than the run ends with it:
            # same spikes, and Brian2 cannot take t_ref > 1e4 s (a neuron's lastspike starts at -1e4 s).
            steps = refractory_steps(model.refractory_ms, be.dt_ms * 1e-3) + 1
            kwargs["refractory"] = min(steps * be.dt_ms, be.duration_ms + be.dt_ms) * b2.ms
        # A fixed name (see the module docstring), distinct from every other group's: "pop_" + the population's
        # name, or "pops_" + the first population's name and how many more share the group.
        name = f"pop_{pops[0].name}" if len(pops) == 1 else f"pops_{pops[0].name}_{len(pops) - 1}"
        group = b2.NeuronGroup(
            bounds[-1], self._equations(pops[0].name, delayed), threshold=model.threshold,
            reset="v_overflow += int(v > 1.7976931348623157e308)\n" + model.reset, method=self._method(pops[0].name),
            namespace=namespace, dt=dt, name=name, **kwargs,
        )
        for var, value in model.initial.items():
            setattr(group, var, value)
        v0 = be.initial_v(be.model_of(pops[0]))
        if v0 is not None:  # v_init_fraction: the membranes start part of the way to threshold
            group.v = v0
        group.I_bias = np.concatenate([np.tile(p.bias * be.rate_scale_hz, batch) for p in pops]) * b2.Hz
        for d in delays:  # analog currents, zero where a population has none; delayed ones switch on later
            stacked = np.concatenate([np.broadcast_to(cur.get(d, 0.0), (batch, p.size)).ravel()
                                      for p, cur in zip(pops, currents)])
            setattr(group, "I_analog" if d == 0 else f"I_delayed_{d}", stacked * b2.Hz)
        if delayed:
            terms = " + ".join(f"I_delayed_{d} * int(t_in_timesteps == {d})" for d in delayed)
            group.run_regularly(f"I_analog += {terms}", when="start", name=f"onset_{name}")
        for pop in pops:
            if pop.name in drives:
                # Input spikes' jumps, in the synapses slot as the input Synapses would add them (input_mode="drive").
                drive = drives[pop.name]
                drive.attach(group, slices[pop.name], refractory=model.refractory_ms > 0)
                op = b2.NetworkOperation(drive, dt=dt, when="synapses", name=f"input_{pop.name}")
                drive.timestep = op.clock.variables["timestep"]
                self.operations.append(op)
        return group, slices

    def _synapse_namespace(self, name: str) -> dict[str, Any]:
        """Constants of a population's synapse model (and its potential unit) for the group's and synapses' code."""
        synapse, unit = self.synapse_models[name], self.units[name]
        out: dict[str, Any] = {} if unit == 1.0 else {"v_unit": unit}
        if synapse.has_state:
            out["tau_syn"] = synapse.tau_syn_ms * 1e-3 * self._b2.second
        if isinstance(synapse, ExpConductanceSynapse):
            k_exc, k_inh, e_exc, e_inh = synapse.jumps(self.be.model_of(self.circuit.population(name)), unit,
                                                       owner=f"Population {name!r}")
            out.update(k_exc=k_exc * self._b2.Hz, k_inh=k_inh * self._b2.Hz, e_exc=e_exc, e_inh=e_inh)
        return out

    def _on_pre(self, post: str) -> str:
        """What a spike arriving at ``post`` does: a jump of ``v`` (gated while clamped), of the synaptic current,
        or of the excitatory or inhibitory conductance (by the weight's sign)."""
        synapse = self.synapse_models[post]
        if isinstance(synapse, ExpCurrentSynapse):
            return "I_syn_post += w / tau_syn"
        if isinstance(synapse, ExpConductanceSynapse):
            return "g_exc_post += k_exc * w * int(w > 0)\ng_inh_post -= k_inh * w * int(w < 0)"
        jump = "w" if self.units[post] == 1.0 else "w * v_unit"
        clamped = self.models[post].refractory_ms > 0
        return f"v_post += {jump} * int(not_refractory_post)" if clamped else f"v_post += {jump}"

    def _synapses(self, b2: Any, proj: Projection, pre_group: Any, post_group: Any, dt: Any, index: int) -> Any | None:
        be, batch, circuit = self.be, self.batch, self.circuit
        k_idx, j_idx = np.nonzero(proj.counts)
        if len(k_idx) == 0:
            return None
        n = proj.counts[k_idx, j_idx]
        if be.synapse_mode == "multi":
            rep = np.abs(n)
            w_pair = np.sign(n) * proj.unit_weight
        else:
            rep = np.ones_like(n)
            w_pair = n * proj.unit_weight
        pre_local = np.repeat(j_idx, rep)
        post_local = np.repeat(k_idx, rep)
        w_local = np.repeat(w_pair, rep).astype(float)
        n_pre = circuit.population(proj.pre).size
        n_post = circuit.population(proj.post).size
        offsets = np.arange(batch)[:, None]
        pre = (offsets * n_pre + pre_local[None, :]).ravel()
        post = (offsets * n_post + post_local[None, :]).ravel()
        w = np.tile(w_local, batch)
        if circuit.is_input(proj.pre):
            # Spikes encoding a negative value act with the opposite sign (see encoding.py).
            sign = np.where(self.values[proj.pre] < 0, -1.0, 1.0)
            w = w * sign[:, pre_local].ravel()
        syn = b2.Synapses(
            pre_group,
            post_group,
            model="w : 1 (constant)",
            on_pre=self._on_pre(proj.post),
            namespace=self._synapse_namespace(proj.post),
            dt=dt,
            name=f"syn_{index}",
        )
        syn.connect(i=pre, j=post)
        syn.w = w
        # A delay beyond the run never delivers; capping it keeps Brian2's int step count from overflowing.
        delays = np.minimum(proj.delays, be.duration_ms + be.dt_ms)
        if np.any(delays > 0):
            if np.all(delays == delays.flat[0]):
                syn.delay = float(delays.flat[0]) * b2.ms
            else:
                d_local = np.repeat(delays[k_idx, j_idx], rep)
                syn.delay = (np.tile(d_local, batch) * 1e-3) * b2.second
        return syn
