"""Option values from text and from Python values: the one parser the CLI, scenarios and sweeps share."""

from __future__ import annotations

import re

import numpy as np
import pytest

from neurocompare.errors import ParameterError
from neurocompare.options import (canonical_json, convert_value, parse_assignments, parse_values,
                                        typed_options)

DEFAULTS = {"rate": 0.5, "n": 3, "on": True, "name": "x", "counts": (1, 2), "anything": None}


@pytest.mark.parametrize("value, default, expected", [
    ("10", 0.5, 10.0), (np.float32(0.25), 0.5, 0.25), (2, 0.5, 2.0), ("7", 3, 7), (np.int64(4), 3, 4),
    ("yes", True, True), ("off", True, False), (False, True, False), ("1,2,3", (1, 2), (1, 2, 3)),
    ([4, "5"], (1, 2), (4, 5)), ("text", "x", "text"), ([1, "a"], None, [1, "a"]),
])
def test_values_take_the_type_of_the_default(value, default, expected):
    got = convert_value("s", "opt", value, default)
    assert got == expected and type(got) is type(expected)


@pytest.mark.parametrize("value, default", [("fast", 0.5), ("nan", 0.5), (float("inf"), 0.5), (True, 0.5),
                                            ("1.5", 3), (1.5, 3), ("maybe", True), (1, True), (3, "x"),
                                            ("1,b", (1, 2)), (5, (1, 2)), (object(), None)])
def test_bad_values_name_the_scenario_option_and_default(value, default):
    with pytest.raises(ParameterError, match=re.escape(f"Scenario 's': option 'opt' takes {type(default).__name__} "
                                                       f"values (default {default!r}); got {value!r}.")):
        convert_value("s", "opt", value, default)


def test_command_line_assignments_and_values():
    assert parse_assignments(["a=1", " b = x y "]) == {"a": "1", "b": "x y"}
    for bad in ("novalue", "=1"):
        with pytest.raises(ParameterError, match="--set expects NAME=VALUE"):
            parse_assignments([bad])
    assert typed_options("s", {"rate": "2", "counts": "3,4"}, DEFAULTS) == {"rate": 2.0, "counts": (3, 4)}
    with pytest.raises(ParameterError, match=r"Scenario 's': unknown options 'a', 'b'; valid: rate \(default 0.5\)"):
        typed_options("s", {"b": "1", "a": "2"}, DEFAULTS)
    assert parse_values("s", "rate", "1, 2", 0.5) == ["1", "2"]
    assert parse_values("s", "counts", "1,2;3", (1,)) == ["1,2", "3"]
    with pytest.raises(ParameterError, match="needs values separated by ','"):
        parse_values("s", "rate", "1,,2", 0.5)


def test_canonical_json_is_stable_and_rejects_nan():
    assert canonical_json({"b": 1.0, "a": (1, "x")}) == '{"a":[1,"x"],"b":1.0}'
    with pytest.raises(ParameterError, match="JSON numbers"):
        canonical_json({"a": float("nan")})
