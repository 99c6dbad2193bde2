"""The metric registry: every metric has a row and a direction; registration is checked; a registered
metric is computed, in registration order, on duck-typed comparison data."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from neurocompare import Result
from neurocompare.errors import ParameterError, UnknownNameError
from neurocompare.metrics import (
    DIRECTIONS,
    HOROWITZ_45NM,
    METRICS,
    TABLE_ROWS,
    MetricSpec,
    compute_metrics,
    dense_macs,
    energy_pj,
    memory_bytes,
    register_metric,
    synaptic_events,
    unregister_metric,
)

from .conftest import tiny_circuit, trains


def test_unknown_metric_lists_valid_names():
    with pytest.raises(UnknownNameError, match="valid: spikes_per_neuron, rate_correlation"):
        compute_metrics(object(), ["nope"])
    assert len(METRICS) >= 25
    assert all(s.row in ("amplitude coding", "timing", "nonlinearity", "wires", "weights", "cost")
               for s in METRICS.values())


def test_every_metric_has_a_row_and_a_direction_and_rows_come_in_table_order():
    assert set(DIRECTIONS) == {"higher", "lower", "zero", None}
    for spec in METRICS.values():
        assert spec.row in TABLE_ROWS, spec.name
        assert spec.direction in DIRECTIONS, spec.name
        assert spec.unit and spec.description and "." not in spec.name
    order = [TABLE_ROWS.index(s.row) for s in METRICS.values()]
    assert order == sorted(order)  # the row modules register in table order
    assert {s.row for s in METRICS.values()} == set(TABLE_ROWS)  # every row is measured


def test_metrics_is_read_only():
    with pytest.raises(TypeError):
        METRICS["x"] = METRICS["isi_cv"]  # type: ignore[index]


def _spec(name="test_only_metric", row="cost", direction="higher", **kw):
    return MetricSpec(name, row, "1", "a metric registered by a test", lambda d: 42.0, direction=direction, **kw)


def test_register_metric_rejects_duplicates_unknown_rows_and_directions_and_bad_names():
    with pytest.raises(ParameterError, match="'isi_cv' is already registered .*unregister_metric"):
        register_metric(_spec("isi_cv", row="timing"))
    with pytest.raises(UnknownNameError, match="unknown table row 'colour'; valid: amplitude coding, timing"):
        register_metric(_spec(row="colour"))
    with pytest.raises(UnknownNameError, match="unknown direction 'up'; valid: 'higher', 'lower', 'zero', None"):
        register_metric(_spec(direction="up"))
    with pytest.raises(ParameterError, match="without '.'"):
        register_metric(_spec("rate.h"))
    with pytest.raises(ParameterError, match="must be a MetricSpec"):
        register_metric("isi_cv")  # type: ignore[arg-type]
    with pytest.raises(UnknownNameError, match="unregister_metric: unknown metric 'nope'"):
        unregister_metric("nope")
    assert "test_only_metric" not in METRICS and "rate" not in METRICS


def test_direction_is_required():
    with pytest.raises(TypeError, match="direction"):
        MetricSpec("x", "cost", "1", "no direction", lambda d: 0.0)  # type: ignore[call-arg]


def _data():
    """Every attribute of compare.MetricData, built by hand on the tiny circuit (2 samples)."""
    c = tiny_circuit()
    spikes = {
        "x": trains("x", 2, 2, [(0, 0, 1.0), (1, 1, 2.0)]),
        "h": trains("h", 2, 2, [(0, 0, 2.0), (0, 0, 4.0), (0, 0, 6.0), (0, 0, 8.0), (1, 1, 5.0)]),
        "o": trains("o", 2, 1, [(0, 0, 7.0), (1, 0, 3.0), (1, 0, 9.0)]),
    }
    snn = Result("spiking", "tiny", 2, {"x": [[1, 0], [0, 1]], "h": [[0.4, 0.0], [0.0, 0.1]], "o": [[0.1], [0.2]]},
                 spikes=spikes)
    ann = Result("artificial", "tiny", 2, {"x": [[1, 0], [0, 1]], "h": [[0.8, 0.0], [0.0, 0.2]], "o": [[0.1], [0.3]]})
    events, macs = synaptic_events(c, snn), dense_macs(c)
    return SimpleNamespace(
        circuit=c, ann=ann, snn=snn, output="o", readout="argmax", threshold=0.5, ann_steps=2,
        time_to_agreement_ms=5.0, activity={"neurons_per_active_step": 1.0, "update_fraction": 0.01},
        transfer_rmse={"relu": 0.1, "sigmoid": 0.2, "tanh": 0.3, "own": 0.05}, rheobase_drive=0.2,
        first_spike_drive=0.15, transfer_drive_max=2.0,
        delay_shift_ms=0.0, memory=memory_bytes(c), rounding_relative=0.0, events=events, macs=macs,
        energy=energy_pj(HOROWITZ_45NM, events=float(np.mean(events)), macs=macs),
        energy_mem=energy_pj(HOROWITZ_45NM, events=float(np.mean(events)), macs=macs, neuron_updates=30,
                             weight_reads=True),
    )


def test_every_registered_metric_computes_on_metric_data_with_hand_checked_values():
    m = compute_metrics(_data())
    expected = []
    for spec in METRICS.values():
        suffixes = ("h", "o") if spec.name != "transfer_fit_rmse" else ("relu", "sigmoid", "tanh", "own")
        expected += [f"{spec.name}.{s}" for s in suffixes] if spec.per_population else [spec.name]
    assert list(m) == expected
    assert m["spikes_per_neuron.h"].value == 5 / 4 and m["output_agreement"].value == 1.0
    assert m["rate_correlation.h"].value == pytest.approx(1.0) and m["first_spike_latency_ms"].value == 5.0
    assert m["isi_cv"].value == 0.0 and m["synchronous_steps"].value == 2.0
    assert (m["count_min"].value, m["count_max"].value, m["count_bits"].value) == (-4.0, 5.0, 4.0)
    assert m["synaptic_events_per_sample"].value == pytest.approx((5 + 1 + 4 * 5 + 4) / 2)
    assert m["transfer_fit_rmse.own"].description.endswith("[own]")


@pytest.fixture
def registered():
    """A metric registered for one test, and removed again."""
    spec = register_metric(_spec())
    yield spec
    unregister_metric(spec.name)
    assert spec.name not in METRICS


def test_a_registered_metric_appears_in_compute_metrics_output(registered):
    assert list(METRICS)[-1] == "test_only_metric" and METRICS["test_only_metric"].direction == "higher"
    m = compute_metrics(_data())
    assert list(m)[-1] == "test_only_metric"
    assert m["test_only_metric"].to_dict() == {"value": 42.0, "unit": "1",
                                               "description": "a metric registered by a test"}
    assert compute_metrics(object(), ["test_only_metric"])["test_only_metric"].value == 42.0
