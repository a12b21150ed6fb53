"""Wagtail admin: "Học tập và thi" (question bank, rounds) for boards; a round's results for boards and committees."""

from django.urls import path
from wagtail import hooks
from wagtail.permissions import register_permission_policy

from . import admin_views
from .models import Poll, QAEntry, Question, Round
from .selectors import managed_polls, managed_qa, managed_questions, managed_rounds

register_permission_policy(Question, admin_views.BoardPolicy(Question, managed_questions))
register_permission_policy(Round, admin_views.BoardPolicy(Round, managed_rounds))
register_permission_policy(QAEntry, admin_views.BoardPolicy(QAEntry, managed_qa))
register_permission_policy(Poll, admin_views.BoardPolicy(Poll, managed_polls))


@hooks.register("register_admin_viewset")
def register_learning_viewsets():
    return admin_views.LearningGroup()


@hooks.register("register_admin_urls")
def register_learning_urls():
    return [
        path("hoc-tap/nhap/", admin_views.import_view, name="sotay_learning_import"),
        path("hoc-tap/xuat/", admin_views.export_view, name="sotay_learning_export"),
        path("hoc-tap/ket-qua/<int:pk>/", admin_views.results_view, name="sotay_learning_results"),
        path("hoc-tap/ket-qua/<int:pk>/giay-chung-nhan/", admin_views.certificates_view,
             name="sotay_learning_certificates"),
    ]
