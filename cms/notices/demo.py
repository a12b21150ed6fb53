"""Demo content of notices: urgent notices, last week's digest for every cell, two configured local feeds
(files in content/demo/feeds, read through file://, never the internet) and an article sent up from a cell.

Connected to `cms.publishing.events.demo_loaded`; loading the demo again adds nothing new (fixed client ids,
unique feeds, one pending submission per article, digests unique per cell and period).
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from cms.org.models import COMMITTEE_ROLES, Level, Member, UnitPage

from .digests import last_week, make_digests
from .feeds import import_source
from .models import FeedSource, Notice, Submission

logger = logging.getLogger("sotay.notices")
NAMESPACE = uuid.UUID("0b7f6a52-3c4d-4e1e-8f70-5a2b9c1d0e17")
FEEDS = [("Báo Thái Nguyên — Chính trị", "bao-thai-nguyen.rss"),
         ("Cổng thông tin điện tử tỉnh", "cong-thong-tin-tinh.atom")]


def _notice(unit: UnitPage, title: str, body: str, tier: str = "all") -> None:
    sender = Member.objects.filter(unit=unit, role__in=COMMITTEE_ROLES).order_by("-role").first()
    client_id = uuid.uuid5(NAMESPACE, f"{unit.code}/{title}")
    Notice.objects.get_or_create(client_id=client_id, defaults={
        "unit": unit, "tier": tier, "title": title, "body": body, "sent_by": sender})


def add_demo_content(sender=None, root: Path | None = None, units: dict | None = None, **kwargs) -> None:
    province = UnitPage.objects.filter(depth__gte=2).order_by("depth", "path").first()
    if province is None:
        return
    _notice(province, "Chủ động phòng, chống mưa lũ",
            "Ban Thường vụ Tỉnh ủy đề nghị các đồng chí đảng viên ở các xã vùng trũng, ven sông chủ động giúp "
            "nhân dân di dời tài sản, không để người dân ở lại nơi có nguy cơ sạt lở; báo ngay cho chi ủy khi "
            "có tình huống khẩn cấp.")
    cell = (UnitPage.objects.filter(level=Level.CELL, members__role__in=COMMITTEE_ROLES).order_by("path")
            .distinct().first())
    if cell is not None:
        _notice(cell, "Dời lịch sinh hoạt chi bộ",
                "Do mưa lớn, chi bộ dời buổi sinh hoạt tối thứ Bảy sang 19 giờ 30 thứ Hai tuần sau, tại nhà văn "
                "hóa xóm. Các đồng chí chú ý theo dõi.")
    _feeds(Path(root) if root else None, province)
    _submission(cell)
    transaction.on_commit(_digests)


def _feeds(root: Path | None, province: UnitPage) -> None:
    folder = (root or Path(__file__).resolve().parents[2] / "content" / "demo") / "feeds"
    if not folder.is_dir():
        return
    for name, filename in FEEDS:
        url = (folder / filename).resolve().as_uri()
        source, created = FeedSource.objects.get_or_create(unit=province, url=url, defaults={"name": name})
        if created:
            import_source(source)


def _submission(cell: UnitPage | None) -> None:
    from cms.publishing.models import ArticlePage

    from .submissions import submit_up

    if cell is None:
        return
    page = ArticlePage.objects.live().child_of(cell).filter(tier="all").order_by("-first_published_at").first()
    if page is None or Submission.objects.filter(page=page).exists():
        return
    users = get_user_model().objects.filter(member__unit=cell).order_by("username")
    editor = next((u for u in users if page.permissions_for_user(u).can_edit()), None)
    if editor is None:
        return
    submit_up(by=editor, page=page, note="Chi bộ gửi tin hoạt động tháng này để Ban Biên tập huyện xem xét đăng.")


def _digests() -> None:
    """Last week's digest for every cell: text, PDF and, when speech is on, audio (a few shared segments)."""
    try:
        made = make_digests(last_week())
        logger.info("demo digests: %s", made)
    except Exception:  # noqa: BLE001 - the demo is usable without its digests; say why they are missing
        logger.exception("demo digests not made")
