"""How long a developer waits for the tests: the README's test command from a fresh clone, then the inner loop.

Clones this repository's HEAD into a temporary folder and runs ``.ci/run`` there (the README's test command:
a new virtual environment, ``pip install -e ".[test]"``, ``python -m pytest``), timing the install and the
test run apart; then, in the same (now warm) clone, ``python -m pytest -m "not slow"``. Goals (issue 27): the
whole command under 5 minutes, the inner loop under 60 s. Run it alone on the machine: the tests use every core.

Run:   python benchmarks/test_suite_time.py [--out benchmarks/results]

Writes OUT/test_suite.md and prints it. Exits 1 if a test run fails.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"README test command (fresh clone)": 300.0, 'pytest -m "not slow" (warm)': 60.0}


def _timed(cmd: list[str], cwd: Path) -> tuple[float, str, int]:
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    return time.perf_counter() - start, done.stdout + done.stderr, done.returncode


def _summary(output: str) -> str:
    """pytest's last line ('1128 passed, 1 skipped in 350.59s')."""
    found = re.findall(r"=+ (.*? in [0-9.]+s.*?) =+", output)
    return found[-1] if found else output.strip().splitlines()[-1] if output.strip() else "(no output)"


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results")
    args = ap.parse_args(argv)
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                            text=True).stdout.strip()
    rows, failed = [], False
    with tempfile.TemporaryDirectory() as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        venv = clone / ".venv" / "bin"
        install_s, out, rc = _timed(["bash", "-c", 'python3 -m venv .venv && .venv/bin/pip install -q -e ".[test]"'],
                                    clone)
        if rc:
            raise SystemExit(f"install failed:\n{out[-2000:]}")
        tests_s, out, rc = _timed([str(venv / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider"], clone)
        failed |= bool(rc)
        rows.append(("README test command (fresh clone)", install_s + tests_s,
                     f"install {install_s:.0f} s + pytest {tests_s:.0f} s ({_summary(out)})"))
        inner_s, out, rc = _timed([str(venv / "python"), "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m",
                                   "not slow"], clone)
        failed |= bool(rc)
        rows.append(('pytest -m "not slow" (warm)', inner_s, _summary(out)))
    lines = [f"Test-suite times, commit {commit}, {time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python "
             f"{platform.python_version()} (`python benchmarks/test_suite_time.py`).", "",
             "| what | wall time | goal | met | detail |", "|---|---|---|---|---|"]
    for name, seconds, detail in rows:
        goal = GOALS[name]
        lines.append(f"| {name} | {seconds:.0f} s | < {goal:.0f} s | {'yes' if seconds < goal else '**no**'} | "
                     f"{detail} |")
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "test_suite.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
