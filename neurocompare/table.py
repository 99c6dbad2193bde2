"""The real-vs-artificial table: each row of the classic comparison, measured, in plain words and numbers.

:func:`build_table` turns a comparison's metric values into one :class:`~neurocompare.comparison.TableRow`
per row of :data:`neurocompare.metrics.TABLE_ROWS`: a one-sentence takeaway, what each backend measured
(every figure with its unit) and the key numbers as named ``figures`` (the numeric columns of
``table.csv``, listed with their units in :data:`FIGURE_COLUMNS`). The numbers come from the metrics and the
two results only, so the table and ``metrics.json`` cannot disagree. Every term the text uses is defined
in :mod:`neurocompare.glossary`.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Mapping

import numpy as np

from .circuit import Circuit
from .comparison import SEED_TABLE, TableRow, spiking_models
from .metrics import TABLE_ROWS, EnergyModel, Metric, rank_fits, same_answers, trace_departure
from .results import Result

__all__ = ["build_table", "fmt", "plural", "FIGURE_COLUMNS", "why_spiking_differs", "sample_label"]

#: The numeric columns of ``table.csv``: name -> unit. Each row fills its own; the others are empty.
FIGURE_COLUMNS: Mapping[str, str] = {
    "output_spikes_per_neuron": "spikes per neuron per sample", "output_rate_min_hz": "Hz",
    "output_rate_max_hz": "Hz", "output_rate_correlation": "Pearson r", "output_nrmse": "1",
    "agreement_pct": "%", "spiking_accuracy_pct": "%", "artificial_accuracy_pct": "%",
    "artificial_output_min": "activation units", "artificial_output_max": "activation units",
    "artificial_distinct_values": "values",
    "first_output_spike_ms": "ms", "answer_matches_from_ms": "ms", "answer_matched_pct": "%", "isi_cv": "1",
    "neurons_per_active_step": "neurons", "event_pct": "%", "artificial_layers": "layers",
    "artificial_steps": "synchronous steps", "artificial_neurons": "neurons", "artificial_fixed_point_pct": "%",
    "rheobase_drive": "activation units", "first_spike_drive": "activation units", "fit_rmse_relu": "activation units",
    "fit_rmse_sigmoid": "activation units", "fit_rmse_tanh": "activation units",
    "artificial_fit_rmse": "activation units",
    "synapses": "synapses", "max_delay_ms": "ms", "delay_shift_ms": "ms", "weight_entries": "entries",
    "count_min": "synapses", "count_max": "synapses", "count_bits": "bits", "count_memory_bytes": "bytes",
    "rounding_error_pct": "%", "float32_memory_bytes": "bytes",
    "synaptic_events": "events per sample", "spiking_energy_pj": "pJ", "spiking_energy_memory_pj": "pJ",
    "macs": "MACs per sample", "macs_dense": "MACs per sample", "artificial_energy_pj": "pJ",
    "artificial_energy_memory_pj": "pJ",
}


#: Values whose look means "perfect" or "none": a rounded figure may show them only when it is exact.
_LOADED = (0.0, 1.0, -1.0, 100.0, -100.0)


def _digits_for(v: float, digits: int) -> str:
    """``v`` to ``digits`` significant digits, more (up to 6) if fewer would show 0, 1 or 100 and it is not."""
    text = f"{v:.{digits}g}"
    while float(text) != v and float(text) in _LOADED and digits < 6:
        digits += 1
        text = f"{v:.{digits}g}"
    if float(text) != v and float(text) in _LOADED:
        return f"about {text}"  # 0.9999999 is not 1: say it is rounded
    return text


def fmt(v: float | None, digits: int = 3) -> str:
    """A number as it reads in the table: honest rounding, thousands separated, "n/a" for NaN.

    Three significant digits, but never a 0, 1 or 100 that the value is not (a correlation of 0.9999 reads
    "0.9999", not "1"; 99.97% reads "99.97"); whole numbers below a million are exact (2,124); larger values
    read "4.1 million".
    """
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "n/a"
    v = float(v)
    if abs(v) >= 1e6:
        return f"{v / 1e6:.{digits}g} million"
    if abs(v) >= 1000:
        return f"{v:,.0f}" if v == round(v) else f"{round(v, digits - 1 - int(math.log10(abs(v)))):,.0f}"
    return _digits_for(v, digits)


def plural(n: float, one: str, many: str | None = None) -> str:
    """``"1 neuron"``, ``"2 neurons"``, ``"2.5 spikes"``: the number and the word in the right number."""
    return f"{fmt(n)} {one if n == 1 else (many or one + 's')}"


def _pct(fraction: float) -> str:
    return fmt(100 * fraction)


def _models(circuit: Circuit, parameters: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """``neurons`` and ``synapses`` keywords of :func:`why_spiking_differs` for a comparison's spiking run."""
    both = spiking_models(circuit, parameters)
    return {"neurons": {k: v[0] for k, v in both.items()}, "synapses": {k: v[1] for k, v in both.items()}}


def sample_label(inputs: Mapping[str, np.ndarray], sample: int) -> str:
    """"sample 3 (x = 1 0)" for a few input values, else "sample 3"."""
    values = np.concatenate([np.ravel(np.asarray(v, dtype=float)[sample]) for v in inputs.values()]) if inputs else []
    shown = f" (x = {' '.join(fmt(v) for v in values)})" if 0 < len(values) <= 6 else ""
    return f"sample {sample}{shown}"


def _who(circuit: Circuit, name: str, neuron: int) -> str:
    return name if circuit.population(name).size == 1 else f"{name} neuron {neuron}"


def _name(model: Any) -> str:
    """"the izhikevich:CH neuron", "the if neuron" (reset by subtraction is left out)."""
    return f"the {model.label().split(',')[0]} neuron" if hasattr(model, "label") else "the default neuron"


def why_spiking_differs(circuit: Circuit, ann: Any, snn: Any, output: str, sample: int, *,
                        neurons: Mapping[str, Any], synapses: Mapping[str, Any] | None = None,
                        first_spike: float = math.nan, rheobase: float = math.nan, duration_ms: float = math.nan) -> str:
    """Why the spiking value of ``output`` differs from the artificial one in ``sample``, in one sentence of
    measured facts (:func:`~neurocompare.metrics.trace_departure`): the drives both sides gave, back to the neuron
    where they part, and there the model's own thresholds (``first_spike``, ``rheobase``: the f-I probe's
    ``first_spike_drive`` and ``rheobase_drive`` for the output's model, used for populations of that model only).

    ``neurons`` (and ``synapses``): population -> the neuron (synapse) model that ran it.
    """
    chain = trace_departure(circuit, ann, snn, output, sample)
    parts = []
    for step in chain[:-1]:
        parts.append(f"{_who(circuit, step.population, step.neuron)} received a drive of {fmt(step.drive_spiking)} on "
                     f"the spiking side against {fmt(step.drive_artificial)} in the artificial network")
    root = chain[-1]
    who = _who(circuit, root.population, root.neuron)
    vs, va = fmt(root.value_spiking), fmt(root.value_artificial)
    if root.kind == "input":
        parts.append(f"input {who} carried {vs} in spikes where its value is {va} (a value coded as spikes over "
                     f"{fmt(duration_ms)} ms)")
        return ", because ".join(parts) + "."
    model = neurons.get(root.population)
    name = _name(model)
    known = model is not None and model == neurons.get(output) and not math.isnan(first_spike)
    if _no_leak(model):  # a perfect integrator: both thresholds are 0 (the sweep's are its window)
        known, first_spike, rheobase = True, 0.0, 0.0
    z, act = root.drive_spiking, circuit.population(root.population).activation_name
    head = f"{who} received a drive of {fmt(z)}" + (
        "" if chain[:-1] or abs(z - root.drive_artificial) < 5e-4 * max(1.0, abs(z))
        else f" on the spiking side ({fmt(root.drive_artificial)} in the artificial network)")
    given = f"where {act} gives {fmt(root.expected)}"
    if not root.origin:  # a loop: the difference circulates
        why = f"and passes on a difference that circulates in a loop ({vs} spiking, {va} artificial)"
    elif root.value_spiking == 0:
        if not known:
            why = f"and {name} stays silent {given}"
        elif z < first_spike:
            why = (f", below {name}'s threshold for a first spike ({fmt(first_spike)}, measured by the f-I probe): "
                   f"silent {given}")
        elif not math.isnan(rheobase) and z < rheobase:
            why = (f", above {name}'s threshold for a first spike ({fmt(first_spike)}) but below its rheobase "
                   f"({fmt(rheobase)}): at most an onset spike, none in this run, {given}")
        else:
            why = f", above {name}'s rheobase ({fmt(rheobase)}), yet no spike in the {fmt(duration_ms)} ms run, {given}"
    elif root.value_spiking > root.expected and circuit.projections_into(root.population):
        below = f", below {name}'s rheobase ({fmt(rheobase)})" if known and not math.isnan(rheobase) and z < rheobase \
            else ""
        why = (f"{below}, {given}, yet {name} fires at {vs} of the rate scale: its inputs arrive as spikes, and spikes "
               f"can set off a cell whose mean drive is this low; the artificial neuron sees only the mean")
    else:
        why = (f"and {name} turns it into {vs} of the rate scale {given}: its own f-I curve at this drive (the "
               "transfer figure)")
    synapse = (synapses or {}).get(root.population)
    if getattr(synapse, "model_name", "") == "conductance":
        why += ("; its conductance synapses make the drive nominal (the charge at threshold): below threshold "
                "excitation brings more and inhibition less")
    parts.append(f"{head}{'' if why.startswith(',') else ' '}{why}")
    return ", because ".join(parts) + "."


@dataclass(frozen=True)
class _Ctx:
    """What a row needs: the circuit, metric values, parameters, both results and the energy model."""

    circuit: Circuit
    v: Mapping[str, float]
    p: Mapping[str, Any]
    ann: Result
    snn: Result
    out: str
    energy: EnergyModel

    def get(self, key: str) -> float:
        value = self.v.get(key)
        return math.nan if value is None else float(value)

    @property
    def mode(self) -> str | None:
        """How the artificial side ran: "topological pass", "synchronous steps", or None (another backend)."""
        return self.ann.info.get("mode")

    @property
    def n_neurons(self) -> int:
        return sum(q.size for q in self.circuit.populations)

    def first_difference(self) -> str:
        """" On sample k (x = ...), ...: why." for the first sample whose two answers differ, else ""."""
        mode, threshold = self.p.get("readout"), self.p.get("threshold", 0.5)
        if mode not in ("argmax", "threshold"):
            return ""
        differ = np.flatnonzero(~same_answers(self.ann[self.out], self.snn[self.out], mode=mode, threshold=threshold))
        if not differ.size:
            return ""
        k = int(differ[0])
        inputs = {n: self.ann[n] for n in self.circuit.input_names}
        why = why_spiking_differs(self.circuit, self.ann, self.snn, self.out, k, **_models(self.circuit, self.p),
                                  first_spike=self.get("first_spike_drive"), rheobase=self.get("rheobase_drive"),
                                  duration_ms=float(self.p.get("duration_ms") or math.nan))
        return f" Where they first differ, on {sample_label(inputs, k)}: {why}"


@dataclass(frozen=True)
class _Cells:
    takeaway: str
    spiking: str
    artificial: str
    figures: Mapping[str, float] = field(default_factory=dict)


def _unsettled(c: _Ctx) -> str | None:
    """How the artificial side failed to reach a fixed point, or None if it did (or was not measured)."""
    if c.get("artificial_converged") != 0.0:
        return None
    share = _pct(1 - c.get("artificial_converged_fraction"))
    period = c.get("artificial_period")
    if math.isnan(period):
        return f"no fixed point after {plural(c.get('synchronous_steps'), 'step')} on {share}% of samples " \
               "(still moving, or a cycle longer than 16 steps)"
    cycle = "period 2" if period == 2 else f"period up to {int(period)}"
    return f"oscillates with {cycle} on {share}% of samples"


def _accuracy(c: _Ctx, key: str) -> str:
    """"; right on X% of labelled samples" when labels were given, else ""."""
    a = c.get(key)
    return "" if math.isnan(a) else f"; right on {_pct(a)}% of labelled samples (a tie counts as wrong)"


def _amplitude(c: _Ctx) -> _Cells:
    pops, out = c.circuit.population_names, c.out
    spk = ", ".join(f"{q} {fmt(c.get(f'spikes_per_neuron.{q}'))}" for q in pops)
    corr = ", ".join(f"{q} {fmt(c.get(f'rate_correlation.{q}'))}" for q in pops)
    rates, values = c.snn.rates_hz(out), c.ann[out]
    distinct = len(np.unique(np.round(values, 9)))
    spikes, agree, unsettled = c.get(f"spikes_per_neuron.{out}"), c.get("output_agreement"), _unsettled(c)
    spiking = (f"spikes per neuron per sample: {spk}; output firing rates {fmt(rates.min())} to {fmt(rates.max())} "
               f"Hz; decoded rate vs artificial value, Pearson r: {corr}; NRMSE of {out}: "
               f"{fmt(c.get(f'rate_nrmse.{out}'))}; same answer as the artificial network on {_pct(agree)}% of "
               "samples" + (" (against its last step, no answer where it does not settle)" if unsettled else "")
               + _accuracy(c, "snn_accuracy"))
    span = f"{out} from {fmt(values.min())} to {fmt(values.max())}, {plural(distinct, 'distinct value')}"
    artificial = ("one real value per neuron per sample: " + (
        f"no fixed point: {out} {unsettled}, so its last-step value is no answer (last step: {span})" if unsettled
        else span) + _accuracy(c, "ann_accuracy"))
    takeaway = (f"Each output neuron ({out}) sent about {plural(spikes, 'spike')} per sample, over "
                f"{fmt(c.p.get('duration_ms'))} ms, to say what an artificial neuron says with one number; "
                + (f"the artificial network never settled on {_pct(1 - c.get('artificial_converged_fraction'))}% "
                   f"of samples, and the two gave the same answer on {_pct(agree)}%." if unsettled else
                   f"the two networks gave the same answer on {_pct(agree)}% of samples." + c.first_difference()))
    figures = {"output_spikes_per_neuron": spikes, "output_rate_min_hz": float(rates.min()),
               "output_rate_max_hz": float(rates.max()), "output_rate_correlation": c.get(f"rate_correlation.{out}"),
               "output_nrmse": c.get(f"rate_nrmse.{out}"), "agreement_pct": 100 * agree,
               "spiking_accuracy_pct": 100 * c.get("snn_accuracy"), "artificial_accuracy_pct": 100 * c.get("ann_accuracy"),
               "artificial_output_min": float(values.min()), "artificial_output_max": float(values.max()),
               "artificial_distinct_values": float(distinct)}
    return _Cells(takeaway, spiking, artificial, figures)


def _grid_ms(c: _Ctx) -> float:
    """Spacing of the times at which the decoded answer is checked (at most 100 points over the run)."""
    duration, dt = c.p.get("duration_ms"), c.p.get("dt_ms")
    if not duration or not dt:
        return math.nan
    return float(duration) / min(100, max(1, int(round(float(duration) / float(dt)))))


def _matches(c: _Ctx, *, short: bool = False) -> str:
    """When the spiking answer matches the artificial one, as a clause; ``short``: without the notes."""
    settled, t = c.get("settled_fraction"), fmt(c.get("time_to_agreement_ms"))
    never = _pct(1 - settled) if not math.isnan(settled) else "0"
    grid = _grid_ms(c)
    checked = f", checked every {fmt(grid)} ms" if not math.isnan(grid) else ""
    if math.isnan(settled) or settled == 1:
        return f"the answer matched the artificial one from {t} ms on" + (
            "" if short else f" (median over samples{checked})")
    if settled > 0.5:
        return f"the answer matched the artificial one from {t} ms on" + (
            "" if short else f" (median over samples{checked}; never on {never}% of samples)")
    if settled > 0:
        return f"the answer never matched the artificial one on {never}% of samples" + (
            "" if short else ", so the median sample never does")
    return "the answer never matched the artificial one"


def _layers_once(layers: int) -> str:
    """"1 layer computed once" or "2 layers computed once each, in order"."""
    return "1 layer computed once" if layers == 1 else f"{layers} layers computed once each, in order"


def _all_neurons(n: int) -> str:
    """"its 1 neuron", "both neurons", "all 42 neurons"."""
    return "its 1 neuron" if n == 1 else "both neurons" if n == 2 else f"all {n} neurons"


def _artificial_timing(c: _Ctx) -> str:
    steps, n = c.get("synchronous_steps"), c.n_neurons
    if c.mode == "topological pass":
        layers = len(c.circuit.population_names)
        each = "one value each" if n != 1 else "one value"
        return f"no clock: one pass, layer by layer: {_layers_once(layers)} ({plural(n, 'neuron')}, {each})"
    if c.mode == "synchronous steps":
        unsettled = _unsettled(c)
        return (f"{plural(steps, 'synchronous step')}: {_all_neurons(n)} update together at every step "
                "(100% of neuron-steps)" + (f"; no fixed point: {unsettled}" if unsettled else ""))
    return f"not a synchronous network: the {c.p.get('artificial_backend', 'other')} backend runs its own clock"


def _fired(c: _Ctx) -> str:
    """Over which samples the first output spike is a median: "median over samples" or "... the 2 of 4 ..."."""
    first = c.snn.spikes[c.out].first_spike_ms()
    fired, batch = int(np.sum(~np.all(np.isnan(first), axis=1))), first.shape[0]
    if fired == batch:
        return "median over samples"
    return f"median over the {fired} of {plural(batch, 'sample')} whose output fired"


def _timing(c: _Ctx) -> _Cells:
    first = c.get("first_spike_latency_ms")
    per_step = c.get("neurons_per_active_step")
    spiking = (f"asynchronous: first output spike after {fmt(first)} ms ({_fired(c)}); {_matches(c)}; "
               f"ISI CV {fmt(c.get('isi_cv'))} (0 = clockwork, 1 = random); "
               f"{plural(per_step, 'neuron')} {'fires' if per_step == 1 else 'fire'} in a time step that has any spike "
               f"(mean); {_pct(c.get('update_fraction'))}% of neuron-time-steps carry a spike")
    spoke = "The output never fired" if math.isnan(first) else f"The first output spike came after {fmt(first)} ms"
    if c.mode == "topological pass":
        layers = len(c.circuit.population_names)
        art = "the artificial network has no clock: its " + (
            "1 layer is computed once" if layers == 1 else f"{layers} layers are computed once each, in order")
    elif c.mode == "synchronous steps":
        unsettled = _unsettled(c)
        art = (f"the artificial network updated {_all_neurons(c.n_neurons)} together at each of its "
               f"{plural(c.get('synchronous_steps'), 'synchronous step')}"
               + (f" and still {unsettled}" if unsettled else ""))
    else:
        art = "the other side is not a synchronous network"
    takeaway = f"{spoke} and {_matches(c, short=True).replace('the answer', 'the spiking answer', 1)}; {art}."
    layers = len(c.circuit.population_names) if c.mode == "topological pass" else math.nan
    figures = {"first_output_spike_ms": first, "answer_matches_from_ms": c.get("time_to_agreement_ms"),
               "answer_matched_pct": 100 * c.get("settled_fraction"), "isi_cv": c.get("isi_cv"),
               "neurons_per_active_step": per_step, "event_pct": 100 * c.get("update_fraction"),
               "artificial_layers": float(layers), "artificial_steps": c.get("synchronous_steps"),
               "artificial_neurons": float(c.n_neurons),
               "artificial_fixed_point_pct": 100 * c.get("artificial_converged_fraction")}
    return _Cells(takeaway, spiking, _artificial_timing(c), figures)


def _nonlinearity(c: _Ctx) -> _Cells:
    own = c.circuit.population(c.out).activation_name
    if "transfer_fit_rmse.relu" not in c.v:
        return _Cells(f"The spiking neuron's input-output curve (f-I curve) was not measured in this run; the "
                      f"artificial network used {own}.",
                      "threshold: f-I curve not measured (compare(..., probes=['fi']) measures it)",
                      f"{own} (programmable)")
    fits = {k: c.get(f"transfer_fit_rmse.{k}") for k in ("relu", "sigmoid", "tanh")}
    _, _, _, ranked = rank_fits(fits)
    rheo, first, own_rmse = c.get("rheobase_drive"), c.get("first_spike_drive"), c.get("transfer_fit_rmse.own")
    top = c.get("transfer_drive_max")
    over = f"drives {fmt(-top / 4)} to {fmt(top)}" if math.isfinite(top) else "the sweep's drives"
    fit = (f"a curve that {ranked}, fitted over {over} (activation units); the artificial network's "
           f"{own} activation differs from it by {fmt(own_rmse)} activation units (RMSE).")
    rmse = (f"RMSE of the best fit to the f-I curve, in activation units: relu {fmt(fits['relu'])}, sigmoid "
            f"{fmt(fits['sigmoid'])}, tanh {fmt(fits['tanh'])}")
    if _integrator(c):  # no leak: any positive drive fires it, sooner or later
        window = c.p.get("duration_ms")
        sweep = f"{max(float(window), 200.0):g}-ms" if isinstance(window, (int, float)) else "finite"
        takeaway = (f"The spiking neuron is a perfect integrator (no leak): any positive drive makes it fire, so its "
                    f"rheobase is 0, and in the {sweep} f-I sweep it stayed silent below a drive of {fmt(first)} only "
                    f"because its first spike would have come after the sweep ended; it fires faster the stronger "
                    f"the drive, {fit}")
        spiking = f"integrator: rheobase 0 (no leak); first spike within the {sweep} sweep from drive {fmt(first)}; {rmse}"
    elif math.isfinite(first) and math.isfinite(rheo) and first < rheo:  # onset spikes come before sustained firing
        takeaway = (f"The spiking neuron fires a first spike from a drive of {fmt(first)} but fires repetitively only "
                    f"from {fmt(rheo)} (its rheobase), and faster the stronger the drive, {fit}")
        spiking = f"threshold: first spike from drive {fmt(first)}, repetitive firing from {fmt(rheo)} (rheobase); {rmse}"
    else:
        takeaway = (f"The spiking neuron stays silent below a drive of {fmt(rheo)} (its rheobase) and fires faster the "
                    f"stronger the drive, {fit}")
        spiking = f"threshold: silent below drive {fmt(rheo)} (rheobase); {rmse}"
    artificial = f"{own} (programmable); RMSE of {own} vs the spiking f-I curve {fmt(own_rmse)} activation units"
    figures = {"rheobase_drive": rheo, "first_spike_drive": first, **{f"fit_rmse_{k}": x for k, x in fits.items()},
               "artificial_fit_rmse": own_rmse}
    return _Cells(takeaway, spiking, artificial, figures)


def _integrator(c: _Ctx) -> bool:
    """The output population's neuron (its own, else the backend's default) has no leak: its rheobase is 0."""
    try:
        neuron = spiking_models(c.circuit, c.p)[c.out][0]
    except Exception:  # an unknown model in an old report: no claim about the default
        return False
    return _no_leak(neuron)


def _no_leak(neuron: Any) -> bool:
    """A perfect integrator: its analytic rheobase is 0 (any positive drive fires it, given time)."""
    rheobase = getattr(neuron, "rheobase_hz", None)
    return callable(rheobase) and rheobase() == 0.0


def _delay_effect(c: _Ctx) -> str:
    """What the delay variant did to the first output spike, or how to measure it."""
    variant = c.p.get("delay_variant")
    if not variant:
        return "effect of the delays not measured (compare(..., probes=['delays']) measures it)"
    shift = c.get("delay_latency_shift_ms")
    if math.isnan(shift):
        return f"with {variant}, the effect on the first output spike is not measurable (no output neuron fired in both runs)"
    if shift == 0:
        return f"with {variant}, each output neuron's first spike moved by a median 0 ms"
    return f"with {variant}, each output neuron's first spike came a median {fmt(abs(shift))} ms " \
           f"{'later' if shift > 0 else 'earlier'}"


def _wires(c: _Ctx) -> _Cells:
    synapses, entries, max_delay = c.get("synapses"), c.get("weight_entries"), c.get("max_delay_ms")
    delays = "no axonal delays" if max_delay == 0 else f"axonal delays up to {fmt(max_delay)} ms"
    effect = _delay_effect(c)
    if c.mode == "topological pass":
        ready = f"answer ready after one pass through {plural(len(c.circuit.population_names), 'layer')}"
    else:
        ready = ("no fixed point after " if _unsettled(c) else "answer after ") + \
            plural(c.get("synchronous_steps"), "synchronous step")
    takeaway = (f"Spikes travel over {plural(synapses, 'synapse')} with {delays}"
                + (f" ({effect})" if c.p.get("delay_variant") else "")
                + f"; the artificial network reads its {plural(entries, 'weight entry', 'weight entries')} from "
                  "memory with no travel time.")
    figures = {"synapses": synapses, "max_delay_ms": max_delay, "delay_shift_ms": c.get("delay_latency_shift_ms"),
               "weight_entries": entries}
    return _Cells(takeaway, f"axons: {plural(synapses, 'synapse')}, {delays}; {effect}",
                  f"{plural(entries, 'weight entry', 'weight entries')}, no delays ({ready})", figures)


def _weights(c: _Ctx) -> _Cells:
    lo, hi, bits = c.get("count_min"), c.get("count_max"), c.get("count_bits")
    mem_counts, mem_float, err = c.get("memory_counts_bytes"), c.get("memory_float32_bytes"), c.get(
        "rounding_error_relative")
    rounding = ("" if not err else f", and rounding the trained weights to whole synapse counts changed them by "
                f"{_pct(err)}%")
    takeaway = (f"A spiking connection is a whole number of synapses (here {fmt(lo)} to {fmt(hi)}), which fits in "
                f"{plural(bits, 'bit')}; the artificial network stores each weight as a 32-bit float, "
                f"{fmt(mem_float / mem_counts if mem_counts else math.nan)} times the memory ({fmt(mem_float)} "
                f"against {fmt(mem_counts)} bytes){rounding}.")
    spiking = (f"synapse counts from {fmt(lo)} to {fmt(hi)} (negative = inhibitory): {plural(bits, 'bit')} per "
               f"connection, {plural(mem_counts, 'byte')} in all; rounding error {_pct(err)}%")
    figures = {"count_min": lo, "count_max": hi, "count_bits": bits, "count_memory_bytes": mem_counts,
               "rounding_error_pct": 100 * err, "float32_memory_bytes": mem_float}
    return _Cells(takeaway, spiking, f"float32: 32 bits per weight, {plural(mem_float, 'byte')} in all", figures)


def _times(snn: float, ann: float) -> str:
    """``spiking 1,150 times the artificial``: the ratio in words, so "66,226 pJ against 57.6 pJ" is not misread."""
    if not (math.isfinite(snn) and math.isfinite(ann)) or snn <= 0 or ann <= 0:
        return "no ratio"
    if snn >= ann:
        return f"the spiking side {fmt(snn / ann)} times the artificial one"
    return f"the artificial side {fmt(ann / snn)} times the spiking one"


def _cost(c: _Ctx) -> _Cells:
    events, macs = c.get("synaptic_events_per_sample"), c.get("macs_per_sample")
    dense = c.v.get("macs_dense_per_sample", macs)
    snn, ann = c.get("energy_snn_pj"), c.get("energy_ann_pj")
    snn_mem, ann_mem = c.get("energy_snn_with_memory_pj"), c.get("energy_ann_with_memory_pj")
    over = "" if dense == macs else f" over the non-zero weights ({fmt(dense)} counting every matrix entry)"
    takeaway = (f"Per sample the spiking network delivered {plural(events, 'synaptic event')} and the artificial "
                f"network did {plural(macs, 'MAC')}; in the energy model that is {fmt(snn)} pJ against {fmt(ann)} pJ "
                f"of arithmetic ({_times(snn, ann)}), or {fmt(snn_mem)} pJ against {fmt(ann_mem)} pJ counting memory "
                f"access ({_times(snn_mem, ann_mem)}).")
    spiking = (f"{plural(events, 'synaptic event')} per sample: {fmt(snn)} pJ of additions, {fmt(snn_mem)} pJ "
               f"counting memory access (energy model: {c.energy.source})")
    artificial = f"{plural(macs, 'MAC')} per sample{over}: {fmt(ann)} pJ, {fmt(ann_mem)} pJ counting memory access"
    figures = {"synaptic_events": events, "spiking_energy_pj": snn, "spiking_energy_memory_pj": snn_mem,
               "macs": macs, "macs_dense": float(dense), "artificial_energy_pj": ann,
               "artificial_energy_memory_pj": ann_mem}
    return _Cells(takeaway, spiking, artificial, figures)


_ROWS = {"amplitude coding": _amplitude, "timing": _timing, "nonlinearity": _nonlinearity, "wires": _wires,
         "weights": _weights, "cost": _cost}


def build_table(circuit: Circuit, metrics: Mapping[str, Metric], parameters: Mapping[str, Any], *, ann: Result,
                snn: Result, output: str, energy_model: EnergyModel) -> tuple[TableRow, ...]:
    """One row per aspect of the classic table: its words, a takeaway, what each backend measured, the numbers.

    ``figures`` of each row holds its numbers under the names of :data:`FIGURE_COLUMNS`; values that were not
    measured (NaN) are left out.
    """
    ctx = _Ctx(circuit, {k: m.value for k, m in metrics.items()}, parameters, ann, snn, output, energy_model)
    rows = []
    for aspect in TABLE_ROWS:
        cells = _ROWS[aspect](ctx)
        figures = {k: float(x) for k, x in cells.figures.items() if not math.isnan(x)}
        rows.append(TableRow(aspect, *SEED_TABLE[aspect], cells.spiking, cells.artificial,
                             takeaway=cells.takeaway, figures=figures))
    return tuple(rows)
