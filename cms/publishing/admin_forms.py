"""Admin forms in the board's language: Vietnamese login labels, and schedule fields the phone's own picker fills."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.auth import LoginForm as WagtailLoginForm
from wagtail.admin.forms.pages import WagtailAdminPageForm

LOCAL_MINUTES = "%Y-%m-%dT%H:%M"


class LoginForm(WagtailLoginForm):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("Tên đăng nhập")
        self.fields["password"].label = _("Mật khẩu")


class ArticlePageForm(WagtailAdminPageForm):
    """The schedule dialog's dates use the browser's own date-time input.

    Wagtail's overlay calendar opens over the dialog's "Lưu lịch" button and stays open until a time is also
    picked, so an editor who chose only a day could not save. The native input is a popup of the browser (on a
    phone, the system's picker) that never covers the page, and it types as well as it clicks.
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name in ("go_live_at", "expire_at"):
            if name in self.fields:
                self.fields[name].widget = forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                               format=LOCAL_MINUTES)
        if "column" in self.fields:
            # Columns are the province's: a page chooses among those of the province it belongs to.
            unit = getattr(self, "parent_page", None)
            code_path = getattr(getattr(unit, "specific", unit), "code_path", "") or ""
            queryset = self.fields["column"].queryset
            self.fields["column"].queryset = queryset.filter(province__code_path=code_path.split("/")[0])
