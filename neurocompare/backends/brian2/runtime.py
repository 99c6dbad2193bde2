"""Brian2 itself: importing it, its code-generation target for one run, and whether cython works here."""

from __future__ import annotations

import contextlib
import gc
import warnings
from typing import Any, Iterator

from ...errors import BackendError

__all__ = ["import_brian2", "brian2_context", "gc_frozen", "cython_available"]


def import_brian2() -> Any:
    """Import Brian2, hiding the deprecation warnings newer pyparsing raises inside it."""
    try:
        from pyparsing.warnings import PyparsingDeprecationWarning as _PDW  # pyparsing >= 3.3
    except ImportError:  # pragma: no cover - older pyparsing
        _PDW = DeprecationWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", _PDW)
        try:
            import brian2
        except ImportError as exc:  # pragma: no cover - brian2 is a core dependency
            raise BackendError(
                f"The spiking backend needs Brian2 2.9 ('pip install \"brian2>=2.9,<2.10\"'): {exc}"
            ) from exc
    return brian2


@contextlib.contextmanager
def brian2_context(b2: Any, target: str) -> Iterator[None]:
    """Set Brian2's code-generation target for one build/run and restore it afterwards."""
    try:
        from pyparsing.warnings import PyparsingDeprecationWarning as _PDW
    except ImportError:  # pragma: no cover
        _PDW = DeprecationWarning
    old_target = b2.prefs.codegen.target
    b2.prefs.codegen.target = target
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", _PDW)
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
