"""The longest functions and modules of the package: where a reader has to hold the most in mind.

Usage::

    python benchmarks/code_size.py [ROOT ...] [--most 10] [--max-function 80] [--max-module 600]

ROOT defaults to ``neurocompare``. A function's length is its source lines from ``def`` to its last
line (decorators and docstring included, nested functions counted inside their parent and also on
their own); a module's is its line count. Prints both top lists and the functions and modules over the
limits; exits 0 (it reports, it does not judge).
"""

from __future__ import annotations

import argparse
import ast
from pathlib import Path


def functions(path: Path) -> list[tuple[int, str]]:
    """(lines, "path:qualified name") of every function and method in one file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: list[tuple[int, str]] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                start = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                out.append((child.end_lineno - start + 1, f"{path}:{prefix}{child.name}"))
                visit(child, f"{prefix}{child.name}.")
            elif isinstance(child, ast.ClassDef):
                visit(child, f"{prefix}{child.name}.")

    visit(tree, "")
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("roots", nargs="*", type=Path, default=[Path("neurocompare")])
    parser.add_argument("--most", type=int, default=10)
    parser.add_argument("--max-function", type=int, default=80)
    parser.add_argument("--max-module", type=int, default=600)
    args = parser.parse_args(argv)
    files = sorted(p for root in args.roots for p in (root.rglob("*.py") if root.is_dir() else [root]))
    funcs = sorted((f for p in files for f in functions(p)), reverse=True)
    mods = sorted(((len(p.read_text(encoding="utf-8").splitlines()), str(p)) for p in files), reverse=True)
    print(f"{len(files)} modules, {len(funcs)} functions")
    print(f"\nlongest functions (limit {args.max_function}):")
    for n, name in funcs[: args.most]:
        print(f"  {n:5d}  {name}")
    print(f"\nlongest modules (limit {args.max_module}):")
    for n, name in mods[: args.most]:
        print(f"  {n:5d}  {name}")
    over_f = [f for f in funcs if f[0] > args.max_function]
    over_m = [m for m in mods if m[0] > args.max_module]
    print(f"\nover the limits: {len(over_f)} functions, {len(over_m)} modules")
    for n, name in over_f + over_m:
        print(f"  {n:5d}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
