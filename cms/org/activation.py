"""Activation sheets: one-time codes a cell's leaders print for the monthly meeting, with a QR code per member.

A sheet gives every active member of the unit who has a smartphone a fresh code that lasts
`SHEET_CODE_LIFETIME` (ad-hoc codes issued one by one keep `SOTAY_RESET_CODE_MINUTES`). Issuing replaces the
member's unused code, so printing again makes the previous sheet worthless. The QR code opens the reader's
activation page with the username filled in; the member types the code and a new password there.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import ACTIVE_STATUSES, Member, UnitPage
from .phones import normalize_phone
from .services import issue_reset_code

logger = logging.getLogger("sotay.org")

SHEET_CODE_LIFETIME = timedelta(days=14)
# The reader's page that takes the code (cms/reader/urls.py); the QR code opens it.
ACTIVATION_PATH = "/kich-hoat/"


@dataclass(frozen=True)
class SheetEntry:
    full_name: str
    username: str
    code: str
    url: str


@dataclass(frozen=True)
class Sheet:
    unit: UnitPage
    entries: list[SheetEntry]
    printed_at: datetime
    expires_at: datetime
    left_out: int  # active members without a smartphone: they get no code


def public_url() -> str:
    return getattr(settings, "SOTAY_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")


def activation_url(username: str) -> str:
    """The activation page with the username filled in: what the sheet's QR code holds."""
    return f"{public_url()}{ACTIVATION_PATH}?{urlencode({'u': username})}"


def sheet_members(unit: UnitPage):
    """The members a sheet is printed for: the unit's own active members, by name."""
    return Member.objects.filter(unit=unit, status__in=ACTIVE_STATUSES).select_related("user").order_by(
        "full_name", "user__username"
    )


def sheet_unit(user, code: str | None = None) -> UnitPage | None:
    """The unit whose sheet `user` may print: their own if they are its bí thư or phó bí thư; a superuser names
    any unit by `code`. None when they may not print one."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return UnitPage.objects.filter(code=code).first() if code else None
    member = getattr(user, "member", None)
    if member is None or not member.is_active_member or not member.is_leader:
        return None
    if code and code != member.unit.code:
        return None
    return member.unit


@transaction.atomic
def issue_sheet(*, unit: UnitPage, issued_by) -> Sheet:
    """Fresh 14-day codes for every member of `unit` with a smartphone; their unused codes stop working."""
    now = timezone.now()
    entries, left_out = [], 0
    for member in sheet_members(unit):
        if member.no_smartphone:
            left_out += 1
            continue
        code = issue_reset_code(member=member, issued_by=issued_by, lifetime=SHEET_CODE_LIFETIME)
        username = member.user.username
        entries.append(SheetEntry(member.full_name, username, code, activation_url(username)))
    logger.info("activation sheet of %s: %d codes by %s", unit.code, len(entries),
                getattr(issued_by, "username", None))
    return Sheet(unit=unit, entries=entries, printed_at=now, expires_at=now + SHEET_CODE_LIFETIME,
                 left_out=left_out)


def qr_svg(url: str) -> str:
    """The QR code of `url` as inline SVG (no XML declaration), sized by the sheet's CSS."""
    import segno

    return segno.make(url, error="m").svg_inline(scale=4, border=2, omitsize=True)


def render_sheet_pdf(sheet: Sheet) -> bytes:
    """The A4 sheet in large type, one cut-out card per member (WeasyPrint: Pango shapes the Vietnamese)."""
    from weasyprint import HTML

    local_expiry = timezone.localtime(sheet.expires_at)
    cards = [{"entry": entry, "qr": qr_svg(entry.url)} for entry in sheet.entries]
    html = render_to_string("org/activation_sheet.html", {
        "sheet": sheet, "cards": cards, "expires": local_expiry, "printed": timezone.localtime(sheet.printed_at),
        "page_url": public_url() + ACTIVATION_PATH,
    })
    return HTML(string=html).write_pdf()


def sheet_filename(unit: UnitPage) -> str:
    return f"phieu-kich-hoat-{unit.code}.pdf"


def username_for(identifier: str) -> str:
    """The username a member typed, or the username of the one active member with that phone number."""
    text = (identifier or "").strip()
    try:
        phone = normalize_phone(text)
    except ValidationError:
        return text
    if not phone:
        return text
    national = "0" + phone[3:] if phone.startswith("+84") else phone
    numbers = {national, "+84" + national[1:]}
    members = Member.objects.filter(phone__in=numbers, status__in=ACTIVE_STATUSES)
    matches = list(members.values_list("user__username", flat=True)[:2])
    return matches[0] if len(matches) == 1 else text
