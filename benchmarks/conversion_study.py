"""Conversion study: how fast and how well does the converted digits network classify with spikes?

Trains the 64-32-10 ReLU network on the bundled 8x8 digits (seed 0), converts it to synapse counts
at several bit widths (data-based normalisation at the 99.9th percentile, nearest rounding,
non-leaky IF neurons with reset by subtraction), and runs the whole test set (360 images) through
the Brian2 spiking backend in ONE batched run per setting (dt = 0.1 ms, 100 ms). From the spike
times and the recorded output membrane potentials it computes the accuracy at every 1 ms prefix of
the run with two read-outs of the output layer:

- ``rate``:   class = argmax_k N_k(t), the output spike count before t (ties: lowest index, as
  :func:`numpy.argmax`);
- ``charge``: class = argmax_k [N_k(t) * (v_th - v_reset) + v_k(t) - v_k(0)], the total input the
  output neuron has integrated up to t. For a non-leaky IF neuron with reset by subtraction this is
  exactly the integral of its input current, so it reads out the identity output z'_L (negative
  values included) instead of max(0, z'_L) rounded down to whole spikes.

For each setting it reports the accuracy at 10, 25, 50 and 100 ms and the shortest simulated time
from which the accuracy stays within 1 percentage point of the float ANN ("t_1pp").

Run:  .venv/bin/python benchmarks/conversion_study.py [--quick] [--target numpy|cython] [--json FILE]

This is a measurement script, not a test: it prints tables (and optionally writes JSON).
"""

from __future__ import annotations

import argparse
import json
import math
import platform
import time
from dataclasses import dataclass

import numpy as np

from neurocompare import LIF, SpikingBackend
from neurocompare.convert import Conversion, convert_trained
from neurocompare.training import TrainedNetwork, train_mlp

DT_MS = 0.1
DURATION_MS = 100.0
GRID_MS = np.arange(1, int(DURATION_MS) + 1, dtype=float)  # prefixes 1, 2, ..., 100 ms


@dataclass
class Curve:
    label: str
    bits: int
    encoding: str
    rate_scale_hz: float
    extra: str
    rate_acc: np.ndarray  # accuracy per prefix, rate read-out
    charge_acc: np.ndarray  # accuracy per prefix, charge read-out
    wall_s: float
    target: str
    out_spikes_per_image: float
    silent_images: int
    max_rate_khz: float  # fastest neuron of any layer (saturation: 1 spike per step = 1/dt)


def run_setting(conv: Conversion, trained: TrainedNetwork, *, encoding: str, rate_scale_hz: float,
                target: str, seed: int, neuron: LIF | None = None, synapse_mode: str = "aggregate") -> tuple:
    """One batched Brian2 run over the whole test set; accuracy per prefix for both read-outs."""
    circuit = conv.circuit
    if neuron is not None:  # same counts, other neuron parameters
        from dataclasses import replace

        circuit = type(circuit)(
            circuit.name,
            inputs=circuit.inputs,
            populations=[replace(p, neuron=neuron) for p in circuit.populations],
            projections=circuit.projections,
            description=circuit.description,
        )
    lif = circuit.population(conv.output_name).neuron
    # One extra step so that the membrane potential at t = 100 ms is recorded (StateMonitor
    # records at the start of each step, before the update).
    be = SpikingBackend(duration_ms=DURATION_MS + DT_MS, dt_ms=DT_MS, encoding=encoding,
                        rate_scale_hz=rate_scale_hz, target=target, synapse_mode=synapse_mode)
    x, y = trained.x_test, trained.y_test
    start = time.perf_counter()
    res = be.run(circuit, {conv.input_name: x}, seed=seed, record_voltage={conv.output_name: list(range(10))})
    wall = time.perf_counter() - start
    trains = res.spikes[conv.output_name]
    trace = res.voltages[conv.output_name]
    batch, size = len(x), circuit.population(conv.output_name).size
    # Spike counts before each prefix t: histogram on 1 ms bins, cumulative.
    bins = np.floor(trains.time_ms / 1.0 + 1e-9).astype(np.int64)
    keep = bins < len(GRID_MS)
    hist = np.zeros((batch, size, len(GRID_MS)), dtype=np.int64)
    np.add.at(hist, (trains.sample[keep], trains.neuron[keep], bins[keep]), 1)
    counts = np.cumsum(hist, axis=2)  # counts[..., k] = spikes with time < GRID_MS[k]
    idx = np.round(GRID_MS / DT_MS).astype(np.int64)
    v = trace.v[:, :, idx]  # (batch, size, len(GRID))
    charge = counts * lif.reset_step + v - lif.v_rest
    rate_pred = np.argmax(counts, axis=1)
    charge_pred = np.argmax(charge, axis=1)
    rate_acc = np.mean(rate_pred == y[:, None], axis=0)
    charge_acc = np.mean(charge_pred == y[:, None], axis=0)
    total = counts[:, :, -1].sum(axis=1)
    max_rate = max(float(res.spikes[p].counts().max()) for p in conv.names[1:]) / (be.duration_ms * 1e-3)
    return (rate_acc, charge_acc, wall, res.info["target"], float(total.mean()), int(np.sum(total == 0)),
            max_rate / 1e3)


def t_within(acc: np.ndarray, reference: float, tol: float = 0.01) -> float:
    """Shortest prefix from which the accuracy stays >= reference - tol (NaN if never)."""
    ok = acc >= reference - tol - 1e-12
    if not ok[-1]:
        return math.nan
    bad = np.flatnonzero(~ok)
    return float(GRID_MS[0] if not len(bad) else GRID_MS[bad[-1] + 1])


def fmt_t(t: float) -> str:
    return "  >100" if math.isnan(t) else f"{t:6.0f}"


def print_table(curves: list[Curve], ann: float) -> None:
    head = (f"{'bits':>4} {'coding':<8} {'rate Hz':>7} {'variant':<16}| {'readout':<7}| "
            f"{'10 ms':>6} {'25 ms':>6} {'50 ms':>6} {'100 ms':>6} | {'t_1pp ms':>8} | {'wall s':>6} {'out spk':>7} "
            f"{'max kHz':>7}")
    print(head)
    print("-" * len(head))
    pick = [9, 24, 49, 99]
    for c in curves:
        for name, acc in (("rate", c.rate_acc), ("charge", c.charge_acc)):
            accs = " ".join(f"{100 * acc[k]:6.2f}" for k in pick)
            print(f"{c.bits:>4} {c.encoding:<8} {c.rate_scale_hz:>7g} {c.extra:<16}| {name:<7}| {accs} | "
                  f"{fmt_t(t_within(acc, ann)):>8} | {c.wall_s:6.1f} {c.out_spikes_per_image:7.1f} "
                  f"{c.max_rate_khz:7.2f}")
    print(f"(ANN float test accuracy {100 * ann:.2f} %; t_1pp = shortest time from which accuracy stays >= "
          f"{100 * (ann - 0.01):.2f} %)")


def convert_all(trained: TrainedNetwork, bits_list: list[int]) -> dict[int, Conversion]:
    """One conversion per bit width (percentile 99.9, nearest rounding), with its artificial-side table."""
    conversions = {}
    print("Conversion (percentile 99.9, nearest rounding), artificial side with counts x unit:")
    print(f"{'bits':>4} {'acc %':>6} {'agree %':>7} {'rel.err W1':>10} {'rel.err W2':>10} {'synapses':>9}")
    for bits in bits_list:
        conv = convert_trained(trained, bits=bits)
        conversions[bits] = conv
        e = conv.rounding_errors
        print(f"{bits:>4} {100 * conv.check.accuracy_converted:6.2f} {100 * conv.check.argmax_agreement:7.2f} "
              f"{e[0].rel_frobenius_error:10.4f} {e[1].rel_frobenius_error:10.4f} {conv.circuit.n_synapses:9d}")
    print()
    return conversions


def add_variants(add, conv5: Conversion, trained: TrainedNetwork) -> None:
    """The 5-bit variants of the full study: neuron, synapse mode, percentile, rates, no normalisation."""
    # Start the IF membrane half-way to threshold (v_rest is only the initial value without a leak):
    # spike counts then round instead of floor the integrated input (Rueckauer et al. 2017).
    half = LIF(tau_m_ms=math.inf, reset="subtract", t_ref_ms=0.0, v_rest=0.5)
    for encoding in ("analog", "regular", "poisson"):
        add(conv5, 5, encoding, 1000.0, "v0=0.5", neuron=half)
    # Why the conversion neuron: reset to zero loses the charge above threshold.
    add(conv5, 5, "analog", 1000.0, "reset=value", neuron=LIF(tau_m_ms=math.inf, reset="value", t_ref_ms=0.0))
    add(conv5, 5, "analog", 1000.0, "LIF tau 20ms", neuron=LIF(tau_m_ms=20.0, reset="subtract", t_ref_ms=0.0))
    add(conv5, 5, "analog", 1000.0, "t_ref 2 ms", neuron=LIF(tau_m_ms=math.inf, reset="subtract", t_ref_ms=2.0))
    # Literal multi-synapses (one Brian2 synapse per count) vs aggregate.
    add(conv5, 5, "regular", 1000.0, "multi-synapse", synapse_mode="multi")
    # Normalisation percentile.
    for p in (99.0, 99.99, 100.0):
        add(convert_trained(trained, bits=5, percentile=p), 5, "analog", 1000.0, f"pct {p:g}")
    add(convert_trained(trained, bits=5, ignore_zeros=False), 5, "analog", 1000.0, "pct incl. zeros")
    # Beyond 1 kHz: at dt = 0.1 ms a neuron saturates at 10 kHz (one spike per step).
    for rate in (2000.0, 5000.0):
        for encoding in ("analog", "regular", "poisson"):
            add(conv5, 5, encoding, rate)
    add(conv5, 5, "regular", 5000.0, "v0=0.5", neuron=half)
    # Without normalisation the activations are not bounded by 1: the layers' 99.9th percentiles
    # are lambda = conv5.lambdas, so rates reach lambda x rate_scale_hz and saturate at 1/dt.
    no_norm = convert_trained(trained, bits=5, percentile=None)
    for rate in (200.0, 1000.0, 5000.0):
        add(no_norm, 5, "analog", rate, "no norm")
    add(no_norm, 5, "regular", 1000.0, "no norm")


def print_fastest(curves: list[Curve], ann: float) -> None:
    """The shortest time within 1 pp of the ANN, per read-out."""
    for readout in ("rate", "charge"):
        times = [(t_within(c.rate_acc if readout == "rate" else c.charge_acc, ann), c) for c in curves]
        times = [(t, c) for t, c in times if not math.isnan(t)]
        if times:
            t, c = min(times, key=lambda tc: tc[0])
            print(f"fastest within 1 pp, {readout} read-out: {t:g} ms ({c.label.strip()})")


def write_json(path: str, curves: list[Curve], ann: float, seed: int) -> None:
    """All accuracy curves, with the grid and the ANN accuracy."""
    data = {
        "ann_accuracy": ann,
        "dt_ms": DT_MS,
        "seed": seed,
        "grid_ms": GRID_MS.tolist(),
        "curves": [
            {"label": c.label, "bits": c.bits, "encoding": c.encoding, "rate_scale_hz": c.rate_scale_hz,
             "variant": c.extra, "target": c.target, "wall_s": c.wall_s,
             "rate_accuracy": c.rate_acc.tolist(), "charge_accuracy": c.charge_acc.tolist()}
            for c in curves
        ],
    }
    with open(path, "w", encoding="utf-8") as fh:
        json.dump(data, fh, indent=1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="5 bits, one rate, no extra variants")
    parser.add_argument("--target", default="numpy", choices=("numpy", "cython"),
                        help="Brian2 target (numpy: nothing to compile; measured as fast as cached cython here)")
    parser.add_argument("--seed", type=int, default=0, help="seeds the split, training and Poisson spikes")
    parser.add_argument("--json", default=None, help="write all accuracy curves to this JSON file")
    args = parser.parse_args()

    t0 = time.perf_counter()
    trained = train_mlp(seed=args.seed)
    t_train = time.perf_counter() - t0
    ann = trained.test_accuracy
    print(f"python {platform.python_version()}, target {args.target}, dt {DT_MS} ms, duration {DURATION_MS} ms, "
          f"seed {args.seed}, synapse_mode aggregate (identical spikes to multi)")
    print(f"ANN 64-32-10: test accuracy {100 * ann:.2f} % ({len(trained.y_test)} images), "
          f"train {100 * trained.train_accuracy:.2f} %, trained in {t_train:.1f} s\n")

    bits_list = [5] if args.quick else [3, 4, 5, 8]
    conversions = convert_all(trained, bits_list)
    curves: list[Curve] = []

    def add(conv, bits, encoding, rate, extra="", neuron=None, synapse_mode="aggregate"):
        r, q, wall, target, spk, silent, top = run_setting(
            conv, trained, encoding=encoding, rate_scale_hz=rate, target=args.target, seed=args.seed, neuron=neuron,
            synapse_mode=synapse_mode)
        curves.append(Curve(f"{bits}b {encoding} {rate:g}Hz {extra}", bits, encoding, rate, extra, r, q, wall,
                            target, spk, silent, top))

    rates = [1000.0] if args.quick else [200.0, 500.0, 1000.0]
    for bits in bits_list:
        for encoding in ("analog", "regular", "poisson"):
            for rate in rates:
                add(conversions[bits], bits, encoding, rate)
    if not args.quick:
        add_variants(add, conversions[5], trained)

    print("Spiking test accuracy (%) vs simulated time, 360 test images per run:")
    print_table(curves, ann)
    print_fastest(curves, ann)
    print(f"total time {time.perf_counter() - t0:.0f} s")
    if args.json:
        write_json(args.json, curves, ann, args.seed)


if __name__ == "__main__":
    main()
