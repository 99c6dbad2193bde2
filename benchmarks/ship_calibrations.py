"""Make neurocompare/backends/calibrations.json and activations.json: the calibrations and the measured activations
(neurocompare.backends.activation) the bundled scenarios need at their defaults.

Runs ``neurocompare run --all`` (one scenario at a time, so no two processes write the cache at once) with an
empty cache and nothing shipped, and writes what it calibrated and measured into the package, sorted.
Run it after a change that bumps ``calibration._VERSION`` or a model's defaults (the keys hold both, so stale
entries are never used, only missed). tests/backends/test_calibration_shipped.py measures every entry again.

Run:   .venv/bin/python benchmarks/ship_calibrations.py
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TARGET = ROOT / "neurocompare" / "backends" / "calibrations.json"
ACTIVATIONS = TARGET.with_name("activations.json")


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        cache, out = Path(tmp) / "cache", Path(tmp) / "out"
        env = {**os.environ, "NEUROCOMPARE_CACHE_DIR": str(cache), "NEUROCOMPARE_SHIPPED_CALIBRATIONS": "0"}
        subprocess.run([sys.executable, "-m", "neurocompare", "run", "--all", "--jobs", "1", "--out", str(out),
                        "--no-progress", "--force"], env=env, check=True, cwd=ROOT)
        found = json.loads((cache / "calibration.json").read_text())
        activations = json.loads((cache / "activations.json").read_text())
    TARGET.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    ACTIVATIONS.write_text(json.dumps(activations, sort_keys=True) + "\n")
    print(f"{len(found)} calibrations written to {TARGET.relative_to(ROOT)}, {len(activations)} activations to "
          f"{ACTIVATIONS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
