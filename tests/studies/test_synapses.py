"""The synapse study (neurocompare.studies.synapses) on the default LIF, and the `synapses` scenario in quick mode.

Measured (Brian2 numpy, dt 0.1 ms, tau_m 20 ms, tau_syn 5 ms, seed 0): summation half-width delta 13.86 ms
(theory tau_m ln 2 = 13.86), exp_current 20.4, conductance 19.9; firing window (one spike alone peaks at 0.6 of
the threshold gap) delta 7.5 ms (theory tau_m ln 1.5 = 8.1, on a 0.5 ms grid with the peak sampled at step
starts), exp_current 14, conductance 5 (sublinear: the second spike meets a smaller driving force). Peak PSP vs
holding potential: delta and exp_current vary by < 1e-13 (relative); conductance linear to 1e-13 with fitted
reversals 4.333 (spec 13/3) and -0.9999 (spec -1); charge relative to delta at rest 1.302 (theory 13/3 / 10/3),
at threshold 1.001; exp_current 1.007 (Riemann sums of differently shaped PSPs). Inhibition (200 Poisson inputs
at 50 Hz x 0.01, 1 s): gain ratio to none delta 0.95, exp_current 0.97, conductance (shunting) 1.40; offset
shift 0.47-0.48 for all three (drive 0.5).
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest

from neurocompare.models import LIF
from neurocompare.report import REPORT_FILES
from neurocompare.scenarios import find_scenarios, run_scenario
from neurocompare.studies.synapses import effective_weight, inhibition_fi, summation_window, synapse_set

NEURON = LIF()
SYNAPSES = synapse_set(5.0)


@pytest.fixture(scope="module")
def summation():
    return summation_window(NEURON, SYNAPSES)


@pytest.fixture(scope="module")
def holding():
    return effective_weight(NEURON, SYNAPSES, levels=np.linspace(-2.0, 0.9, 16))


def test_summation_window_delta_matches_the_membrane_time_constant(summation):
    _, m = summation
    assert m["summation_halfwidth_ms.delta"].value == pytest.approx(20.0 * math.log(2), abs=0.1)
    # the pair fires while 0.6 (1 + exp(-dt/tau_m)) >= 1: dt <= tau_m ln 1.5 = 8.1 ms (0.5 ms grid, sampled peaks)
    assert 6.5 <= m["summation_window_ms.delta"].value <= 8.5
    for model in SYNAPSES:
        assert m[f"single_fires.{model}"].value == 0.0  # one spike alone is subthreshold ...
        assert math.isfinite(m[f"summation_window_ms.{model}"].value)  # ... two coincident ones fire


def test_exponential_synapses_sum_over_a_longer_window_than_delta(summation):
    data, m = summation
    assert m["summation_halfwidth_ms.exp_current"].value > m["summation_halfwidth_ms.delta"].value + 4.0
    assert m["summation_window_ms.exp_current"].value > m["summation_window_ms.delta"].value + 4.0
    assert m["summation_halfwidth_ms.conductance"].value > m["summation_halfwidth_ms.delta"].value + 4.0
    # linear synapses sum exactly; conductances sublinearly (driving force falls as v rises)
    assert m["coincident_sum_ratio.delta"].value == pytest.approx(1.0, abs=1e-9)
    assert m["coincident_sum_ratio.exp_current"].value == pytest.approx(1.0, abs=1e-9)
    assert 0.95 < m["coincident_sum_ratio.conductance"].value < 0.999
    # a peak-matched conductance pair fires over a shorter window than the current one
    assert m["summation_window_ms.conductance"].value < m["summation_window_ms.exp_current"].value
    for curve in data["curve"].values():
        assert np.all(np.diff(curve) <= 1e-9)  # summation falls with the interval


def test_delta_and_current_psps_do_not_depend_on_the_holding_potential(holding):
    data, m = holding
    for name in ("exc_delta", "inh_delta", "exc_exp_current", "inh_exp_current"):
        peak = data["peak"][name]
        assert np.ptp(peak) <= 0.01 * np.max(np.abs(peak)), name  # within 1 %
        assert math.isnan(m[f"fitted_reversal.{name}"].value)
    assert data["peak"]["exc_delta"] == pytest.approx(0.05, rel=1e-6)  # the jump is the weight
    assert m["effective_weight_at_rest.exc_exp_current"].value == pytest.approx(1.0, abs=0.02)  # the same charge


def test_conductance_psp_is_linear_in_v_with_the_spec_reversal(holding):
    data, m = holding
    e_exc, e_inh = SYNAPSES["conductance"].reversal(NEURON)
    for kind, e in (("exc", e_exc), ("inh", e_inh)):
        name = f"{kind}_conductance"
        assert m[f"psp_linearity_error.{name}"].value < 1e-3
        # fitted reversal within 5 % of the reversal's distance from rest
        assert m[f"fitted_reversal.{name}"].value == pytest.approx(e, abs=0.05 * abs(e - NEURON.v_rest))
    inh = data["peak"]["inh_conductance"]
    v = data["v_hold"]
    assert np.all(inh[v < e_inh - 0.05] > 0) and np.all(inh[v > e_inh + 0.05] < 0)  # changes sign at e_inh
    assert np.all(np.diff(data["peak"]["exc_conductance"]) < 0)  # falls towards e_exc
    # charge-matched with the current synapse at threshold; at rest more (excitatory) / less (inhibitory)
    assert m["effective_weight_at_threshold.exc_conductance"].value == pytest.approx(1.0, abs=0.02)
    assert m["effective_weight_at_rest.exc_conductance"].value == pytest.approx(e_exc / (e_exc - 1.0), abs=0.02)
    assert m["effective_weight_at_rest.inh_conductance"].value == pytest.approx(-e_inh / (1.0 - e_inh), abs=0.02)


@pytest.mark.slow
def test_shunting_inhibition_shifts_the_fi_curve_with_a_higher_gain():
    _, m = inhibition_fi(NEURON, SYNAPSES, duration_ms=1000.0)
    for model in ("delta", "exp_current"):
        assert 0.4 <= m[f"inhibition_offset_shift.{model}"].value <= 0.6  # subtractive by the mean drive 0.5
        assert 0.85 <= m[f"inhibition_gain_ratio.{model}"].value <= 1.1
    assert m["inhibition_offset_shift.conductance"].value > 0.3  # shunting shifts too ...
    assert m["shunting_gain_vs_current"].value >= 1.15  # ... with a higher gain: not divisive


@pytest.mark.slow
def test_synapses_scenario_quick_writes_its_report(tmp_path):
    assert len(Path(find_scenarios()["synapses"].path).read_text().splitlines()) <= 60
    c = run_scenario("synapses", out_dir=tmp_path, seed=0, quick=True)
    for f in REPORT_FILES:
        assert (tmp_path / f).is_file(), f
    figures = {p.stem for p in (tmp_path / "figures").glob("*.png")}
    assert {"extra_summation", "extra_effective_weight", "extra_inhibition_fi"} <= figures
    assert "synapse_summary" in {p.name for p in c.extras}
    assert c.metric("summation_window_ms.exp_current") > c.metric("summation_window_ms.delta")
    assert c.metric("fitted_reversal.exc_conductance") == pytest.approx(c.metric("spec_e_exc"), rel=0.05)
    for model in SYNAPSES:
        assert c.metric(f"compare_rate_correlation.{model}") > 0.9


def test_an_unknown_study_part_is_named_with_the_valid_ones():
    from neurocompare.errors import UnknownNameError
    from neurocompare.models import LIF
    from neurocompare.studies.synapses import synapse_set, synapse_study

    with pytest.raises(UnknownNameError, match=r"unknown part\(s\) \['bogus'\]; valid: summation, holding, inhibition"):
        synapse_study(LIF(), synapse_set(5.0), parts=("summation", "bogus"))
