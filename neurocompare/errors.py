"""The exceptions and warnings neurocompare raises.

Every error derives from :class:`NeurocompareError` and from the builtin it refines
(``CircuitError`` is also a ``ValueError``), so callers can catch either. Messages name
the owner (a population, a projection, a parameter, a file), the bad value and the fix.
Library code raises; only the command-line interface catches, prints one line and exits.
"""

from __future__ import annotations

__all__ = [
    "NeurocompareError",
    "CoarseTimeStepWarning",
    "CalibrationWarning",
    "ActivationMismatchWarning",
    "CircuitError",
    "ParameterError",
    "InputError",
    "UnknownNameError",
    "BackendError",
    "SimulationError",
    "ReportError",
    "LimitError",
    "NeurocompareWarning",
    "NoSpikesWarning",
    "NotConvergedWarning",
    "ShadowedScenarioWarning",
]


class NeurocompareError(Exception):
    """Base class of every error raised by neurocompare."""


class CircuitError(NeurocompareError, ValueError):
    """A circuit (or a circuit file) is malformed: bad sizes, counts, delays, names, shapes."""


class ParameterError(NeurocompareError, ValueError):
    """A neuron, encoding or backend parameter is out of its valid range."""


class InputError(NeurocompareError, ValueError):
    """Input values handed to a backend do not fit the circuit (names, shapes, NaN...)."""


class UnknownNameError(NeurocompareError, LookupError):
    """A name (backend, encoding, population, metric...) is not known; the message lists valid ones."""


class BackendError(NeurocompareError, RuntimeError):
    """A backend cannot run here (e.g. its simulator is not installed)."""


class SimulationError(NeurocompareError, RuntimeError):
    """A simulation produced non-finite states or otherwise failed while running."""


class ReportError(NeurocompareError, OSError):
    """A report cannot be written or read (unwritable folder, missing or corrupt saved results)."""


class LimitError(NeurocompareError, ValueError):
    """A file asks for more work than the limits allow (neurons, pairs, samples, steps, bytes; see
    :mod:`neurocompare.limits`)."""


class NeurocompareWarning(UserWarning):
    """Base class of neurocompare's warnings."""


class NoSpikesWarning(NeurocompareWarning):
    """A quantity that needs spikes was asked of a run without any; the result is NaN."""


class NotConvergedWarning(NeurocompareWarning):
    """A synchronous artificial run ended off a fixed point: on a cycle, or still moving.

    Its last-step values then depend on the step count (for a period-2 cycle, on its parity).
    """



class CoarseTimeStepWarning(NeurocompareWarning):
    """A neuron model runs at a time step coarser than its dynamics need (the message names model, dt and the
    recommended one)."""


class CalibrationWarning(NeurocompareWarning):
    """A neuron model cannot fire at the rate scale drive 1.0 should mean; drive 1.0 is its fastest firing."""


class ActivationMismatchWarning(NeurocompareWarning):
    """A population's activation was measured for another neuron, rate scale or dt than the run gives it: the
    spiking neuron does not compute the function its network was trained with."""


class ShadowedScenarioWarning(NeurocompareWarning):
    """A user's scenario script has the name of an installed one and is ignored (the installed one runs)."""
