"""Scenario options from text and from Python values: the one place that types an option value.

A scenario's documented options are the keyword parameters of its ``run()`` with their defaults
(:func:`neurocompare.scenarios.scenario_options`). A value given for an option takes the type of
the option's default: ``"10"`` -> ``10.0`` for a float option, ``"yes"`` -> ``True`` for a bool,
``"1,2"`` -> ``(1, 2)`` for a tuple of ints. The command line (``--set NAME=VALUE``,
``--param NAME=V1,V2``), :mod:`neurocompare.scenarios` and the sweep grid all use these functions.
"""

from __future__ import annotations

import json
import math
import numbers
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .errors import ParameterError

__all__ = ["canonical_json", "convert_value", "parse_assignments", "typed_options", "parse_values", "parse_grid",
           "describe_options", "unknown_options_error", "is_sequence"]

_TRUE = ("1", "true", "yes", "on")
_FALSE = ("0", "false", "no", "off")


def canonical_json(value: Any) -> str:
    """``value`` as canonical JSON: keys sorted, no spaces, tuples as lists, no NaN.

    Two equal option sets give the same text on every machine and Python session, so hashes
    of it identify tasks and seed them.
    """
    try:
        return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"Sweep options must be JSON numbers, strings, booleans or lists; {exc}.") from None


def is_sequence(value: Any) -> bool:
    """True for the values a list option takes (list, tuple, range, array)."""
    return isinstance(value, (list, tuple, range, np.ndarray))


def describe_options(known: Mapping[str, Any]) -> str:
    """``name (default value), ...`` for error messages that list a scenario's valid options."""
    return ", ".join(f"{k} (default {v!r})" for k, v in known.items()) or "none"


def unknown_options_error(scenario: str, names: Iterable[str], known: Mapping[str, Any], *,
                          owner: str | None = None) -> ParameterError:
    """The error for option names ``scenario`` (or ``owner``, said as is) does not document, listing the valid ones."""
    names = sorted(names)
    which = f"option {names[0]!r}" if len(names) == 1 else f"options {', '.join(map(repr, names))}"
    return ParameterError(f"{owner or f'Scenario {scenario!r}'}: unknown {which}; valid: {describe_options(known)}.")


def _from_text(text: str, default: Any) -> Any:
    """``text`` as the type of ``default``; ValueError if it is not one."""
    if isinstance(default, bool):
        if text.lower() in _TRUE + _FALSE:
            return text.lower() in _TRUE
        raise ValueError(text)
    if isinstance(default, int):
        return int(text)
    if isinstance(default, float):
        value = float(text)
        if not math.isfinite(value):
            raise ValueError(text)
        return value
    if isinstance(default, (tuple, list)):
        inner = default[0] if default else ""
        return type(default)(_from_text(t, inner) for t in text.split(",") if t)
    return text


def _from_value(value: Any, default: Any, convert: Any) -> Any:
    """A Python ``value`` as the type of ``default``; ValueError if it is not one."""
    if isinstance(default, bool):
        if not isinstance(value, bool):
            raise ValueError(value)
        return value
    if isinstance(default, (int, float)):
        kind = numbers.Integral if isinstance(default, int) else numbers.Real
        if isinstance(value, bool) or not isinstance(value, kind) or not math.isfinite(value):
            raise ValueError(value)
        return type(default)(value)
    if isinstance(default, str):
        if not isinstance(value, str):
            raise ValueError(value)
        return value
    if isinstance(default, (tuple, list)):
        if not is_sequence(value):
            raise ValueError(value)
        inner = default[0] if len(default) else ""
        return type(default)(convert(v, inner) for v in value)
    try:  # any other default (None): JSON-able values only
        canonical_json(value)
    except ParameterError:
        raise ValueError(value) from None
    return value


def convert_value(scenario: str, name: str, value: Any, default: Any, *, owner: str | None = None) -> Any:
    """``value`` for option ``name`` as the type of its default.

    Parameters
    ----------
    scenario : str
        The scenario's name (for the error message).
    name : str
        The option's name.
    value : Any
        Text (parsed as on the command line: ``"yes"``, ``"2.5"``, ``"1,2"``) or a Python value.
    default : Any
        The option's default, whose type the value takes.

    Returns
    -------
    Any
        The converted value.

    Raises
    ------
    ParameterError
        The value is not of (or cannot be read as) the default's type.
    """
    def convert(v: Any, d: Any) -> Any:
        if isinstance(v, np.generic):
            v = v.item()
        if isinstance(v, str) and not isinstance(d, str) and d is not None:
            return _from_text(v, d)
        return _from_value(v, d, convert)

    try:
        return convert(value, default)
    except (ValueError, TypeError, OverflowError):
        raise ParameterError(f"{owner or f'Scenario {scenario!r}'}: option {name!r} takes {type(default).__name__} "
                             f"values (default {default!r}); got {value!r}.") from None


def parse_assignments(pairs: Sequence[str], *, flag: str = "--set") -> dict[str, str]:
    """``["NAME=VALUE", ...]`` as ``{NAME: VALUE}`` (text; see :func:`typed_options`)."""
    out = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise ParameterError(f"{flag} expects NAME=VALUE; got {pair!r}.")
        out[key.strip()] = value.strip()
    return out


def typed_options(scenario: str, values: Mapping[str, Any], defaults: Mapping[str, Any], *,
                  owner: str | None = None) -> dict[str, Any]:
    """``values`` (text or Python values) checked against ``defaults`` and converted to their types.

    Errors begin with ``Scenario '{scenario}'``, or with ``owner`` when given (e.g. ``"--spiking"``).
    """
    unknown = [k for k in values if k not in defaults]
    if unknown:
        raise unknown_options_error(scenario, unknown, defaults, owner=owner)
    return {k: convert_value(scenario, k, v, defaults[k], owner=owner) for k, v in values.items()}


def parse_values(scenario: str, name: str, text: str, default: Any) -> list[str]:
    """The values of ``--param NAME=TEXT``: comma-separated (``;``-separated for list options)."""
    sep = ";" if isinstance(default, (tuple, list)) else ","
    items = [t.strip() for t in text.split(sep)]
    if any(not t for t in items):
        raise ParameterError(f"Scenario {scenario!r}: --param {name}= needs values separated by {sep!r}; "
                             f"got {text!r}.")
    return items


def parse_grid(scenario: str, pairs: Sequence[str], defaults: Mapping[str, Any]) -> dict[str, list[str]]:
    """``["NAME=V1,V2", ...]`` (``--param``) as ``{NAME: ["V1", "V2"]}``; the sweep types and checks the values.

    Raises
    ------
    ParameterError
        A pair without ``=`` or a name, a name given twice, or an empty value.
    """
    params: dict[str, list[str]] = {}
    for pair in pairs:
        key, sep, text = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise ParameterError(f"--param expects NAME=V1,V2,...; got {pair!r}.")
        if key in params:
            raise ParameterError(f"--param {key} is given twice; list all its values in one --param {key}=V1,V2.")
        params[key] = parse_values(scenario, key, text, defaults.get(key))  # unknown names: the sweep's error
    return params
