"""Finding and running scenarios: one script per question.

A scenario is a Python file ``NAME.py`` whose docstring states the question, with a
``build_circuit()``, a ``run(*, seed=0, quick=False, progress=None, **options)`` that compares
and returns the :class:`~neurocompare.compare.Comparison`, and a ``main(out_dir, **options)``
that runs it and writes the report. The keyword options of ``run`` with their defaults are the
scenario's documented options (``--set NAME=VALUE`` on the command line, sweep parameters).

Scenarios are looked up in, in order: the folders given explicitly, ``$NEUROCOMPARE_SCENARIOS``
(``os.pathsep``-separated), ``./scenarios`` and the ``scenarios/`` folder next to the installed
package (a source checkout). The built-in ``demo`` (XOR) is always available.
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Mapping, Sequence

from .errors import ParameterError, UnknownNameError

__all__ = ["ScenarioInfo", "find_scenarios", "get_scenario", "load_scenario", "scenario_options", "run_scenario",
           "compare_scenario", "DEFAULT_OUTPUT_ROOT"]

#: Reports go to ``DEFAULT_OUTPUT_ROOT/NAME`` unless an output folder is given.
DEFAULT_OUTPUT_ROOT = Path("neurocompare-output")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")
_BUILTIN = {"demo": "neurocompare.demo"}
_RESERVED = {"main", "build_circuit"}


@dataclass(frozen=True)
class ScenarioInfo:
    """Where a scenario lives and the question it answers."""

    name: str
    question: str
    path: Path | None  # None for built-in scenarios
    module: str | None = None


def _dirs(extra: Sequence[str | os.PathLike] = ()) -> list[Path]:
    dirs = [Path(d) for d in extra]
    env = os.environ.get("NEUROCOMPARE_SCENARIOS")
    if env:
        dirs += [Path(d) for d in env.split(os.pathsep) if d]
    dirs.append(Path.cwd() / "scenarios")
    dirs.append(Path(__file__).resolve().parents[1] / "scenarios")
    seen, out = set(), []
    for d in dirs:
        r = d.resolve()
        if r not in seen and r.is_dir():
            seen.add(r)
            out.append(r)
    return out


def _question(doc: str | None) -> str:
    if not doc:
        return "(no description)"
    return doc.strip().splitlines()[0].strip()


def find_scenarios(extra_dirs: Sequence[str | os.PathLike] = ()) -> dict[str, ScenarioInfo]:
    """All scenarios by name (first found wins), built-in ones included."""
    found: dict[str, ScenarioInfo] = {}
    for d in _dirs(extra_dirs):
        for path in sorted(d.glob("*.py")):
            name = path.stem
            if name.startswith("_") or not _NAME.match(name) or name in found:
                continue
            try:
                doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")))
            except (SyntaxError, OSError, UnicodeDecodeError):
                doc = "(unreadable scenario file)"
            found[name] = ScenarioInfo(name, _question(doc), path)
    for name, module in _BUILTIN.items():
        if name not in found:
            mod = importlib.import_module(module)
            found[name] = ScenarioInfo(name, _question(mod.__doc__), None, module)
    return dict(sorted(found.items()))


def get_scenario(name: str, extra_dirs: Sequence[str | os.PathLike] = ()) -> ScenarioInfo:
    """The scenario called ``name``; an unknown name lists the valid ones."""
    scenarios = find_scenarios(extra_dirs)
    try:
        return scenarios[name]
    except KeyError:
        raise UnknownNameError(f"Unknown scenario {name!r}; valid: {', '.join(scenarios)}.") from None


def load_scenario(info: ScenarioInfo) -> ModuleType:
    """Import a scenario's module (its file is code: only files from the scenario folders)."""
    if info.path is None:
        return importlib.import_module(info.module)  # type: ignore[arg-type]
    spec = importlib.util.spec_from_file_location(f"neurocompare_scenario_{info.name}", info.path)
    if spec is None or spec.loader is None:  # pragma: no cover
        raise UnknownNameError(f"Scenario {info.name!r}: cannot load {info.path}.")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for fn in ("run", "main"):
        if not callable(getattr(module, fn, None)):
            raise UnknownNameError(f"Scenario {info.name!r} ({info.path}) has no {fn}() function.")
    return module


def scenario_options(module: ModuleType) -> dict[str, Any]:
    """The scenario's documented options: keyword parameters of ``run`` with their defaults."""
    sig = inspect.signature(module.run)
    return {
        n: p.default
        for n, p in sig.parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and n not in ("seed", "quick", "progress")
        and p.default is not inspect.Parameter.empty
    }


def parse_option(name: str, text: str, default: Any) -> Any:
    """Convert a command-line value to the type of the option's default."""
    try:
        if isinstance(default, bool):
            if text.lower() in ("1", "true", "yes", "on"):
                return True
            if text.lower() in ("0", "false", "no", "off"):
                return False
            raise ValueError
        if isinstance(default, int):
            return int(text)
        if isinstance(default, float):
            value = float(text)
            if value != value or value in (float("inf"), float("-inf")):
                raise ValueError
            return value
        if isinstance(default, (tuple, list)):
            items = [t for t in text.split(",") if t]
            inner = default[0] if default else ""
            return type(default)(parse_option(name, t, inner) for t in items)
    except ValueError:
        kind = type(default).__name__
        raise ParameterError(f"Option {name!r}: expected {kind}, got {text!r}.") from None
    return text


def describe_options(known: Mapping[str, Any]) -> str:
    """``name (default value), ...`` for error messages that list a scenario's valid options."""
    return ", ".join(f"{k} (default {v!r})" for k, v in known.items()) or "none"


def _check_options(name: str, module: ModuleType, options: Mapping[str, Any] | None) -> dict[str, Any]:
    known = scenario_options(module)
    options = dict(options or {})
    unknown = sorted(set(options) - set(known))
    if unknown:
        valid = describe_options(known)
        raise ParameterError(f"Scenario {name!r}: unknown option(s) {', '.join(unknown)}; valid: {valid}.")
    return options


def _load_with_options(
    name: str, options: Mapping[str, Any] | None, extra_dirs: Sequence[str | os.PathLike]
) -> tuple[Any, dict[str, Any]]:
    """The scenario's module and its checked options."""
    module = load_scenario(get_scenario(name, extra_dirs))
    return module, _check_options(name, module, options)


def compare_scenario(
    name: str,
    *,
    seed: int = 0,
    quick: bool = False,
    options: Mapping[str, Any] | None = None,
    progress: Callable[[str, float, float], None] | None = None,
    extra_dirs: Sequence[str | os.PathLike] = (),
) -> Any:
    """Run one scenario's comparison without writing a report (for sweeps); returns the Comparison."""
    module, options = _load_with_options(name, options, extra_dirs)
    return module.run(seed=seed, quick=quick, progress=progress, **options)


def run_scenario(
    name: str,
    *,
    out_dir: str | os.PathLike | None = None,
    seed: int = 0,
    quick: bool = False,
    options: Mapping[str, Any] | None = None,
    progress: Callable[[str, float, float], None] | None = None,
    extra_dirs: Sequence[str | os.PathLike] = (),
) -> Any:
    """Run one scenario and write its report; returns the Comparison."""
    module, options = _load_with_options(name, options, extra_dirs)
    out = Path(out_dir) if out_dir is not None else DEFAULT_OUTPUT_ROOT / name
    return module.main(out, seed=seed, quick=quick, progress=progress, **options)
