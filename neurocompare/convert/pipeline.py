"""The whole conversion, :func:`convert`: normalise -> quantise -> to_circuit -> check, and its result.

:func:`convert_trained` converts a :class:`~neurocompare.training.TrainedNetwork`, normalising on its
training images and checking on its test images.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from .._validation import check_int
from ..backends.artificial import ArtificialBackend
from ..circuit import Circuit
from ..encoding import stream_seed
from ..errors import ParameterError
from ..metrics import readout
from ..models import NeuronModel
from .assembly import check_conversion_neuron, check_hidden_activation, check_output_activation, to_circuit
from .checking import FunctionCheck, check
from .layers import float_layers
from .normalisation import DEFAULT_PERCENTILE, check_percentile, normalise
from .sklearn import is_sklearn_mlp, layers_from_sklearn
from .quantisation import LayerRounding, quantise, quantise_options

if TYPE_CHECKING:  # pragma: no cover
    from ..training import TrainedNetwork

__all__ = ["Conversion", "convert", "convert_trained"]

log = logging.getLogger(__name__)


@dataclass(frozen=True, eq=False)
class Conversion:
    """A float network converted to a circuit of synapse counts, with what was lost on the way.

    Attributes
    ----------
    circuit : Circuit
        Input ``names[0]``, neuron populations ``names[1:]`` (the last one is the output).
    names : tuple of str
        Population names, inputs first.
    lambdas : tuple of float
        Normalisation scale ``lambda_l`` of every neuron layer (1.0 without normalisation).
    unit_weights : tuple of float
    percentile : float or None
        The percentile used (None: not normalised).
    bits : int or None
    rounding : str
    seed : int
    normalized_weights, normalized_biases : tuple of arrays
        ``W'_l`` and ``b'_l`` before rounding.
    rounding_errors : tuple of LayerRounding
    check : FunctionCheck or None
        On the check data, if any was given.
    output_activation : str
    """

    circuit: Circuit
    names: tuple[str, ...]
    lambdas: tuple[float, ...]
    unit_weights: tuple[float, ...]
    percentile: float | None
    bits: int | None
    rounding: str
    seed: int
    normalized_weights: tuple[np.ndarray, ...]
    normalized_biases: tuple[np.ndarray, ...]
    rounding_errors: tuple[LayerRounding, ...]
    check: FunctionCheck | None
    output_activation: str
    ignore_zeros: bool = True
    info: dict = field(default_factory=dict, repr=False)

    @property
    def input_name(self) -> str:
        return self.names[0]

    @property
    def output_name(self) -> str:
        return self.names[-1]

    def outputs(self, x: Any) -> np.ndarray:
        """The converted circuit's output activations (artificial backend), shape (batch, n_out)."""
        return ArtificialBackend().run(self.circuit, {self.input_name: np.asarray(x, dtype=float)}, seed=0)[
            self.output_name
        ]

    def predict(self, x: Any) -> np.ndarray:
        """Class of each row of ``x``: ``argmax`` of the converted circuit's outputs, -1 where the top output is
        tied (no answer; :func:`~neurocompare.metrics.readout`)."""
        return readout(self.outputs(x), mode="argmax")

    def summary(self) -> str:
        """One line per layer: scale, unit, largest count, rounding error."""
        head = (
            f"Conversion of {'-'.join(str(self.circuit.population(n).size) for n in self.names)}: "
            f"percentile {self.percentile}, bits {self.bits}, rounding {self.rounding!r}"
        )
        lines = [head]
        for lam, err in zip(self.lambdas, self.rounding_errors):
            lines.append(
                f"  {err.projection:<14} lambda {lam:8.4g}  unit {err.unit_weight:8.4g}  max|n| {err.max_count:4d}"
                f"  synapses {err.n_synapses:7d}  rel. error {err.rel_frobenius_error:.4f}"
            )
        if self.check is not None:
            c = self.check
            lines.append(
                f"  check on {c.n_samples} samples: accuracy float {c.accuracy_float:.4f}, converted "
                f"{c.accuracy_converted:.4f}, argmax agreement {c.argmax_agreement:.4f}"
            )
        return "\n".join(lines)


def _layers(weights: Any, biases: Any, owner: str) -> tuple[Any, Any]:
    """(weights, biases) as given, or read from a fitted scikit-learn MLP given alone."""
    if is_sklearn_mlp(weights):
        if biases is not None:
            raise ParameterError(f"{owner}: a scikit-learn model brings its own biases; do not pass biases too.")
        return layers_from_sklearn(weights, owner=owner)
    if biases is None:
        raise ParameterError(f"{owner}: give the weights and the biases of every layer (or a fitted scikit-learn "
                             "MLPClassifier / MLPRegressor alone).")
    return weights, biases


def convert(
    weights: Sequence[Any] | Any,
    biases: Sequence[Any] | None = None,
    *,
    norm_data: Any = None,
    percentile: float | None = DEFAULT_PERCENTILE,
    ignore_zeros: bool = True,
    bits: int | None = 5,
    unit_weight: float | Sequence[float] | None = None,
    rounding: str = "nearest",
    seed: int = 0,
    neuron: NeuronModel | None = None,
    output_activation: str = "identity",
    check_data: Any = None,
    check_labels: Any = None,
    names: Sequence[str] | None = None,
    circuit_name: str = "converted_mlp",
    activation: str = "relu",
) -> Conversion:
    """Convert a float ReLU network to a circuit of integer synapse counts.

    Checks every option first, then runs :func:`normalise` (``norm_data``, ``percentile``,
    ``ignore_zeros``), :func:`quantise` (``bits``, ``unit_weight``, ``rounding``, ``seed``),
    :func:`to_circuit` (``neuron``, ``output_activation``, ``names``, ``circuit_name``) and, if
    ``check_data`` is given, :func:`check` (``check_data``, ``check_labels``); each of those documents its
    options. Defaults: the 99.9th percentile of the non-zero activations, 5 bits (at most 31 synapses per
    pair), nearest rounding, :func:`conversion_neuron`, an identity output, names ``("x", "hidden",
    "out")``.

    Parameters
    ----------
    weights : sequence of arrays (out, in), or a fitted scikit-learn MLPClassifier / MLPRegressor
        ``W_l`` in the circuit's (post, pre) orientation, input layer first. A fitted ReLU MLP gives its
        own weights and biases (:mod:`neurocompare.convert.sklearn`); ``biases`` is then omitted.
    biases : sequence of arrays (out,)
    norm_data, percentile, ignore_zeros, bits, unit_weight, rounding, seed, neuron, output_activation, \
check_data, check_labels, names, circuit_name
        As in the step that uses them (above).

    Returns
    -------
    Conversion

    Notes
    -----
    ``W'_l = W_l lambda_{l-1} / lambda_l``, ``b'_l = b_l / lambda_l`` (``lambda_0 = 1``), then
    ``n_l = round(W'_l / u_l)`` with ``u_l = max|W'_l| / (2**bits - 1)`` (Diehl et al. 2015;
    Rueckauer et al. 2017). See :mod:`neurocompare.convert`.
    """
    owner = "convert"
    ws, bs, pop_names = float_layers(*_layers(weights, biases, owner), names=names, owner=owner)
    percentile = check_percentile(owner, percentile)
    bits, _, rounding, seed = quantise_options(owner, n_layers=len(ws), bits=bits, unit_weight=unit_weight,
                                               rounding=rounding, seed=seed)
    activation = check_hidden_activation(owner, activation)
    output_activation = check_output_activation(owner, output_activation, activation)
    neuron = check_conversion_neuron(owner, neuron)
    if activation != "relu" and percentile is not None:
        raise ParameterError(f"{owner}: a network trained with the activation {activation!r} is converted without "
                             f"normalisation (that activation is not scale-free like ReLU); give percentile=None, got "
                             f"{percentile!r}.")
    norm = normalise(ws, bs, norm_data=norm_data, percentile=percentile, ignore_zeros=ignore_zeros,
                     names=pop_names, owner=owner)
    quant = quantise(norm.weights, bits=bits, unit_weight=unit_weight, rounding=rounding, seed=seed,
                     names=pop_names, owner=owner)
    sizes = "-".join([str(ws[0].shape[1])] + [str(w.shape[0]) for w in ws])
    circuit = to_circuit(quant.counts, quant.unit_weights, norm.biases, names=pop_names, neuron=neuron,
                         output_activation=output_activation, circuit_name=circuit_name, owner=owner,
                         activation=activation,
                         description=f"{'ReLU' if activation == 'relu' else activation} network {sizes} converted to synapse counts (percentile {percentile}, "
                                     f"counts up to {2 ** bits - 1} synapses ({bits} bits, {bits + 1} with the sign), "
                                     f"{rounding} rounding, seed {seed})")
    function_check = None if check_data is None else check(
        circuit, ws, bs, check_data=check_data, check_labels=check_labels, output_scale=norm.lambdas[-1], owner=owner)
    conv = Conversion(
        circuit=circuit, names=pop_names, lambdas=norm.lambdas, unit_weights=quant.unit_weights,
        percentile=percentile, bits=bits, rounding=rounding, seed=seed, normalized_weights=norm.weights,
        normalized_biases=norm.biases, rounding_errors=quant.errors, check=function_check,
        output_activation=output_activation, ignore_zeros=norm.ignore_zeros,
        info={"neuron": neuron.to_dict(), "input_scale": 1.0},
    )
    log.info("%s", conv.summary())
    return conv


def convert_trained(
    trained: "TrainedNetwork",
    *,
    norm_samples: int | None = None,
    **options: Any,
) -> Conversion:
    """Convert a :class:`~neurocompare.training.TrainedNetwork`, normalising on its training data.

    Parameters
    ----------
    trained : TrainedNetwork
    norm_samples : int, optional
        Normalise on a seeded random subset of this many training images (default: all of them).
        The subset is drawn with the conversion's ``seed``.
    **options
        Passed to :func:`convert` (``percentile``, ``bits``, ``rounding``, ``seed``...). The check
        data default to the test set (``check_data=trained.x_test, check_labels=trained.y_test``).
    """
    owner = "convert_trained"
    for attr in ("weights", "biases", "x_train", "x_test", "y_test"):
        if not hasattr(trained, attr):
            raise ParameterError(f"{owner}: trained must be a TrainedNetwork (no {attr!r}); got {type(trained).__name__}.")
    x = trained.x_train
    if norm_samples is not None:
        norm_samples = check_int(owner, "norm_samples", norm_samples, minimum=1, hint="or None")
        if norm_samples < len(x):
            seed = check_int(owner, "seed", options.get("seed", 0), minimum=0)
            rng = np.random.default_rng(stream_seed(seed, "norm_samples"))
            x = x[np.sort(rng.choice(len(x), size=norm_samples, replace=False))]
    act = getattr(trained, "activation", "relu")
    if act != "relu":  # trained with a neuron's activation: its own units, no normalisation, its output layer
        options.setdefault("activation", act if isinstance(act, str) else getattr(act, "name", act))
        options.setdefault("output_activation", options["activation"])
        options.setdefault("percentile", None)
    options.setdefault("check_data", trained.x_test)
    options.setdefault("check_labels", trained.y_test if options["check_data"] is trained.x_test else None)
    options.setdefault("circuit_name", "digits_mlp")
    return convert(list(trained.weights), list(trained.biases), norm_data=x, **options)
