"""File size, saved-results size and cost figures of a sparse 2,000-neuron circuit (issue 15's example).

Usage::

    python benchmarks/sparse_circuit_size.py OUT [--dense]

100 inputs feed 2,000 recurrent neurons; 2.5% of the pairs are connected (about 105,000 pairs of
4.2 million entries), with 1-3 synapses each, seeded. The counts are handed to ``Projection`` as
scipy.sparse matrices (``--dense``: as dense arrays, which older neurocompare versions need: the file
written is the same). Writes the circuit file and a comparison report into OUT and prints their sizes
and the cost metrics (artificial MACs over non-zero weights and over every matrix entry, synaptic events,
the energy model).
"""

from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import scipy.sparse as sp

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection
from neurocompare.compare import compare
from neurocompare.report import write_report

N, N_IN, DENSITY = 2000, 100, 0.025
COST = ("synaptic_events_per_sample", "macs_per_sample", "macs_dense_per_sample", "energy_snn_pj", "energy_ann_pj",
        "energy_snn_with_memory_pj", "energy_ann_with_memory_pj")


def build(*, dense: bool) -> Circuit:
    """The seeded circuit (identical whether its counts are given sparse or dense)."""
    rng = np.random.default_rng(2026)

    def counts(shape, inhibitory):
        def sample(size):
            return rng.integers(1, 4, size) * np.where(rng.random(size) < inhibitory, -1, 1)
        m = sp.random_array(shape, density=DENSITY, format="csr", rng=rng, data_sampler=sample)
        return m.toarray() if dense else m

    return Circuit("sparse2000", description="100 inputs -> 2,000 recurrent neurons, 2.5% connected",
                   inputs=[InputPopulation("x", N_IN)], populations=[NeuronPopulation("net", N)],
                   projections=[Projection("x", "net", counts((N, N_IN), 0.0), unit_weight=0.1),
                                Projection("net", "net", counts((N, N), 0.5), unit_weight=0.02, delay_ms=1.0)])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--dense", action="store_true", help="hand the counts over as dense arrays")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    circuit = build(dense=args.dense)
    pairs = sum(int(np.count_nonzero(p.counts)) for p in circuit.projections)
    print(f"connected pairs {pairs:,} of {circuit.n_weights:,} entries")
    print(f"circuit file: {circuit.save(args.out / 'sparse2000.json').stat().st_size:,} B")
    x = np.random.default_rng(1).uniform(0, 1, (4, N_IN))
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # a random recurrent network need not settle; the report says so
        comparison = compare(circuit, x, seed=0, spiking={"duration_ms": 100.0, "rate_scale_hz": 100.0})
    print(f"compare: {time.perf_counter() - start:.1f} s (Brian2 target {comparison.snn.info['target']}, "
          f"dt {comparison.parameters['dt_ms']} ms, seed 0)")
    report = args.out / "report"
    write_report(comparison, report)
    for name in ("results/comparison.json", "results/arrays.npz"):
        print(f"{name}: {(report / name).stat().st_size:,} B")
    print(f"report folder: {sum(p.stat().st_size for p in report.rglob('*') if p.is_file()):,} B")
    for name in COST:
        if name in comparison.metrics:  # older versions lack macs_dense_per_sample
            print(f"{name}: {comparison.metric(name):.4g}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
