"""Diff two sets of metrics.json files: did a change move any number?

Usage::

    python benchmarks/diff_metrics.py BEFORE AFTER [--rtol 0] [--ignore NAME ...] [--table]

BEFORE and AFTER are folders holding ``NAME/metrics.json`` (what ``neurocompare run --all --out DIR``
writes), searched recursively, so ``DIR/full`` and ``DIR/quick`` can be compared in one call. For every
scenario found on either side it compares every metric's value (exactly by default; ``--rtol`` allows a
relative tolerance), unit and description, and with ``--table`` the table text. Metrics on one side only
are listed. Prints one line per difference and a summary; exits 1 if anything differs, else 0.

Wall times live in ``parameters`` (never in ``metrics``), so two runs of the same code give no difference.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path


def _load_all(root: Path) -> dict[str, dict]:
    found = {}
    for path in sorted(root.rglob("metrics.json")):
        key = str(path.parent.relative_to(root))
        found[key] = json.loads(path.read_text(encoding="utf-8"))
    return found


def _same(a, b, rtol: float) -> bool:
    if a is None or b is None:
        return a is None and b is None
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if a == b:
        return True
    try:
        return rtol > 0 and math.isclose(float(a), float(b), rel_tol=rtol, abs_tol=0.0)
    except (TypeError, ValueError):
        return False


def diff(before: Path, after: Path, *, rtol: float = 0.0, ignore: set[str] = frozenset(),
         table: bool = False) -> tuple[list[str], dict[str, int]]:
    """(difference lines, counts) between two folders of metrics.json files."""
    old, new = _load_all(before), _load_all(after)
    lines: list[str] = []
    counts = {"scenarios": 0, "metrics": 0, "changed": 0, "only_before": 0, "only_after": 0, "table_rows_changed": 0}

    def one_sided(label: str, present_before: bool, present_after: bool) -> bool:
        if present_before and present_after:
            return False
        side = "before" if present_before else "after"
        lines.append(f"{label}: only {side}")
        counts[f"only_{side}"] += 1
        return True

    for key in sorted(set(old) | set(new)):
        if one_sided(key, key in old, key in new):
            continue
        counts["scenarios"] += 1
        m_old, m_new = old[key]["metrics"], new[key]["metrics"]
        for name in sorted(set(m_old) | set(m_new)):
            if name in ignore or one_sided(f"{key}: {name}", name in m_old, name in m_new):
                continue
            counts["metrics"] += 1
            a, b = m_old[name], m_new[name]
            if not _same(a["value"], b["value"], rtol) or a["unit"] != b["unit"]:
                lines.append(f"{key}: {name}: {a['value']!r} {a['unit']} -> {b['value']!r} {b['unit']}")
                counts["changed"] += 1
            elif a["description"] != b["description"]:
                lines.append(f"{key}: {name}: description {a['description']!r} -> {b['description']!r}")
                counts["changed"] += 1
        if table:
            rows_old = {r["aspect"]: r for r in old[key].get("table", [])}
            rows_new = {r["aspect"]: r for r in new[key].get("table", [])}
            for aspect in sorted(set(rows_old) | set(rows_new)):
                if rows_old.get(aspect) != rows_new.get(aspect):
                    lines.append(f"{key}: table row {aspect!r}: {rows_old.get(aspect)} -> {rows_new.get(aspect)}")
                    counts["table_rows_changed"] += 1
    return lines, counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    parser.add_argument("--rtol", type=float, default=0.0, help="relative tolerance (default 0: exact)")
    parser.add_argument("--ignore", action="append", default=[], help="a metric name to skip (repeatable)")
    parser.add_argument("--table", action="store_true", help="also compare the table text")
    args = parser.parse_args(argv)
    for folder in (args.before, args.after):
        if not folder.is_dir():
            parser.error(f"{folder} is not a folder")
    lines, counts = diff(args.before, args.after, rtol=args.rtol, ignore=set(args.ignore), table=args.table)
    for line in lines:
        print(line)
    print(f"{counts['scenarios']} scenario runs, {counts['metrics']} metrics compared: {counts['changed']} changed, "
          f"{counts['only_before']} only before, {counts['only_after']} only after"
          + (f", {counts['table_rows_changed']} table rows changed" if args.table else ""))
    return 1 if lines else 0


if __name__ == "__main__":
    sys.exit(main())
