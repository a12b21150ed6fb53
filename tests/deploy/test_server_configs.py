"""The systemd units and the PostgreSQL settings in deploy/ are accepted by the real programs."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
UNITS = REPO / "deploy" / "systemd"
PG_BIN = Path("/usr/lib/postgresql/15/bin")


def read_unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.optionxform = str  # systemd keys are case-sensitive
    parser.read_string((UNITS / name).read_text(encoding="utf-8"))
    return parser


@pytest.mark.parametrize("name", ["sotay-web.service", "sotay-worker.service", "sotay-gc.service",
                                  "sotay-backup.service"])
def test_service_runs_the_right_program_as_an_unprivileged_user(name):
    unit = read_unit(name)

    assert unit["Unit"]["Description"]
    assert unit["Service"]["User"] == "sotay"
    assert unit["Service"]["EnvironmentFile"] == "/etc/sotay/sotay.env"
    assert unit["Service"]["ExecStart"].startswith("/opt/sotay/.venv/bin/") or name == "sotay-backup.service"


def test_web_and_worker_commands():
    web = read_unit("sotay-web.service")["Service"]["ExecStart"]
    worker = read_unit("sotay-worker.service")["Service"]["ExecStart"]
    socket = read_unit("sotay-web.socket")["Socket"]["ListenStream"]
    nginx = (REPO / "deploy/nginx/sotay.conf").read_text(encoding="utf-8")

    assert "gunicorn cms.wsgi:application" in web
    assert worker.endswith("sotay manage db_worker")
    assert f"unix:{socket}" in nginx  # nginx talks to the socket systemd holds for gunicorn
    assert read_unit("sotay-web.service")["Install"]["WantedBy"] == "multi-user.target"


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed")
def test_units_pass_systemd_analyze_verify(tmp_path):
    venv = REPO / ".venv"
    if not (venv / "bin" / "gunicorn").exists():
        pytest.skip("the project's virtualenv has no gunicorn")
    for unit in UNITS.iterdir():
        text = unit.read_text(encoding="utf-8").replace("/opt/sotay/.venv", str(venv))
        (tmp_path / unit.name).write_text(text, encoding="utf-8")
    names = sorted(p.name for p in tmp_path.iterdir() if p.suffix in (".service", ".timer"))

    result = subprocess.run(["systemd-analyze", "verify", *names], cwd=tmp_path, capture_output=True, text=True)

    assert result.returncode == 0, result.stderr
    assert "Unknown" not in result.stderr, result.stderr


@pytest.mark.skipif(not (PG_BIN / "initdb").exists(), reason="PostgreSQL 15 is not installed")
def test_postgresql_settings_are_accepted_by_postgres():
    """postgres -C reads every configuration file and refuses unknown names and bad values."""
    work = Path(tempfile.mkdtemp(prefix="sotay-pgconf-"))
    try:
        as_postgres = ["su", "postgres", "-c"] if os.geteuid() == 0 else ["sh", "-c"]
        if os.geteuid() == 0:
            shutil.chown(work, "postgres")
        data = work / "data"
        subprocess.run([*as_postgres, f"{PG_BIN}/initdb -D {data} -A trust -U postgres"], check=True,
                       capture_output=True, cwd="/")
        shutil.copy(REPO / "deploy/postgresql/sotay.conf", data / "sotay.conf")
        if os.geteuid() == 0:
            shutil.chown(data / "sotay.conf", "postgres")
        with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\ninclude 'sotay.conf'\n")

        def show(name: str) -> str:
            result = subprocess.run([*as_postgres, f"{PG_BIN}/postgres -D {data} -C {name}"], capture_output=True,
                                    text=True, cwd="/")
            assert result.returncode == 0, result.stderr
            return result.stdout.strip()

        assert show("max_connections") == "100"
        assert show("wal_level") == "replica"
        assert show("timezone") == "Asia/Ho_Chi_Minh"
        assert show("shared_buffers") == "524288"  # 4 GB in 8 kB pages
    finally:
        shutil.rmtree(work, ignore_errors=True)
