"""Vietnamese phone numbers as members and secretaries type them: 0912 345 678, 0912.345.678, +84 912 345 678."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# Spaces, dots and dashes between digit groups are how numbers are written on forms and business cards.
SEPARATORS = re.compile(r"(?<=\d)[\s.\-]+(?=\d)")
NATIONAL = re.compile(r"^0\d{9}$")
INTERNATIONAL = re.compile(r"^\+84\d{9}$")


def normalize_phone(value: str) -> str:
    """The number without separators, or "" for an empty value; ValidationError (Vietnamese) for anything else."""
    text = (value or "").strip()
    if not text:
        return ""
    compact = SEPARATORS.sub("", text)
    if NATIONAL.match(compact) or INTERNATIONAL.match(compact):
        return compact
    raise ValidationError(
        _("Số điện thoại không hợp lệ: hãy nhập 10 chữ số bắt đầu bằng 0 (ví dụ 0912 345 678) "
          "hoặc dạng +84 (ví dụ +84 912 345 678)."),
        code="phone",
    )
