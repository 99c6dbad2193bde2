"""Progress bars for Python users: ``progress=True`` in :func:`~neurocompare.compare.compare` and ``Backend.run``.

The package reports progress through plain callbacks: a spiking backend calls
``progress(fraction_done, elapsed_s)`` about every half second of wall time while it simulates, and
:func:`~neurocompare.compare.compare` relays that as ``progress(stage, fraction_done, elapsed_s)``
for each of its spiking runs ("spiking run", then one stage per probe: "f-I sweep", "delay variant").
The command line draws its own bar from those callbacks (:class:`neurocompare.cli.ProgressBar`).

``progress=True`` asks for a ready-made bar instead: :class:`StageBar`, a ``tqdm.auto`` bar (a widget in
Jupyter, text in a terminal) that spans every stage of the call, so it advances run after run instead of
jumping from 0 to 100% once per run, names the stage it is in, and reaches 100% only when the whole call
has returned. It needs ``tqdm`` (``pip install "neurocompare[jupyter]"``).
"""

from __future__ import annotations

import math
from contextlib import contextmanager
from typing import Any, Callable, Iterator

from .errors import BackendError, ParameterError

__all__ = ["StageBar", "progress_callback"]

_INSTALL = 'pip install "neurocompare[jupyter]"'
#: Resolution of the bar: it counts per mille of the whole call.
_TOTAL = 1000


def _tqdm() -> Any:
    try:
        from tqdm.auto import tqdm
    except ImportError as exc:
        raise BackendError(f"progress=True draws a tqdm bar; install it with '{_INSTALL}' (or 'pip install tqdm'), "
                           f"or pass a callable as progress ({exc}).") from None
    return tqdm


class StageBar:
    """One ``tqdm.auto`` bar over ``stages`` consecutive runs, fed by ``progress(stage, fraction, elapsed_s)``.

    Each new stage name starts the next share of the bar (``1 / stages`` of it); the fraction reported
    within a stage fills that share. :meth:`finish` fills the bar when the call has returned.

    Parameters
    ----------
    label : str
        Shown before the stage name.
    stages : int
        How many runs the call makes (a run beyond that fills nothing more).
    """

    def __init__(self, label: str, *, stages: int = 1, **tqdm_options: Any) -> None:
        self.label = label
        self.stages = max(1, int(stages))
        self.seen: list[str] = []
        options = {"total": _TOTAL, "desc": label, "leave": True, "dynamic_ncols": True,
                   "bar_format": "{desc}: {percentage:3.0f}%|{bar}| [{elapsed}<{remaining}]", **tqdm_options}
        self.bar = _tqdm()(**options)

    def __call__(self, stage: str, fraction: float, elapsed_s: float) -> None:
        if not self.seen or self.seen[-1] != stage:
            self.seen.append(stage)
            self.bar.set_description_str(f"{self.label}: {stage}", refresh=False)
        fraction = min(max(float(fraction), 0.0), 1.0) if math.isfinite(fraction) else 0.0
        done = min(self.stages, len(self.seen) - 1 + fraction)
        self._advance_to(int(round(_TOTAL * done / self.stages)))

    def _advance_to(self, position: int) -> None:
        if position > self.bar.n:
            self.bar.update(position - self.bar.n)

    def finish(self) -> None:
        """Fill the bar: the call is complete."""
        self.bar.set_description_str(f"{self.label}: done", refresh=False)
        self._advance_to(_TOTAL)

    def close(self) -> None:
        self.bar.close()


@contextmanager
def progress_callback(progress: Any, *, label: str, stages: int = 1) -> Iterator[Callable[[str, float, float], None] | None]:
    """The ``progress(stage, fraction, elapsed_s)`` callback that ``progress`` asks for, for one call.

    ``None`` or ``False``: no progress (yields None). ``True``: a :class:`StageBar` over ``stages`` runs,
    filled when the block completes and closed in any case. A callable is yielded unchanged.
    """
    if progress is None or progress is False:
        yield None
    elif progress is True:
        bar = StageBar(label, stages=stages)
        try:
            yield bar
            bar.finish()
        finally:
            bar.close()
    elif callable(progress):
        yield progress
    else:
        raise ParameterError(f"{label}: progress must be True (a progress bar), False/None (none) or a callable; "
                             f"got {progress!r}.")
