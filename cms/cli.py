"""The `sotay` command: one entry point for operators.

`sotay manage …` passes through to Django; other subcommands are Django management commands or, for tools that
do not need the database, plain modules with `main(argv) -> int`.
"""

from __future__ import annotations

import importlib
import os
import sys

from cms.errors import SotayError, explain

# Subcommands implemented as plain modules: name -> "module:function".
MODULE_COMMANDS = {
    "speech": "site_builder.speech.cli:main",
    "bench": "bench.cli:main",
    "verify": "layerformat.verify:main",
    "publish": "deploy.cli:main",
    "backup": "deploy.backup:main_backup",
    "restore": "deploy.backup:main_restore",
}
# Subcommands implemented as Django management commands (hyphens become underscores).
DJANGO_COMMANDS = {"serve", "import-members", "load-demo", "build", "worker", "setup", "create-reset-code",
                   "import-units", "rebuild-search-index", "media-to-bucket",
                   "activation-sheet", "digest"}

USAGE = """Cách dùng: sotay LỆNH [tham số]

  setup                     cập nhật cơ sở dữ liệu, tạo khóa ký nếu chưa có
  serve [--port N]          chạy trang quản trị, API và trang đọc
  build [--unit MÃ]         dựng và ký các lớp nội dung
  verify ĐƯỜNG_DẪN          kiểm tra chữ ký một lớp (thư mục hoặc s3://…)
  import-units TỆP          nhập cây đơn vị (và Ban Biên tập của mỗi đơn vị) từ CSV
  import-members TỆP        nhập đảng viên từ CSV/XLSX
  rebuild-search-index      dựng lại chỉ mục tìm kiếm của API
  media-to-bucket           chép tệp tải lên trên máy này lên kho dùng chung (SOTAY_MEDIA_BUCKET)
  activation-sheet --unit MÃ -o TỆP.pdf
                            in phiếu kích hoạt (mã dùng một lần, mã QR) của chi bộ
  digest --unit MÃ --period 2026-W48 -o TỆP.pdf
                            làm bản tin tuần/tháng của chi bộ (bản in, tệp nghe)
  load-demo                 nạp tỉnh mẫu từ content/demo
  speech normalize|say      chuẩn hóa văn bản, đọc thử một câu
  publish                   đẩy các lớp lên kho (thư mục hoặc S3)
  backup / restore          sao lưu, phục hồi
  bench TÊN --json          đo hiệu năng
  worker                    chạy hàng đợi dựng lớp và xuất bản theo lịch
  create-reset-code TÊN     cấp mã đặt lại mật khẩu cho một đảng viên
  manage …                  các lệnh quản trị Django
"""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    import django

    try:
        django.setup()
    except KeyError as exc:  # production settings read their secrets with os.environ[...]
        raise SotayError(f"thiếu biến môi trường {exc.args[0]} (đặt trong /etc/sotay/sotay.env)") from None


def run_django_command(name: str, argv: list[str]) -> int:
    """Run a management command as Django's run_from_argv does, but let its errors reach `main`."""
    _setup_django()
    from django.core.management import get_commands, load_command_class
    from django.db import connections

    command = load_command_class(get_commands()[name], name)
    command._called_from_command_line = True
    options = vars(command.create_parser("sotay", name).parse_args(argv))
    args = options.pop("args", ())
    try:
        command.execute(*args, **options)
    finally:
        connections.close_all()
    return 0


def run(command: str, rest: list[str]) -> int:
    if command == "manage":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")  # `--settings` may still override
        from django.core.management import execute_from_command_line

        execute_from_command_line(["sotay manage", *rest])
        return 0
    if command in DJANGO_COMMANDS:
        return run_django_command(command.replace("-", "_"), rest)
    if command == "verify" and any(arg.startswith("s3://") for arg in rest):
        from deploy.verify_s3 import main as verify_s3

        return int(verify_s3(rest) or 0)
    if command in MODULE_COMMANDS:
        module_name, function = MODULE_COMMANDS[command].split(":")
        module = importlib.import_module(module_name)
        return int(getattr(module, function)(rest) or 0)
    raise SotayError(f"không có lệnh “{command}”; xem `sotay help`")


def main(argv: list[str] | None = None) -> int:
    """Run one command. An expected failure ends with one Vietnamese line on stderr and status 1 (see
    cms/errors.py); anything else is a bug and keeps its traceback."""
    argv = list(sys.argv[1:] if argv is None else argv)
    from cms import envfile

    try:
        envfile.load(os.environ.get("SOTAY_ENV_FILE"))
    except envfile.EnvFileError as exc:
        sys.stderr.write(f"Lỗi: {exc}\n")
        return 2
    if not argv or argv[0] in ("-h", "--help", "help"):
        sys.stdout.write(USAGE)
        return 0
    try:
        return run(argv[0], argv[1:])
    except KeyboardInterrupt:
        sys.stderr.write("Đã dừng.\n")
        return 130
    except Exception as exc:
        if type(exc).__name__ == "SystemCheckError":  # Django's list of configuration findings, one per line
            sys.stderr.write(f"{exc}\n")
            return 1
        message = explain(exc)
        if message is None:
            raise
        sys.stderr.write(f"Lỗi: {message}\n")
        return 1


if __name__ == "__main__":
    sys.exit(main())
