"""Training a :class:`~neurocompare.plasticity.LearningNetwork` in either spiking simulator, by name."""

from __future__ import annotations

from typing import Any, Callable

from .._validation import check_choice, check_seed
from ..plasticity import SIMULATORS, LearningNetwork, LearningRun

__all__ = ["train_counts"]


def train_counts(net: LearningNetwork, stream: Any, *, seed: int, simulator: str = "brian2", checkpoints: Any = None,
                 target: str = "auto", progress: Callable[[float, float], None] | None = None) -> LearningRun:
    """Train ``net`` on ``stream`` (:meth:`LearningNetwork.stream`) in ``simulator``: "brian2" (``target``: its code
    generation, "auto", "numpy" or "cython") or "reference" (the numpy reference simulator). Both implement the rule
    of :mod:`neurocompare.plasticity` and give identical counts on the same stream."""
    check_choice("train_counts", "simulator", simulator, SIMULATORS)
    seed = check_seed(seed, owner="train_counts")
    if simulator == "brian2":
        from .brian2.plasticity import learn_brian2
        return learn_brian2(net, stream, seed=seed, checkpoints=checkpoints, target=target, progress=progress)
    from .reference.plasticity import learn_reference
    return learn_reference(net, stream, seed=seed, checkpoints=checkpoints, progress=progress)
