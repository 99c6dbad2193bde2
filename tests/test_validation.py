"""The shared validators: one message template, "{owner}: {name} must be {rule}; got {value!r}."."""

from __future__ import annotations

import math

import numpy as np
import pytest

from neurocompare._validation import (
    check_choice,
    check_int,
    check_positive,
    check_real,
    check_seed,
    check_shape,
    first_index,
    float_array,
    fmt_index,
    fmt_number,
    real_number,
)
from neurocompare.errors import CircuitError, ParameterError


@pytest.mark.parametrize("call, message", [
    (lambda: check_positive("Backend", "dt_ms", 0.0), r"^Backend: dt_ms must be a finite number > 0; got 0\.0\.$"),
    (lambda: check_positive("Backend", "dt_ms", True), r"got True\.$"),
    (lambda: check_positive("B", "t", -1.0, allow_zero=True), r"must be a finite number >= 0; got -1\.0\.$"),
    (lambda: check_int("train_mlp", "epochs", 0, minimum=1), r"^train_mlp: epochs must be an integer >= 1; got 0\.$"),
    (lambda: check_int("q", "bits", 40, minimum=1, maximum=31), r"must be an integer in 1\.\.31; got 40\.$"),
    (lambda: check_real("split", "test_fraction", 1.0, low=0.0, high=1.0),
     r"must be a finite number > 0 and < 1; got 1\.0\.$"),
    (lambda: check_choice("convert", "rounding", "up", ("nearest", "stochastic")),
     r"^convert: unknown rounding 'up'; valid: 'nearest', 'stochastic'\.$"),
    (lambda: check_shape("check", "x", np.zeros((2, 3)), ("n_samples", 4)),
     r"^check: x must have shape \(n_samples, 4\); got shape \(2, 3\)\.$"),
    (lambda: float_array("normalise", "norm_data", [[1.0, float("nan")]]),
     r"^normalise: norm_data must be finite; got nan at \(0, 1\)\.$"),
    (lambda: real_number("LIF", "v_rest", "0"), r"^LIF: v_rest must be a real number; got '0'\.$"),
    (lambda: check_seed(-1), r"^seed must be a non-negative integer or None; got -1\.$"),
])
def test_messages_name_the_owner_the_rule_and_the_value(call, message):
    with pytest.raises(ParameterError, match=message):
        call()


def test_good_values_come_back_typed():
    assert check_positive("B", "x", 2) == 2.0 and isinstance(check_positive("B", "x", 2), float)
    assert check_int("B", "n", np.int64(3), minimum=1) == 3 and check_seed(7) == 7
    assert 0 <= check_seed(None) < 2**32
    assert math.isinf(real_number("LIF", "tau_m_ms", math.inf))
    assert float_array("f", "x", [[1, 2]], shape=("n", 2)).dtype == float


def test_the_error_type_can_be_chosen():
    with pytest.raises(CircuitError, match="unknown kind 'x'"):
        check_choice("Circuit", "kind", "x", ("a",), error=CircuitError)


def test_index_and_number_formatting():
    mask = np.array([[False, False], [False, True]])
    assert first_index(mask) == (1, 1) and fmt_index((1, 1)) == "(1, 1)" and fmt_index((4,)) == "(4)"
    assert fmt_number(2.0) == "2" and fmt_number(2.5) == "2.5" and fmt_number(float("nan")) == "nan"
