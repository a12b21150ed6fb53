"""`sotay bench api` end to end at the smallest scale: PostgreSQL, gunicorn, concurrent clients, one JSON line."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
@pytest.mark.skipif(not shutil.which("su") or not Path("/usr/lib/postgresql/15/bin/initdb").exists(),
                    reason="needs Debian's PostgreSQL 15")
def test_bench_api_reports_every_number(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "cms.cli", "bench", "api", "--scale", "tiny", "--clients", "4", "--batches", "2",
         "--requests", "3", "--think-ms", "50", "--workers", "2", "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["scale"]["members"] == 120 and result["scale"]["units"] == 15
    assert result["receipts_per_s"] > 0 and result["statuses"]["receipts"] == {"200": 8}
    for phase in ("me", "search", "me_saturated", "search_saturated"):
        assert result["statuses"][phase] == {"200": 12}, phase
        assert result[f"{phase}_p95_ms"] > 0
    assert result["adoption_report_statuses"] == {"200": 20} and result["adoption_report_p95_ms"] > 0
    assert result["scale"]["signed_in"] > 0 and result["scale"]["activity_days"] >= result["scale"]["signed_in"]
    assert result["me_recording_on_per_s"] > 0 and result["me_recording_off_per_s"] > 0
    assert isinstance(result["activity_overhead_pct"], float)
