"""The table as a student reads it (takeaways, units, honest rounding, plurals, glossary) and as pandas reads it."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pytest

from neurocompare import ArtificialBackend, ReferenceBackend
from neurocompare.compare import compare
from neurocompare.comparison import Comparison
from neurocompare.errors import NotConvergedWarning
from neurocompare.glossary import GLOSSARY, terms_used
from neurocompare.report import write_report
from neurocompare.report.writing import METRICS_CSV_COLUMNS, _split_key
from neurocompare.table import FIGURE_COLUMNS, fmt, plural

from ..backends.test_artificial import winner_take_all

#: Jargon the table uses; each must have a glossary entry in every report that uses it.
JARGON = ("Pearson r", "NRMSE", "ISI CV", "f-I curve", "rheobase", "RMSE", "synaptic event", "MAC", "pJ",
          "activation units", "energy model", "counting memory access", "weight entry", "float32")


@pytest.fixture(scope="module")
def report_dir(comparison, tmp_path_factory):
    return write_report(comparison, tmp_path_factory.mktemp("text") / "xor", command="pytest")


@pytest.mark.parametrize("value, text", [
    (0.9999, "0.9999"), (0.99996, "0.99996"), (0.99999999, "about 1"), (1.0, "1"), (0.0, "0"), (0.0001, "0.0001"),
    (0.00004, "4e-05"), (99.97, "99.97"), (100.0, "100"), (0.825029, "0.825"), (10.04, "10"), (2124.0, "2,124"),
    (617312.4, "617,000"), (4_100_000.0, "4.1 million"), (math.nan, "n/a"), (None, "n/a"), (-0.9999, "-0.9999"),
])
def test_numbers_are_rounded_without_lying(value, text):
    assert fmt(value) == text


def test_plural_agrees_with_the_number():
    assert plural(1, "neuron") == "1 neuron" and plural(2, "neuron") == "2 neurons"
    assert plural(1.5, "spike") == "1.5 spikes" and plural(0, "delay") == "0 delays"
    assert plural(1, "weight entry", "weight entries") == "1 weight entry"
    assert plural(6, "weight entry", "weight entries") == "6 weight entries"


def test_every_row_starts_with_a_plain_sentence_and_gives_units(comparison):
    for row in comparison.table:
        assert row.takeaway[0].isupper() and row.takeaway.endswith(".") and row.takeaway.count(". ") == 0, row
        assert row.figures and set(row.figures) <= set(FIGURE_COLUMNS), row.aspect
        for cell in (row.takeaway, row.measured_spiking, row.measured_artificial):
            assert "(s)" not in cell and not re.search(r"\b1 (neurons|steps|layers|synapses|samples)\b", cell)
            assert "up to 0 ms" not in cell and "e+0" not in cell, cell
    rows = {r.aspect: r for r in comparison.table}
    assert "ms" in rows["timing"].measured_spiking and "Hz" in rows["amplitude coding"].measured_spiking
    assert "bytes" in rows["weights"].measured_spiking and "pJ" in rows["cost"].measured_artificial
    assert "no axonal delays" in rows["wires"].measured_spiking  # the XOR circuit has none
    assert "later" in rows["wires"].takeaway or "earlier" in rows["wires"].takeaway or "not move" in rows[
        "wires"].takeaway


def test_feedforward_artificial_side_is_computed_layer_by_layer(comparison):
    timing = {r.aspect: r for r in comparison.table}["timing"]
    assert "one pass, layer by layer: 2 layers computed once each, in order (3 neurons, one value each)" \
        in timing.measured_artificial
    assert "update" not in timing.measured_artificial and "no clock" in timing.takeaway
    assert timing.figures["artificial_layers"] == 2 and timing.figures["first_output_spike_ms"] == \
        comparison.metric("first_spike_latency_ms")


def test_recurrent_artificial_side_updates_every_neuron_each_step():
    spiking = ReferenceBackend(duration_ms=100.0, encoding="regular")
    x = np.array([[1.0, 0.9, 0.8, 0.7, 0.6], [1.0, 0.0, 0.0, 0.0, 0.0]])
    with pytest.warns(NotConvergedWarning):
        c = compare(winner_take_all(), x, spiking=spiking, artificial=ArtificialBackend(steps=50), seed=0)
    timing = {r.aspect: r for r in c.table}["timing"]
    assert timing.measured_artificial.startswith("50 synchronous steps: all 5 neurons update together at every step")
    assert "oscillates with period 2 on 50% of samples" in timing.measured_artificial
    assert "layer" not in timing.measured_artificial and "artificial_layers" not in timing.figures


def test_glossary_defines_every_term_the_table_uses(comparison, report_dir):
    text = "\n".join(cell for r in comparison.table for cell in r.cells())
    used = dict(terms_used(text))
    for word in JARGON:
        if re.search(rf"(?<![\w-]){re.escape(word)}", text):
            assert any(t.used_in(word) for t in GLOSSARY if t.term in used), word
    html, md = (report_dir / "report.html").read_text(), (report_dir / "report.md").read_text()
    assert html.index("<table") < html.index("<h2>Glossary</h2>") < html.index("<h2>Figures</h2>")
    for term, definition in used.items():
        assert f"<dt>{term}</dt>" in html.replace("&#x27;", "'"), term
        assert f"- **{term}**: {definition}" in md


def test_first_output_spike_comes_no_later_than_the_settled_answer_on_argmax_readouts(comparison):
    # digits' old table said "first output spike at 4.2 ms" but "answer settles after 3 ms"
    first = comparison.snn.spikes[comparison.output].first_spike_ms()
    settle = comparison.curves["settle_ms"]
    per_sample = np.where(np.all(np.isnan(first), axis=1), np.nan, np.nanmin(np.where(np.isnan(first), np.inf,
                                                                                      first), axis=1))
    assert comparison.metric("first_spike_latency_ms") == np.nanmedian(per_sample)
    needs_spike = comparison.ann[comparison.output].ravel() > comparison.threshold
    assert np.all(per_sample[needs_spike] <= settle[needs_spike])


def test_metrics_csv_is_tidy_for_pandas(comparison, report_dir):
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(report_dir / "metrics.csv")
    assert tuple(df.columns) == METRICS_CSV_COLUMNS
    assert df["value"].dtype == np.float64 and len(df) == len(comparison.metrics)
    assert not df.duplicated(["metric", "population", "qualifier"]).any()
    assert set(df["scenario"]) == {comparison.name}
    corr = df[df["metric"] == "rate_correlation"].set_index("population")["value"]
    assert corr.to_dict() == pytest.approx({p: comparison.metric(f"rate_correlation.{p}") for p in ("hidden", "out")})
    fits = df[df["metric"] == "transfer_fit_rmse"]
    assert set(fits["qualifier"]) == {"relu", "sigmoid", "tanh", "own"} and fits["population"].isna().all()
    agreement = df[df["metric"] == "output_agreement"].iloc[0]
    assert math.isnan(agreement["population"]) and agreement["unit"] == "fraction"
    assert not df["description"].str.endswith("]").any()
    doc = json.loads((report_dir / "metrics.json").read_text())
    assert df["value"].isna().sum() == sum(m["value"] is None for m in doc["metrics"].values())


def test_table_csv_has_the_numbers_in_their_own_columns(comparison, report_dir):
    pd = pytest.importorskip("pandas")
    df = pd.read_csv(report_dir / "table.csv")
    assert list(df.columns[:6]) == ["aspect", "takeaway", "real_neuron", "artificial_neuron", "measured_spiking",
                                    "measured_artificial"]
    assert list(df.columns[6:]) == list(FIGURE_COLUMNS)
    assert all(df[c].dtype == np.float64 for c in FIGURE_COLUMNS)
    row = df.set_index("aspect")
    assert row.loc["cost", "macs"] == comparison.metric("macs_per_sample") == 6
    assert row.loc["timing", "answer_matches_from_ms"] == comparison.metric("time_to_agreement_ms")
    assert math.isnan(row.loc["cost", "first_output_spike_ms"])  # each row fills only its own numbers
    doc = json.loads((report_dir / "metrics.json").read_text())
    flat = pd.json_normalize(doc["table"])  # the table in metrics.json: flat text and numbers
    assert flat.loc[5, "figures.macs"] == 6 and flat.loc[0, "takeaway"] == comparison.table[0].takeaway


@pytest.mark.parametrize("key, unit, expected", [
    ("rate_correlation.hidden", "1", ("rate_correlation", "hidden", None)),
    ("transfer_fit_rmse.relu", "activation units", ("transfer_fit_rmse", None, "relu")),
    ("snn_accuracy.analog.rate", "fraction", ("snn_accuracy", None, "analog.rate")),
    ("budget.time_step_pp", "pp", ("budget", None, "time_step")),
    ("preferred_input.family_home.spiking", "index", ("preferred_input", None, "family_home.spiking")),
    ("xor_agreement_poisson", "fraction", ("xor_agreement_poisson", None, None)),
])
def test_metric_keys_split_into_metric_population_and_qualifier(key, unit, expected):
    assert _split_key(key, ("x", "hidden", "out"), unit) == expected


def test_reports_saved_before_takeaways_still_render(comparison, tmp_path):
    meta, arrays = comparison.to_state()
    meta = json.loads(json.dumps(meta))
    for row in meta["table"]:
        del row["takeaway"], row["figures"]
    old = Comparison.from_state(meta, arrays)
    assert all(r.takeaway == "" and not r.figures for r in old.table)
    out = write_report(old, tmp_path / "old")
    assert "| aspect | in one sentence |" in (out / "table.md").read_text()
