"""Experiment tracking: a trained network's parameters, per-epoch metrics and figures in MLflow.

One job: logging to an MLflow tracking store (:func:`log_to_mlflow`; :func:`log_training` renders
figure panels first). Training lives in :mod:`neurocompare.training`, the data in
:mod:`neurocompare.datasets`.

Optional dependency: ``pip install "neurocompare[mlflow]"`` (mlflow-skinny, plus sqlalchemy and alembic
for the default sqlite store).
"""

from __future__ import annotations

import contextlib
import importlib.util
import logging
import os
import tempfile
import time
import warnings
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

import numpy as np

from .errors import BackendError, ParameterError
from .training import TrainedNetwork

__all__ = ["log_to_mlflow", "log_training", "log_learning", "DEFAULT_TRACKING_URI"]

log = logging.getLogger(__name__)

#: Where :func:`log_to_mlflow` writes when no tracking URI is given (relative to the working folder).
DEFAULT_TRACKING_URI = "sqlite:///mlflow.db"


def _import_mlflow() -> Any:
    try:
        import mlflow
    except ImportError as exc:
        raise BackendError(
            "log_to_mlflow needs MLflow, which is not installed: "
            "pip install \"neurocompare[mlflow]\" (mlflow-skinny, plus sqlalchemy and alembic for the "
            f"sqlite store) ({exc})."
        ) from exc
    return mlflow


def log_to_mlflow(
    trained: TrainedNetwork,
    *,
    tracking_uri: str | None = None,
    experiment: str = "neurocompare",
    run_name: str | None = None,
    figures: Iterable[str | os.PathLike] | None = None,
    extra_params: Mapping[str, Any] | None = None,
    extra_metrics: Mapping[str, float] | None = None,
    artifact_location: str | None = None,
) -> str:
    """Log a trained network to an MLflow tracking store; return the run id.

    Logged: the hyper-parameters and seed as parameters; ``loss``, ``train_accuracy`` and
    ``test_accuracy`` of every epoch as metrics with ``step = epoch``; ``extra_metrics`` (e.g.
    spiking accuracy) once; every file in ``figures`` as an artifact.

    Parameters
    ----------
    trained : TrainedNetwork
    tracking_uri : str, optional
        MLflow tracking URI. Default :data:`DEFAULT_TRACKING_URI`, a sqlite file ``mlflow.db`` in
        the current folder (artifacts then go to MLflow's default ``./mlruns``).
    experiment : str
        Experiment name, created if missing.
    run_name : str, optional
    figures : iterable of paths, optional
        Existing files (PNG, PDF...) to store with the run.
    extra_params, extra_metrics : mapping, optional
    artifact_location : str, optional
        Where a *new* experiment keeps its artifacts. Default for a sqlite store: the folder
        ``mlartifacts`` beside the database file; otherwise MLflow's default.

    Raises
    ------
    BackendError
        MLflow is not installed (``pip install "neurocompare[mlflow]"``) or the store fails.
    ParameterError
        A figure file does not exist, or ``trained`` is not a TrainedNetwork.
    """
    owner = "log_to_mlflow"
    paths = _check_log_args(owner, trained, experiment, figures)
    uri = DEFAULT_TRACKING_URI if tracking_uri is None else str(tracking_uri)
    params: dict[str, Any] = {"seed": trained.seed, **trained.hyperparameters, **(extra_params or {})}
    params = {k: (",".join(map(str, v)) if isinstance(v, (tuple, list)) else v) for k, v in params.items()}
    run_id = _store(owner, uri, experiment, run_name, artifact_location, params, trained.history, extra_metrics or {},
                    paths)
    log.info("logged run %s to %s (experiment %r)", run_id, uri, experiment)
    return run_id


def _store(owner: str, uri: str, experiment: str, run_name: str | None, artifact_location: str | None,
           params: Mapping[str, Any], hist: Any, metrics: Mapping[str, float], paths: Sequence[Path]) -> str:
    """One MLflow run with everything :func:`_log_run` logs; a failing store marks the run FAILED and raises a
    BackendError naming the store."""
    # MLflow and its sqlalchemy store raise deprecation warnings of their own; they are not ours.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", FutureWarning)
        mlflow = _import_mlflow()
        _require_store_modules(owner, uri)
        run_id = None
        try:
            client = mlflow.tracking.MlflowClient(tracking_uri=uri)
            exp_id = _experiment_id(client, experiment, uri, artifact_location)
            run_id = client.create_run(exp_id, run_name=run_name).info.run_id
            _log_run(client, run_id, params, hist, metrics, paths)
            client.set_terminated(run_id)
        except Exception as exc:
            if run_id is not None:
                with contextlib.suppress(Exception):
                    client.set_terminated(run_id, status="FAILED")
            raise BackendError(f"{owner}: MLflow store {uri!r} failed: {type(exc).__name__}: {exc}") from exc
    return run_id


def _check_log_args(owner: str, trained: Any, experiment: Any, figures: Any) -> list[Path]:
    """The figure paths, after checking that ``trained``, ``experiment`` and every figure file are usable."""
    if not isinstance(trained, TrainedNetwork):
        raise ParameterError(f"{owner}: trained must be a TrainedNetwork; got {type(trained).__name__}.")
    if not isinstance(experiment, str) or not experiment:
        raise ParameterError(f"{owner}: experiment must be a non-empty name; got {experiment!r}.")
    paths = [Path(f) for f in (figures or ())]
    missing = [str(p) for p in paths if not p.is_file()]
    if missing:
        raise ParameterError(f"{owner}: figure file(s) not found: {', '.join(missing)}; write them first.")
    return paths


def _require_store_modules(owner: str, uri: str) -> None:
    """A sqlite store needs sqlalchemy and alembic, which mlflow-skinny does not install."""
    if uri.startswith("sqlite:"):
        missing = [m for m in ("sqlalchemy", "alembic") if importlib.util.find_spec(m) is None]
        if missing:
            raise BackendError(
                f"{owner}: the sqlite tracking store {uri!r} needs {' and '.join(missing)}, which "
                "mlflow-skinny does not install: pip install \"neurocompare[mlflow]\"."
            )


def _experiment_id(client: Any, experiment: str, uri: str, artifact_location: str | None) -> str:
    """The id of ``experiment``, created if missing (a sqlite store's artifacts go beside its database)."""
    exp = client.get_experiment_by_name(experiment)
    if exp is not None:
        return exp.experiment_id
    location = artifact_location
    if location is None and uri.startswith("sqlite:///"):
        # Keep a sqlite store's artifacts beside its database file, not in ./mlruns.
        location = str(Path(uri[len("sqlite:///"):]).resolve().parent / "mlartifacts")
    return client.create_experiment(experiment, artifact_location=location)


def _log_run(client: Any, run_id: str, params: Mapping[str, Any], hist: Any,
             extra_metrics: Mapping[str, float], paths: Sequence[Path]) -> None:
    """Parameters, per-epoch metrics (``step = epoch``), extra metrics (step 0) and figure artifacts."""
    from mlflow.entities import Metric, Param

    now_ms = int(time.time() * 1000)
    client.log_batch(run_id, params=[Param(k, str(v)) for k, v in params.items()])
    metrics = []
    for i, epoch in enumerate(hist.epochs):
        for key, series in hist.metrics().items():
            metrics.append(Metric(key, float(series[i]), now_ms, int(epoch)))
    for key, value in extra_metrics.items():
        metrics.append(Metric(key, float(value), now_ms, 0))
    for start in range(0, len(metrics), 1000):  # MLflow caps a batch at 1000 metrics
        client.log_batch(run_id, metrics=metrics[start:start + 1000])
    for path in paths:
        client.log_artifact(run_id, str(path))


def log_training(
    trained: Any, panels: Sequence[Any], *, tracking_uri: str, metrics: Mapping[str, float] | None = None
) -> str:
    """Log a training run to MLflow with ``panels`` rendered as figure artifacts; returns the run id."""
    from .report import render_panels

    with tempfile.TemporaryDirectory(prefix="neurocompare-mlflow-") as tmp:
        figures = render_panels(panels, tmp)
        return log_to_mlflow(trained, tracking_uri=tracking_uri, figures=figures, extra_metrics=metrics)


class _Checkpoints:
    """A learning study's checkpoints in the shape ``_log_run`` logs: ``epochs`` (images seen) and ``metrics()``."""

    def __init__(self, study: Any) -> None:
        self.epochs = study.checkpoints
        run = study.run
        changes = np.concatenate([[0], run.synapse_changes()])
        self._series = {
            **{f"accuracy_{name}": np.nan_to_num(acc, nan=-1.0) for name, acc in study.accuracy.items()},
            "synapses": run.counts.sum(axis=(1, 2)).astype(float),
            "mean_count": run.counts.mean(axis=(1, 2)),
            "synapse_changes": changes.astype(float),
            "theta_mean": run.theta.mean(axis=1), "theta_min": run.theta.min(axis=1),
            "theta_max": run.theta.max(axis=1),
        }

    def metrics(self) -> dict[str, np.ndarray]:
        return self._series


def log_learning(study: Any, *, tracking_uri: str, experiment: str = "neurocompare-learning",
                 metrics: Mapping[str, float] | None = None, run_name: str | None = None) -> str:
    """Log a :class:`~neurocompare.studies.learning.LearningStudy` to MLflow; returns the run id.

    Logged: the network and rule as parameters (plus seed, simulator, target); per checkpoint (``step`` = training
    images seen) the accuracy of each learner (-1 before it can be asked), the number of synapses, the mean count,
    synapses formed plus removed since the last checkpoint and the thresholds (mean, min, max); ``metrics`` once;
    as artifacts the counts and thresholds of every checkpoint (``learning_checkpoints.npz``) and the study's
    figures.
    """
    from .report import render_panels

    owner = "log_learning"
    if not isinstance(experiment, str) or not experiment:
        raise ParameterError(f"{owner}: experiment must be a non-empty name; got {experiment!r}.")
    uri = str(tracking_uri)
    net, run = study.network, study.run
    flat: dict[str, Any] = {}
    for key, value in net.to_dict().items():
        if isinstance(value, dict):
            flat.update({f"{key}.{k}": v for k, v in value.items()})
        else:
            flat[key] = value
    params = {**flat, "seed": run.seed, "simulator": run.simulator, "target": run.info.get("target"),
              "images": run.info.get("images")}
    with tempfile.TemporaryDirectory(prefix="neurocompare-mlflow-") as tmp:
        figures = [Path(p) for p in render_panels(study.panels, tmp)]
        arrays = Path(tmp) / "learning_checkpoints.npz"
        np.savez_compressed(arrays, checkpoints=study.checkpoints, counts=run.counts, theta=run.theta,
                            images=run.images)
        run_id = _store(owner, uri, experiment, run_name, None, params, _Checkpoints(study), metrics or {},
                        [*figures, arrays])
    log.info("logged learning run %s to %s (experiment %r)", run_id, uri, experiment)
    return run_id
