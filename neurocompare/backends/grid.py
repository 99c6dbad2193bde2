"""The time grid both simulators share: how a refractory period counts steps (one rule, in one place)."""

from __future__ import annotations

import math

__all__ = ["refractory_steps"]


def refractory_steps(t_ref_ms: float, dt_s: float) -> int:
    """``R``, the refractory period on the grid: Brian2's ``timestep(t_ref, dt) = int((t_ref + 1e-3 dt) / dt)``
    (t_ref truncated to the grid, with a tolerance of 1e-3 dt).

    Both simulators count it as NEST does: a neuron that spiked in step ``s`` is clamped in steps ``s+1 ..
    s+R`` and integrates again in step ``s+R+1``. Capped at ``2**61`` steps (a clamp longer than any run), so
    that no integer overflows.
    """
    t_ref_s = t_ref_ms * 1e-3
    return int(min(math.floor((t_ref_s + 1e-3 * dt_s) / dt_s), 2**61))
