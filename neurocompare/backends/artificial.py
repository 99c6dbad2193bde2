"""The artificial backend: synchronous real-valued neurons, y = f(W x + b), in numpy.

Feed-forward circuits are evaluated in one pass in topological order. Recurrent circuits are
stepped synchronously: at every step each neuron population updates at once from the
previous state of all populations (inputs are held constant), starting from zero::

    a_p(t+1) = f_p( sum_{q -> p} W_pq a_q(t) + b_p )

The artificial side has no notion of time, so axonal delays play no role here.
"""

from __future__ import annotations

import time
from numbers import Integral
from typing import Any, Callable, Mapping

import numpy as np

from ..circuit import Circuit
from ..inputs import normalize_inputs
from ..errors import ParameterError, SimulationError
from ..results import Result
from .._validation import check_seed

__all__ = ["ArtificialBackend"]

#: Synchronous steps for a recurrent circuit when none are given.
DEFAULT_RECURRENT_STEPS = 100


class ArtificialBackend:
    """Synchronous real-valued neurons (the "artificial neuron" of the comparison).

    Parameters
    ----------
    steps : int, optional
        Number of synchronous update steps. ``None`` (default): a single topological pass for
        feed-forward circuits, :data:`DEFAULT_RECURRENT_STEPS` steps for recurrent ones.
        Given for a feed-forward circuit, the circuit is stepped synchronously too (after
        ``depth`` steps it equals the single pass).
    """

    name = "artificial"

    def __init__(self, *, steps: int | None = None) -> None:
        if steps is not None and (isinstance(steps, bool) or not isinstance(steps, Integral) or steps < 1):
            raise ParameterError(f"ArtificialBackend: steps must be a positive integer or None; got {steps!r}.")
        self.steps = None if steps is None else int(steps)

    def __repr__(self) -> str:
        return f"ArtificialBackend(steps={self.steps!r})"

    def run(self, circuit: Circuit, inputs: Any = None, *, seed: int | None = None) -> Result:
        """Evaluate ``circuit`` on a batch of inputs; ``seed`` is recorded (nothing here is random)."""
        if not isinstance(circuit, Circuit):
            raise ParameterError(f"ArtificialBackend.run: circuit must be a Circuit; got {type(circuit).__name__}.")
        values, batch = normalize_inputs(circuit, inputs)
        seed = check_seed(seed)
        start = time.perf_counter()
        order = circuit.topological_order()
        if order is not None and self.steps is None:
            acts = self._single_pass(circuit, values, batch, order)
            trajectory = {name: acts[name][None] for name in circuit.population_names}
            steps = 1
            mode = "topological pass"
        else:
            steps = self.steps if self.steps is not None else DEFAULT_RECURRENT_STEPS
            acts, trajectory = self._synchronous(circuit, values, batch, steps)
            mode = "synchronous steps"
        wall = time.perf_counter() - start
        info = {
            "backend": self.name,
            "mode": mode,
            "steps": steps,
            "seed": seed,
            "macs_per_sample": macs_per_pass(circuit) * steps,
            "wall_time_s": wall,
        }
        return Result(self.name, circuit.name, batch, acts, trajectory=trajectory, info=info)

    @staticmethod
    def _apply(circuit: Circuit, name: str, z: np.ndarray, where: str) -> np.ndarray:
        pop = circuit.population(name)
        if not np.all(np.isfinite(z)):
            raise SimulationError(
                f"Population {name!r}: the weighted input W x + b became non-finite {where} "
                "(a diverging recurrent loop?)."
            )
        fn: Callable[[np.ndarray], np.ndarray] = pop.activation_fn
        try:
            out = np.asarray(fn(z), dtype=float)
        except Exception as exc:
            raise SimulationError(
                f"Population {name!r}: activation {pop.activation_name!r} failed {where}: {exc}"
            ) from exc
        if out.shape != z.shape:
            raise SimulationError(
                f"Population {name!r}: activation {pop.activation_name!r} returned shape {out.shape}; "
                f"expected {z.shape}."
            )
        if not np.all(np.isfinite(out)):
            raise SimulationError(
                f"Population {name!r}: activation produced non-finite values {where} "
                "(diverging recurrent loop or a bad activation function)."
            )
        return out

    @staticmethod
    def _drive(circuit: Circuit, name: str, state: Mapping[str, np.ndarray], batch: int) -> np.ndarray:
        pop = circuit.population(name)
        z = np.broadcast_to(pop.bias, (batch, pop.size)).copy()
        with np.errstate(over="ignore", invalid="ignore"):
            for proj in circuit.projections_into(name):
                z += state[proj.pre] @ proj.weights.T
        return z

    def _single_pass(self, circuit, values, batch, order) -> dict[str, np.ndarray]:
        acts: dict[str, np.ndarray] = dict(values)
        for name in order:
            acts[name] = self._apply(circuit, name, self._drive(circuit, name, acts, batch), "in the forward pass")
        return {n: acts[n] for n in circuit.all_names}

    def _synchronous(self, circuit, values, batch, steps):
        state: dict[str, np.ndarray] = dict(values)
        for pop in circuit.populations:
            state[pop.name] = np.zeros((batch, pop.size))
        traj = {p.name: [state[p.name]] for p in circuit.populations}
        for t in range(steps):
            new = {
                name: self._apply(circuit, name, self._drive(circuit, name, state, batch), f"at step {t + 1}")
                for name in circuit.population_names
            }
            state.update(new)
            for name, a in new.items():
                traj[name].append(a)
        acts = {n: state[n] for n in circuit.all_names}
        return acts, {n: np.stack(v) for n, v in traj.items()}


def macs_per_pass(circuit: Circuit) -> int:
    """Multiply-accumulates of one dense pass: sum over projections of n_pre * n_post."""
    return circuit.n_weights
