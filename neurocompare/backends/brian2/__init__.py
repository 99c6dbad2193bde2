"""The spiking backend on Brian2: the only place in neurocompare that imports or configures Brian2."""

from .backend import (
    INPUT_MODES,
    SYNAPSE_MODES,
    TARGETS,
    SpikingBackend,
    SpikingSimulation,
    cython_available,
    import_brian2,
)

__all__ = ["SpikingBackend", "SpikingSimulation", "TARGETS", "SYNAPSE_MODES", "INPUT_MODES", "import_brian2",
           "cython_available"]
