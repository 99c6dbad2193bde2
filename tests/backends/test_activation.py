"""The real neuron's activation (neurocompare.backends.activation): measured f-I curves as artificial activations.

Held against what nobody here measured: max(0, x) for the integrate-and-fire neuron, the LIF rate formula, the
type II onset and depolarisation block of Hodgkin-Huxley (Hodgkin 1948; DESIGN.md), E[max(0, sigma xi)] for the
smoothing, finite differences for the derivative.
"""

import math
import pickle

import numpy as np
import pytest

import neurocompare as nc
from neurocompare.activations import TabulatedActivation, derivative_of, resolve_activation
from neurocompare.backends.activation import DRIVES, activation_name, measured_activation
from neurocompare.backends.fi_names import _integrator
from neurocompare.convert import conversion_neuron
from neurocompare.errors import CalibrationWarning, CircuitError, ParameterError
from neurocompare.models import LIF


def test_integrate_and_fire_computes_relu():
    """f(x) = max(0, x) to one spike in the 1 s window (0.001 units), drives -1..8."""
    f = measured_activation("if", dt_ms=0.1)
    assert conversion_neuron() == _integrator()
    np.testing.assert_allclose(f.measured[1], np.maximum(DRIVES, 0.0), atol=1.001e-3)
    assert f.name == "fi:if@1000Hz,dt=0.1ms"


def test_lif_follows_the_rate_formula():
    """r = 1 / (t_ref + tau ln(RI / (RI - 1))) with RI = tau * x * rate_scale: the measured rate lies between the
    formula's rate for a period one step longer (threshold seen at the end of a step) and the formula, +-1 count."""
    lif, dt = LIF(), 0.1
    x = DRIVES[(DRIVES > 0.06) & (DRIVES <= 8)]
    ri = lif.tau_m_ms * 1e-3 * x * 1000.0
    period = lif.t_ref_ms * 1e-3 + lif.tau_m_ms * 1e-3 * np.log(ri / (ri - 1.0))
    rate = measured_activation(lif, dt_ms=dt)(x) * 1000.0
    assert np.all(rate <= 1.0 / period + 1.0)
    assert np.all(rate >= 1.0 / (period + dt * 1e-3) - 1.0)
    assert np.all(measured_activation(lif, dt_ms=dt)(DRIVES[DRIVES < 0.05]) == 0.0)  # below rheobase 1/(tau r_s)


def test_hodgkin_huxley_jumps_on_and_blocks():
    with pytest.warns(CalibrationWarning, match="at most 123 Hz"):  # drive 1.0 is its fastest firing
        f = measured_activation("hodgkin_huxley", dt_ms=0.025)
    x, y = f.measured
    first = int(np.argmax(y > 0.002))  # more than 2 spikes in 1 s
    assert y[first] >= 0.04, "type II: the rate starts at a finite value (>= 40 Hz) at rheobase"
    assert 0.10 <= y.max() <= 0.14, "the squid axon at 6.3 C peaks near 123 Hz"
    assert np.all(y[x >= 2.0] <= 0.002), "depolarisation block: silent (at most 2 spikes in 1 s) past drive 2"


def test_smoothing_is_the_mean_over_drive_noise_and_keeps_monotone():
    sigma = 0.1
    f = measured_activation("if", dt_ms=0.1, smooth=sigma)
    assert f(np.array(0.0)) == pytest.approx(sigma / math.sqrt(2 * math.pi), abs=2e-3)  # E[max(0, sigma xi)]
    assert f(np.array(3.0)) == pytest.approx(3.0, abs=2e-3)
    lif = measured_activation("lif", dt_ms=0.1, smooth=0.05)
    z = np.linspace(-1, 8, 2001)
    assert np.all(np.diff(lif(z)) >= -1e-12)
    assert lif.name.endswith(",smooth=0.05")


def test_derivative_matches_finite_differences_and_is_zero_outside():
    f = measured_activation("izhikevich:RS", dt_ms=0.025, smooth=0.05)
    z = np.linspace(-0.5, 7.5, 400)
    h = 1e-5
    np.testing.assert_allclose(f.derivative(z), (f(z + h) - f(z - h)) / (2 * h), rtol=1e-3, atol=1e-3)
    assert np.all(f.derivative(np.array([-5.0, 20.0])) == 0.0)
    assert f(np.array([20.0]))[0] == f.y[-1] and derivative_of(f) == f.derivative


def test_named_activation_in_a_circuit_file_round_trip(tmp_path):
    name = "fi:izhikevich:RS@1000Hz,dt=0.025ms"
    c = nc.Circuit("t", inputs=[nc.InputPopulation("x", 2)],
                   populations=[nc.NeuronPopulation("o", 1, activation="fi:izhikevich:RS@1e3Hz,dt=0.025ms")],
                   projections=[nc.Projection("x", "o", counts=[[1, 2]], unit_weight=0.3)])
    assert c.populations[0].activation == name  # canonical spelling
    c.save(tmp_path / "c.json")
    back = nc.Circuit.load(tmp_path / "c.json")
    x = np.array([[1.0, 0.5], [0.2, 0.0]])
    a, b = (nc.ArtificialBackend().run(k, x, seed=0)["o"] for k in (c, back))
    np.testing.assert_array_equal(a, b)
    np.testing.assert_allclose(a[:, 0], resolve_activation(name)(x @ np.array([0.3, 0.6])), rtol=0, atol=0)
    # a measured activation object saves by its name
    obj = measured_activation("lif", dt_ms=0.1)
    c2 = nc.Circuit("t2", inputs=[nc.InputPopulation("x", 1)],
                    populations=[nc.NeuronPopulation("o", 1, activation=obj)],
                    projections=[nc.Projection("x", "o", counts=[[1]])])
    c2.save(tmp_path / "c2.json")
    assert nc.Circuit.load(tmp_path / "c2.json").populations[0].activation == "fi:lif@1000Hz,dt=0.1ms"


@pytest.mark.parametrize("bad, words", [
    ("fi:nope", "'nope'"), ("fi:lif@-3Hz", "got -3"), ("fi:lif@1000Hz,dt=xms", "must be numbers"),
    ("fi:lif,smooth=-1", "got -1"), ("softplus", "softplus"), ("fi:", "expected 'fi:MODEL"),
])
def test_bad_activation_names_are_circuit_errors_naming_the_value(bad, words):
    with pytest.raises(CircuitError, match="Population 'o'") as err:
        nc.NeuronPopulation("o", 1, activation=bad)
    assert words in str(err.value)


def test_unnamed_measured_activation_cannot_be_saved(tmp_path):
    f = measured_activation(LIF(tau_m_ms=10.0), dt_ms=0.1)
    c = nc.Circuit("t", inputs=[nc.InputPopulation("x", 1)], populations=[nc.NeuronPopulation("o", 1, activation=f)],
                   projections=[nc.Projection("x", "o", counts=[[1]])])
    with pytest.raises(CircuitError, match="cannot be saved"):
        c.save(tmp_path / "c.json")
    assert not (tmp_path / "c.json").exists()


def test_tabulated_activation_checks_and_pickles():
    with pytest.raises(ParameterError, match="increase strictly"):
        TabulatedActivation("t", [0, 1, 1], [0, 1, 2])
    with pytest.raises(ParameterError, match="finite"):
        TabulatedActivation("t", [0, 1], [0, np.nan])
    f = measured_activation("adex:tonic", dt_ms=0.025)
    g = pickle.loads(pickle.dumps(f))
    z = np.linspace(-1, 9, 101)
    np.testing.assert_array_equal(f(z), g(z))
    assert g.name == activation_name("adex:tonic", rate_scale_hz=1000, dt_ms=0.025)


def test_measured_activation_rejects_bad_options():
    for kw in ({"dt_ms": 0.0}, {"dt_ms": 0.1, "rate_scale_hz": math.nan}, {"dt_ms": 0.1, "smooth": -0.1}):
        with pytest.raises(ParameterError, match="measured_activation"):
            measured_activation("lif", **kw)


def test_a_run_that_does_not_match_the_activation_warns():
    """The Izhikevich RS activation run on a LIF at 200 Hz and dt 0.1 ms: the spiking neuron computes something
    else, and the run says what differs; run as the name says, it is silent."""
    from neurocompare.errors import ActivationMismatchWarning

    name = "fi:izhikevich:RS@1000Hz,dt=0.025ms"
    c = nc.Circuit("t", inputs=[nc.InputPopulation("x", 1)],
                   populations=[nc.NeuronPopulation("o", 1, activation=name)],
                   projections=[nc.Projection("x", "o", counts=[[1]], unit_weight=0.5)])
    with pytest.warns(ActivationMismatchWarning, match=r"the lif neuron instead of izhikevich:RS, rate_scale_hz 200 "
                                                       r"instead of 1000, dt 0.1 ms instead of 0.025 ms"):
        nc.ReferenceBackend(duration_ms=5.0, neuron=LIF(), rate_scale_hz=200.0).run(c, np.ones((1, 1)), seed=0)
    from neurocompare.studies import with_models

    ok = with_models(c, neuron="izhikevich:RS")
    nc.ReferenceBackend(duration_ms=5.0, dt_ms=0.025, rate_scale_hz=1000.0, encoding="regular").run(ok, np.ones((1, 1)),
                                                                                                   seed=0)
