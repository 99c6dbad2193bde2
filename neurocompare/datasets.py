"""Data sets that ship with a package (nothing is downloaded at run time): loading and splitting only.

Training lives in :mod:`neurocompare.training`; this module is also the one place that imports
scikit-learn (:func:`import_sklearn`, with an install hint when it is missing).

The digits are scikit-learn's bundled 8x8 handwritten digits (1797 images, 10 classes; Alpaydin &
Kaynak 1998, UCI "Optical Recognition of Handwritten Digits"). Pixel values 0..16 are scaled to [0, 1]
by /16, which is also the range an input rate code needs (a value of 1 is the spiking backend's
``rate_scale_hz``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from ._validation import check_int, check_real, frozen
from .errors import BackendError, ParameterError

__all__ = ["DigitsSplit", "load_digits_split"]

_SKLEARN_HINT = 'install scikit-learn ("pip install scikit-learn")'


def import_sklearn() -> Any:
    """scikit-learn's ``datasets``, ``model_selection`` and ``neural_network`` modules (a BackendError if missing)."""
    try:
        from sklearn import datasets, model_selection, neural_network
    except ImportError as exc:  # pragma: no cover - scikit-learn is a dependency
        raise BackendError(f"neurocompare needs scikit-learn; {_SKLEARN_HINT}: {exc}") from exc
    return datasets, model_selection, neural_network


@dataclass(frozen=True, eq=False)
class DigitsSplit:
    """The 8x8 digits, pixels scaled to [0, 1], split into stratified train and test sets.

    Attributes
    ----------
    x_train, x_test : float arrays, shape (n, 64)
        Pixel values / 16, row-major 8x8 images.
    y_train, y_test : int arrays, shape (n,)
        Digit labels 0..9.
    seed : int
        ``random_state`` of the split.
    test_fraction : float
    """

    x_train: np.ndarray
    x_test: np.ndarray
    y_train: np.ndarray
    y_test: np.ndarray
    seed: int
    test_fraction: float

    def __post_init__(self) -> None:
        for name, dtype in (("x_train", float), ("x_test", float), ("y_train", np.int64), ("y_test", np.int64)):
            object.__setattr__(self, name, frozen(getattr(self, name), dtype))


def load_digits_split(*, test_fraction: float = 0.2, seed: int = 0) -> DigitsSplit:
    """Scikit-learn's bundled 8x8 digits, scaled to [0, 1], in a seeded stratified split.

    Parameters
    ----------
    test_fraction : float
        Fraction of the 1797 images held out for testing, in (0, 1). Default 0.2 (360 images).
    seed : int
        ``random_state`` of :func:`sklearn.model_selection.train_test_split`; the split keeps the
        class proportions (``stratify=y``).

    Returns
    -------
    DigitsSplit

    Notes
    -----
    x = pixel / 16, so every input lies in [0, 1] (Alpaydin & Kaynak 1998; the copy bundled with
    scikit-learn, :func:`sklearn.datasets.load_digits`; nothing is downloaded).
    """
    owner = "load_digits_split"
    test_fraction = check_real(owner, "test_fraction", test_fraction, low=0.0, high=1.0)
    seed = check_int(owner, "seed", seed, minimum=0)
    datasets, model_selection, _ = import_sklearn()
    digits = datasets.load_digits()
    x = np.asarray(digits.data, dtype=float) / 16.0
    y = np.asarray(digits.target, dtype=np.int64)
    try:
        x_train, x_test, y_train, y_test = model_selection.train_test_split(
            x, y, test_size=test_fraction, stratify=y, random_state=seed
        )
    except ValueError as exc:  # e.g. a test set smaller than the number of classes
        raise ParameterError(
            f"{owner}: test_fraction={test_fraction!r} cannot be split stratified over 10 classes ({exc}); "
            "use a fraction between about 0.01 and 0.99."
        ) from None
    return DigitsSplit(x_train, x_test, y_train, y_test, seed, test_fraction)
