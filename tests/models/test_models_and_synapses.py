"""The model and synapse specs: parameters spelled out, file form, bad input, calibration, coarse-dt warning, dt
convergence. (Behaviour: test_behaviour.py; NEST: test_nest_oracle.py; Brian2 vs reference: test_crosscheck_models.py.)
"""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest

from neurocompare import Circuit, InputPopulation, NeuronPopulation, Projection, ReferenceBackend, SpikingBackend
from neurocompare.backends import calibration
from neurocompare.backends.calibration import calibrate, potential_unit, rates_at
from neurocompare.convergence import converged_dt
from neurocompare.errors import (CalibrationWarning, CircuitError, CoarseTimeStepWarning, NotConvergedWarning, ParameterError,
                                 UnknownNameError)
from neurocompare.models import (LIF, AdaptiveLIF, AdEx, DeltaSynapse, ExpConductanceSynapse, ExpCurrentSynapse,
                                 HodgkinHuxley, Izhikevich, neuron_from_name, synapse_from_dict)


# ------------------------------------------------------------------ parameters, presets, file form
def test_izhikevich_presets_are_the_papers_parameters_spelled_out():
    """Izhikevich (2003), Fig. 2: (a, b, c, d) of each preset; d = 8 for RS (not Norse's 6 or PyNN's 2)."""
    expected = {"RS": (0.02, 0.2, -65, 8), "IB": (0.02, 0.2, -55, 4), "CH": (0.02, 0.2, -50, 2),
                "FS": (0.1, 0.2, -65, 2), "LTS": (0.02, 0.25, -65, 2), "RZ": (0.1, 0.26, -65, 2)}
    for name, (a, b, c, d) in expected.items():
        spec = Izhikevich.preset(name)
        assert (spec.a_per_ms, spec.b_per_ms, spec.c_mv, spec.d_mv_per_ms) == (a, b, c, d), name
        assert spec.v_peak_mv == 30.0 and spec.v_init_mv == -65.0
    assert Izhikevich() == Izhikevich.preset("rs")  # the default is RS; preset names are case-insensitive
    assert math.isclose(Izhikevich().resting_potential(), -70.0) and math.isclose(Izhikevich().threshold_gap()[1], -50.0)


def test_adex_presets_are_naud_2008_table_1():
    tonic = AdEx.preset("tonic")
    assert (tonic.c_pf, tonic.g_l_ns, tonic.e_l_mv, tonic.v_t_mv, tonic.delta_t_mv, tonic.a_ns, tonic.tau_w_ms,
            tonic.b_pa, tonic.v_reset_mv, tonic.v_peak_mv) == (200, 10, -70, -50, 2, 2, 30, 0, -58, 0)
    adapting = AdEx.preset("adapting")
    assert (adapting.g_l_ns, adapting.tau_w_ms, adapting.b_pa) == (12, 300, 60)
    assert (AdEx.preset("initial_burst").c_pf, AdEx.preset("bursting").v_reset_mv) == (130, -46)
    assert AdEx().c_pf == 281 and AdEx().b_pa == 80.5  # Brette & Gerstner 2005


def test_hodgkin_huxley_defaults_are_the_classic_squid_axon():
    hh = HodgkinHuxley()
    assert (hh.c_uf_per_cm2, hh.g_na_ms_per_cm2, hh.g_k_ms_per_cm2, hh.g_l_ms_per_cm2) == (1, 120, 36, 0.3)
    assert (hh.e_na_mv, hh.e_k_mv, hh.e_l_mv, hh.temperature_c, hh.phi) == (50, -77, -54.387, 6.3, 1.0)
    assert hh.default_dt_ms == 0.01 and hh.max_dt_ms == 0.025


@pytest.mark.parametrize("text, expected", [
    ("lif", LIF()), ("adaptive_lif", AdaptiveLIF()), ("izhikevich:CH", Izhikevich.preset("CH")),
    ("adex:adapting", AdEx.preset("adapting")), ("hodgkin_huxley", HodgkinHuxley()),
])
def test_neuron_from_name(text, expected):
    assert neuron_from_name(text) == expected


@pytest.mark.parametrize("make, error, message", [
    (lambda: neuron_from_name("izhikevic"), UnknownNameError, "Unknown neuron model 'izhikevic'; valid: lif, "),
    (lambda: neuron_from_name("izhikevich:XY"), UnknownNameError, "Unknown izhikevich preset 'XY'; valid: RS, IB"),
    (lambda: AdEx.preset("tonik"), UnknownNameError, "valid: tonic, adapting, initial_burst, bursting"),
    (lambda: Izhikevich(a_per_ms=math.nan), ParameterError, "Izhikevich: a_per_ms must be finite; got nan"),
    (lambda: Izhikevich(d_mv_per_ms=math.inf), ParameterError, "d_mv_per_ms must be finite; got inf"),
    (lambda: Izhikevich(v_peak_mv=-70.0), ParameterError, "v_peak_mv must be above c_mv"),
    (lambda: AdEx(c_pf=0.0), ParameterError, "AdEx: c_pf must be > 0; got 0.0"),
    (lambda: AdEx(b_pa=-1.0), ParameterError, "AdEx: b_pa must be >= 0; got -1.0"),
    (lambda: AdEx(drive_unit_pa=-5.0), ParameterError, "drive_unit_pa must be > 0; got -5.0"),
    (lambda: HodgkinHuxley(g_l_ms_per_cm2=0.0), ParameterError, "g_l_ms_per_cm2 must be > 0"),
    (lambda: HodgkinHuxley(e_na_mv="50"), ParameterError, "e_na_mv"),
    (lambda: ExpCurrentSynapse(tau_syn_ms=0.0), ParameterError, "tau_syn_ms must be finite and > 0; got 0.0"),
    (lambda: ExpConductanceSynapse(e_exc=-90.0, e_inh=-80.0), ParameterError, "e_exc must be above e_inh"),
    (lambda: synapse_from_dict({"model": "alpha"}), UnknownNameError, "Unknown synapse model 'alpha'; valid: delta"),
    (lambda: synapse_from_dict({"model": "exp_current", "tau": 2}), CircuitError, "unknown synapse parameter(s) tau"),
    (lambda: NeuronPopulation("p", 2, synapse="conductance"), CircuitError, "Population 'p': synapse must be"),
])
def test_bad_specs_name_the_field_and_the_value(make, error, message):
    with pytest.raises(error, match=_literal(message)):
        make()


def _literal(text: str) -> str:
    import re
    return re.escape(text)


def test_circuit_files_store_neuron_and_synapse_models_and_version_1_files_still_load(tmp_path):
    c = Circuit("m", inputs=[InputPopulation("x", 2)], populations=[
        NeuronPopulation("h", 3, neuron=Izhikevich.preset("FS"), synapse=ExpConductanceSynapse(tau_syn_ms=3.0)),
        NeuronPopulation("o", 1, neuron=HodgkinHuxley(), synapse=ExpCurrentSynapse())],
        projections=[Projection("x", "h", np.ones((3, 2), int)), Projection("h", "o", np.ones((1, 3), int))])
    data = json.loads(c.save(tmp_path / "m.json").read_text())
    assert data["version"] == 4
    assert data["populations"][0]["synapse"] == {"model": "conductance", "tau_syn_ms": 3.0, "e_exc": None,
                                                 "e_inh": None}
    assert data["populations"][1]["neuron"]["model"] == "hodgkin_huxley"
    assert Circuit.load(tmp_path / "m.json") == c
    v1 = {"format": "neurocompare.circuit", "version": 1, "name": "old", "populations": [
        {"name": "n", "size": 1, "bias": [1.0], "neuron": {"tau_m_ms": 10.0}}]}
    (tmp_path / "old.json").write_text(json.dumps(v1))
    assert Circuit.load(tmp_path / "old.json").populations[0].neuron == LIF(tau_m_ms=10.0)
    v2 = {**v1, "version": 2, "populations": [{"name": "n", "size": 1, "synapse": {"model": "delta"}}]}
    (tmp_path / "v2.json").write_text(json.dumps(v2))
    with pytest.raises(CircuitError, match="a synapse model needs file version 4; this file says version 2"):
        Circuit.load(tmp_path / "v2.json")


def test_a_synapse_model_on_an_input_population_is_an_error(tmp_path):
    doc = {"format": "neurocompare.circuit", "version": 4, "name": "bad",
           "inputs": [{"name": "x", "size": 2, "synapse": {"model": "exp_current"}}],
           "populations": [{"name": "n", "size": 1}]}
    (tmp_path / "bad.json").write_text(json.dumps(doc))
    with pytest.raises(CircuitError, match=r"input #0 \('x'\) has a synapse model .*inputs receive no synapses"):
        Circuit.load(tmp_path / "bad.json")
    with pytest.raises(CircuitError, match=r"Input population 'x': inputs have no neurons and receive no synapses, so "
                                           r"they take no synapse model; got ExpCurrentSynapse"):
        InputPopulation("x", 2, synapse=ExpCurrentSynapse())


@pytest.mark.parametrize("synapse, message", [
    (ExpConductanceSynapse(e_exc=0.5), "e_exc = 0.5 is not above the threshold of 'lif' (1)"),
    (ExpConductanceSynapse(e_inh=0.5), "e_inh = 0.5 lies above the reset of 'lif' (0)"),
])
def test_a_reversal_potential_inside_the_threshold_gap_is_an_error_before_anything_runs(synapse, message):
    c = Circuit("g", populations=[NeuronPopulation("n", 1, bias=1.0, synapse=synapse)])
    for backend in (SpikingBackend(duration_ms=5.0), ReferenceBackend(duration_ms=5.0)):
        with pytest.raises(ParameterError, match="Population 'n': synapse 'conductance': " + _literal(message)):
            backend.run(c)


def test_izhikevich_reversal_potentials_are_checked_against_its_own_threshold():
    c = Circuit("g", populations=[NeuronPopulation("n", 1, neuron=Izhikevich(drive_unit_mv_per_ms=1.0),
                                                   synapse=ExpConductanceSynapse(e_exc=-60.0))])
    with pytest.raises(ParameterError, match=r"e_exc = -60 is not above the threshold of 'izhikevich' \(-50\)"):
        ReferenceBackend(duration_ms=5.0).run(c)


def test_conductances_cannot_be_negative_the_sign_lives_in_the_counts():
    with pytest.raises(CircuitError, match="unit_weight must be a finite number > 0"):
        Projection("x", "n", [[1]], unit_weight=-0.1)


# --------------------------------------------------------------------------------- calibration
def test_lif_units_are_todays_and_need_no_calibration():
    assert potential_unit(LIF(), rate_scale_hz=200.0, dt_ms=0.1) == 1.0
    assert potential_unit(AdaptiveLIF(), rate_scale_hz=50.0, dt_ms=1.0) == 1.0
    with pytest.raises(ParameterError, match="lives in the circuit's units"):
        calibrate(LIF(), rate_scale_hz=200.0, dt_ms=0.1)


@pytest.mark.parametrize("neuron", [Izhikevich.preset("RS"), AdEx.preset("tonic")], ids=["izhikevich", "adex"])
@pytest.mark.slow
def test_drive_one_fires_at_rate_scale_hz_on_both_simulators(neuron):
    """The convention: a bias of 1.0 fires a calibrated model at rate_scale_hz (within the calibration's
    precision: the smallest current firing >= 150 spikes in 1 s; +-1 spike), and 0.5 fires it slower."""
    rate = 150.0
    c = Circuit("cal", populations=[NeuronPopulation("n", 2, bias=[1.0, 0.5], neuron=neuron)])
    dt = neuron.default_dt_ms
    for backend in (SpikingBackend(duration_ms=1000.0, dt_ms=dt, rate_scale_hz=rate),
                    ReferenceBackend(duration_ms=1000.0, dt_ms=dt, rate_scale_hz=rate)):
        counts = backend.run(c, seed=0).spikes["n"].counts()[0]
        assert abs(counts[0] - rate) <= 1, (type(backend).__name__, counts)
        assert 0 < counts[1] < 0.8 * rate
    cal = calibrate(neuron, rate_scale_hz=rate, dt_ms=dt)
    assert cal.rate_hz >= rate and cal.potential_unit == pytest.approx(neuron.drive_dvdt(cal.current) * 1e3 / rate)


def test_calibration_is_cached_in_memory_and_on_disk(tmp_path, monkeypatch):
    monkeypatch.setenv("NEUROCOMPARE_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(calibration, "_MEMORY", {})
    neuron = Izhikevich.preset("FS")
    first = calibrate(neuron, rate_scale_hz=100.0, dt_ms=0.1)
    stored = json.loads((tmp_path / "calibration.json").read_text())
    assert len(stored) == 1 and next(iter(stored.values()))["current"] == first.current
    monkeypatch.setattr(calibration, "_MEMORY", {})
    monkeypatch.setattr(calibration, "rates_at", lambda *a, **k: pytest.fail("calibrated again"))
    assert calibrate(neuron, rate_scale_hz=100.0, dt_ms=0.1) == first  # from the file, nothing simulated
    assert calibrate(neuron.with_drive_unit(3.0), rate_scale_hz=100.0, dt_ms=0.1) == first  # drive unit not in key


@pytest.mark.slow
def test_a_rate_scale_beyond_the_models_ceiling_warns_and_takes_its_fastest_firing():
    """The squid axon at 6.3 C fires at most ~128 Hz: drive 1.0 cannot mean 300 Hz; it means the ceiling, said."""
    neuron = HodgkinHuxley()
    with pytest.warns(CalibrationWarning, match=r"hodgkin_huxley cannot fire at rate_scale_hz = 300 Hz: it fires at "
                                                r"most 1[23]\d Hz .*drive_unit_ua_per_cm2"):
        cal = calibrate(neuron, rate_scale_hz=300.0, dt_ms=0.025)
    assert 120.0 <= cal.rate_hz <= 140.0 and 50.0 <= cal.current <= 70.0, cal
    with pytest.warns(CalibrationWarning):  # again from the cache: still said
        assert calibrate(neuron, rate_scale_hz=300.0, dt_ms=0.025) == cal


def test_rates_at_measures_the_model_in_its_own_units():
    rates = rates_at(Izhikevich(), [0.0, 10.0], dt_ms=0.1)
    assert rates[0] == 0.0 and 20.0 <= rates[1] <= 26.0  # RS at I = 10: 23 Hz (NEST's izhikevich: 23 Hz)


# ----------------------------------------------------------------- time step: warning, convergence
def test_a_model_run_too_coarse_warns_naming_model_dt_and_the_recommended_one():
    c = Circuit("hh", populations=[NeuronPopulation("n", 1, bias=10.0, neuron=HodgkinHuxley(drive_unit_ua_per_cm2=1.0))])
    with pytest.warns(CoarseTimeStepWarning, match=r"'hodgkin_huxley' at dt_ms = 0.05 is coarser than it needs \(at "
                                                   r"most 0.025 ms; recommended 0.01 ms\)"):
        ReferenceBackend(duration_ms=2.0, dt_ms=0.05, rate_scale_hz=1.0).run(c)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ReferenceBackend(duration_ms=2.0, dt_ms=0.01, rate_scale_hz=1.0).run(c)
        ReferenceBackend(duration_ms=2.0, dt_ms=1.0).run(Circuit("lif", populations=[NeuronPopulation("n", 1)]))


def test_converged_dt_halves_until_spike_times_stop_moving():
    """Izhikevich RS under forward Euler over 100 ms: spike times converge to first order (each halving of dt about
    halves how far they move), and are within 0.1 ms of the next halving from dt = 0.0125 ms on."""
    c = Circuit("izh", populations=[NeuronPopulation("n", 3, bias=[6.0, 10.0, 20.0],
                                                     neuron=Izhikevich(drive_unit_mv_per_ms=1.0))])
    conv = converged_dt(ReferenceBackend(duration_ms=100.0, dt_ms=0.1, rate_scale_hz=1.0), c, max_halvings=4)
    assert conv.converged and conv.dt_ms == pytest.approx(0.0125) and conv.tolerance_ms == 0.1
    shifts = [s.max_shift_ms for s in conv.steps]
    assert [s.dt_ms for s in conv.steps] == pytest.approx([0.1, 0.05, 0.025, 0.0125])
    assert all(s.count_changes == 0 and s.spikes == 11 for s in conv.steps)
    assert shifts[-1] <= 0.1 < shifts[-2]
    assert all(1.3 <= a / b <= 3.0 for a, b in zip(shifts, shifts[1:])), shifts  # first order
    assert "| dt (ms) |" in conv.table()


def test_converged_dt_warns_when_it_runs_out_of_halvings():
    c = Circuit("izh", populations=[NeuronPopulation("n", 1, bias=[10.0], neuron=Izhikevich(drive_unit_mv_per_ms=1.0))])
    with pytest.warns(NotConvergedWarning, match="not converged down to dt = 0.05 ms"):
        conv = converged_dt(ReferenceBackend(duration_ms=100.0, dt_ms=0.1, rate_scale_hz=1.0), c, max_halvings=1)
    assert not conv.converged
    with pytest.raises(ParameterError, match="unknown population"):
        converged_dt(ReferenceBackend(duration_ms=4.0), c, populations=["nope"])
