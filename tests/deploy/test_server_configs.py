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
    assert worker.endswith("sotay worker")  # the queue, scheduled publishing and re-signing, not db_worker alone
    assert f"unix:{socket}" in nginx  # nginx talks to the socket systemd holds for gunicorn
    assert read_unit("sotay-web.service")["Install"]["WantedBy"] == "multi-user.target"


def _sotay_commands() -> list[tuple[str, str]]:
    """(unit, sub-command) for every `sotay …` that an Exec line of a shipped unit runs."""
    commands = []
    for unit in sorted(UNITS.glob("*.service")):
        for line in unit.read_text(encoding="utf-8").splitlines():
            if line.startswith("Exec") and "/.venv/bin/sotay " in line:
                words = line.split("/.venv/bin/sotay ", 1)[1].split()
                commands.append((unit.name, " ".join(words[:2] if words[0] == "manage" else words[:1])))
    return commands


def test_every_unit_runs_a_sotay_command_that_exists(tmp_path):
    commands = _sotay_commands()
    assert {unit for unit, _ in commands} >= {"sotay-worker.service", "sotay-gc.service", "sotay-backup.service"}
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOTAY_") and k != "DJANGO_SETTINGS_MODULE"}
    env["SOTAY_VAR_DIR"] = str(tmp_path)
    for unit, command in commands:
        result = subprocess.run([str(REPO / ".venv/bin/sotay"), *command.split(), "--help"], cwd=REPO, env=env,
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, f"{unit}: sotay {command} --help\n{result.stderr}"
        assert result.stdout.startswith(f"usage: sotay {command}"), f"{unit}: {result.stdout[:200]}"


def test_a_unit_naming_a_missing_command_would_be_caught():
    result = subprocess.run([str(REPO / ".venv/bin/sotay"), "no-such-command", "--help"], cwd=REPO,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode != 0


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
