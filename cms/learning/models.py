"""Học tập và thi: a board's question bank, quizzes and contest rounds, members' attempts, Q&A entries.

Everything here is API data, never a layer file: answer keys and scores must not reach a phone before a round
closes. A round is visible under the rule of layers — its unit is the member's unit or above it and its tier fits
the member's role — so the round's (unit, tier) names the layer whose readers may take it.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from layerformat.model import LayerId
from layerformat.text import fold


class Tier(models.TextChoices):
    ALL = "all", _("Toàn thể đảng viên")
    COMMITTEE = "committee", _("Cấp ủy")


class QuestionKind(models.TextChoices):
    SINGLE = "single", _("Một đáp án đúng")
    MULTIPLE = "multiple", _("Nhiều đáp án đúng")


class Question(models.Model):
    """A multiple-choice question of a board's bank. `choices` is a list of {"text", "correct"}; the key never
    leaves the server before the round that asked it closes."""

    unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="questions",
                             verbose_name=_("đơn vị"))
    text = models.TextField(_("câu hỏi"))
    kind = models.CharField(_("loại"), max_length=16, choices=QuestionKind.choices, default=QuestionKind.SINGLE)
    choices = models.JSONField(_("phương án"), default=list)
    explanation = models.TextField(_("giải thích"), blank=True)
    resolution = models.CharField(_("nghị quyết"), max_length=80, blank=True, db_index=True,
                                  help_text=_("Số, ký hiệu văn bản, ví dụ 09-NQ/TU"))
    topic = models.CharField(_("chủ đề"), max_length=120, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("ngân hàng câu hỏi")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.text[:80]

    @property
    def correct(self) -> frozenset[int]:
        return frozenset(i for i, c in enumerate(self.choices) if c.get("correct"))


class RoundKind(models.TextChoices):
    QUIZ = "quiz", _("Trắc nghiệm")
    CONTEST = "contest", _("Cuộc thi")


class Round(models.Model):
    """A quiz or one round of a contest for `unit`'s subtree and `tier`."""

    unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="learning_rounds",
                             verbose_name=_("đơn vị tổ chức"))
    tier = models.CharField(_("đối tượng"), max_length=16, choices=Tier.choices, default=Tier.ALL)
    kind = models.CharField(_("hình thức"), max_length=16, choices=RoundKind.choices, default=RoundKind.QUIZ)
    title = models.CharField(_("tên"), max_length=200)
    description = models.TextField(_("thể lệ"), blank=True)
    opens_at = models.DateTimeField(_("mở lúc"))
    closes_at = models.DateTimeField(_("đóng lúc"))
    question_count = models.PositiveSmallIntegerField(_("số câu mỗi lượt"), default=10)
    time_limit_s = models.PositiveIntegerField(_("thời gian làm bài (giây)"), default=600)
    attempts_allowed = models.PositiveSmallIntegerField(_("số lượt được làm"), default=1)
    resolution = models.CharField(_("chỉ lấy câu hỏi của nghị quyết"), max_length=80, blank=True)
    topic = models.CharField(_("chỉ lấy câu hỏi của chủ đề"), max_length=120, blank=True)
    winners = models.PositiveSmallIntegerField(_("số giải (in giấy chứng nhận)"), default=3)
    # Raised whenever a question of a bank changes or goes: a process's cached answer key (cms/learning/keys.py)
    # is trusted only for the version it was read at, and this row is read with every attempt anyway.
    key_version = models.PositiveIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("đợt thi, trắc nghiệm")
        verbose_name_plural = _("thi, trắc nghiệm")
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def layer(self) -> LayerId:
        return self.unit.layer(self.tier)

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def is_closed(self, now=None) -> bool:
        return (now or timezone.now()) >= self.closes_at

    def results_link(self) -> str:
        from django.urls import reverse
        from django.utils.html import format_html

        return format_html('<a href="{}">{}</a>', reverse("sotay_learning_results", args=[self.pk]), _("Kết quả"))

    results_link.short_description = _("kết quả")

    def pool(self) -> models.QuerySet[Question]:
        """The questions a draw takes from: the organising unit's bank, narrowed by resolution and topic."""
        questions = Question.objects.filter(unit=self.unit)
        if self.resolution:
            questions = questions.filter(resolution=self.resolution)
        if self.topic:
            questions = questions.filter(topic=self.topic)
        return questions


class Attempt(models.Model):
    """One member's attempt `number` (1…attempts_allowed) at a round. The unique key is what makes a second
    start of the same attempt fail under any concurrency; `submitted_at` is set once, under a row lock."""

    round = models.ForeignKey(Round, on_delete=models.CASCADE, related_name="attempts")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="learning_attempts")
    number = models.PositiveSmallIntegerField(default=1)
    questions = models.JSONField(default=list)  # question ids in the order drawn
    started_at = models.DateTimeField()
    deadline = models.DateTimeField()
    submitted_at = models.DateTimeField(null=True, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True)
    max_score = models.PositiveSmallIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["round", "member", "number"], name="learning_attempt_once")]
        indexes = [models.Index(fields=["round", "submitted_at"])]


class AttemptAnswer(models.Model):
    """The choices a member gave for one question, saved as given (the newest replaces the older)."""

    attempt = models.ForeignKey(Attempt, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="+")
    choices = models.JSONField(default=list)
    answered_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["attempt", "question"], name="learning_answer_once")]


class QAEntry(models.Model):
    """Hỏi – Đáp: a question and its answer that a unit publishes by topic, searchable without tone marks."""

    unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="qa_entries",
                             verbose_name=_("đơn vị"))
    topic = models.CharField(_("chủ đề"), max_length=120)
    question = models.TextField(_("câu hỏi"))
    answer = models.TextField(_("trả lời"))
    published = models.BooleanField(_("đã đăng"), default=True)
    folded = models.TextField(editable=False, default="")
    source_feedback = models.IntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("hỏi – đáp")
        verbose_name_plural = _("hỏi – đáp")
        ordering = ["topic", "pk"]

    def __str__(self) -> str:
        return self.question[:80]

    def save(self, *args, **kwargs):
        self.folded = fold(f"{self.topic} {self.question} {self.answer}")
        super().save(*args, **kwargs)


class Poll(models.Model):
    """Góp ý dự thảo: structured questions on a published draft (`page`); see cms/learning/polls.py."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("dự thảo (bài đã đăng)"))
    title = models.CharField(_("tên đợt lấy ý kiến"), max_length=200)
    questions = models.JSONField(_("câu hỏi"), default=list)
    anonymous = models.BooleanField(_("ẩn danh"), default=False)
    opens_at = models.DateTimeField(_("bắt đầu"), default=timezone.now)
    closes_at = models.DateTimeField(_("kết thúc"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("lấy ý kiến dự thảo")
        verbose_name_plural = _("lấy ý kiến dự thảo")
        ordering = ["-opens_at"]

    def __str__(self) -> str:
        return self.title

    def is_open(self, now=None) -> bool:
        now = now or timezone.now()
        return self.opens_at <= now < self.closes_at

    def results_link(self) -> str:
        from django.utils.html import format_html

        return format_html('<a href="/api/learning/polls/{}/results?format=xlsx">{}</a>', self.pk, _("Tải kết quả"))

    results_link.short_description = _("kết quả")


class PollResponse(models.Model):
    """A member's answers to a poll, one per question (agree/disagree, the option, the text)."""

    poll = models.ForeignKey(Poll, on_delete=models.CASCADE, related_name="responses")
    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="+")
    unit = models.ForeignKey("org.UnitPage", on_delete=models.CASCADE, related_name="+")
    answers = models.JSONField(default=list)
    answered_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["poll", "member"], name="learning_poll_answer_once")]


class EssayMark(models.TextChoices):
    EXCELLENT = "excellent", _("Tốt")
    GOOD = "good", _("Khá")
    PASS = "pass", _("Đạt")
    FAIL = "fail", _("Chưa đạt")


class Essay(models.Model):
    """Bài thu hoạch: a member's essay on a study material, typed or photographed; the secretary marks it."""

    member = models.ForeignKey("org.Member", on_delete=models.CASCADE, related_name="essays")
    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+",
                             verbose_name=_("tài liệu học tập"))
    text = models.TextField(_("nội dung"), blank=True)
    submitted_at = models.DateTimeField(auto_now=True)
    mark = models.CharField(_("xếp loại"), max_length=16, choices=EssayMark.choices, blank=True)
    comment = models.TextField(_("nhận xét"), blank=True)
    marked_by = models.ForeignKey("org.Member", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    marked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "page"], name="learning_essay_once")]


class EssayPhoto(models.Model):
    """A phone photo of a handwritten page, stored resized (JPEG, phone width)."""

    essay = models.ForeignKey(Essay, on_delete=models.CASCADE, related_name="photos")
    image = models.FileField(upload_to="essays/%Y/%m/")
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
