"""Writes for the organisation context: units with their editorial boards, members, statuses, reset codes."""

from __future__ import annotations

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher, check_password, make_password
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

from .events import board_ready
from .models import Member, ResetCode, Role, Status, UnitPage, check_level_under
from .selectors import may_still_read

logger = logging.getLogger("sotay.org")

BOARD_PAGE_PERMISSIONS = ("add", "change", "publish", "lock", "unlock")
BOARD_COLLECTION_PERMISSIONS = (
    ("wagtailimages", "add_image"),
    ("wagtailimages", "choose_image"),
    ("wagtaildocs", "add_document"),
    ("wagtaildocs", "choose_document"),
)


def board_name(unit: UnitPage) -> str:
    return f"Ban Biên tập — {unit.title} [{unit.code}]"


@transaction.atomic
def create_unit(*, code: str, name: str, level: str, parent: UnitPage | None) -> UnitPage:
    """Create a unit under `parent` (None: the province at the root of the tree) with its editorial board."""
    root = parent or Page.get_first_root_node()
    check_level_under(level, parent)
    if UnitPage.objects.filter(code=code).exists():
        raise ValidationError(_("Mã đơn vị “%(code)s” đã tồn tại.") % {"code": code})
    unit = UnitPage(title=name, code=code, level=level, slug=code)
    unit._pending_parent = parent
    unit.full_clean(exclude=["path", "depth", "code_path", "url_path", "draft_title", "live"])
    root.add_child(instance=unit)
    return unit


@transaction.atomic
def ensure_board(unit: UnitPage) -> Group:
    """The unit's Ban Biên tập: a group that may edit and publish in the unit's subtree, and review its drafts."""
    group, _created = Group.objects.get_or_create(name=board_name(unit))
    group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    for permission_type in BOARD_PAGE_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=f"{permission_type}_page")
        GroupPagePermission.objects.get_or_create(group=group, page=unit, permission=permission)
    root_collection = Collection.get_first_root_node()
    for app_label, codename in BOARD_COLLECTION_PERMISSIONS:
        permission = Permission.objects.get(content_type__app_label=app_label, codename=codename)
        GroupCollectionPermission.objects.get_or_create(
            group=group, collection=root_collection, permission=permission
        )
    board_ready.send(sender=UnitPage, unit=unit, group=group)
    return group


def secretaries_group() -> Group:
    """Secretaries and deputies of every level reach the admin to manage their members and issue reset codes."""
    group, created = Group.objects.get_or_create(name="Bí thư các cấp")
    if created:
        group.permissions.add(Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"))
    return group


@transaction.atomic
def create_member(
    *,
    username: str,
    full_name: str,
    unit: UnitPage,
    role: str = Role.MEMBER,
    status: str = Status.OFFICIAL,
    password: str | None = None,
    phone: str = "",
    birth_year: int | None = None,
    editor: bool = False,
    record: dict | None = None,
) -> Member:
    """Create a user and their member profile; `editor` adds them to the unit's Ban Biên tập by hand (it outlives
    any role); `record` holds member-record fields (card number, dates, exemption, no smartphone)."""
    user_model = get_user_model()
    user = user_model(username=username)
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.save()
    member = Member.objects.create(
        user=user, full_name=full_name, unit=unit, role=role, status=status, phone=phone, birth_year=birth_year,
        **(record or {}),
    )
    # The role's groups (admin, the unit's board for base and cell leaders) come from the post_save signal.
    if editor:
        from .roles import keep_by_hand

        keep_by_hand(member, ensure_board(unit))
    return member


def set_status(*, member: Member, status: str, changed_by=None) -> Member:
    """Change a member's status; deceased, struck off and expelled lose access at once (sessions included)."""
    from wagtail.log_actions import LogContext

    member.status = status
    with LogContext(user=changed_by):
        member.save(update_fields=["status", "updated_at"])
    return member


class ResetCodeHasher(PBKDF2PasswordHasher):
    """Reset codes are six digits that live days: what guards them is the throttle and the expiry, and no
    iteration count makes a million guesses offline expensive. The password hasher's million iterations cost
    0.4-2 s per code, so printing a cell's sheet took a minute; this one costs milliseconds."""

    algorithm = "pbkdf2_sha256_code"
    iterations = 20_000


RESET_CODE_HASHER = ResetCodeHasher()


def _code_matches(code: str, encoded: str) -> bool:
    if encoded.startswith(f"{RESET_CODE_HASHER.algorithm}$"):
        return RESET_CODE_HASHER.verify(code, encoded)
    return check_password(code, encoded)  # codes issued before ResetCodeHasher


def issue_reset_code(*, member: Member, issued_by, lifetime: timedelta | None = None) -> str:
    """A 6-digit one-time code for the member to set a new password; returned once, stored hashed.

    Any unused code of the member stops working. `lifetime` defaults to SOTAY_RESET_CODE_MINUTES.
    """
    code = f"{secrets.randbelow(10**6):06d}"
    if lifetime is None:
        lifetime = timedelta(minutes=settings.SOTAY_RESET_CODE_MINUTES)
    ResetCode.objects.filter(member=member, used_at__isnull=True).update(used_at=timezone.now())
    ResetCode.objects.create(
        member=member,
        code_hash=make_password(code, hasher=RESET_CODE_HASHER),
        issued_by=issued_by,
        expires_at=timezone.now() + lifetime,
    )
    logger.info("reset code issued for %s by %s", member.user.username, getattr(issued_by, "username", None))
    return code


class ResetCodeError(Exception):
    pass


@transaction.atomic
def redeem_reset_code(*, username: str, code: str, new_password: str) -> Member:
    """Set a new password with a valid, unused, unexpired code; the code then stops working."""
    from django.contrib.auth.password_validation import validate_password

    member = Member.objects.select_related("user").filter(user__username=username).first()
    candidates = (
        ResetCode.objects.select_for_update()
        .filter(member=member, used_at__isnull=True, expires_at__gt=timezone.now())
        .order_by("-created_at")
        if member
        else []
    )
    match = next((c for c in candidates if _code_matches(code, c.code_hash)), None)
    if member is None or match is None or not may_still_read(member):
        raise ResetCodeError(_("Mã đặt lại không đúng hoặc đã hết hạn. Hãy xin bí thư chi bộ cấp mã mới."))
    validate_password(new_password, member.user)
    match.used_at = timezone.now()
    match.save(update_fields=["used_at"])
    member.user.set_password(new_password)
    member.user.save(update_fields=["password"])
    return member
