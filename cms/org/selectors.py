"""Reads for the organisation context, and the one access rule every output goes through.

A member may read layer (U, t) iff U is their own unit or an ancestor of it, t is allowed by their role,
and their status is active.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils import timezone

from layerformat.model import LayerId

from .models import ACTIVE_STATUSES, Member, UnitPage


def member_of(user) -> Member | None:
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.member
    except Member.DoesNotExist:
        return None


def _member_row_sql(connection) -> str:
    """SELECT of a member with every column of their unit (the page and the unit tables), by user id."""
    quote = connection.ops.quote_name
    unit_tables = {UnitPage._meta.db_table: "up", UnitPage._meta.pk.related_model._meta.db_table: "pg"}
    columns = [f"m.{quote(f.column)}" for f in Member._meta.concrete_fields]
    columns += [f"{unit_tables[f.model._meta.db_table]}.{quote(f.column)}" for f in UnitPage._meta.concrete_fields]
    return (f"SELECT {', '.join(columns)} FROM {quote(Member._meta.db_table)} m "
            f"JOIN {quote(UnitPage._meta.db_table)} up ON up.{quote(UnitPage._meta.pk.column)} = m.{quote('unit_id')} "
            f"JOIN {quote(UnitPage._meta.pk.related_model._meta.db_table)} pg "
            f"ON pg.{quote('id')} = up.{quote(UnitPage._meta.pk.column)} WHERE m.{quote('user_id')} = %s")


_MEMBER_SQL: dict[str, str] = {}


def load_member(user) -> Member | None:
    """The member profile of `user` with its unit, attached to the user, in one query that is compiled once per
    process (the ORM's compilation of the unit's forty page columns cost more than the query itself on every
    API request). `user.member` then reads it without a query."""
    from django.db import connections

    connection = connections[Member.objects.db]
    sql = _MEMBER_SQL.get(connection.alias) or _MEMBER_SQL.setdefault(connection.alias, _member_row_sql(connection))
    with connection.cursor() as cursor:
        cursor.execute(sql, [user.pk])
        row = cursor.fetchone()
    if row is None:
        return None
    member_fields = [f.attname for f in Member._meta.concrete_fields]
    member = Member.from_db(connection.alias, member_fields, row[: len(member_fields)])
    unit = UnitPage.from_db(connection.alias, [f.attname for f in UnitPage._meta.concrete_fields],
                            row[len(member_fields):])
    member.unit = unit
    user.member = member
    return member


def may_still_read(member: Member | None) -> bool:
    """Whether this member may still read: a status that keeps membership and a login that is still active.

    The one definition of "still a reader"; `active_members` is the same test for many members at once.
    """
    return member is not None and member.is_active_member and member.user.is_active


def active_members(members: QuerySet[Member] | None = None) -> QuerySet[Member]:
    """The members (of `members`, default all) who may still read, as `may_still_read` decides for one."""
    members = Member.objects.all() if members is None else members
    return members.filter(status__in=ACTIVE_STATUSES, user__is_active=True)


def unit_chain(member: Member) -> list[UnitPage]:
    """The member's units from the province down to their own."""
    return member.unit.ancestor_units(inclusive=True)


def layers_for(member: Member | None) -> list[LayerId]:
    """Every layer the member may read, province first."""
    if not may_still_read(member):
        return []
    chain = member.unit.code_path.split("/")
    return [LayerId.for_unit_path("/".join(chain[: i + 1]), tier) for i in range(len(chain)) for tier in member.tiers]


def can_read_layer(member: Member | None, layer: LayerId) -> bool:
    if not may_still_read(member):
        return False
    chain = member.unit.code_path.split("/")
    return layer.tier in member.tiers and list(layer.unit_path) == chain[: len(layer.unit_path)]


def can_read(user, path: str) -> bool:
    """The gate: may this user fetch `path` (a layer file such as `/u/tn/dt/all/a/12/`)?"""
    try:
        layer = LayerId.parse(path)
    except ValueError:
        return False
    if ".." in path.split("/"):
        return False
    return can_read_layer(member_of(user), layer)


def members_in_subtree(unit: UnitPage):
    return Member.objects.filter(unit__path__startswith=unit.path)


def exempt_q(day=None) -> Q:
    """Members miễn sinh hoạt on `day` (today by default)."""
    day = day or timezone.localdate()
    dated = Q(exempt_from__isnull=False) | Q(exempt_until__isnull=False)
    started = Q(exempt_from__isnull=True) | Q(exempt_from__lte=day)
    not_ended = Q(exempt_until__isnull=True) | Q(exempt_until__gte=day)
    return dated & started & not_ended


def eligible_members(members=None, day=None):
    """The base of read and adoption rates: active members, not exempt on `day`, with a smartphone.

    Provinces count members exempt from meetings and members without a smartphone apart, so rates divide by
    these members only (and reports say so).
    """
    return active_members(members).filter(eligible_q(day))


def eligible_q(day=None) -> Q:
    """The condition of `eligible_members` as a Q, for counting inside one aggregate query."""
    return Q(status__in=ACTIVE_STATUSES, user__is_active=True, no_smartphone=False) & ~exempt_q(day)


def member_record(member: Member) -> dict:
    """The member's own record (hồ sơ) as they see it in the reader: who, where, role, card, dates, exemption."""
    today = timezone.localdate()
    return {
        "username": member.user.username,
        "full_name": member.full_name,
        "unit": {"code": member.unit.code, "name": member.unit.title, "level": member.unit.level},
        "role": member.role,
        "role_label": str(member.get_role_display()),
        "status": member.status,
        "status_label": str(member.get_status_display()),
        "card_number": member.card_number or "",
        "joined_on": member.joined_on,
        "official_on": member.official_on,
        "phone": member.phone,
        "birth_year": member.birth_year,
        "exemption": {
            "exempt_now": member.is_exempt_on(today),
            "from": member.exempt_from,
            "until": member.exempt_until,
            "reason": member.exempt_reason,
        },
        "no_smartphone": member.no_smartphone,
    }
