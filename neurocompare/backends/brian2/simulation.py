"""A built Brian2 network for one circuit and batch: run it once, collect the Result."""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any, Callable

import numpy as np

from ...circuit import Circuit
from ...errors import SimulationError
from ...models import neuron_to_dict, synapse_to_dict
from ...results import Result, SpikeTrains, VoltageTrace
from ...spike_input import input_activations
from ..base import ClockSettings
from .runtime import brian2_context, gc_frozen, import_brian2


__all__ = ["SpikingSimulation"]


@dataclass
class SpikingSimulation:
    """A built Brian2 network for one circuit and batch, ready to :meth:`run` once.

    Attributes
    ----------
    network : brian2.Network
    groups : dict name -> NeuronGroup or SpikeGeneratorGroup (inputs with analog coding have none).
        Populations with the same neuron model share one NeuronGroup; each then has its slice of
        it here (a Brian2 Subgroup, usable like a group).
    synapses : dict projection name ("pre->post") -> brian2.Synapses (empty projections have none)
    spike_monitors : dict population name -> the SpikeMonitor of its NeuronGroup (indices are the
        group's: the population's neurons are ``neuron_slices[name]``)
    neuron_slices : dict population name -> slice of its neurons in its NeuronGroup
    integration : dict population name -> Brian2 integration method of its group
    synapse_models : dict population name -> the synapse model of its incoming synapses
    potential_units : dict population name -> its neuron model's potential unit (1.0: the circuit's units)
    """

    backend: ClockSettings  # the SpikingBackend that built it
    circuit: Circuit
    batch_size: int
    seed: int
    target: str
    input_mode: str
    values: dict[str, np.ndarray]
    input_trains: dict[str, SpikeTrains]
    network: Any
    groups: dict[str, Any]
    synapses: dict[str, Any]
    spike_monitors: dict[str, Any]
    neuron_slices: dict[str, slice]
    state_monitors: dict[str, tuple[Any, np.ndarray]]
    integration: dict[str, str]
    build_time_s: float
    synapse_models: dict[str, Any] = field(default_factory=dict)
    potential_units: dict[str, float] = field(default_factory=dict)
    _ran: bool = field(default=False, repr=False)

    def run(self, *, progress: Callable[[float, float], None] | None = None) -> Result:
        """Run the network for the backend's duration and collect the result.

        ``progress(fraction_done, elapsed_s)`` is called about every 0.5 s of wall time.
        """
        if self._ran:
            raise SimulationError("This SpikingSimulation has already run; build a new one.")
        self._ran = True
        b2 = import_brian2()
        be = self.backend
        report: Any = None
        if progress is not None:
            def report(elapsed, completed, start, duration):  # Brian2's report signature
                progress(float(completed), float(elapsed))
        start = time.perf_counter()
        # Overflow is reported as a SimulationError by _collect, not as numpy warnings from inside Brian2.
        # Network.run starts with gc.collect() (to warn about objects outside any network, which an explicit
        # Network cannot have); freezing the objects that already exist makes it ~0.1 s cheaper per run.
        with brian2_context(b2, self.target), np.errstate(over="ignore", invalid="ignore"), gc_frozen():
            self.network.run(
                be.duration_ms * b2.ms, namespace={}, report=report, report_period=0.5 * b2.second
            )
        run_time = time.perf_counter() - start
        stopped_ms = float(self.network.t / b2.ms)
        if stopped_ms < be.duration_ms - 0.5 * be.dt_ms:
            # Brian2 ends a run early on Ctrl+C (stop_on_keyboard_interrupt) and returns normally:
            # a truncated result must not pass for a full one.
            raise KeyboardInterrupt(f"the simulation stopped at {stopped_ms:g} of {be.duration_ms:g} ms")
        return self._collect(run_time)

    def _collect(self, run_time: float) -> Result:
        be, circuit, batch = self.backend, self.circuit, self.batch_size
        dt_s = be.dt_ms * 1e-3
        acts: dict[str, np.ndarray] = {}
        spikes: dict[str, SpikeTrains] = {}
        for pop in circuit.inputs:
            values = self.values[pop.name]
            trains = self.input_trains.get(pop.name)
            acts[pop.name] = input_activations(be.encoding, trains, values, rate_scale_hz=be.rate_scale_hz)
            if trains is not None:
                spikes[pop.name] = trains
        final_v: dict[str, np.ndarray] = {}
        recorded: dict[int, tuple[np.ndarray, np.ndarray]] = {}  # per monitor: (steps, group indices)
        for pop in circuit.populations:
            group = self.groups[pop.name]
            v = np.asarray(group.v_[:])
            final_v[pop.name] = v.reshape(batch, pop.size).copy()
            if not np.all(np.isfinite(v)) or np.any(np.asarray(group.v_overflow[:]) > 0):
                raise SimulationError(
                    f"Population {pop.name!r}: the membrane potential became non-finite; check the bias, "
                    "weights and neuron parameters."
                )
            mon = self.spike_monitors[pop.name]
            if id(mon) not in recorded:
                # Brian2 keeps times in seconds; convert explicitly to integer steps, then to ms.
                recorded[id(mon)] = (np.round(np.asarray(mon.t_[:]) / dt_s).astype(np.int64),
                                     np.asarray(mon.i[:], dtype=np.int64))
            steps, gidx = recorded[id(mon)]
            sl = self.neuron_slices[pop.name]
            if sl != slice(0, mon.source.N):  # the group holds other populations too: keep this one's spikes
                mine = (gidx >= sl.start) & (gidx < sl.stop)
                steps, gidx = steps[mine], gidx[mine] - sl.start
            key = steps * (batch * pop.size) + gidx  # by step, then neuron; no overflow: < n_steps * neurons
            if len(key) > 1 and not np.all(key[1:] > key[:-1]):  # the monitor records in this order already
                key = np.sort(key)
            steps, gidx = np.divmod(key, batch * pop.size)
            trains = SpikeTrains(
                pop.name, batch, pop.size, gidx // pop.size, gidx % pop.size, steps * be.dt_ms, be.duration_ms
            )
            spikes[pop.name] = trains
            acts[pop.name] = trains.counts() / (be.duration_ms * 1e-3) / be.rate_scale_hz
        voltages = {}
        for name, (mon, neurons) in self.state_monitors.items():
            raw = np.asarray(mon.v_[:] if hasattr(mon, "v_") else mon.v[:])  # (len(record), T)
            trace = raw.reshape(batch, len(neurons), -1)
            t_ms = np.round(np.asarray(mon.t_[:]) / dt_s) * be.dt_ms
            voltages[name] = VoltageTrace(name, neurons, t_ms, trace)
        n_syn = {name: int(len(s)) for name, s in self.synapses.items()}
        b2 = import_brian2()
        info = {
            "backend": be.name,
            **be.options(),
            "target": self.target,
            "input_mode": self.input_mode,
            "seed": self.seed,
            "batch_size": batch,
            "neurons": {
                p.name: neuron_to_dict(be.model_of(p)) for p in circuit.populations
            },
            "synapse_models": {name: synapse_to_dict(m) for name, m in self.synapse_models.items()},
            "potential_units": dict(self.potential_units),
            "integration": dict(self.integration),
            "brian2_synapses": n_syn,
            "brian2_version": b2.__version__,
            "build_time_s": self.build_time_s,
            "run_time_s": run_time,
            "wall_time_s": self.build_time_s + run_time,
        }
        return Result(be.name, circuit.name, batch, acts, spikes=spikes, voltages=voltages, info=info,
                      final_v=final_v)
