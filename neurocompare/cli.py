"""Command-line interface: ``neurocompare list | run | report | sweep``.

Thin by design: parse the arguments, call the library (one function per sub-command), print
one line per report. Errors a user can cause (unknown scenario, bad option value, unwritable
folder) print one line and exit 2; a sweep with failed tasks exits 1.

Interrupts, one policy for every command: SIGINT (Ctrl+C, to the process group or to this process
alone, even when the shell started it with SIGINT ignored) and SIGTERM stop the command within a
few seconds: the library cancels what is pending and closes its worker processes (which ignore both
signals themselves), finished reports and sweep rows stay intact, one line says what finished and
how to resume, and the exit status is 130 (SIGINT) or 143 (SIGTERM). A second signal while stopping
is ignored; if stopping takes longer than :data:`STOP_DEADLINE_S`, the remaining child processes are
killed and the command exits with the same status.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import threading
import time
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn, Sequence, TextIO

from . import __version__
from .errors import BackendError, NeurocompareError, ParameterError
from .parallel import spare_cores

if TYPE_CHECKING:  # the library is imported by each command, so --help and list stay fast
    from .scenarios import ScenarioJob

__all__ = ["main", "build_parser", "STOP_DEADLINE_S"]

#: Seconds after a SIGINT/SIGTERM within which the command has exited, child processes included.
STOP_DEADLINE_S = 4.5


class _Stopped(KeyboardInterrupt):
    """An interrupted command, with the one line saying what finished and how to resume."""


class _Interrupts:
    """The command line's SIGINT/SIGTERM handler: the first signal raises KeyboardInterrupt, later ones are ignored."""

    def __init__(self) -> None:
        self.signum: int | None = None
        self.finished = threading.Event()
        self.previous: dict[int, object] = {}

    @contextlib.contextmanager
    def installed(self):  # type: ignore[no-untyped-def]
        """The handler for SIGINT and SIGTERM while the command runs (in a main thread); the caller's after."""
        if threading.current_thread() is threading.main_thread():
            self.previous = {sig: signal.signal(sig, self) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            yield self
        finally:
            self.finished.set()
            for sig, handler in self.previous.items():
                signal.signal(sig, handler)  # type: ignore[arg-type]

    @property
    def status(self) -> int:
        return 128 + int(self.signum or signal.SIGINT)

    def __call__(self, signum: int, frame: object) -> None:
        if self.signum is not None:  # stopping already: a second Ctrl+C must not break the cleanup
            return
        self.signum = signum
        threading.Thread(target=self._deadline, name="neurocompare-stop-deadline", daemon=True).start()
        raise KeyboardInterrupt

    def _deadline(self) -> None:
        """Last resort: kill the child processes still alive after STOP_DEADLINE_S and exit."""
        if self.finished.wait(STOP_DEADLINE_S):
            return
        with contextlib.suppress(Exception):
            import psutil  # a dependency of Dask distributed

            for child in psutil.Process().children(recursive=True):
                with contextlib.suppress(psutil.Error):
                    child.kill()
        sys.stderr.write(f"neurocompare: interrupted ({signal.Signals(self.signum or 2).name}); stopping took "
                         f"over {STOP_DEADLINE_S:g} s: stopped hard\n")
        sys.stderr.flush()
        os._exit(self.status)


def _one_line(text: str) -> str:
    """``text`` with control characters escaped, so an error message stays on one line."""
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in str(text))


class _Parser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {_one_line(message)} (see '{self.prog} --help')\n")


class ProgressBar:
    """A one-line progress bar on stderr (a terminal), drawn only for runs longer than ``delay_s``."""

    def __init__(self, label: str, stream: TextIO | None = None, delay_s: float = 2.0,
                 always: bool = False) -> None:
        self.label = label
        self.stream = stream if stream is not None else sys.stderr
        self.delay_s = delay_s
        self.enabled = always or bool(getattr(self.stream, "isatty", lambda: False)())
        self.drawn = False
        self.start = time.perf_counter()

    def __call__(self, stage: str, fraction: float, elapsed_s: float) -> None:
        if not self.enabled:
            return
        if elapsed_s < self.delay_s and fraction < 1.0 and not self.drawn:
            return
        if fraction >= 1.0 and not self.drawn:
            return
        width = 30
        filled = int(round(width * min(max(fraction, 0.0), 1.0)))
        bar = "#" * filled + "-" * (width - filled)
        end = "\n" if fraction >= 1.0 else ""
        self.stream.write(f"\r{self.label}: {stage:<14} [{bar}] {100 * fraction:5.1f}% {elapsed_s:6.1f} s{end}")
        self.stream.flush()
        self.drawn = fraction < 1.0


def cmd_list(args: argparse.Namespace) -> int:
    from .scenarios import find_scenarios

    import textwrap

    from .scenarios import load_scenario, scenario_options

    scenarios = find_scenarios(args.scenarios or ())
    width = max(len(n) for n in scenarios)
    for name, info in scenarios.items():
        print(f"{name:<{width}}  {info.question}")
        options = scenario_options(load_scenario(info)) if info.path is not None else {}
        if options:  # what --set takes, with its default
            text = "options: " + ", ".join(f"{k}={v!r}" for k, v in options.items())
            print(textwrap.fill(text, width=118, initial_indent=" " * (width + 2),
                                subsequent_indent=" " * (width + 11)))
    return 0


def _scenario_names(args: argparse.Namespace) -> list[str]:
    from .scenarios import find_scenarios

    if args.all == bool(args.name):
        raise ParameterError("give a scenario NAME or --all (not both).")
    if not args.all:
        return [args.name]
    found = [n for n, info in find_scenarios(args.scenarios or ()).items() if info.path is not None]
    return found or ["demo"]  # the built-in demo only when no scripts are installed


def _job(name: str, args: argparse.Namespace, texts: dict[str, str]) -> ScenarioJob:
    """One scenario of ``neurocompare run``: its report folder and its typed options."""
    from .scenarios import DEFAULT_OUTPUT_ROOT, ScenarioJob, get_scenario, load_scenario, scenario_options
    from .options import typed_options

    defaults = scenario_options(load_scenario(get_scenario(name, args.scenarios or ())))
    opts = typed_options(name, texts, defaults)
    if args.mlflow is not None:
        if "mlflow" in defaults:
            opts["mlflow"] = args.mlflow
        elif not args.all:  # with --all, scenarios without training simply do not log
            raise ParameterError(f"Scenario {name!r} does not log to MLflow (only scenarios with an 'mlflow' option "
                                 "do, e.g. digits); drop --mlflow.")
    if args.out is None:
        return ScenarioJob(name, DEFAULT_OUTPUT_ROOT / name, opts)
    return ScenarioJob(name, Path(args.out) / name if args.all else Path(args.out), opts)


def cmd_run(args: argparse.Namespace) -> int:
    from .report.folders import claim_folder, record_run, recorded_run
    from .scenarios import run_many
    from .options import parse_assignments

    names = _scenario_names(args)
    texts = parse_assignments(args.set or [])
    processes = args.jobs if args.jobs is not None else spare_cores() + 1  # a bad $NEUROCOMPARE_JOBS fails here
    if args.all and texts:
        raise ParameterError("--set applies to one scenario; drop it with --all.")
    if args.mlflow is not None:
        import importlib.util

        if importlib.util.find_spec("mlflow") is None:
            raise BackendError('--mlflow needs the MLflow extra: pip install -e ".[mlflow]" (mlflow-skinny, '
                               "sqlalchemy, alembic).")
    jobs = [_job(name, args, texts) for name in names]
    for job in jobs:  # every report folder is checked before any scenario runs
        claim_folder(job.out_dir, "report")
    if args.all and args.out is not None:
        Path(args.out).mkdir(parents=True, exist_ok=True)
    kept: list[str] = []
    if args.all and not args.force:  # resume: a finished report made the same way is kept
        for job in jobs:
            if recorded_run(job.out_dir) == _run_record(job, args):
                print(f"{job.name}: kept the finished report in {job.out_dir} (same seed, options and version; "
                      "--force runs it again)", flush=True)
                kept.append(job.name)
        jobs = [job for job in jobs if job.name not in kept]
    progress = None if args.no_progress else ProgressBar
    if args.all and jobs:
        at_once = min(processes, len(jobs)) if processes > 1 else 1
        print(f"running {len(jobs)} scenario(s), {at_once} at a time: {', '.join(j.name for j in jobs)}", flush=True)
    finished: list[str] = []
    try:
        for job, elapsed in run_many(jobs, processes=processes, seed=args.seed, quick=args.quick,
                                     extra_dirs=args.scenarios or (), progress=progress):
            record_run(job.out_dir, _run_record(job, args))
            finished.append(job.name)
            count = f" [{len(finished) + len(kept)}/{len(jobs) + len(kept)}]" if args.all else ""
            print(f"{job.name}: report written to {job.out_dir / 'report.html'} ({elapsed:.1f} s){count}", flush=True)
    except KeyboardInterrupt:
        done = f" ({', '.join(kept + finished)})" if finished or kept else ""
        rest = "run the same command again to run the rest (finished reports are kept)" if args.all else \
            "run the same command again"
        raise _Stopped(f"{len(finished) + len(kept)} of {len(jobs) + len(kept)} report(s) finished and intact{done}; "
                       f"{rest}") from None
    return 0


def _run_record(job: ScenarioJob, args: argparse.Namespace) -> dict[str, Any]:
    """What makes a scenario's report: kept by ``run --all`` when a finished one records the same."""
    return json.loads(json.dumps({"scenario": job.name, "seed": args.seed, "quick": bool(args.quick),
                                  "options": dict(job.options), "neurocompare": __version__},
                                 sort_keys=True, default=repr))


#: The spiking options ``compare --spiking`` takes, with their defaults (SpikingBackend's).
SPIKING_OPTIONS = {"duration_ms": 100.0, "dt_ms": 0.1, "encoding": "poisson", "rate_scale_hz": 200.0,
                   "target": "auto", "synapse_mode": "multi", "input_mode": "auto"}
#: The worked example of ``neurocompare compare --help`` (tests run it as written).
COMPARE_EXAMPLE = """example (XOR, a built-in circuit, saved as a file with its four input rows and labels):
  python -c "import numpy as np; from neurocompare.demo import xor_circuit, XOR_INPUTS; \\
      xor_circuit().save('xor.json'); np.save('xor_x.npy', XOR_INPUTS); np.save('xor_y.npy', [0, 1, 1, 0])"
  neurocompare compare xor.json --inputs xor_x.npy --labels xor_y.npy \\
      --spiking encoding=regular --spiking rate_scale_hz=100 --spiking duration_ms=200 --out xor-report
"""


def _is_nir(path: str) -> bool:
    """A NIR file: suffix .nir/.h5/.hdf5, or HDF5's signature in the first bytes."""
    if Path(path).suffix.lower() in (".nir", ".h5", ".hdf5"):
        return True
    try:
        with open(path, "rb") as fh:
            return fh.read(8) == b"\x89HDF\r\n\x1a\n"
    except OSError:
        return False


def _load_compared_circuit(args: argparse.Namespace, spiking: dict[str, Any]) -> tuple[Any, Any]:
    """The circuit of ``compare`` and, for a NIR file, its import (None for a circuit file)."""
    from .circuit import Circuit

    nir_flags = [f for f, v in (("--convention", args.convention), ("--bits", args.bits),
                                ("--unit-weight", args.unit_weight)) if v is not None]
    if not _is_nir(args.circuit):
        if nir_flags:
            raise ParameterError(f"{nir_flags[0]} is for NIR files; {args.circuit!r} is a neurocompare circuit file.")
        return Circuit.load(args.circuit), None
    imported = Circuit.from_nir(args.circuit, convention=args.convention, bits=args.bits, unit_weight=args.unit_weight,
                                rate_scale_hz=spiking.get("rate_scale_hz", SPIKING_OPTIONS["rate_scale_hz"]))
    if imported.dt_ms is not None and "dt_ms" not in spiking:
        spiking["dt_ms"] = imported.dt_ms
    print(imported.report.summary() + (f"; running at the exporter's dt {imported.dt_ms:g} ms"
                                       if imported.dt_ms is not None else ""))
    return imported.circuit, imported


def cmd_compare(args: argparse.Namespace) -> int:
    from .compare import compare
    from .input_files import load_inputs, load_labels
    from .options import parse_assignments, typed_options
    from .report import write_report
    from .report.folders import claim_folder

    start = time.perf_counter()
    spiking = typed_options("", parse_assignments(args.spiking or [], flag="--spiking"), SPIKING_OPTIONS,
                            owner="--spiking")
    if args.out:  # before the circuit is read: a refused folder is said first
        claim_folder(args.out, "report")
    circuit, imported = _load_compared_circuit(args, spiking)
    out = Path(args.out) if args.out else Path("neurocompare-output") / circuit.name
    if not args.out:  # the default folder is known only now
        claim_folder(out, "report")
    rate = spiking.get("rate_scale_hz", SPIKING_OPTIONS["rate_scale_hz"])
    inputs = (load_inputs(args.inputs, circuit, rate_scale_hz=rate,
                          dt_ms=spiking.get("dt_ms", SPIKING_OPTIONS["dt_ms"])) if args.inputs else None)
    given = [v.given for v in (inputs or {}).values() if getattr(v, "given", None) is not None]
    if given and "duration_ms" not in spiking:
        spiking["duration_ms"] = given[0].duration_ms
    labels = load_labels(args.labels) if args.labels else None
    output = imported.outputs[-1] if imported is not None and imported.outputs else None
    comparison = compare(circuit, inputs, spiking=spiking, probes=("fi", "delays"), seed=args.seed, labels=labels,
                         readout=args.readout, threshold=args.threshold, output=output)
    extra = {"nir_conversion.md": imported.report.to_markdown()} if imported is not None else None
    write_report(comparison, out, extra_files=extra)
    print(f"{circuit.name}: report written to {out / 'report.html'} ({time.perf_counter() - start:.1f} s)")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    from .report import render_report

    out = render_report(args.dir)
    print(f"report re-rendered in {out / 'report.html'}")
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from .scenarios import get_scenario, load_scenario, scenario_options
    from .sweep import RESULTS_FILE, SweepInterrupted, sweep
    from .options import parse_grid

    extra = args.scenarios or ()
    defaults = scenario_options(load_scenario(get_scenario(args.name, extra)))
    params = parse_grid(args.name, args.param or [], defaults)
    progress = None if args.no_progress else ProgressBar(f"sweep {args.name}")
    try:
        result = sweep(args.name, params=params, seeds=args.seeds, seed=args.seed, paired_seeds=args.paired_seeds,
                       workers=args.workers, scheduler=args.scheduler, out_dir=args.out, quick=args.quick,
                       retry_failed=not args.keep_failed, metrics=args.metric or None, progress=progress,
                       extra_dirs=extra)
    except SweepInterrupted as exc:
        raise _Stopped(f"{exc.saved} of {exc.total} tasks done, saved in {exc.out_dir / RESULTS_FILE}; run the same "
                       "command again to resume") from None
    rerun = f", {result.rerun} re-run after their worker died" if result.rerun else ""
    print(f"{args.name} sweep: {len(result.rows)} rows ({result.ran} ran, {result.resumed} reused, "
          f"{len(result.failed)} failed{rerun}) in {result.elapsed_s:.1f} s; report {result.out_dir / 'sweep.html'}")
    if result.failed:
        first = result.failed[0]
        print(f"neurocompare: {len(result.failed)} task(s) failed (first: {_one_line(first['error'])}); see "
              f"{result.out_dir / RESULTS_FILE}; run the same command again to retry them", file=sys.stderr)
        return 1
    return 0


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be a non-negative integer, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"seed must be a non-negative integer, got {text!r}")
    return value


def _count(minimum: int, what: str):
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            value = None
        if value is None or value < minimum:
            raise argparse.ArgumentTypeError(f"{what} must be an integer >= {minimum}, got {text!r}")
        return value

    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="neurocompare",
        description="How does a real (spiking) neuron differ from an artificial one? Measured: each scenario runs "
                    "one circuit through a Brian2 spiking backend and a numpy artificial backend and writes a report.",
    )
    parser.add_argument("--version", action="version", version=f"neurocompare {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress details")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    common = _Parser(add_help=False)
    common.add_argument("--scenarios", action="append", metavar="DIR",
                        help="also look for scenario scripts in DIR (repeatable)")

    p = sub.add_parser("list", parents=[common], help="list the scenarios, one line each",
                       description="List the scenarios with the question each answers.")
    p.set_defaults(func=cmd_list)

    _add_run(sub, common)
    _add_compare(sub)
    p = sub.add_parser("report", help="re-render a report from its saved results (no simulation)",
                       description="Re-render DIR/report.html, report.md, figures and tables from DIR/results.")
    p.add_argument("dir", metavar="DIR", help="a report folder written by 'neurocompare run'")
    p.set_defaults(func=cmd_report)

    _add_sweep(sub, common)
    return parser


def _add_run(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "run", parents=[common], help="run scenarios and write their reports",
        description="Run a scenario (or --all) and write its report: metrics.json, metrics.csv, table.md/.csv, figures/, "
                    "report.html, report.md. Default output folder: neurocompare-output/NAME.",
    )
    p.add_argument("name", nargs="?", help="scenario name (see 'neurocompare list')")
    p.add_argument("--all", action="store_true", help="run every scenario script (the built-in demo only if there are none)")
    p.add_argument("--out", metavar="DIR", help="output folder (with --all: one sub-folder per scenario)")
    p.add_argument("--force", action="store_true",
                   help="with --all: run every scenario again (by default a finished report made with the same seed, "
                        "options and version is kept, so an interrupted --all resumes)")
    p.add_argument("--seed", type=_seed, default=0, help="seed of the spiking input encoding (default 0)")
    p.add_argument("--quick", action="store_true", help="short simulations (for smoke tests)")
    p.add_argument("--set", action="append", metavar="NAME=VALUE",
                   help="set a scenario option (repeatable); 'neurocompare list' shows the scenarios")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.add_argument("--jobs", type=_count(1, "--jobs"), metavar="N",
                   help="with --all: run N scenarios at a time, each in its own process (default: "
                        "$NEUROCOMPARE_JOBS, else the number of CPU cores; 1 runs them one after another in this "
                        "process, with progress bars)")
    p.add_argument("--mlflow", nargs="?", const="sqlite:///mlflow.db", metavar="URI",
                   help="log training runs to an MLflow tracking store (default URI: sqlite:///mlflow.db in the "
                        "current folder); needs the 'mlflow' extra")
    p.set_defaults(func=cmd_run)



def _add_compare(sub: Any) -> None:
    p = sub.add_parser(
        "compare", help="compare your own circuit file on your own inputs and write the report",
        description="Run a neurocompare circuit file (JSON, Circuit.save) through the Brian2 spiking backend and "
                    "the artificial backend on the inputs in FILE, with the f-I and delay probes, and write the "
                    "full report (metrics.json, metrics.csv, table.md/.csv, figures/, report.html) as a scenario does. "
                    "Inputs: .npz (one array per input population, named by it), .npy (one array, for a circuit "
                    "with one input population), or .csv (a header of population[index] columns, one row per "
                    "sample). Labels (.npy or one-column .csv): a class per sample (argmax read-out) or the "
                    "expected 0/1 output (threshold read-out); both sides' accuracy is then reported.",
        epilog=COMPARE_EXAMPLE, formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("circuit", metavar="CIRCUIT", help="a circuit file written by Circuit.save (JSON), or a NIR graph "
                                                     "(.nir/.h5 HDF5 file; extra 'nir')")
    p.add_argument("--convention", choices=("snntorch", "snntorch_zero", "norse", "norse_1_1", "rockpool", "continuous",
                                            "neurocompare"),
                   help="NIR files only: what the exporter meant by its numbers (time step, spike shape, reset); "
                        "required unless neurocompare wrote the file. The spiking side then runs at the "
                        "convention's dt unless --spiking dt_ms is given")
    p.add_argument("--bits", type=_count(1, "--bits"), help="NIR files only: round float weights to synapse counts "
                                                            "with |count| <= 2**bits - 1 (default: exact if the weights "
                                                            "are multiples of one unit, else 8)")
    p.add_argument("--unit-weight", type=float, help="NIR files only: the weight of one synapse")
    p.add_argument("--inputs", metavar="FILE", help="input values: .npz, .npy or .csv, or input spikes in a NIR data "
                                                   "file (.h5, nir.write_data; the run then lasts its t_max); omit "
                                                   "for a circuit without input populations")
    p.add_argument("--labels", metavar="FILE", help="labels: .npy or a one-column .csv")
    p.add_argument("--spiking", action="append", metavar="OPTION=VALUE",
                   help="a spiking backend option (repeatable): " + ", ".join(SPIKING_OPTIONS))
    p.add_argument("--readout", choices=("argmax", "threshold"),
                   help="how an answer is read (default: threshold for one output neuron, else argmax)")
    p.add_argument("--threshold", type=float, default=0.5, help="threshold of the threshold read-out (default 0.5)")
    p.add_argument("--out", metavar="DIR", help="output folder (default neurocompare-output/CIRCUIT_NAME)")
    p.add_argument("--seed", type=_seed, default=0, help="seed of the spiking input encoding (default 0)")
    p.set_defaults(func=cmd_compare)



def _add_sweep(sub: Any, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser(
        "sweep", parents=[common], help="run a scenario over a grid of options x seeds, in parallel, resumable",
        description="Run a scenario's comparison for every combination of --param values and seeds 0..N-1, on an "
                    "embedded Dask cluster of worker processes (default: one per core), an existing Dask cluster "
                    "(--scheduler) or serially (--workers 0). Each finished task is appended to DIR/results.csv; "
                    "running the same command again resumes (finished rows are kept, failed ones retried). "
                    "Writes DIR/sweep.html, sweep.md, summary.csv and figures/. Default DIR: "
                    "neurocompare-output/NAME-sweep.",
    )
    p.add_argument("name", help="scenario name (see 'neurocompare list')")
    p.add_argument("--param", action="append", metavar="NAME=V1,V2,...",
                   help="an option of the scenario and its values (repeatable; ';' separates values of list options); "
                        "one value fixes the option")
    p.add_argument("--seeds", type=_count(1, "--seeds"), default=1, metavar="N",
                   help="replicates per combination, seeds 0..N-1 (default 1)")
    p.add_argument("--seed", type=_seed, default=0, help="sweep seed the task seeds derive from (default 0)")
    p.add_argument("--paired-seeds", action="store_true",
                   help="same seed for every combination of a replicate (common random numbers)")
    p.add_argument("--workers", type=_count(0, "--workers"), default=None, metavar="K",
                   help="worker processes on this machine (default: one per core; 0: serially in this process)")
    p.add_argument("--scheduler", metavar="ADDRESS", help="run on an existing Dask cluster (tcp://host:port)")
    p.add_argument("--out", metavar="DIR", help="output folder; the same folder resumes")
    p.add_argument("--quick", action="store_true", help="short simulations (for smoke tests)")
    p.add_argument("--metric", action="append", metavar="NAME",
                   help="a headline metric to plot (repeatable; default: accuracies/agreement when reported)")
    p.add_argument("--keep-failed", action="store_true", help="do not retry tasks that failed in an earlier run")
    p.add_argument("--no-progress", action="store_true", help="no progress bar")
    p.set_defaults(func=cmd_sweep)


def _interrupted(exc: KeyboardInterrupt, interrupts: _Interrupts) -> int:
    """The one line of an interrupted command; its exit status (130 for SIGINT, 143 for SIGTERM)."""
    if "brian2" in sys.modules:  # no Brian2 warnings about the half-built objects of the interrupted run
        from .backends.brian2.prefs import silence

        silence()
    what = str(exc) if isinstance(exc, _Stopped) else "finished reports are intact"
    name = signal.Signals(interrupts.signum or signal.SIGINT).name
    print(f"neurocompare: interrupted ({name}); {_one_line(what)}", file=sys.stderr, flush=True)
    return interrupts.status


def warning_line(message, category, filename, lineno, line=None) -> str:
    """``neurocompare: warning (NotConvergedWarning): ...`` on one line, for warnings shown on the terminal."""
    return f"neurocompare: warning ({category.__name__}): {_one_line(str(message))}\n"


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO if args.verbose else logging.WARNING,
                        format="%(levelname)s %(name)s: %(message)s")
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    warnings.formatwarning = warning_line  # a library warning is one line here, not a source excerpt
    with _Interrupts().installed() as interrupts:
        try:
            return int(args.func(args))
        except (NeurocompareError, OSError) as exc:
            print(f"neurocompare: error: {_one_line(exc)}", file=sys.stderr)
            return 2
        except MemoryError:
            print("neurocompare: error: out of memory; the inputs ask for more than this machine has (see "
                  "'Limits' in the README: smaller inputs, or lower NEUROCOMPARE_LIMITS)", file=sys.stderr)
            return 2
        except KeyboardInterrupt as exc:
            return _interrupted(exc, interrupts)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
