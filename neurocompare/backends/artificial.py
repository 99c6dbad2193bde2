"""The artificial backend: synchronous real-valued neurons, y = f(W x + b), in numpy.

Feed-forward circuits are evaluated in one pass in topological order. Recurrent circuits are
stepped synchronously: at every step each neuron population updates at once from the
previous state of all populations (inputs are held constant), starting from zero::

    a_p(t+1) = f_p( sum_{q -> p} W_pq a_q(t) + b_p )

The artificial side has no notion of time, so axonal delays play no role here.

A synchronous recurrent run need not settle: a winner-take-all loop can alternate between "all on"
and "all off", so its last state depends on the parity of the step count. Every run therefore
records where its trajectory ended (:func:`trajectory_periods`): at a fixed point (period 1), on a
cycle of period p (2 <= p <= :data:`MAX_PERIOD`), or neither, in ``result.info`` (``converged``,
``period``, ``period_counts``, ``population_periods``), and warns with a :class:`NotConvergedWarning`
naming the populations when some sample did not reach a fixed point.
"""

from __future__ import annotations

import time
import warnings
from numbers import Integral
from typing import Any, Callable, Mapping

import numpy as np

from ..circuit import Circuit
from ..circuit_io import stores_sparse
from ..inputs import normalize_inputs
from ..errors import InputError, NotConvergedWarning, ParameterError, SimulationError
from ..results import Result
from .._validation import check_seed

__all__ = ["ArtificialBackend", "trajectory_periods", "CONVERGENCE_TOL", "MAX_PERIOD"]

#: Synchronous steps for a recurrent circuit when none are given.
DEFAULT_RECURRENT_STEPS = 100

#: Relative tolerance of "the state repeats" (see :func:`trajectory_periods`).
CONVERGENCE_TOL = 1e-6

#: Longest cycle :func:`trajectory_periods` looks for, in synchronous steps.
MAX_PERIOD = 16


def trajectory_periods(trajectory: Any, *, tol: float = CONVERGENCE_TOL, max_period: int = MAX_PERIOD) -> np.ndarray:
    """Per sample, the period on which a synchronous trajectory ends: 1 (fixed point), p (cycle) or 0.

    With states s_0 .. s_T (T steps) the period is the smallest p in 1 .. min(``max_period``, (T + 1) // 2)
    whose last cycle repeats the one before it::

        max_{T-p < t <= T} || s_t - s_{t-p} ||_inf  <=  tol * (1 + max_{T-2p < t <= T} || s_t ||_inf)

    (2p states, the last 2p of the run, the initial state s_0 included). The update is deterministic
    with inputs held constant, so a state that repeats exactly after p steps repeats forever; the
    tolerance admits round-off and a fixed point approached geometrically to within ``tol``.
    0 means neither: no fixed point and no cycle of up to ``max_period`` steps (still moving, or a
    longer or aperiodic orbit), or too few steps to tell (a period-p cycle needs T >= 2p - 1).

    Parameters
    ----------
    trajectory : array_like, shape (T + 1, batch, n), or mapping of such arrays
        The states of one population, or of several (joined along the neuron axis: the state of the
        circuit).
    tol : float
        Relative tolerance (default :data:`CONVERGENCE_TOL`).
    max_period : int
        Longest cycle looked for (default :data:`MAX_PERIOD`).

    Returns
    -------
    ndarray of int, shape (batch,)

    Raises
    ------
    InputError
        ``trajectory`` is not 3-D (steps, batch, neurons), or the arrays of a mapping disagree in batch
        (or in steps, among the last 2 * ``max_period``).
    ParameterError
        ``max_period`` is not a positive integer or ``tol`` is negative.

    Examples
    --------
    >>> trajectory_periods(np.array([[[0.0]], [[1.0]], [[0.0]], [[1.0]], [[0.0]]])).tolist()
    [2]
    """
    if isinstance(max_period, bool) or not isinstance(max_period, Integral) or max_period < 1:
        raise ParameterError(f"trajectory_periods: max_period must be a positive integer; got {max_period!r}.")
    if not tol >= 0:
        raise ParameterError(f"trajectory_periods: tol must be a number >= 0; got {tol!r}.")
    parts = list(trajectory.values()) if isinstance(trajectory, Mapping) else [trajectory]
    try:  # only the last 2 * max_period states matter: no copy of a long trajectory
        s = np.concatenate([np.asarray(a, dtype=float)[-2 * max_period:] for a in parts], axis=2)
    except ValueError as exc:  # numpy's AxisError is a ValueError
        raise InputError(f"trajectory_periods: the trajectory must be (steps + 1, batch, neurons) arrays with the "
                         f"same steps and batch; got shapes {[np.shape(a) for a in parts]} ({exc}).") from None
    last = s.shape[0] - 1
    periods = np.zeros(s.shape[1], dtype=int)
    for p in range(1, min(max_period, (last + 1) // 2) + 1):
        tail = s[last - 2 * p + 1:]
        change = np.max(np.abs(tail[p:] - tail[:p]), axis=(0, 2), initial=0.0)
        scale = 1.0 + np.max(np.abs(tail), axis=(0, 2), initial=0.0)
        periods[(periods == 0) & (change <= tol * scale)] = p
    return periods


class ArtificialBackend:
    """Synchronous real-valued neurons (the "artificial neuron" of the comparison).

    Parameters
    ----------
    steps : int, optional
        Number of synchronous update steps. ``None`` (default): a single topological pass for
        feed-forward circuits, :data:`DEFAULT_RECURRENT_STEPS` steps for recurrent ones.
        Given for a feed-forward circuit, the circuit is stepped synchronously too (after
        ``depth`` steps it equals the single pass).

    Notes
    -----
    ``result.info`` records where the run ended, beyond the steps and MACs: ``converged`` (True if
    every sample's state is at a fixed point), ``period`` (the longest period over samples, 1 if all
    converged; None if some sample has no fixed point and no cycle of up to :data:`MAX_PERIOD`
    steps), ``period_counts`` (samples per period, ``"none"`` for neither), ``population_periods``
    (the same ``period`` for each population alone), ``convergence_tol`` and ``max_period``. Recurrent
    circuits are tested with :func:`trajectory_periods` on the circuit's whole state; a feed-forward
    circuit is exact after a single pass or ``depth`` steps. A run that did not converge warns with a
    :class:`NotConvergedWarning` naming the populations, their periods and the samples concerned.
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
            "macs_per_sample": circuit.n_nonzero_weights * steps,
            "wall_time_s": wall,
        }
        periods = _population_periods(circuit, trajectory, order, steps=steps, single_pass=mode == "topological pass")
        info.update(_convergence_info(circuit, trajectory, periods, order))
        if not info["converged"]:
            warnings.warn(_not_converged_message(circuit, periods, steps=steps, feedforward=order is not None),
                          NotConvergedWarning, stacklevel=2)
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
    def _drive(circuit: Circuit, name: str, state: Mapping[str, np.ndarray], batch: int,
               weights: Mapping[str, Any]) -> np.ndarray:
        pop = circuit.population(name)
        z = np.broadcast_to(pop.bias, (batch, pop.size)).copy()
        with np.errstate(over="ignore", invalid="ignore"):
            for proj in circuit.projections_into(name):
                w = weights[proj.name]
                z += state[proj.pre] @ w.T if isinstance(w, np.ndarray) else (w @ state[proj.pre].T).T
        return z

    @staticmethod
    def _weights(circuit: Circuit) -> dict[str, Any]:
        """Each projection's W = counts x unit_weight, once per run: a scipy.sparse CSR matrix where fewer than a
        third of the pairs are connected (the product then costs what the connected pairs cost), else dense."""
        out: dict[str, Any] = {}
        for proj in circuit.projections:
            if stores_sparse(proj):  # the file format's rule: fewer than a third of the pairs connected
                out[proj.name] = (proj.sparse_counts * proj.unit_weight).tocsr()
            else:
                out[proj.name] = proj.weights
        return out

    def _single_pass(self, circuit, values, batch, order) -> dict[str, np.ndarray]:
        acts: dict[str, np.ndarray] = dict(values)
        weights = self._weights(circuit)
        for name in order:
            acts[name] = self._apply(circuit, name, self._drive(circuit, name, acts, batch, weights),
                                     "in the forward pass")
        return {n: acts[n] for n in circuit.all_names}

    def _synchronous(self, circuit, values, batch, steps):
        state: dict[str, np.ndarray] = dict(values)
        for pop in circuit.populations:
            state[pop.name] = np.zeros((batch, pop.size))
        traj = {p.name: [state[p.name]] for p in circuit.populations}
        weights = self._weights(circuit)
        for t in range(steps):
            new = {
                name: self._apply(circuit, name, self._drive(circuit, name, state, batch, weights), f"at step {t + 1}")
                for name in circuit.population_names
            }
            state.update(new)
            for name, a in new.items():
                traj[name].append(a)
        acts = {n: state[n] for n in circuit.all_names}
        return acts, {n: np.stack(v) for n, v in traj.items()}


def _levels(circuit: Circuit, order: tuple[str, ...]) -> dict[str, int]:
    """Longest chain of projections from an input to each population of a feed-forward circuit."""
    level = {n: 0 for n in circuit.input_names}
    for name in order:
        level[name] = 1 + max((level[p.pre] for p in circuit.projections_into(name)), default=0)
    return level


def _population_periods(circuit: Circuit, trajectory: Mapping[str, np.ndarray], order: tuple[str, ...] | None, *,
                        steps: int, single_pass: bool) -> dict[str, np.ndarray]:
    """Per population and sample, the period its synchronous trajectory ends on (0: neither).

    Recurrent circuits: :func:`trajectory_periods` of each population's trajectory. Feed-forward
    circuits are exact: a population k projections from the inputs holds its final value from step k
    on, so its period is 1 after a single pass or at least k steps, else 0 (not reached yet).
    """
    batch = next(iter(trajectory.values())).shape[1] if trajectory else 0
    if order is None:
        return {n: trajectory_periods(trajectory[n]) for n in circuit.population_names}
    level = _levels(circuit, order)
    return {n: np.full(batch, 1 if single_pass or steps >= level[n] else 0) for n in circuit.population_names}


def _convergence_info(circuit: Circuit, trajectory: Mapping[str, np.ndarray], periods: Mapping[str, np.ndarray],
                      order: tuple[str, ...] | None) -> dict[str, Any]:
    """The ``info`` entries of a run's convergence (see :class:`ArtificialBackend`)."""
    if order is None:
        whole = trajectory_periods({n: trajectory[n] for n in circuit.population_names})
    else:
        whole = np.min(np.stack(list(periods.values())), axis=0) if periods else np.ones(0, dtype=int)
    values, counts = np.unique(whole, return_counts=True)

    def longest(p: np.ndarray) -> int | None:
        return None if not p.size or np.any(p == 0) else int(p.max())

    return {
        "converged": bool(np.all(whole == 1)),
        "period": longest(whole) if whole.size else 1,
        "period_counts": {("none" if v == 0 else str(int(v))): int(c) for v, c in zip(values, counts)},
        "population_periods": {n: longest(p) if p.size else 1 for n, p in periods.items()},
        "convergence_tol": CONVERGENCE_TOL,
        "max_period": MAX_PERIOD,
    }


def _not_converged_message(circuit: Circuit, periods: Mapping[str, np.ndarray], *, steps: int,
                           feedforward: bool) -> str:
    """The :class:`NotConvergedWarning` text: which populations, on which period, on how many samples."""
    owner = f"ArtificialBackend: circuit {circuit.name!r}"
    late = [name for name, p in periods.items() if not np.all(p == 1)]
    if feedforward:
        return (f"{owner}, stepped {steps} time(s): population(s) {', '.join(map(repr, late))} have not received "
                f"the input yet, so their values are no answer; a feed-forward circuit needs {circuit.depth} steps "
                f"(its depth): use steps >= {circuit.depth}, or steps=None for one exact pass.")
    parts = []
    for name in late:
        p = periods[name]
        found = [f"oscillates with period {k} on {int(np.sum(p == k))}" for k in np.unique(p[p > 1]).tolist()]
        if np.any(p == 0):
            found.append(f"is still moving (no fixed point or cycle of up to {MAX_PERIOD} steps) on "
                         f"{int(np.sum(p == 0))}")
        parts.append(f"population {name!r} {' and '.join(found)} of {len(p)} samples")
    return (f"{owner}: no fixed point after {steps} synchronous steps (tolerance {CONVERGENCE_TOL:g}): "
            f"{'; '.join(parts)}. Its last-step values depend on the step count (for period 2, on its parity) "
            f"and are no answer; more steps help only a trajectory that is still moving.")

