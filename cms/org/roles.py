"""What a role lets a person do, kept in step with the role on every write.

A member's role (bí thư, phó bí thư, chi ủy viên, đảng viên), unit and status decide which Django groups their user
holds:

| role                   | groups                                                                          |
|------------------------|---------------------------------------------------------------------------------|
| bí thư, phó bí thư     | "Bí thư các cấp" (admin; members and reset codes of their subtree), and at base |
|                        | and cell level the unit's Ban Biên tập (publish meeting materials)             |
| chi ủy viên            | "Cấp ủy viên các cấp" (admin: the unit's read rates and feedback, no members)  |
| đảng viên              | none                                                                            |

Groups added because of a role are recorded as `RoleGrant` rows; only those are taken away when the role, the unit
or the status changes. A board membership added by hand (`create_member(editor=True)`, the Users admin) has no
grant row and is never removed here.

`sync_role_groups` runs from the Member post_save signal, so the admin form, `create_member`, the importer and any
other `Member.save()` all apply it; a bulk `QuerySet.update()` bypasses it and must call it for each member.
Every change of role, status or unit is written to Wagtail's audit log (`ModelLogEntry`) with its from → to and
the user in the active `LogContext` (the admin sets it on every request; `set_role` and `set_status` take it).
"""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from wagtail.log_actions import LogContext, log

from .models import COMMITTEE_ROLES, LEADER_ROLES, Level, Member, Role, RoleGrant, Status

COMMITTEE_GROUP = "Cấp ủy viên các cấp"
# Levels whose leaders publish their own unit's materials (a cell has no editorial board of its own to ask).
PUBLISHING_LEVELS = (Level.BASE, Level.CELL)
TRACKED = ("role", "status", "unit_id")
LOG_ACTIONS = {"role": "sotay.role_change", "status": "sotay.status_change", "unit_id": "sotay.unit_change"}


def _admin_group(name: str) -> Group:
    group, created = Group.objects.get_or_create(name=name)
    if created:
        group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return group


def committee_group() -> Group:
    """Committee members reach the admin for their unit's read rates and feedback inbox, nothing more."""
    return _admin_group(COMMITTEE_GROUP)


def role_groups(member: Member) -> list[Group]:
    """The groups `member`'s role, unit and status call for."""
    from .services import board_name, ensure_board, secretaries_group

    if not member.is_active_member:
        return []
    if member.role in LEADER_ROLES:
        groups = [secretaries_group()]
        if member.unit.level in PUBLISHING_LEVELS:
            unit = member.unit
            groups.append(Group.objects.filter(name=board_name(unit)).first() or ensure_board(unit))
        return groups
    if member.role == Role.COMMITTEE:
        return [committee_group()]
    return []


@transaction.atomic
def sync_role_groups(member: Member) -> None:
    """Give the user the groups their role calls for and take away those an earlier role gave."""
    user = member.user
    wanted = {group.pk: group for group in role_groups(member)}
    granted = dict(RoleGrant.objects.filter(user=user).values_list("group_id", "pk"))
    held = set(user.groups.values_list("pk", flat=True))
    for pk, group in wanted.items():
        if pk in granted:
            continue
        if pk not in held:  # held without a grant: given by hand, and stays that way
            user.groups.add(group)
            RoleGrant.objects.create(user=user, group=group)
    gone = [pk for pk in granted if pk not in wanted]
    if gone:
        user.groups.remove(*gone)
        RoleGrant.objects.filter(user=user, group_id__in=gone).delete()


def keep_by_hand(member: Member, group: Group) -> None:
    """Mark `group` as given by hand (an editor): later role changes leave it."""
    member.user.groups.add(group)
    RoleGrant.objects.filter(user=member.user, group=group).delete()


def remember_tracked(member: Member) -> None:
    """Before a save: the stored role, status and unit, for the audit log after it."""
    before = Member.objects.filter(pk=member.pk).values(*TRACKED).first() if member.pk else None
    member._sotay_before = before


def _label(field: str, value) -> str:
    from .models import UnitPage

    if value is None:
        return ""
    if field == "role":
        return str(Role(value).label) if value in Role.values else value
    if field == "status":
        return str(Status(value).label) if value in Status.values else value
    unit = UnitPage.objects.filter(pk=value).values_list("title", flat=True).first()
    return unit or str(value)


def needs_sync(member: Member, created: bool) -> bool:
    """Only a new committee member or leader, or a change of role, status or unit, can change the groups: an
    ordinary save (a phone number, an import of plain members) costs no extra query."""
    if created:
        return member.role in COMMITTEE_ROLES
    before = getattr(member, "_sotay_before", None)
    return before is None or any(before[field] != getattr(member, field) for field in TRACKED)


def log_tracked_changes(member: Member) -> None:
    """After a save: one audit log entry per changed field, with from → to (codes and Vietnamese labels)."""
    before = getattr(member, "_sotay_before", None)
    member._sotay_before = None
    if not before:
        return
    for field in TRACKED:
        old, new = before[field], getattr(member, field)
        if old == new:
            continue
        data = {"field": field.removesuffix("_id"), "from": old, "to": new,
                "from_label": _label(field, old), "to_label": _label(field, new)}
        log(instance=member, action=LOG_ACTIONS[field], data=data)


def set_role(*, member: Member, role: str, changed_by=None) -> Member:
    """Change `member`'s role; their groups follow at once and the change is logged as made by `changed_by`."""
    member.role = Role(role)
    with LogContext(user=changed_by):
        member.save(update_fields=["role", "updated_at"])
    return member
