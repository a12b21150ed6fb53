"""The npm tools the benchmarks and browser tests use (axe-core, Lighthouse), installed from package-lock.json.

`npm ci` installs exactly the locked versions; a clone that has none of them yet, or an older node_modules
without one of them, gets them on first use. Nothing is fetched when they are there."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
LIGHTHOUSE = ROOT / "node_modules" / "lighthouse" / "cli" / "index.js"


def ensure_node_tools() -> None:
    """Install the locked npm packages unless every tool is already there."""
    if AXE.exists() and LIGHTHOUSE.exists():
        return
    subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=ROOT, check=True, capture_output=True)
