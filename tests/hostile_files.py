"""Builders of small hostile files that declare large sizes cheaply (tests/test_hostile_inputs.py and
benchmarks/hostile_inputs.py): an HDF5 dataset that is never filled, an .npy header, a streamed zip member."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import numpy as np


def nir_graph(nir, n_in: int = 2, n_out: int = 2):
    """Input(n_in) -> Affine -> LIF(n_out) -> Output, every weight 0.4 (snnTorch-like r = tau)."""
    return nir.NIRGraph(
        nodes={"x": nir.Input(input_type=np.array([n_in])),
               "fc": nir.Affine(weight=np.full((n_out, n_in), 0.4), bias=np.zeros(n_out)),
               "lif": nir.LIF(tau=np.full(n_out, 0.02), r=np.full(n_out, 0.02), v_leak=np.zeros(n_out),
                              v_threshold=np.ones(n_out), v_reset=np.zeros(n_out)),
               "y": nir.Output(output_type=np.array([n_out]))},
        edges=[("x", "fc"), ("fc", "lif"), ("lif", "y")])


def declare(path: Path, dataset: str, shape: tuple, dtype: str = "f8") -> None:
    """Replace ``dataset`` in an HDF5 file by one of ``shape`` that is never written (a few KB on disk)."""
    import h5py

    with h5py.File(path, "r+") as fh:
        del fh[dataset]
        fh.create_dataset(dataset, shape=shape, dtype=dtype, chunks=True, compression="gzip")


def big_nir_graph(path: Path, n: int) -> Path:
    """A NIR graph of Input(n) -> LIF(n) whose n x n float32 weights are declared, never written (~40 KB)."""
    import h5py
    import nir

    nir.write(path, nir_graph(nir))
    declare(path, "node/nodes/fc/weight", (n, n), "f4")
    for field in ("r", "tau", "v_leak", "v_reset", "v_threshold"):
        declare(path, f"node/nodes/lif/{field}", (n,))
    with h5py.File(path, "r+") as fh:
        fh["node/nodes/x/shape"][0] = n
        fh["node/nodes/y/shape"][0] = n
    return path


def nir_events(path: Path, *, t_max: float = 0.01, samples: int = 1) -> Path:
    """NIR spike data for input 'x' (2 neurons, one spike) lasting ``t_max`` s, declaring ``samples`` samples."""
    import nir

    ev = nir.EventData(idx=np.array([[0]]), time=np.array([[0.001]]), n_neurons=2, t_max=t_max)
    nir.write_data(path, nir.NIRGraphData({"x": nir.NIRNodeData({"spikes": ev})}))
    if samples > 1:
        declare(path, "nodes/x/observables/spikes/idx", (samples, 1), "i8")
        declare(path, "nodes/x/observables/spikes/time", (samples, 1))
    return path


def npy_bytes(shape: tuple, dtype: str = "<f8", *, header_pad: int = 0) -> bytes:
    """An .npy header declaring ``shape`` (padded by ``header_pad`` spaces) and 16 bytes of data."""
    head = repr({"descr": dtype, "fortran_order": False, "shape": tuple(shape)}) + " " * header_pad + "\n"
    return b"\x93NUMPY\x02\x00" + len(head).to_bytes(4, "little") + head.encode() + bytes(16)


def zip_bomb(path: Path, rows: int = 150_000_000) -> Path:
    """A real .npz of ``rows`` x 1 float64 zeros, streamed into the archive (about 1 MB on disk)."""
    header = io.BytesIO()
    np.lib.format.write_array_header_2_0(header, {"descr": "<f8", "fortran_order": False, "shape": (rows, 1)})
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        with zf.open("x.npy", "w", force_zip64=True) as fh:
            fh.write(header.getvalue())
            left = rows * 8
            while left:
                n = min(left, len(zeros))
                fh.write(zeros[:n])
                left -= n
    return path
