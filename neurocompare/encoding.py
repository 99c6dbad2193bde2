"""Input encodings: how real input values become what a spiking neuron receives.

Every encoding maps a batch of values ``x`` of shape ``(batch, size)`` onto the input of a
spiking circuit. A value of 1 corresponds to the rate ``rate_scale_hz`` (the spiking
backend's scale), so decoded rates and artificial activations share one scale.

========== ===================================================================================
name       what the input population emits
========== ===================================================================================
poisson    Poisson spike trains of rate ``|x| * rate_scale_hz`` on the time grid (Bernoulli
           per step with p = rate * dt, which needs rate <= 1/dt). Seeded.
regular    Deterministic trains at the same rate: spikes at ``(k - 1/2) / rate``, k = 1, 2, ...
           (so a window of length T holds ``round(rate * T)`` spikes), each on its dt step.
latency    One spike per channel at ``window_ms * (1 - |x|)`` (time to first spike: strong
           inputs fire first); needs ``|x| <= 1``; zero inputs stay silent.
analog     No spikes: each input drives its targets with the constant current
           ``x * rate_scale_hz`` per unit of weight (what a rate neuron would receive).
========== ===================================================================================

**Signed inputs.** A negative value ``x < 0`` is encoded like ``|x|`` but its spikes carry
sign -1: every synapse it reaches acts with the opposite sign (an excitatory synapse
inhibits). This is the "on/off channel" pair of rate coding folded into one channel; the
artificial side sees ``W x`` with the same sign. Analog inputs are signed natively.

**Given spikes instead of values.** To drive an input population with spikes you already have
(arrays, per-neuron time lists, ``neo.SpikeTrain``s), pass a :class:`~neurocompare.spike_input.GivenSpikes`
in place of its values; the encoding then applies to the other input populations only. Its times are put
on the grid by ``floor(t / dt + 1e-3)`` (Brian2's ``SpikeGeneratorGroup`` rule; the encodings' own times
are on the grid already) and two spikes of one channel in one step are rejected, as here.

Seeds: the Poisson train of sample ``b`` of population ``p`` comes from its own random stream,
derived from ``(seed, p, b)``, so a sample's spikes do not depend on the other samples of its
batch (only on its index ``b``: appending samples leaves earlier ones unchanged, but a sample
moved to another index gets another train), and adding a population does not change another
population's spikes.
"""

from __future__ import annotations

import math
import zlib
from abc import ABC, abstractmethod
from dataclasses import asdict, dataclass
from types import MappingProxyType
from typing import Any

import numpy as np

from .errors import InputError, ParameterError, UnknownNameError
from .results import SpikeTrains

__all__ = [
    "Encoding",
    "Poisson",
    "Regular",
    "Latency",
    "Analog",
    "ENCODINGS",
    "get_encoding",
    "stream_seed",
]

_EPS = 1e-9  # guards floor() against float round-off when placing times on the dt grid


def stream_seed(seed: int, *keys: str | int) -> np.random.SeedSequence:
    """A random stream derived from a base seed and stable keys (names are CRC32-hashed)."""
    spawn_key = tuple(zlib.crc32(k.encode()) if isinstance(k, str) else int(k) for k in keys)
    return np.random.SeedSequence(entropy=int(seed), spawn_key=spawn_key)


def _n_steps(duration_ms: float, dt_ms: float) -> int:
    return int(round(duration_ms / dt_ms))


class Encoding(ABC):
    """How input values become spikes (or currents). Subclasses are frozen dataclasses."""

    name: str = ""
    #: False for encodings that inject currents instead of spikes.
    is_spiking: bool = True
    #: True if the same values always give the same spikes (no randomness).
    deterministic: bool = True

    @abstractmethod
    def encode(
        self,
        population: str,
        values: np.ndarray,
        *,
        rate_scale_hz: float,
        duration_ms: float,
        dt_ms: float,
        seed: int,
    ) -> SpikeTrains:
        """Spike trains for ``values`` (batch, size), spike times on the dt grid."""

    @abstractmethod
    def decode(self, trains: SpikeTrains | None, values: np.ndarray, *, rate_scale_hz: float) -> np.ndarray:
        """The input values as the spiking side actually received them, on the artificial scale."""

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}  # type: ignore[call-overload]

    def _check_rates(self, population: str, values: np.ndarray, rate_scale_hz: float, dt_ms: float) -> np.ndarray:
        rates = np.abs(values) * rate_scale_hz
        limit = 1e3 / dt_ms
        if rates.size and rates.max() > limit * (1 + _EPS):
            bad = tuple(int(i) for i in np.unravel_index(np.argmax(rates), rates.shape))
            raise InputError(
                f"Input {population!r}: value {float(values[bad])!r} at {bad} (sample, neuron) asks for "
                f"{rates[bad]:.6g} Hz, more than one spike per time step ({limit:g} Hz at dt = {dt_ms:g} ms); "
                "lower rate_scale_hz, lower dt_ms, or scale the inputs."
            )
        return rates


@dataclass(frozen=True)
class Poisson(Encoding):
    """Poisson spike trains (Bernoulli per time step), rate ``|x| * rate_scale_hz``."""

    name = "poisson"
    deterministic = False

    def encode(self, population, values, *, rate_scale_hz, duration_ms, dt_ms, seed):
        rates = self._check_rates(population, values, rate_scale_hz, dt_ms)
        batch, size = values.shape
        n_steps = _n_steps(duration_ms, dt_ms)
        p_all = np.minimum(rates * dt_ms * 1e-3, 1.0)
        samples, neurons, steps = [], [], []
        for b in range(batch):
            rng = np.random.default_rng(stream_seed(seed, "poisson", population, b))
            active = np.flatnonzero(p_all[b] > 0)
            if not len(active):
                continue
            p = p_all[b, active]
            # Geometric gaps between successes of i.i.d. Bernoulli(p) steps: exact and memory-light.
            n_draw = int(np.ceil(n_steps * p.max() + 6 * math.sqrt(n_steps * p.max()) + 10))
            # A gap beyond the window ends the train; clipping it keeps cumsum from overflowing
            # (numpy's geometric() saturates at 2**63 - 1 for p < ~1e-18). Same spikes otherwise.
            cap = n_steps + 1
            pos = np.cumsum(np.minimum(rng.geometric(p[:, None], size=(len(p), n_draw)), cap), axis=1) - 1
            while np.any(pos[:, -1] < n_steps):  # rare: ran short of draws, extend
                more = np.cumsum(np.minimum(rng.geometric(p[:, None], size=(len(p), n_draw)), cap), axis=1)
                more += pos[:, -1:]
                pos = np.concatenate([pos, more], axis=1)
            keep = pos < n_steps
            rows = np.broadcast_to(active[:, None], pos.shape)[keep]
            steps.append(pos[keep])
            neurons.append(rows)
            samples.append(np.full(len(rows), b))
        return _trains(population, values, samples, neurons, steps, duration_ms, dt_ms)

    def decode(self, trains, values, *, rate_scale_hz):
        return _decode_rate(trains, values, rate_scale_hz)


@dataclass(frozen=True)
class Regular(Encoding):
    """Evenly spaced spikes at rate ``|x| * rate_scale_hz``, optionally jittered.

    ``jitter_ms > 0`` moves every spike by an independent uniform amount in
    ``[-jitter_ms, +jitter_ms]`` (seeded per sample and population, like Poisson trains); spikes
    pushed outside the run are dropped and two spikes of one channel landing on the same time
    step merge into one. With ``jitter_ms = 0`` (default) the trains are deterministic.
    """

    jitter_ms: float = 0.0
    name = "regular"

    def __post_init__(self) -> None:
        j = self.jitter_ms
        if isinstance(j, bool) or not isinstance(j, (int, float)) or not math.isfinite(j) or j < 0:
            raise ParameterError(f"Regular: jitter_ms must be a finite number >= 0; got {j!r}.")

    @property
    def deterministic(self) -> bool:  # type: ignore[override]
        return self.jitter_ms == 0

    def encode(self, population, values, *, rate_scale_hz, duration_ms, dt_ms, seed):
        rates = self._check_rates(population, values, rate_scale_hz, dt_ms)
        n_steps = _n_steps(duration_ms, dt_ms)
        b_idx, n_idx = np.nonzero(rates > 0)
        r = rates[b_idx, n_idx]
        n_max = int(np.ceil(r.max() * duration_ms * 1e-3)) + 1 if len(r) else 0
        k = np.arange(1, n_max + 1)
        t_ms = (k[None, :] - 0.5) / r[:, None] * 1e3
        if self.jitter_ms > 0:
            t_ms = t_ms.copy()
            for b in np.unique(b_idx):
                rows = b_idx == b
                rng = np.random.default_rng(stream_seed(seed, "jitter", population, int(b)))
                t_ms[rows] += rng.uniform(-self.jitter_ms, self.jitter_ms, size=t_ms[rows].shape)
        step_f = np.floor(t_ms / dt_ms + _EPS)
        keep = (step_f >= 0) & (step_f < n_steps)  # decided in float: a tiny rate's steps exceed int64
        step = np.where(keep, step_f, 0).astype(np.int64)
        b_all = np.broadcast_to(b_idx[:, None], step.shape)[keep]
        n_all = np.broadcast_to(n_idx[:, None], step.shape)[keep]
        s_all = step[keep]
        if self.jitter_ms > 0 and len(s_all):
            key = np.unique(np.stack([b_all, n_all, s_all]), axis=1)
            b_all, n_all, s_all = key
        return _trains(population, values, [b_all], [n_all], [s_all], duration_ms, dt_ms)

    def decode(self, trains, values, *, rate_scale_hz):
        return _decode_rate(trains, values, rate_scale_hz)


@dataclass(frozen=True)
class Latency(Encoding):
    """Time-to-first-spike coding: one spike at ``window_ms * (1 - |x|)``, for ``|x| <= 1``.

    ``window_ms=None`` uses the whole simulated duration.
    """

    window_ms: float | None = None
    name = "latency"

    def __post_init__(self) -> None:
        if self.window_ms is not None and (
            isinstance(self.window_ms, bool) or not isinstance(self.window_ms, (int, float))
            or not math.isfinite(self.window_ms) or self.window_ms <= 0
        ):
            raise ParameterError(f"Latency: window_ms must be a finite number > 0 or None; got {self.window_ms!r}.")

    def _window(self, duration_ms: float) -> float:
        return float(self.window_ms) if self.window_ms is not None else float(duration_ms)

    def encode(self, population, values, *, rate_scale_hz, duration_ms, dt_ms, seed):
        mag = np.abs(values)
        if mag.size and mag.max() > 1:
            bad = tuple(int(i) for i in np.unravel_index(np.argmax(mag), mag.shape))
            raise InputError(
                f"Input {population!r}: latency coding needs |x| <= 1; got {float(values[bad])!r} at {bad} "
                "(sample, neuron). Scale the inputs into [-1, 1]."
            )
        window = self._window(duration_ms)
        b_idx, n_idx = np.nonzero(mag > 0)
        t_ms = window * (1.0 - mag[b_idx, n_idx])
        step = np.floor(t_ms / dt_ms + _EPS).astype(np.int64)
        keep = step < _n_steps(duration_ms, dt_ms)
        return _trains(population, values, [b_idx[keep]], [n_idx[keep]], [step[keep]], duration_ms, dt_ms)

    def decode(self, trains, values, *, rate_scale_hz):
        window = self._window(trains.duration_ms)
        first = trains.first_spike_ms()
        decoded = np.where(np.isnan(first), 0.0, 1.0 - first / window)
        return decoded * np.sign(values)


@dataclass(frozen=True)
class Analog(Encoding):
    """No spikes: a constant current ``x * rate_scale_hz`` through each synapse's weight."""

    name = "analog"
    is_spiking = False

    def encode(self, population, values, *, rate_scale_hz, duration_ms, dt_ms, seed):
        raise ParameterError("Analog encoding emits no spikes; use current_hz().")

    def current_hz(self, values: np.ndarray, *, rate_scale_hz: float) -> np.ndarray:
        """Input current per unit weight (1/s), ``x * rate_scale_hz``."""
        return np.asarray(values, dtype=float) * rate_scale_hz

    def decode(self, trains, values, *, rate_scale_hz):
        return np.array(values, dtype=float)


def _trains(population, values, samples, neurons, steps, duration_ms, dt_ms) -> SpikeTrains:
    batch, size = values.shape
    s = np.concatenate(samples) if samples else np.zeros(0, np.int64)
    n = np.concatenate(neurons) if neurons else np.zeros(0, np.int64)
    k = np.concatenate(steps) if steps else np.zeros(0, np.int64)
    # by time, then sample, then neuron
    n_steps = _n_steps(duration_ms, dt_ms) + 1
    if n_steps * batch * size < 2**62:  # one packed int64 key: sorting it is ~20x faster than lexsort
        key = np.sort((k * batch + s) * size + n)
        k, rest = np.divmod(key, batch * size)
        s, n = np.divmod(rest, size)
    else:  # pragma: no cover - astronomically long runs
        order = np.lexsort((n, s, k))
        s, n, k = s[order], n[order], k[order]
    sign = np.where(values[s, n] < 0, -1.0, 1.0)
    return SpikeTrains(population, batch, size, s, n, k * dt_ms, float(duration_ms), sign)


def _decode_rate(trains: SpikeTrains, values: np.ndarray, rate_scale_hz: float) -> np.ndarray:
    return trains.counts() / (trains.duration_ms * 1e-3) / rate_scale_hz * np.sign(values)


#: Encodings by name, with default parameters (read-only).
ENCODINGS: MappingProxyType[str, Encoding] = MappingProxyType(
    {"poisson": Poisson(), "regular": Regular(), "latency": Latency(), "analog": Analog()}
)


def get_encoding(spec: str | Encoding) -> Encoding:
    """An encoding from its name or an :class:`Encoding` instance."""
    if isinstance(spec, Encoding):
        return spec
    try:
        return ENCODINGS[spec]
    except (KeyError, TypeError):
        raise UnknownNameError(f"Unknown encoding {spec!r}; valid: {', '.join(ENCODINGS)}.") from None
