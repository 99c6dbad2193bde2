"""neurocompare: how does a real (spiking) neuron differ from an artificial one? Measured.

One circuit, described once (:class:`Circuit`), simulated by two backends side by side:
:class:`SpikingBackend` (Brian2 leaky integrate-and-fire neurons, weights as integer synapse
counts) and :class:`ArtificialBackend` (numpy, y = f(W x + b)). Both return a :class:`Result`
with the same per-population ``(batch, size)`` activations.
"""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version

from .activations import BUILTIN_ACTIVATIONS, TabulatedActivation
from .backends.activation import measured_activation
from .backends import (
    ArtificialBackend,
    Backend,
    ReferenceBackend,
    SpikingBackend,
    available_backends,
    get_backend,
    register_backend,
)
from .circuit import Circuit, InputPopulation, NeuronPopulation, Projection
from .convert import Conversion, convert, convert_trained
from .crosscheck import CrosscheckReport, crosscheck
from .encoding import Analog, Encoding, Latency, Poisson, Regular, get_encoding
from . import errors
from .errors import *  # noqa: F401,F403 - the error family is part of the public API
from .models import LIF, NeuronModel, register_neuron_model
from .results import Result, RunInfo, SpikeTrains, VoltageTrace
from .spike_input import GivenSpikes
from .datasets import load_digits_split
from .training import TrainedNetwork, train_mlp
from .plasticity import CountSTDP, LearningNetwork
from .backends.learning import train_counts
from .competitive import label_neurons, learn_competitive, vote

from .notebook import enable_inline_figures as _enable_inline_figures

# In IPython/Jupyter, the package's figures (bare matplotlib Figures, no pyplot) display as images without
# %matplotlib inline; outside IPython this does nothing (see neurocompare.notebook).
_enable_inline_figures()

try:
    __version__ = version("neurocompare")
except PackageNotFoundError:  # pragma: no cover - running from a source tree without install
    __version__ = "0+unknown"

__all__ = [
    "Circuit",
    "InputPopulation",
    "NeuronPopulation",
    "Projection",
    "LIF",
    "ArtificialBackend",
    "SpikingBackend",
    "ReferenceBackend",
    "crosscheck",
    "CrosscheckReport",
    "Backend",
    "get_backend",
    "available_backends",
    "Result",
    "SpikeTrains",
    "VoltageTrace",
    "RunInfo",
    "Encoding",
    "Poisson",
    "Regular",
    "Latency",
    "Analog",
    "get_encoding",
    "GivenSpikes",
    "Conversion",
    "convert",
    "convert_trained",
    "TrainedNetwork",
    "load_digits_split",
    "train_mlp",
    "CountSTDP",
    "LearningNetwork",
    "train_counts",
    "learn_competitive",
    "label_neurons",
    "vote",
    "BUILTIN_ACTIVATIONS",
    "TabulatedActivation",
    "measured_activation",
    "NeuronModel",
    "register_neuron_model",
    "register_backend",
    *errors.__all__,
    "__version__",
]
