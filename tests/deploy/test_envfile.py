"""The operator's settings file (/etc/sotay/sotay.env) works for any secret, and production refuses demo data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cms import envfile

SOTAY = Path(sys.executable).with_name("sotay")
SECRET = "k(3)$HOME `x` 'q' \"d\" #5;=é"


def test_values_are_taken_literally_as_systemd_does():
    text = (
        "# comment\n; another\n\n"
        "PLAIN=a(b)c$HOME\n"
        f"SINGLE='{SECRET.replace(chr(39), '')}'\n"
        'DOUBLE="say \\"hi\\" \\\\ $x"\n'
        "  SPACED = value with spaces  \n"
        "export EXPORTED=1\n"
        "EMPTY=\n"
    )
    values = envfile.parse(text)
    assert values["PLAIN"] == "a(b)c$HOME"
    assert values["SINGLE"] == SECRET.replace("'", "")
    assert values["DOUBLE"] == 'say "hi" \\ $x'
    assert values["SPACED"] == "value with spaces"
    assert values["EXPORTED"] == "1"
    assert values["EMPTY"] == ""


def test_a_line_without_equals_names_its_line():
    with pytest.raises(envfile.EnvFileError, match="dòng 2"):
        envfile.parse("A=1\nnot a setting\n")


def _production_env(tmp_path: Path) -> dict[str, str]:
    env_file = tmp_path / "sotay.env"
    env_file.write_text(
        "DJANGO_SETTINGS_MODULE=cms.settings.production\n"
        f"SOTAY_SECRET_KEY={SECRET}\n"
        f"SOTAY_DATABASE_URL=sqlite:///{tmp_path}/db.sqlite3\n"
        "SOTAY_ALLOWED_HOSTS=sotay.example.vn\n"
        f"SOTAY_VAR_DIR={tmp_path}/var\n",
        encoding="utf-8",
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "SOTAY_"))}
    env["SOTAY_ENV_FILE"] = str(env_file)
    return env


def test_sotay_reads_the_settings_file_with_any_secret_and_shares_its_throttles_through_the_database(tmp_path):
    """Nothing another node must see is kept on this machine: throttles live in the database's cache table."""
    code = ("from django.conf import settings; print(settings.SECRET_KEY); "
            "print(settings.CACHES[settings.SOTAY_THROTTLE_CACHE]['BACKEND'])")
    out = subprocess.run([str(SOTAY), "manage", "shell", "-c", code], env=_production_env(tmp_path),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    secret, backend = out.stdout.strip().splitlines()[-2:]
    assert secret == SECRET
    assert backend == "cms.api.cache.SharedDatabaseCache"  # Django's database cache, one statement per write


def test_a_missing_settings_file_is_one_vietnamese_line(tmp_path):
    env = _production_env(tmp_path)
    env["SOTAY_ENV_FILE"] = str(tmp_path / "absent.env")
    out = subprocess.run([str(SOTAY), "manage", "check"], env=env, capture_output=True, text=True, timeout=60)
    assert out.returncode != 0
    assert "Traceback" not in out.stderr
    assert out.stderr.strip().splitlines() == [out.stderr.strip()]
    assert "không đọc được tệp cấu hình" in out.stderr


def test_load_demo_refuses_under_production_settings(tmp_path):
    env = _production_env(tmp_path)
    migrate = subprocess.run([str(SOTAY), "manage", "migrate", "-v0"], env=env, capture_output=True, text=True,
                             timeout=300)
    assert migrate.returncode == 0, migrate.stderr
    out = subprocess.run([str(SOTAY), "load-demo", "--no-build"], env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode != 0
    assert "Không nạp tỉnh mẫu trên máy chủ thật" in out.stderr
    assert "Traceback" not in out.stderr
    users = subprocess.run(
        [str(SOTAY), "manage", "shell", "-c",
         "from django.contrib.auth import get_user_model; print(get_user_model().objects.count())"],
        env=env, capture_output=True, text=True, timeout=120)
    assert users.stdout.strip().splitlines()[-1] == "0"


def test_pgbouncer_settings_come_from_the_environment(monkeypatch):
    from cms.settings.base import database_from_url

    url = "postgres://sotay:pw@127.0.0.1:6432/sotay"
    assert database_from_url(url)["CONN_MAX_AGE"] == 60
    assert database_from_url(url)["DISABLE_SERVER_SIDE_CURSORS"] is False
    monkeypatch.setenv("SOTAY_DB_CONN_MAX_AGE", "0")
    monkeypatch.setenv("SOTAY_DB_DISABLE_SERVER_SIDE_CURSORS", "1")
    assert database_from_url(url)["CONN_MAX_AGE"] == 0
    assert database_from_url(url)["DISABLE_SERVER_SIDE_CURSORS"] is True
