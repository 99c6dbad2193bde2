"""Float weights -> integer synapse counts: a trained ReLU network as a :class:`~neurocompare.Circuit`.

Two steps turn the float network ``a_l = max(0, W_l a_{l-1} + b_l)`` into a circuit whose spiking
twin (non-leaky integrate-and-fire neurons, reset by subtraction, threshold 1) fires at rates
proportional to the ReLU activations:

1. **Data-based normalisation** (Diehl et al. 2015, IJCNN; Rueckauer et al. 2017, Front. Neurosci.
   11:682). For each layer ``l`` let ``lambda_l`` be the p-th percentile (default 99.9) of its ReLU
   activations on normalisation data (by default only the non-zero ones, as the SNN Toolbox does);
   ``lambda_0 = 1`` for the inputs, which must already lie in [0, 1]. Then::

       W'_l = W_l * lambda_{l-1} / lambda_l,      b'_l = b_l / lambda_l,

   so that ``a'_l = a_l / lambda_l`` (ReLU is positively homogeneous) is at most 1 for all but a
   fraction (100 - p) % of the activations. A spiking neuron firing at ``rate_scale_hz`` thus
   stands for the layer's p-th percentile activation, and almost no neuron is asked to fire faster.

2. **Rounding to synapse counts.** Each layer gets a unit weight ``u_l`` (what one synapse is
   worth) and counts ``n_l = round(W'_l / u_l)``, so the circuit's weight is ``n_l * u_l``.
   With ``bits = B`` the magnitude of a count is at most ``2**B - 1`` (the sign is separate:
   excitatory vs inhibitory synapses, so ``B = 5`` means ``|n| <= 31``, a 6-bit signed magnitude)
   and ``u_l = max|W'_l| / (2**B - 1)``; or the unit weight is given directly. Rounding is
   ``"nearest"`` or ``"stochastic"`` (``floor(w/u) + Bernoulli(frac(w/u))``, unbiased:
   ``E[n u] = w``; Gupta et al. 2015, ICML). Biases are not rounded: they stay real-valued
   constant inputs (:attr:`NeuronPopulation.bias`, a current ``b'_l * rate_scale_hz`` on the
   spiking side).

The output layer
----------------
Artificial side: ``"identity"`` (default, the logits ``z'_L``; ``argmax`` gives the class exactly
as the float network does) or ``"relu"``. Spiking side: the output neurons are the same IF neurons
and fire at ``max(0, z'_L) * rate_scale_hz``; the class is the ``argmax`` of the decoded rates
(spike counts). When no output neuron fires, ``argmax`` returns class 0: check that outputs fired.
Output neurons whose ``z'_L`` is negative never fire, so the spiking side can only tell the
positive logits apart -- enough for a trained classifier, whose winner is positive on nearly every
sample. ``lambda_L`` is the percentile of ``max(0, z_L)``.

The neurons default to :func:`conversion_neuron`, ``LIF(tau_m_ms=inf, reset="subtract",
t_ref_ms=0)``: its rate is ``max(0, sum_j w_j r_j + b * rate_scale_hz) / (v_th - v_reset)``
(Rueckauer et al. 2017), so the conversion requires ``v_threshold - v_reset = 1``.
"""

from __future__ import annotations

import logging
import math
import warnings
from dataclasses import dataclass, field
from numbers import Integral, Real
from typing import TYPE_CHECKING, Any, Sequence

import numpy as np

from .backends.artificial import ArtificialBackend
from .circuit import Circuit, InputPopulation, NeuronPopulation, Projection
from .encoding import stream_seed
from .errors import CircuitError, InputError, NeurocompareWarning, ParameterError
from .models import LIF

if TYPE_CHECKING:  # pragma: no cover
    from .training import TrainedNetwork

__all__ = [
    "ROUNDING_MODES",
    "OUTPUT_ACTIVATIONS",
    "DEFAULT_PERCENTILE",
    "MAX_BITS",
    "conversion_neuron",
    "round_to_counts",
    "quantize",
    "LayerRounding",
    "FunctionCheck",
    "Conversion",
    "convert",
    "convert_trained",
]

log = logging.getLogger(__name__)

#: How float weights / unit become integer counts.
ROUNDING_MODES = ("nearest", "stochastic")
#: Activations of the output population on the artificial side.
OUTPUT_ACTIVATIONS = ("identity", "relu")
#: Default normalisation percentile (Rueckauer et al. 2017 use 99.9 to 99.999).
DEFAULT_PERCENTILE = 99.9
#: Largest ``bits``: counts up to 2**30 - 1 stay below the circuit's limit of 2**31 - 1.
MAX_BITS = 30


def conversion_neuron() -> LIF:
    """The non-leaky integrate-and-fire neuron used for conversion.

    ``LIF(tau_m_ms=inf, reset="subtract", t_ref_ms=0)``: no leak (the membrane integrates its
    input exactly), reset by subtraction (no charge is lost at a spike) and no refractory period
    (no saturation below 1/dt), so its firing rate approximates ``max(0, z)`` (Rueckauer et al.
    2017; Diehl et al. 2015).
    """
    return LIF(tau_m_ms=math.inf, reset="subtract", t_ref_ms=0.0)


# ------------------------------------------------------------------------------ checks
def _check_rounding(owner: str, rounding: Any) -> str:
    if rounding not in ROUNDING_MODES:
        raise ParameterError(
            f"{owner}: unknown rounding mode {rounding!r}; valid: {', '.join(map(repr, ROUNDING_MODES))}."
        )
    return rounding


def _check_bits(owner: str, bits: Any) -> int | None:
    if bits is None:
        return None
    if isinstance(bits, bool) or not isinstance(bits, Integral) or not 1 <= bits <= MAX_BITS:
        raise ParameterError(
            f"{owner}: bits must be an integer in 1..{MAX_BITS} (|count| <= 2**bits - 1, sign separate) "
            f"or None; got {bits!r}."
        )
    return int(bits)


def _check_seed(owner: str, seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, Integral) or seed < 0:
        raise ParameterError(f"{owner}: seed must be a non-negative integer; got {seed!r}.")
    return int(seed)


def _check_unit(owner: str, unit: Any) -> float:
    if isinstance(unit, bool) or not isinstance(unit, Real) or not math.isfinite(unit) or unit <= 0:
        raise ParameterError(
            f"{owner}: unit_weight must be a finite number > 0 (the sign lives in the counts); got {unit!r}."
        )
    return float(unit)


def _float_matrix(owner: str, what: str, value: Any, ndim: int) -> np.ndarray:
    try:
        arr = np.asarray(value, dtype=float)
    except (TypeError, ValueError) as exc:
        raise CircuitError(f"{owner}: {what} must be an array of numbers ({exc}).") from None
    if arr.ndim != ndim:
        shape = "(out, in) = (post, pre)" if ndim == 2 else "(out,)"
        raise CircuitError(f"{owner}: {what} must have {ndim} dimension(s) {shape}; got shape {arr.shape}.")
    bad = ~np.isfinite(arr)
    if np.any(bad):
        idx = tuple(int(i) for i in np.argwhere(bad)[0])
        raise CircuitError(
            f"{owner}: {what} must be finite; got {arr[idx]} at {idx}. Retrain (lower the learning rate) "
            "or fix the weights before converting."
        )
    return arr


# ---------------------------------------------------------------------------- rounding
def round_to_counts(values: Any, *, rounding: str = "nearest", seed: int | None = 0) -> np.ndarray:
    """Round real numbers (weights in units of one synapse) to integer counts.

    ``"nearest"``: ``n = round(v)`` (half to even). ``"stochastic"``: ``n = floor(v) + B`` with
    ``B ~ Bernoulli(v - floor(v))``, so ``E[n] = v`` exactly (unbiased; Gupta et al. 2015).

    Parameters
    ----------
    values : array of float
    rounding : {"nearest", "stochastic"}
    seed : int
        Seeds the stochastic rounding (ignored by "nearest").

    Returns
    -------
    int64 array of the same shape
    """
    owner = "round_to_counts"
    rounding = _check_rounding(owner, rounding)
    v = np.asarray(values, dtype=float)
    if not np.all(np.isfinite(v)):
        raise InputError(f"{owner}: values must be finite; got NaN or inf.")
    if rounding == "nearest":
        return np.rint(v).astype(np.int64)
    rng = np.random.default_rng(stream_seed(_check_seed(owner, seed), "round"))
    low = np.floor(v)
    return (low + (rng.random(v.shape) < (v - low))).astype(np.int64)


def quantize(
    weights: Any,
    *,
    bits: int | None = 5,
    unit_weight: float | None = None,
    rounding: str = "nearest",
    seed: int = 0,
    owner: str = "quantize",
) -> tuple[np.ndarray, float, int]:
    """Integer counts and a unit weight for one float weight matrix: ``W ~ counts * unit``.

    Parameters
    ----------
    weights : array of float
    bits : int or None
        Largest count magnitude ``2**bits - 1`` (sign separate). With ``unit_weight=None`` the unit
        is ``u = max|W| / (2**bits - 1)``, so the largest weight gets exactly ``2**bits - 1``
        synapses. With a given ``unit_weight``, counts beyond the limit are clipped (saturated).
    unit_weight : float, optional
        Fixed unit weight; ``None`` derives it from ``bits``.
    rounding : {"nearest", "stochastic"}
    seed : int
        Seeds stochastic rounding.

    Returns
    -------
    counts : int64 array
    unit : float
    n_clipped : int
        How many counts were clipped to ``+-(2**bits - 1)``.
    """
    rounding = _check_rounding(owner, rounding)
    bits = _check_bits(owner, bits)
    w = np.asarray(weights, dtype=float)
    if unit_weight is None:
        if bits is None:
            raise ParameterError(f"{owner}: give bits (e.g. 5) or unit_weight; got neither.")
        w_max = float(np.max(np.abs(w))) if w.size else 0.0
        unit = w_max / (2**bits - 1) if w_max > 0 else 1.0
    else:
        unit = _check_unit(owner, unit_weight)
    counts = round_to_counts(w / unit, rounding=rounding, seed=seed)
    n_clipped = 0
    if bits is not None:
        limit = 2**bits - 1
        over = np.abs(counts) > limit
        # With a derived unit only floating-point round-off can overshoot (w/u = limit + 1e-15).
        n_clipped = int(np.count_nonzero(over)) if unit_weight is not None else 0
        counts = np.clip(counts, -limit, limit)
    return counts, unit, n_clipped


# ----------------------------------------------------------------------------- results
@dataclass(frozen=True)
class LayerRounding:
    """How well ``counts * unit_weight`` reproduces one layer's normalised float weights ``W'``.

    Attributes
    ----------
    projection : str
        ``"pre->post"``.
    unit_weight : float
    max_count : int
        Largest ``|n|`` in the layer.
    n_synapses : int
        ``sum |n|``.
    n_clipped : int
        Counts saturated at ``2**bits - 1`` (only with a given unit weight).
    max_abs_error, mean_abs_error : float
        ``max`` / ``mean`` of ``|n u - W'|`` over all pairs (nearest rounding: at most ``u / 2``
        unless clipped).
    rel_frobenius_error : float
        ``||n u - W'||_F / ||W'||_F`` (NaN for an all-zero layer).
    """

    projection: str
    unit_weight: float
    max_count: int
    n_synapses: int
    n_clipped: int
    max_abs_error: float
    mean_abs_error: float
    rel_frobenius_error: float


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
        Fraction classified correctly by ``argmax`` (NaN without labels).
    argmax_agreement : float
        Fraction of samples on which both give the same class.
    max_abs_output_error : float
        ``max |y_converted - z_L / lambda_L|`` over samples and output neurons.
    """

    n_samples: int
    accuracy_float: float
    accuracy_converted: float
    argmax_agreement: float
    max_abs_output_error: float


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
        """Class of each row of ``x``: ``argmax`` of the converted circuit's outputs."""
        return np.argmax(self.outputs(x), axis=1)

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


# ----------------------------------------------------------------------------- convert
def _percentile(values: np.ndarray, p: float, ignore_zeros: bool) -> float:
    v = values.ravel()
    if ignore_zeros:
        v = v[v > 0]
    if not v.size:
        return math.nan
    return float(np.percentile(v, p))


def _layer_names(n_layers: int, names: Sequence[str] | None) -> tuple[str, ...]:
    if names is None:
        hidden = ["hidden"] if n_layers == 2 else [f"hidden{i}" for i in range(1, n_layers)]
        return ("x", *hidden, "out")
    if isinstance(names, (str, bytes)) or len(names) != n_layers + 1:
        raise ParameterError(
            f"convert: names must give {n_layers + 1} population names (input, {n_layers - 1} hidden, output); "
            f"got {names!r}."
        )
    return tuple(names)


def convert(
    weights: Sequence[Any],
    biases: Sequence[Any],
    *,
    norm_data: Any = None,
    percentile: float | None = DEFAULT_PERCENTILE,
    ignore_zeros: bool = True,
    bits: int | None = 5,
    unit_weight: float | Sequence[float] | None = None,
    rounding: str = "nearest",
    seed: int = 0,
    neuron: LIF | None = None,
    output_activation: str = "identity",
    check_data: Any = None,
    check_labels: Any = None,
    names: Sequence[str] | None = None,
    circuit_name: str = "converted_mlp",
) -> Conversion:
    """Convert a float ReLU network to a circuit of integer synapse counts.

    Parameters
    ----------
    weights : sequence of arrays (out, in)
        ``W_l`` in the circuit's (post, pre) orientation, input layer first.
    biases : sequence of arrays (out,)
    norm_data : array (n, n_in)
        Inputs on which each layer's activation percentile is measured (e.g. the training set).
        Required unless ``percentile`` is None.
    percentile : float in (0, 100] or None
        ``lambda_l`` = this percentile of layer ``l``'s ReLU activations (default 99.9; 100 is the
        maximum, Diehl et al. 2015). ``None`` skips normalisation (every ``lambda_l = 1``), to show
        what goes wrong without it.
    ignore_zeros : bool
        Take the percentile over the non-zero activations only (default, as the SNN Toolbox does);
        False counts the silent neurons too, which gives a smaller ``lambda``.
    bits : int in 1..30 or None
        ``|count| <= 2**bits - 1``, sign separate (default 5: at most 31 synapses per pair).
    unit_weight : float or sequence of float, optional
        Fixed unit weight (per layer if a sequence) instead of the one ``bits`` implies; with
        ``bits`` also given the counts are clipped to its limit.
    rounding : {"nearest", "stochastic"}
    seed : int
        Seeds stochastic rounding (each layer has its own stream).
    neuron : LIF, optional
        Spiking parameters of every population; default :func:`conversion_neuron`. Its
        ``v_threshold - v_reset`` must be 1, the unit the weights are expressed in.
    output_activation : {"identity", "relu"}
        Activation of the output population on the artificial side.
    check_data, check_labels : arrays, optional
        Inputs (n, n_in) and labels (n,) for :attr:`Conversion.check`.
    names : sequence of str, optional
        Population names, input first; default ``("x", "hidden", "out")`` (``hidden1``,
        ``hidden2``, ... for deeper networks).
    circuit_name : str

    Returns
    -------
    Conversion

    Notes
    -----
    ``W'_l = W_l lambda_{l-1} / lambda_l``, ``b'_l = b_l / lambda_l`` (``lambda_0 = 1``), then
    ``n_l = round(W'_l / u_l)`` with ``u_l = max|W'_l| / (2**bits - 1)`` (Diehl et al. 2015;
    Rueckauer et al. 2017). See the module docstring.
    """
    owner = "convert"
    # ---- structure
    if isinstance(weights, np.ndarray) or not isinstance(weights, Sequence) or not len(weights):
        raise ParameterError(f"{owner}: weights must be a non-empty list of (out, in) matrices; got {type(weights).__name__}.")
    if isinstance(biases, np.ndarray) or not isinstance(biases, Sequence) or len(biases) != len(weights):
        n = len(biases) if isinstance(biases, Sequence) else type(biases).__name__
        raise ParameterError(f"{owner}: biases must be a list of {len(weights)} vectors, one per layer; got {n}.")
    n_layers = len(weights)
    pop_names = _layer_names(n_layers, names)
    ws: list[np.ndarray] = []
    bs: list[np.ndarray] = []
    for l, (w, b) in enumerate(zip(weights, biases)):
        layer = f"Layer {l} ({pop_names[l]!r}->{pop_names[l + 1]!r})"
        w = _float_matrix(layer, "weights", w, 2)
        b = _float_matrix(layer, "biases", b, 1)
        if l > 0 and w.shape[1] != ws[-1].shape[0]:
            raise CircuitError(
                f"{layer}: weights have shape {w.shape} (out, in) but the previous layer has "
                f"{ws[-1].shape[0]} outputs; pass (post, pre) matrices (transpose scikit-learn's coefs_)."
            )
        if b.shape != (w.shape[0],):
            raise CircuitError(f"{layer}: biases must have shape ({w.shape[0]},); got {b.shape}.")
        ws.append(w)
        bs.append(b)
    n_in = ws[0].shape[1]
    # ---- options
    if percentile is not None:
        ok = not isinstance(percentile, bool) and isinstance(percentile, Real) and 0 < percentile <= 100
        if not ok:
            raise ParameterError(
                f"{owner}: percentile must be in (0, 100] (e.g. 99.9) or None for no normalisation; got {percentile!r}."
            )
        percentile = float(percentile)
    bits = _check_bits(owner, bits)
    rounding = _check_rounding(owner, rounding)
    seed = _check_seed(owner, seed)
    if output_activation not in OUTPUT_ACTIVATIONS:
        raise ParameterError(
            f"{owner}: output_activation must be one of {', '.join(map(repr, OUTPUT_ACTIVATIONS))}; "
            f"got {output_activation!r}."
        )
    if unit_weight is None:
        if bits is None:
            raise ParameterError(f"{owner}: give bits (e.g. 5) or unit_weight; got neither.")
        units: list[float | None] = [None] * n_layers
    elif isinstance(unit_weight, Sequence) and not isinstance(unit_weight, (str, bytes)):
        if len(unit_weight) != n_layers:
            raise ParameterError(f"{owner}: unit_weight needs one value per layer ({n_layers}); got {list(unit_weight)!r}.")
        units = [_check_unit(f"{owner}: layer {l}", u) for l, u in enumerate(unit_weight)]
    else:
        units = [_check_unit(owner, unit_weight)] * n_layers
    neuron = conversion_neuron() if neuron is None else neuron
    if not isinstance(neuron, LIF):
        raise ParameterError(f"{owner}: neuron must be a LIF instance or None; got {neuron!r}.")
    if not math.isclose(neuron.reset_step, 1.0, rel_tol=1e-12):
        raise ParameterError(
            f"{owner}: the neuron's v_threshold - v_reset must be 1 (weights are in units of the threshold "
            f"gap); got {neuron.reset_step!r}. Keep v_threshold = v_reset + 1."
        )
    # ---- normalisation
    lambdas = [1.0] * n_layers
    if percentile is not None:
        if norm_data is None:
            raise ParameterError(
                f"{owner}: normalisation needs norm_data (e.g. the training inputs); pass it, or "
                "percentile=None to convert without normalisation."
            )
        x = _inputs(owner, "norm_data", norm_data, n_in)
        a = x
        for l in range(n_layers):
            z = a @ ws[l].T + bs[l]
            a = np.maximum(z, 0.0)
            lam = _percentile(a, percentile, ignore_zeros)
            if not math.isfinite(lam) or lam <= 0:
                warnings.warn(
                    f"convert: layer {pop_names[l + 1]!r} is silent on the normalisation data (no positive "
                    "activation); its scale is left at 1.",
                    NeurocompareWarning,
                    stacklevel=2,
                )
                lam = 1.0
            lambdas[l] = lam
    prev = [1.0] + lambdas[:-1]
    w_norm = [w * (p / lam) for w, p, lam in zip(ws, prev, lambdas)]
    b_norm = [b / lam for b, lam in zip(bs, lambdas)]
    # ---- rounding and the circuit
    populations = []
    projections = []
    errors = []
    unit_out = []
    for l in range(n_layers):
        pre, post = pop_names[l], pop_names[l + 1]
        counts, unit, n_clipped = quantize(
            w_norm[l],
            bits=bits,
            unit_weight=units[l],
            rounding=rounding,
            seed=int(stream_seed(seed, "convert", l).generate_state(1)[0]),
            owner=f"{owner}: layer {pre!r}->{post!r}",
        )
        approx = counts * unit
        diff = np.abs(approx - w_norm[l])
        norm = float(np.linalg.norm(w_norm[l]))
        errors.append(
            LayerRounding(
                projection=f"{pre}->{post}",
                unit_weight=unit,
                max_count=int(np.abs(counts).max()) if counts.size else 0,
                n_synapses=int(np.abs(counts).sum()),
                n_clipped=n_clipped,
                max_abs_error=float(diff.max()) if diff.size else 0.0,
                mean_abs_error=float(diff.mean()) if diff.size else 0.0,
                rel_frobenius_error=float(np.linalg.norm(approx - w_norm[l]) / norm) if norm > 0 else math.nan,
            )
        )
        unit_out.append(unit)
        act = output_activation if l == n_layers - 1 else "relu"
        populations.append(NeuronPopulation(post, ws[l].shape[0], bias=b_norm[l], activation=act, neuron=neuron))
        projections.append(Projection(pre, post, counts=counts, unit_weight=unit))
    desc = (
        f"ReLU network {'-'.join([str(n_in)] + [str(w.shape[0]) for w in ws])} converted to synapse counts "
        f"(percentile {percentile}, bits {bits}, {rounding} rounding, seed {seed})"
    )
    circuit = Circuit(
        circuit_name,
        inputs=[InputPopulation(pop_names[0], n_in)],
        populations=populations,
        projections=projections,
        description=desc,
    )
    check = None
    if check_data is not None:
        check = _function_check(circuit, pop_names, ws, bs, lambdas, check_data, check_labels, n_in)
    conv = Conversion(
        circuit=circuit,
        names=pop_names,
        lambdas=tuple(lambdas),
        unit_weights=tuple(unit_out),
        percentile=percentile,
        bits=bits,
        rounding=rounding,
        seed=seed,
        normalized_weights=tuple(_ro(w) for w in w_norm),
        normalized_biases=tuple(_ro(b) for b in b_norm),
        rounding_errors=tuple(errors),
        check=check,
        output_activation=output_activation,
        ignore_zeros=bool(ignore_zeros),
        info={"neuron": neuron.to_dict(), "input_scale": 1.0},
    )
    log.info("%s", conv.summary())
    return conv


def _ro(a: np.ndarray) -> np.ndarray:
    a = np.array(a, dtype=float, copy=True)
    a.setflags(write=False)
    return a


def _inputs(owner: str, what: str, x: Any, n_in: int) -> np.ndarray:
    try:
        x = np.asarray(x, dtype=float)
    except (TypeError, ValueError) as exc:
        raise InputError(f"{owner}: {what} must be an array of numbers ({exc}).") from None
    if x.ndim != 2 or x.shape[1] != n_in or x.shape[0] < 1:
        raise InputError(f"{owner}: {what} must have shape (n_samples, {n_in}); got {x.shape}.")
    if not np.all(np.isfinite(x)):
        raise InputError(f"{owner}: {what} must be finite; got NaN or inf.")
    return x


def _function_check(circuit, names, ws, bs, lambdas, x, y, n_in) -> FunctionCheck:
    owner = "convert"
    x = _inputs(owner, "check_data", x, n_in)
    a = x
    for l, (w, b) in enumerate(zip(ws, bs)):
        z = a @ w.T + b
        a = z if l == len(ws) - 1 else np.maximum(z, 0.0)
    float_out = a / lambdas[-1]  # logits on the normalised scale
    conv_out = ArtificialBackend().run(circuit, {names[0]: x}, seed=0)[names[-1]]
    pred_float = np.argmax(float_out, axis=1)
    pred_conv = np.argmax(conv_out, axis=1)
    if circuit.population(names[-1]).activation == "relu":
        float_cmp = np.maximum(float_out, 0.0)
    else:
        float_cmp = float_out
    if y is None:
        acc_f = acc_c = math.nan
    else:
        y = np.asarray(y)
        if y.shape != (len(x),):
            raise InputError(f"{owner}: check_labels must have shape ({len(x)},); got {y.shape}.")
        acc_f = float(np.mean(pred_float == y))
        acc_c = float(np.mean(pred_conv == y))
    return FunctionCheck(
        n_samples=len(x),
        accuracy_float=acc_f,
        accuracy_converted=acc_c,
        argmax_agreement=float(np.mean(pred_float == pred_conv)),
        max_abs_output_error=float(np.max(np.abs(conv_out - float_cmp))),
    )


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
        if isinstance(norm_samples, bool) or not isinstance(norm_samples, Integral) or norm_samples < 1:
            raise ParameterError(f"{owner}: norm_samples must be a positive integer or None; got {norm_samples!r}.")
        if norm_samples < len(x):
            seed = _check_seed(owner, options.get("seed", 0))
            rng = np.random.default_rng(stream_seed(seed, "norm_samples"))
            x = x[np.sort(rng.choice(len(x), size=int(norm_samples), replace=False))]
    options.setdefault("check_data", trained.x_test)
    options.setdefault("check_labels", trained.y_test if options["check_data"] is trained.x_test else None)
    options.setdefault("circuit_name", "digits_mlp")
    return convert(list(trained.weights), list(trained.biases), norm_data=x, **options)
