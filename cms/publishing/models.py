"""What editorial boards publish: news, resolutions, study materials and meeting materials.

Every page lives directly under the unit that owns it and is read by that unit's whole subtree, either by all
members or only by committee members (its tier). Together, owner unit and tier name the layer it is built into.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any, ClassVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel, TitleFieldPanel
from wagtail.fields import RichTextField
from wagtail.models import AbstractGroupApprovalTask, Page
from wagtail_headless_preview.models import HeadlessPreviewMixin

from cms.org.models import UnitPage
from cms.publishing.admin_forms import ArticlePageForm
from layerformat import model as tiers

RICH_FEATURES = ["h2", "h3", "bold", "italic", "ol", "ul", "link", "document-link", "image", "blockquote", "hr"]


class Tier(models.TextChoices):
    # The values are the layer format's tier names (layerformat.model.TIERS); only the labels live here.
    ALL = tiers.ALL, _("Tất cả đảng viên")
    COMMITTEE = tiers.COMMITTEE, _("Chỉ cấp ủy viên")


class Column(models.Model):
    """Chuyên mục: a column of articles, defined per province by its board. Members browse a layer's older
    articles by column in the layer's archive ("Lưu trữ")."""

    province = models.ForeignKey(UnitPage, on_delete=models.CASCADE, related_name="columns",
                                 limit_choices_to={"level": "province"}, verbose_name=_("đảng bộ tỉnh"))
    name = models.CharField(_("tên chuyên mục"), max_length=80)
    slug = models.SlugField(_("đường dẫn"), max_length=80, allow_unicode=False,
                            help_text=_("Chữ thường không dấu, nối bằng gạch ngang. Ví dụ: xay-dung-dang"))
    sort_order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    panels = [FieldPanel("province"), FieldPanel("name"), FieldPanel("slug"), FieldPanel("sort_order")]

    class Meta:
        verbose_name = _("chuyên mục")
        verbose_name_plural = _("chuyên mục")
        ordering = ["sort_order", "name"]
        constraints = [models.UniqueConstraint(fields=["province", "slug"], name="column_unique_slug")]

    def __str__(self) -> str:
        return self.name


class ArticlePage(HeadlessPreviewMixin, Page):
    """Common fields of everything a board publishes. Not created directly: use one of the kinds below."""

    kind = "news"

    tier = models.CharField(_("đối tượng đọc"), max_length=16, choices=Tier.choices, default=Tier.ALL)
    summary = models.TextField(_("tóm tắt"), blank=True)
    body = RichTextField(_("nội dung"), features=RICH_FEATURES, blank=True)
    column = models.ForeignKey(Column, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                               verbose_name=_("chuyên mục"))

    parent_page_types = ["org.UnitPage"]
    subpage_types: list[str] = []
    is_creatable = False
    api_fields = ["tier", "summary", "body"]

    content_panels = [
        TitleFieldPanel("title"),
        FieldPanel("summary"),
        FieldPanel("body"),
        FieldPanel("tier"),
        FieldPanel("column"),
    ]
    promote_panels = [FieldPanel("slug")]
    base_form_class = ArticlePageForm

    class Meta:
        verbose_name = _("bài viết")

    @property
    def owner_unit(self) -> UnitPage:
        return self.get_parent().specific

    def reader_path(self) -> str:
        """Where members read this page: its place in the layer of its owner unit and tier."""
        from layerformat.model import LayerId

        layer = LayerId(tuple(self.owner_unit.code_path.split("/")), self.tier)
        return f"/{layer.prefix}/a/{self.pk}/"

    def get_url_parts(self, request=None):
        # Headless: "Xem bản đã xuất bản" and the live badge open the reader, not a Wagtail template.
        parts = super().get_url_parts(request)
        site_id, root_url = (parts[0], parts[1] or "") if parts else (None, "")
        return site_id, root_url, self.reader_path()

    def serve(self, request, *args, **kwargs):
        return redirect(self.reader_path())

    def get_client_root_url(self, request) -> str:
        # One reader on the admin's own origin: no Wagtail Site lookup (the preview's dummy request may match none).
        from django.conf import settings

        return settings.WAGTAIL_HEADLESS_PREVIEW["CLIENT_URLS"]["default"]

    def clean(self) -> None:
        super().clean()
        parent = self.get_parent() if self.pk and self.depth else None
        if parent is not None and not isinstance(parent.specific, UnitPage):
            raise ValidationError(_("Bài viết chỉ được đăng trực tiếp dưới tổ chức đảng sở hữu nó."))

    # Document meta of the kind: meta name -> ORM lookup, in display order. The export stage reads these with
    # `.values()` (no page objects for thousands of articles); `extra_meta` reads the same from one page.
    meta_lookups: ClassVar[dict[str, str]] = {}

    @classmethod
    def meta_from(cls, values: Mapping[str, Any]) -> dict[str, str]:
        """The meta of an article from its looked-up values: empty ones left out, dates as ISO dates."""
        return {
            name: value.isoformat() if isinstance(value, date) else str(value)
            for name, value in values.items()
            if value not in (None, "")
        }

    def extra_meta(self) -> dict[str, str]:
        values = {}
        for name, lookup in self.meta_lookups.items():
            value: Any = self
            for part in lookup.split("__"):
                value = getattr(value, part, None) if value is not None else None
            values[name] = value
        return self.meta_from(values)


class NewsPage(ArticlePage):
    """Tin tức, thời sự: news of the unit."""

    kind = "news"
    is_creatable = True
    parent_page_types = ["org.UnitPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("tin tức")
        verbose_name_plural = _("tin tức")


class ResolutionPage(ArticlePage):
    """Nghị quyết, chỉ thị, kết luận, quy định, văn kiện: a party document with its code and attached file."""

    kind = "resolution"
    is_creatable = True
    parent_page_types = ["org.UnitPage"]
    subpage_types: list[str] = []

    document_code = models.CharField(_("số, ký hiệu"), max_length=40, help_text=_("Ví dụ: 09-NQ/TU"))
    issuing_body = models.CharField(_("cơ quan ban hành"), max_length=120, blank=True)
    issue_date = models.DateField(_("ngày ban hành"), null=True, blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        verbose_name=_("tệp đính kèm (PDF/DOCX)"),
    )

    content_panels = ArticlePage.content_panels + [
        MultiFieldPanel(
            [FieldPanel("document_code"), FieldPanel("issuing_body"), FieldPanel("issue_date"), FieldPanel("document")],
            heading=_("Văn bản"),
        )
    ]
    api_fields = ArticlePage.api_fields + ["document_code", "issuing_body", "issue_date"]

    class Meta:
        verbose_name = _("nghị quyết, văn bản")
        verbose_name_plural = _("nghị quyết, văn bản")

    meta_lookups: ClassVar[dict[str, str]] = {
        "document_code": "document_code", "issuing_body": "issuing_body", "issue_date": "issue_date",
        "document_title": "document__title",
    }


class StudyMaterialPage(ArticlePage):
    """Tài liệu học tập nghị quyết: members must study it before the deadline; committees track who did."""

    kind = "study"
    is_creatable = True
    parent_page_types = ["org.UnitPage"]
    subpage_types: list[str] = []

    study_deadline = models.DateField(_("hạn học tập"), null=True, blank=True)
    content_panels = ArticlePage.content_panels + [FieldPanel("study_deadline")]
    api_fields = ArticlePage.api_fields + ["study_deadline"]

    class Meta:
        verbose_name = _("tài liệu học tập")
        verbose_name_plural = _("tài liệu học tập")

    meta_lookups: ClassVar[dict[str, str]] = {"study_deadline": "study_deadline"}


class MeetingMaterialPage(ArticlePage):
    """Tài liệu sinh hoạt chi bộ: materials for a (monthly) meeting of the unit."""

    kind = "meeting"
    is_creatable = True
    parent_page_types = ["org.UnitPage"]
    subpage_types: list[str] = []

    meeting_date = models.DateField(_("ngày sinh hoạt"), null=True, blank=True)
    content_panels = ArticlePage.content_panels + [FieldPanel("meeting_date")]
    api_fields = ArticlePage.api_fields + ["meeting_date"]

    class Meta:
        verbose_name = _("tài liệu sinh hoạt chi bộ")
        verbose_name_plural = _("tài liệu sinh hoạt chi bộ")

    meta_lookups: ClassVar[dict[str, str]] = {"meeting_date": "meeting_date"}


ARTICLE_MODELS = (NewsPage, ResolutionPage, StudyMaterialPage, MeetingMaterialPage)
KIND_MODELS = {m.kind: m for m in ARTICLE_MODELS}


class BoardApprovalTask(AbstractGroupApprovalTask):
    """A unit's Ban Biên tập reviews a page; the member who sent it for review is not one of its reviewers."""

    @staticmethod
    def _requester_id(obj) -> int | None:
        state = getattr(obj, "current_workflow_state", None)
        return state.requested_by_id if state is not None else None

    def _is_requester(self, obj, user) -> bool:
        return user.pk is not None and self._requester_id(obj) == user.pk

    def get_actions(self, obj, user):
        if self._is_requester(obj, user):
            return []  # no "Duyệt" for one's own page
        return super().get_actions(obj, user)

    def locked_for_user(self, obj, user):
        # The author waits for the review like anyone outside the board: no edits in the middle of it.
        return self._is_requester(obj, user) or super().locked_for_user(obj, user)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        return super().get_task_states_user_can_moderate(user, **kwargs).exclude(
            workflow_state__requested_by=user
        )

    def on_action(self, task_state, user, action_name, **kwargs):
        if action_name == "approve" and task_state.workflow_state.requested_by_id == user.pk:
            raise PermissionDenied(_("Người gửi duyệt không tự duyệt bài của mình."))
        return super().on_action(task_state, user, action_name, **kwargs)

    @classmethod
    def get_description(cls):
        return _("Một thành viên khác của Ban Biên tập (không phải người gửi) duyệt bài")

    class Meta:
        verbose_name = _("Ban Biên tập duyệt")
        verbose_name_plural = _("Ban Biên tập duyệt")


class UnitReviewSetting(models.Model):
    """How a unit's pages reach members: through a second board member's review, or directly when the board is
    one person and the unit allows it."""

    unit = models.OneToOneField(UnitPage, on_delete=models.CASCADE, related_name="review_setting",
                                verbose_name=_("tổ chức đảng"))
    single_editor_publishes = models.BooleanField(
        _("ban biên tập một người được xuất bản thẳng"), default=True,
        help_text=_("Khi Ban Biên tập chỉ có một người, người đó xuất bản không cần duyệt."),
    )

    class Meta:
        verbose_name = _("cách duyệt bài của đơn vị")
        verbose_name_plural = _("cách duyệt bài của đơn vị")

    def __str__(self) -> str:
        return str(self.unit)


class LayerBuild(models.Model):
    """What the build queue last did with one layer, so the admin can tell an editor where their publish is.

    One row per layer, written by the build queue (`cms/publishing/build_status.py`): when a build was last asked
    for, when one last started, the last one that went live (and reached the store) and the last failure. A
    page's status compares these times with its own `last_published_at`."""

    layer = models.CharField(_("lớp"), max_length=255, unique=True)
    requested_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    attempt = models.PositiveIntegerField(default=0)  # of the build started last (1 = first try)
    live_version = models.PositiveIntegerField(null=True, blank=True)
    live_at = models.DateTimeField(null=True, blank=True)
    live_started_at = models.DateTimeField(null=True, blank=True)  # the start of the build that went live
    failed_at = models.DateTimeField(null=True, blank=True)
    failed_started_at = models.DateTimeField(null=True, blank=True)
    failed_stage = models.CharField(max_length=32, blank=True)
    error = models.TextField(blank=True)
    retry_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("lần dựng lớp")
        verbose_name_plural = _("lần dựng lớp")

    def __str__(self) -> str:
        return self.layer


class SigningKeyRecord(models.Model):
    """The public half of the key this installation signs its layers with (one row, written by `sotay setup` or by
    the first build): a machine added later with another key, or with none, stops before it signs a layer or
    publishes a public key the readers do not trust (`cms/publishing/keys.py`)."""

    public_key = models.CharField(_("khóa công khai"), max_length=64)
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("khóa ký của cài đặt")
        verbose_name_plural = _("khóa ký của cài đặt")

    def __str__(self) -> str:
        return self.public_key
