"""NEST (PyPI ``nest-simulator`` 3.10, GPL-2) as an independent oracle for single-neuron f-I curves.

Used only by the tests; ``nest`` is imported lazily inside the functions, so importing this module
never needs NEST. Call :func:`nest_available` first and skip when it returns ``(False, reason)``.

Models (NEST's own parameter names and units) and how NEST 3.10 integrates them:

- ``iaf_psc_delta``: LIF, ``C_m dV/dt = -C_m (V - E_L)/tau_m + I_e``; exact integration of the
  linear subthreshold dynamics (propagator matrix, Rotter & Diesmann 1999), so the result does not
  depend on the resolution except through the grid: a spike is emitted at step ``t_{k+1}`` when
  ``V(t_k) < V_th <= V(t_{k+1})`` (spike times lie on the grid), then ``V_m`` is clamped to
  ``V_reset`` for ``t_ref`` (rounded to steps). Setting ``E_L`` does not move ``V_m``, ``V_th`` or
  ``V_reset`` (defaults -70/-55/-70 mV, checked in 3.10): give all of them explicitly.
- ``izhikevich``: ``dv/dt = 0.04 v^2 + 5 v + 140 - u + I_e``, ``du/dt = a (b v - u)``; ``I_e`` is
  documented as pA but is added to dv/dt as is (no capacitance; "R=1"), i.e. it is Izhikevich's
  dimensionless ``I`` in mV/ms. Fixed-step forward Euler at the resolution h: with
  ``consistent_integration=True`` (the default) plain Euler from the old (v, u); with ``False`` the
  published scheme (two half steps of v, then u from the *new* v). ``v`` is clipped from below at
  ``V_min`` (default -DBL_MAX); when ``v >= V_th`` after the step: ``v = c``, ``u += d``; the spike is
  stamped at the end of the step. No refractory period.
- ``aeif_psc_delta``: AdEx (Brette & Gerstner 2005), ``C_m dV/dt = -g_L (V - E_L) + g_L Delta_T
  exp((V - V_th)/Delta_T) - w + I_e``, ``tau_w dw/dt = a (V - E_L) - w``; GSL embedded RKF45 with
  adaptive step size (error control ``gsl_error_tol``, default 1e-6, absolute and relative) inside
  each resolution step; spike when ``V >= V_peak`` (``V_th`` if ``Delta_T == 0``), checked after each
  internal RKF45 step, then ``V = V_reset``, ``w += b``, refractory (clamped) for ``t_ref``; the spike
  time is still reported on the grid (end of the step). ``t_ref=0`` is allowed (NEST warns that the
  neuron can then fire several spikes per step).
- ``hh_psc_alpha``: Hodgkin-Huxley 1952 (squid axon, rate functions at 6.3 C) with alpha PSCs;
  defaults C_m=100 pF, g_Na=12000 nS, g_K=3600 nS, g_L=30 nS, E_Na=50, E_K=-77, E_L=-54.402 mV,
  i.e. the classic 1 uF/cm^2, 120/36/0.3 mS/cm^2 on 100 um^2 (1 uA/cm^2 <-> 100 pA). GSL RKF45,
  adaptive, absolute error 1e-3 on every state variable. A spike is detected when ``V_m >= 0 mV`` and
  ``V_m`` fell since the previous step (a local maximum above 0 mV), then detection (only) is
  blocked for ``t_ref`` (default 2 ms): a pseudo-refractory period, the dynamics are untouched.

Units: NEST's own (mV, ms, pF, nS, pA). ``I_e`` is a constant current in pA (mV/ms for izhikevich).
Rates are spike counts in the window (warmup_ms, warmup_ms + duration_ms] divided by duration in s.

Import notes: ``import nest`` prints a banner to stdout unless the environment variable
``PYNEST_QUIET`` is set (any value); NEST 3.10's ``nest.set_verbosity("M_ERROR")`` still works but
emits a UserWarning; ``nest.verbosity = nest.VerbosityLevel.ERROR`` is the 3.10 way. ``nest`` passes
``sys.argv`` to its kernel at import and runs ``Simulate`` without releasing control: SIGINT (Ctrl-C)
is only delivered as KeyboardInterrupt after ``Simulate`` returns.
"""

from __future__ import annotations

import contextlib
import io
import os
from typing import Any, Mapping

import numpy as np

__all__ = ["nest_available", "nest_fi", "nest_spike_times", "nest_spike_trains", "nest_delta_network"]

_nest: Any = None
_import_error: str | None = None


def _import_nest():
    """Import nest once, without its banner; raise ImportError with the reason if that fails."""
    global _nest, _import_error
    if _nest is not None:
        return _nest
    if _import_error is not None:
        raise ImportError(_import_error)
    added = "PYNEST_QUIET" not in os.environ
    if added:
        os.environ["PYNEST_QUIET"] = "1"
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            import nest  # noqa: PLC0415 (lazy on purpose: GPL oracle, optional)
    except ModuleNotFoundError as exc:
        _import_error = f"nest-simulator is not installed ({exc})"
        raise ImportError(_import_error) from exc
    except Exception as exc:  # e.g. a missing shared library or an ABI mismatch with numpy
        _import_error = f"import nest failed: {type(exc).__name__}: {exc}".replace("\n", " ")
        raise ImportError(_import_error) from exc
    finally:
        if added:
            os.environ.pop("PYNEST_QUIET", None)
    nest.verbosity = nest.VerbosityLevel.ERROR
    _nest = nest
    return nest


def nest_available() -> tuple[bool, str]:
    """(True, "") when ``import nest`` works, else (False, one-line reason)."""
    try:
        _import_nest()
    except ImportError as exc:
        return False, str(exc)
    return True, ""


def _reset(nest, resolution_ms: float) -> None:
    nest.ResetKernel()
    nest.verbosity = nest.VerbosityLevel.ERROR
    nest.SetKernelStatus({"local_num_threads": 1, "resolution": float(resolution_ms), "print_time": False})


def _run(
    model: str,
    params: Mapping[str, Any],
    currents_pa,
    *,
    duration_ms: float,
    resolution_ms: float,
    initial: Mapping[str, Any] | None,
) -> tuple[np.ndarray, np.ndarray, int]:
    """One simulation of len(currents) neurons; returns (index of neuron per spike, times ms, n)."""
    nest = _import_nest()
    currents = np.atleast_1d(np.asarray(currents_pa, dtype=float))
    if currents.ndim != 1 or currents.size == 0:
        raise ValueError("currents_pa must be a non-empty 1-d array")
    if duration_ms <= 0 or resolution_ms <= 0:
        raise ValueError("duration_ms and resolution_ms must be positive")
    _reset(nest, resolution_ms)
    n = currents.size
    neurons = nest.Create(model, n, params=dict(params))
    if initial:
        # scalars for all neurons, or a sequence of n values per key
        state = {k: (list(map(float, v)) if np.ndim(v) else float(v)) for k, v in initial.items()}
        neurons.set(state)
    neurons.set({"I_e": [float(c) for c in currents]})
    recorder = nest.Create("spike_recorder")
    nest.Connect(neurons, recorder)
    nest.Simulate(float(duration_ms))
    events = recorder.get("events")
    first = int(neurons.tolist()[0])
    index = np.asarray(events["senders"], dtype=np.int64) - first
    times = np.asarray(events["times"], dtype=float)
    order = np.lexsort((times, index))
    return index[order], times[order], n


def nest_fi(
    model: str,
    params: Mapping[str, Any],
    currents_pa,
    *,
    duration_ms: float,
    resolution_ms: float,
    warmup_ms: float = 0.0,
    initial: Mapping[str, Any] | None = None,
) -> np.ndarray:
    """Rate (Hz) of one ``model`` neuron per current (pA), all in ONE NEST simulation.

    Simulates ``warmup_ms + duration_ms``; counts the spikes with ``warmup_ms < t <= warmup_ms +
    duration_ms`` and divides by ``duration_ms / 1000``. ``initial`` sets the state (e.g. V_m, U_m, w)
    after the parameters; values may be scalars or one per current.
    """
    index, times, n = _run(
        model, params, currents_pa, duration_ms=warmup_ms + duration_ms, resolution_ms=resolution_ms, initial=initial
    )
    counts = np.bincount(index[times > warmup_ms], minlength=n)
    return counts / (duration_ms / 1000.0)


def nest_spike_trains(
    model: str,
    params: Mapping[str, Any],
    currents_pa,
    *,
    duration_ms: float,
    resolution_ms: float,
    initial: Mapping[str, Any] | None = None,
) -> list[np.ndarray]:
    """Sorted spike times (ms) of one neuron per current, all in one NEST simulation."""
    index, times, n = _run(
        model, params, currents_pa, duration_ms=duration_ms, resolution_ms=resolution_ms, initial=initial
    )
    bounds = np.searchsorted(index, np.arange(n + 1))
    return [times[bounds[i] : bounds[i + 1]] for i in range(n)]


def nest_spike_times(
    model: str,
    params: Mapping[str, Any],
    current_pa: float,
    *,
    duration_ms: float,
    resolution_ms: float,
    initial: Mapping[str, Any] | None = None,
) -> np.ndarray:
    """Spike times (ms, on the grid) of one ``model`` neuron driven by a constant ``current_pa``."""
    return nest_spike_trains(
        model, params, [float(current_pa)], duration_ms=duration_ms, resolution_ms=resolution_ms, initial=initial
    )[0]


def nest_delta_network(
    circuit: Any,
    input_spikes: Mapping[str, list[np.ndarray]],
    *,
    duration_ms: float,
    dt_ms: float,
    bias_hz: Mapping[str, np.ndarray] | None = None,
) -> dict[str, list[np.ndarray]]:
    """Spike times (ms, neurocompare's stamps) of every neuron of a delta-synapse LIF ``circuit``, run in NEST.

    Each population becomes ``iaf_psc_delta`` neurons with the LIF's parameters (potentials in mV as they are,
    ``C_m`` 1 pF, so a bias current of ``I`` 1/s is ``I_e = 1e-3 I`` pA), each connection one NEST synapse of
    weight ``count x unit_weight`` (mV) and delay ``(d + 1) dt``, ``d`` the projection's delay on the grid:
    NEST's minimum delay is one step, which is neurocompare's transmission without axonal delay. Each input
    neuron is a ``spike_generator``. NEST stamps a spike at the end of its step, neurocompare at the start:
    generator times are ours + dt, and the returned times are NEST's - dt.
    """
    nest = _import_nest()
    _reset(nest, dt_ms)
    nodes = {}
    for pop in circuit.inputs:
        gens = nest.Create("spike_generator", pop.size)
        for gen, times in zip(gens, input_spikes[pop.name]):
            gen.set({"spike_times": [round(float(t) + dt_ms, 9) for t in times]})
        nodes[pop.name] = gens
    recorders = {}
    for pop in circuit.populations:
        lif = pop.neuron
        params = {"C_m": 1.0, "tau_m": float(lif.tau_m_ms), "E_L": float(lif.v_rest), "V_th": float(lif.v_threshold),
                  "V_reset": float(lif.v_reset), "t_ref": float(lif.t_ref_ms), "V_m": float(lif.v_rest),
                  "I_e": 0.0}
        neurons = nest.Create("iaf_psc_delta", pop.size, params=params)
        if bias_hz is not None and pop.name in bias_hz:
            neurons.set({"I_e": [1e-3 * float(b) for b in bias_hz[pop.name]]})
        nodes[pop.name] = neurons
        recorders[pop.name] = nest.Create("spike_recorder")
        nest.Connect(neurons, recorders[pop.name])
    for proj in circuit.projections:
        steps = np.floor(proj.delays / dt_ms + 0.5).astype(int)  # the grid, as Brian2's spike queue rounds
        post_idx, pre_idx = np.nonzero(proj.counts)
        if not len(post_idx):
            continue
        pre_ids = np.asarray(nodes[proj.pre].tolist())[pre_idx]
        post_ids = np.asarray(nodes[proj.post].tolist())[post_idx]
        weights = proj.counts[post_idx, pre_idx] * float(proj.unit_weight)
        delays = (np.broadcast_to(steps, proj.counts.shape)[post_idx, pre_idx] + 1) * dt_ms
        nest.Connect(pre_ids, post_ids, "one_to_one",
                     {"synapse_model": "static_synapse", "weight": weights, "delay": np.round(delays, 9)})
    nest.Simulate(float(duration_ms) + dt_ms)
    out = {}
    for pop in circuit.populations:
        events = recorders[pop.name].get("events")
        first = int(nodes[pop.name].tolist()[0])
        index = np.asarray(events["senders"], dtype=np.int64) - first
        times = np.round(np.asarray(events["times"], dtype=float) - dt_ms, 9)
        keep = times < duration_ms - 0.5 * dt_ms
        out[pop.name] = [np.sort(times[keep & (index == k)]) for k in range(pop.size)]
    return out
