"""Step 4 of a conversion: does the converted circuit compute what the float network computed?

The float network's outputs divided by the output scale ``lambda_L`` are compared with the converted
circuit's output activations from :class:`~neurocompare.backends.ArtificialBackend`, i.e. with the
rounded weights ``n u`` on the normalised scale: classification accuracies, ``argmax`` agreement and the
largest output difference. Classes are read by :func:`~neurocompare.metrics.readout` (a tie for the top
output is no answer), the rule of every accuracy neurocompare reports.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Sequence

import numpy as np

from .._validation import check_positive, check_shape, float_array
from ..backends.artificial import ArtificialBackend
from ..circuit import Circuit
from ..errors import InputError, ParameterError
from ..metrics import accuracy, output_agreement
from ..training import forward_pass
from .layers import float_layers, layer_list
from .normalisation import warn_input_range

__all__ = ["FunctionCheck", "check"]


@dataclass(frozen=True, eq=False)
class FunctionCheck:
    """Does the converted circuit compute what the float network computed? (artificial side)

    The float network's layer outputs divided by ``lambda_l`` are compared with the converted
    circuit's activations from :class:`~neurocompare.backends.ArtificialBackend`, i.e. with the
    rounded weights ``n u`` on the normalised scale.

    Attributes
    ----------
    n_samples : int
    accuracy_float, accuracy_converted : float
        Fraction classified correctly by ``argmax`` (NaN without labels); a tie for the top output is no
        answer and counts as wrong (:func:`~neurocompare.metrics.accuracy`).
    argmax_agreement : float
        Fraction of samples on which both give the same class (both tied counts as the same: no answer).
    max_abs_output_error : float
        ``max |y_converted - z_L / lambda_L|`` over samples and output neurons.
    """

    n_samples: int
    accuracy_float: float
    accuracy_converted: float
    argmax_agreement: float
    max_abs_output_error: float


def _accuracies(owner: str, labels: Any, float_out: np.ndarray, conv_out: np.ndarray) -> tuple[float, float]:
    if labels is None:
        return math.nan, math.nan
    y = check_shape(owner, "check_labels", np.asarray(labels), (len(float_out),), error=InputError)
    return accuracy(float_out, y, mode="argmax"), accuracy(conv_out, y, mode="argmax")


def check(
    circuit: Circuit,
    weights: Sequence[Any],
    biases: Sequence[Any],
    *,
    check_data: Any,
    check_labels: Any = None,
    output_scale: float = 1.0,
    owner: str = "check",
) -> FunctionCheck:
    """Compare a converted circuit with the float network it came from, on data.

    Parameters
    ----------
    circuit : Circuit
        The converted circuit: one input, neuron populations in layer order (the last is the output),
        as :func:`~neurocompare.convert.to_circuit` makes.
    weights, biases : sequences of arrays
        The float network ``W_l`` (out, in) and ``b_l`` (out,) before normalisation.
    check_data : array (n, n_in)
        Inputs, in [0, 1] (values outside warn: :class:`~neurocompare.convert.InputRangeWarning`).
    check_labels : array (n,), optional
        True classes; without them the accuracies are NaN.
    output_scale : float
        ``lambda_L``, the output layer's normalisation scale (1 without normalisation).
    owner : str
        Who is asking (the start of every error message).

    Returns
    -------
    FunctionCheck

    Notes
    -----
    The float side is ``z_L / lambda_L`` with ``a_l = max(0, W_l a_{l-1} + b_l)``, ``z_L = W_L a_{L-1} +
    b_L`` (and ``max(0, .)`` of it if the circuit's output is ReLU); the converted side is the circuit's
    output on :class:`~neurocompare.backends.ArtificialBackend`. ``max_abs_output_error`` is
    ``max |y_converted - y_float|``; the class is ``argmax`` over output neurons on both sides (a tie: none).
    """
    if not isinstance(circuit, Circuit) or len(circuit.inputs) != 1 or not circuit.populations:
        raise ParameterError(f"{owner}: circuit must be a Circuit with one input and neuron populations "
                             f"(see to_circuit); got {circuit!r}.")
    names = (circuit.input_names[0], *circuit.population_names)
    n_pops = len(circuit.populations)
    layer_list(owner, "weights", weights, f"a list of {n_pops} matrices, one per population of the circuit", n_pops)
    ws, bs, _ = float_layers(weights, biases, names=names, owner=owner)
    for proj, w in zip(circuit.projections, ws):
        check_shape(owner, f"the float weights of {proj.name!r}", w, proj.counts.shape)
    scale = check_positive(owner, "output_scale", output_scale)
    x = float_array(owner, "check_data", check_data, shape=("n_samples", ws[0].shape[1]), error=InputError)
    warn_input_range(owner, "check_data", x)
    hidden = circuit.population(names[1]).activation_fn if n_pops > 1 else None
    out_pop = circuit.population(names[-1])
    float_out = forward_pass(ws, bs, x, activation=hidden)[-1] / scale  # logits on the normalised scale
    conv_out = ArtificialBackend().run(circuit, {names[0]: x}, seed=0)[names[-1]]
    float_out_cmp = out_pop.activation_fn(float_out)
    if out_pop.activation not in ("relu", "identity"):  # a neuron's activation: its rates are the class scores
        float_out = float_out_cmp
    acc_f, acc_c = _accuracies(owner, check_labels, float_out, conv_out)
    return FunctionCheck(
        n_samples=len(x),
        accuracy_float=acc_f,
        accuracy_converted=acc_c,
        argmax_agreement=output_agreement(float_out, conv_out, mode="argmax"),
        max_abs_output_error=float(np.max(np.abs(conv_out - float_out_cmp))),
    )
