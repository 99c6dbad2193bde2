"""Converting float weights to synapse counts: rounding, normalisation, function, spikes, errors.

Each step of the pipeline (normalise -> quantise -> to_circuit -> check) has its own tests on a small
seeded network, and convert is checked to be exactly their composition. Seeded throughout. The real 64-32-10 digits network is trained once per module (about 3 s);
the spiking check runs 20 test images for 100 ms on Brian2's numpy target at dt = 0.1 ms.
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from neurocompare import LIF, ArtificialBackend, Circuit, SpikingBackend
from neurocompare.convert import (
    MAX_BITS,
    Conversion,
    FunctionCheck,
    InputRangeWarning,
    Normalisation,
    Quantisation,
    check,
    convert,
    convert_trained,
    conversion_neuron,
    normalise,
    quantise,
    quantize,
    round_to_counts,
    to_circuit,
)
from neurocompare.errors import CircuitError, InputError, NeurocompareWarning, ParameterError

PERCENTILE = 99.9


@pytest.fixture(scope="module")
def conv5(trained) -> Conversion:
    return convert_trained(trained, bits=5, percentile=PERCENTILE)


def small_net(seed=0, sizes=(6, 5, 3)):
    rng = np.random.default_rng(seed)
    ws = [rng.normal(0, 1, (sizes[i + 1], sizes[i])) for i in range(len(sizes) - 1)]
    bs = [rng.normal(0, 0.1, sizes[i + 1]) for i in range(len(sizes) - 1)]
    x = rng.uniform(0, 1, (50, sizes[0]))
    return ws, bs, x


# ------------------------------------------------------------------------- rounding
def test_nearest_rounding_is_rint():
    v = np.array([-2.5, -1.4, -0.5, 0.49, 0.5, 1.5, 2.51])
    n = round_to_counts(v, rounding="nearest")
    assert n.dtype == np.int64
    assert n.tolist() == [-2, -1, 0, 0, 0, 2, 3]


def test_stochastic_rounding_is_unbiased():
    """Mean over 400 seeded roundings of 1000 values in [-3, 3] is within 5 standard errors of each value.

    One rounding has variance f(1 - f) <= 1/4, so the standard error of a 400-sample mean is <= 0.025;
    the tolerance is 5 SE = 0.125 per value and 0.005 for the mean error over all 1000 values.
    """
    v = np.random.default_rng(7).uniform(-3, 3, 1000)
    draws = np.stack([round_to_counts(v, rounding="stochastic", seed=s) for s in range(400)])
    assert np.all((draws == np.floor(v)) | (draws == np.ceil(v)))  # always a neighbour
    mean = draws.mean(axis=0)
    assert np.max(np.abs(mean - v)) <= 0.125
    assert abs(np.mean(mean - v)) <= 0.005
    # Different seeds give different roundings; the same seed the same one.
    assert not np.array_equal(draws[0], draws[1])
    assert np.array_equal(round_to_counts(v, rounding="stochastic", seed=3), draws[3])


@pytest.mark.parametrize("bits", [1, 2, 3, 5, 8])
@pytest.mark.parametrize("rounding", ["nearest", "stochastic"])
def test_counts_are_integers_within_bits(bits, rounding):
    w = np.random.default_rng(bits).normal(0, 1, (20, 30))
    counts, unit, clipped = quantize(w, bits=bits, rounding=rounding, seed=1)
    limit = 2**bits - 1
    assert counts.dtype == np.int64 and clipped == 0
    assert np.abs(counts).max() == limit  # the largest weight gets exactly 2**bits - 1 synapses
    assert unit == pytest.approx(np.abs(w).max() / limit, rel=1e-12)
    err = np.abs(counts * unit - w)
    bound = unit / 2 if rounding == "nearest" else unit
    assert err.max() <= bound * (1 + 1e-9)


def test_given_unit_weight_clips_to_bits():
    w = np.array([[0.05, 1.0, -2.0]])
    counts, unit, clipped = quantize(w, bits=3, unit_weight=0.1)
    assert unit == 0.1 and counts.tolist() == [[0, 7, -7]] and clipped == 2
    counts, _, clipped = quantize(w, bits=None, unit_weight=0.1)
    assert counts.tolist() == [[0, 10, -20]] and clipped == 0


def test_all_zero_layer_gets_unit_one():
    counts, unit, _ = quantize(np.zeros((2, 3)), bits=4)
    assert unit == 1.0 and not counts.any()


# ---------------------------------------------------------------- the converted circuit
def test_conversion_returns_a_circuit_of_counts(conv5, trained):
    c = conv5.circuit
    assert isinstance(c, Circuit)
    assert c.input_names == ("x",) and c.population_names == ("hidden", "out")
    assert c.projection("x", "hidden").counts.shape == (32, 64)
    assert c.projection("hidden", "out").counts.shape == (10, 32)
    for proj, unit, err in zip(c.projections, conv5.unit_weights, conv5.rounding_errors):
        assert np.abs(proj.counts).max() <= 31 and proj.unit_weight == unit
        assert err.max_count == 31 and err.n_synapses == proj.n_synapses
        assert err.max_abs_error <= unit / 2 * (1 + 1e-9)  # nearest rounding
        assert 0 < err.rel_frobenius_error < 0.05
    assert c.population("hidden").activation == "relu" and c.population("out").activation == "identity"
    assert c.population("hidden").neuron == conversion_neuron()
    assert conversion_neuron() == LIF(tau_m_ms=math.inf, reset="subtract", t_ref_ms=0.0)
    # Biases stay real-valued: b' = b / lambda.
    np.testing.assert_allclose(c.population("hidden").bias, trained.biases[0] / conv5.lambdas[0], rtol=1e-12)
    assert Circuit.from_json(c.to_json()) == c  # a converted circuit saves and loads exactly


def test_normalization_puts_the_percentile_at_one(conv5, trained):
    """p-th percentile of the non-zero activations: exactly 1 with float W', <= 1.05 with counts x unit."""
    x = trained.x_train
    # float normalised weights: exactly 1 (up to round-off)
    a = x
    for l, (w, b) in enumerate(zip(conv5.normalized_weights, conv5.normalized_biases)):
        a = np.maximum(a @ w.T + b, 0.0)
        assert np.percentile(a[a > 0], PERCENTILE) == pytest.approx(1.0, abs=1e-9)
    # the converted circuit (rounded): within the 5-bit rounding error
    res = ArtificialBackend().run(conv5.circuit, {"x": x}, seed=0)
    for name in ("hidden", "out"):
        acts = np.maximum(res[name], 0.0)
        assert np.percentile(acts[acts > 0], PERCENTILE) <= 1.05
        assert np.mean(acts > 1.05) < 0.005  # hardly any neuron asked to fire above rate_scale_hz


def test_lambdas_are_layer_percentiles(conv5, trained):
    hidden = np.maximum(trained.x_train @ trained.weights[0].T + trained.biases[0], 0)
    assert conv5.lambdas[0] == pytest.approx(np.percentile(hidden[hidden > 0], PERCENTILE), rel=1e-12)
    out = np.maximum(hidden @ trained.weights[1].T + trained.biases[1], 0)
    assert conv5.lambdas[1] == pytest.approx(np.percentile(out[out > 0], PERCENTILE), rel=1e-12)
    conv_all = convert_trained(trained, bits=5, ignore_zeros=False)
    assert conv_all.lambdas[0] < conv5.lambdas[0]  # silent neurons pull the percentile down


@pytest.mark.parametrize("bits, tol_pp", [(5, 1.0), (8, 1.0), (3, 3.0)])
def test_conversion_keeps_the_network_function(trained, bits, tol_pp):
    """ArtificialBackend on counts x unit: test accuracy within tol_pp of the float ANN; argmax agrees on >= 97 %."""
    conv = convert_trained(trained, bits=bits)
    res = ArtificialBackend().run(conv.circuit, {"x": trained.x_test}, seed=0)
    pred = np.argmax(res["out"], axis=1)
    acc = np.mean(pred == trained.y_test)
    assert abs(acc - trained.test_accuracy) * 100 <= tol_pp
    assert np.mean(pred == trained.predict(trained.x_test)) >= 0.97
    # the Conversion's own check says the same
    assert conv.check.accuracy_converted == pytest.approx(acc, abs=1e-12)
    assert conv.check.accuracy_float == pytest.approx(trained.test_accuracy, abs=1e-12)
    assert np.array_equal(conv.predict(trained.x_test), pred)


def test_output_is_the_normalised_logits(conv5, trained):
    """Identity output: y = z_L / lambda_L up to the rounding error (max abs error < 0.1 at 5 bits)."""
    expected = trained.logits(trained.x_test) / conv5.lambdas[-1]
    got = conv5.outputs(trained.x_test)
    assert np.max(np.abs(got - expected)) == pytest.approx(conv5.check.max_abs_output_error, rel=1e-9)
    assert conv5.check.max_abs_output_error < 0.1


def test_stochastic_conversion_is_seeded_and_close(trained):
    a = convert_trained(trained, bits=5, rounding="stochastic", seed=1)
    b = convert_trained(trained, bits=5, rounding="stochastic", seed=1)
    c = convert_trained(trained, bits=5, rounding="stochastic", seed=2)
    assert a.circuit == b.circuit and a.circuit != c.circuit
    assert abs(a.check.accuracy_converted - a.check.accuracy_float) <= 0.02
    for err in a.rounding_errors:
        assert err.max_count <= 31 and err.max_abs_error <= err.unit_weight * (1 + 1e-9)


def test_without_normalisation_lambdas_are_one(trained):
    conv = convert_trained(trained, percentile=None, bits=5)
    assert conv.lambdas == (1.0, 1.0) and conv.percentile is None
    np.testing.assert_array_equal(conv.normalized_weights[0], trained.weights[0])


def test_deeper_network_and_custom_names():
    ws, bs, x = small_net(sizes=(6, 5, 4, 3))
    conv = convert(ws, bs, norm_data=x, bits=6, check_data=x)
    assert conv.names == ("x", "hidden1", "hidden2", "out")
    assert len(conv.lambdas) == 3 and conv.check.argmax_agreement >= 0.9
    named = convert(ws, bs, norm_data=x, names=("pixels", "a", "b", "digits"), output_activation="relu")
    assert named.circuit.population("digits").activation == "relu"
    assert named.input_name == "pixels" and named.output_name == "digits"


def test_norm_subset_is_seeded(trained):
    a = convert_trained(trained, norm_samples=200, seed=4)
    b = convert_trained(trained, norm_samples=200, seed=4)
    assert a.lambdas == b.lambdas
    assert a.lambdas != convert_trained(trained).lambdas


# ------------------------------------------------------------------- pipeline steps
def relu_layers(ws, bs, x):
    """Every layer's ReLU activations, output layer included (what normalisation measures)."""
    acts, a = [], x
    for w, b in zip(ws, bs):
        a = np.maximum(a @ w.T + b, 0.0)
        acts.append(a)
    return acts


def test_normalise_scales_each_layer_by_its_percentile():
    """lambda_l = 99th percentile of the non-zero ReLU activations (rel 1e-12); W', b' follow the formula
    (rel 1e-12); the normalised network's percentile is then 1 in every layer (abs 1e-9)."""
    ws, bs, x = small_net(seed=1, sizes=(6, 5, 4, 3))
    norm = normalise(ws, bs, norm_data=x, percentile=99.0)
    assert isinstance(norm, Normalisation) and norm.percentile == 99.0 and norm.ignore_zeros
    expected = [np.percentile(a[a > 0], 99.0) for a in relu_layers(ws, bs, x)]
    np.testing.assert_allclose(norm.lambdas, expected, rtol=1e-12)
    prev = [1.0, *expected[:-1]]
    for l in range(3):
        np.testing.assert_allclose(norm.weights[l], ws[l] * prev[l] / expected[l], rtol=1e-12)
        np.testing.assert_allclose(norm.biases[l], bs[l] / expected[l], rtol=1e-12)
        assert not norm.weights[l].flags.writeable and not norm.biases[l].flags.writeable
    for a in relu_layers(norm.weights, norm.biases, x):
        assert np.percentile(a[a > 0], 99.0) == pytest.approx(1.0, abs=1e-9)
    plain = normalise(ws, bs, percentile=None)  # no data needed without normalisation
    assert plain.lambdas == (1.0, 1.0, 1.0)
    np.testing.assert_array_equal(plain.weights[1], ws[1])


def test_normalise_rejects_a_bad_percentile_and_warns_about_a_silent_layer():
    ws, bs, x = small_net(seed=2)
    with pytest.raises(ParameterError, match=r"^normalise: percentile must be in \(0, 100\].*; got 150\.$"):
        normalise(ws, bs, norm_data=x, percentile=150)
    silent_w, silent_b = [-np.abs(ws[0]), ws[1]], [-np.abs(bs[0]), bs[1]]  # inputs >= 0: hidden never active
    with pytest.warns(NeurocompareWarning, match="normalise: layer 'hidden' is silent"):
        norm = normalise(silent_w, silent_b, norm_data=x)
    assert norm.lambdas[0] == 1.0


def test_convert_warns_about_inputs_outside_zero_one_naming_the_data_the_value_and_the_fix():
    ws, bs, x = small_net(seed=2)
    assert x.min() >= 0 and x.max() <= 1  # in range: no warning (filterwarnings = error)
    convert(ws, bs, norm_data=x, check_data=x)
    bad = x.copy()
    bad[3, 1] = -0.5
    with pytest.warns(InputRangeWarning, match=r"^convert: norm_data must lie in \[0, 1\].*got -0.5 at \(3, 1\) "
                                               r"\(1 of \d+ values outside\)\. Rescale the data to \[0, 1\]\.$"):
        convert(ws, bs, norm_data=bad)
    unscaled = x.copy()
    unscaled[0, 0] = 16.0  # e.g. digits pixels not divided by 16
    with pytest.warns(InputRangeWarning, match=r"^convert: check_data must lie in \[0, 1\].*got 16 at \(0, 0\)"):
        convert(ws, bs, norm_data=x, check_data=unscaled)
    assert issubclass(InputRangeWarning, NeurocompareWarning)


def test_quantise_rounds_every_layer_within_half_a_unit():
    """Nearest rounding at 4 bits: |n| <= 15 with 15 reached, u = max|W| / 15 (rel 1e-12), |n u - W| <= u/2
    (rel 1e-9), and the reported errors equal the ones computed here (rel 1e-12)."""
    ws, _, _ = small_net(seed=3, sizes=(8, 6, 4))
    q = quantise(ws, bits=4)
    assert isinstance(q, Quantisation) and (q.bits, q.rounding, q.seed) == (4, "nearest", 0)
    assert [e.projection for e in q.errors] == ["x->hidden", "hidden->out"]
    for w, n, u, err in zip(ws, q.counts, q.unit_weights, q.errors):
        assert n.dtype == np.int64 and np.abs(n).max() == 15 and not n.flags.writeable
        assert u == pytest.approx(np.abs(w).max() / 15, rel=1e-12)
        np.testing.assert_array_equal(n, np.rint(w / u))
        diff = np.abs(n * u - w)
        assert err.max_abs_error == pytest.approx(diff.max(), rel=1e-12) and diff.max() <= u / 2 * (1 + 1e-9)
        rel = np.linalg.norm(n * u - w) / np.linalg.norm(w)
        assert err.rel_frobenius_error == pytest.approx(rel, rel=1e-12)
        assert err.n_synapses == np.abs(n).sum() and err.n_clipped == 0
    a, b = quantise(ws, bits=4, rounding="stochastic", seed=5), quantise(ws, bits=4, rounding="stochastic", seed=5)
    assert all(np.array_equal(m, n) for m, n in zip(a.counts, b.counts))  # seeded
    assert all(e.max_abs_error <= e.unit_weight * (1 + 1e-9) for e in a.errors)  # a neighbour of w/u


def test_quantise_rejects_an_unknown_rounding_mode():
    ws, _, _ = small_net(seed=3)
    with pytest.raises(ParameterError, match=r"^quantise: unknown rounding mode 'floor'; valid: 'nearest', 'stochastic'\.$"):
        quantise(ws, rounding="floor")


def integer_net(seed=4):
    """A network whose weights are exactly counts x unit (units are powers of two: no round-off)."""
    rng = np.random.default_rng(seed)
    counts = [rng.integers(-7, 8, (5, 6)), rng.integers(-7, 8, (3, 5))]
    units = [0.25, 0.125]
    biases = [rng.normal(0, 0.1, 5), rng.normal(0, 0.1, 3)]
    return counts, units, biases, rng.uniform(0, 1, (40, 6))


def test_to_circuit_builds_layers_of_counts():
    """Populations in layer order with the conversion neuron; the artificial side computes ReLU(n u a + b')
    hidden and the identity output, equal to the float computation within 1e-12."""
    counts, units, biases, x = integer_net()
    c = to_circuit(counts, units, biases, names=("px", "h", "y"), circuit_name="tiny", description="test")
    assert isinstance(c, Circuit) and c.name == "tiny" and c.description == "test"
    assert c.input_names == ("px",) and c.population_names == ("h", "y") and c.population("px").size == 6
    assert [p.activation for p in c.populations] == ["relu", "identity"]
    assert all(p.neuron == conversion_neuron() for p in c.populations)
    np.testing.assert_array_equal(c.projection("h", "y").counts, counts[1])
    assert c.projection("px", "h").unit_weight == 0.25
    np.testing.assert_array_equal(c.population("y").bias, biases[1])
    h = np.maximum(x @ (counts[0] * units[0]).T + biases[0], 0.0)
    expected = h @ (counts[1] * units[1]).T + biases[1]
    got = ArtificialBackend().run(c, {"px": x}, seed=0)["y"]
    np.testing.assert_allclose(got, expected, rtol=0, atol=1e-12)
    assert to_circuit(counts, units, biases, output_activation="relu").population("out").activation == "relu"


def test_to_circuit_rejects_a_neuron_with_another_threshold_gap():
    counts, units, biases, _ = integer_net()
    with pytest.raises(ParameterError, match=r"^to_circuit: the neuron's v_threshold - v_reset must be 1 .*; got 2\.0\."):
        to_circuit(counts, units, biases, neuron=LIF(v_threshold=2.0))
    fractional = [counts[0].astype(float), counts[1] + 0.5]
    with pytest.raises(CircuitError, match=r"Projection 'hidden'->'out'.*integers; got .*\.5 at \(0, 0\)"):
        to_circuit(fractional, units, biases)


def test_check_is_exact_for_a_network_of_counts():
    """Float weights that ARE counts x unit: outputs agree within 1e-12, argmax agrees on every sample,
    both accuracies equal; output_scale divides the float side; no labels gives NaN accuracies."""
    counts, units, biases, x = integer_net()
    ws = [n * u for n, u in zip(counts, units)]
    c = to_circuit(counts, units, biases)
    labels = np.argmax(np.maximum(x @ ws[0].T + biases[0], 0) @ ws[1].T + biases[1], axis=1)
    result = check(c, ws, biases, check_data=x, check_labels=labels)
    assert isinstance(result, FunctionCheck) and result.n_samples == 40
    assert result.max_abs_output_error <= 1e-12 and result.argmax_agreement == 1.0
    assert result.accuracy_float == result.accuracy_converted == 1.0
    scaled = check(c, [w * 2 for w in ws[:1]] + ws[1:], [biases[0] * 2, biases[1] * 2], check_data=x,
                   output_scale=2.0)  # hidden x2, output x2 then / 2: the same outputs
    assert scaled.max_abs_output_error <= 1e-12 and math.isnan(scaled.accuracy_float)


def test_check_rejects_labels_of_the_wrong_length():
    counts, units, biases, x = integer_net()
    ws = [n * u for n, u in zip(counts, units)]
    with pytest.raises(InputError, match=r"^check: check_labels must have shape \(40,\); got shape \(3,\)\.$"):
        check(to_circuit(counts, units, biases), ws, biases, check_data=x, check_labels=np.zeros(3))


@pytest.mark.parametrize("kwargs", [{}, {"rounding": "stochastic", "seed": 3, "bits": 3}, {"percentile": None}])
def test_convert_is_the_composition_of_the_steps(kwargs):
    """convert = normalise -> quantise -> to_circuit -> check, exactly (same circuit, same numbers)."""
    ws, bs, x = small_net(seed=6, sizes=(6, 5, 4, 3))
    conv = convert(ws, bs, norm_data=x, check_data=x, **kwargs)
    opts = {"percentile": kwargs.get("percentile", 99.9)}
    norm = normalise(ws, bs, norm_data=x, **opts)
    q = quantise(norm.weights, **{k: v for k, v in kwargs.items() if k != "percentile"})
    circuit = to_circuit(q.counts, q.unit_weights, norm.biases, description=conv.circuit.description)
    assert conv.circuit == circuit
    assert conv.lambdas == norm.lambdas and conv.unit_weights == q.unit_weights
    assert conv.rounding_errors == q.errors
    expected = check(circuit, ws, bs, check_data=x, output_scale=norm.lambdas[-1])
    assert vars(conv.check) == pytest.approx(vars(expected), rel=0, abs=0, nan_ok=True)


# ------------------------------------------------------------------------ spiking
@pytest.mark.slow
@pytest.mark.parametrize("encoding", ["analog", "regular"])
def test_spiking_argmax_matches_the_ann(conv5, trained, encoding):
    """20 test images, 100 ms, 1000 Hz, numpy target, dt 0.1 ms, 5 bits: spiking argmax = ANN argmax on >= 18.

    Measured: 20 / 20 for both encodings. Guard: every image made at least 5 output spikes.
    """
    x = trained.x_test[:20]
    be = SpikingBackend(duration_ms=100.0, dt_ms=0.1, encoding=encoding, rate_scale_hz=1000.0, target="numpy",
                        synapse_mode="aggregate")
    res = be.run(conv5.circuit, {"x": x}, seed=0)
    assert np.all(res.spike_counts("out").sum(axis=1) >= 5), "output neurons did not fire"
    spiking = np.argmax(res["out"], axis=1)
    assert np.sum(spiking == trained.predict(x)) >= 18


# ------------------------------------------------------------------------- errors
def test_nan_weights_name_the_layer():
    ws, bs, x = small_net()
    ws[1] = ws[1].copy()
    ws[1][2, 1] = np.nan
    with pytest.raises(CircuitError, match=r"Layer 1 \('hidden'->'out'\).*nan at \(2, 1\)"):
        convert(ws, bs, norm_data=x)


def test_transposed_weights_are_rejected():
    ws, bs, x = small_net()
    with pytest.raises(CircuitError, match=r"Layer 1.*shape \(5, 3\).*transpose"):
        convert([ws[0], ws[1].T], bs, norm_data=x)
    with pytest.raises(CircuitError, match=r"biases must have shape \(3,\)"):
        convert(ws, [bs[0], bs[1][:2]], norm_data=x)
    with pytest.raises(ParameterError, match="one per layer"):
        convert(ws, bs[:1], norm_data=x)


@pytest.mark.parametrize("bits", [0, MAX_BITS + 1, 2.5, True, "5"])
def test_bits_out_of_range(bits):
    ws, bs, x = small_net()
    with pytest.raises(ParameterError, match=r"bits must be an integer in 1\.\.30"):
        convert(ws, bs, norm_data=x, bits=bits)


@pytest.mark.parametrize("percentile", [0, -1, 100.5, float("nan"), "99"])
def test_percentile_out_of_range(percentile):
    ws, bs, x = small_net()
    with pytest.raises(ParameterError, match=r"percentile must be in \(0, 100\]"):
        convert(ws, bs, norm_data=x, percentile=percentile)


def test_other_bad_options():
    ws, bs, x = small_net()
    with pytest.raises(ParameterError, match="unknown rounding mode 'floor'"):
        convert(ws, bs, norm_data=x, rounding="floor")
    with pytest.raises(ParameterError, match="norm_data"):
        convert(ws, bs)
    with pytest.raises(InputError, match=r"norm_data must have shape \(n_samples, 6\)"):
        convert(ws, bs, norm_data=x[:, :5])
    with pytest.raises(ParameterError, match="v_threshold - v_reset must be 1"):
        convert(ws, bs, norm_data=x, neuron=LIF(v_threshold=2.0))
    with pytest.raises(ParameterError, match="unit_weight must be a finite number > 0"):
        convert(ws, bs, norm_data=x, unit_weight=-0.1)
    with pytest.raises(ParameterError, match="bits .* or unit_weight"):
        convert(ws, bs, norm_data=x, bits=None)
    with pytest.raises(ParameterError, match="output_activation"):
        convert(ws, bs, norm_data=x, output_activation="softmax")
    with pytest.raises(ParameterError, match="seed"):
        convert(ws, bs, norm_data=x, seed=-1)
    with pytest.raises(ParameterError, match="names"):
        convert(ws, bs, norm_data=x, names=("a", "b"))
    with pytest.raises(InputError, match="finite"):
        round_to_counts([1.0, np.inf])
