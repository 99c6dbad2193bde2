"""Is this a picture of a 3? A trained ANN against its spiking twin whose weights are integer synapse counts.

A 64-32-10 ReLU network is trained on scikit-learn's bundled 8x8 digits (seeded split), converted
to synapse counts (data-based normalisation at the 99.9th percentile, 5-bit counts, non-leaky
integrate-and-fire neurons with reset by subtraction) and the whole test set runs through both
backends, the spiking one in a single batched Brian2 run. The report gives both accuracies,
accuracy over simulated time for each input coding, confusion matrices, cost, the training
history, and an error budget that attributes the accuracy gap to its causes. Per neuron model it
runs two twins: the ReLU network's counts on that model, and a network trained on the model's own
measured activation (neurocompare.studies.twins), with the activations it was trained on.
"""

from contextlib import ExitStack

import numpy as np

from neurocompare import SpikingBackend
from neurocompare.compare import compare
from neurocompare.convert import convert_trained
from neurocompare.studies import (DIGITS_MODELS, ModelRuns, coding_study, confusion_panels, error_budget, image_count,
                                  measure_model_study, model_dt, model_parts, model_study_results, sample_images_panel,
                                  training_panels, with_models)
from neurocompare.metrics import readout
from neurocompare.parallel import Background
from neurocompare.scenarios import run_script
from neurocompare.tracking import log_training
from neurocompare.training import train_mlp


QUICK = {"epochs": 8, "test_images": 48, "budget_duration_ms": 100.0, "models": ("if", "lif", "izhikevich:RS"),
         "fast_dt": True, "twin_epochs": 20}


def build_circuit(*, seed=0, bits=5, epochs=50):
    return convert_trained(train_mlp(seed=seed, epochs=epochs), bits=bits).circuit


def run(*, seed=0, progress=None, bits=5, duration_ms=100.0, encoding="regular", rate_scale_hz=1000.0, epochs=50,
        test_images=0, budget=True, budget_duration_ms=300.0, budget_times_ms=(10.0,), models=DIGITS_MODELS,
        neuron="", synapse="", mlflow="", fast_dt=False, twin_epochs=0):
    """``test_images=0``: the whole test set; ``budget_duration_ms``: the ideal run of the error budget, read out at
    ``budget_times_ms`` and duration_ms; ``models``: the per-model accuracy study; ``neuron``, ``synapse``: another
    neuron / synapse model for the spiking network (e.g. "lif", "exp_current"); ``fast_dt``: the model's study step;
    ``twin_epochs``: train the model twins (study and budget) that many epochs instead of their design's (0)."""
    n_test = image_count("digits", "test_images", test_images)
    trained = train_mlp(seed=seed, epochs=epochs)
    conv = convert_trained(trained, bits=bits)
    n = n_test or len(trained.y_test)
    x, y = trained.x_test[:n], trained.y_test[:n]
    ann_acc = trained.accuracy(x, y)
    times = np.arange(1.0, duration_ms + 0.5, 1.0)
    spiking = SpikingBackend(duration_ms=duration_ms, dt_ms=model_dt(neuron, fast=fast_dt), encoding=encoding,
                             rate_scale_hz=rate_scale_hz, synapse_mode="aggregate")  # one synapse of n x unit per pair
    study_options = dict(backend=spiking, seed=seed, times_ms=times, data=trained.split(), bits=bits,
                         twin_epochs=twin_epochs)
    fine, coarse = model_parts(models, spiking.dt_ms)
    with ExitStack() as stack:  # the fine-step models' study on a spare core (neurocompare.parallel); the rest here
        study = stack.enter_context(Background(measure_model_study, conv.circuit, x, y, models=fine,
                                               **study_options)) if fine else None
        circuit = with_models(conv.circuit, neuron=neuron, synapse=synapse)
        weights = {p.name: w for p, w in zip(circuit.projections, conv.normalized_weights)}
        c = compare(circuit, x, spiking=spiking, seed=seed, labels=y,  # ann_accuracy, snn_accuracy: tie = wrong
                    probes=("fi", "delays"), name="digits", readout="argmax", voltage_neurons=10,
                    float_weights=weights, progress=progress)
        snn_pred = readout(c.snn["out"], mode="argmax")
        metrics, acc_panel, _ = coding_study(c.circuit, x, y, ann_acc, backend=spiking, seed=seed, times_ms=times,
                                             codings=("analog", "regular", "poisson"), runs={encoding: c.snn})
        metrics["snn_time_to_within_1pp_ms"] = metrics[f"time_to_within_1pp_ms.{encoding}.rate"]
        panels = [acc_panel, *confusion_panels(y, {"ANN": trained.predict(x), "SNN": snn_pred}),
                  sample_images_panel(x, y, trained.predict(x), snn_pred), *training_panels(trained)]
        if budget:
            _, budget_metrics, budget_panels = error_budget(
                trained, actual=spiking, actual_bits=bits, actual_circuit=c.circuit, actual_result=c.snn, seed=seed,
                x=x, y=y, ideal_duration_ms=budget_duration_ms, times_ms=(*budget_times_ms, duration_ms),
                twin_epochs=twin_epochs)
        if models:
            runs = measure_model_study(conv.circuit, x, y, models=coarse, **study_options) if coarse else ModelRuns()
            runs = (study.result() | runs) if study is not None else runs
            model_metrics, model_panels = model_study_results(runs, ann_accuracy=ann_acc, times_ms=times,
                                                              backend=spiking, n_test=len(y), bits=bits, models=models)
            metrics, panels = metrics | model_metrics, panels + model_panels
        if budget:
            metrics, panels = metrics | budget_metrics, panels + budget_panels
    if mlflow:  # parameters, per-epoch metrics, the weight/bias plots and accuracy over time
        log_training(trained, [acc_panel, *training_panels(trained)], tracking_uri=mlflow,
                     metrics={k: m.value for k, m in metrics.items() if np.isfinite(m.value)})
    return c.with_extras(metrics=metrics, panels=panels)


if __name__ == "__main__":
    run_script()
