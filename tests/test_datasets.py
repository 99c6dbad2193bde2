"""Loading the bundled 8x8 digits: shapes, range, stratified and seeded splits, bad options."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from neurocompare.datasets import DigitsSplit, import_sklearn, load_digits_split
from neurocompare.errors import BackendError, ParameterError

N_DIGITS = 1797


# ----------------------------------------------------------------------------- data
def test_split_shapes_range_and_stratification():
    d = load_digits_split(test_fraction=0.2, seed=0)
    assert isinstance(d, DigitsSplit)
    assert d.x_train.shape == (1437, 64) and d.x_test.shape == (360, 64)
    assert len(d.y_train) + len(d.y_test) == N_DIGITS
    assert d.x_train.min() >= 0.0 and max(d.x_train.max(), d.x_test.max()) == 1.0
    # Stratified: every class's share of the test set is within one image of 20 % of the class.
    total = np.bincount(np.concatenate([d.y_train, d.y_test]), minlength=10)
    test = np.bincount(d.y_test, minlength=10)
    assert np.all(np.abs(test - 0.2 * total) <= 1.0)
    assert not d.x_train.flags.writeable


def test_split_is_seeded():
    a, b, c = load_digits_split(seed=1), load_digits_split(seed=1), load_digits_split(seed=2)
    assert np.array_equal(a.x_test, b.x_test) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.y_test, c.y_test)


@pytest.mark.parametrize("fraction", [0.0, 1.0, -0.1, float("nan"), "0.2"])
def test_split_rejects_bad_fraction(fraction):
    with pytest.raises(ParameterError, match="test_fraction"):
        load_digits_split(test_fraction=fraction)


def test_missing_sklearn_says_how_to_install(monkeypatch):
    monkeypatch.setitem(sys.modules, "sklearn", None)  # makes "from sklearn import ..." raise ImportError
    with pytest.raises(BackendError, match="pip install scikit-learn"):
        import_sklearn()
