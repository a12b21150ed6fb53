"""Small, readable fixtures data: a province with two districts, so isolation between units can be checked."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from cms.org.models import Member, UnitPage
from cms.org.services import create_member, create_unit

PASSWORD = "Matkhau-2026"
TZ = ZoneInfo("Asia/Ho_Chi_Minh")


@dataclass
class Tree:
    units: dict[str, UnitPage] = field(default_factory=dict)
    members: dict[str, Member] = field(default_factory=dict)

    def __getitem__(self, key: str):
        return self.members.get(key) or self.units[key]


UNITS = [
    # code, parent, level, name
    ("tn", None, "province", "Đảng bộ tỉnh Thái Nguyên"),
    ("dt", "tn", "district", "Đảng bộ huyện Đại Từ"),
    ("hs", "dt", "base", "Đảng bộ xã Hùng Sơn"),
    ("x1", "hs", "cell", "Chi bộ xóm Đồng Tâm"),
    ("x2", "hs", "cell", "Chi bộ xóm Tân Sơn"),
    ("pl", "tn", "district", "Đảng bộ huyện Phú Lương"),
    ("dn", "pl", "base", "Đảng bộ xã Động Đạt"),
    ("y1", "dn", "cell", "Chi bộ xóm Làng Lớn"),
]

MEMBERS = [
    # username, unit, role, editor
    ("dv.x1", "x1", "member", False),
    ("dv2.x1", "x1", "member", False),
    ("cuv.x1", "x1", "committee", False),
    ("bt.x1", "x1", "secretary", False),
    ("dv.x2", "x2", "member", False),
    ("dv.hs", "hs", "member", False),
    ("cuv.hs", "hs", "committee", False),
    ("bbt.dt", "dt", "member", True),
    ("cuv.dt", "dt", "committee", False),
    ("bt.dt", "dt", "secretary", False),
    ("bbt.tn", "tn", "member", True),
    ("cuv.tn", "tn", "committee", False),
    ("dv.y1", "y1", "member", False),
    ("bt.y1", "y1", "secretary", False),
    ("bbt.pl", "pl", "member", True),
]


def make_tree() -> Tree:
    tree = Tree()
    for code, parent, level, name in UNITS:
        tree.units[code] = create_unit(code=code, name=name, level=level, parent=tree.units.get(parent))
    for username, unit, role, editor in MEMBERS:
        tree.members[username] = create_member(
            username=username, full_name=f"Đảng viên {username}", unit=tree.units[unit], role=role,
            password=PASSWORD, editor=editor,
        )
    return tree


def publish(unit: UnitPage, title: str, *, kind: str = "news", tier: str = "all", body: str = "<p>Nội dung.</p>",
            when: datetime | None = None, **fields):
    """Create and publish a page of `kind` under `unit`, as an editor would."""
    from cms.publishing.models import KIND_MODELS

    page = KIND_MODELS[kind](title=title, tier=tier, body=body, **fields)
    unit.add_child(instance=page)
    page.save_revision().publish()
    if when is not None:
        type(page).objects.filter(pk=page.pk).update(first_published_at=when, last_published_at=when)
        page.refresh_from_db()
    return page
