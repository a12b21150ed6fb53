"""The sync with the member registry's export: match rows to members by card number, show the difference, apply it.

A row is matched by its card number; a member who has no card number yet is matched once by username (the
first sync of members entered before the registry was used), and the card number is then recorded. Members of
the file's units who are not in the file are reported as leaving and never deleted: the organisation board
decides, through their status, what happens to them.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from wagtail.log_actions import LogContext

from layerformat.text import fold

from .. import services
from ..models import Member, Role, Status, UnitPage
from .parsing import DATE_FIELDS, LABELS, ImportFailed, MemberRow, Parsed, RowError, map_header, parse

logger = logging.getLogger("sotay.org")


@dataclass
class FieldChange:
    field: str
    old: object
    new: object

    @property
    def label(self) -> str:
        return LABELS[self.field]

    @property
    def old_text(self) -> str:
        return display(self.field, self.old)

    @property
    def new_text(self) -> str:
        return display(self.field, self.new)


@dataclass
class NewMember:
    row: MemberRow
    username: str

    @property
    def fields(self) -> list[FieldChange]:
        """The row's values as changes from nothing, for showing what will be recorded."""
        return [FieldChange(name, None, value) for name, value in self.row.values.items()
                if name not in ("full_name", "unit_code") and value not in (None, "", False)]


@dataclass
class ChangedMember:
    row: MemberRow
    member: Member
    changes: list[FieldChange]


@dataclass
class Plan:
    """The difference between a file and the database, ready to be shown and then applied as it is."""

    columns: list[str]
    units: list[str]  # codes of the units the file names
    new: list[NewMember] = field(default_factory=list)
    changed: list[ChangedMember] = field(default_factory=list)
    leaving: list[Member] = field(default_factory=list)
    unchanged: int = 0

    @property
    def has_changes(self) -> bool:
        return bool(self.new or self.changed)

    def fingerprint(self) -> str:
        """A digest of what applying would do: a confirmation is refused when the difference is not the one shown."""
        items = [["new", n.row.line, n.username, n.row.card_number, sorted(n.row.values.items())] for n in self.new]
        items += [["changed", c.member.pk, [(f.field, f.old, f.new) for f in c.changes]] for c in self.changed]
        items += [["leaving", m.pk] for m in self.leaving]
        return hashlib.sha256(json.dumps(items, default=str, ensure_ascii=False).encode()).hexdigest()


@dataclass
class SyncResult:
    created: int = 0
    updated: int = 0
    leaving: int = 0


def display(name: str, value: object) -> str:
    """A value as the organisation board writes it: dates d/m/y, roles and statuses by name, "—" for nothing."""
    if value in (None, ""):
        return "—"
    if isinstance(value, bool):
        return "có" if value else "không"
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    if name == "role":
        return str(Role(value).label).lower()
    if name == "status":
        return str(Status(value).label).lower()
    return str(value)


def plan_sync(rows: list[list[str]], *, scope: UnitPage | None = None) -> Plan:
    """The difference the rows make; `scope` (a unit) limits the file to that unit's subtree.

    Raises ImportFailed with every problem of every row; nothing is written.
    """
    if rows and any(rows[0]):  # a wrong header is said before anything is read from the database
        header_errors = map_header(rows[0])[1]
        if header_errors:
            raise ImportFailed(header_errors)
    units = {u.code: u for u in UnitPage.objects.all()}
    parsed = parse(rows, units=units)
    errors = list(parsed.errors)
    if errors and not parsed.rows:
        raise ImportFailed(errors)
    in_scope = _scope_check(scope)
    for row in parsed.rows:
        if not in_scope(units[row.unit_code]):
            errors.append(RowError(row.line, f"đơn vị “{row.unit_code}” không thuộc phạm vi bạn quản lý."))
    plan = Plan(columns=parsed.columns, units=sorted({row.unit_code for row in parsed.rows}))
    by_pk = {u.pk: u for u in units.values()}
    matched = _match(parsed, errors, in_scope, by_pk)
    if errors:
        raise ImportFailed(errors)
    taken: set[str] | None = None
    for row in parsed.rows:
        member = matched.get(row.line)
        if member is None:
            username = row.username
            if not username:
                taken = taken if taken is not None else set(get_user_model().objects.values_list("username", flat=True))
                username = generate_username(row.full_name, taken)
            plan.new.append(NewMember(row=row, username=username))
            continue
        changes = _changes(row, member)
        if changes:
            plan.changed.append(ChangedMember(row=row, member=member, changes=changes))
        else:
            plan.unchanged += 1
    matched_pks = {m.pk for m in matched.values()}
    codes = set(plan.units)
    unit_pks = [pk for pk, unit in by_pk.items() if unit.code in codes and in_scope(unit)]
    in_units = _chunked(Member.objects.select_related("user"), "unit_id", unit_pks)
    leaving = [m for m in _with_units(in_units, by_pk) if m.pk not in matched_pks]
    plan.leaving = sorted(leaving, key=lambda m: (m.unit.code, m.full_name))
    return plan


def _with_units(members: list[Member], by_pk: dict[int, UnitPage]) -> list[Member]:
    """Each member's unit taken from the units already loaded: a Wagtail page object built per member row
    (select_related) was most of a sync's time."""
    for member in members:
        member.unit = by_pk[member.unit_id]
    return members


def _scope_check(scope: UnitPage | None):
    if scope is None:
        return lambda unit: True
    return lambda unit: unit.path.startswith(scope.path)


def _match(parsed: Parsed, errors: list[RowError], in_scope, by_pk: dict[int, UnitPage]) -> dict[int, Member]:
    """Line → existing member for the rows that name one; problems are appended to `errors`."""
    rows = parsed.rows
    cards = [r.card_number for r in rows if r.card_number]
    usernames = [r.username for r in rows if r.username]
    members = Member.objects.select_related("user")
    by_card = {m.card_number: m for m in _with_units(_chunked(members, "card_number", cards), by_pk)}
    by_username = {m.user.username: m for m in _with_units(_chunked(members, "user__username", usernames), by_pk)}
    users = get_user_model().objects.filter(member__isnull=True)
    bare_users = {u.username for u in _chunked(users, "username", usernames)}
    matched: dict[int, Member] = {}
    first_line: dict[object, int] = {}
    for row in rows:
        for key, label in ((row.card_number, "số thẻ"), (row.username, "tên đăng nhập")):
            if key and (label, key) in first_line:
                errors.append(RowError(row.line, f"{label} “{key}” trùng với dòng {first_line[(label, key)]}."))
            elif key:
                first_line[(label, key)] = row.line
        member = by_card.get(row.card_number) if row.card_number else None
        named = by_username.get(row.username)
        if member is None and named is not None:
            if row.card_number and named.card_number:
                errors.append(RowError(row.line, f"tên đăng nhập “{row.username}” đã có trong hệ thống, của đảng "
                                                 f"viên số thẻ {named.card_number}."))
                continue
            member = named
        elif member is None and row.username in bare_users:
            errors.append(RowError(row.line, f"tên đăng nhập “{row.username}” đã có trong hệ thống."))
            continue
        if member is None:
            continue
        if member.pk in first_line:
            errors.append(RowError(row.line, f"cùng một đảng viên với dòng {first_line[member.pk]}."))
            continue
        first_line[member.pk] = row.line
        if not in_scope(member.unit):
            errors.append(RowError(row.line, f"đảng viên {member.full_name} ({member.user.username}) thuộc đơn vị "
                                             f"“{member.unit.code}”, ngoài phạm vi bạn quản lý."))
            continue
        matched[row.line] = member
        _check_period(row, member, errors)
    return matched


def _chunked(queryset, field: str, values: list, size: int = 5000) -> list:
    """`field__in=values` in slices: a whole province's export would pass SQLite's limit of bound parameters."""
    return [obj for i in range(0, len(values), size) for obj in queryset.filter(**{f"{field}__in": values[i:i + size]})]


def _check_period(row: MemberRow, member: Member, errors: list[RowError]) -> None:
    # The database refuses an exemption that ends before it starts; the file may carry only one of the two dates.
    start = row.values["exempt_from"] if "exempt_from" in row.values else member.exempt_from
    end = row.values["exempt_until"] if "exempt_until" in row.values else member.exempt_until
    if start and end and end < start:
        errors.append(RowError(row.line, "miễn sinh hoạt đến trước ngày bắt đầu miễn."))


def _current(member: Member, name: str) -> object:
    return member.unit.code if name == "unit_code" else getattr(member, name)


def _changes(row: MemberRow, member: Member) -> list[FieldChange]:
    changes = []
    if row.card_number and member.card_number != row.card_number:
        changes.append(FieldChange("card_number", member.card_number, row.card_number))
    for name, new in row.values.items():
        old = _current(member, name)
        if (old or None) != (new or None):
            changes.append(FieldChange(name, old, new))
    return changes


def generate_username(full_name: str, taken: set[str]) -> str:
    """Given name, then the initials of family and middle names, then two digits: "Nguyễn Kim Yến" → "yennk01"."""
    words = [w for w in fold(full_name).split() if w.isalnum()] or ["dv"]
    stem = words[-1] + "".join(w[0] for w in words[:-1])
    stem = "".join(c for c in stem if c.isascii() and c.isalnum())[:140] or "dv"
    number = 1
    while f"{stem}{number:02d}" in taken:
        number += 1
    username = f"{stem}{number:02d}"
    taken.add(username)
    return username


@transaction.atomic
def apply_plan(plan: Plan, *, by=None) -> SyncResult:
    """Write the plan: new members created, changed fields set; leaving members are left as they are.

    Every save runs inside Wagtail's log context of `by`, so the audit log names who synced.
    """
    units = {u.code: u for u in UnitPage.objects.filter(code__in=plan.units)}
    with LogContext(user=by):
        for new in plan.new:
            _create(new, units)
        for changed in plan.changed:
            _update(changed, units)
    logger.info("member sync by %s: %d new, %d changed, %d leaving (kept)", getattr(by, "username", None),
                len(plan.new), len(plan.changed), len(plan.leaving))
    return SyncResult(created=len(plan.new), updated=len(plan.changed), leaving=len(plan.leaving))


def _create(new: NewMember, units: dict[str, UnitPage]) -> Member:
    values = new.row.values
    member = services.create_member(
        username=new.username,
        full_name=new.row.full_name,
        unit=units[new.row.unit_code],
        role=values.get("role") or Role.MEMBER,
        status=values.get("status") or Status.OFFICIAL,
        password=new.row.password or None,
        phone=values.get("phone") or "",
        birth_year=values.get("birth_year"),
        editor=new.row.editor,
    )
    record = {name: values[name] for name in (*DATE_FIELDS, "exempt_reason", "no_smartphone") if name in values}
    record["card_number"] = new.row.card_number or None
    for name, value in record.items():
        setattr(member, name, value)
    member.save(update_fields=[*record, "updated_at"])
    return member


def _update(changed: ChangedMember, units: dict[str, UnitPage]) -> None:
    member = changed.member
    plain = [c for c in changed.changes if c.field not in ("role", "status")]
    for change in plain:
        if change.field == "unit_code":
            member.unit = units[change.new]
        else:
            setattr(member, change.field, change.new)
    if plain:
        member.save(update_fields=[("unit" if c.field == "unit_code" else c.field) for c in plain] + ["updated_at"])
    for change in changed.changes:
        if change.field == "status":
            services.set_status(member=member, status=change.new)
    role = next((c.new for c in changed.changes if c.field == "role"), None)
    if role is not None or any(c.field == "unit_code" for c in changed.changes):
        change_role(member=member, role=role or member.role)


def change_role(*, member: Member, role: str) -> None:
    """The one place the sync changes a role (or moves a member, which changes the groups a role brings).

    Groups and the audit log follow from the member's save; should roles get a service of their own (a
    `set_role(member=, role=, changed_by=)`), this is the one call to switch to it.
    """
    if member.role != role:
        member.role = role
        member.save(update_fields=["role", "updated_at"])
