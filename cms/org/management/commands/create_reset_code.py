from django.core.management.base import BaseCommand, CommandError

from cms.org.models import Member
from cms.org.services import issue_reset_code


class Command(BaseCommand):
    help = "Cấp mã đặt lại mật khẩu dùng một lần cho một đảng viên."

    def add_arguments(self, parser) -> None:
        parser.add_argument("username")

    def handle(self, *args, username: str, **options) -> None:
        member = Member.objects.filter(user__username=username).first()
        if member is None:
            raise CommandError(f"Không có đảng viên “{username}”.")
        self.stdout.write(issue_reset_code(member=member, issued_by=None))
