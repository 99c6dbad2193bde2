"""Learning on synapse counts: a spike-timing-dependent rule whose weights are whole numbers of synapses.

Plain data shared by the two spiking simulators (each implements the rule itself, from this docstring:
``neurocompare.backends.brian2.plasticity`` as Brian2 synapse equations, ``neurocompare.backends.reference.plasticity``
in numpy; the tests hold them to identical counts):

- :class:`CountSTDP`, the rule and its homeostasis, with their sources;
- :class:`LearningNetwork`, the network it trains: ``n_inputs`` Poisson input channels (an image, one channel per
  pixel) fully connected by plastic synapses to ``n_learners`` neurons that inhibit each other;
- :class:`InputStream`, images presented one after another, and :class:`LearningRun`, what a training run
  returns (counts, thresholds and responses at checkpoints).

The rule (:class:`CountSTDP`), per connection from input ``j`` to learner ``k``:

1. **Counts from a structural potential.** The connection has a real structural potential ``z_kj`` in
   ``[0, c_max + 1)`` and ``c_kj = floor(z_kj)`` synapses; only the synapses transmit (a spike of ``j`` moves
   ``k`` by ``c_kj * unit_weight``). Plasticity moves ``z``; a synapse is formed when ``z`` crosses an integer
   upwards and removed when it falls below one. This is an *accumulated* rule, the convention of NEST's
   structural plasticity (Diaz-Pier et al. 2016: a neuron's number of synaptic elements is real-valued and its
   integer part is the number available). We chose it over stochastic rounding (add a synapse with probability
   equal to the fractional update, which keeps the expected update too) because it is deterministic - two
   simulators can be held to identical counts - and adds no variance of its own.
2. **Trace-based STDP, post-triggered, soft-bounded** (Diehl & Cook 2015, their rule with a presynaptic trace
   and weight dependence; Morrison, Diesmann & Gerstner 2008 for traces). Each synapse keeps a presynaptic trace
   ``x_kj``: set to 1 when a spike of ``j`` arrives ("nearest spike"), decaying with ``tau_pre_ms``. When a spike
   of ``k`` arrives back at its synapses (one step after it is fired, like every spike)::

       z_kj <- clip(z_kj + eta * (K * x_kj - z_kj), 0, z_max),   K = c_max + 1,  z_max = c_max + 1 - 2**-20

   Inputs that fired shortly before the postsynaptic spike (``x`` near 1) gain synapses, the others lose them
   (heterosynaptic depression); the bounds are soft (the step shrinks near them). The fixed point is
   ``K * E[x | k fires]``: the learner's synapses become the input pattern that makes it fire (Grossberg's instar,
   the competitive learning of Rumelhart & Zipser 1985).
3. **Synaptic scaling after each image** (homeostatic scaling, Turrigiano et al. 1998; Diehl & Cook 2015
   normalise each neuron's summed input weight): each learner's potentials are rescaled so that
   ``sqrt(sum_j z_kj**2) = norm`` (rows of zeros stay), then clipped to ``[0, z_max]``; counts follow.
   Learners then compete on the *shape* of their synapse pattern, not its size.
4. **Adaptive thresholds** (homeostasis; Diehl & Cook 2015's ``theta``, here with a target rate as in
   "conscience" learning, DeSieno 1988): ``theta_k`` (drive units) rises by ``theta_plus`` when a spike of ``k``
   arrives and falls by ``theta_plus * target_rate_hz * presentation`` after each image, so every learner settles
   at about ``target_rate_hz`` over training and none stays silent; it enters the neuron as the bias ``-theta_k``
   (a current ``-theta_k * rate_scale_hz``): a threshold shift that works for every neuron model.

Plus **lateral inhibition**: every spike of a learner reaches every other learner one step later through an
inhibitory synapse of weight ``-inhibition`` (winner-take-most; Diehl & Cook use an inhibitory population).

Between images the learners' state returns to rest (membrane, the model's other variables and synaptic currents)
and the traces to 0 - where Diehl & Cook let 150 ms of silence do it; spikes in flight still arrive, and a
refractory clamp carries over. Order at each image boundary: thresholds fall, the state returns to rest, synapses
are scaled; then the step runs as every step does (state update, arriving spikes, threshold, reset).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, Mapping, Sequence

import numpy as np

from ._validation import check_int, check_positive, check_real, check_seed, float_array
from .circuit import Circuit, InputPopulation, NeuronPopulation, Projection
from .encoding import get_encoding
from .errors import ParameterError
from .models import (LIF, check_neuron, check_synapse, effective_synapse, neuron_from_name, neuron_to_dict,
                     synapse_from_dict, synapse_to_dict)

__all__ = ["CountSTDP", "LearningNetwork", "InputStream", "LearningRun", "Z_MAX_MARGIN", "SIMULATORS",
           "check_checkpoints", "check_stream", "responses_by_image", "cost_per_image"]

#: ``z_max = c_max + 1 - Z_MAX_MARGIN``: the largest potential, whose floor is ``c_max``.
Z_MAX_MARGIN = 2.0 ** -20
#: The simulators that implement the rule.
SIMULATORS = ("brian2", "reference")


@dataclass(frozen=True)
class CountSTDP:
    """The plasticity rule on synapse counts and its homeostasis (see the module docstring for the equations).

    Parameters
    ----------
    eta : float
        Learning rate: the fraction of the way to ``K * x`` each postsynaptic spike moves ``z`` (0 < eta < 1).
        Default 0.01.
    tau_pre_ms : float
        Decay time constant of the presynaptic trace. Default 20 ms (Diehl & Cook 2015).
    c_max : int
        Most synapses per connection (>= 1). Default 31 (5 bits, as the digits conversion).
    norm : float
        Euclidean norm of each learner's structural potentials after synaptic scaling, in synapses. Default 60.
    theta_plus : float
        Threshold rise per spike, in drive units (a bias of ``-theta_plus``). Default 0.0125 (with the LIF's
        tau_m 20 ms and a rate scale of 200 Hz: 0.05 threshold gaps of steady-state potential).
    target_rate_hz : float
        Rate each learner's threshold steers it towards (>= 0). Default 1 Hz.
    """

    eta: float = 0.01
    tau_pre_ms: float = 20.0
    c_max: int = 31
    norm: float = 60.0
    theta_plus: float = 0.0125
    target_rate_hz: float = 1.0

    def __post_init__(self) -> None:
        owner = "CountSTDP"
        object.__setattr__(self, "eta", check_real(owner, "eta", self.eta, low=0.0, high=1.0, low_open=True))
        object.__setattr__(self, "tau_pre_ms", check_positive(owner, "tau_pre_ms", self.tau_pre_ms))
        object.__setattr__(self, "c_max", check_int(owner, "c_max", self.c_max, minimum=1, maximum=2**20))
        object.__setattr__(self, "norm", check_positive(owner, "norm", self.norm))
        object.__setattr__(self, "theta_plus", check_positive(owner, "theta_plus", self.theta_plus, allow_zero=True))
        object.__setattr__(self, "target_rate_hz", check_positive(owner, "target_rate_hz", self.target_rate_hz,
                                                                  allow_zero=True))

    @property
    def k(self) -> float:
        """``K = c_max + 1``: the potential an input with trace 1 is pulled towards."""
        return float(self.c_max + 1)

    @property
    def z_max(self) -> float:
        """The largest structural potential, ``c_max + 1 - 2**-20`` (its floor is ``c_max``)."""
        return float(self.c_max + 1) - Z_MAX_MARGIN

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class InputStream:
    """Images presented one after another: the input spikes of a whole training run on the time grid.

    ``step`` and ``channel`` (int64, sorted by step then channel, one spike per channel and step) over
    ``n_images * steps_per_image`` steps; ``images[i]`` is the index (in the training set) of the i-th image shown.
    """

    step: np.ndarray
    channel: np.ndarray
    images: np.ndarray
    steps_per_image: int
    n_channels: int

    @property
    def n_images(self) -> int:
        return len(self.images)

    @property
    def n_steps(self) -> int:
        return self.n_images * self.steps_per_image

    def bounds(self) -> np.ndarray:
        """``bounds[n]:bounds[n + 1]`` are the spikes of step ``n``."""
        return np.searchsorted(self.step, np.arange(self.n_steps + 1))


@dataclass(frozen=True)
class LearningNetwork:
    """The network that learns: ``n_inputs`` Poisson channels -> ``n_learners`` neurons with plastic synapse counts,
    lateral inhibition and adaptive thresholds (the rule in ``rule``; see the module docstring).

    Parameters
    ----------
    n_inputs, n_learners : int
    neuron : neuron model spec or name, optional
        The learners' model (default ``LIF()``: tau_m 20 ms, t_ref 2 ms, reset to 0; e.g. ``"izhikevich:RS"``).
    synapse : synapse model spec or name, optional
        The learners' synapse model (default delta; ``"exp_current"``, ``"conductance"``).
    unit_weight : float
        Weight of one synapse (drive units: with the LIF one synapse moves the membrane ``unit_weight`` threshold
        gaps). Default 0.01.
    inhibition : float
        Weight of the inhibitory synapse between two learners (> 0; a spike moves every other learner by
        ``-inhibition``). Default 2.
    rule : CountSTDP
    presentation_ms : float
        How long each image is shown. Default 100 ms.
    dt_ms : float
        Time step. Default 0.5 ms (Diehl & Cook 2015).
    rate_scale_hz : float
        The rate an input value of 1.0 stands for. Default 200 Hz.
    mean_rate_hz : float
        Mean rate of an image's input channels: each image is scaled so that its pixels average this rate (the
        total input rate is the same for every image). Default 80 Hz.
    initial_potential : float
        Structural potentials start uniform in ``[0, initial_potential)`` (then scaled). Default 8.
    """

    n_inputs: int = 64
    n_learners: int = 100
    neuron: Any = None
    synapse: Any = None
    unit_weight: float = 0.01
    inhibition: float = 2.0
    rule: CountSTDP = field(default_factory=CountSTDP)
    presentation_ms: float = 100.0
    dt_ms: float = 0.5
    rate_scale_hz: float = 200.0
    mean_rate_hz: float = 80.0
    initial_potential: float = 8.0

    def __post_init__(self) -> None:
        owner = "LearningNetwork"
        object.__setattr__(self, "n_inputs", check_int(owner, "n_inputs", self.n_inputs, minimum=1, maximum=10**5))
        object.__setattr__(self, "n_learners", check_int(owner, "n_learners", self.n_learners, minimum=1,
                                                         maximum=10**5))
        neuron = neuron_from_name(self.neuron) if isinstance(self.neuron, str) and self.neuron else self.neuron
        synapse = synapse_from_dict(self.synapse, owner=f"{owner}: synapse") if isinstance(self.synapse, str) \
            else self.synapse
        object.__setattr__(self, "neuron", check_neuron(owner, neuron or None) or LIF())
        object.__setattr__(self, "synapse", effective_synapse(None, check_synapse(owner, synapse)))
        for name in ("unit_weight", "inhibition", "presentation_ms", "dt_ms", "rate_scale_hz", "mean_rate_hz",
                     "initial_potential"):
            object.__setattr__(self, name, check_positive(owner, name, getattr(self, name)))
        if not isinstance(self.rule, CountSTDP):
            raise ParameterError(f"{owner}: rule must be a CountSTDP; got {type(self.rule).__name__}.")
        steps = self.presentation_ms / self.dt_ms
        if abs(steps - round(steps)) > 1e-9 * steps or round(steps) < 2:
            raise ParameterError(f"{owner}: presentation_ms ({self.presentation_ms!r}) must be a whole number (>= 2) "
                                 f"of time steps dt_ms ({self.dt_ms!r}).")
        if self.mean_rate_hz * self.dt_ms * 1e-3 * self.n_inputs > 0.5 * self.n_inputs:
            raise ParameterError(f"{owner}: mean_rate_hz {self.mean_rate_hz!r} is too high for dt_ms {self.dt_ms!r} "
                                 "(more than one spike every two steps); lower it or dt_ms.")

    @property
    def steps_per_image(self) -> int:
        return int(round(self.presentation_ms / self.dt_ms))

    def threshold_currents(self, unit: float = 1.0) -> tuple[float, float]:
        """The thresholds' steps as currents (1/s, times a model's potential unit ``unit``): the rise per spike,
        ``theta_plus x rate_scale``, and the fall after each image, that rise x ``target_rate x presentation`` (a
        learner firing at the target rate keeps its threshold)."""
        rise = self.rule.theta_plus * self.rate_scale_hz * unit
        return rise, rise * self.rule.target_rate_hz * self.presentation_ms * 1e-3

    def replace(self, **changes: Any) -> "LearningNetwork":
        return replace(self, **changes)

    def input_values(self, x: Any, *, owner: str = "LearningNetwork") -> np.ndarray:
        """Images (n, n_inputs) in [0, inf) as input values: each row scaled to mean ``mean_rate_hz / rate_scale_hz``.

        An image without ink (all zeros), a negative or non-finite pixel, or the wrong width is an error.
        """
        x = float_array(owner, "images", x, shape=("n", self.n_inputs))
        if np.any(x < 0):
            i, j = (int(a) for a in np.argwhere(x < 0)[0])
            raise ParameterError(f"{owner}: image pixels must be >= 0 (they are rates); got {float(x[i, j])!r} at "
                                 f"image {i}, pixel {j}.")
        mean = x.mean(axis=1)
        if np.any(mean <= 0):
            raise ParameterError(f"{owner}: image {int(np.flatnonzero(mean <= 0)[0])} is blank (all pixels 0); "
                                 "an image needs some ink to be shown as rates.")
        return x / mean[:, None] * (self.mean_rate_hz / self.rate_scale_hz)

    def stream(self, x: Any, order: Sequence[int], *, seed: int) -> InputStream:
        """Poisson spikes (Bernoulli per step, the package's ``poisson`` encoding) of images ``x[order]`` shown one
        after another, each for ``presentation_ms``; each presentation draws its own spikes (seeded)."""
        owner = "LearningNetwork.stream"
        values = self.input_values(x)
        seed = check_seed(seed, owner=owner)
        order = np.asarray(order, dtype=np.int64)
        if order.ndim != 1 or len(order) == 0 or order.min() < 0 or order.max() >= len(values):
            raise ParameterError(f"{owner}: order must index the {len(values)} images (at least one); got "
                                 f"{order.size} entries" + (f" from {order.min()} to {order.max()}." if order.size
                                                            else "."))
        trains = get_encoding("poisson").encode("pixels", values[order], rate_scale_hz=self.rate_scale_hz,
                                               duration_ms=self.presentation_ms, dt_ms=self.dt_ms, seed=seed)
        s = self.steps_per_image
        local = np.floor(np.asarray(trains.time_ms) / self.dt_ms + 0.5).astype(np.int64)
        step = np.asarray(trains.sample, dtype=np.int64) * s + local
        channel = np.asarray(trains.neuron, dtype=np.int64)
        by = np.lexsort((channel, step))
        return InputStream(step[by], channel[by], order, s, self.n_inputs)

    def initial_potentials(self, seed: int) -> np.ndarray:
        """Structural potentials (n_learners, n_inputs) before the first image's scaling, seeded."""
        rng = np.random.default_rng([int(seed), 0x5ADB])
        return rng.uniform(0.0, self.initial_potential, (self.n_learners, self.n_inputs))

    def circuit(self, counts: Any, theta: Any = 0.0, *, name: str = "learned", inhibition: bool = True) -> Circuit:
        """The trained network as a circuit (no plasticity): input ``pixels`` -> ``learners`` (bias ``-theta``) with
        the learned counts, and the lateral inhibition as inhibitory synapses (count -1 of weight ``inhibition``;
        ``inhibition=False`` leaves it out: the learned feed-forward synapses alone)."""
        counts = np.asarray(counts)
        theta = np.broadcast_to(np.asarray(theta, dtype=float), (self.n_learners,))
        inhibit = -(1 - np.eye(self.n_learners, dtype=np.int64))
        what = ("learned counts, lateral inhibition" if inhibition
                else "learned counts (the lateral inhibition left out)")
        return Circuit(name, description=f"{self.n_learners} learners over {self.n_inputs} inputs: {what}",
                       inputs=[InputPopulation("pixels", self.n_inputs)],
                       populations=[NeuronPopulation("learners", self.n_learners, bias=-theta, activation="relu",
                                                     neuron=self.neuron, synapse=self.synapse)],
                       projections=[Projection("pixels", "learners", counts, unit_weight=self.unit_weight),
                                    *([Projection("learners", "learners", inhibit, unit_weight=self.inhibition)]
                                      if inhibition else [])])

    def to_dict(self) -> dict[str, Any]:
        out = {f.name: getattr(self, f.name) for f in fields(self) if f.name not in ("neuron", "synapse", "rule")}
        return {**out, "neuron": neuron_to_dict(self.neuron), "synapse": synapse_to_dict(self.synapse),
                "rule": self.rule.to_dict()}


@dataclass(frozen=True)
class LearningRun:
    """What a training run on synapse counts returns.

    Attributes
    ----------
    network : LearningNetwork
    simulator : str
        ``"brian2"`` or ``"reference"``.
    seed : int
    images : int array
        Training-set index of every image shown, in order.
    responses : (n_images, n_learners) int array
        Spikes of each learner while each image was shown (plasticity on).
    checkpoints : int array
        Number of images seen at each snapshot (0 = before training, after the first scaling).
    counts : (n_checkpoints, n_learners, n_inputs) int array
        Synapse counts at each checkpoint (after that boundary's scaling).
    theta : (n_checkpoints, n_learners) float array
        Adaptive thresholds (drive units) at each checkpoint.
    potentials : (n_learners, n_inputs) float array
        The final structural potentials.
    info : dict
        target, dt, seed, timings and event counts (input spikes, learner spikes, synapse updates).
    """

    network: LearningNetwork
    simulator: str
    seed: int
    images: np.ndarray
    responses: np.ndarray
    checkpoints: np.ndarray
    counts: np.ndarray
    theta: np.ndarray
    potentials: np.ndarray
    info: Mapping[str, Any]

    @property
    def final_counts(self) -> np.ndarray:
        return self.counts[-1]

    @property
    def final_theta(self) -> np.ndarray:
        return self.theta[-1]

    def synapse_changes(self) -> np.ndarray:
        """Synapses formed plus removed between consecutive checkpoints (net per connection, so a lower bound)."""
        return np.abs(np.diff(self.counts.astype(np.int64), axis=0)).sum(axis=(1, 2))


def check_checkpoints(checkpoints: Any, n_images: int, *, owner: str) -> np.ndarray:
    """Sorted unique image counts in [0, n_images], always including 0 and n_images."""
    c = np.asarray(checkpoints if checkpoints is not None else (), dtype=float).ravel()
    if c.size and (not np.all(np.isfinite(c)) or np.any(c != np.round(c)) or c.min() < 0 or c.max() > n_images):
        raise ParameterError(f"{owner}: checkpoints must be whole numbers of images in [0, {n_images}]; "
                             f"got {checkpoints!r}.")
    return np.unique(np.concatenate([[0, n_images], c]).astype(np.int64))


def check_stream(net: LearningNetwork, stream: InputStream, checkpoints: Any, *, owner: str) -> np.ndarray:
    """The checkpoints of a training run (:func:`check_checkpoints`), after checking that ``stream`` fits ``net``."""
    if stream.n_channels != net.n_inputs or stream.steps_per_image != net.steps_per_image:
        raise ParameterError(f"{owner}: the stream ({stream.n_channels} channels, {stream.steps_per_image} steps per "
                             f"image) does not match the network ({net.n_inputs}, {net.steps_per_image}).")
    return check_checkpoints(checkpoints, stream.n_images, owner=owner)


def responses_by_image(step: np.ndarray, neuron: np.ndarray, *, n_images: int, steps_per_image: int,
                       n_learners: int) -> np.ndarray:
    """Spike counts (n_images, n_learners) from spike steps and neurons."""
    out = np.zeros((n_images, n_learners), dtype=np.int64)
    np.add.at(out, (np.asarray(step) // steps_per_image, np.asarray(neuron)), 1)
    return out


def cost_per_image(run: LearningRun) -> dict[str, float]:
    """Synaptic work of learning per training image, counted from the run: every arriving input spike updates the
    trace of its ``n_learners`` synapses, every learner spike updates its ``n_inputs`` synapses (and one
    threshold), and the scaling after each image touches every synapse."""
    network, n = run.network, max(len(run.images), 1)
    pre, post = run.info["input_spikes"], run.info["learner_spikes"]
    synapses = network.n_inputs * network.n_learners
    return {"trace_updates": pre * network.n_learners / n, "weight_updates": post * network.n_inputs / n,
            "scaling_updates": float(synapses), "transmissions": run.info["synaptic_events"] / n}

