"""Every `sotay` command answers an expected failure with one Vietnamese line on stderr and a non-zero exit.

Each case runs the installed `sotay` entry point in its own process, as an operator types it, against a
database, an S3 endpoint or a file that is not there or not right. A traceback is a failed test.
"""

from __future__ import annotations

import base64
import os
import socket
import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

SOTAY = str(Path(sys.executable).with_name("sotay"))
FAKE_AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def closed_port() -> int:
    """A port nothing listens on: bound, then released."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def env(tmp_path: Path) -> dict[str, str]:
    """A fresh installation directory, dev settings, an empty (never migrated) SQLite database."""
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("SOTAY_", "AWS_", "DJANGO_"))}
    return {**base, "SOTAY_VAR_DIR": str(tmp_path / "var"), "SOTAY_SPEECH": "0",
            "DJANGO_SETTINGS_MODULE": "cms.settings.dev"}


@pytest.fixture
def pg_down(env: dict[str, str]) -> dict[str, str]:
    """The settings point at a PostgreSQL server that is not running."""
    return {**env, "SOTAY_DATABASE_URL": f"postgres://sotay:x@127.0.0.1:{closed_port()}/sotay"}


def sotay(env: dict[str, str], *args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    return subprocess.run([SOTAY, *args], env=env, cwd=cwd, capture_output=True, text=True, timeout=180)


def assert_one_line(result: subprocess.CompletedProcess, *words: str) -> str:
    """Non-zero exit, no traceback, exactly one line on stderr, and it says `words` (Vietnamese)."""
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert result.returncode != 0, result
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


# --- no database ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("command", [
    ["build"], ["serve", "--no-worker", "--port", "0"], ["worker"], ["load-demo", "--no-build"],
    ["create-reset-code", "dv.x1"], ["setup"], ["backup"], ["manage", "migrate"],
])
def test_a_database_that_does_not_answer_is_one_line(pg_down, tmp_path, command):
    line = assert_one_line(sotay(pg_down, *command), "không kết nối được cơ sở dữ liệu", "PostgreSQL")
    assert "127.0.0.1" in line


@pytest.mark.parametrize("command", [
    ["build"], ["serve", "--no-worker", "--port", "0"], ["worker"], ["load-demo", "--no-build"],
    ["create-reset-code", "dv.x1"],
])
def test_a_database_that_was_never_migrated_is_one_line(env, command):
    assert_one_line(sotay(env, *command), "cơ sở dữ liệu", "sotay setup")


# --- bad path, bad file -----------------------------------------------------------------------------------------

def test_import_members_of_a_missing_file(env, tmp_path):
    assert_one_line(sotay(env, "import-members", str(tmp_path / "khong-co.csv")), "Không tìm thấy tệp")


def test_import_members_of_a_directory(env, tmp_path):
    assert_one_line(sotay(env, "import-members", str(tmp_path)), "là thư mục")


def test_import_members_of_a_file_that_is_not_a_spreadsheet(env, tmp_path):
    fake = tmp_path / "dang-vien.xlsx"
    fake.write_text("Tên đăng nhập,Họ và tên\n", encoding="utf-8")
    assert_one_line(sotay(env, "import-members", str(fake)), "Không đọc được tệp Excel (XLSX)")


def test_import_members_of_a_file_that_is_not_csv(env, tmp_path):
    binary = tmp_path / "dang-vien.csv"
    binary.write_bytes(b"\x00\x01\x02\xff" * 64)
    assert_one_line(sotay(env, "import-members", str(binary)), "không phải bảng CSV")


def test_import_members_with_missing_columns(env, tmp_path):
    table = tmp_path / "dang-vien.csv"
    table.write_text("Họ và tên\nNguyễn Văn An\n", encoding="utf-8")
    assert_one_line(sotay(env, "import-members", str(table)), "thiếu cột", "Chưa thay đổi đảng viên nào")


def test_load_demo_from_a_missing_directory(env, tmp_path):
    assert_one_line(sotay(env, "load-demo", "--no-build", "--dir", str(tmp_path / "khong-co")),
                    "không tìm thấy thư mục nội dung")


def test_verify_a_missing_directory(env, tmp_path):
    assert_one_line(sotay(env, "verify", str(tmp_path / "khong-co")), "Không tìm thấy lớp nào")


def test_verify_without_a_public_key(env, tmp_path):
    layer = tmp_path / "site" / "u" / "tn" / "all"
    layer.mkdir(parents=True)
    (layer / "manifest.json").write_text("{}", encoding="utf-8")
    assert_one_line(sotay(env, "verify", str(tmp_path / "site")), "Không tìm thấy khóa công khai")


def test_verify_with_a_key_file_that_is_not_a_key(env, tmp_path):
    layer = tmp_path / "site" / "u" / "tn" / "all"
    layer.mkdir(parents=True)
    (layer / "manifest.json").write_text("{}", encoding="utf-8")
    (tmp_path / "signing.pub").write_text("không phải khóa", encoding="utf-8")
    assert_one_line(sotay(env, "verify", str(layer), "--public-key", str(tmp_path / "signing.pub")),
                    "Không kiểm tra được")


def test_verify_reports_a_corrupt_manifest_as_a_finding_not_a_crash(env, tmp_path):
    layer = tmp_path / "site" / "u" / "tn" / "all"
    layer.mkdir(parents=True)
    (layer / "manifest.json").write_text("{hỏng", encoding="utf-8")
    (tmp_path / "signing.pub").write_text(base64.b64encode(b"k" * 32).decode(), encoding="utf-8")
    result = sotay(env, "verify", str(layer), "--public-key", str(tmp_path / "signing.pub"), "--seen", "")
    assert result.returncode == 1 and "Traceback" not in result.stderr + result.stdout
    assert "Phát hiện" in result.stdout and "u/tn/all" in result.stdout


def test_publish_from_a_missing_site_directory(env, tmp_path):
    assert_one_line(sotay(env, "publish", "--site-dir", str(tmp_path / "khong-co")), "không tìm thấy thư mục")


def test_publish_a_layer_whose_manifest_is_corrupt(env, tmp_path):
    layer = tmp_path / "site" / "u" / "tn" / "all"
    layer.mkdir(parents=True)
    (layer / "manifest.json").write_text("{hỏng", encoding="utf-8")
    assert_one_line(sotay(env, "publish", "--site-dir", str(tmp_path / "site"), "--store", "local",
                          "--root", str(tmp_path / "store")), "Không đẩy được")


def test_restore_a_missing_archive(env, tmp_path):
    assert_one_line(sotay(env, "restore", str(tmp_path / "khong-co.tar.gz")), "không tìm thấy tệp sao lưu")


def test_restore_a_file_that_is_not_an_archive(env, tmp_path):
    junk = tmp_path / "sotay.tar.gz"
    junk.write_bytes(b"not a backup")
    assert_one_line(sotay(env, "restore", str(junk)), "Phục hồi thất bại", "đã hỏng")


def test_restore_an_archive_that_is_not_a_backup(env, tmp_path):
    (tmp_path / "ghi-chu.txt").write_text("xin chào", encoding="utf-8")
    archive = tmp_path / "khac.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(tmp_path / "ghi-chu.txt", arcname="ghi-chu.txt")
    assert_one_line(sotay(env, "restore", str(archive)), "không phải bản sao lưu", "không tìm thấy")


def test_backup_into_a_directory_that_cannot_be_made(env, tmp_path):
    (tmp_path / "tep").write_text("", encoding="utf-8")
    assert_one_line(sotay(env, "backup", "--out", str(tmp_path / "tep" / "sotay.tar.gz")), "Sao lưu thất bại")


def test_speech_into_a_directory_that_cannot_be_made(env, tmp_path):
    (tmp_path / "tep").write_text("", encoding="utf-8")
    assert_one_line(sotay(env, "speech", "say", "xin chào", "-o", str(tmp_path / "tep" / "a.opus")),
                    "cùng tên")


def test_setup_then_serve_on_a_port_in_use(env, tmp_path):
    setup = sotay(env, "setup")  # what the "not migrated" answers tell the operator to run
    assert setup.returncode == 0, setup.stderr
    assert "Cơ sở dữ liệu đã cập nhật" in setup.stdout
    assert (tmp_path / "var" / "keys" / "signing.key").exists()
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        line = assert_one_line(sotay(env, "serve", "--no-worker", "--port", str(port)), "không mở được cổng")
    assert str(port) in line


# --- missing or broken key --------------------------------------------------------------------------------------

def test_a_signing_key_file_that_is_not_a_key(env, tmp_path):
    bad = tmp_path / "signing.key"
    bad.write_text("abc\n", encoding="utf-8")
    assert_one_line(sotay({**env, "SOTAY_SIGNING_KEY_FILE": str(bad)}, "setup"), "khóa ký không đọc được")


def test_a_machine_added_without_the_installations_signing_key_is_stopped(env, tmp_path):
    shared = {**env, "SOTAY_DATABASE_URL": f"sqlite:///{tmp_path / 'shared.sqlite3'}"}  # one database, two machines
    first = sotay({**shared, "SOTAY_VAR_DIR": str(tmp_path / "first")}, "setup")
    assert first.returncode == 0, first.stderr
    second = {**shared, "SOTAY_VAR_DIR": str(tmp_path / "second")}
    key_file = tmp_path / "second" / "keys" / "signing.key"
    assert_one_line(sotay(second, "setup"), "chưa có khóa ký", str(key_file), "docs/scaling.md")
    assert not key_file.exists()  # no key of its own that readers would not trust
    other = tmp_path / "other.key"
    other.write_bytes(base64.b64encode(os.urandom(32)) + b"\n")
    assert_one_line(sotay({**second, "SOTAY_SIGNING_KEY_FILE": str(other)}, "setup"), "khác khóa")
    key_file.parent.mkdir(parents=True)
    key_file.write_bytes((tmp_path / "first" / "keys" / "signing.key").read_bytes())  # the key, copied over
    again = sotay(second, "setup")
    assert again.returncode == 0, again.stderr
    assert again.stdout.split("khóa công khai: ")[1] == first.stdout.split("khóa công khai: ")[1]


def test_verify_s3_without_the_public_key_file(env, tmp_path):
    assert_one_line(sotay(env, "verify", "s3://sotay-layers/u/tn/all", "--public-key", str(tmp_path / "k.pub")),
                    "Không tìm thấy khóa công khai", "--public-key")


# --- unreachable S3 endpoint ------------------------------------------------------------------------------------

def test_publish_to_an_endpoint_that_is_down(env, tmp_path):
    (tmp_path / "site" / "u").mkdir(parents=True)
    endpoint = f"http://127.0.0.1:{closed_port()}"
    line = assert_one_line(sotay({**env, **FAKE_AWS}, "publish", "--site-dir", str(tmp_path / "site"),
                                 "--store", "s3", "--bucket", "sotay-layers", "--endpoint-url", endpoint),
                           "không kết nối được kho S3")
    assert endpoint in line


def test_verify_s3_against_the_configured_endpoint_that_is_down(env, tmp_path):
    key = tmp_path / "signing.pub"
    key.write_text(base64.b64encode(b"k" * 32).decode(), encoding="utf-8")
    endpoint = f"http://127.0.0.1:{closed_port()}"
    line = assert_one_line(sotay({**env, **FAKE_AWS, "SOTAY_STORE_ENDPOINT_URL": endpoint}, "verify",
                                 "s3://sotay-layers/u/tn/all", "--public-key", str(key)),
                           "không kết nối được kho S3")
    assert endpoint in line, "without --endpoint-url, verify uses the configured endpoint"


# --- the command line itself ------------------------------------------------------------------------------------

def test_an_unknown_command(env):
    assert_one_line(sotay(env, "xuat-ban"), "không có lệnh", "sotay help")


def test_an_unknown_benchmark(env):
    assert_one_line(sotay(env, "bench", "khong-co"), "Cách dùng")
