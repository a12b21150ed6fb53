"""The `sotay` command: one entry point for operators.

`sotay manage …` passes through to Django; other subcommands are Django management commands or, for tools that
do not need the database, plain modules with `main(argv) -> int`.
"""

from __future__ import annotations

import importlib
import os
import sys

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
                   "activation-sheet"}

USAGE = """Cách dùng: sotay LỆNH [tham số]

  serve [--port N]          chạy trang quản trị, API và trang đọc
  build [--unit MÃ]         dựng và ký các lớp nội dung
  verify ĐƯỜNG_DẪN          kiểm tra chữ ký một lớp (thư mục hoặc s3://…)
  import-members TỆP        nhập đảng viên từ CSV/XLSX
  activation-sheet --unit MÃ -o TỆP.pdf
                            in phiếu kích hoạt (mã dùng một lần, mã QR) của chi bộ
  load-demo                 nạp tỉnh mẫu từ content/demo
  speech normalize|say      chuẩn hóa văn bản, đọc thử một câu
  publish                   đẩy các lớp lên kho (thư mục hoặc S3)
  backup / restore          sao lưu, phục hồi
  bench TÊN --json          đo hiệu năng
  worker                    chạy hàng đợi dựng lớp và xuất bản theo lịch
  manage …                  các lệnh quản trị Django
"""


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
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
    command, rest = argv[0], argv[1:]
    if command == "manage":
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["sotay manage", *rest])
        return 0
    if command in DJANGO_COMMANDS:
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
        from django.core.management import execute_from_command_line

        execute_from_command_line(["sotay", command.replace("-", "_"), *rest])
        return 0
    if command == "verify" and any(arg.startswith("s3://") for arg in rest):
        from deploy.verify_s3 import main as verify_s3

        return int(verify_s3(rest) or 0)
    if command in MODULE_COMMANDS:
        module_name, function = MODULE_COMMANDS[command].split(":")
        module = importlib.import_module(module_name)
        return int(getattr(module, function)(rest) or 0)
    sys.stderr.write(f"Không có lệnh “{command}”.\n\n{USAGE}")
    return 2


if __name__ == "__main__":
    sys.exit(main())
