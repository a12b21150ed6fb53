"""A member changes their own password: the old one, the new one twice, Django's validators, Vietnamese errors."""

from __future__ import annotations

from django.contrib.auth.forms import PasswordChangeForm


class MemberPasswordChangeForm(PasswordChangeForm):
    """Django's form with the member's words; `save()` sets the password (the caller keeps the session)."""

    error_messages = {
        "password_incorrect": "Mật khẩu hiện tại không đúng. Hãy nhập lại.",
        "password_mismatch": "Hai lần nhập mật khẩu mới không giống nhau.",
    }

    def __init__(self, user, *args, **kwargs) -> None:
        super().__init__(user, *args, **kwargs)
        labels = {"old_password": "Mật khẩu hiện tại", "new_password1": "Mật khẩu mới",
                  "new_password2": "Nhập lại mật khẩu mới"}
        for name, label in labels.items():
            self.fields[name].label = label
            self.fields[name].error_messages["required"] = f"Hãy nhập {label[0].lower()}{label[1:]}."
        self.fields["new_password1"].help_text = "Ít nhất 8 ký tự, không toàn chữ số, không quá dễ đoán."
