from pathlib import Path

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from cms.publishing.demo import load_province


class Command(BaseCommand):
    help = "Nạp tỉnh mẫu (đơn vị, tài khoản, đảng viên, bài viết) từ content/demo; chạy lại không nhân đôi."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dir", type=Path, default=None, help="thư mục nội dung (mặc định content/demo)")
        parser.add_argument("--no-build", action="store_true", help="không dựng các lớp sau khi nạp")
        parser.add_argument("--no-speech", action="store_true", help="dựng lớp nhưng không tạo âm thanh")

    def handle(self, *args, dir=None, no_build=False, no_speech=False, **options) -> None:
        from django.conf import settings

        if getattr(settings, "SOTAY_PRODUCTION", False):
            raise CommandError(
                "Không nạp tỉnh mẫu trên máy chủ thật: tài khoản mẫu có mật khẩu ai cũng biết. "
                "Hãy tạo cây đơn vị và tài khoản theo docs/deploy.md."
            )
        if dir is not None and not dir.is_dir():
            raise CommandError(f"không tìm thấy thư mục nội dung {dir}")
        stats = load_province(dir)
        self.stdout.write(
            f"Đã nạp: {stats.units} đơn vị, {stats.accounts} tài khoản, {stats.members} đảng viên, "
            f"{stats.articles} bài viết mới."
        )
        if not no_build:
            call_command("build", no_speech=no_speech)
        self.print_logins(dir)

    def print_logins(self, root) -> None:
        import csv

        from django.conf import settings

        path = Path(root or Path(settings.BASE_DIR) / "content" / "demo") / "accounts.csv"
        roles = {"member": "đảng viên", "committee": "chi ủy viên / cấp ủy viên", "deputy": "phó bí thư",
                 "secretary": "bí thư"}
        self.stdout.write("\nTài khoản dùng thử (tên đăng nhập / mật khẩu — đơn vị, vai trò):")
        with path.open(encoding="utf-8") as f:
            for row in csv.DictReader(f):
                role = roles.get(row["role"], row["role"]) + (", Ban Biên tập" if row.get("editor") == "1" else "")
                if row["username"] == "admin":
                    role = "quản trị toàn tỉnh"
                self.stdout.write(f"  {row['username']:<10} / {row['password']:<10} — {row['unit_code']}, {role}")
        self.stdout.write("Trang đọc: http://127.0.0.1:8000/   Quản trị: http://127.0.0.1:8000/admin/\n")
