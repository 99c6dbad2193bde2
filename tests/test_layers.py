"""The package's layering (shared/DESIGN.md, section 4), checked on every import statement of every module.

The arrows run one way: cli -> scenarios/sweep/report -> studies -> compare/probes -> backends/metrics ->
circuit/encoding/models -> results/errors. A module may import its own layer or any layer below it, never
one above; imports inside functions count too. On top of that: metrics know results, not backends; the
two spiking simulators share no code; only backends/brian2/ imports Brian2.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import neurocompare

PACKAGE = Path(neurocompare.__file__).resolve().parent

#: Layer of each top-level module or sub-package of neurocompare (higher = further up).
LAYERS = {
    "errors": 0, "_validation": 0, "limits": 0,
    "results": 1, "activations": 1, "options": 1, "progress": 1, "notebook": 1,
    "models": 2, "rounding": 2, "nir": 2, "populations": 2, "circuit": 2, "plasticity": 2, "inputs": 2, "circuit_io": 2, "encoding": 2, "datasets": 2, "neo_export": 2, "spike_input": 2, "input_files": 2,
    "backends": 3, "metrics": 3,
    "comparison": 4, "table": 4, "glossary": 4, "probes": 4, "compare": 4, "crosscheck": 4, "convergence": 4, "convert": 4, "training": 4, "competitive": 4, "parallel": 4,
    "studies": 5,
    "scenarios": 6, "sweep": 6, "report": 6, "tracking": 6, "demo": 6, "explorer": 6,
    "cli": 7, "__main__": 7, "__init__": 8,
}
#: (importer, imported) pairs forbidden although the layers would allow them.
FORBIDDEN = {
    ("metrics", "backends"),
    ("backends", "metrics"),
    ("backends.brian2", "backends.reference"),
    ("backends.reference", "backends.brian2"),
}


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__" and len(parts) > 1:
        parts = parts[:-1]
    return ".".join(["neurocompare", *parts])


def _imports(path: Path) -> list[tuple[str, int]]:
    """Absolute names of the modules imported by ``path`` (every import statement), with line numbers."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name != "neurocompare":  # the package itself is loaded before any of its modules
                out.append((name, node.lineno))
            out += [(f"{name}.{a.name}", node.lineno) for a in node.names]  # "from . import x" imports x
    return out


def _area(name: str) -> str | None:
    """``"backends.brian2"``-style area of a neurocompare module (None outside the package)."""
    parts = name.split(".")
    if parts[0] != "neurocompare":
        return None
    if len(parts) == 1:
        return "__init__"
    return ".".join(parts[1:3]) if parts[1] == "backends" and len(parts) > 2 else parts[1]


def _layer(area: str) -> int | None:
    return LAYERS.get(area.split(".")[0])


MODULES = sorted(PACKAGE.rglob("*.py"))


def test_every_module_has_a_layer():
    missing = sorted({_area(_module_name(p)) for p in MODULES if _layer(_area(_module_name(p))) is None})
    assert missing == [], f"add these to LAYERS: {missing}"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_import_runs_back_up(path):
    mine = _area(_module_name(path))
    bad = []
    for name, line in _imports(path):
        theirs = _area(name)
        if theirs is None or _layer(theirs) is None:
            continue
        up = _layer(theirs) > _layer(mine)
        forbidden = any(mine.startswith(a) and theirs.startswith(b) for a, b in FORBIDDEN)
        if up or forbidden:
            bad.append(f"line {line}: {mine} (layer {_layer(mine)}) imports {name} (layer {_layer(theirs)})")
    assert bad == []


def test_only_the_brian2_backend_imports_brian2():
    home = PACKAGE / "backends" / "brian2"
    offenders = [str(p.relative_to(PACKAGE)) for p in MODULES
                 if any(n.split(".")[0] == "brian2" for n, _ in _imports(p)) and home not in p.parents]
    assert offenders == []


def test_the_checker_sees_a_violation(tmp_path):
    """The test above can fail: a metrics module importing a backend is flagged."""
    fake = PACKAGE / "metrics" / "_layer_probe.py" if (PACKAGE / "metrics").is_dir() else PACKAGE / "_probe.py"
    source = "from ..backends import get_backend\n" if fake.parent.name == "metrics" else "from .cli import main\n"
    fake.write_text(source)
    try:
        with pytest.raises(AssertionError):
            test_no_import_runs_back_up(fake)
    finally:
        fake.unlink()
