"""f-I curves of every neuron model on Brian2, the reference simulator and NEST: wall time and the f-I table.

(a) Wall time of ONE batched 1 s f-I run with 50 constant currents (linearly spaced over each model's working
    range, below) per model, each at the model's default dt: Brian2 numpy target (first call, then warm), Brian2
    cython target (first call with an empty compile cache, i.e. including compilation, then warm), the reference
    simulator, and NEST 3.10 (1 thread) where the model has a twin.
(b) The f-I profile (neurocompare.studies.neuron_fi.fi_profile: rheobase, rate at 2x rheobase, onset type,
    adaptation index at 2x rheobase; 1 s from rest, four batched sweeps of 50 currents) per model and preset on
    Brian2 (numpy), the reference and NEST side by side, with their differences. NEST twins: iaf_psc_delta
    (LIF, C_m 250 pF, threshold gap 15 mV), izhikevich (consistent_integration=True, same dt), aeif_psc_delta
    (GSL RKF45, adaptive; resolution 0.1 ms only sets the spike-time grid), hh_psc_alpha (E_L set to ours,
    -54.387 mV; resolution 0.01 ms, spike detection needs it); AdaptiveLIF has none ("-"). All currents are in
    the model's own unit: LIF/AdaptiveLIF 1/s, Izhikevich mV/ms, AdEx pA, HH uA/cm^2.

Run:  .venv/bin/python benchmarks/fi_models.py [--no-cython] [--skip-brian2-hh] [--out benchmarks/results/fi_models.md]

Takes ~6-8 min (Brian2's numpy target needs ~40 s per 1 s HH sweep at dt 0.01 ms). Needs nest-simulator
(tests/models/nest_oracle.py) for the NEST columns; without it they are "-". Writes the Markdown file and prints it.
"""

from __future__ import annotations

import argparse
import math
import os
import platform
import shlex
import sys
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any, Callable

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "models"))
import nest_oracle  # noqa: E402

from neurocompare.backends.brian2 import SpikingBackend  # noqa: E402
from neurocompare.backends.reference.backend import ReferenceBackend  # noqa: E402
from neurocompare.circuit import Circuit, NeuronPopulation  # noqa: E402
from neurocompare.models import LIF, AdaptiveLIF, AdEx, HodgkinHuxley, Izhikevich  # noqa: E402
from neurocompare.studies.neuron_fi import fi_profile  # noqa: E402

DURATION_MS = 1000.0
N_CURRENTS = 50
LIF_C_PF, LIF_GAP_MV = 250.0, 15.0


@dataclass(frozen=True)
class Twin:
    """A model's NEST counterpart: NEST's I_e = our current * to_pa."""

    model: str
    params: dict
    to_pa: float
    resolution_ms: float
    initial: dict | None = None


@dataclass(frozen=True)
class Row:
    label: str
    neuron: Any
    twin: Twin | None
    timing_range: tuple | None = None  # (a): currents linspace(lo, hi, 50); None: not in the timing table


def _izh(name: str) -> Row:
    m = Izhikevich.preset(name)
    twin = Twin("izhikevich", dict(a=m.a_per_ms, b=m.b_per_ms, c=m.c_mv, d=m.d_mv_per_ms, V_th=m.v_peak_mv,
                                   consistent_integration=True), 1.0, m.default_dt_ms,
                dict(V_m=m.v_init_mv, U_m=m.b_per_ms * m.v_init_mv))
    return Row(f"Izhikevich {name}", m, twin, (0.0, 20.0) if name == "RS" else None)


def _adex(name: str) -> Row:
    m = AdEx.preset(name)
    twin = Twin("aeif_psc_delta", dict(C_m=m.c_pf, g_L=m.g_l_ns, E_L=m.e_l_mv, V_th=m.v_t_mv, Delta_T=m.delta_t_mv,
                                       a=m.a_ns, tau_w=m.tau_w_ms, b=m.b_pa, V_reset=m.v_reset_mv,
                                       V_peak=m.v_peak_mv, t_ref=m.t_ref_ms), 1.0, 0.1, dict(V_m=m.e_l_mv, w=0.0))
    return Row(f"AdEx {name}", m, twin, (0.0, 800.0) if name == "tonic" else None)


def rows() -> list[Row]:
    lif = Twin("iaf_psc_delta", dict(C_m=LIF_C_PF, tau_m=20.0, E_L=-70.0, V_m=-70.0, V_th=-55.0, V_reset=-70.0,
                                     t_ref=2.0), LIF_C_PF * LIF_GAP_MV / 1000.0, 0.1)
    hh = HodgkinHuxley()
    return [Row("LIF", LIF(), lif, (0.0, 500.0)),
            Row("AdaptiveLIF", AdaptiveLIF(), None, (0.0, 500.0)),
            *[_izh(n) for n in ("RS", "IB", "CH", "FS", "LTS", "RZ")],
            *[_adex(n) for n in ("tonic", "adapting", "initial_burst", "bursting")],
            Row("HH", hh, Twin("hh_psc_alpha", dict(E_L=hh.e_l_mv), 100.0, 0.01), (0.0, 60.0))]


# ------------------------------------------------------------------------ simulators: currents -> spike trains
def brian2_fn(neuron: Any, target: str, duration_ms: float = DURATION_MS) -> Callable[[np.ndarray], list]:
    """neuron_fi.spike_trains_at with an explicit Brian2 target (spike_trains_at uses "auto", i.e. numpy here)."""

    def run(currents: np.ndarray) -> list:
        currents = np.asarray(currents, dtype=float)
        circuit = Circuit("fi", populations=[NeuronPopulation("n", len(currents), bias=currents,
                                                              neuron=neuron.with_drive_unit(1.0))])
        backend = SpikingBackend(duration_ms=duration_ms, dt_ms=neuron.default_dt_ms, rate_scale_hz=1.0,
                                 target=target)
        trains = backend.run(circuit, seed=0).spikes["n"]
        return [np.asarray(trains.times(0, k)) for k in range(len(currents))]

    run.__name__ = f"brian2-{target}"
    return run


def reference_fn(neuron: Any, duration_ms: float = DURATION_MS) -> Callable[[np.ndarray], list]:
    def run(currents: np.ndarray) -> list:
        currents = np.asarray(currents, dtype=float)
        circuit = Circuit("fi", populations=[NeuronPopulation("n", len(currents), bias=currents,
                                                              neuron=neuron.with_drive_unit(1.0))])
        backend = ReferenceBackend(duration_ms=duration_ms, dt_ms=neuron.default_dt_ms, rate_scale_hz=1.0)
        trains = backend.run(circuit, seed=0).spikes["n"]
        return [np.asarray(trains.times(0, k)) for k in range(len(currents))]

    run.__name__ = "reference"
    return run


def nest_fn(twin: Twin, duration_ms: float = DURATION_MS) -> Callable[[np.ndarray], list]:
    def run(currents: np.ndarray) -> list:
        return nest_oracle.nest_spike_trains(twin.model, twin.params, np.asarray(currents, dtype=float) * twin.to_pa,
                                             duration_ms=duration_ms, resolution_ms=twin.resolution_ms,
                                             initial=twin.initial)

    run.__name__ = f"nest:{twin.model}"
    return run


def timed(fn: Callable, *args) -> tuple[float, Any]:
    start = time.perf_counter()
    out = fn(*args)
    return time.perf_counter() - start, out


# ------------------------------------------------------------------------ (a) wall time
def timing_table(models: list[Row], *, cython: bool, have_nest: bool) -> list[str]:
    lines = ["| model | dt (ms) | Brian2 numpy first / warm (s) | Brian2 cython first (compile) / warm (s) | "
             "reference (s) | NEST (s) | NEST model (resolution) | spikes B2 / ref / NEST |",
             "|---|---|---|---|---|---|---|---|"]
    from neurocompare.backends.brian2.prefs import preimport

    preimport()  # Brian2's import is not part of any timing
    cache = tempfile.mkdtemp(prefix="fi_models_cython_")
    undo = None
    if cython:
        from neurocompare.backends.brian2.prefs import configure_worker

        _, undo = configure_worker(cache)  # an empty compile cache: the first cython call compiles
    try:
        for row in models:
            if row.timing_range is None:
                continue
            currents = np.linspace(*row.timing_range, N_CURRENTS)
            print(f"(a) {row.label} ...", flush=True)
            b2 = brian2_fn(row.neuron, "numpy")
            t_np1, _ = timed(b2, currents)
            t_np2, tr_b2 = timed(b2, currents)
            cy = "-"
            if cython:
                b2c = brian2_fn(row.neuron, "cython")
                t_cy1, _ = timed(b2c, currents)
                t_cy2, _ = timed(b2c, currents)
                cy = f"{t_cy1:.2f} / {t_cy2:.2f}"
            t_ref, tr_ref = timed(reference_fn(row.neuron), currents)
            nest_cell, nest_model, n_nest = "-", "-", "-"
            if row.twin is not None and have_nest:
                fn = nest_fn(row.twin)
                fn(currents)  # warm-up (kernel set-up)
                t_nest, tr_nest = timed(fn, currents)
                nest_cell = f"{t_nest:.3f}"
                nest_model = f"{row.twin.model} ({row.twin.resolution_ms:g} ms)"
                n_nest = str(sum(map(len, tr_nest)))
            spikes = f"{sum(map(len, tr_b2))} / {sum(map(len, tr_ref))} / {n_nest}"
            lines.append(f"| {row.label} (I = {row.timing_range[0]:g}..{row.timing_range[1]:g}) | "
                         f"{row.neuron.default_dt_ms:g} | {t_np1:.2f} / {t_np2:.2f} | {cy} | {t_ref:.2f} | "
                         f"{nest_cell} | {nest_model} | {spikes} |")
    finally:
        if undo is not None:
            undo()
    return lines


# ------------------------------------------------------------------------ (b) f-I table
def _fmt(x: float, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "-"
    return f"{x:.{-digits}f}" if digits < 0 else f"{x:.{digits}g}"


def _rel(a: float | None, b: float | None) -> str:
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)) or b == 0:
        return "-"
    return f"{100 * (a - b) / b:+.2f}%"


def _abs(a: float | None, b: float | None) -> str:
    if a is None or b is None or not (math.isfinite(a) and math.isfinite(b)):
        return "-"
    return f"{a - b:+.3f}"


def fi_table(models: list[Row], *, skip_brian2_hh: bool, have_nest: bool) -> tuple[list[str], list[str]]:
    lines = ["| model | unit | dt (ms) | rheobase B2 / ref / NEST | d(ref-B2) | d(ref-NEST) | "
             "rate @2x (Hz) B2 / ref / NEST | d(ref-B2) | d(ref-NEST) | onset B2 / ref / NEST | "
             "adaptation B2 / ref / NEST | d(ref-B2) | d(ref-NEST) | wall B2 / ref / NEST (s) |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    units = {LIF: "1/s", AdaptiveLIF: "1/s", Izhikevich: "mV/ms", AdEx: "pA", HodgkinHuxley: "uA/cm2"}
    notes = []
    for row in models:
        print(f"(b) {row.label} ...", flush=True)
        profiles: dict[str, Any] = {}
        walls: dict[str, str] = {}
        sims: dict[str, Callable | None] = {
            "b2": None if (skip_brian2_hh and isinstance(row.neuron, HodgkinHuxley)) else brian2_fn(row.neuron, "numpy"),
            "ref": reference_fn(row.neuron),
            "nest": nest_fn(row.twin) if (row.twin is not None and have_nest) else None,
        }
        for key, fn in sims.items():
            if fn is None:
                profiles[key], walls[key] = None, "-"
                continue
            dt = row.twin.resolution_ms if key == "nest" else row.neuron.default_dt_ms
            wall, prof = timed(lambda f=fn, d=dt: fi_profile(row.neuron, simulator=f, dt_ms=d, duration_ms=DURATION_MS))
            profiles[key], walls[key] = prof, f"{wall:.1f}"

        def get(key: str, attr: str):
            p = profiles[key]
            return None if p is None else getattr(p, attr)

        def three(attr: str, digits: int = 4) -> str:
            return " / ".join(_fmt(get(k, attr), digits) if attr != "onset" else (get(k, attr) or "-")
                              for k in ("b2", "ref", "nest"))

        dt_cell = f"{row.neuron.default_dt_ms:g}"
        if row.twin is not None and have_nest:
            dt_cell += f" (NEST {row.twin.resolution_ms:g})"
        lines.append(
            f"| {row.label} | {units[type(row.neuron)]} | {dt_cell} | {three('rheobase', 5)} | "
            f"{_rel(get('ref', 'rheobase'), get('b2', 'rheobase'))} | "
            f"{_rel(get('ref', 'rheobase'), get('nest', 'rheobase'))} | {three('rate_at_2x_hz')} | "
            f"{_rel(get('ref', 'rate_at_2x_hz'), get('b2', 'rate_at_2x_hz'))} | "
            f"{_rel(get('ref', 'rate_at_2x_hz'), get('nest', 'rate_at_2x_hz'))} | {three('onset')} | "
            f"{three('adaptation_index', -3)} | "
            f"{_abs(get('ref', 'adaptation_index'), get('b2', 'adaptation_index'))} | "
            f"{_abs(get('ref', 'adaptation_index'), get('nest', 'adaptation_index'))} | "
            f"{walls['b2']} / {walls['ref']} / {walls['nest']} |")
        print(lines[-1], flush=True)
    return lines, notes


def machine() -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    versions = []
    for pkg in ("brian2", "numpy", "nest-simulator", "cython"):
        try:
            versions.append(f"{pkg} {metadata.version(pkg)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{pkg} -")
    return (f"{cpu}, {os.cpu_count()} cores, {platform.platform()}, Python {platform.python_version()}; "
            + ", ".join(versions))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-cython", action="store_true", help="skip the Brian2 cython timings")
    parser.add_argument("--skip-brian2-hh", action="store_true", help="no Brian2 column for HH in (b) (~3 min)")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "fi_models.md")
    parser.add_argument("--only", nargs="*", help="model labels to run (default: all), e.g. LIF 'AdEx tonic'")
    args = parser.parse_args()

    have_nest, why = nest_oracle.nest_available()
    if not have_nest:
        print(f"NEST unavailable ({why}): the NEST columns are '-'", flush=True)
    models = [r for r in rows() if not args.only or r.label in args.only]
    start = time.perf_counter()
    timing = timing_table(models, cython=not args.no_cython, have_nest=have_nest)
    table, notes = fi_table(models, skip_brian2_hh=args.skip_brian2_hh, have_nest=have_nest)
    total = time.perf_counter() - start

    command = "python " + " ".join(shlex.quote(a) for a in [os.path.relpath(__file__, ROOT), *sys.argv[1:]])
    text = "\n".join([
        "# f-I curves of the neuron models: Brian2, reference, NEST",
        "",
        f"Command: `{command}` (from the repository root, with `.venv/bin/python`); total {total / 60:.1f} min.",
        f"Machine: {machine()}.",
        "Default dt per model: LIF 0.1 ms (exact integration), AdaptiveLIF 0.1 ms, Izhikevich 0.1 ms, AdEx 0.025 ms "
        "(forward Euler), HH 0.01 ms (exponential Euler). NEST: iaf_psc_delta and izhikevich at 0.1 ms, "
        "aeif_psc_delta at 0.1 ms (RKF45 adaptive inside each step), hh_psc_alpha at 0.01 ms. One thread each. "
        "Wall times are single measurements on a shared machine (other jobs were running): +-20 %.",
        "",
        "## (a) Wall time of one 1 s f-I run, 50 currents (one batched simulation)",
        "",
        "Brian2 numpy: `SpikingBackend(target=\"numpy\")` (what `simulator=\"brian2\"` resolves to at this size); "
        "first = first call in the process (code generation), warm = second call. Brian2 cython: first call with an "
        "empty compile cache (compiles), warm = second call of the same shape. Reference and NEST: one call "
        "(NEST after one warm-up call). Currents linearly spaced over the range in the model's unit.",
        "",
        *timing,
        "",
        "## (b) f-I profile per model and preset (fi_profile, 1 s from rest)",
        "",
        "rheobase: smallest current with >= 2 spikes in the second half (model unit; the fine sweep resolves ~1e-4 "
        "relative, so equal values mean 'the same grid point'); rate @2x: spike count in 1 s at twice the rheobase; "
        "onset: II if the rate just above rheobase > 20 Hz; adaptation: 1 - f_inf/f_0 at 2x rheobase. d(ref-B2), "
        "d(ref-NEST): relative differences (adaptation: absolute). B2 = Brian2 numpy target at the model's default "
        "dt; ref = neurocompare's reference simulator, same dt.",
        "",
        *table,
        "",
        *notes,
    ])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n")
    print(text)
    print(f"\nwritten: {args.out}")


if __name__ == "__main__":
    main()
