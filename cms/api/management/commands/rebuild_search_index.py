"""`sotay rebuild-search-index`: this node's search index again from the published layers (a new node, a lost
disk, a schema change); it then follows newer versions by itself (`cms/api/search_follow.py`)."""

from django.core.management.base import BaseCommand

from cms.api.search_follow import rebuild_from_published


class Command(BaseCommand):
    help = "Dựng lại chỉ mục tìm kiếm của API trên máy này từ các phiên bản lớp đang xuất bản."

    def handle(self, *args, **options) -> None:
        count = rebuild_from_published()
        self.stdout.write(f"Đã lập chỉ mục {count} bài viết.")
