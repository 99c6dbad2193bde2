"""Which activation fits best, said with its runner-up, and a near tie said as one (issue 26)."""

from __future__ import annotations

import math

from neurocompare.metrics import FIT_TIE, rank_fits


def test_a_clear_winner_names_its_runner_up():
    best, second, tied, text = rank_fits({"relu": 0.012, "sigmoid": 0.041, "tanh": 0.028})
    assert (best, second, tied) == ("relu", "tanh", False)
    assert text == "relu fits best (RMSE 0.012; runner-up tanh, 0.028)"


def test_fits_within_the_tie_margin_are_said_to_be_tied():
    # Izhikevich CH in two scenarios: relu 0.066 against tanh 0.069 (issue 26): no answer to take at its word
    best, second, tied, text = rank_fits({"relu": 0.066, "sigmoid": 0.2, "tanh": 0.069})
    assert (best, second, tied) == ("relu", "tanh", True) and FIT_TIE == 0.10
    assert text == "relu and tanh fit about equally well (RMSE 0.066 and 0.069, within 10%)"
    assert rank_fits({"relu": 0.090, "tanh": 0.1})[2] is False  # exactly 10 % apart is not a tie


def test_nan_fits_are_left_out():
    assert rank_fits({"relu": math.nan, "tanh": 0.05})[:3] == ("tanh", None, False)
    assert rank_fits({"relu": math.nan})[3] == "no activation could be fitted"
