"""Committee members into the admin by their role, not by a group.

A chi ủy viên who is neither secretary nor editor is in no group, yet answers for their unit's read rates and
feedback, which live in the Wagtail admin. Deciding admin access from the member record here means a role
change opens or closes the admin on the next request, with no group to keep in step.
"""

from __future__ import annotations

from django.contrib.auth.backends import BaseBackend

from .selectors import oversight_unit

ADMIN_ACCESS = "wagtailadmin.access_admin"


class CommitteeAdminBackend(BaseBackend):
    """Grants only the admin's door (`access_admin`); what is inside is decided by each view."""

    def has_perm(self, user_obj, perm: str, obj=None) -> bool:
        return perm == ADMIN_ACCESS and obj is None and oversight_unit(user_obj) is not None
