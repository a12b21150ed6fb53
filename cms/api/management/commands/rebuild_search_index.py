"""`sotay manage rebuild_search_index`: index every live article again (after a restore or a schema change)."""

from django.core.management.base import BaseCommand

from cms.api.search_index import rebuild_index


class Command(BaseCommand):
    help = "Dựng lại chỉ mục tìm kiếm của API từ các bài đang xuất bản."

    def handle(self, *args, **options) -> None:
        count = rebuild_index()
        self.stdout.write(f"Đã lập chỉ mục {count} bài viết.")
