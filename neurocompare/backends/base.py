"""The backend protocol, and what the clock-driven spiking backends share: their settings and checks.

Every backend runs a circuit on a batch of inputs and returns a :class:`~neurocompare.results.Result`
whose ``activations`` hold every population as a ``(batch, size)`` array on the artificial scale. The
spiking simulators (Brian2 and the independent reference) share their settings (:class:`ClockSettings`)
and argument checks, never their simulation code.
"""

from __future__ import annotations

import warnings
from typing import Any, Callable, Mapping, Protocol, Sequence, runtime_checkable

import numpy as np

from .._validation import check_positive, check_real, check_seed
from ..circuit import Circuit
from ..encoding import Encoding, get_encoding
from ..inputs import normalize_inputs
from ..spike_input import SpikeValues
from ..errors import ActivationMismatchWarning, CoarseTimeStepWarning, ParameterError, UnknownNameError
from .fi_names import activation_mismatch
from ..limits import check_limit
from ..models import (LIF, check_neuron, check_synapse, effective_neuron, effective_synapse, neuron_to_dict,
                      synapse_to_dict)
from ..progress import progress_callback
from ..results import Result
from .grid import refractory_steps  # re-exported: the grid rule's public home was here

__all__ = ["Backend", "ClockSettings", "CLOCK_SETTINGS", "check_record", "refractory_steps", "MAX_SPIKES_PER_STEP",
           "MIN_STEPS_PER_TAU_SYN"]

#: With rate-coded inputs, a neuron at the rate scale may fire at most this often per time step (rate_scale x dt)
#: before a run warns: at ten steps per interval a rate is resolved to about 10 %.
MAX_SPIKES_PER_STEP = 0.1

#: A synapse with state (a current or conductances decaying with ``tau_syn``) may be resolved in no fewer than this
#: many time steps per ``tau_syn`` before a run warns: the simulators hold a synaptic current for a whole step, so
#: the charge a spike brings to a leaky membrane grows by x / (1 - exp(-x)) - 1 ~ x / 2 with x = dt / tau_syn
#: (measured in both simulators: +1.0 % at tau_syn / dt = 50, +2.5 % at 20, +13 % at 4), and its rise is late by
#: up to a step.
MIN_STEPS_PER_TAU_SYN = 20

#: The settings every clock-driven spiking backend takes.
CLOCK_SETTINGS = ("duration_ms", "dt_ms", "encoding", "rate_scale_hz", "neuron", "synapse", "v_init_fraction")


@runtime_checkable
class Backend(Protocol):
    """What the comparison layer relies on.

    ``run(circuit, inputs, *, seed=None)`` takes a :class:`~neurocompare.circuit.Circuit` and
    input values (see :func:`~neurocompare.inputs.normalize_inputs`) and returns a
    :class:`~neurocompare.results.Result` whose ``activations`` hold every population as a
    ``(batch, size)`` array on the artificial scale.
    """

    name: str

    def run(self, circuit: Circuit, inputs: Any = None, *, seed: int | None = None) -> Result: ...


class ClockSettings:
    """Validated settings of a clock-driven spiking backend (shared by the Brian2 and reference backends).

    ``duration_ms`` (simulated time per sample, a whole number of steps), ``dt_ms`` (time step),
    ``encoding`` (how input values become spikes or currents), ``rate_scale_hz`` (the rate that
    stands for activation 1.0), ``neuron`` (the model of populations that set none; ``LIF()``) and ``synapse``
    (the synapse model of populations that set none; delta) and ``v_init_fraction`` (where every membrane starts:
    0 at rest (default), 0.5 half-way from rest to threshold, the top of the model's threshold gap).
    """

    name = "clock"
    #: Longest run in time steps this simulator supports (None: no limit of its own).
    max_steps: int | None = None

    def __init__(self, *, duration_ms: float = 100.0, dt_ms: float = 0.1, encoding: str | Encoding = "poisson",
                 rate_scale_hz: float = 200.0, neuron: Any = None, synapse: Any = None,
                 v_init_fraction: float = 0.0) -> None:
        owner = type(self).__name__
        max_steps = self.max_steps
        self.duration_ms = check_positive(owner, "duration_ms", duration_ms)
        self.dt_ms = check_positive(owner, "dt_ms", dt_ms)
        if self.duration_ms < self.dt_ms:
            raise ParameterError(f"{owner}: duration_ms ({duration_ms!r}) must be at least dt_ms ({dt_ms!r}).")
        n_steps = self.duration_ms / self.dt_ms
        if abs(n_steps - round(n_steps)) > 1e-6 * max(1.0, n_steps):
            raise ParameterError(
                f"{owner}: duration_ms ({duration_ms!r}) must be a whole number of time steps of dt_ms ({dt_ms!r})."
            )
        check_limit(owner, "steps", n_steps)
        if max_steps is not None and n_steps > max_steps:
            raise ParameterError(
                f"{owner}: duration_ms / dt_ms = {n_steps:.4g} time steps; at most {max_steps} are supported "
                "(Brian2 numbers spike time bins with int32); shorten duration_ms or enlarge dt_ms."
            )
        self.encoding = get_encoding(encoding)
        self.rate_scale_hz = check_positive(owner, "rate_scale_hz", rate_scale_hz)
        self.neuron = check_neuron(owner, neuron) or LIF()
        self.synapse = effective_synapse(None, check_synapse(owner, synapse))
        self.v_init_fraction = check_real(owner, "v_init_fraction", v_init_fraction, low=0.0, high=1.0, low_open=False)

    @property
    def n_steps(self) -> int:
        """Number of time steps per run, ``round(duration_ms / dt_ms)``."""
        return int(round(self.duration_ms / self.dt_ms))

    def model_of(self, population: Any) -> Any:
        """The neuron model ``population`` runs with here (its own, else this backend's)."""
        return effective_neuron(population, self.neuron)

    def synapse_of(self, population: Any) -> Any:
        """The synapse model of ``population``'s incoming synapses here (its own, else this backend's)."""
        return effective_synapse(population, self.synapse)

    def potential_unit(self, neuron: Any) -> float:
        """The membrane change one circuit unit of charge makes in ``neuron`` at this rate scale and dt (1.0 for
        the LIF family; calibrated for the biophysical models, see :mod:`neurocompare.backends.calibration`)."""
        from .calibration import potential_unit  # here: calibration imports the reference package, which needs us
        return potential_unit(neuron, rate_scale_hz=self.rate_scale_hz, dt_ms=self.dt_ms)

    def initial_v(self, neuron: Any) -> float | None:
        """The membrane potential ``neuron`` starts at, or None for its own initial state (``v_init_fraction`` 0)."""
        if self.v_init_fraction == 0.0:
            return None
        rest, high = neuron.resting_potential(), neuron.threshold_gap()[1]
        return rest + self.v_init_fraction * (high - rest)

    def check_models(self, circuit: Circuit) -> None:
        """Before anything is simulated: conductance synapses' reversal potentials against each population's neuron
        model (errors), a warning for a population whose measured activation does not match its neuron, rate
        scale or dt here, and a warning for each model run at a dt coarser than it needs: a neuron model above its
        own ``max_dt_ms``, a synapse model resolved in fewer than :data:`MIN_STEPS_PER_TAU_SYN` steps per
        ``tau_syn``."""
        warned = set()
        for pop in circuit.populations:
            neuron, synapse = self.model_of(pop), self.synapse_of(pop)
            differs = activation_mismatch(pop.activation, neuron, rate_scale_hz=self.rate_scale_hz, dt_ms=self.dt_ms)
            if differs:
                warnings.warn(
                    f"Population {pop.name!r}: its activation {pop.activation_name!r} was measured for another run than "
                    f"this one ({differs}): the spiking neuron does not compute the function its network was trained "
                    "with. Run it as the activation says, or train on this neuron's measured_activation.",
                    ActivationMismatchWarning, stacklevel=4)
            if hasattr(synapse, "reversal"):
                synapse.reversal(neuron, owner=f"Population {pop.name!r}: synapse {synapse.model_name!r}")
            tau_syn, step = getattr(synapse, "tau_syn_ms", None), getattr(synapse, "step_ms", None)
            exported = step is not None and abs(step - self.dt_ms) <= 1e-9 * step  # a discrete model at its own dt
            if tau_syn is not None and tau_syn / self.dt_ms < MIN_STEPS_PER_TAU_SYN * (1 - 1e-9) and not exported \
                    and synapse not in warned:
                warned.add(synapse)
                x = self.dt_ms / tau_syn
                warnings.warn(
                    f"Population {pop.name!r}: synapse model {synapse.model_name!r} with tau_syn_ms = {tau_syn:g} at "
                    f"dt_ms = {self.dt_ms:g} is resolved in {1 / x:.3g} step(s) per tau_syn: a synaptic current is "
                    f"held for a whole step, so a spike's charge into a leaky membrane comes out up to "
                    f"{100 * (x / -np.expm1(-x) - 1):.2g} % larger and its effect up to a step late. Use dt_ms <= "
                    f"{tau_syn / MIN_STEPS_PER_TAU_SYN:.3g} (tau_syn / {MIN_STEPS_PER_TAU_SYN}) for under "
                    f"{100 * (1 / MIN_STEPS_PER_TAU_SYN / -np.expm1(-1 / MIN_STEPS_PER_TAU_SYN) - 1):.2g} %.",
                    CoarseTimeStepWarning, stacklevel=4)
            if self.dt_ms > neuron.max_dt_ms * (1 + 1e-9) and neuron.model_name not in warned:
                warned.add(neuron.model_name)
                warnings.warn(
                    f"Population {pop.name!r}: neuron model {neuron.model_name!r} at dt_ms = {self.dt_ms:g} is coarser "
                    f"than it needs (at most {neuron.max_dt_ms:g} ms; recommended {neuron.default_dt_ms:g} ms): its "
                    "spike times and rates are not converged. See neurocompare.convergence.converged_dt.",
                    CoarseTimeStepWarning, stacklevel=4)

    def settings(self) -> dict[str, Any]:
        """The constructor arguments that give this backend again (objects, not plain data)."""
        return {"duration_ms": self.duration_ms, "dt_ms": self.dt_ms, "encoding": self.encoding,
                "rate_scale_hz": self.rate_scale_hz, "neuron": self.neuron, "synapse": self.synapse,
                "v_init_fraction": self.v_init_fraction}

    def replace(self, **changes: Any) -> "ClockSettings":
        """A backend of the same class and settings, with ``changes`` applied (validated as in the constructor)."""
        unknown = sorted(set(changes) - set(self.settings()))
        if unknown:
            raise ParameterError(f"{type(self).__name__}.replace: unknown option(s) {', '.join(unknown)}; valid: "
                                 f"{', '.join(self.settings())}.")
        return type(self)(**{**self.settings(), **changes})

    def options(self) -> dict[str, Any]:
        """The backend's settings as plain data."""
        return {
            "duration_ms": self.duration_ms,
            "dt_ms": self.dt_ms,
            "encoding": self.encoding.to_dict(),
            "rate_scale_hz": self.rate_scale_hz,
            "neuron": neuron_to_dict(self.neuron),
            "synapse": synapse_to_dict(self.synapse),
            "v_init_fraction": self.v_init_fraction,
        }

    def __repr__(self) -> str:
        extra = "".join(f", {k}={v!r}" for k, v in self.settings().items() if k not in ClockSettings.settings(self))
        return (f"{type(self).__name__}(duration_ms={self.duration_ms:g}, dt_ms={self.dt_ms:g}, "
                f"encoding={self.encoding.name!r}, rate_scale_hz={self.rate_scale_hz:g}{extra})")

    def run(self, circuit: Circuit, inputs: Any = None, *, seed: int | None = None,
            record_voltage: Mapping[str, Sequence[int]] | None = None,
            progress: bool | Callable[[float, float], None] | None = None) -> Result:
        """Simulate ``circuit`` on a batch of inputs (all samples in one run, side by side, never interacting).

        Parameters
        ----------
        circuit : Circuit
        inputs : mapping name -> array (batch, size), or an array if there is one input population
        seed : int, optional
            Seeds the input encoding; ``None`` draws one (recorded in ``result.info.seed``).
        record_voltage : mapping population -> neuron indices, optional
            Record the membrane potential of these neurons (in every sample) at the start of every step.
        progress : bool or callable(fraction_done, elapsed_s), optional
            ``True``: show a progress bar (``tqdm.auto``: a widget in Jupyter, text in a terminal; needs
            ``tqdm``, see :mod:`neurocompare.progress`). A callable is called about every half second of
            wall time while the simulation runs (for your own progress bars).

        Returns
        -------
        Result
            ``activations`` (inputs decoded by the encoding; neuron populations as
            ``count / duration / rate_scale_hz``), ``spikes`` (every spiking population), ``voltages``,
            ``final_v`` (each membrane at the end of the run, after the last reset) and ``info``.

        Raises
        ------
        SimulationError
            If a membrane potential becomes non-finite.
        """
        checked = self._checked(circuit, inputs, seed, record_voltage)
        if progress is None or progress is False or callable(progress):
            return self._simulate(*checked, progress=progress or None)
        with progress_callback(progress, label=type(self).__name__) as bar:
            bar("simulating", 0.0, 0.0)  # named at once: a Brian2 build (code generation) comes before the run
            return self._simulate(*checked, progress=lambda fraction, elapsed: bar("simulating", fraction, elapsed))

    def _checked(self, circuit: Any, inputs: Any, seed: Any, record_voltage: Any) -> tuple:
        """(circuit, values, batch, seed, record) after every argument check, before anything is simulated."""
        if not isinstance(circuit, Circuit):
            raise ParameterError(f"{type(self).__name__}: circuit must be a Circuit; got {type(circuit).__name__}.")
        values, batch = normalize_inputs(circuit, inputs)
        self.check_models(circuit)
        self.check_input_rates(circuit, values)
        return circuit, values, batch, check_seed(seed), check_record(circuit, record_voltage)

    def check_input_rates(self, circuit: Circuit, values: Mapping[str, np.ndarray]) -> None:
        """A warning when the time step is coarse for the rate scale of rate-coded inputs: a neuron driven at the
        rate scale then fires every few steps, its intervals are whole numbers of steps and the overshoot above
        threshold is lost at each reset, so rates near the scale come out lower and coarser than the values say
        (the inputs' own mean rates stay right: a Poisson train spikes with probability rate x dt per step). Runs
        on given spikes only, or with other encodings, are not checked."""
        if self.encoding.name not in ("poisson", "regular"):
            return
        coded = [name for name, arr in values.items() if not isinstance(arr, SpikeValues) and np.size(arr)]
        per_step = self.rate_scale_hz * self.dt_ms * 1e-3
        too_fast = any(float(np.nanmax(np.abs(values[name]))) * per_step > 1 for name in coded)
        if coded and per_step > MAX_SPIKES_PER_STEP * (1 + 1e-9) and not too_fast:  # too fast: the encoder raises
            warnings.warn(
                f"Input population {coded[0]!r} of circuit {circuit.name!r} is rate-coded at rate_scale_hz = "
                f"{self.rate_scale_hz:g} with dt_ms = {self.dt_ms:g}: a neuron firing at the rate scale fires every "
                f"{1 / per_step:.3g} step(s); its "
                "intervals are whole numbers of steps and the overshoot above threshold is lost at each reset, so "
                "rates near the rate scale come out lower and coarser than the values say. Use dt_ms <= "
                f"{1e3 * MAX_SPIKES_PER_STEP / self.rate_scale_hz:.3g} (rate_scale_hz x dt at most "
                f"{MAX_SPIKES_PER_STEP:g}).", CoarseTimeStepWarning, stacklevel=4)

    def _simulate(self, circuit: Circuit, values: dict, batch: int, seed: int, record: dict, *,
                  progress: Callable[[float, float], None] | None) -> Result:  # pragma: no cover - abstract
        raise NotImplementedError


def check_record(circuit: Circuit, record: Mapping[str, Sequence[int]] | None) -> dict[str, np.ndarray]:
    """Validate ``record_voltage``: known neuron populations, integer indices in range."""
    if record is None:
        return {}
    if not isinstance(record, Mapping):
        raise ParameterError(f"record_voltage must map population names to neuron indices; got {record!r}.")
    out: dict[str, np.ndarray] = {}
    for name, idx in record.items():
        if name not in circuit.population_names:
            raise UnknownNameError(
                f"record_voltage: {name!r} is not a neuron population of {circuit.name!r}; valid: "
                f"{', '.join(circuit.population_names)}."
            )
        size = circuit.population(name).size
        try:
            arr = np.atleast_1d(np.asarray(idx))
        except (ValueError, TypeError):  # ragged lists, exotic objects
            arr = np.zeros(0, dtype=object)
        if arr.dtype.kind not in "iu" or arr.ndim != 1 or len(arr) == 0:
            raise ParameterError(f"record_voltage[{name!r}]: expected a list of neuron indices; got {idx!r}.")
        if arr.min() < 0 or arr.max() >= size:
            raise ParameterError(
                f"record_voltage[{name!r}]: neuron index out of range 0..{size - 1}; got {arr.tolist()}."
            )
        out[name] = arr.astype(np.int64)
    return out
