"""convert() takes a fitted scikit-learn MLP (ReLU) directly."""

from __future__ import annotations

import warnings

import numpy as np
import pytest

from neurocompare import ArtificialBackend, convert
from neurocompare.errors import ParameterError

sklearn_nn = pytest.importorskip("sklearn.neural_network")
datasets = pytest.importorskip("sklearn.datasets")


def _iris():
    data = datasets.load_iris()  # bundled with scikit-learn: no download
    x = (data.data - data.data.min(0)) / np.ptp(data.data, axis=0)  # into [0, 1], the documented input range
    return x, data.target


def _fit(model, x, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # ConvergenceWarning on a short fit is not what is tested
        return model.fit(x, y)


def test_a_fitted_relu_classifier_converts_with_its_own_weights_and_keeps_its_answers():
    x, y = _iris()
    mlp = _fit(sklearn_nn.MLPClassifier(hidden_layer_sizes=(16,), max_iter=800, random_state=0), x, y)
    conv = convert(mlp, norm_data=x, bits=8, check_data=x, check_labels=y)
    assert [p.counts.shape for p in conv.circuit.projections] == [(16, 4), (3, 16)]
    np.testing.assert_allclose(conv.normalized_weights[0] * conv.lambdas[0], mlp.coefs_[0].T, rtol=1e-12)
    ann = ArtificialBackend().run(conv.circuit, x)["out"]  # the converted circuit, float arithmetic
    assert np.mean(np.argmax(ann, axis=1) == mlp.predict(x)) >= 0.97  # 8-bit counts keep >= 97% of the answers
    assert conv.check.accuracy_float == pytest.approx(mlp.score(x, y), abs=1e-12)  # the same float network
    assert conv.check.argmax_agreement >= 0.97


def test_a_regressor_converts_too():
    x, y = _iris()
    mlp = _fit(sklearn_nn.MLPRegressor(hidden_layer_sizes=(8,), max_iter=500, random_state=1), x[:, :3], x[:, 3])
    conv = convert(mlp, norm_data=x[:, :3])
    assert [p.counts.shape for p in conv.circuit.projections] == [(8, 3), (1, 8)]


@pytest.mark.parametrize("make, message", [
    (lambda: sklearn_nn.MLPClassifier(), "is not fitted"),
    (lambda: _fit(sklearn_nn.MLPClassifier(activation="tanh", max_iter=50, random_state=0), *_iris()),
     "activation='tanh'; only ReLU hidden layers convert"),
])
def test_models_that_cannot_convert_are_named_errors(make, message):
    with pytest.raises(ParameterError, match=message):
        convert(make(), norm_data=_iris()[0])


def test_biases_without_weights_or_twice_are_errors():
    x, y = _iris()
    mlp = _fit(sklearn_nn.MLPClassifier(hidden_layer_sizes=(4,), max_iter=50, random_state=0), x, y)
    with pytest.raises(ParameterError, match="brings its own biases"):
        convert(mlp, [np.zeros(4), np.zeros(3)], norm_data=x)
    with pytest.raises(ParameterError, match="give the weights and the biases"):
        convert([np.ones((2, 3))], norm_data=x[:, :3])
