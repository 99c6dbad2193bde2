"""Finding and running scenarios: one script per question.

A scenario is a Python file ``NAME.py`` that reads like a short lab protocol: a docstring stating
the question, a ``build_circuit()``, and a ``run(*, seed=0, progress=None, **options)`` that
compares and returns the :class:`~neurocompare.comparison.Comparison`. The keyword options of
``run`` with their defaults are the scenario's documented options (``--set NAME=VALUE`` on the
command line, sweep parameters). Optionally:

- ``QUICK = {...}``: option values for a short run (``--quick``). The rule: ``run`` is called with
  ``{**defaults, **(QUICK if quick else {}), **explicit options}``; quick gives defaults, explicit
  options always win, and ``run`` itself never sees ``quick``.
- ``main(out_dir, *, seed, progress, **options)``: a custom "run and write the report"; without one,
  the runner calls ``run`` and writes the report with :func:`neurocompare.report.write_report`.

A script ends with ``if __name__ == "__main__": run_script()`` so ``python scenarios/NAME.py`` works.

Where scenarios come from (a scenario file is code, so only from folders the user names):

1. the installed scenarios: the built-in ``demo`` (XOR) and the ``scenarios/`` folder next to the
   package (a source checkout or an editable install);
2. the folders given explicitly (``--scenarios DIR``, ``extra_dirs=``), then ``$NEUROCOMPARE_SCENARIOS``
   (``os.pathsep``-separated).

The current folder's ``scenarios/`` is not searched unless named: unpacking someone's bundle and running
a scenario there never runs the bundle's code by surprise. An installed scenario always wins: a user
scenario of the same name is ignored with a :class:`~neurocompare.errors.ShadowedScenarioWarning` naming
both files (rename yours to run it).
"""

from __future__ import annotations

import ast
import importlib.util
import inspect
import logging
import os
import re
import sys
import time
import warnings
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import ModuleType
from typing import Any, Callable, Iterator, Mapping, Sequence

from .errors import ParameterError, ShadowedScenarioWarning, UnknownNameError
from .models import neuron_from_name, synapse_from_dict
from .options import typed_options, unknown_options_error
from .parallel import kill_workers, worker_init

__all__ = ["ScenarioInfo", "ScenarioJob", "find_scenarios", "get_scenario", "load_scenario", "scenario_options",
           "run_scenario", "compare_scenario", "run_many", "run_script", "DEFAULT_OUTPUT_ROOT", "check_model_option"]

log = logging.getLogger(__name__)

#: Reports go to ``DEFAULT_OUTPUT_ROOT/NAME`` unless an output folder is given.
DEFAULT_OUTPUT_ROOT = Path("neurocompare-output")
_NAME = re.compile(r"[a-z][a-z0-9_]*")
#: The installed scenario scripts (next to the package: a source checkout or an editable install).
_INSTALLED = Path(__file__).resolve().parents[1] / "scenarios"
_BUILTIN = {"demo": "neurocompare.demo"}
_NOT_OPTIONS = ("seed", "quick", "progress")
Progress = Callable[[str, float, float], None]


@dataclass(frozen=True)
class ScenarioInfo:
    """Where a scenario lives and the question it answers."""

    name: str
    question: str
    path: Path | None  # None for built-in scenarios
    module: str | None = None


def _dirs(extra: Sequence[str | os.PathLike] = ()) -> list[Path]:
    dirs = [Path(d) for d in extra]
    for d in dirs:  # folders the caller names must be folders (the default places may be missing)
        if not d.is_dir():
            what = "is a file" if d.is_file() else "does not exist"
            hint = (f"; to use the scenario in it, pass its folder: --scenarios {str(d.parent) or '.'}"
                    if d.suffix == ".py" else "")
            raise ParameterError(f"Scenario folder {str(d)!r} {what}: --scenarios takes a folder of scenario "
                                 f"scripts{hint}.")
    env = os.environ.get("NEUROCOMPARE_SCENARIOS")
    if env:
        dirs += [Path(d) for d in env.split(os.pathsep) if d]
    dirs.insert(0, _INSTALLED)
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
    """All scenarios by name, installed ones first (see the module docstring), built-in ones included."""
    found: dict[str, ScenarioInfo] = {}
    for d in _dirs(extra_dirs):
        for path in sorted(d.glob("*.py")):
            name = path.stem
            if name.startswith("_") or not _NAME.fullmatch(name):
                continue
            if name in found or (name in _BUILTIN and d != _INSTALLED):
                first = repr(str(found[name].path)) if name in found else f"built into neurocompare ({_BUILTIN[name]})"
                if found.get(name) is None or found[name].path.parent == _INSTALLED:
                    warnings.warn(f"Scenario {name!r} in {str(path)!r} is ignored: the installed scenario "
                                  f"{first} has the same name; rename yours to run it.",
                                  ShadowedScenarioWarning, stacklevel=2)
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
        raise UnknownNameError(f"Unknown scenario {name!r}; valid: {', '.join(scenarios)}.{_path_hint(name)}") from None


def _path_hint(name: str) -> str:
    """What to do when a scenario "name" is really a file path (a scenario script or a circuit file)."""
    path = Path(name)
    if path.suffix == ".py":
        return (f" {name!r} looks like a scenario script: run it with `python {name}`, or pass its folder with "
                f"--scenarios {str(path.parent) or '.'} and its name {path.stem!r}.")
    local = Path("scenarios") / f"{name}.py"
    if _NAME.fullmatch(name) and local.is_file() and local.resolve().parent != _INSTALLED:
        return (f" The current folder has {str(local)!r}; scenarios run only from folders you name: "
                f"--scenarios scenarios (or $NEUROCOMPARE_SCENARIOS) if you trust that file.")
    if path.suffix == ".json" or path.is_file():
        return (f" {name!r} looks like a file: a scenario is a script (see the README, 'A scenario'); a circuit "
                "file is loaded in one with Circuit.load(path).")
    return ""


def load_scenario(info: ScenarioInfo) -> ModuleType:
    """Import a scenario's module (its file is code: only files from the scenario folders)."""
    if info.path is None:
        return importlib.import_module(info.module)  # type: ignore[arg-type]
    spec = importlib.util.spec_from_file_location(f"neurocompare_scenario_{info.name}", info.path)
    if spec is None or spec.loader is None:  # pragma: no cover
        raise UnknownNameError(f"Scenario {info.name!r}: cannot load {info.path}.")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    if not callable(getattr(module, "run", None)):
        raise UnknownNameError(f"Scenario {info.name!r} ({info.path}) has no run() function; define "
                               "run(*, seed=0, progress=None, **options) returning the Comparison.")
    return module


def _module_name(module: ModuleType) -> str:
    """The scenario's name from its module (for messages)."""
    name = module.__name__
    if name == "__main__" and getattr(module, "__file__", None):
        return Path(module.__file__).stem
    return name.removeprefix("neurocompare_scenario_").rsplit(".", 1)[-1]


def scenario_options(module: ModuleType, *, quick: bool = False) -> dict[str, Any]:
    """The scenario's documented options with their defaults: keyword parameters of ``run``.

    Parameters
    ----------
    module : module
        A loaded scenario (:func:`load_scenario`).
    quick : bool
        Give the scenario's ``QUICK`` values instead of the defaults they replace.

    Returns
    -------
    dict
        Option name -> value, in ``run``'s order.
    """
    sig = inspect.signature(module.run)
    defaults = {
        n: p.default
        for n, p in sig.parameters.items()
        if p.kind is inspect.Parameter.KEYWORD_ONLY and n not in _NOT_OPTIONS
        and p.default is not inspect.Parameter.empty
    }
    quick_values = getattr(module, "QUICK", {})
    if not isinstance(quick_values, Mapping):
        raise ParameterError(f"Scenario {_module_name(module)!r}: QUICK must be a dict of option values; got "
                             f"{type(quick_values).__name__}.")
    quick_values = typed_options(_module_name(module), quick_values, defaults)  # checked even when not used
    return {**defaults, **quick_values} if quick else defaults


#: Options every scenario that offers them reads as a model name: checked before anything runs (a run or a sweep).
_MODEL_OPTIONS = {"neuron": neuron_from_name, "synapse": synapse_from_dict}


def check_model_option(scenario: str, name: str, value: Any) -> None:
    """For the ``neuron`` and ``synapse`` options (a model name; "" for the scenario's own): an error naming the
    scenario, the option, the value and the valid names unless ``value`` names a model."""
    parse = _MODEL_OPTIONS.get(name)
    if parse is not None and isinstance(value, str) and value:
        parse(value, owner=f"Scenario {scenario!r}: option {name}")


def _load_with_options(
    name: str, options: Mapping[str, Any] | None, quick: bool, extra_dirs: Sequence[str | os.PathLike]
) -> tuple[ModuleType, dict[str, Any]]:
    """The scenario's module and the options ``run`` gets: defaults, then quick values, then ``options``."""
    module = load_scenario(get_scenario(name, extra_dirs))
    known = scenario_options(module, quick=quick)
    options = dict(options or {})
    unknown = set(options) - set(known)
    if unknown:
        raise unknown_options_error(name, unknown, known)
    for option, value in options.items():
        check_model_option(name, option, value)
    return module, {**known, **options}


def compare_scenario(name: str, **kwargs: Any) -> Any:
    """Run one scenario's comparison without writing a report (for sweeps); returns the Comparison.

    Takes the keywords of :func:`run_scenario` except ``out_dir``; ``quick`` gives the scenario's
    ``QUICK`` values to the options not in ``options``.
    """
    return run_scenario(name, out_dir=None, write=False, **kwargs)


def _run_and_report(module: ModuleType, out: Path, *, seed: int, progress: Progress | None,
                    options: Mapping[str, Any]) -> Any:
    """The scenario's own ``main`` if it has one, else ``run`` and the report written into ``out``.

    ``out`` is checked first (new, empty or an earlier report), so a refused folder costs no simulation.
    """
    from .report import write_report
    from .report.folders import claim_folder

    claim_folder(out, "report")
    if callable(getattr(module, "main", None)):
        return module.main(out, seed=seed, progress=progress, **options)

    comparison = module.run(seed=seed, progress=progress, **options)
    # the scenario's name (not its circuit's) in metrics.json and metrics.csv; kept with the saved results
    comparison = replace(comparison, parameters={**comparison.parameters, "scenario": _module_name(module)})
    write_report(comparison, out)
    return comparison


def run_scenario(
    name: str,
    *,
    out_dir: str | os.PathLike | None = None,
    seed: int = 0,
    quick: bool = False,
    options: Mapping[str, Any] | None = None,
    progress: Progress | None = None,
    extra_dirs: Sequence[str | os.PathLike] = (),
    write: bool = True,
) -> Any:
    """Run one scenario and write its report (unless ``write=False``); returns the Comparison.

    Parameters
    ----------
    name : str
        The scenario (see :func:`find_scenarios`).
    out_dir : path, optional
        The report folder (default ``neurocompare-output/NAME``).
    seed : int
        Passed to the scenario's ``run``.
    quick : bool
        The scenario's ``QUICK`` values for the options not in ``options``.
    options : mapping, optional
        Documented options (typed values; see :func:`neurocompare.options.typed_options` for text).
    progress : callable, optional
        ``progress(stage, fraction, elapsed_s)``.
    extra_dirs : sequence of paths
        More folders to find scenarios in.
    write : bool
        False: only compare (``out_dir`` is ignored and nothing is written), as sweeps do.
    """
    module, options = _load_with_options(name, options, quick, extra_dirs)
    if not write:
        return module.run(seed=seed, progress=progress, **options)
    out = Path(out_dir) if out_dir is not None else DEFAULT_OUTPUT_ROOT / name
    return _run_and_report(module, out, seed=seed, progress=progress, options=options)


def run_script(module_name: str = "__main__") -> Any:
    """Run a scenario script with its defaults and write the report to ``neurocompare-output/NAME``.

    A scenario file ends with ``if __name__ == "__main__": run_script()``, so that
    ``python scenarios/NAME.py`` works; the command line (``neurocompare run NAME``) offers the options.
    """
    module = sys.modules[module_name]
    name = _module_name(module)
    out = DEFAULT_OUTPUT_ROOT / name
    comparison = _run_and_report(module, out, seed=0, progress=None, options=scenario_options(module))
    log.info("%s: report written to %s", name, out / "report.html")
    return comparison


@dataclass(frozen=True)
class ScenarioJob:
    """One scenario to run by :func:`run_many`: its name, report folder and (typed) options."""

    name: str
    out_dir: Path
    options: Mapping[str, Any] = field(default_factory=dict)


def _timed_run(job: ScenarioJob, seed: int, quick: bool, extra_dirs: Sequence[str],
               progress: Progress | None = None) -> float:
    start = time.perf_counter()
    run_scenario(job.name, out_dir=job.out_dir, seed=seed, quick=quick, options=job.options, progress=progress,
                 extra_dirs=extra_dirs)
    return time.perf_counter() - start


def run_many(
    jobs: Sequence[ScenarioJob],
    *,
    processes: int = 1,
    seed: int = 0,
    quick: bool = False,
    extra_dirs: Sequence[str | os.PathLike] = (),
    progress: Callable[[str], Progress | None] | None = None,
) -> Iterator[tuple[ScenarioJob, float]]:
    """Run several scenarios and write their reports; yields (job, wall seconds) as each finishes.

    Parameters
    ----------
    jobs : sequence of ScenarioJob
    processes : int
        Scenarios at a time, each in its own spawned process (its own Brian2); 1 runs them here,
        one after another.
    seed, quick, extra_dirs
        As for :func:`run_scenario`.
    progress : callable, optional
        ``progress(name)`` gives the progress callback of one scenario (only with ``processes=1``).
    """
    extra = [str(d) for d in extra_dirs]
    if processes <= 1 or len(jobs) <= 1:
        for job in jobs:
            yield job, _timed_run(job, seed, quick, extra, progress(job.name) if progress else None)
        return
    yield from _run_parallel(jobs, processes, seed, quick, extra)


def _run_parallel(jobs: Sequence[ScenarioJob], processes: int, seed: int, quick: bool,
                  extra: Sequence[str]) -> Iterator[tuple[ScenarioJob, float]]:
    import multiprocessing
    from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait

    ctx = multiprocessing.get_context("spawn")  # a fresh interpreter per worker: no inherited Brian2 state
    # The workers ignore SIGINT and SIGTERM (a terminal's Ctrl+C reaches them too): this process decides.
    with ProcessPoolExecutor(min(processes, len(jobs)), mp_context=ctx, initializer=worker_init,
                             initargs=(warnings.formatwarning,)) as pool:
        futures = {pool.submit(_timed_run, job, seed, quick, extra): job for job in jobs}
        pending = set(futures)
        try:
            while pending:
                done, pending = wait(pending, return_when=FIRST_COMPLETED)  # each report as it finishes
                for fut in done:
                    yield futures[fut], fut.result()  # re-raises the scenario's error here
        except BaseException as exc:
            if not isinstance(exc, Exception):  # Ctrl+C, SIGTERM, closed: the scenarios still running are abandoned
                kill_workers(pool)  # the pool breaks and fails the pending futures (cancelling them too breaks it)
                raise
            for fut in pending:
                fut.cancel()
            raise
