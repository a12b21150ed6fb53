"""Wagtail admin of learning, for the Ban Biên tập of a unit (its subtree): the question bank with XLSX import
and export, quizzes and contest rounds, and a round's results with certificates for the winners."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet, ModelViewSetGroup
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies.base import BasePermissionPolicy

from cms.api.selectors import oversight_unit
from cms.api.services import ServiceError
from cms.org.models import UnitPage

from . import certificates, services
from .bank import LETTERS, BankFileError, export_bank, import_bank
from .models import Poll, QAEntry, Question, QuestionKind, Round
from .polls import parse_questions
from .selectors import board_units, managed_questions, managed_rounds, rollup, rollup_unit


class BoardPolicy(BasePermissionPolicy):
    """A board manages the questions and rounds of its unit's subtree; superusers manage all."""

    def __init__(self, model, scoped):
        super().__init__(model)
        self.scoped = scoped

    def user_has_permission(self, user, action):
        return user.is_active and (user.is_superuser or board_units(user).exists())

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and self.scoped(user).filter(pk=instance.pk).exists()

    def instances_user_has_permission_for(self, user, action):
        return self.scoped(user)

    def users_with_permission(self, action):
        return get_user_model().objects.filter(is_superuser=True)


class ScopedUnitForm(WagtailAdminModelForm):
    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if for_user is not None:
            self.fields["unit"].queryset = board_units(for_user).order_by("path")


class QuestionForm(ScopedUnitForm):
    choices_text = forms.CharField(
        label=gettext_lazy("Phương án"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Mỗi dòng một phương án (2 đến 6); thêm dấu * ở đầu phương án đúng."))

    class Meta:
        model = Question
        fields = ["unit", "text", "kind", "choices_text", "explanation", "resolution", "topic"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["choices_text"] = "\n".join(
                ("*" if c.get("correct") else "") + c["text"] for c in self.instance.choices)

    def clean(self):
        data = super().clean()
        lines = [line.strip() for line in (data.get("choices_text") or "").splitlines() if line.strip()]
        choices = [{"text": line.lstrip("*").strip(), "correct": line.startswith("*")} for line in lines]
        if not 2 <= len(choices) <= len(LETTERS):
            self.add_error("choices_text", _("Cần từ 2 đến 6 phương án."))
        right = sum(c["correct"] for c in choices)
        if right == 0:
            self.add_error("choices_text", _("Đánh dấu * trước ít nhất một phương án đúng."))
        if data.get("kind") == QuestionKind.SINGLE and right > 1:
            self.add_error("choices_text", _("Câu một đáp án chỉ có một phương án đúng."))
        self.instance.choices = choices
        return data


class RoundForm(ScopedUnitForm):
    class Meta:
        model = Round
        fields = ["unit", "tier", "kind", "title", "description", "opens_at", "closes_at", "question_count",
                  "time_limit_s", "attempts_allowed", "resolution", "topic", "winners"]

    def clean(self):
        data = super().clean()
        if data.get("opens_at") and data.get("closes_at") and data["closes_at"] <= data["opens_at"]:
            self.add_error("closes_at", _("Giờ đóng phải sau giờ mở."))
        if data.get("question_count") == 0:
            self.add_error("question_count", _("Mỗi lượt cần ít nhất một câu hỏi."))
        return data


class ScopedFormMixin:
    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "for_user": self.request.user}


class QuestionIndexView(IndexView):
    @cached_property
    def header_buttons(self):
        return [*super().header_buttons,
                HeaderButton(_("Nhập từ Excel"), url=reverse("sotay_learning_import"), icon_name="upload"),
                HeaderButton(_("Xuất Excel"), url=reverse("sotay_learning_export"), icon_name="download")]


class RoundIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("unit")


class QuestionCreate(ScopedFormMixin, CreateView):
    pass


class QuestionEdit(ScopedFormMixin, EditView):
    pass


class QuestionViewSet(ModelViewSet):
    model = Question
    form_fields = ["unit", "text", "kind", "explanation", "resolution", "topic"]
    list_display = ["text", "kind", "resolution", "topic", "unit"]
    list_filter = ["kind", "resolution", "topic"]
    search_fields = ["text", "resolution", "topic"]
    icon = "help"
    menu_label = gettext_lazy("Ngân hàng câu hỏi")
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = QuestionIndexView
    add_view_class = QuestionCreate
    edit_view_class = QuestionEdit

    def get_form_class(self, for_update=False):
        return QuestionForm


class RoundCreate(ScopedFormMixin, CreateView):
    pass


class RoundEdit(ScopedFormMixin, EditView):
    pass


class RoundViewSet(ModelViewSet):
    model = Round
    form_fields = RoundForm.Meta.fields
    list_display = ["title", "kind", "unit", "opens_at", "closes_at", "results_link"]
    list_filter = ["kind", "tier"]
    search_fields = ["title"]
    icon = "tasks"
    menu_label = gettext_lazy("Thi, trắc nghiệm")
    copy_view_enabled = False
    inspect_view_enabled = False
    index_view_class = RoundIndexView
    add_view_class = RoundCreate
    edit_view_class = RoundEdit

    def get_form_class(self, for_update=False):
        return RoundForm


class QAForm(ScopedUnitForm):
    class Meta:
        model = QAEntry
        fields = ["unit", "topic", "question", "answer", "published"]


class QACreate(ScopedFormMixin, CreateView):
    pass


class QAEdit(ScopedFormMixin, EditView):
    pass


class QAViewSet(ModelViewSet):
    model = QAEntry
    form_fields = QAForm.Meta.fields
    list_display = ["question", "topic", "unit", "published"]
    list_filter = ["topic", "published"]
    search_fields = ["question", "answer", "topic"]
    icon = "help"
    menu_label = gettext_lazy("Hỏi – Đáp")
    copy_view_enabled = False
    inspect_view_enabled = False
    add_view_class = QACreate
    edit_view_class = QAEdit

    def get_form_class(self, for_update=False):
        return QAForm


class PollForm(forms.ModelForm):
    questions_text = forms.CharField(
        label=gettext_lazy("Câu hỏi"), widget=forms.Textarea(attrs={"rows": 6}),
        help_text=gettext_lazy("Mỗi dòng một câu: “đồng ý: …”, “chọn: câu hỏi | phương án | phương án”, "
                               "“ý kiến: …”."))

    class Meta:
        model = Poll
        fields = ["page", "title", "questions_text", "anonymous", "opens_at", "closes_at"]

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if for_user is not None:
            from wagtail.models import Page

            units = list(board_units(for_user).values_list("path", flat=True))
            self.fields["page"].queryset = Page.objects.live().filter(
                depth__gt=1, path__regex=r"^(" + "|".join(units or ["^$"]) + ")").exclude(
                content_type__model="unitpage").order_by("-first_published_at")
        if self.instance.pk:
            self.initial["questions_text"] = "\n".join(
                {"agree": "đồng ý: ", "choice": "chọn: ", "text": "ý kiến: "}[q["kind"]] + " | ".join(
                    [q["text"], *q.get("options", [])]) for q in self.instance.questions)

    def clean(self):
        data = super().clean()
        try:
            self.instance.questions = parse_questions(data.get("questions_text") or "")
        except ServiceError as exc:
            self.add_error("questions_text", exc.message)
        return data


class PollCreate(ScopedFormMixin, CreateView):
    pass


class PollEdit(ScopedFormMixin, EditView):
    pass


class PollViewSet(ModelViewSet):
    model = Poll
    form_fields = PollForm.Meta.fields
    list_display = ["title", "page", "anonymous", "closes_at", "results_link"]
    icon = "comment"
    menu_label = gettext_lazy("Lấy ý kiến dự thảo")
    copy_view_enabled = False
    inspect_view_enabled = False
    add_view_class = PollCreate
    edit_view_class = PollEdit

    def get_form_class(self, for_update=False):
        return PollForm


class LearningGroup(ModelViewSetGroup):
    menu_label = gettext_lazy("Học tập và thi")
    menu_icon = "group"
    menu_order = 250
    items = (QuestionViewSet("learning_questions"), RoundViewSet("learning_rounds"), QAViewSet("learning_qa"),
             PollViewSet("learning_polls"))


# --- import and export of the bank -----------------------------------------------------------------------

def import_view(request):
    units = board_units(request.user).order_by("path")
    if not units.exists():
        raise PermissionDenied
    context = {"units": units, "errors": [], "created": None, "filename": ""}
    if request.method == "POST":
        unit = units.filter(pk=request.POST.get("unit") or 0).first() or units.first()
        upload = request.FILES.get("file")
        context["filename"] = getattr(upload, "name", "")
        if upload is None:
            context["errors"] = [_("Chọn tệp Excel (.xlsx) để nhập.")]
        else:
            try:
                result = import_bank(unit=unit, data=upload.read())
            except BankFileError as exc:
                context["errors"] = [str(exc)]
            else:
                context["errors"] = [str(e) for e in result.errors]
                context["created"] = result.created if not result.errors else None
                context["unit"] = unit
    return TemplateResponse(request, "learning/admin/import.html", context)


def export_view(request):
    if not board_units(request.user).exists():
        raise PermissionDenied
    questions = managed_questions(request.user).order_by("unit__path", "pk")
    response = HttpResponse(export_bank(questions),
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = 'attachment; filename="ngan-hang-cau-hoi.xlsx"'
    return response


# --- results, roll-up and certificates --------------------------------------------------------------------

def _results_scope(request, pk: int) -> tuple[Round, UnitPage]:
    round_ = get_object_or_404(Round.objects.select_related("unit"), pk=pk)
    if managed_rounds(request.user).filter(pk=pk).exists():
        return round_, round_.unit
    top = oversight_unit(request.user)
    start = rollup_unit(round_, top) if top is not None else None
    if start is None:
        raise PermissionDenied
    return round_, start


def results_view(request, pk: int):
    round_, start = _results_scope(request, pk)
    services.finish_expired(round_=round_)
    data = rollup(round_, start)
    rows = [r for r in data["units"] if r["depth"] <= 1]
    for row in rows:
        row["pct"] = round(100 * row["participation"], 1) if row["participation"] is not None else 0
    return TemplateResponse(request, "learning/admin/results.html", {
        "round": round_, "data": data, "rows": rows, "winners": certificates.winners(round_) if
        round_.is_closed() else [], "closed": round_.is_closed(),
    })


def certificates_view(request, pk: int):
    round_, _start = _results_scope(request, pk)
    if not round_.is_closed():
        raise PermissionDenied(_("Chỉ in giấy chứng nhận sau khi đợt thi đóng."))
    response = HttpResponse(certificates.render_pdf(round_), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="giay-chung-nhan-{round_.pk}.pdf"'
    return response
