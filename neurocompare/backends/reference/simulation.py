"""One reference run: the clock loop over populations and pathways (see the package docstring for the order)."""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Callable

import numpy as np

from ...circuit import Circuit, NeuronPopulation
from ...errors import InputError, SimulationError
from ...models import neuron_to_dict, synapse_to_dict
from ...results import Result, SpikeTrains, VoltageTrace
from ...spike_input import given_trains, input_activations, trains_for_run
from ..base import ClockSettings
from .models import reference_step
from .population import Population, method_of
from .synapses import synaptic_state


__all__ = ["Simulation", "TARGET"]

#: What ``result.info["target"]`` says for this backend.
TARGET = "numpy-reference"
#: Wall time between two progress reports.
_REPORT_PERIOD_S = 0.5
#: Seconds per millisecond (Brian2 works in seconds; the conversion is done once, here).
_S_PER_MS = 1e-3


def _synaptic_delay_steps(delays_ms: np.ndarray, dt_s: float, n_steps: int) -> np.ndarray:
    """Synaptic delays in steps as Brian2's C++ spike queue computes them: ``int(delay_s / dt_s + 0.5)``.

    (Half-steps round up. Brian2's pure-Python fallback queue uses numpy's round-half-to-even
    instead; the compiled queue is the one Brian2 uses whenever it can be imported, for the
    numpy and the cython targets alike.) Delays of ``n_steps`` or more can never deliver
    within the run; they are returned as ``n_steps`` (computed in floating point, so that
    astronomically long delays cannot overflow an integer).
    """
    steps = np.floor((delays_ms * _S_PER_MS) / dt_s + 0.5)
    return np.minimum(steps, n_steps).astype(np.int64)


@dataclass(frozen=True)
class _Pathway:
    """Spikes of ``pre`` reaching ``post``: one dense (pre, post) weight matrix per delay (steps)."""

    pre: str
    post: str
    by_delay: tuple[tuple[int, np.ndarray], ...]
    channel: int = 0  # conductance synapses: 0 excitatory (positive weights), 1 inhibitory (their magnitudes)


class Simulation:
    """One reference run: built from (circuit, inputs), stepped once, turned into a Result."""

    def __init__(self, be: ClockSettings, circuit: Circuit, values, batch: int, seed: int, record) -> None:
        self.be, self.circuit, self.values, self.batch, self.seed = be, circuit, values, batch, seed
        self.record = record
        self.n_steps = be.n_steps
        self.dt_s = be.dt_ms * _S_PER_MS
        self.input_trains: dict[str, SpikeTrains] = {}
        self.input_events: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._encode_inputs()
        self.pops: dict[str, Population] = {}
        analog = self._analog_currents()
        for pop in circuit.populations:
            self.pops[pop.name] = self._population(pop, analog.get(pop.name, {}))
        self.pathways = self._pathways()
        self.traces = {
            name: np.zeros((self.n_steps, batch, len(idx))) for name, idx in record.items()
        }

    # ------------------------------------------------------------------ setup

    def _encode_inputs(self) -> None:
        """Input spikes (given, or from a spiking encoding) as events per time step; analog inputs have none."""
        be = self.be
        for pop in self.circuit.inputs:
            values = self.values[pop.name]
            clock = dict(duration_ms=be.duration_ms, dt_ms=be.dt_ms, rate_scale_hz=be.rate_scale_hz)
            if given_trains(values) is not None:
                tr = trains_for_run(pop.name, values, **clock)
            elif be.encoding.is_spiking:
                tr = be.encoding.encode(pop.name, values, seed=self.seed, **clock)
            else:
                continue
            self.input_trains[pop.name] = tr
            # The time bin Brian2's SpikeGeneratorGroup puts a spike in: int((t + 1e-3 dt) / dt), in seconds.
            t_s = np.asarray(tr.time_ms) * _S_PER_MS
            steps = np.asarray((t_s + 1e-3 * self.dt_s) / self.dt_s).astype(np.int64)
            flat = tr.sample * pop.size + tr.neuron
            keep = (steps >= 0) & (steps < self.n_steps)
            order = np.lexsort((flat[keep], steps[keep]))
            steps, flat, sign = steps[keep][order], flat[keep][order], np.asarray(tr.sign)[keep][order]
            dup = (np.diff(steps) == 0) & (np.diff(flat) == 0)
            if dup.any():
                raise InputError(
                    f"Input {pop.name!r}: encoding {be.encoding.name!r} emitted two spikes of one channel in "
                    f"one time step (step {int(steps[1:][dup][0])}); lower the rate or dt_ms."
                )
            bounds = np.searchsorted(steps, np.arange(self.n_steps + 1))
            self.input_events[pop.name] = (bounds, flat, sign)

    def _analog_currents(self) -> dict[str, dict[int, np.ndarray]]:
        """Analog inputs as currents (1/s) per target and onset step: {post: {step: (batch, size)}}."""
        be = self.be
        out: dict[str, dict[int, np.ndarray]] = {}
        if be.encoding.is_spiking:
            return out
        for proj in self.circuit.projections:
            if not self.circuit.is_input(proj.pre) or proj.pre in self.input_trains:
                continue  # given spikes are spikes whatever the encoding
            x = be.encoding.current_hz(self.values[proj.pre], rate_scale_hz=be.rate_scale_hz)
            # onsets at or after the end of the run never happen (kept in float: no integer overflow)
            onset = _synaptic_delay_steps(proj.delays, self.dt_s, self.n_steps)
            per_post = out.setdefault(proj.post, {})
            for d in np.unique(onset):
                w = np.where(onset == d, proj.weights, 0.0)
                per_post[int(d)] = per_post.get(int(d), 0.0) + x @ w.T
        return out

    def _population(self, pop: NeuronPopulation, analog: dict[int, np.ndarray]) -> Population:
        shape = (self.batch, pop.size)
        i_bias = np.broadcast_to(pop.bias * self.be.rate_scale_hz, shape).copy()
        i_analog = np.array(analog[0], dtype=float) if 0 in analog else np.zeros(shape)
        onsets = {d: np.asarray(c, dtype=float) for d, c in analog.items() if 0 < d < self.n_steps}
        for what, cur in (("bias current (bias x rate_scale_hz)", i_bias), ("analog input current", i_analog),
                          *(("delayed analog input current", c) for c in onsets.values())):
            if not np.all(np.isfinite(cur)):
                raise SimulationError(
                    f"Population {pop.name!r}: the {what} is not finite in float64; scale the bias, the "
                    "inputs or rate_scale_hz down."
                )
        neuron, synapse = self.be.model_of(pop), self.be.synapse_of(pop)
        model = reference_step(neuron, self.dt_s)
        unit = self.be.potential_unit(neuron)
        v0 = self.be.initial_v(neuron)  # None: the model's own initial state
        if unit != 1.0:
            i_bias, i_analog = i_bias * unit, i_analog * unit
            onsets = {d: c * unit for d, c in onsets.items()}
        return Population(
            name=pop.name,
            model=model,
            v=np.full(shape, float(model.v_init if v0 is None else v0)),
            i_bias=i_bias,
            i_analog=i_analog,
            onsets=onsets,
            dt_s=self.dt_s,
            unit=unit,
            syn=synaptic_state(synapse, neuron, model, unit, shape, self.dt_s, f"Population {pop.name!r}"),
        )

    def _pathways(self) -> list[_Pathway]:
        circuit = self.circuit
        paths = []
        max_delay: dict[str, int] = {}
        for proj in circuit.projections:
            if circuit.is_input(proj.pre) and proj.pre not in self.input_trains:
                continue  # analog: constant currents
            weights = proj.weights
            if not np.all(np.isfinite(weights)):
                raise SimulationError(
                    f"Projection {proj.name!r}: counts x unit_weight overflows float64; use a smaller unit_weight."
                )
            connected = proj.counts != 0
            if not connected.any():
                continue
            steps = _synaptic_delay_steps(proj.delays, self.dt_s, self.n_steps)
            connected &= steps + 1 < self.n_steps  # spikes that would arrive after the run are dropped
            if not connected.any():
                continue
            syn = self.pops[proj.post].syn
            split = ((0, np.maximum(weights, 0.0)), (1, np.maximum(-weights, 0.0))) if syn and syn.channels == 2 \
                else ((0, weights),)
            for channel, part in split:
                by_delay = []
                for d in np.unique(steps[connected & (part != 0)]):
                    w = np.where(connected & (steps == d), part, 0.0)
                    by_delay.append((int(d), np.ascontiguousarray(w.T)))
                if by_delay:
                    paths.append(_Pathway(proj.pre, proj.post, tuple(by_delay), channel))
                    max_delay[proj.post] = max(max_delay.get(proj.post, 0), max(d for d, _ in by_delay))
        for name, d in max_delay.items():  # a spike of step n is due in step n + 1 + d: d + 2 slots
            pop = self.pops[name]
            pop.buffers = [np.zeros((d + 2, *pop.v.shape)) for _ in range(pop.syn.channels if pop.syn else 1)]
        return paths

    # -------------------------------------------------------------------- run
    def _input_spikes(self, name: str, step: int) -> np.ndarray | None:
        bounds, flat, sign = self.input_events[name]
        lo, hi = bounds[step], bounds[step + 1]
        if lo == hi:
            return None
        size = self.circuit.population(name).size
        vec = np.zeros(self.batch * size)
        vec[flat[lo:hi]] = sign[lo:hi]
        return vec.reshape(self.batch, size)

    def run(self, progress: Callable[[float, float], None] | None = None) -> None:
        pops = list(self.pops.values())
        recorded = [(self.traces[name], self.pops[name], idx) for name, idx in self.record.items()]
        start = last_report = time.perf_counter()
        for step in range(self.n_steps):
            if progress is not None and step % 256 == 0 and time.perf_counter() - last_report >= _REPORT_PERIOD_S:
                last_report = time.perf_counter()
                progress(step / self.n_steps, last_report - start)
            # 1. monitors (start of step) and analog onsets
            for trace, pop, idx in recorded:
                trace[step] = pop.v[:, idx]
            for pop in pops:
                if step in pop.onsets:
                    pop.i_analog = pop.i_analog + pop.onsets[step]
                    pop.update_coefficients()
            # 2. state update
            free = [pop.integrate(step) for pop in pops]
            # 3. the spikes due in this step (sent in earlier steps) into v or the synaptic state
            for pop, f in zip(pops, free):
                pop.deliver(step, f)
                pop.check_finite(step)
            # 4. threshold
            spiked = {pop.name: pop.threshold(step, f) for pop, f in zip(pops, free)}
            # 5. this step's spikes (neurons' and inputs') into the ring buffers, due d + 1 steps later
            for path in self.pathways:
                if path.pre in spiked:
                    s = spiked[path.pre]
                    if not s.any():
                        continue
                    vec = s.astype(float)
                else:
                    vec = self._input_spikes(path.pre, step)
                    if vec is None:
                        continue
                buffer = self.pops[path.post].buffers[path.channel]
                n_slots = len(buffer)
                for d, w_t in path.by_delay:
                    buffer[(step + 1 + d) % n_slots] += vec @ w_t
            # 6. reset
            for pop in pops:
                pop.reset(spiked[pop.name])
        if progress is not None:
            progress(1.0, time.perf_counter() - start)

    def result(self, *, build_time_s: float, run_time_s: float) -> Result:
        be, circuit, batch = self.be, self.circuit, self.batch
        acts: dict[str, np.ndarray] = {}
        spikes: dict[str, SpikeTrains] = {}
        for pop in circuit.inputs:
            trains = self.input_trains.get(pop.name)
            acts[pop.name] = input_activations(be.encoding, trains, self.values[pop.name],
                                               rate_scale_hz=be.rate_scale_hz)
            if trains is not None:
                spikes[pop.name] = trains
        for pop in circuit.populations:
            trains = self.pops[pop.name].trains(batch, pop.size, be.dt_ms, be.duration_ms)
            spikes[pop.name] = trains
            acts[pop.name] = trains.counts() / (be.duration_ms * 1e-3) / be.rate_scale_hz
        t_ms = np.arange(self.n_steps) * be.dt_ms
        voltages = {
            name: VoltageTrace(name, self.record[name], t_ms, np.transpose(trace, (1, 2, 0)))
            for name, trace in self.traces.items()
        }
        info = {
            "backend": be.name,
            **be.options(),
            "target": TARGET,
            "seed": self.seed,
            "batch_size": batch,
            "n_steps": self.n_steps,
            "neurons": {p.name: neuron_to_dict(self.be.model_of(p)) for p in circuit.populations},
            "synapse_models": {p.name: synapse_to_dict(self.be.synapse_of(p)) for p in circuit.populations},
            "potential_units": {name: pop.unit for name, pop in self.pops.items()},
            "integration": {name: method_of(pop) for name, pop in self.pops.items()},
            "synapses": {p.name: p.n_synapses for p in circuit.projections},
            "delivery": "count x unit_weight per connection",
            "numpy_version": np.__version__,
            "build_time_s": build_time_s,
            "run_time_s": run_time_s,
            "wall_time_s": build_time_s + run_time_s,
        }
        final_v = {name: pop.v.copy() for name, pop in self.pops.items()}
        return Result(be.name, circuit.name, batch, acts, spikes=spikes, voltages=voltages, info=info,
                      final_v=final_v)
