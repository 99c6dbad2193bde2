"""Step 3 of a conversion: synapse counts, unit weights and biases become a :class:`~neurocompare.Circuit`.

Every neuron population runs the conversion neuron (:func:`conversion_neuron`): a non-leaky
integrate-and-fire neuron with reset by subtraction, whose rate is ``max(0, sum_j w_j r_j + b *
rate_scale_hz) / (v_th - v_reset)`` (Rueckauer et al. 2017), so a conversion needs
``v_threshold - v_reset = 1``. Biases are not rounded: they stay real-valued constant inputs
(:attr:`~neurocompare.circuit.NeuronPopulation.bias`, a current ``b'_l * rate_scale_hz`` on the spiking
side).
"""

from __future__ import annotations

import math
from typing import Any, Sequence

from .._validation import check_choice, fail
from ..activations import canonical_activation_name
from ..errors import ParameterError, UnknownNameError
from ..circuit import Circuit, InputPopulation, NeuronPopulation, Projection
from ..models import LIF, NeuronModel, check_neuron
from .layers import layer_list, layer_names

__all__ = ["OUTPUT_ACTIVATIONS", "conversion_neuron", "check_conversion_neuron", "check_output_activation",
           "to_circuit"]

#: Activations of the output population on the artificial side.
OUTPUT_ACTIVATIONS = ("identity", "relu")


def conversion_neuron() -> LIF:
    """The non-leaky integrate-and-fire neuron used for conversion.

    ``LIF(tau_m_ms=inf, reset="subtract", t_ref_ms=0)``: no leak (the membrane integrates its
    input exactly), reset by subtraction (no charge is lost at a spike) and no refractory period
    (no saturation below 1/dt), so its firing rate approximates ``max(0, z)`` (Rueckauer et al.
    2017; Diehl et al. 2015).
    """
    return LIF(tau_m_ms=math.inf, reset="subtract", t_ref_ms=0.0)


def check_conversion_neuron(owner: str, neuron: Any) -> NeuronModel:
    """``neuron`` (default :func:`conversion_neuron`) if its ``v_threshold - v_reset`` is 1."""
    neuron = conversion_neuron() if neuron is None else check_neuron(owner, neuron)
    if not neuron.calibrated and not math.isclose(neuron.reset_step, 1.0, rel_tol=1e-12):
        raise fail(owner, "the neuron's v_threshold - v_reset", "1 (weights are in units of the threshold gap)",
                   neuron.reset_step, fix="Keep v_threshold = v_reset + 1.")
    return neuron


def check_output_activation(owner: str, activation: Any, hidden: str = "relu") -> str:
    """``activation`` if it is one of :data:`OUTPUT_ACTIVATIONS` or the hidden layers' activation ``hidden``."""
    if isinstance(activation, str) and activation != hidden and activation not in OUTPUT_ACTIVATIONS:
        try:
            if canonical_activation_name(activation) == hidden:
                return hidden
        except (ParameterError, UnknownNameError):
            pass
    return check_choice(owner, "output_activation", activation, tuple(dict.fromkeys((*OUTPUT_ACTIVATIONS, hidden))))


def check_hidden_activation(owner: str, activation: Any) -> str:
    """The hidden layers' activation as a canonical name (``"relu"``, or a measured ``"fi:..."`` one...)."""
    if not isinstance(activation, str):
        raise fail(owner, "activation", "an activation name (a circuit holds names)", activation)
    try:
        return canonical_activation_name(activation)
    except (ParameterError, UnknownNameError) as exc:
        raise ParameterError(f"{owner}: {exc}") from None


def to_circuit(
    counts: Sequence[Any],
    unit_weights: Sequence[float],
    biases: Sequence[Any],
    *,
    names: Sequence[str] | None = None,
    neuron: NeuronModel | None = None,
    output_activation: str = "identity",
    circuit_name: str = "converted_mlp",
    description: str = "",
    owner: str = "to_circuit",
    activation: str = "relu",
) -> Circuit:
    """A layered circuit from integer synapse counts, unit weights and (normalised) biases.

    Parameters
    ----------
    counts : sequence of int arrays (out, in)
        ``n_l`` in (post, pre) orientation, input layer first (e.g. :attr:`Quantisation.counts`).
    unit_weights : sequence of float
        ``u_l`` (> 0): the weight of one synapse of layer ``l``.
    biases : sequence of arrays (out,)
        ``b'_l``, the constant input of every neuron (real-valued, not rounded).
    names : sequence of str, optional
        Population names, input first; default ``("x", "hidden", "out")`` (``hidden1``, ``hidden2``,
        ... for deeper networks).
    neuron : NeuronModel, optional
        Spiking parameters of every population; default :func:`conversion_neuron`. Its
        ``v_threshold - v_reset`` must be 1, the unit the weights are expressed in.
    output_activation : {"identity", "relu"} or ``activation``
        Activation of the output population on the artificial side.
    activation : str
        Activation of the hidden populations on the artificial side: ReLU (a conversion of a ReLU network), or the
        activation the network was trained with, such as a neuron's measured ``"fi:..."`` one.
    circuit_name, description : str
    owner : str
        Who is asking (the start of every error message).

    Returns
    -------
    Circuit
        Input ``names[0]`` of ``counts[0].shape[1]`` channels; populations ``names[1:]`` in order, each
        fed by the previous one through ``Projection(pre, post, counts=n_l, unit_weight=u_l)``.

    Notes
    -----
    The artificial side computes ``a_l = f(sum_j n_l,ij u_l a_{l-1},j + b'_l)`` with ``f`` = ReLU
    (``output_activation`` for the last layer); the spiking side fires at ``max(0, z_l) *
    rate_scale_hz`` (Rueckauer et al. 2017). Counts, unit weights and biases are checked by the circuit.
    """
    n_layers = layer_list(owner, "counts", counts, "a non-empty list of (out, in) integer matrices", None)
    layer_list(owner, "unit_weights", unit_weights, f"a list of {n_layers} numbers, one per layer", n_layers)
    layer_list(owner, "biases", biases, f"a list of {n_layers} vectors, one per layer", n_layers)
    pop_names = layer_names(n_layers, names, owner=owner)
    neuron = check_conversion_neuron(owner, neuron)
    activation = check_hidden_activation(owner, activation)
    output_activation = check_output_activation(owner, output_activation, activation)
    populations, projections = [], []
    for l, (n, unit, b) in enumerate(zip(counts, unit_weights, biases)):
        proj = Projection(pop_names[l], pop_names[l + 1], counts=n, unit_weight=unit)  # checks the counts
        act = output_activation if l == n_layers - 1 else activation
        populations.append(NeuronPopulation(proj.post, proj.counts.shape[0], bias=b, activation=act, neuron=neuron))
        projections.append(proj)
    return Circuit(
        circuit_name,
        inputs=[InputPopulation(pop_names[0], projections[0].counts.shape[1])],
        populations=populations,
        projections=projections,
        description=description,
    )
