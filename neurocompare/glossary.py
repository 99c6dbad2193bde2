"""The glossary of the real-vs-artificial table: every term the table uses, in plain words.

:data:`GLOSSARY` is the one home of the definitions; :func:`terms_used` picks the entries whose term
(or one of its other spellings) occurs in a text, so a report defines exactly the terms its table uses.

>>> [term for term, _ in terms_used("Pearson r 0.99; 6 MACs per sample")]
['sample', 'Pearson r', 'MAC (multiply-accumulate)']
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

__all__ = ["Term", "GLOSSARY", "terms_used"]


@dataclass(frozen=True)
class Term:
    """One glossary entry: the term, its definition and the spellings that count as using it."""

    term: str
    definition: str
    spellings: tuple[str, ...] = ()

    def used_in(self, text: str) -> bool:
        """True if the term or one of its spellings occurs in ``text`` as whole words (any case)."""
        return any(re.search(rf"(?<![\w-]){re.escape(s)}(?![\w-])", text, re.IGNORECASE)
                   for s in (self.term, *self.spellings))


#: Every term of the table, in reading order (the rows' order).
GLOSSARY: tuple[Term, ...] = (
    Term("asynchronous", "Each spiking neuron acts when its own membrane reaches threshold, at any time step, not on "
                         "a shared beat."),
    Term("synchronous", "Every artificial neuron computes its value on a shared beat (a step or a layer pass), "
                        "whether or not its input changed."),
    Term("spike", "A brief electrical pulse a spiking neuron sends when its membrane potential reaches the "
                  "threshold; it carries no size, only a time.", ("spikes", "pulse", "pulses")),
    Term("sample", "One input presented to both networks (one row of the inputs, e.g. one image).", ("samples",)),
    Term("Hz", "Hertz: events per second."),
    Term("firing rate", "Spikes per second (Hz) of one neuron over the run.", ("firing rates", "rate", "rates")),
    Term("decoded rate", "A spiking neuron's firing rate divided by the rate scale (the rate that stands for the "
                         "value 1), so it can be compared with an artificial neuron's value."),
    Term("Pearson r", "Correlation between the decoded rates and the artificial values over all neurons and "
                      "samples: 1 means perfectly proportional, 0 no linear relation. Shown with enough digits "
                      "that a value below 1 never reads as 1."),
    Term("NRMSE", "Normalised root-mean-square error: the typical difference between decoded rate and artificial "
                  "value, divided by the range of the artificial values; 0 means identical."),
    Term("answer", "What a network's output says: the most active output neuron (argmax) or which outputs are on "
                   "(threshold); a tie for the top is no answer. Both networks' answers are read the same way.",
         ("same answer",)),
    Term("first output spike", "Per sample, the time of the earliest spike of any output neuron; the table gives "
                               "the median over the samples whose output fired. It comes at or before the time "
                               "the answer matches, whenever the answer needs a spike."),
    Term("answer matched the artificial one from", "Per sample, the first time t from which the answer decoded from "
                                               "the spikes in [0, t] equals the artificial network's answer and "
                                               "stays so to the end; checked on a grid of at most 100 times. The "
                                               "table gives the median over samples (a sample that never matches "
                                               "counts as the whole run).", ("never matched the artificial one",)),
    Term("ISI CV", "Coefficient of variation of the inter-spike intervals (ISI: the time between two spikes of one "
                   "neuron): their standard deviation divided by their mean. 0 for clockwork firing, about 1 for "
                   "random (Poisson) firing."),
    Term("time step", "The spiking simulation's clock tick (dt, 0.1 ms by default); spikes fall on these ticks.",
         ("time steps", "neuron-time-steps")),
    Term("synchronous step", "One update of the artificial network in which every neuron computes its new value "
                             "from the previous values of the others, all at once.", ("synchronous steps",)),
    Term("layer", "A population of neurons that receives from the layers before it; a feed-forward network is "
                  "computed layer by layer, each layer once.", ("layers",)),
    Term("fixed point", "A state the synchronous updates no longer change; a recurrent network that never reaches "
                        "one oscillates (repeats a cycle of states) or keeps moving, and its last value is no "
                        "answer.", ("oscillates", "period")),
    Term("drive", "The weighted input of a neuron, W x + b, in activation units: what both kinds of neuron "
                  "receive."),
    Term("activation units", "The common scale of both networks: 1 is the value 1 of an artificial neuron and "
                             "the rate scale (e.g. 100 Hz) of a spiking one."),
    Term("f-I curve", "Firing rate against constant input drive of a spiking neuron, measured in a separate sweep: "
                      "its input-output function."),
    Term("threshold", "The membrane potential at which a spiking neuron fires; its output is all or nothing."),
    Term("programmable", "The artificial neuron's activation is whatever function the program applies to its "
                         "drive."),
    Term("rheobase", "The smallest drive at which the spiking neuron fires at all; below it the neuron is silent."),
    Term("RMSE", "Root-mean-square error: the typical difference between two curves, in their unit."),
    Term("relu", "Rectified linear unit, max(0, x): the activation a spiking neuron with reset by subtraction "
                 "approximates."),
    Term("sigmoid", "The logistic function 1 / (1 + exp(-x)), an S-shaped activation between 0 and 1."),
    Term("tanh", "Hyperbolic tangent, an S-shaped activation between -1 and 1."),
    Term("identity", "The activation f(x) = x: the neuron passes its drive on unchanged (a linear neuron)."),
    Term("step (activation)", "The activation f(x) = 1 if x > 0 else 0: on or off.", ("step (programmable)",
                                                                                     "step vs")),
    Term("synapse", "A connection point from one neuron's axon to another neuron; here each synapse adds one fixed "
                    "unit to the membrane, so the weight between two cells is their number of synapses.",
         ("synapses",)),
    Term("synapse count", "The whole number of synapses from one neuron to another: positive excitatory, negative "
                          "inhibitory.", ("synapse counts",)),
    Term("inhibitory", "A synapse that pushes the membrane away from threshold (a negative count); excitatory "
                       "ones push it towards threshold.", ("excitatory",)),
    Term("axonal delay", "The travel time of a spike along the axon before it reaches its synapses.",
         ("axonal delays", "delays", "delay")),
    Term("weight entry", "One number of an artificial weight matrix (zeros included).", ("weight entries",)),
    Term("bits per connection", "Memory needed to store one connection's value: the signed synapse count, or a "
                                "32-bit float."),
    Term("float32", "A 32-bit floating-point number, the usual storage for an artificial weight.", ("32-bit float",)),
    Term("rounding error", "How much rounding float weights to whole synapse counts changed them: ||n u - w|| / "
                           "||w|| (0 when the counts were given as whole numbers)."),
    Term("synaptic event", "One spike arriving at one synapse, costing one addition to the membrane; a spike "
                           "through a neuron's 10 outgoing synapses is 10 events.", ("synaptic events",)),
    Term("MAC (multiply-accumulate)", "One weight times one input, added to a sum: the operation of an artificial "
                                      "neuron.", ("MAC", "MACs", "multiply-accumulates")),
    Term("pJ", "Picojoule, 10^-12 joule."),
    Term("energy model", "Energy estimated from operation counts times per-operation constants (Horowitz, ISSCC "
                         "2014, 45 nm: float add 0.9 pJ, float MAC 4.6 pJ, SRAM read 5 pJ); a model, not a "
                         "measurement."),
    Term("counting memory access", "The energy model plus reading each weight from memory (SRAM) for every event "
                                   "or MAC, and for the spiking side reading and writing every membrane potential "
                                   "every time step."),
)


def terms_used(texts: str | Iterable[str]) -> list[tuple[str, str]]:
    """(term, definition) for every :data:`GLOSSARY` entry used in ``texts``, in glossary order.

    Parameters
    ----------
    texts : str or iterable of str
        The text to scan, e.g. every cell of the table.

    Returns
    -------
    list of (str, str)
    """
    text = texts if isinstance(texts, str) else "\n".join(texts)
    return [(t.term, t.definition) for t in GLOSSARY if t.used_in(text)]
