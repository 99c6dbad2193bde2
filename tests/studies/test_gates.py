"""Shared studies: the logic-gate robustness study runs its gates side by side and reuses runs it is given."""

from __future__ import annotations

import numpy as np
import pytest

from neurocompare import LIF, Circuit, InputPopulation, NeuronPopulation, Projection, Regular, SpikingBackend
from neurocompare.errors import ParameterError, UnknownNameError
from neurocompare.studies import gate_robustness, linear_xor, run_side_by_side, trial_agreement, with_delays

IF = LIF(tau_m_ms=float("inf"), reset="subtract", t_ref_ms=0.0)
ROWS = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=float)


def gate(name: str) -> Circuit:
    if name == "and":
        return Circuit("and", inputs=[InputPopulation("x", 2)], projections=[Projection("x", "out", [[2, 2]], 0.5)],
                       populations=[NeuronPopulation("out", 1, bias=-1.5, neuron=IF)])
    return Circuit("xor", inputs=[InputPopulation("x", 2)],
                   populations=[NeuronPopulation("hidden", 2, bias=[0.0, -1.5], neuron=IF),
                                NeuronPopulation("out", 1, neuron=IF)],
                   projections=[Projection("x", "hidden", [[2, 2], [2, 2]], 0.5),
                                Projection("hidden", "out", [[2, -8]], 0.5, delay_ms=0.3)])


def test_gates_side_by_side_give_each_gates_own_agreement():
    """One run per condition for all gates = the agreement each gate gets in runs of its own."""
    be = dict(duration_ms=40.0, rate_scale_hz=100.0, target="numpy")
    conditions = {"poisson": SpikingBackend(encoding="poisson", **be),
                  "jitter": SpikingBackend(encoding=Regular(3.0), **be)}
    gates = {"and": gate("and"), "xor": gate("xor")}
    trials, threshold, delay = 6, 0.25, 15.0
    metrics, panels = gate_robustness(gates, ROWS, deterministic=SpikingBackend(encoding="regular", **be),
                                      conditions=conditions, delay_ms=delay, trials=trials, seed=3,
                                      threshold=threshold)
    values = []
    for name, circuit in gates.items():
        for label, backend in (*conditions.items(), ("delays", conditions["poisson"])):
            c = with_delays(circuit, {p.name: delay for p in circuit.projections}) if label == "delays" else circuit
            alone, _ = trial_agreement(c, ROWS, trials=trials, spiking=backend, seed=3, threshold=threshold,
                                       output="out")
            assert metrics[f"{name}_agreement_{label}"].value == alone, (name, label)
            values.append(alone)
    assert 0 < min(values) and len(set(values)) > 1, "guard: noisy trials, and not one agreement everywhere"
    assert metrics["and_truth_table_correct_spiking"].value == 1.0
    assert [p.name for p in panels] == ["truth_tables", "gate_robustness"]


def test_gate_robustness_and_side_by_side_runs_reject_bad_input():
    be = SpikingBackend(duration_ms=10.0, target="numpy")
    with pytest.raises(UnknownNameError, match=r"gates must be some of and, or, xor; got \['nand'\]"):
        gate_robustness({"nand": gate("and")}, ROWS, deterministic=be, conditions={"p": be}, delay_ms=1.0,
                        trials=2, seed=0, threshold=0.25)
    with pytest.raises(ParameterError, match="at least one noise condition"):
        gate_robustness({"and": gate("and")}, ROWS, deterministic=be, conditions={}, delay_ms=1.0, trials=2,
                        seed=0, threshold=0.25)
    with pytest.raises(ParameterError, match="at least one circuit"):
        run_side_by_side(be, [], ROWS, seed=0)


def test_given_runs_are_reused_and_give_the_same_metrics():
    """A gate whose deterministic run is given is left out of the truth-table run; the numbers do not change."""
    be = dict(duration_ms=40.0, rate_scale_hz=100.0, target="numpy")
    regular, poisson = SpikingBackend(encoding="regular", **be), SpikingBackend(encoding="poisson", **be)
    gates = {"and": gate("and"), "xor": gate("xor")}
    kw = dict(conditions={"poisson": poisson}, delay_ms=5.0, trials=2, seed=1, threshold=0.25)
    own = regular.run(gates["xor"], ROWS, seed=1)
    fresh, _ = gate_robustness(gates, ROWS, deterministic=regular, **kw)
    reused, _ = gate_robustness(gates, ROWS, deterministic=regular, given={"xor": own}, **kw)
    assert {k: m.value for k, m in fresh.items()} == {k: m.value for k, m in reused.items()}
    assert linear_xor(gates["xor"], ROWS, snn=own, threshold=0.25)[0] == \
        linear_xor(gates["xor"], ROWS, spiking=regular, seed=1, threshold=0.25)[0]
    with pytest.raises(UnknownNameError, match="given results for gates"):
        gate_robustness({"and": gate("and")}, ROWS, deterministic=regular, given={"xor": own}, **kw)
    with pytest.raises(ParameterError, match="give the spiking result"):
        linear_xor(gates["xor"], ROWS, threshold=0.25)


@pytest.mark.slow
def test_a_swapped_model_that_misses_rows_says_which_and_why():
    """Issue 26: with another neuron model a truth table can fail without a word; the truth-table caption names
    the rows the spiking side misses, with the measured output, and what moved them (the model's f-I curve)."""
    from dataclasses import replace

    from neurocompare.models import Izhikevich

    ch = Izhikevich.preset("CH")
    swapped = {name: replace(gate(name), populations=tuple(replace(p, neuron=ch) for p in gate(name).populations))
               for name in ("and", "xor")}
    be = dict(duration_ms=60.0, rate_scale_hz=100.0, dt_ms=0.025, target="numpy")
    metrics, panels = gate_robustness(swapped, ROWS, deterministic=SpikingBackend(encoding="regular", **be),
                                      conditions={"poisson": SpikingBackend(encoding="poisson", **be)}, delay_ms=2.0,
                                      trials=2, seed=0, threshold=0.25)
    wrong = round(4 * (2 - metrics["and_truth_table_correct_spiking"].value - metrics[
        "xor_truth_table_correct_spiking"].value))
    caption = panels[0].caption
    assert wrong >= 1 and f"The spiking side misses {wrong} row(s): " in caption, caption
    assert "(expected 0)" in caption and "Why, from the drives measured in these runs: " in caption
    # the first missed row of each gate is traced to where the two sides part, with the model that ran
    assert "izhikevich:CH neuron" in caption and "received a drive of" in caption, caption
    ok, ok_panels = gate_robustness({"and": gate("and")}, ROWS, deterministic=SpikingBackend(encoding="regular", **{
        **be, "dt_ms": 0.1}), conditions={"poisson": SpikingBackend(encoding="poisson", **{**be, "dt_ms": 0.1})},
        delay_ms=2.0, trials=2, seed=0, threshold=0.25)
    assert ok["and_truth_table_correct_spiking"].value == 1.0 and "misses" not in ok_panels[0].caption
