"""Mức độ sử dụng: per unit of a subtree, rolled up, how many members sign in, use and install the handbook.

Counts of use (signed in, active, installed, study materials completed) are over eligible members
(`cms.org.selectors.eligible_members`: active, not exempt on the day, with a smartphone), which are also the
base of every share; members exempt from meetings and members without a smartphone are counted apart.

Counted live, a subtree costs two aggregate queries, grouped by each member's own unit, whatever its size; the
sums are carried up the tree in Python (5,606 units of a province in a few milliseconds). A subtree of more than
LIVE_LIMIT members (a province, a large district) is read from the worker's snapshot of every unit's own counts
instead, a few minutes old at most, and the report says when it was computed.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Page

from cms.api.models import Event, ReadFact
from cms.api.selectors import oversight_unit
from cms.org.models import ACTIVE_STATUSES, Member, UnitPage
from cms.org.selectors import eligible_members, exempt_q

from .models import MemberActivity, UsageSnapshot

STEP = Page.steplen
ACTIVE_DAYS = 30
# A subtree with more members than this is read from the worker's snapshot (`services.refresh_snapshot`, every
# SNAPSHOT_EVERY) while it is younger than SNAPSHOT_MAX_AGE: counting 97,250 members live takes 0.3–1.5 s on two
# cores, a district's 6,000 about 30 ms.
LIVE_LIMIT = 20_000
SNAPSHOT_EVERY = timedelta(minutes=5)
SNAPSHOT_MAX_AGE = timedelta(minutes=20)
COUNTS = ("members", "eligible", "exempt", "no_smartphone", "signed_in", "active", "installed", "study_completed")
SHARES = ("signed_in", "active", "installed")


class AdoptionError(Exception):
    """The caller may not see this unit's adoption."""


@dataclass
class UsageRow:
    code: str
    name: str
    level: str
    depth: int
    path: str
    parent: str | None = None
    members: int = 0
    eligible: int = 0
    exempt: int = 0
    no_smartphone: int = 0
    signed_in: int = 0
    active: int = 0
    installed: int = 0
    study_completed: int = 0
    rank: int | None = None

    def as_dict(self) -> dict:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "path"}
        for name in SHARES:
            data[f"{name}_rate"] = round(getattr(self, name) / self.eligible, 4) if self.eligible else 0.0
        return data

    @property
    def active_rate(self) -> float:
        return self.active / self.eligible if self.eligible else 0.0


def report_unit(user, unit_code: str | None) -> tuple[UnitPage, UnitPage]:
    """The unit `user` asked about (their own, the province for its administrator, or one below it) and the
    unit they answer for."""
    scope = oversight_unit(user)
    if scope is None:
        raise AdoptionError(_("Chỉ cấp ủy viên mới xem được mức độ sử dụng."))
    if not unit_code or unit_code == scope.code:
        return scope, scope
    unit = UnitPage.objects.filter(code=unit_code[:32], path__startswith=scope.path).first()
    if unit is None:
        raise AdoptionError(_("Đơn vị này không thuộc phạm vi của bạn."))
    return unit, scope


def adoption_rows(top: UnitPage, day: date | None = None, depth: int | None = None) -> list[UsageRow]:
    """Every unit of `top`'s subtree in tree order (down to `depth` levels below it, all when None), each with its
    own members and those of all the units below it."""
    return adoption_rows_as_of(top, day, depth)[0]


def adoption_rows_as_of(top: UnitPage, day: date | None = None,
                        depth: int | None = None) -> tuple[list[UsageRow], datetime | None]:
    """`adoption_rows`, and when the counts were taken from the worker's snapshot, the time it was computed
    (None: counted live now)."""
    day = day or timezone.localdate()
    units = UnitPage.objects.filter(path__startswith=top.path)
    paths = dict(units.values_list("pk", "path"))  # every unit below counts, shown or not
    shown = units if depth is None else units.filter(depth__lte=top.depth + depth)
    rows = {}
    for u in shown.order_by("path").values("path", "code", "title", "level", "depth"):
        rows[u["path"]] = UsageRow(u["code"], u["title"], u["level"], u["depth"] - top.depth, u["path"])
    for row in rows.values():
        parent = rows.get(row.path[:-STEP])
        row.parent = parent.code if parent else None
    counts, as_of = _snapshot_counts(paths, day)
    if counts is None:
        counts = own_counts(units.values("pk"), day)
    for unit_id, own in counts.items():
        if unit_id in paths:
            _add_up(rows, top, paths[unit_id], own)
    _rank(rows.values())
    return list(rows.values()), as_of


def own_counts(unit_ids, day: date) -> dict[int, dict[str, int]]:
    """Counted live: each unit's own members (not those below it), per unit id, for the units in `unit_ids`
    (a queryset of unit pks)."""
    # Grouped by the member's unit id (no join to the page tree). Accounts that are switched off or
    # administrators are left out by a semi-join on the few such users, not a join of every member to their
    # user: within what is left, `eligible_q` needs no user column.
    left_out = get_user_model().objects.filter(Q(is_superuser=True) | Q(is_active=False)).values("pk")
    members = Member.objects.filter(unit_id__in=unit_ids, status__in=ACTIVE_STATUSES).exclude(user_id__in=left_out)
    exempt = exempt_q(day)
    eligible = Q(status__in=ACTIVE_STATUSES, no_smartphone=False) & ~exempt  # = eligible_q(day) for `members`
    used = Exists(MemberActivity.objects.filter(member=OuterRef("pk")))
    recent = Exists(MemberActivity.objects.filter(member=OuterRef("pk"), day__gt=day - timedelta(days=ACTIVE_DAYS),
                                                  day__lte=day))
    # Annotation names must not shadow fields used in the filters (no_smartphone): "n_" + the row's field.
    per_unit = members.values("unit_id").annotate(
        n_members=Count("pk"),
        n_eligible=Count("pk", filter=eligible),
        n_exempt=Count("pk", filter=exempt),
        n_no_smartphone=Count("pk", filter=Q(no_smartphone=True) & ~exempt),
        n_signed_in=Count("pk", filter=eligible & (Q(adoption__first_sign_in_at__isnull=False) | used)),
        n_active=Count("pk", filter=eligible & recent),
        n_installed=Count("pk", filter=eligible & Q(adoption__installed_at__isnull=False)),
    ).order_by()
    out: dict[int, dict[str, int]] = {}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The planner's cost of this one aggregate crosses the JIT threshold; compiling costs more than it
            # saves on a query that reads each row once (measured: 130 ms of 1.4 s on the bench province).
            cursor.execute("SET LOCAL jit = off")
        for counts in per_unit:
            unit_id = counts.pop("unit_id")
            out[unit_id] = {name[2:]: n for name, n in counts.items()}
        for unit_id, n in _study_completions(eligible_members(members, day)):
            out.setdefault(unit_id, {})["study_completed"] = n
    return out


def _snapshot_counts(paths: dict[int, str], day: date) -> tuple[dict | None, datetime | None]:
    """The worker's counts for these units, when a snapshot of `day` is fresh and the subtree is large enough
    for counting live to be slow; (None, None) otherwise."""
    snapshot = UsageSnapshot.objects.filter(day=day, computed_at__gte=timezone.now() - SNAPSHOT_MAX_AGE).first()
    if snapshot is None:
        return None, None
    counts = {int(unit_id): dict(zip(COUNTS, values, strict=True)) for unit_id, values in snapshot.counts.items()
              if int(unit_id) in paths}
    if sum(c["members"] for c in counts.values()) <= LIVE_LIMIT:
        return None, None
    return counts, snapshot.computed_at


def _study_completions(members):
    from cms.publishing.models import StudyMaterialPage

    return (
        ReadFact.objects.filter(event=Event.COMPLETED, member__in=members.values("pk"),
                                page_id__in=StudyMaterialPage.objects.values("pk"))
        .values_list("member__unit_id").annotate(n=Count("pk")).order_by()
    )


def _add_up(rows: dict[str, UsageRow], top: UnitPage, path: str, counts: dict[str, int]) -> None:
    """Add a unit's own counts to it and to every ancestor inside the covered subtree."""
    for end in range(len(top.path), len(path) + 1, STEP):
        row = rows.get(path[:end])
        if row is not None:
            for name, n in counts.items():
                setattr(row, name, getattr(row, name) + n)


def _rank(rows) -> None:
    """Rank each unit among its siblings: the larger share of eligible members active in the last 30 days first."""
    siblings: dict[str | None, list[UsageRow]] = {}
    for row in rows:
        siblings.setdefault(row.parent, []).append(row)
    for group in siblings.values():
        group.sort(key=lambda r: (-r.active_rate, -r.eligible, r.name))
        for i, row in enumerate(group, start=1):
            row.rank = i


REPORT_DEPTH = 2


def adoption_report(user, unit_code: str | None = None, day: date | None = None,
                    depth: int | None = REPORT_DEPTH) -> dict:
    """The report a committee sees: the unit, its subtree rolled up (`depth` levels of it, all when None), and
    its direct units ranked."""
    unit, scope = report_unit(user, unit_code)
    day = day or timezone.localdate()
    rows, as_of = adoption_rows_as_of(unit, day, depth)
    top = rows[0]
    ranked = sorted((r for r in rows if r.parent == unit.code), key=lambda r: r.rank)
    parent = unit.parent_unit if unit.pk != scope.pk else None
    return {
        "unit": {"code": unit.code, "name": unit.title, "level": unit.level,
                 "parent": parent.code if parent is not None else None},
        "day": day.isoformat(),
        "as_of": timezone.localtime(as_of or timezone.now()).isoformat(timespec="minutes"),
        "live": as_of is None,
        "active_days": ACTIVE_DAYS,
        "depth": depth,
        "base": {"eligible": top.eligible, "exempt": top.exempt, "no_smartphone": top.no_smartphone},
        "total": top.as_dict(),
        "ranking": [r.code for r in ranked],
        "units": [r.as_dict() for r in rows],
    }


def base_sentence(report: dict) -> str:
    return _("Cơ sở tính: %(eligible)d đảng viên đang sinh hoạt, không kể %(exempt)d miễn sinh hoạt và "
             "%(no_smartphone)d không có điện thoại thông minh.") % report["base"]
