"""The member record (hồ sơ đảng viên): party card number, joining and official dates, exemption, no smartphone.

One set of rules for every way a record is written (the admin form, and the model's `clean` for the rest).
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

# Vietnamese party cards carry a number of 6 to 12 digits; people type it with spaces or dots between groups.
CARD_RE = re.compile(r"^\d{6,12}$")
RECORD_FIELDS = (
    "card_number", "joined_on", "official_on", "exempt_from", "exempt_until", "exempt_reason", "no_smartphone",
)


def normalize_card_number(value: str | None) -> str | None:
    """The card number as digits only, or None when empty; ValidationError (Vietnamese) when it is not one."""
    text = re.sub(r"[\s.\-]", "", value or "")
    if not text:
        return None
    if not CARD_RE.match(text):
        raise ValidationError(
            _("Số thẻ đảng viên chỉ gồm chữ số, từ 6 đến 12 chữ số (ví dụ 012345678)."), code="card_number"
        )
    return text


def record_errors(
    *, joined_on: date | None, official_on: date | None, exempt_from: date | None, exempt_until: date | None,
    exempt_reason: str = "", today: date | None = None,
) -> dict[str, str]:
    """Field → Vietnamese message for every rule the dates and the exemption break (empty when all is well)."""
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if joined_on and joined_on > today:
        errors["joined_on"] = _("Ngày vào Đảng không thể ở sau hôm nay.")
    if official_on and official_on > today:
        errors["official_on"] = _("Ngày chính thức không thể ở sau hôm nay.")
    elif official_on and joined_on and official_on < joined_on:
        errors["official_on"] = _("Ngày chính thức phải từ ngày vào Đảng trở về sau.")
    if exempt_from and exempt_until and exempt_until < exempt_from:
        errors["exempt_until"] = _("Ngày kết thúc miễn sinh hoạt phải từ ngày bắt đầu trở về sau.")
    if (exempt_until or (exempt_reason or "").strip()) and not exempt_from:
        errors["exempt_from"] = _("Hãy nhập ngày bắt đầu miễn sinh hoạt.")
    if exempt_from and not (exempt_reason or "").strip():
        errors["exempt_reason"] = _("Hãy ghi lý do miễn sinh hoạt (đi làm ăn xa, tuổi cao, sức yếu…).")
    return errors


class MemberRecordFormMixin:
    """For a ModelForm of Member: the card number is normalised and checked, the dates and exemption agree."""

    def clean_card_number(self):
        card = normalize_card_number(self.cleaned_data.get("card_number"))
        if card:
            from .models import Member

            taken = Member.objects.filter(card_number=card).exclude(pk=self.instance.pk).exists()
            if taken:
                raise forms.ValidationError(_("Số thẻ đảng viên %(card)s đã có trong hệ thống.") % {"card": card})
        return card

    def clean(self):
        cleaned = super().clean()
        errors = record_errors(**{name: cleaned.get(name) for name in (
            "joined_on", "official_on", "exempt_from", "exempt_until", "exempt_reason")})
        for name, message in errors.items():
            if name in self.fields and name not in self.errors:
                self.add_error(name, message)
        return cleaned

    def record_data(self) -> dict:
        return {name: self.cleaned_data.get(name) for name in RECORD_FIELDS if name in self.cleaned_data}
