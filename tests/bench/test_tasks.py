"""`sotay bench tasks` end to end at the smallest scale: PostgreSQL, gunicorn, concurrent members, one JSON line."""

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
def test_bench_tasks_reports_every_number(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    done = subprocess.run(
        [sys.executable, "-m", "cms.cli", "bench", "tasks", "--scale", "tiny", "--clients", "4", "--requests", "3",
         "--rollups", "3", "--workers", "2", "--think-ms", "20", "--json"],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["scale"]["units"] == 15 and result["scale"]["plan_targets"] == 14
    assert result["scale"]["reported"] == 13
    assert result["plan_rollup_statuses"] == {"200": 3} and result["plan_rollup_p95_ms"] > 0
    assert result["plan_export_statuses"] == [200] and result["plan_export_bytes"] > 0
    assert result["my_tasks_statuses"] == {"200": 12} and result["my_tasks_p95_ms"] > 0
    assert result["plan_fanout_s"] > 0 and result["my_tasks_saturated_p95_ms"] > 0
