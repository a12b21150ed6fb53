"""Party units as a Wagtail page tree, members and their one-time password-reset codes.

Units are pages so that Wagtail's page permissions follow the tree: an editorial board with rights on a district
page has them on every base organisation and cell below it, and nowhere else.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, TitleFieldPanel
from wagtail.models import Page

from layerformat.model import ALL, TIERS, LayerId


class Level(models.TextChoices):
    PROVINCE = "province", _("Tỉnh")
    DISTRICT = "district", _("Huyện (cấp trên cơ sở)")
    BASE = "base", _("Cơ sở")
    CELL = "cell", _("Chi bộ")


LEVEL_ORDER = [Level.PROVINCE, Level.DISTRICT, Level.BASE, Level.CELL]
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,31}$")


class UnitPage(Page):
    """A party organisation (tổ chức đảng): province → district → base → cell.

    Its children are lower units and the content it publishes; its code path (`tn/dt/x1`) names its layers.
    """

    code = models.CharField(_("mã đơn vị"), max_length=32, unique=True)
    level = models.CharField(_("cấp"), max_length=16, choices=Level.choices)
    code_path = models.CharField(max_length=255, unique=True, editable=False)

    parent_page_types = ["wagtailcore.Page", "org.UnitPage"]
    subpage_types = [
        "org.UnitPage",
        "publishing.NewsPage",
        "publishing.ResolutionPage",
        "publishing.StudyMaterialPage",
        "publishing.MeetingMaterialPage",
    ]
    content_panels = [TitleFieldPanel("title"), FieldPanel("code"), FieldPanel("level")]
    promote_panels = []
    settings_panels = []

    class Meta:
        verbose_name = _("tổ chức đảng")
        verbose_name_plural = _("tổ chức đảng")

    @classmethod
    def can_create_at(cls, parent) -> bool:
        # A cell (chi bộ) is the lowest level: no unit is ever offered as a page kind under it.
        parent_specific = getattr(parent, "specific", parent)
        if isinstance(parent_specific, UnitPage) and parent_specific.level == LEVEL_ORDER[-1]:
            return False
        return super().can_create_at(parent)

    def get_url_parts(self, request=None):
        # Headless: a unit's live view is the reader's home, where its members find what it publishes.
        parts = super().get_url_parts(request)
        site_id, root_url = (parts[0], parts[1] or "") if parts else (None, "")
        return site_id, root_url, "/"

    def serve(self, request, *args, **kwargs):
        from django.shortcuts import redirect

        return redirect("/")

    @property
    def parent_unit(self) -> UnitPage | None:
        parent = self.get_parent()
        return parent.specific if parent and isinstance(parent.specific, UnitPage) else None

    def layer(self, tier: str) -> LayerId:
        """The layer this unit publishes for `tier` (`u/<code path>/<tier>`)."""
        return LayerId.for_unit_path(self.code_path, tier)

    def layers(self) -> list[LayerId]:
        """This unit's layers, one per tier."""
        return LayerId.all_for_unit_path(self.code_path)

    def ancestor_units(self, inclusive: bool = True) -> list[UnitPage]:
        """Units from the province down to this one."""
        return list(UnitPage.objects.ancestor_of(self, inclusive=inclusive).order_by("depth"))

    def clean(self) -> None:
        super().clean()
        if not CODE_RE.match(self.code or ""):
            raise ValidationError({"code": _("Mã đơn vị chỉ gồm chữ thường không dấu, số và dấu gạch ngang.")})
        parent = self.get_parent() if self.depth else getattr(self, "_pending_parent", None)
        check_level_under(self.level, parent.specific if parent is not None else None)

    def save(self, *args, **kwargs):
        parent = self.get_parent() if self.depth else None
        parent_unit = parent.specific if parent is not None and isinstance(parent.specific, UnitPage) else None
        self.code_path = f"{parent_unit.code_path}/{self.code}" if parent_unit else self.code
        if not self.slug:
            self.slug = self.code
        return super().save(*args, **kwargs)


def check_level_under(level: str, parent) -> None:
    """Raise ValidationError unless a unit of `level` may sit under `parent` (a UnitPage or the tree root)."""
    if level not in LEVEL_ORDER:
        raise ValidationError({"level": _("Cấp không hợp lệ.")})
    index = LEVEL_ORDER.index(level)
    if isinstance(parent, UnitPage):
        if LEVEL_ORDER.index(parent.level) != index - 1:
            raise ValidationError(
                {"level": _("Đơn vị cấp “%(child)s” không thể nằm dưới đơn vị cấp “%(parent)s”.")
                 % {"child": Level(level).label, "parent": Level(parent.level).label}}
            )
    elif index != 0:
        raise ValidationError({"level": _("Chỉ đảng bộ tỉnh được đặt ở gốc cây tổ chức.")})


class Role(models.TextChoices):
    """bí thư, phó bí thư, chi ủy viên (cấp ủy viên above a cell), đảng viên."""

    MEMBER = "member", _("Đảng viên")
    COMMITTEE = "committee", _("Chi ủy viên / cấp ủy viên")
    DEPUTY = "deputy", _("Phó bí thư")
    SECRETARY = "secretary", _("Bí thư")


ROLE_TIERS = {Role.MEMBER: (ALL,), Role.COMMITTEE: TIERS, Role.DEPUTY: TIERS, Role.SECRETARY: TIERS}
# Committee members see their unit's reports and answer its feedback; leaders also manage members and codes.
COMMITTEE_ROLES = (Role.COMMITTEE, Role.DEPUTY, Role.SECRETARY)
LEADER_ROLES = (Role.DEPUTY, Role.SECRETARY)


class Status(models.TextChoices):
    OFFICIAL = "official", _("Chính thức")
    PROBATIONARY = "probationary", _("Dự bị")
    DECEASED = "deceased", _("Từ trần")
    STRUCK_OFF = "struck_off", _("Xóa tên")
    EXPELLED = "expelled", _("Khai trừ")


ACTIVE_STATUSES = (Status.OFFICIAL, Status.PROBATIONARY)


class Member(models.Model):
    """A party member's profile: their unit, role and status decide what they may read."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="member")
    full_name = models.CharField(_("họ và tên"), max_length=120)
    unit = models.ForeignKey(UnitPage, on_delete=models.PROTECT, related_name="members", verbose_name=_("đơn vị"))
    role = models.CharField(_("vai trò"), max_length=16, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("tình trạng"), max_length=16, choices=Status.choices, default=Status.OFFICIAL)
    phone = models.CharField(_("điện thoại"), max_length=20, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("năm sinh"), null=True, blank=True)
    # The member record (hồ sơ): the card number keys the sync with the member registry's export.
    card_number = models.CharField(_("số thẻ đảng viên"), max_length=20, unique=True, null=True, blank=True)
    joined_on = models.DateField(_("ngày vào Đảng"), null=True, blank=True)
    official_on = models.DateField(_("ngày chính thức"), null=True, blank=True)
    # Miễn sinh hoạt (working away, old, sick): counted apart from the eligible base of reports while it lasts.
    exempt_from = models.DateField(_("miễn sinh hoạt từ ngày"), null=True, blank=True)
    exempt_until = models.DateField(_("miễn sinh hoạt đến ngày"), null=True, blank=True)
    exempt_reason = models.CharField(_("lý do miễn sinh hoạt"), max_length=200, blank=True)
    no_smartphone = models.BooleanField(_("không có điện thoại thông minh"), default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("đảng viên")
        verbose_name_plural = _("đảng viên")
        indexes = [models.Index(fields=["unit", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(exempt_until__isnull=True)
                | models.Q(exempt_from__isnull=True)
                | models.Q(exempt_until__gte=models.F("exempt_from")),
                name="member_exemption_period_ordered",
            )
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.user.username})"

    @property
    def is_active_member(self) -> bool:
        return self.status in ACTIVE_STATUSES

    @property
    def tiers(self) -> tuple[str, ...]:
        return ROLE_TIERS[Role(self.role)]

    @property
    def is_committee(self) -> bool:
        return self.role in COMMITTEE_ROLES

    @property
    def is_leader(self) -> bool:
        """Bí thư and phó bí thư: they also manage members and issue codes."""
        return self.role in LEADER_ROLES

    def is_exempt_on(self, day) -> bool:
        """Miễn sinh hoạt on `day`: from `exempt_from` (or always) until `exempt_until` (or open-ended)."""
        if self.exempt_from is None and self.exempt_until is None:
            return False
        return (self.exempt_from is None or self.exempt_from <= day) and (
            self.exempt_until is None or day <= self.exempt_until
        )


class RoleGrant(models.Model):
    """A group a user holds because of their role, not because somebody added them to it.

    Role changes add and take away only these: a board membership given by hand (an editor of the unit who
    is also its secretary) outlives the secretary's term.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="role_grants")
    group = models.ForeignKey("auth.Group", on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("nhóm theo vai trò")
        verbose_name_plural = _("nhóm theo vai trò")
        constraints = [models.UniqueConstraint(fields=["user", "group"], name="role_grant_once_per_group")]


class ResetCode(models.Model):
    """A one-time password-reset code issued by a cell secretary; only its hash is stored."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="reset_codes")
    code_hash = models.CharField(max_length=128)
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("mã đặt lại mật khẩu")
        verbose_name_plural = _("mã đặt lại mật khẩu")
