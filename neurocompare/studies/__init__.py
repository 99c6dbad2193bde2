"""The building blocks scenarios share: each study runs backends and returns metrics and panels.

- :mod:`.common`: circuit variants, side-by-side runs, binned rates;
- :mod:`.fi`: f-I curves, membrane traces, one neuron vs several activations;
- :mod:`.gates`: truth tables and agreement over noisy trials;
- :mod:`.selectivity`: feature detectors and rank agreement;
- :mod:`.recurrent`: synchronous vs asynchronous recurrent dynamics;
- :mod:`.conversion`: a converted classifier's accuracy over time and its error budget;
- :mod:`.neuron_fi`: a neuron model's f-I profile (rheobase, onset type, adaptation, saturation);
- :mod:`.neuron_models`: every neuron model's f-I fits, onset, rheobase, adaptation, latency, reliability;
- :mod:`.synapses`: delta, current and conductance synapses (summation window, effective weight, inhibition);
- :mod:`.learning`: learning on synapse counts beside competitive learning and gradient descent.
"""

from .common import (binned_rates, image_count, metric, model_dt, model_steps, run_side_by_side, with_activation,
                     with_delays, with_models)
from .conversion import (
    DIGITS_MODELS,
    BudgetTerm,
    accuracy_over_time,
    coding_study,
    confusion_panels,
    error_budget,
    model_study,
    measure_model_study,
    model_study_results,
    model_parts,
    ModelRuns,
    sample_images_panel,
    time_within,
    training_panels,
)
from .fi import FICurve, activation_sweep, fi_curve, fi_panel, membrane_panel
from .gates import (
    IF_NEURON,
    TRUTH,
    XOR_INPUTS,
    gate_robustness,
    linear_xor,
    trial_agreement,
    truth_table_rows,
    xor_circuit,
)
from .recurrent import recurrent_dynamics
from .selectivity import rank_correlations, selectivity, synthetic_houses

__all__ = [
    "metric", "image_count", "with_activation", "with_delays", "with_models", "model_dt", "model_steps", "run_side_by_side",
    "binned_rates",
    "FICurve", "fi_curve", "fi_panel", "membrane_panel", "activation_sweep",
    "TRUTH", "XOR_INPUTS", "IF_NEURON", "xor_circuit", "trial_agreement", "truth_table_rows", "gate_robustness", "linear_xor",
    "synthetic_houses", "selectivity", "rank_correlations", "recurrent_dynamics",
    "BudgetTerm", "accuracy_over_time", "time_within", "coding_study", "error_budget", "training_panels",
    "DIGITS_MODELS", "model_study", "measure_model_study", "model_study_results", "model_parts", "ModelRuns",
    "confusion_panels", "sample_images_panel",
]
