"""Float weights -> integer synapse counts: a trained ReLU network as a :class:`~neurocompare.Circuit`.

The float network ``a_l = max(0, W_l a_{l-1} + b_l)`` becomes a circuit whose spiking twin (non-leaky
integrate-and-fire neurons, reset by subtraction, threshold 1) fires at rates proportional to the ReLU
activations. :func:`convert` runs four steps, each a public function of its own:

1. :func:`normalise` -- **data-based normalisation** (Diehl et al. 2015, IJCNN; Rueckauer et al. 2017,
   Front. Neurosci. 11:682). For each layer ``l`` let ``lambda_l`` be the p-th percentile (default 99.9)
   of its ReLU activations on normalisation data (by default only the non-zero ones, as the SNN Toolbox
   does); ``lambda_0 = 1`` for the inputs, which must already lie in [0, 1] (``norm_data`` or
   ``check_data`` outside it warn with :class:`InputRangeWarning`, a
   :class:`~neurocompare.errors.NeurocompareWarning`: the spiking side cannot code such inputs). Then::

       W'_l = W_l * lambda_{l-1} / lambda_l,      b'_l = b_l / lambda_l,

   so that ``a'_l = a_l / lambda_l`` (ReLU is positively homogeneous) is at most 1 for all but a
   fraction (100 - p) % of the activations. A spiking neuron firing at ``rate_scale_hz`` thus
   stands for the layer's p-th percentile activation, and almost no neuron is asked to fire faster.

2. :func:`quantise` -- **rounding to synapse counts.** Each layer gets a unit weight ``u_l`` (what one
   synapse is worth) and counts ``n_l = round(W'_l / u_l)``, so the circuit's weight is ``n_l * u_l``.
   With ``bits = B`` the magnitude of a count is at most ``2**B - 1`` (the sign is separate:
   excitatory vs inhibitory synapses, so ``B = 5`` means ``|n| <= 31``, a 6-bit signed magnitude)
   and ``u_l = max|W'_l| / (2**B - 1)``; or the unit weight is given directly. Rounding is
   ``"nearest"`` or ``"stochastic"`` (``floor(w/u) + Bernoulli(frac(w/u))``, unbiased:
   ``E[n u] = w``; Gupta et al. 2015, ICML). The rounding error of each layer is measured
   (:class:`LayerRounding`). :func:`quantize` does this for one matrix, :func:`round_to_counts` rounds.

3. :func:`to_circuit` -- counts, unit weights and biases become a :class:`~neurocompare.Circuit`. Biases
   are not rounded: they stay real-valued constant inputs (:attr:`NeuronPopulation.bias`, a current
   ``b'_l * rate_scale_hz`` on the spiking side).

4. :func:`check` -- the converted circuit's outputs (artificial backend) against the float network's
   ``z_L / lambda_L`` on data: accuracies, argmax agreement, largest output error (:class:`FunctionCheck`).

The output layer
----------------
Artificial side: ``"identity"`` (default, the logits ``z'_L``; ``argmax`` gives the class exactly
as the float network does) or ``"relu"``. Spiking side: the output neurons are the same IF neurons
and fire at ``max(0, z'_L) * rate_scale_hz``; the class is the ``argmax`` of the decoded rates
(spike counts). When no output neuron fires, the top is tied and there is no answer
(:func:`~neurocompare.metrics.readout` gives -1, :func:`~neurocompare.metrics.accuracy` counts it wrong).
Output neurons whose ``z'_L`` is negative never fire, so the spiking side can only tell the
positive logits apart -- enough for a trained classifier, whose winner is positive on nearly every
sample. ``lambda_L`` is the percentile of ``max(0, z_L)``.

The neurons default to :func:`conversion_neuron`, ``LIF(tau_m_ms=inf, reset="subtract",
t_ref_ms=0)``: its rate is ``max(0, sum_j w_j r_j + b * rate_scale_hz) / (v_th - v_reset)``
(Rueckauer et al. 2017), so the conversion requires ``v_threshold - v_reset = 1``.

Modules: :mod:`.layers` (the float network's checks), :mod:`.normalisation`, :mod:`.quantisation`,
:mod:`.assembly` (to_circuit), :mod:`.checking`, :mod:`.pipeline` (convert, convert_trained, Conversion).
"""

from __future__ import annotations

from .assembly import OUTPUT_ACTIVATIONS, conversion_neuron, to_circuit
from .checking import FunctionCheck, check
from .normalisation import DEFAULT_PERCENTILE, INPUT_RANGE, InputRangeWarning, Normalisation, normalise
from .pipeline import Conversion, convert, convert_trained
from .quantisation import (
    MAX_BITS,
    ROUNDING_MODES,
    LayerRounding,
    Quantisation,
    quantise,
    quantize,
    round_to_counts,
)

__all__ = [
    "ROUNDING_MODES",
    "OUTPUT_ACTIVATIONS",
    "DEFAULT_PERCENTILE",
    "INPUT_RANGE",
    "InputRangeWarning",
    "MAX_BITS",
    "conversion_neuron",
    "round_to_counts",
    "quantize",
    "normalise",
    "quantise",
    "to_circuit",
    "check",
    "Normalisation",
    "Quantisation",
    "LayerRounding",
    "FunctionCheck",
    "Conversion",
    "convert",
    "convert_trained",
]
