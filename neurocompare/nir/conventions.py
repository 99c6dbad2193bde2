"""How a NIR graph's numbers are meant: the conventions exporters disagree on, as explicit presets.

A NIR graph states continuous-time equations (``nir.LIF``: ``tau dv/dt = (v_leak - v) + r I``) but not
the time step its exporter simulated, nor whether a spike is a unit-area Dirac delta or a one-step pulse
of height 1, nor how the membrane was really reset. Each exporter answers differently, so the importer
takes the answer as a parameter (:class:`NirConvention`) instead of guessing. The presets, each with
the source it is read from:

``snntorch``
    ``snntorch/export_nir.py`` (``snn.Leaky``): ``dt = 1e-4``, ``tau = dt / (1 - beta)``,
    ``r = tau / dt``, ``v_leak = 0``, no ``v_reset`` (so NIR's default 0). snnTorch's own step is
    ``U[t+1] = beta U[t] + I[t+1] - S[t] U_thr`` (forward Euler: one input of value x adds ``r x dt / tau =
    x``; ``_neurons/leaky.py``): with ``reset_mechanism="subtract"`` (the default, which NIR cannot express
    and the exporter writes as a reset to 0) the threshold is subtracted in the step *after* the spike, after
    that step's decay (``reset_delay=True``, the default). ``snntorch_zero`` is the same for
    ``reset_mechanism="zero"``.
``norse``
    ``norse/torch/utils/export_nir.py``: ``LIFBoxCell`` -> ``nir.LIF(tau = 1 / tau_mem_inv, r = 1)``,
    ``IAFCell`` -> ``nir.IF(r = 1)``. Norse's steps (default ``dt = 1e-3``): LIF box
    ``v += dt tau_mem_inv ((v_leak - v) + i)`` (forward Euler, a one-step pulse), reset to ``v_reset``;
    IAF ``v += i`` (its ``dt`` is unused: an input is added whole).
``norse_1_1``
    Norse 1.1.0's exporter writes ``tau = dt / tau_mem_inv``, i.e. ``dt x tau_mem`` (1e-5 s for a 10 ms
    membrane at its dt 1 ms), which its own importer reads back as ``tau_mem``: the same as ``norse``, with
    ``tau`` read as ``dt x tau_mem`` (checked against Norse 1.1.0's own spikes, tests/test_nir_libraries.py).
``rockpool``
    Rockpool 3.1 ``rockpool/nn/modules/torch/nir.py``: ``LIFNeuronTorch`` -> ``nir.LIF``, ``LIFTorch`` ->
    ``nir.CubaLIF``, both with ``r = tau_mem exp(-dt / tau_mem) / dt`` and ``v_leak = 0`` (the neuron's own
    ``bias`` is not written). Its steps (``lif_neuron_torch.py``, ``lif_torch.py``): ``v = exp(-dt/tau_mem) v +
    x + bias`` (an input is added whole, whatever ``r``: the exporter's ``r`` only encodes ``dt``, which is read
    back from it), and for ``LIFTorch`` ``i = exp(-dt/tau_syn) (i + x)``, ``v = exp(-dt/tau_mem) v + i``; a
    spike at ``v >= threshold``, reset by subtracting the threshold (checked against Rockpool 3.1's own spikes,
    tests/test_nir_libraries.py).
``continuous``
    The NIR equations as written: spikes are unit-area deltas (a spike of weight w moves the membrane
    by ``r w / tau``, or ``r w`` for ``nir.IF``), exact decay, reset to ``v_reset``. No time step.
``neurocompare``
    ``continuous`` plus neurocompare's threshold rule (fire at ``v >= v_threshold``; NIR says ``>``),
    which is what :func:`neurocompare.nir.to_nir` writes; chosen automatically for files it wrote.

Times in a NIR graph are in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from .._validation import check_choice, check_positive
from ..errors import ParameterError, UnknownNameError

__all__ = ["NirConvention", "CONVENTIONS", "get_convention"]


@dataclass(frozen=True)
class NirConvention:
    """What an exporter meant by its numbers (see the module docstring for the presets).

    Attributes
    ----------
    name : str
    dt_s : float or None
        The exporter's time step in seconds; None for continuous time (``spike="delta"``).
    spike : {"delta", "pulse"}
        A spike of weight w is a unit-area delta (membrane jump ``r w / tau``; ``r w`` for IF) or a
        one-step pulse of height w (jump ``r w dt / tau``; ``r w dt`` for IF). A constant input c (an
        Affine bias) adds, per step, what a pulse of weight c would.
    decay : {"exact", "euler"}
        The exporter's per-step leak: ``exp(-dt / tau)`` or forward Euler's ``1 - dt / tau``. With
        "euler" the imported time constant is ``-dt / ln(1 - dt / tau)``, so that neurocompare's exact
        integration at ``dt`` decays by the exporter's factor.
    reset : {"value", "subtract"}
        What the exporter's neurons really did after a spike: NIR's reset to ``v_reset``, or a
        subtraction of ``v_threshold - v_reset`` (which NIR cannot express).
    if_input : {"integrate", "sum"}
        For ``nir.IF`` with ``spike="pulse"``: an input x adds ``r x dt`` per step ("integrate") or
        ``r x`` (Norse's IAF: "sum").
    threshold : {">", ">="}
        NIR's rule is ``v > v_threshold``; neurocompare's own files say ``>=``.
    reset_delay : bool
        With ``reset="subtract"``: the subtraction happens in the next step, after its decay (snnTorch's
        ``reset_delay=True``), which equals subtracting ``(v_threshold - v_reset) / decay`` right after the
        spike, ``decay`` the per-step factor.
    tau_times_dt : bool
        The exporter wrote ``tau`` multiplied by ``dt`` (Norse 1.1.0's ``export_nir``); read ``tau / dt``.
    r_encodes_dt : bool
        The exporter wrote ``r = tau exp(-dt / tau) / dt`` (Rockpool), which encodes its time step and nothing
        else: ``dt`` is read from ``r`` (unless given), and each input is added whole to the membrane (LIF) or to
        the synaptic current, which then decays for the step (CubaLIF).
    recurrent_reset_clamps : bool
        With ``reset="value"``: a neuron with a recurrent connection onto itself's layer (snnTorch's ``RLeaky``,
        exported as a nested graph ``lif -> w_rec -> lif``) sets its whole next-step state to the reset value,
        that step's input included (``U = f - S f``): one step clamped at ``v_reset``, ``t_ref = dt``.
    source : str
        Where the convention is documented.
    """

    name: str
    dt_s: float | None
    spike: str
    decay: str
    reset: str
    if_input: str = "integrate"
    threshold: str = ">"
    reset_delay: bool = False
    recurrent_reset_clamps: bool = False
    tau_times_dt: bool = False
    r_encodes_dt: bool = False
    source: str = ""

    def __post_init__(self) -> None:
        owner = f"NIR convention {self.name!r}"
        check_choice(owner, "spike", self.spike, ("delta", "pulse"))
        check_choice(owner, "decay", self.decay, ("exact", "euler"))
        check_choice(owner, "reset", self.reset, ("value", "subtract"))
        check_choice(owner, "if_input", self.if_input, ("integrate", "sum"))
        check_choice(owner, "threshold", self.threshold, (">", ">="))
        if self.dt_s is None:
            if self.spike == "pulse" or self.decay == "euler":
                raise ParameterError(f"{owner}: spike='pulse' and decay='euler' need a time step dt_s; got None.")
        else:
            object.__setattr__(self, "dt_s", check_positive(owner, "dt_s", self.dt_s, hint="(seconds)"))

    @property
    def dt_ms(self) -> float | None:
        """The exporter's time step in ms (None: continuous time)."""
        return None if self.dt_s is None else self.dt_s * 1e3

    def describe(self) -> str:
        """One line: what this convention assumes."""
        dt = "continuous time" if self.dt_s is None else f"dt {self.dt_s:g} s" + (" (read from r)" if self.r_encodes_dt
                                                                                 else "")
        spike = "unit-area delta" if self.spike == "delta" else "added whole" if self.r_encodes_dt else "one-step pulse"
        reset = "to v_reset" if self.reset == "value" else \
            "by subtraction after the next step's decay" if self.reset_delay else "by subtraction"
        return (f"{self.name}: {dt}, spike = {spike}, {self.decay} decay, reset {reset}, "
                f"fires at v {self.threshold} v_threshold")


#: The presets, by name (see the module docstring for their sources).
CONVENTIONS: dict[str, NirConvention] = {
    "snntorch": NirConvention("snntorch", 1e-4, "pulse", "euler", "subtract", reset_delay=True,
                              source="snntorch/export_nir.py (snn.Leaky: dt = 1e-4, tau = dt/(1-beta), r = tau/dt); "
                                     "snntorch Leaky: U[t+1] = beta U[t] + I[t+1] - S[t] U_thr, "
                                     "reset_mechanism='subtract', reset_delay=True"),
    "snntorch_zero": NirConvention("snntorch_zero", 1e-4, "pulse", "euler", "value", recurrent_reset_clamps=True,
                                   source="snntorch/export_nir.py as 'snntorch'; snn.Leaky(reset_mechanism='zero'): "
                                          "U[t+1] = beta (1 - S[t]) U[t] + I[t+1]; snn.RLeaky: U[t+1] = f - S[t] f, "
                                          "f = beta U[t] + I[t+1] + W_rec S[t]"),
    "norse": NirConvention("norse", 1e-3, "pulse", "euler", "value", if_input="sum",
                           source="norse/torch/utils/export_nir.py (LIFBoxCell: tau = 1/tau_mem_inv, r = 1; IAFCell: r = 1); "
                                  "norse lif_box: v += dt tau_mem_inv ((v_leak - v) + i); iaf: v += i"),
    "norse_1_1": NirConvention("norse_1_1", 1e-3, "pulse", "euler", "value", if_input="sum", tau_times_dt=True,
                               source="norse 1.1.0 norse/torch/utils/export_nir.py: nir.LIF(tau = dt / tau_mem_inv, "
                                      "r = 1); lif_box: v += dt tau_mem_inv ((v_leak - v) + i), reset to v_reset"),
    "rockpool": NirConvention("rockpool", 1e-3, "pulse", "exact", "subtract", threshold=">=", r_encodes_dt=True,
                              source="rockpool 3.1 rockpool/nn/modules/torch/nir.py (r = tau exp(-dt/tau)/dt, "
                                     "v_leak = 0); LIFNeuronTorch: v = exp(-dt/tau) v + x, LIFTorch: i = exp(-dt/tau_syn) "
                                     "(i + x), v = exp(-dt/tau_mem) v + i; spike at v >= threshold, subtractive reset"),
    "continuous": NirConvention("continuous", None, "delta", "exact", "value",
                                source="NIR specification: nir.LIF / nir.IF equations, spikes as Dirac deltas"),
    "neurocompare": NirConvention("neurocompare", None, "delta", "exact", "value", threshold=">=",
                                  source="neurocompare.nir.to_nir (continuous time; fires at v >= v_threshold)"),
}


def get_convention(convention: Any, dt_s: float | None = None) -> NirConvention:
    """A preset by name (or a :class:`NirConvention` as is), with its time step replaced by ``dt_s`` if given."""
    if isinstance(convention, NirConvention):
        conv = convention
    elif isinstance(convention, str) and convention in CONVENTIONS:
        conv = CONVENTIONS[convention]
    else:
        raise UnknownNameError(
            f"NIR import: unknown convention {convention!r}; valid: {', '.join(CONVENTIONS)} or a NirConvention. "
            "A NIR graph does not say which time step and spike shape its exporter used: "
            + "; ".join(c.describe() for c in CONVENTIONS.values()) + ".")
    if dt_s is not None:
        conv = replace(conv, dt_s=dt_s)
    return conv
