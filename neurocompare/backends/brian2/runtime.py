"""Brian2 itself: importing it, its code-generation target for one run, and whether cython works here.

Brian2 installs a SIGINT handler on import (``brian2._InterruptHandler``) that saves the handler it
replaces and, unless it stops a running simulation, *calls* it. When SIGINT's handler at that moment
is not a Python function (``signal.SIG_IGN`` in a process started with Ctrl+C ignored, e.g. a
background job of a shell script and every process it spawns; ``signal.SIG_DFL``; ``None``), Ctrl+C
then ends in ``TypeError: 'Handlers' object is not callable``. :func:`import_brian2` imports Brian2
while a callable equivalent is installed (and puts ``SIG_IGN`` back afterwards), and mends the saved
handler of a Brian2 imported earlier by someone else.
"""

from __future__ import annotations

import contextlib
import gc
import logging
import signal
import sys
import threading
import warnings
from typing import Any, Iterator

from ...errors import BackendError

__all__ = ["import_brian2", "brian2_context", "gc_frozen", "cython_available"]


def _ignore_sigint(signum: int, frame: Any) -> None:
    """A callable ``SIG_IGN`` for Brian2 to chain to."""


def _callable_handler(handler: Any) -> Any:
    """``handler`` as Brian2 can call it: ``SIG_IGN`` -> do nothing, ``SIG_DFL``/``None`` -> KeyboardInterrupt."""
    if callable(handler):
        return handler
    return _ignore_sigint if handler == signal.SIG_IGN else signal.default_int_handler


class _DropStopRequest(logging.Filter):
    """Hides Brian2's "Simulation stop requested" warning: neurocompare reports the interrupt itself."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "Simulation stop requested" not in record.getMessage()


def _import_with_callable_sigint() -> Any:
    """``import brian2`` with a callable SIGINT handler in place for Brian2 to save; SIG_IGN put back after."""
    if "brian2" in sys.modules or threading.current_thread() is not threading.main_thread():
        import brian2  # not main thread: Brian2's signal.signal() raises ValueError, as before

        return brian2
    before = signal.getsignal(signal.SIGINT)
    if not callable(before):
        signal.signal(signal.SIGINT, _callable_handler(before))
    try:
        import brian2
    finally:
        if before == signal.SIG_IGN:  # a process that ignores Ctrl+C keeps ignoring it
            signal.signal(signal.SIGINT, signal.SIG_IGN)
    return brian2


@contextlib.contextmanager
def _quiet_pyparsing() -> Iterator[None]:
    """Hide the deprecation warnings newer pyparsing raises inside Brian2 (not ours to fix)."""
    try:
        from pyparsing.warnings import PyparsingDeprecationWarning as _PDW  # pyparsing >= 3.3
    except ImportError:  # pragma: no cover - older pyparsing
        _PDW = DeprecationWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", _PDW)
        yield


def import_brian2() -> Any:
    """Import Brian2 (with a SIGINT handler it can chain to), hiding newer pyparsing's deprecation warnings.

    Brian2 replaces ``sys.excepthook`` on import with one that answers any uncaught exception (a neurocompare error
    in a user's script included) with "Brian 2 encountered an unexpected error ... please report this issue": the
    hook that was there before is put back, so errors read as what they are.
    """
    excepthook = sys.excepthook
    with _quiet_pyparsing():
        try:
            brian2 = _import_with_callable_sigint()
        except ImportError as exc:  # pragma: no cover - brian2 is a core dependency
            raise BackendError(
                f"The spiking backend needs Brian2 (2.9 on Python 3.11, 2.10 or newer on 3.12+: 'pip install "
                f"neurocompare' picks it): {exc}"
            ) from exc
        finally:
            if getattr(sys.excepthook, "__name__", "") == "brian_excepthook":
                sys.excepthook = excepthook
    handler = getattr(brian2, "_int_handler", None)  # imported earlier by someone else: mend what it saved
    if handler is not None and not callable(getattr(handler, "previous_handler", None)):
        handler.previous_handler = _callable_handler(handler.previous_handler)
    logger = logging.getLogger("brian2")
    if not any(isinstance(f, _DropStopRequest) for f in logger.filters):
        logger.addFilter(_DropStopRequest())
    _unit_free_exprel()
    return brian2


def _unit_free_exprel() -> None:
    """Give Brian2's ``exprel`` (Hodgkin-Huxley's rate functions) its unit-free numpy implementation.

    Brian2 2.9 wraps a unit-checked function for the numpy target in ``brian2.core.functions``'
    ``wrapper_function``, which builds its error message (an f-string holding the whole result array) on every call,
    error or not: for 1,000 Hodgkin-Huxley neurons two calls per step spent 19 ms formatting arrays against 0.15 ms
    of arithmetic (cProfile: numpy's ``array2string`` under ``wrapper_function``). ``add_numpy_implementation(...,
    discard_units=True)``, Brian2's own option, calls the same function body (``expm1(x) / x``, 1 below 1e-16, inf
    above 717) without the wrapper: the same values, bit for bit (tests/backends/test_brian2_targets.py)."""
    from brian2.core.functions import DEFAULT_FUNCTIONS
    from brian2.units import unitsafefunctions

    function = DEFAULT_FUNCTIONS.get("exprel")
    if function is None or getattr(function, "_neurocompare_unit_free", False):
        return
    function.implementations.add_numpy_implementation(unitsafefunctions.exprel, discard_units=True)
    function._neurocompare_unit_free = True


@contextlib.contextmanager
def brian2_context(b2: Any, target: str) -> Iterator[None]:
    """Set Brian2's code-generation target for one build/run and restore it afterwards."""
    old_target = b2.prefs.codegen.target
    b2.prefs.codegen.target = target
    try:
        with _quiet_pyparsing():
            yield
    finally:
        b2.prefs.codegen.target = old_target


@contextlib.contextmanager
def gc_frozen() -> Iterator[None]:
    """Move the objects tracked by the garbage collector out of its reach for a while (gc.freeze)."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def cython_available() -> bool:
    """True if Brian2's cython target works here (Cython and a C compiler present)."""
    import_brian2()
    from brian2.codegen.runtime.cython_rt import CythonCodeObject

    try:
        return bool(CythonCodeObject.is_available())
    except Exception:  # pragma: no cover - a broken toolchain counts as unavailable
        return False
