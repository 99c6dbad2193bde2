"""Hostile inputs: what each small, hostile file or folder costs the command line (issue 24).

Every case is built in a temporary folder and run as ``python -m neurocompare.cli ...`` in a child process
under a 4 GB address-space cap and a 120 s timeout; the table gives the exit status, the wall time, the
child's peak resident memory and the first line it printed on stderr. A few cases that concern a library
function rather than a command (the CSV header check, the figure of a 300-population chain) are timed in
this process.

Run:   .venv/bin/python benchmarks/hostile_inputs.py [--out FILE.md]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))
from hostile_files import big_nir_graph, nir_events, nir_graph, npy_bytes, zip_bomb  # noqa: E402

CAP_BYTES = 4 * 1024 ** 3
TIMEOUT_S = 120


def _cap() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (CAP_BYTES, CAP_BYTES))


def run_cli(args: list[str], cwd: Path) -> dict:
    """One command in a capped child: exit status, wall seconds, peak RSS (MB), first stderr line."""
    start = time.perf_counter()
    cmd = [sys.executable, "-c", "import resource, sys; from neurocompare.cli import main; rc = main(sys.argv[1:]); "
           "print(f'PEAK_RSS_KB={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}', file=sys.stderr); "
           "sys.exit(rc)", *args]
    try:
        p = subprocess.run(cmd, capture_output=True, text=True, cwd=cwd, timeout=TIMEOUT_S, preexec_fn=_cap)
    except subprocess.TimeoutExpired:
        return {"exit": "timeout", "wall_s": TIMEOUT_S, "peak_mb": None, "message": f"killed at {TIMEOUT_S} s"}
    lines = [line for line in p.stderr.splitlines() if not line.startswith("PEAK_RSS_KB=")]
    peak = next((int(line.split("=")[1]) for line in p.stderr.splitlines() if line.startswith("PEAK_RSS_KB=")), None)
    return {"exit": p.returncode, "wall_s": time.perf_counter() - start, "peak_mb": peak / 1024 if peak else None,
            "message": lines[0] if lines else (p.stdout.splitlines() or [""])[-1], "traceback": "Traceback" in p.stderr}


def circuit_json(d: Path, name: str, doc: dict) -> Path:
    path = d / name
    path.write_text(json.dumps(doc))
    return path


def cases(d: Path) -> list[tuple[str, list[str]]]:
    import nir

    from neurocompare.demo import XOR_INPUTS, xor_circuit
    from neurocompare.nir.importer import METADATA_KEY

    xor_circuit().save(d / "xor.json")
    np.save(d / "x.npy", XOR_INPUTS)
    nir.write(d / "g.nir", nir_graph(nir))
    nir_args = ["compare", str(d / "g.nir"), "--convention", "snntorch", "--out", str(d / "o"), "--inputs"]
    ten_million = circuit_json(d, "big.json", {"format": "neurocompare.circuit", "version": 2, "name": "big",
                                               "populations": [{"name": "out", "size": 10 ** 7}]})
    sparse = circuit_json(d, "sparse.json", {
        "format": "neurocompare.circuit", "version": 3, "name": "sparse", "inputs": [{"name": "x", "size": 10000}],
        "populations": [{"name": f"p{i}", "size": 10000} for i in range(9)],
        "projections": [{"pre": "x", "post": f"p{i}", "unit_weight": 1.0,
                         "counts": {"shape": [10000, 10000], "rows": [], "cols": [],
                                      "values": []}} for i in range(9)]})
    (d / "digits.json").write_text('{"format": "neurocompare.circuit", "version": 2, "name": "x", "populations": '
                                   '[{"name": "out", "size": ' + "9" * 5001 + "}]}")
    circuit_json(d, "newline.json", {"format": "neurocompare.circuit", "version": 2, "name": "x",
                                     "populations": [{"name": "out\n", "size": 1}]})
    (d / "header.npy").write_bytes(npy_bytes((4, 2), header_pad=200_000))
    np.savez(d / "objects.npz", x=np.array([{"a": 1}, None], dtype=object))
    np.savez(d / "crc.npz", x=XOR_INPUTS)
    data = bytearray((d / "crc.npz").read_bytes())
    data[160] ^= 0xFF
    (d / "crc.npz").write_bytes(bytes(data))
    graph = nir_graph(nir)
    graph.metadata = {METADATA_KEY: json.dumps({"populations": ["lif"]})}
    nir.write(d / "meta.nir", graph)
    (d / "r" / "results").mkdir(parents=True)
    (d / "r" / "results" / "comparison.json").write_text(json.dumps({"metrics": []}))
    np.savez(d / "r" / "results" / "arrays.npz", a=np.zeros(1))
    xor = ["compare", str(d / "xor.json"), "--out", str(d / "o"), "--inputs"]
    return [
        *((f"NIR graph Input({n}) -> LIF({n})", ["compare", str(big_nir_graph(d / f"layer{n}.nir", n)),
                                                 "--convention", "snntorch", "--out", str(d / "o")])
          for n in (20000, 10000, 4000)),
        ("NIR spike file, t_max 1e5 s", [*nir_args, str(nir_events(d / "long.h5", t_max=1e5))]),
        ("NIR spike file, 10^6 samples", [*nir_args, str(nir_events(d / "wide.h5", samples=10 ** 6))]),
        (".npz zip bomb (1.5e8 samples)", [*xor, str(zip_bomb(d / "bomb.npz"))]),
        ("circuit of 10^7 neurons", ["compare", str(ten_million)]),
        ("nine empty 10^4 x 10^4 sparse projections", ["compare", str(sparse)]),
        (".npy header of 200 kB", [*xor, str(d / "header.npy")]),
        (".npz with an object array", [*xor, str(d / "objects.npz")]),
        (".npz with a bad CRC", [*xor, str(d / "crc.npz")]),
        ("JSON integer of 5001 digits", ["compare", str(d / "digits.json")]),
        ("population named 'out\\n'", ["compare", str(d / "newline.json")]),
        ("NIR metadata of the wrong type", ["compare", str(d / "meta.nir"), "--convention", "snntorch", "--out",
                                            str(d / "o")]),
        ("saved results with metrics: []", ["report", str(d / "r")]),
    ]


def sizes(d: Path) -> dict[str, int]:
    return {p.name: p.stat().st_size for p in d.iterdir() if p.is_file()}


def csv_header_times() -> list[tuple[int, float]]:
    """load_inputs on a CSV of n columns (one row), with the limits raised to allow n input neurons."""
    from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection
    from neurocompare.input_files import load_inputs

    os.environ["NEUROCOMPARE_LIMITS"] = "neurons=1000000"
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for n in (10_000, 30_000, 100_000):
            circuit = Circuit("wide", inputs=[InputPopulation("x", n)], populations=[NeuronPopulation("out", 1)],
                              projections=[Projection("x", "out", np.ones((1, n), dtype=int), 1e-4)])
            path = Path(tmp) / "wide.csv"
            path.write_text(",".join(f"x[{i}]" for i in range(n)) + "\n" + ",".join(["0.5"] * n) + "\n")
            start = time.perf_counter()
            load_inputs(path, circuit)
            out.append((n, time.perf_counter() - start))
    del os.environ["NEUROCOMPARE_LIMITS"]
    return out


def chain_figure_times(n: int = 300) -> tuple[float, float]:
    """Seconds to draw the synapse-count figure and the circuit diagram of a chain of n one-neuron populations."""
    from types import SimpleNamespace

    from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection
    from neurocompare.notebook import figure_png
    from neurocompare.report.figures import circuit_diagram, synapse_counts

    circuit = Circuit("chain", inputs=[InputPopulation("x", 1)],
                      populations=[NeuronPopulation(f"p{i}", 1) for i in range(n)],
                      projections=[Projection("x" if i == 0 else f"p{i - 1}", f"p{i}", [[1]], 0.5) for i in range(n)])
    times = []
    for make in (lambda: synapse_counts(SimpleNamespace(circuit=circuit)), lambda: circuit_diagram(circuit)):
        start = time.perf_counter()
        figure_png(make(), dpi=100, tight=False)
        times.append(time.perf_counter() - start)
    return times[0], times[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, help="also write the Markdown table to this file")
    args = parser.parse_args()
    rows = ["| case | file size | exit | wall (s) | peak RSS (MB) | traceback | message |", "|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as tmp:
        d = Path(tmp)
        todo = cases(d)
        size = sizes(d)
        for label, argv in todo:
            r = run_cli(argv, d)
            file = next((a for a in reversed(argv) if Path(a).name in size), None)
            kb = f"{size[Path(file).name] / 1024:.1f} KB" if file else "-"
            peak = f"{r['peak_mb']:.0f}" if r["peak_mb"] else "-"
            msg = r["message"].replace("|", "\\|").replace(str(d), "…")
            rows.append(f"| {label} | {kb} | {r['exit']} | {r['wall_s']:.2f} | {peak} | {r.get('traceback')} | "
                        f"{msg[:300]} |")
            print(rows[-1], flush=True)
    for n, s in csv_header_times():
        rows.append(f"| CSV header of {n:,} columns (load_inputs, in process) | | | {s:.2f} | | | |")
    counts_s, diagram_s = chain_figure_times()
    rows.append(f"| chain of 300 populations: synapse-count figure / circuit diagram (in process) | | | "
                f"{counts_s:.2f} / {diagram_s:.2f} | | | |")
    text = "\n".join(rows)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    main()
