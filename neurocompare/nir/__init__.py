"""NIR import and export: neurocompare circuits in the neuromorphic exchange format (extra ``nir``).

NIR (the Neuromorphic Intermediate Representation, PyPI ``nir``) is how Norse, snnTorch, sinabs, Rockpool,
Spyx, Nengo, Lava and neuromorphic hardware exchange spiking networks. Brian2 and NEST read and write none
of it; this package is a bridge with stated conventions:

- ``circuit, report = Circuit.from_nir(graph_or_path, convention=...)`` (:mod:`.importer`): Input, Output,
  Affine, Linear, Scale, Delay, Flatten, IF, LIF, Threshold and nested graphs, recurrent edges included;
  float weights become synapse counts (exact when they are multiples of one unit, else rounded with the
  error reported).
- ``graph, report = circuit.to_nir()`` and ``.write(path)`` (:mod:`.exporter`): continuous time, counts
  recoverable from the weights.
- The conventions exporters disagree on (time step, spike shape, decay, reset) are parameters, with
  presets ``"snntorch"``, ``"norse"``, ``"rockpool"``, ``"continuous"`` (:mod:`.conventions`).
- Every import and export returns a :class:`ConversionReport`: each node and field faithful, approximate
  (with the error) or unsupported (raised as :class:`UnsupportedNirError`, naming the node and field).
- Input spikes from ``nir.EventData``: :meth:`neurocompare.spike_input.GivenSpikes.from_nir`, or a whole
  data file with :func:`read_events`.
"""

from .conventions import CONVENTIONS, NirConvention, get_convention
from .events import read_events
from .exporter import NirExport, to_nir
from .importer import NirImport
from .report import ConversionReport, ReportEntry, UnsupportedNirError

__all__ = ["CONVENTIONS", "NirConvention", "get_convention", "NirImport", "NirExport", "to_nir", "read_events",
           "ConversionReport", "ReportEntry", "UnsupportedNirError"]
